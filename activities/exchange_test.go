package activities_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/activities"
	"motcua/internal/calendar"
)

// minutesTime is the calendar as the activities count with it (the app's adapter).
type minutesTime struct{ *calendar.WorkingTime }

func (m minutesTime) Due(start time.Time, minutes int, _ []activities.Interval) time.Time {
	return m.WorkingTime.Due(start, calendar.Minutes(minutes), nil)
}

// TestLeaderDueFollowsWeekendsAndTet: a document registered on a working day goes
// before the leader by the same hour of the next working day, skipping weekends and
// the Tết holiday of the real calendar; an urgent one at once.
func TestLeaderDueFollowsWeekendsAndTet(t *testing.T) {
	wt, err := calendar.NewWorkingTime(calendar.Config{})
	if err != nil {
		t.Fatal(err)
	}
	vn := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, motcua.Vietnam)
	}
	for _, tc := range []struct {
		name     string
		at       time.Time
		priority int
		want     time.Time
	}{
		{"Tuesday to Wednesday", vn(2026, 3, 3, 10, 0), 0, vn(2026, 3, 4, 10, 0)},
		{"Friday to Monday over the weekend", vn(2026, 3, 6, 10, 0), 0, vn(2026, 3, 9, 10, 0)},
		{"before Tết to after Tết", vn(2026, 2, 13, 10, 0), 0, vn(2026, 2, 23, 10, 0)},
		{"urgent at once, even before Tết", vn(2026, 2, 13, 10, 0), 1, vn(2026, 2, 13, 10, 0)},
		{"flash at once on a Saturday", vn(2026, 3, 7, 10, 0), 3, vn(2026, 3, 7, 10, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := activities.LeaderDue(minutesTime{wt}, tc.at, tc.priority); !got.Equal(tc.want) {
				t.Fatalf("due %v, want %v", got.In(motcua.Vietnam), tc.want)
			}
		})
	}
}
