package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"motcua"
)

// Groupings of the statistics.
const (
	ByProcedure = "procedure"
	ByUnit      = "unit"
	ByMonth     = "month"
)

// StatsFilter selects the statistics: dossiers the units in scope received or handled,
// over the period [From, To), grouped By procedure, unit or month, with open work
// judged at min(To, Now).
type StatsFilter struct {
	UnitPath  string
	From, To  time.Time
	Now       time.Time
	By        string
	Procedure string
}

// StatsRow is one group of the statistics.
//
// Per procedure and month the figures are the dossiers': received in the period;
// resolved in the period (result returned, or refused after review), early (before the
// due day), on time (on the due day) or late; refused at intake, withdrawn, stopped in
// the period; and open at the end of the period, not yet due or overdue, of which
// waiting for the applicant. Per unit they are the unit's hand-overs (the process
// control sheet): received by the unit, finished early / on time / late against the
// step's budget, and open at the end, not yet due or overdue.
type StatsRow struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Received  int    `json:"received"`
	Resolved  int    `json:"resolved"`
	Early     int    `json:"early"`
	OnTime    int    `json:"onTime"`
	Late      int    `json:"late"`
	Refused   int    `json:"refused"`
	Withdrawn int    `json:"withdrawn"`
	Stopped   int    `json:"stopped"`
	Pending   int    `json:"pending"`
	NotYetDue int    `json:"notYetDue"`
	Overdue   int    `json:"overdue"`
	Paused    int    `json:"paused"`
	// Received by channel (per procedure and month; 0 per unit): online on motcua, at
	// the desk, by post, from the national portal. They add up to Received.
	ReceivedOnline int `json:"receivedOnline"`
	ReceivedDesk   int `json:"receivedDesk"`
	ReceivedPost   int `json:"receivedPost"`
	ReceivedPortal int `json:"receivedPortal"`
	// Ratings of the dossiers resolved in the period (per procedure and month; 0 per
	// unit): how many were rated and the sum of their overall levels (1–5,
	// docs/ratings.md), so that groups add up; RatingAverage divides them.
	Rated     int `json:"rated"`
	RatingSum int `json:"ratingSum"`
}

// RatingAverage is the mean overall level of the group's ratings, 0 when none.
func (r StatsRow) RatingAverage() float64 {
	if r.Rated == 0 {
		return 0
	}
	return float64(r.RatingSum) / float64(r.Rated)
}

// Add adds o's counts to r.
func (r *StatsRow) Add(o StatsRow) {
	r.Received += o.Received
	r.Resolved += o.Resolved
	r.Early += o.Early
	r.OnTime += o.OnTime
	r.Late += o.Late
	r.Refused += o.Refused
	r.Withdrawn += o.Withdrawn
	r.Stopped += o.Stopped
	r.Pending += o.Pending
	r.NotYetDue += o.NotYetDue
	r.Overdue += o.Overdue
	r.Paused += o.Paused
	r.ReceivedOnline += o.ReceivedOnline
	r.ReceivedDesk += o.ReceivedDesk
	r.ReceivedPost += o.ReceivedPost
	r.ReceivedPortal += o.ReceivedPortal
	r.Rated += o.Rated
	r.RatingSum += o.RatingSum
}

// Stats is the statistics of a period.
type Stats struct {
	By    string     `json:"by"`
	From  time.Time  `json:"from"`
	To    time.Time  `json:"to"`
	Rows  []StatsRow `json:"rows"`
	Total StatsRow   `json:"total"`
}

// The statistics read the daily rollups of migration 0027, kept by the transaction of
// every transition and rating (recordTransition, AddRating): stats_daily (the dossiers'
// figures per scope, Vietnam day, procedure and channel) and stats_unit_daily (the
// hand-overs' per unit, day and procedure). A year is 365 days of rows, never a scan of
// the year's dossiers. The flows of whole Vietnam days come from the rollups; a period
// edge that is not a Vietnam midnight (the page's "now") adds the flows of its part of a
// day from the dossiers' and hand-overs' indexed times. Open work at a period's end T:
//   - T at or after now: counted from the open dossiers / hand-overs (open work is
//     small), overdue judged now;
//   - T in the past, a Vietnam midnight: prefix sums of the rollup before T's day
//     (received minus ended, overdue marks minus clears, entries minus exits of
//     "waiting for the applicant"); a past T that is not a midnight is refused.

// statsBucket is one column of the statistics: [from, to) and its rows by key
// (procedure code or unit code).
type statsBucket struct {
	from, to time.Time
	rows     map[string]*StatsRow
}

// openLevel is the open work at an instant, or a day's change of it.
type openLevel struct{ pending, overdue, paused int }

func (l *openLevel) add(o openLevel) {
	l.pending += o.pending
	l.overdue += o.overdue
	l.paused += o.paused
}

// dayRow is one day and key of a rollup: its flows and its change of open work.
type dayRow struct {
	day   time.Time
	key   string
	flows StatsRow
	open  openLevel
}

// Stats computes the statistics of a period.
func (s *Store) Stats(ctx context.Context, f StatsFilter) (Stats, error) {
	if !f.From.Before(f.To) {
		return Stats{}, fmt.Errorf("stats: empty period %s–%s", f.From, f.To)
	}
	out := Stats{By: f.By, From: f.From, To: f.To, Rows: []StatsRow{}}
	switch f.By {
	case ByProcedure, "", ByUnit:
		unit := f.By == ByUnit
		if !unit {
			out.By = ByProcedure
		}
		b := []statsBucket{{from: f.From, to: f.To}}
		if err := s.fillBuckets(ctx, f, unit, false, b); err != nil {
			return Stats{}, err
		}
		labels, err := s.statsLabels(ctx, unit)
		if err != nil {
			return Stats{}, err
		}
		for _, key := range sortedKeys(b[0].rows) {
			r := *b[0].rows[key]
			if r == (StatsRow{}) {
				continue
			}
			r.Key, r.Label = key, labels[key]
			out.Rows = append(out.Rows, r)
		}
	case ByMonth:
		var b []statsBucket
		for m := monthStart(f.From); m.Before(f.To); m = m.AddDate(0, 1, 0) {
			b = append(b, statsBucket{from: maxTime(m, f.From), to: minTime(m.AddDate(0, 1, 0), f.To)})
		}
		if err := s.fillBuckets(ctx, f, false, true, b); err != nil {
			return Stats{}, err
		}
		for i, m := 0, monthStart(f.From); i < len(b); i, m = i+1, m.AddDate(0, 1, 0) {
			row := b[i].sum()
			row.Key, row.Label = m.Format("2006-01"), fmt.Sprintf("Tháng %d/%d", int(m.Month()), m.Year())
			out.Rows = append(out.Rows, row)
		}
	default:
		return Stats{}, fmt.Errorf("stats: unknown grouping %q", f.By)
	}
	for _, r := range out.Rows {
		out.Total.Add(r)
	}
	if out.By == ByMonth && len(out.Rows) > 0 {
		// Open work is a level, not a flow: the total's is the last month's.
		last := out.Rows[len(out.Rows)-1]
		out.Total.Pending, out.Total.NotYetDue, out.Total.Overdue, out.Total.Paused = last.Pending, last.NotYetDue, last.Overdue, last.Paused
	}
	out.Total.Key, out.Total.Label = "total", "Tổng cộng"
	return out, nil
}

// sum is the bucket's rows added up.
func (b statsBucket) sum() StatsRow {
	var r StatsRow
	for _, x := range b.rows {
		r.Add(*x)
	}
	return r
}

func sortedKeys(m map[string]*StatsRow) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// statsLabels names the keys: procedures (their newest version's name) or units.
func (s *Store) statsLabels(ctx context.Context, unit bool) (map[string]string, error) {
	q := `SELECT DISTINCT ON (code) code, name FROM procedures ORDER BY code, version DESC`
	if unit {
		q = `SELECT code, name FROM units`
	}
	rows, err := s.pool.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("stats labels: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("stats labels: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// vnMidnight says whether t is a midnight in Vietnam time.
func vnMidnight(t time.Time) bool {
	l := t.In(motcua.Vietnam)
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// dayStart is the first instant of the Vietnam day d (a UTC midnight as vnDay gives).
func dayStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, motcua.Vietnam)
}

// fillBuckets computes the buckets' rows (consecutive, oldest first) from the rollups.
//
// unit reads the hand-overs per unit, else the dossiers per procedure; summed says the
// caller adds each bucket's rows up (months, weeks), so they need not be told apart.
func (s *Store) fillBuckets(ctx context.Context, f StatsFilter, unit, summed bool, buckets []statsBucket) error {
	now := f.Now
	if now.IsZero() {
		now = time.Now()
	}
	if !unit && f.UnitPath != "" {
		// The rollup's scopes are the units' paths and '' (every unit): a prefix that
		// covers every unit ("/") is ''.
		var unitPath, everyUnit bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE path = $1),
				NOT EXISTS (SELECT 1 FROM units WHERE path NOT LIKE $1 || '%')`, f.UnitPath).Scan(&unitPath, &everyUnit); err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		switch {
		case everyUnit:
			f.UnitPath = ""
		case !unitPath:
			return fmt.Errorf("stats: scope %q is not a unit's path", f.UnitPath)
		}
	}
	q := statsQueries[unit]
	d0, d1 := vnDay(buckets[0].from), endDay(buckets[len(buckets)-1].to)
	// The days are read grouped by day and key (the procedure, the unit, or '' when the
	// buckets are summed); the open work before them by key alone.
	day, key := "day", "procedure_code"
	if unit {
		day = "r.day"
	} else if summed {
		key = "''"
	}
	base := map[string]openLevel{}
	var baseRows []dayRow
	if buckets[0].to.Before(now) {
		// Some bucket ended in the past: its open work is the prefix sum before its end.
		var err error
		if baseRows, err = s.dayRows(ctx, fmt.Sprintf(q.days, "NULL::date", key), f.UnitPath, time.Time{}, d0, f.Procedure); err != nil {
			return err
		}
	}
	for _, r := range baseRows {
		l := base[r.key]
		l.add(r.open)
		base[r.key] = l
	}
	days, err := s.dayRows(ctx, fmt.Sprintf(q.days, day, key), f.UnitPath, d0, d1, f.Procedure)
	if err != nil {
		return err
	}
	live := map[time.Time]map[string]openLevel{}
	for i := range buckets {
		b := &buckets[i]
		b.rows = map[string]*StatsRow{}
		row := func(key string) *StatsRow {
			if b.rows[key] == nil {
				b.rows[key] = &StatsRow{}
			}
			return b.rows[key]
		}
		// Flows: the whole days in [from, to), then the parts of a day at either edge.
		first, end := vnDay(b.from), vnDay(b.to)
		if !vnMidnight(b.from) {
			first = first.AddDate(0, 0, 1)
		}
		for _, r := range days {
			if !r.day.Before(first) && r.day.Before(end) {
				row(r.key).Add(r.flows)
			}
		}
		var edges [][2]time.Time
		switch {
		case !first.Before(end) && (!vnMidnight(b.from) || !vnMidnight(b.to)):
			edges = append(edges, [2]time.Time{b.from, b.to})
		default:
			if !vnMidnight(b.from) {
				edges = append(edges, [2]time.Time{b.from, dayStart(first)})
			}
			if !vnMidnight(b.to) {
				edges = append(edges, [2]time.Time{dayStart(end), b.to})
			}
		}
		for _, e := range edges {
			rows, err := s.dayRows(ctx, q.edge, f.UnitPath, e[0], e[1], f.Procedure)
			if err != nil {
				return err
			}
			for _, r := range rows {
				row(r.key).Add(r.flows)
			}
		}
		// Open work at the end.
		var open map[string]openLevel
		switch {
		case !b.to.Before(now):
			if live[b.to] == nil {
				rows, err := s.dayRows(ctx, q.live, f.UnitPath, b.to, now, f.Procedure)
				if err != nil {
					return err
				}
				live[b.to] = map[string]openLevel{}
				for _, r := range rows {
					live[b.to][r.key] = r.open
				}
			}
			open = live[b.to]
		case vnMidnight(b.to):
			open = map[string]openLevel{}
			for k, l := range base {
				open[k] = l
			}
			for _, r := range days {
				if r.day.Before(end) {
					l := open[r.key]
					l.add(r.open)
					open[r.key] = l
				}
			}
		default:
			return fmt.Errorf("stats: a period that ended in the past must end at a Vietnam midnight, not %s", b.to)
		}
		for k, l := range open {
			if l == (openLevel{}) {
				continue
			}
			r := row(k)
			r.Pending, r.Overdue, r.NotYetDue, r.Paused = l.pending, l.overdue, l.pending-l.overdue, l.paused
		}
	}
	return nil
}

// dayRows runs one of statsQueries with ($1 scope, $2, $3, $4 procedure). Every query
// returns day, key, the flows of StatsRow (received, resolved, early, on time, late,
// refused, withdrawn, stopped, the four channels, rated, rating sum) and the open work
// (pending, overdue, paused).
func (s *Store) dayRows(ctx context.Context, q, scope string, a, b time.Time, procedure string) ([]dayRow, error) {
	rows, err := s.pool.Query(ctx, q, scope, a, b, procedure)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	var out []dayRow
	for rows.Next() {
		var r dayRow
		var day *time.Time
		x := &r.flows
		if err := rows.Scan(&day, &r.key, &x.Received, &x.Resolved, &x.Early, &x.OnTime, &x.Late, &x.Refused, &x.Withdrawn,
			&x.Stopped, &x.ReceivedOnline, &x.ReceivedDesk, &x.ReceivedPost, &x.ReceivedPortal, &x.Rated, &x.RatingSum,
			&r.open.pending, &r.open.overdue, &r.open.paused); err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		if day != nil {
			r.day = *day
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return out, nil
}

// statsQueries are the queries of the dossiers' statistics (false) and of the units'
// hand-overs (true): days reads the rollup's days [$2, $3) (a date of year 1 for "from
// the start"; a format of the day and key expressions, so '%%' for '%'), edge counts the flows of the instants [$2, $3) (less than a day) from the
// records, live counts the open work at $2 judged at $3 (now) from the open records.
var statsQueries = map[bool]struct{ days, edge, live string }{
	false: {
		days: `SELECT %[1]s, %[2]s, sum(received)::int, sum(resolved)::int, sum(early)::int, sum(on_time)::int,
				sum(late)::int, sum(refused)::int, sum(withdrawn)::int, sum(stopped)::int,
				coalesce(sum(received) FILTER (WHERE channel = 'online'), 0)::int,
				coalesce(sum(received) FILTER (WHERE channel = 'desk'), 0)::int,
				coalesce(sum(received) FILTER (WHERE channel = 'post'), 0)::int,
				coalesce(sum(received) FILTER (WHERE channel = 'portal'), 0)::int,
				sum(rated)::int, sum(rating_sum)::int,
				sum(received - closed)::int, sum(due_mark - due_clear)::int, sum(paused)::int
			FROM stats_daily WHERE scope = $1 AND day >= $2::date AND day < $3::date AND ($4 = '' OR procedure_code = $4)
			GROUP BY 1, 2`,
		edge: `WITH d AS (
				SELECT d.*, ` + dossierOutcome + ` AS outcome,
					(SELECT r.score FROM ratings r WHERE r.dossier_id = d.id) AS rating,
					d.finished_at >= $2 AND d.finished_at < $3 AS fin,
					d.received_at >= $2 AND d.received_at < $3 AS rec
				FROM dossiers d
				WHERE ((d.received_at >= $2 AND d.received_at < $3) OR (d.finished_at >= $2 AND d.finished_at < $3))
					AND ($4 = '' OR d.procedure_code = $4) AND ` + dossierInScope + `
			)
			SELECT NULL::date, procedure_code,
				count(*) FILTER (WHERE rec)::int,
				count(*) FILTER (WHERE fin AND status IN ('returned', 'archived', 'rejected'))::int,
				count(*) FILTER (WHERE fin AND status IN ('returned', 'archived', 'rejected') AND outcome = 'early')::int,
				count(*) FILTER (WHERE fin AND status IN ('returned', 'archived', 'rejected') AND outcome = 'on-time')::int,
				count(*) FILTER (WHERE fin AND status IN ('returned', 'archived', 'rejected') AND outcome = 'late')::int,
				count(*) FILTER (WHERE fin AND status = 'refused')::int,
				count(*) FILTER (WHERE fin AND status = 'withdrawn')::int,
				count(*) FILTER (WHERE fin AND status = 'stopped')::int,
				count(*) FILTER (WHERE rec AND channel = 'online')::int,
				count(*) FILTER (WHERE rec AND channel = 'desk')::int,
				count(*) FILTER (WHERE rec AND channel = 'post')::int,
				count(*) FILTER (WHERE rec AND channel = 'portal')::int,
				count(rating) FILTER (WHERE fin AND status IN ('returned', 'archived'))::int,
				coalesce(sum(rating) FILTER (WHERE fin AND status IN ('returned', 'archived')), 0)::int,
				0, 0, 0
			FROM d GROUP BY 2`,
		live: `SELECT NULL::date, d.procedure_code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				count(*)::int, count(*) FILTER (WHERE d.due_at < $3)::int,
				count(*) FILTER (WHERE d.status = 'supplement_requested')::int
			FROM dossiers d
			WHERE d.finished_at IS NULL AND d.received_at IS NOT NULL AND d.received_at < $2
				AND ($4 = '' OR d.procedure_code = $4) AND ` + dossierInScope + `
			GROUP BY 2`,
	},
	true: {
		days: `SELECT %[1]s, un.code, sum(r.handed)::int, sum(r.finished)::int, sum(r.early)::int, sum(r.on_time)::int,
				sum(r.late)::int, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				sum(r.handed - r.finished)::int, sum(r.due_mark - r.due_clear)::int, 0
			FROM stats_unit_daily r JOIN units un ON un.id = r.unit_id
			WHERE un.path LIKE $1 || '%%' AND r.day >= $2::date AND r.day < $3::date AND ($4 = '' OR r.procedure_code = $4)
			GROUP BY 1, 2`,
		edge: `SELECT NULL::date, un.code,
				count(*) FILTER (WHERE h.handed_at >= $2 AND h.handed_at < $3)::int,
				count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3)::int,
				count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'early')::int,
				count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'on-time')::int,
				count(*) FILTER (WHERE h.finished_at >= $2 AND h.finished_at < $3 AND h.outcome = 'late')::int,
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
			FROM handovers h JOIN units un ON un.id = h.to_unit_id JOIN dossiers d ON d.id = h.dossier_id
			WHERE ((h.handed_at >= $2 AND h.handed_at < $3) OR (h.finished_at >= $2 AND h.finished_at < $3))
				AND un.path LIKE $1 || '%' AND ($4 = '' OR d.procedure_code = $4)
			GROUP BY 2`,
		live: `SELECT NULL::date, un.code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				count(*)::int, count(*) FILTER (WHERE h.due_at < $3)::int, 0
			FROM handovers h JOIN units un ON un.id = h.to_unit_id
			WHERE h.finished_at IS NULL AND h.handed_at < $2 AND un.path LIKE $1 || '%'
				AND ($4 = '' OR EXISTS (SELECT 1 FROM dossiers d WHERE d.id = h.dossier_id AND d.procedure_code = $4))
			GROUP BY 2`,
	},
}

// dossierOutcome judges dossier d's end against its due date, day-granular in Vietnam
// time (as stats_contrib does).
const dossierOutcome = `CASE WHEN d.finished_at IS NULL THEN NULL
		WHEN d.due_at IS NULL THEN 'on-time'
		WHEN d.finished_at > d.due_at THEN 'late'
		WHEN (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
		ELSE 'on-time' END`

// dossierInScope says dossier d was received by, or handed to, a unit under $1.
const dossierInScope = `($1 = '' OR d.unit_id IN (SELECT u.id FROM units u WHERE u.path LIKE $1 || '%')
	OR EXISTS (SELECT 1 FROM handovers h JOIN units u ON u.id = h.to_unit_id WHERE h.dossier_id = d.id AND u.path LIKE $1 || '%'))`

// monthStart is the first instant of t's month in Vietnam time.
func monthStart(t time.Time) time.Time {
	l := t.In(motcua.Vietnam)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, motcua.Vietnam)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
