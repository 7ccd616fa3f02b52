package worker

import (
	"context"
	"log/slog"
	"sync"
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

// CalendarRefresh is how often the administrator's overrides are read again: a holiday
// added on the admin page counts in every API and worker process within this time.
const CalendarRefresh = 30 * time.Second

// LiveWorkingTime is a working-time calendar that load builds again at most every
// refresh, so that the administrator's overrides apply without a restart. The first
// load happens now and its error is returned; a later failed load keeps the calendar
// it has, logs, and is tried again after refresh. Activities may use it freely: they
// are not replayed, and a workflow only sees the due dates they return.
func LiveWorkingTime(ctx context.Context, load func(context.Context) (activities.WorkingTime, error),
	refresh time.Duration, now func() time.Time, log *slog.Logger) (activities.WorkingTime, error) {
	wt, err := load(ctx)
	if err != nil {
		return nil, err
	}
	return &liveWorkingTime{load: load, refresh: refresh, now: now, log: log, cur: wt, loaded: now()}, nil
}

type liveWorkingTime struct {
	load    func(context.Context) (activities.WorkingTime, error)
	refresh time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu     sync.Mutex
	cur    activities.WorkingTime
	loaded time.Time
}

func (l *liveWorkingTime) get() activities.WorkingTime {
	l.mu.Lock()
	cur := l.cur
	stale := l.now().Sub(l.loaded) >= l.refresh
	if stale {
		// One caller reloads, outside the lock; the others go on with the calendar they
		// have rather than wait for the database.
		l.loaded = l.now()
	}
	l.mu.Unlock()
	if !stale {
		return cur
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	wt, err := l.load(ctx)
	cancel()
	if err != nil {
		l.log.Warn("reload the working-time calendar; keeping the one loaded before", "err", err)
		return cur
	}
	l.mu.Lock()
	l.cur = wt
	l.mu.Unlock()
	return wt
}

func (l *liveWorkingTime) Start(t time.Time) time.Time { return l.get().Start(t) }

func (l *liveWorkingTime) Due(start time.Time, minutes int, paused []activities.Interval) time.Time {
	return l.get().Due(start, minutes, paused)
}
