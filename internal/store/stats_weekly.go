package store

import (
	"context"
	"fmt"
	"time"

	"motcua"
)

// Weekly is the statistics of each week (Monday to Sunday, Vietnam time) that overlaps
// [f.From, f.To), cut to that period, oldest first, for the dashboard's chart of received
// and resolved dossiers. Each week is counted by the same query as Stats (one query per week, as
// ByMonth does), so a week's figures and the period's can never disagree.
func (s *Store) Weekly(ctx context.Context, f StatsFilter) ([]StatsRow, error) {
	q := fmt.Sprintf(dossierStats, "'', ''")
	var out []StatsRow
	for w := weekStart(f.From); w.Before(f.To); w = w.AddDate(0, 0, 7) {
		from, to := maxTime(w, f.From), minTime(w.AddDate(0, 0, 7), f.To)
		rows, err := s.statsRows(ctx, q, f.UnitPath, from, to, f.Now, f.Procedure)
		if err != nil {
			return nil, fmt.Errorf("week of %s: %w", w.Format(time.DateOnly), err)
		}
		end := w.AddDate(0, 0, 6)
		row := StatsRow{Key: w.Format(time.DateOnly), Label: fmt.Sprintf("%s–%s", w.Format("02/01"), end.Format("02/01"))}
		for _, r := range rows {
			row.Add(r)
		}
		out = append(out, row)
	}
	return out, nil
}

// weekStart is the first instant of t's week (Monday) in Vietnam time.
func weekStart(t time.Time) time.Time {
	l := t.In(motcua.Vietnam)
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	return time.Date(l.Year(), l.Month(), l.Day()-back, 0, 0, 0, 0, motcua.Vietnam)
}
