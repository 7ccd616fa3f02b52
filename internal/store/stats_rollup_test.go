package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
)

// The statistics read daily rollups (migration 0027). The scan they replaced is kept
// here, and only here, as the oracle: on a varied fixture the rollup's figures must
// equal the scan's for every grouping, several periods and scopes.

// oracleDossierStats aggregates dossiers; %s is the grouping key and label.
const oracleDossierStats = `
	WITH scope AS (SELECT id FROM units WHERE path LIKE $1 || '%%'),
	d AS (
		SELECT d.*, p.name AS procedure_name,
			(SELECT r.score FROM ratings r WHERE r.dossier_id = d.id) AS rating,
			CASE WHEN d.finished_at IS NULL THEN NULL
				WHEN d.due_at IS NULL THEN 'on-time'
				WHEN d.finished_at > d.due_at THEN 'late'
				WHEN (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
				ELSE 'on-time' END AS outcome,
			d.finished_at >= $2 AND d.finished_at < $3 AS finished_in,
			d.received_at < $3 AND (d.finished_at IS NULL OR d.finished_at >= $3) AS open_at_end
		FROM dossiers d
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		WHERE d.submitted_at < $3 AND (d.finished_at IS NULL OR d.finished_at >= $2)
			AND ($5 = '' OR d.procedure_code = $5)
			AND (d.unit_id IN (SELECT id FROM scope)
				OR EXISTS (SELECT 1 FROM handovers h WHERE h.dossier_id = d.id AND h.to_unit_id IN (SELECT id FROM scope)))
	)
	SELECT %s,
		count(*) FILTER (WHERE received_at >= $2 AND received_at < $3),
		count(*) FILTER (WHERE finished_in AND status IN ('returned', 'archived', 'rejected')),
		count(*) FILTER (WHERE finished_in AND status IN ('returned', 'archived', 'rejected') AND outcome = 'early'),
		count(*) FILTER (WHERE finished_in AND status IN ('returned', 'archived', 'rejected') AND outcome = 'on-time'),
		count(*) FILTER (WHERE finished_in AND status IN ('returned', 'archived', 'rejected') AND outcome = 'late'),
		count(*) FILTER (WHERE finished_in AND status = 'refused'),
		count(*) FILTER (WHERE finished_in AND status = 'withdrawn'),
		count(*) FILTER (WHERE finished_in AND status = 'stopped'),
		count(*) FILTER (WHERE open_at_end),
		count(*) FILTER (WHERE open_at_end AND (due_at IS NULL OR due_at >= least($3, $4))),
		count(*) FILTER (WHERE open_at_end AND due_at < least($3, $4)),
		-- Waiting for the applicant at the end of the period, not now: the status its
		-- history had then.
		count(*) FILTER (WHERE open_at_end AND (SELECT e.status FROM dossier_events e
			WHERE e.dossier_id = d.id AND e.at < $3 ORDER BY e.seq DESC LIMIT 1) = 'supplement_requested'),
		count(*) FILTER (WHERE received_at >= $2 AND received_at < $3 AND channel = 'online'),
		count(*) FILTER (WHERE received_at >= $2 AND received_at < $3 AND channel = 'desk'),
		count(*) FILTER (WHERE received_at >= $2 AND received_at < $3 AND channel = 'post'),
		count(*) FILTER (WHERE received_at >= $2 AND received_at < $3 AND channel = 'portal'),
		-- Ratings of the dossiers resolved in the period (a rating comes after return).
		count(rating) FILTER (WHERE finished_in AND status IN ('returned', 'archived')),
		coalesce(sum(rating) FILTER (WHERE finished_in AND status IN ('returned', 'archived')), 0)
	FROM d GROUP BY 1, 2 ORDER BY 1`

// oracleUnitStats aggregates the control sheet's hand-overs per unit in scope.
const oracleUnitStats = `
	SELECT un.code, un.name,
		count(*) FILTER (WHERE h.handed_at >= $2 AND h.handed_at < $3),
		count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3),
		count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'early'),
		count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'on-time'),
		count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'late'),
		0, 0, 0,
		count(*) FILTER (WHERE h.handed_at < $3 AND (h.finished_at IS NULL OR h.finished_at >= $3)),
		count(*) FILTER (WHERE h.handed_at < $3 AND (h.finished_at IS NULL OR h.finished_at >= $3)
			AND (h.due_at IS NULL OR h.due_at >= least($3, $4))),
		count(*) FILTER (WHERE h.handed_at < $3 AND (h.finished_at IS NULL OR h.finished_at >= $3) AND h.due_at < least($3, $4)),
		0, 0, 0, 0, 0, 0, 0
	FROM handovers h
	JOIN units un ON un.id = h.to_unit_id
	JOIN dossiers d ON d.id = h.dossier_id
	WHERE un.path LIKE $1 || '%' AND h.handed_at < $3 AND (h.finished_at IS NULL OR h.finished_at >= $2)
		AND ($5 = '' OR d.procedure_code = $5)
	GROUP BY 1, 2 ORDER BY 1`

// oracleStats is Store.Stats as it was: the scan.
func oracleStats(t *testing.T, s *store.Store, f store.StatsFilter) store.Stats {
	t.Helper()
	out := store.Stats{By: f.By, From: f.From, To: f.To, Rows: []store.StatsRow{}}
	switch f.By {
	case store.ByProcedure, "":
		out.By = store.ByProcedure
		out.Rows = oracleRows(t, s, fmt.Sprintf(oracleDossierStats, "procedure_code, procedure_name"), f.UnitPath, f.From, f.To, f.Now, f.Procedure)
	case store.ByUnit:
		out.Rows = oracleRows(t, s, oracleUnitStats, f.UnitPath, f.From, f.To, f.Now, f.Procedure)
	case store.ByMonth:
		q := fmt.Sprintf(oracleDossierStats, "'', ''")
		l := f.From.In(motcua.Vietnam)
		for m := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, motcua.Vietnam); m.Before(f.To); m = m.AddDate(0, 1, 0) {
			from, to := later(m, f.From), earlier(m.AddDate(0, 1, 0), f.To)
			row := store.StatsRow{Key: m.Format("2006-01"), Label: fmt.Sprintf("Tháng %d/%d", int(m.Month()), m.Year())}
			for _, r := range oracleRows(t, s, q, f.UnitPath, from, to, f.Now, f.Procedure) {
				row.Add(r)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	for _, r := range out.Rows {
		out.Total.Add(r)
	}
	if out.By == store.ByMonth && len(out.Rows) > 0 {
		last := out.Rows[len(out.Rows)-1]
		out.Total.Pending, out.Total.NotYetDue, out.Total.Overdue, out.Total.Paused = last.Pending, last.NotYetDue, last.Overdue, last.Paused
	}
	out.Total.Key, out.Total.Label = "total", "Tổng cộng"
	return out
}

// oracleWeekly is Store.Weekly as it was.
func oracleWeekly(t *testing.T, s *store.Store, f store.StatsFilter) []store.StatsRow {
	t.Helper()
	q := fmt.Sprintf(oracleDossierStats, "'', ''")
	l := f.From.In(motcua.Vietnam)
	var out []store.StatsRow
	for w := time.Date(l.Year(), l.Month(), l.Day()-(int(l.Weekday())+6)%7, 0, 0, 0, 0, motcua.Vietnam); w.Before(f.To); w = w.AddDate(0, 0, 7) {
		from, to := later(w, f.From), earlier(w.AddDate(0, 0, 7), f.To)
		row := store.StatsRow{Key: w.Format(time.DateOnly), Label: fmt.Sprintf("%s–%s", w.Format("02/01"), w.AddDate(0, 0, 6).Format("02/01"))}
		for _, r := range oracleRows(t, s, q, f.UnitPath, from, to, f.Now, f.Procedure) {
			row.Add(r)
		}
		out = append(out, row)
	}
	return out
}

func oracleRows(t *testing.T, s *store.Store, q, unitPath string, from, to, now time.Time, procedure string) []store.StatsRow {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), q, unitPath, from, to, now, procedure)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[store.StatsRow])
	if err != nil {
		t.Fatal(err)
	}
	// A group with nothing to show (a dossier submitted but never received) is no row.
	var kept []store.StatsRow
	for _, r := range out {
		if z := (store.StatsRow{Key: r.Key, Label: r.Label}); r != z {
			kept = append(kept, r)
		}
	}
	return kept
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// seedVariedStatsFixture is the hand-counted fixture of seedStatsFixture (D1–D12) and
// more: every channel, ratings (one of a dossier refused after review, which the
// statistics leave out), a due date moved by a supplement, a dossier appraised by two
// units, a dossier refused at intake from the portal, and one stopped while waiting for
// the applicant.
func seedVariedStatsFixture(t *testing.T) (*store.Store, *fixture) {
	t.Helper()
	s := seedStatsFixture(t)
	f := &fixture{t: t, s: s, units: map[string]motcua.Unit{}, staff: map[string]int64{}}
	f.applicant = f.userID("congdan1")
	for unit, user := range map[string]string{"VP": "canbo1", "TCPCP": "chuyenvien1", "CVTLT": "chuyenvien2", "G09": "lanhdao1"} {
		u, err := s.UnitByCode(context.Background(), unit)
		if err != nil {
			t.Fatal(err)
		}
		f.units[unit], f.staff[unit] = u, f.userID(user)
	}
	// D13: at the desk; waits for the applicant 10/03–20/03, the due date moves, returned late.
	d13 := f.submitVia(motcua.ChannelDesk, procFund, vn(3, 5, 8, 0), vn(3, 6, 8, 0)).
		receive(vn(3, 5, 9, 0), vn(3, 19, 17, 0)).
		review(vn(3, 5, 9, 0), "TCPCP", vn(3, 18, 17, 0)).
		requestSupplement(vn(3, 10, 10, 0))
	moved := vn(4, 2, 17, 0)
	d13.record(d13.acting(motcua.Transition{Action: "supplement", Status: motcua.StatusInReview, At: vn(3, 20, 11, 0), DueAt: &moved}))
	d13.ready(vn(4, 3, 9, 0), vn(4, 4, 9, 0)).returnResult(vn(4, 3, 15, 0))
	// D14: by post, appraised by CVTLT then TCPCP, returned early on 14/04 (a period's last day).
	f.submitVia(motcua.ChannelPost, procArchive, vn(3, 28, 8, 0), vn(3, 29, 8, 0)).
		receive(vn(3, 28, 9, 0), vn(4, 25, 17, 0)).
		review(vn(3, 28, 9, 0), "CVTLT", vn(4, 8, 17, 0)).
		handTo(vn(4, 7, 9, 0), "transfer", motcua.StatusInReview, "TCPCP", stepReview, budgetReview, vn(4, 11, 17, 0)).
		ready(vn(4, 14, 9, 0), vn(4, 15, 9, 0)).returnResult(vn(4, 14, 23, 30))
	// D15: from the portal, refused at intake on 15/03.
	f.submitVia(motcua.ChannelPortal, procFund, vn(3, 15, 8, 0), vn(3, 16, 8, 0)).
		finish(vn(3, 15, 9, 0), "refuse", motcua.StatusRefused)
	// D16: from the portal, waiting for the applicant from 01/04, stopped on 18/04.
	f.submitVia(motcua.ChannelPortal, procArchive, vn(3, 30, 8, 0), vn(3, 31, 8, 0)).
		receive(vn(3, 31, 9, 0), vn(4, 10, 17, 0)).
		review(vn(3, 31, 9, 0), "CVTLT", vn(4, 9, 17, 0)).
		requestSupplement(vn(4, 1, 10, 0)).
		finish(vn(4, 18, 10, 0), "stop", motcua.StatusStopped)
	// D17: at the desk on 21/04, open, overdue now (due 21/04 17:00).
	f.submitVia(motcua.ChannelDesk, procFund, vn(4, 21, 8, 0), vn(4, 21, 9, 0)).
		receive(vn(4, 21, 9, 0), vn(4, 21, 17, 0))
	// Ratings: D1 5, D2 3 (rated a month later), D13 4, and D9 (refused after review) 1.
	codes := map[string]motcua.DossierCode{}
	rows, err := s.Pool().Query(context.Background(), `SELECT code, procedure_code || ':' || status || ':' || to_char(received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'MMDD') FROM dossiers WHERE received_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code motcua.DossierCode
		var k string
		if err := rows.Scan(&code, &k); err != nil {
			t.Fatal(err)
		}
		codes[k] = code
	}
	rows.Close()
	for _, r := range []struct {
		key   string
		score int
		at    time.Time
	}{
		{procFund + ":archived:0303", 5, vn(3, 14, 9, 0)},
		{procFund + ":archived:0401", 3, vn(5, 15, 9, 0)},
		{procFund + ":archived:0305", 4, vn(4, 5, 9, 0)},
		{procArchive + ":rejected:0402", 1, vn(4, 10, 9, 0)},
	} {
		code, ok := codes[r.key]
		if !ok {
			t.Fatalf("no dossier %s", r.key)
		}
		added, err := s.AddRating(context.Background(), store.Rating{DossierCode: code, ApplicantID: f.applicant, Score: r.score, RatedAt: r.at})
		if err != nil || !added {
			t.Fatalf("rate %s: %v %v", r.key, added, err)
		}
	}
	return s, f
}

func TestStatsRollupEqualsTheScan(t *testing.T) {
	s, f := seedVariedStatsFixture(t)
	ctx := context.Background()
	now := vn(4, 22, 10, 0)
	scopes := []string{"/", f.units["G09"].Path, f.units["VP"].Path, f.units["TCPCP"].Path, f.units["CVTLT"].Path}
	periods := []struct {
		name     string
		from, to time.Time
	}{
		{"March", vn(3, 1, 0, 0), vn(4, 1, 0, 0)},
		{"April, running", vn(4, 1, 0, 0), vn(5, 1, 0, 0)},
		{"February–April", vn(2, 1, 0, 0), vn(5, 1, 0, 0)},
		{"reporting month 15/03–14/04", vn(3, 15, 0, 0), vn(4, 15, 0, 0)},
		{"one week", vn(3, 24, 0, 0), vn(3, 31, 0, 0)},
		{"one day", vn(4, 1, 0, 0), vn(4, 2, 0, 0)},
		{"from midday to now", vn(3, 10, 12, 0), now},
		{"the last second", now.Add(-time.Second), now},
		{"up to a future midday", vn(4, 14, 12, 30), vn(4, 25, 12, 0)},
		{"the year", vn(1, 1, 0, 0), time.Date(2026, 1, 1, 0, 0, 0, 0, vnZone)},
	}
	checked := 0
	for _, scope := range scopes {
		for _, p := range periods {
			for _, by := range []string{store.ByProcedure, store.ByUnit, store.ByMonth} {
				for _, proc := range []string{"", procArchive} {
					sf := store.StatsFilter{UnitPath: scope, From: p.from, To: p.to, Now: now, By: by, Procedure: proc}
					got, err := s.Stats(ctx, sf)
					if err != nil {
						t.Fatalf("%s %s by %s %s: %v", scope, p.name, by, proc, err)
					}
					want := oracleStats(t, s, sf)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s, %s, by %s, procedure %q:\n rollup %+v\n scan   %+v", scope, p.name, by, proc, got.Rows, want.Rows)
						if got.Total != want.Total {
							t.Errorf("  totals: rollup %+v\n scan   %+v", got.Total, want.Total)
						}
					}
					checked++
				}
			}
			sf := store.StatsFilter{UnitPath: scope, From: p.from, To: p.to, Now: now}
			got, err := s.Weekly(ctx, sf)
			if err != nil {
				t.Fatalf("%s %s weekly: %v", scope, p.name, err)
			}
			if want := oracleWeekly(t, s, sf); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %s, weekly:\n rollup %+v\n scan   %+v", scope, p.name, got, want)
			}
			checked++
		}
	}
	t.Logf("%d statistics equal the scan", checked)
}

// TestTheRollupsAreTheSumOfTheContributions: after the varied fixture's transitions and
// ratings, each of which moved a dossier's contribution only when it could change it
// (movesStatistics), the rollups hold exactly the contributions of every dossier
// computed afresh by stats_contrib and stats_unit_contrib (rows left at zero aside).
func TestTheRollupsAreTheSumOfTheContributions(t *testing.T) {
	s, f := seedVariedStatsFixture(t)
	// Transitions the fixture lacks: a hand-over finished alone, a step that changes
	// nothing the statistics read, a supplement asked for before the receipt.
	d := f.submit(procFund, vn(4, 20, 8, 0), vn(4, 20, 17, 0)).
		receive(vn(4, 20, 9, 0), vn(4, 30, 17, 0)).
		review(vn(4, 20, 9, 0), "TCPCP", vn(4, 27, 17, 0))
	d.record(d.acting(motcua.Transition{Action: "consult", Status: motcua.StatusInReview, At: vn(4, 21, 9, 0)}))
	d.record(d.acting(motcua.Transition{Action: "submit-for-signing", Status: motcua.StatusAwaitingSignature, At: vn(4, 21, 10, 0),
		FinishHandover: true}))
	f.submit(procArchive, vn(4, 20, 8, 0), vn(4, 20, 17, 0)).
		requestSupplement(vn(4, 20, 9, 0)).
		receive(vn(4, 21, 9, 0), vn(4, 30, 17, 0))
	const daily = `received, resolved, early, on_time, late, refused, withdrawn, stopped, closed, due_mark, due_clear, paused, rated, rating_sum`
	const unit = `handed, finished, early, on_time, late, due_mark, due_clear`
	for _, c := range []struct{ name, rollup, fresh string }{
		{"stats_daily",
			`SELECT scope, day, procedure_code, channel, ` + daily + ` FROM stats_daily
				WHERE (` + daily + `) IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
			`SELECT scope, day, procedure_code, channel, ` + daily + ` FROM stats_contrib((SELECT array_agg(id) FROM dossiers))
				WHERE (` + daily + `) IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`},
		{"stats_unit_daily",
			`SELECT unit_id, day, procedure_code, ` + unit + ` FROM stats_unit_daily
				WHERE (` + unit + `) IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0)`,
			`SELECT unit_id, day, procedure_code, ` + unit + ` FROM stats_unit_contrib((SELECT array_agg(id) FROM dossiers))
				WHERE (` + unit + `) IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0)`},
	} {
		var rows, extra, missing int
		err := s.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM (`+c.fresh+`) f),
				(SELECT count(*) FROM (`+c.rollup+` EXCEPT ALL `+c.fresh+`) x),
				(SELECT count(*) FROM (`+c.fresh+` EXCEPT ALL `+c.rollup+`) x)`).Scan(&rows, &extra, &missing)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rows == 0 || extra != 0 || missing != 0 {
			t.Errorf("%s: %d rows afresh; %d rows of the rollup are not the contributions', %d of the contributions' are not in the rollup",
				c.name, rows, extra, missing)
		}
	}
}
