package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"motcua/internal/calendar"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestAHolidayAddedOnTheAdminPageCountsWithoutARestart: an override stored as the admin
// page stores it reaches the running calendar at the next refresh, not before, and a
// removed one goes away the same way.
func TestAHolidayAddedOnTheAdminPageCountsWithoutARestart(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	a := &App{Store: st, Log: slog.New(slog.DiscardHandler)}
	ict := time.FixedZone("ICT", 7*3600)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, ict)
	live, err := calendar.NewLive(ctx, a.loadWorkingTime, calendar.Refresh, func() time.Time { return clock }, a.Log)
	if err != nil {
		t.Fatal(err)
	}
	wt := activityTime{live} // as the activities and the API count
	// One working day from Tuesday 01/12/2026 09:00 runs out on Wednesday at 09:00;
	// with Wednesday off, on Thursday.
	from := clock
	wed, thu := time.Date(2026, 12, 2, 9, 0, 0, 0, ict), time.Date(2026, 12, 3, 9, 0, 0, 0, ict)
	due := func() time.Time { return wt.Due(from, 480, nil) }
	if got := due(); !got.Equal(wed) {
		t.Fatalf("before: due %s, want %s", got, wed)
	}
	if err := st.SetCalendarOverride(ctx, 0, wed, store.DayOff, "Nghỉ bù (thử)"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(calendar.Refresh - time.Second)
	if got := due(); !got.Equal(wed) {
		t.Errorf("within the refresh interval: due %s, want the calendar loaded before (%s)", got, wed)
	}
	clock = clock.Add(2 * time.Second)
	if got := due(); !got.Equal(thu) {
		t.Errorf("after the refresh: due %s, want %s (the new day off counts)", got, thu)
	}
	if err := st.RemoveCalendarOverride(ctx, 0, wed); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(calendar.Refresh)
	if got := due(); !got.Equal(wed) {
		t.Errorf("after removing it: due %s, want %s", got, wed)
	}
	// A failed reload keeps the calendar it had.
	st.Close()
	clock = clock.Add(calendar.Refresh)
	if got := due(); !got.Equal(wed) {
		t.Errorf("with the database gone: due %s, want the last calendar's %s", got, wed)
	}
}
