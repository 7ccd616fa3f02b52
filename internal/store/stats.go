package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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

// dossierStats aggregates dossiers; %s is the grouping key and label.
const dossierStats = `
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

// unitStats aggregates the control sheet's hand-overs per unit in scope.
const unitStats = `
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

// Stats computes the statistics of a period.
func (s *Store) Stats(ctx context.Context, f StatsFilter) (Stats, error) {
	if !f.From.Before(f.To) {
		return Stats{}, fmt.Errorf("stats: empty period %s–%s", f.From, f.To)
	}
	out := Stats{By: f.By, From: f.From, To: f.To, Rows: []StatsRow{}}
	switch f.By {
	case ByProcedure, "":
		out.By = ByProcedure
		rows, err := s.statsRows(ctx, fmt.Sprintf(dossierStats, "procedure_code, procedure_name"), f.UnitPath, f.From, f.To, f.Now, f.Procedure)
		if err != nil {
			return Stats{}, err
		}
		out.Rows = rows
	case ByUnit:
		rows, err := s.statsRows(ctx, unitStats, f.UnitPath, f.From, f.To, f.Now, f.Procedure)
		if err != nil {
			return Stats{}, err
		}
		out.Rows = rows
	case ByMonth:
		q := fmt.Sprintf(dossierStats, "'', ''")
		for m := monthStart(f.From); m.Before(f.To); m = m.AddDate(0, 1, 0) {
			from, to := maxTime(m, f.From), minTime(m.AddDate(0, 1, 0), f.To)
			rows, err := s.statsRows(ctx, q, f.UnitPath, from, to, f.Now, f.Procedure)
			if err != nil {
				return Stats{}, err
			}
			row := StatsRow{Key: m.Format("2006-01"), Label: fmt.Sprintf("Tháng %d/%d", int(m.Month()), m.Year())}
			for _, r := range rows {
				row.Add(r)
			}
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

func (s *Store) statsRows(ctx context.Context, q, unitPath string, from, to, now time.Time, procedure string) ([]StatsRow, error) {
	rows, err := s.pool.Query(ctx, q, unitPath, from, to, now, procedure)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StatsRow])
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return out, nil
}

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
