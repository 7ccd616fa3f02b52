package worker

import (
	"time"

	"motcua/activities"
	"motcua/internal/calendar"
)

// WorkingTime adapts the calendar to the activities: the receipt rule (cut-off at
// 15:00) applies where a dossier is received; step budgets and deadlines are counted
// from the moment itself.
func WorkingTime(cfg calendar.Config, overrides ...calendar.Override) (activities.WorkingTime, error) {
	withCutOff, err := calendar.New(cfg, overrides...)
	if err != nil {
		return nil, err
	}
	cfg.CutOff = calendar.NoCutOff
	plain, err := calendar.New(cfg, overrides...)
	if err != nil {
		return nil, err
	}
	return workingTime{receipt: withCutOff, plain: plain}, nil
}

type workingTime struct{ receipt, plain *calendar.Calendar }

func (w workingTime) Start(t time.Time) time.Time { return w.receipt.Start(t) }

func (w workingTime) Due(start time.Time, minutes int, paused []activities.Interval) time.Time {
	ps := make([]calendar.Interval, len(paused))
	for i, p := range paused {
		ps[i] = calendar.Interval{Start: p.From, End: p.To}
	}
	return w.plain.Due(start, calendar.Minutes(minutes), ps)
}
