package app

import (
	"context"
	"fmt"
	"time"

	"motcua/activities"
	"motcua/internal/calendar"
	"motcua/internal/store"
)

// loadWorkingTime builds the working time from the rules, the yearly announcements and
// the administrator's overrides kept in PostgreSQL (which win).
func (a *App) loadWorkingTime(ctx context.Context) (*calendar.WorkingTime, error) {
	rows, err := a.Store.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	extra := make([]calendar.Override, 0, len(rows))
	for _, r := range rows {
		kind := calendar.DayOff
		if r.Kind == store.WorkingDay {
			kind = calendar.WorkingDay
		}
		extra = append(extra, calendar.Override{Date: calendar.DateOf(r.Day), Kind: kind, Name: r.Name})
	}
	wt, err := calendar.NewWorkingTime(calendar.Config{}, extra...)
	if err != nil {
		return nil, fmt.Errorf("working-time calendar: %w", err)
	}
	return wt, nil
}

// activityTime is the live calendar as the activities and the API count with it: in
// minutes, with the workflow's own pause intervals.
type activityTime struct{ *calendar.Live }

func (t activityTime) Due(start time.Time, minutes int, paused []activities.Interval) time.Time {
	ps := make([]calendar.Interval, len(paused))
	for i, p := range paused {
		ps[i] = calendar.Interval{Start: p.From, End: p.To}
	}
	return t.Live.Due(start, calendar.Minutes(minutes), ps)
}
