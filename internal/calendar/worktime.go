package calendar

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// WorkingTime is the calendar a dossier's clock counts with: the receipt rule (the
// cut-off) applies where a dossier is received (Start); step budgets and deadlines are
// counted from the moment itself, whatever its hour (Due).
type WorkingTime struct{ receipt, plain *Calendar }

// NewWorkingTime builds the working time of cfg (whose CutOff is the receipt rule) with
// extra overrides, as New does.
func NewWorkingTime(cfg Config, extra ...Override) (*WorkingTime, error) {
	receipt, err := New(cfg, extra...)
	if err != nil {
		return nil, err
	}
	cfg.CutOff = NoCutOff
	plain, err := New(cfg, extra...)
	if err != nil {
		return nil, err
	}
	return &WorkingTime{receipt: receipt, plain: plain}, nil
}

// Start is when counting starts for something received at t: t itself inside working
// hours before the cut-off, else the start of the next working session.
func (w *WorkingTime) Start(t time.Time) time.Time { return w.receipt.Start(t) }

// Due is when d of working time, counted from start (not moved by the cut-off), has
// elapsed; time inside paused intervals does not count.
func (w *WorkingTime) Due(start time.Time, d Duration, paused []Interval) time.Time {
	return w.plain.Due(start, d, paused)
}

// Elapsed is the working time used on something received at received and ended at end:
// counted from Start(received), with no pause.
func (w *WorkingTime) Elapsed(received, end time.Time) Duration {
	return w.plain.Elapsed(w.receipt.Start(received), end, nil)
}

// Refresh is how often a Live calendar reads the administrator's overrides again: a
// holiday added on the admin page counts in every API and worker process within this
// time.
const Refresh = 30 * time.Second

// Live is a WorkingTime that its load function builds again at most every refresh, so
// that overrides kept in a database apply without a restart. Unlike the rest of this
// package it has a clock and does I/O (through load): activities and the API may use
// it; a workflow must not (it would not replay).
type Live struct {
	load    func(context.Context) (*WorkingTime, error)
	refresh time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu     sync.Mutex
	cur    *WorkingTime
	loaded time.Time
}

// NewLive loads the working time now and returns its error, if any. Later, a failed
// load keeps the working time loaded before, logs, and is tried again after refresh.
// now is the clock of the refresh interval (time.Now outside tests); log may be nil.
func NewLive(ctx context.Context, load func(context.Context) (*WorkingTime, error),
	refresh time.Duration, now func() time.Time, log *slog.Logger) (*Live, error) {
	wt, err := load(ctx)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Live{load: load, refresh: refresh, now: now, log: log, cur: wt, loaded: now()}, nil
}

// Current returns the working time in force, loading it again when it is stale.
func (l *Live) Current() *WorkingTime {
	l.mu.Lock()
	cur := l.cur
	stale := l.now().Sub(l.loaded) >= l.refresh
	if stale {
		// One caller reloads, outside the lock; the others go on with the working time
		// they have rather than wait for the database.
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

// Start is Current().Start.
func (l *Live) Start(t time.Time) time.Time { return l.Current().Start(t) }

// Elapsed is Current().Elapsed.
func (l *Live) Elapsed(received, end time.Time) Duration { return l.Current().Elapsed(received, end) }

// Due is Current().Due.
func (l *Live) Due(start time.Time, d Duration, paused []Interval) time.Time {
	return l.Current().Due(start, d, paused)
}
