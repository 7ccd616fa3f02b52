package calendar

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWorkingTimeAppliesTheCutOffOnlyAtReceipt: a dossier received at 16:00 counts from
// the next morning, but a step's budget handed on at 16:00 counts from 16:00.
func TestWorkingTimeAppliesTheCutOffOnlyAtReceipt(t *testing.T) {
	wt, err := NewWorkingTime(Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 01/12/2026 16:00, after the 15:00 cut-off.
	at := ict(t, "2026-12-01T16:00")
	if got, want := wt.Start(at), ict(t, "2026-12-02T07:00"); !got.Equal(want) {
		t.Errorf("Start(%s) = %s, want %s (the next working morning)", at, got, want)
	}
	// Two working hours from 16:00: one hour on Tuesday, one on Wednesday from 07:00.
	if got, want := wt.Due(at, Hours(2), nil), ict(t, "2026-12-02T08:00"); !got.Equal(want) {
		t.Errorf("Due(%s, 2h) = %s, want %s (counted from 16:00 itself)", at, got, want)
	}
}

// TestLiveReloadsAtTheRefreshAndKeepsTheLastOnFailure: a new override counts at the next
// refresh, not before; a failed reload keeps what was loaded.
func TestLiveReloadsAtTheRefreshAndKeepsTheLastOnFailure(t *testing.T) {
	wed := Date{Year: 2026, Month: time.December, Day: 2}
	var extra []Override
	var failing bool
	loads := 0
	load := func(context.Context) (*WorkingTime, error) {
		loads++
		if failing {
			return nil, errors.New("database gone")
		}
		return NewWorkingTime(Config{}, extra...)
	}
	clock := ict(t, "2026-12-01T09:00")
	l, err := NewLive(context.Background(), load, Refresh, func() time.Time { return clock }, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One working day from Tuesday 09:00 runs out on Wednesday 09:00; with Wednesday
	// off, on Thursday.
	from := clock
	due := func() time.Time { return l.Due(from, Days(1), nil) }
	onWed, onThu := ict(t, "2026-12-02T09:00"), ict(t, "2026-12-03T09:00")
	if got := due(); !got.Equal(onWed) {
		t.Fatalf("before: due %s, want %s", got, onWed)
	}
	extra = []Override{{Date: wed, Kind: DayOff, Name: "Nghỉ bù (thử)"}}
	clock = clock.Add(Refresh - time.Second)
	if got := due(); !got.Equal(onWed) {
		t.Errorf("within the refresh interval: due %s, want the working time loaded before (%s)", got, onWed)
	}
	clock = clock.Add(2 * time.Second)
	if got := due(); !got.Equal(onThu) {
		t.Errorf("after the refresh: due %s, want %s (the new day off counts)", got, onThu)
	}
	if got := l.Start(ict(t, "2026-12-01T16:00")); !got.Equal(ict(t, "2026-12-03T07:00")) {
		t.Errorf("Start after the cut-off on the eve of the day off: %s, want Thursday 07:00", got)
	}
	failing = true
	clock = clock.Add(Refresh)
	if got := due(); !got.Equal(onThu) {
		t.Errorf("with the database gone: due %s, want the last working time's %s", got, onThu)
	}
	n := loads
	clock = clock.Add(Refresh / 2)
	due()
	if loads != n {
		t.Errorf("a failed reload was tried again before the refresh interval")
	}
	failing, extra = false, nil
	clock = clock.Add(Refresh)
	if got := due(); !got.Equal(onWed) {
		t.Errorf("after the database is back: due %s, want %s", got, onWed)
	}
}

func TestLiveReturnsTheFirstLoadsError(t *testing.T) {
	_, err := NewLive(context.Background(), func(context.Context) (*WorkingTime, error) {
		return nil, errors.New("no database")
	}, Refresh, time.Now, nil)
	if err == nil {
		t.Fatal("NewLive succeeded without a working time")
	}
}
