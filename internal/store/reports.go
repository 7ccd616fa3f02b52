package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/reports"
)

// The reports of issue 16 read two things the transitions keep in their own transaction
// (migration 0012): report_monthly, the rollup of form 06's flows per reporting month, and
// dossier_due_history, every due date a dossier had and since when. A closed period's
// figures are therefore computed as of its end, and kept in report_snapshots the first
// time they are read.

// reportState is what a dossier was before a transition: the report's flows are the
// changes of these.
type reportState struct {
	received, finished, due *time.Time
}

// SetWorkingTime sets how the reports count the working minutes from a receipt to a
// resolution (the app passes the working-time calendar). Call it before the store is
// used; without it, weekdayMinutes counts.
func (s *Store) SetWorkingTime(minutes func(from, to time.Time) int64) {
	if minutes != nil {
		s.workingMinutes = minutes
	}
}

// weekdayMinutes is 480 minutes for every Monday to Friday after the day of from up to
// and including the day of to (Vietnam time): received on a Monday and resolved on the
// Wednesday is two working days. It knows no holiday; the app sets the calendar.
func weekdayMinutes(from, to time.Time) int64 {
	a, b := from.In(motcua.Vietnam), to.In(motcua.Vietnam)
	d := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	end := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	var n int64
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n += 480
		}
	}
	return n
}

// vnDay is t's day in Vietnam time, as a date PostgreSQL reads.
func vnDay(t time.Time) time.Time {
	l := t.In(motcua.Vietnam)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// recordReportFlows keeps the reports' records of one transition inside its
// transaction: a new due date in the history, and the day's flow (received, or ended
// and how) in the rollup. A transition recorded again never reaches here
// (recordTransition returns before), so nothing is counted twice.
func recordReportFlows(ctx context.Context, tx pgx.Tx, dossierID int64, t motcua.Transition, before reportState,
	minutes func(from, to time.Time) int64) error {
	due := before.due
	if t.DueAt != nil && (before.due == nil || !before.due.Equal(*t.DueAt)) {
		due = t.DueAt
		if _, err := tx.Exec(ctx, `INSERT INTO dossier_due_history (dossier_id, seq, since, due_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, dossierID, t.Seq, t.At.UTC(), t.DueAt.UTC()); err != nil {
			return fmt.Errorf("due-date history: %w", err)
		}
	}
	received := before.received
	if received == nil && t.ReceivedAt != nil {
		received = t.ReceivedAt
		if err := addFlow(ctx, tx, dossierID, *t.ReceivedAt, "received", 0); err != nil {
			return err
		}
	}
	if before.finished != nil || t.FinishedAt == nil {
		return nil
	}
	end := *t.FinishedAt
	switch t.Status {
	case motcua.StatusReturned, motcua.StatusArchived, motcua.StatusRejected:
		if received == nil {
			return nil
		}
		return addFlow(ctx, tx, dossierID, end, timeliness(end, due), minutes(*received, end))
	case motcua.StatusWithdrawn, motcua.StatusStopped:
		if received == nil {
			return nil // never received: not in the report
		}
		return addFlow(ctx, tx, dossierID, end, string(t.Status), 0)
	case motcua.StatusRefused:
		if received == nil {
			return addFlow(ctx, tx, dossierID, end, "refused_intake", 0)
		}
	}
	return nil
}

// timeliness judges a resolution against the due date in force, day-granular in
// Vietnam time as the control sheet does: before the due day early, on it (not after
// the due time) on time, after the due time late.
func timeliness(end time.Time, due *time.Time) string {
	switch {
	case due == nil:
		return "on_time"
	case end.After(*due):
		return "late"
	case vnDay(end).Before(vnDay(*due)):
		return "early"
	}
	return "on_time"
}

// flowColumns are report_monthly's counters by flow name; only these reach SQL.
var flowColumns = map[string]string{
	"early": "early", "on_time": "on_time", "late": "late",
	"withdrawn": "withdrawn", "stopped": "stopped", "refused_intake": "refused_intake",
}

// reportMonth is the first day (the 15th) of the reporting month of Decree 09 that
// contains t in Vietnam time.
func reportMonth(t time.Time) time.Time {
	l := t.In(motcua.Vietnam)
	m := time.Date(l.Year(), l.Month(), 15, 0, 0, 0, 0, time.UTC)
	if l.Day() < 15 {
		m = m.AddDate(0, -1, 0)
	}
	return m
}

// addFlow adds one to the month's counter of the flow for the dossier's unit, field and
// procedure; "received" goes to the online or desk counter by the dossier's channel.
func addFlow(ctx context.Context, tx pgx.Tx, dossierID int64, at time.Time, flow string, minutes int64) error {
	col := flowColumns[flow]
	var q string
	switch {
	case flow == "received":
		q = `INSERT INTO report_monthly AS r (unit_id, domain, procedure_code, month, received_online, received_desk)
			SELECT d.unit_id, p.domain, d.procedure_code, $2, CASE WHEN ` + dossierChannelOnline + ` THEN 1 ELSE 0 END,
				CASE WHEN ` + dossierChannelOnline + ` THEN 0 ELSE 1 END
			FROM dossiers d JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version WHERE d.id = $1
			ON CONFLICT (unit_id, domain, procedure_code, month) DO UPDATE SET
				received_online = r.received_online + EXCLUDED.received_online, received_desk = r.received_desk + EXCLUDED.received_desk`
	case col != "":
		q = `INSERT INTO report_monthly AS r (unit_id, domain, procedure_code, month, ` + col + `, resolution_minutes)
			SELECT d.unit_id, p.domain, d.procedure_code, $2, 1, $3
			FROM dossiers d JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version WHERE d.id = $1
			ON CONFLICT (unit_id, domain, procedure_code, month) DO UPDATE SET
				` + col + ` = r.` + col + ` + 1, resolution_minutes = r.resolution_minutes + EXCLUDED.resolution_minutes`
	default:
		return fmt.Errorf("report flow %q unknown", flow)
	}
	args := []any{dossierID, reportMonth(at), minutes}
	if flow == "received" {
		args = args[:2]
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("report rollup (%s): %w", flow, err)
	}
	return nil
}

// dossierChannelOnline is the SQL that says a dossier of d came online: on motcua's
// pages or API, or through the national portal; desk and post share form 06's column.
const dossierChannelOnline = `d.channel IN ('online', 'portal')`

// Form06 computes form 06/VPCP/KSTT for the units under unitPath over p, with open
// work judged at min(p.To, now). A closed period is computed once and then read back
// from its snapshot, so its figures never change.
func (s *Store) Form06(ctx context.Context, unitPath string, p reports.Period, now time.Time) (reports.Form06, error) {
	closed := p.Closed(now)
	if closed {
		var data []byte
		err := s.pool.QueryRow(ctx, `SELECT data FROM report_snapshots WHERE report = 'form06' AND period = $1 AND unit_path = $2`,
			p.Key(), unitPath).Scan(&data)
		if err == nil {
			var f reports.Form06
			if err := json.Unmarshal(data, &f); err != nil {
				return reports.Form06{}, fmt.Errorf("form 06 snapshot %s: %w", p.Key(), err)
			}
			return f, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return reports.Form06{}, fmt.Errorf("form 06 snapshot %s: %w", p.Key(), err)
		}
	}
	f, err := s.computeForm06(ctx, unitPath, p, now)
	if err != nil {
		return reports.Form06{}, err
	}
	if closed {
		data, err := json.Marshal(f)
		if err != nil {
			return reports.Form06{}, err
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO report_snapshots (report, period, unit_path, data) VALUES ('form06', $1, $2, $3)
			ON CONFLICT DO NOTHING`, p.Key(), unitPath, data); err != nil {
			return reports.Form06{}, fmt.Errorf("form 06 snapshot %s: %w", p.Key(), err)
		}
	}
	return f, nil
}

// form06Flows sums the rollup: the period's flows, and the dossiers open at its start
// (received before it, minus ended before it) and at its end ($3: min(To, now)).
const form06Flows = `
	SELECT un.code, un.name, r.domain,
		sum(r.received_online + r.received_desk - r.early - r.on_time - r.late - r.withdrawn - r.stopped) FILTER (WHERE r.month < $2),
		coalesce(sum(r.received_online) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.received_desk) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.early) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.on_time) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.late) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.withdrawn) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.stopped) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.refused_intake) FILTER (WHERE r.month >= $2), 0),
		coalesce(sum(r.resolution_minutes) FILTER (WHERE r.month >= $2), 0)
	FROM report_monthly r JOIN units un ON un.id = r.unit_id
	WHERE un.path LIKE $1 || '%' AND r.month < $3
	GROUP BY 1, 2, 3
	ORDER BY 1, 3`

// form06Overdue counts the dossiers open at $2 (received before it, not ended before
// it) whose due date in force at $2 had passed, per unit and field.
const form06Overdue = `
	WITH open AS (
		SELECT d.id, d.unit_id, d.procedure_code, d.procedure_version FROM dossiers d
		WHERE d.finished_at IS NULL AND d.received_at < $2
		UNION ALL
		SELECT d.id, d.unit_id, d.procedure_code, d.procedure_version FROM dossiers d
		WHERE d.finished_at >= $2 AND d.received_at < $2
	)
	SELECT un.code, p.domain, count(*)
	FROM open o
	JOIN units un ON un.id = o.unit_id
	JOIN procedures p ON p.code = o.procedure_code AND p.version = o.procedure_version
	WHERE un.path LIKE $1 || '%'
		AND (SELECT h.due_at FROM dossier_due_history h WHERE h.dossier_id = o.id AND h.since < $2
			ORDER BY h.since DESC, h.seq DESC LIMIT 1) < $2
	GROUP BY 1, 2`

// form06OverdueNow is form06Overdue for a period still running, judged at $2 = now:
// the due date in force now is the dossier's own, read from dossiers_open_overdue_idx.
const form06OverdueNow = `
	SELECT un.code, p.domain, sum(o.n)::int
	FROM (SELECT unit_id, procedure_code, procedure_version, count(*) AS n FROM dossiers
		WHERE finished_at IS NULL AND received_at IS NOT NULL AND due_at < $2
		GROUP BY 1, 2, 3) o
	JOIN units un ON un.id = o.unit_id
	JOIN procedures p ON p.code = o.procedure_code AND p.version = o.procedure_version
	WHERE un.path LIKE $1 || '%'
	GROUP BY 1, 2`

func (s *Store) computeForm06(ctx context.Context, unitPath string, p reports.Period, now time.Time) (reports.Form06, error) {
	end := minTime(p.To, now)
	f := reports.Form06{Period: p, Rows: []reports.Form06Row{}}
	if err := s.pool.QueryRow(ctx, `SELECT code, name FROM units WHERE path = $1`, unitPath).Scan(&f.UnitCode, &f.UnitName); err != nil &&
		!errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("form 06: unit %s: %w", unitPath, err)
	}
	rows, err := s.pool.Query(ctx, form06Flows, unitPath, vnDay(p.From), endDay(end))
	if err != nil {
		return f, fmt.Errorf("form 06: %w", err)
	}
	type key struct{ unit, domain string }
	index := map[key]int{}
	for rows.Next() {
		var r reports.Form06Row
		var carried *int64
		var minutes int64
		var online, desk, early, onTime, late, withdrawn, stopped, refused int64
		if err := rows.Scan(&r.UnitCode, &r.UnitName, &r.Domain, &carried, &online, &desk, &early, &onTime, &late,
			&withdrawn, &stopped, &refused, &minutes); err != nil {
			rows.Close()
			return f, fmt.Errorf("form 06: %w", err)
		}
		if carried != nil {
			r.Carried = int(*carried)
		}
		r.NewOnline, r.NewDesk, r.Early, r.OnTime, r.Late = int(online), int(desk), int(early), int(onTime), int(late)
		r.Withdrawn, r.Stopped, r.RefusedAtIntake, r.ResolutionMinutes = int(withdrawn), int(stopped), int(refused), minutes
		// Open at the end: every received dossier not ended; overdue ones are subtracted below.
		r.OpenInTime = r.Received() - r.Resolved() - r.Withdrawn - r.Stopped
		if r.Received() == 0 && r.RefusedAtIntake == 0 && r.Resolved() == 0 {
			continue
		}
		index[key{r.UnitCode, r.Domain}] = len(f.Rows)
		f.Rows = append(f.Rows, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("form 06: %w", err)
	}
	overdue := form06Overdue
	if !p.Closed(now) {
		overdue = form06OverdueNow
	}
	rows, err = s.pool.Query(ctx, overdue, unitPath, end)
	if err != nil {
		return f, fmt.Errorf("form 06 overdue: %w", err)
	}
	for rows.Next() {
		var k key
		var n int
		if err := rows.Scan(&k.unit, &k.domain, &n); err != nil {
			rows.Close()
			return f, fmt.Errorf("form 06 overdue: %w", err)
		}
		if i, ok := index[k]; ok {
			f.Rows[i].OpenOverdue = n
			f.Rows[i].OpenInTime -= n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("form 06 overdue: %w", err)
	}
	return f.Totalled(), nil
}

// endDay is the first day not counted by a period ending at end: the day of end, unless
// end is a midnight in Vietnam time (then that day is wholly after the period).
func endDay(end time.Time) time.Time {
	d := vnDay(end)
	if l := end.In(motcua.Vietnam); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// Inputs766 counts what Decision 766's indicators need for the units under unitPath
// over p (open work at min(p.To, now)). Received, resolved and on time come from form
// 06; the rest from the records. What motcua does not record yet is read through the
// functions below that answer zero, each named for the column it waits for.
func (s *Store) Inputs766(ctx context.Context, unitPath string, p reports.Period, now time.Time) (reports.Inputs766, error) {
	f, err := s.Form06(ctx, unitPath, p, now)
	if err != nil {
		return reports.Inputs766{}, err
	}
	in := reports.Inputs766{
		Resolved: f.Total.Resolved(), ResolvedOnTime: f.Total.Early + f.Total.OnTime,
		Received: f.Total.New(), ReceivedOnline: f.Total.NewOnline,
	}
	end := minTime(p.To, now)
	// Results issued electronically: resolved in the period with a signed result
	// document. Procedures with a fee: those whose catalog definition names a fee other
	// than none, with dossiers received in the period. Synced: received in the period
	// with a status the portal acknowledged.
	err = s.pool.QueryRow(ctx, `
		WITH scope AS (SELECT id FROM units WHERE path LIKE $1 || '%')
		SELECT
			(SELECT count(*) FROM dossiers d WHERE d.unit_id IN (SELECT id FROM scope)
				AND d.finished_at >= $2 AND d.finished_at < $3 AND d.received_at IS NOT NULL
				AND d.status IN ('returned', 'archived', 'rejected')
				AND EXISTS (SELECT 1 FROM documents doc WHERE doc.dossier_id = d.id AND doc.kind = $4 AND doc.signed)),
			(SELECT count(DISTINCT d.procedure_code) FROM dossiers d
				JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
				WHERE d.unit_id IN (SELECT id FROM scope) AND d.received_at >= $2 AND d.received_at < $3
					AND coalesce(p.definition->'fee'->>'kind', 'none') <> 'none'),
			(SELECT count(*) FROM dossiers d WHERE d.unit_id IN (SELECT id FROM scope)
				AND d.received_at >= $2 AND d.received_at < $3
				AND EXISTS (SELECT 1 FROM status_outbox o WHERE o.dossier_id = d.id AND o.sent_at IS NOT NULL))`,
		unitPath, p.From, end, motcua.DocResult).Scan(&in.ResultsDigitized, &in.ProceduresWithFees, &in.Synced)
	if err != nil {
		return reports.Inputs766{}, fmt.Errorf("indicators 766: %w", err)
	}
	for _, c := range []struct {
		n     *int
		count func(context.Context, string, time.Time, time.Time) (int, error)
	}{
		{&in.ReceivedFullOnline, s.fullOnlineDossiers},
		{&in.ComponentsDigitized, s.digitizedComponentDossiers},
		{&in.ComponentsReused, s.reusedComponentDossiers},
		{&in.ProceduresPaidOnline, s.proceduresPaidOnline},
		{&in.Ratings, s.ratings},
		{&in.RatingsSatisfied, s.satisfiedRatings},
	} {
		if *c.n, err = c.count(ctx, unitPath, p.From, end); err != nil {
			return reports.Inputs766{}, fmt.Errorf("indicators 766: %w", err)
		}
	}
	return in, nil
}

// The counts below read the records other work adds: channels (migration 0009),
// payments and ratings (0011). Digitized and reused components wait for the reuse work.

// inScope is the SQL condition that dossier d belongs to the units under $1 and was
// received in [$2, $3).
const inScope = `d.unit_id IN (SELECT u.id FROM units u WHERE u.path LIKE $1 || '%')
	AND d.received_at >= $2 AND d.received_at < $3`

func (s *Store) countIn(ctx context.Context, q, unitPath string, from, to time.Time) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, q, unitPath, from, to).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// fullOnlineDossiers: dossiers received in [from, to) that were filed online (on
// motcua's pages or the national portal) and owed no fee or paid it online: the whole
// process online (the result is always issued electronically).
func (s *Store) fullOnlineDossiers(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.countIn(ctx, `SELECT count(*) FROM dossiers d JOIN submissions sub ON sub.code = d.code
		WHERE `+inScope+` AND `+dossierChannelOnline+`
			AND (sub.fee = 0 OR EXISTS (SELECT 1 FROM payments pay WHERE pay.dossier_code = d.code AND pay.status = 'paid'))`,
		unitPath, from, to)
}

// digitizedComponentDossiers: dossiers received in [from, to) with a component the
// desk digitized from paper at intake (files.digitized).
func (s *Store) digitizedComponentDossiers(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.dossiersWithFiles(ctx, unitPath, from, to, "f.digitized")
}

// reusedComponentDossiers: dossiers received in [from, to) with a component attached
// by reference from the applicant's document store (files.reused_from).
func (s *Store) reusedComponentDossiers(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.dossiersWithFiles(ctx, unitPath, from, to, "f.reused_from IS NOT NULL")
}

// dossiersWithFiles counts the dossiers of the unit's scope received in [from, to)
// with a file that satisfies cond (a constant SQL condition on files f).
func (s *Store) dossiersWithFiles(ctx context.Context, unitPath string, from, to time.Time, cond string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM dossiers d
		WHERE d.unit_id IN (SELECT id FROM units WHERE path LIKE $1 || '%')
			AND d.received_at >= $2 AND d.received_at < $3
			AND EXISTS (SELECT 1 FROM files f WHERE f.dossier_id = d.id AND `+cond+`)`, unitPath, from, to).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("dossiers with %s: %w", cond, err)
	}
	return n, nil
}

// proceduresPaidOnline: procedures of which a dossier received in [from, to) had its
// fee paid online.
func (s *Store) proceduresPaidOnline(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.countIn(ctx, `SELECT count(DISTINCT d.procedure_code) FROM dossiers d
		WHERE `+inScope+` AND EXISTS (SELECT 1 FROM payments pay WHERE pay.dossier_code = d.code AND pay.status = 'paid')`,
		unitPath, from, to)
}

// ratings and satisfiedRatings: the ratings of dossiers received in [from, to), and
// those satisfied or very satisfied (score 4 or 5, docs/ratings.md).
func (s *Store) ratings(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.countIn(ctx, `SELECT count(*) FROM ratings r JOIN dossiers d ON d.id = r.dossier_id WHERE `+inScope,
		unitPath, from, to)
}

func (s *Store) satisfiedRatings(ctx context.Context, unitPath string, from, to time.Time) (int, error) {
	return s.countIn(ctx, `SELECT count(*) FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		WHERE `+inScope+` AND r.score >= 4`, unitPath, from, to)
}
