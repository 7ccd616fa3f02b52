package store

import (
	"context"
	"fmt"
	"time"

	"motcua"
)

// Weekly is the statistics of each week (Monday to Sunday, Vietnam time) that overlaps
// [f.From, f.To), cut to that period, oldest first, for the dashboard's chart of received
// and resolved dossiers. The weeks are read from the same daily rollup as Stats (one
// read for all of them), so a week's figures and the period's can never disagree.
func (s *Store) Weekly(ctx context.Context, f StatsFilter) ([]StatsRow, error) {
	if !f.From.Before(f.To) {
		return nil, fmt.Errorf("weekly stats: empty period %s–%s", f.From, f.To)
	}
	var b []statsBucket
	for w := weekStart(f.From); w.Before(f.To); w = w.AddDate(0, 0, 7) {
		b = append(b, statsBucket{from: maxTime(w, f.From), to: minTime(w.AddDate(0, 0, 7), f.To)})
	}
	if err := s.fillBuckets(ctx, f, false, true, b); err != nil {
		return nil, fmt.Errorf("weekly stats: %w", err)
	}
	out := make([]StatsRow, 0, len(b))
	for i, w := 0, weekStart(f.From); i < len(b); i, w = i+1, w.AddDate(0, 0, 7) {
		row := b[i].sum()
		end := w.AddDate(0, 0, 6)
		row.Key, row.Label = w.Format(time.DateOnly), fmt.Sprintf("%s–%s", w.Format("02/01"), end.Format("02/01"))
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
