package calendar

import (
	"math/rand/v2"
	"testing"
	"time"

	"motcua"
)

// ict reads "2006-01-02T15:04" as Hanoi time.
func ict(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02T15:04", s, motcua.Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newDefault(t testing.TB) *Calendar {
	t.Helper()
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDueWorkedOutByHand checks due times against dates worked out by hand from the
// sessions (07:00–11:30, 13:30–17:00), the 15:00 cut-off, the holidays of the Labor Code
// and the embedded announcements for 2025 and 2026. Each row says how its answer was
// reached.
func TestDueWorkedOutByHand(t *testing.T) {
	c := newDefault(t)
	type pause struct{ from, to string } // to "" = still paused
	for _, tc := range []struct {
		name     string
		received string
		d        string
		paused   []pause
		want     string // "" = zero time (clock stopped)
	}{
		// Hours on an ordinary Monday: 09:00–11:30 is 2h30, the other 1h30 runs from
		// 13:30 to 15:00.
		{"hours across lunch", "2026-03-02T09:00", "4h", nil, "2026-03-02T15:00"},
		// 15:30 is after the 15:00 cut-off: counting starts Tuesday 07:00; 4h end 11:00.
		{"after the cut-off", "2026-03-02T15:30", "4h", nil, "2026-03-03T11:00"},
		// Exactly 15:00 is not after the cut-off: 15:00–17:00 counts (2h), the other 2h
		// run Tuesday 07:00–09:00.
		{"at the cut-off", "2026-03-02T15:00", "4h", nil, "2026-03-03T09:00"},
		// Received during the lunch break: counting starts at 13:30.
		{"in the lunch break", "2026-03-02T12:00", "1h", nil, "2026-03-02T14:30"},
		// Received before opening: counting starts 07:00; one day ends at 17:00 the same
		// day (a limit ends at the end of a session, not at the next morning).
		{"before opening, one day", "2026-03-02T06:15", "1d", nil, "2026-03-02T17:00"},
		// Five days from Monday 07:00: Monday to Friday, ending Friday 17:00.
		{"a working week", "2026-03-02T07:00", "5d", nil, "2026-03-06T17:00"},
		// One day from 10:00: 1h30 + 3h30 = 5h on Monday, 3h on Tuesday 07:00–10:00.
		{"one day from mid-morning", "2026-03-02T10:00", "1d", nil, "2026-03-03T10:00"},
		// Friday afternoon 14:00: 3h to 17:00, the last hour on Monday 07:00–08:00.
		{"hours across a weekend", "2026-03-06T14:00", "4h", nil, "2026-03-09T08:00"},
		// Friday 13 Feb 2026, 09:00, before Tết (off Sat 14 – Sun 22: Tết 16–20 per Notice
		// 9441/TB-BNV plus two weekends): 6h on Friday, 8h on Monday 23, the last 2h on
		// Tuesday 24 07:00–09:00.
		{"across Tết 2026", "2026-02-13T09:00", "2d", nil, "2026-02-24T09:00"},
		// The same Friday at 16:00, after the cut-off: counting starts Monday 23 Feb; five
		// days are Monday 23 to Friday 27.
		{"after the cut-off before Tết", "2026-02-13T16:00", "5d", nil, "2026-02-27T17:00"},
		// Friday 24 Jan 2025 at 15:30 (after the cut-off), before Tết Ất Tỵ: 25–26 weekend,
		// 27–31 Tết (announced), 1–2 Feb weekend; counting starts Monday 3 Feb, one day
		// ends there at 17:00. (The 1-plus-4-day rule would have made 3 Feb a
		// compensatory day; the announcement wins.)
		{"after the cut-off before Tết 2025", "2025-01-24T15:30", "1d", nil, "2025-02-03T17:00"},
		// Giỗ Tổ Hùng Vương 2026 is Sunday 26 April, so Monday 27 is a compensatory day off;
		// 30 April and 1 May are Thursday and Friday. From Friday 24 April 07:00, four days
		// are Fri 24, Tue 28, Wed 29 and Mon 4 May.
		{"weekend holiday with its compensatory day", "2026-04-24T07:00", "4d", nil, "2026-05-04T17:00"},
		// Saturday 10 Jan 2026 is a make-up working day for Friday 2 Jan. Received on
		// 1 Jan (a holiday): 2 Jan off (swap), 3–4 weekend, counting starts Monday 5 Jan;
		// six days are Mon 5 – Fri 9 and Saturday 10.
		{"across a make-up Saturday", "2026-01-01T08:00", "6d", nil, "2026-01-10T17:00"},
		// 2025: Saturday 26 April worked for Friday 2 May. From Friday 25 April 07:00:
		// Fri 25, Sat 26 (make-up), Mon 28, Tue 29, then 30/4, 1/5, 2/5 (swap) and the
		// weekend are off: the fifth day is Monday 5 May.
		{"make-up Saturday and swapped Friday 2025", "2025-04-25T07:00", "5d", nil, "2025-05-05T17:00"},
		// Received on the make-up Saturday 22 Aug 2026 at 16:00: it is a working day, so
		// the cut-off applies and counting starts Monday 24 at 07:00; 4h end at 11:00.
		{"after the cut-off on a make-up Saturday", "2026-08-22T16:00", "4h", nil, "2026-08-24T11:00"},
		// Quốc khánh 2026: off Sat 29 Aug – Wed 2 Sep (31/8 swapped, 1/9 and 2/9 holidays).
		// From Friday 28 Aug 07:00, the second day is Thursday 3 Sep.
		{"across Quốc khánh 2026", "2026-08-28T07:00", "2d", nil, "2026-09-03T17:00"},
		// Quốc khánh 2025: off Sat 30 Aug – Tue 2 Sep. Friday 29 Aug 13:30: 3h30 on
		// Friday, the other 4h30 on Wednesday 3 Sep 07:00–11:30, ending at the session end.
		{"ends at the end of a session", "2025-08-29T13:30", "8h", nil, "2025-09-03T11:30"},
		// Three days from Monday 2 March 07:00 with the clock stopped from Tuesday 09:00
		// to Thursday 09:00: 8h Monday + 2h Tuesday = 10h; 14h remain from Thursday 09:00:
		// 6h on Thursday, 8h on Friday. Without the pause it would be Wednesday 17:00.
		{"paused for a supplement", "2026-03-02T07:00", "3d", []pause{{"2026-03-03T09:00", "2026-03-05T09:00"}}, "2026-03-06T17:00"},
		// Thursday 23 April 2026 07:00, three days, paused Friday 24 13:30 to Tuesday 28
		// 13:30: 8h + 4h30 = 12h30 before; the weekend and the compensatory Monday are off
		// anyway; 11h30 remain from Tuesday 13:30: 3h30 there, 8h on Wednesday 29.
		{"paused across a weekend and a holiday", "2026-04-23T07:00", "3d", []pause{{"2026-04-24T13:30", "2026-04-28T13:30"}}, "2026-04-29T17:00"},
		// Two overlapping pauses given out of order merge into 09:00–14:00 on Monday:
		// 2h before, 3h after, the last 3h on Tuesday 07:00–10:00.
		{"overlapping pauses", "2026-03-02T07:00", "1d", []pause{{"2026-03-02T10:00", "2026-03-02T14:00"}, {"2026-03-02T09:00", "2026-03-02T10:30"}}, "2026-03-03T10:00"},
		// A pause with no end stops the clock for good: no due time.
		{"clock still stopped", "2026-03-02T07:00", "1d", []pause{{"2026-03-02T09:00", ""}}, ""},
		// A pause that ends after the limit has run out changes nothing.
		{"pause after the due time", "2026-03-02T07:00", "4h", []pause{{"2026-03-02T13:30", ""}}, "2026-03-02T11:00"},
		// Zero duration: the counting start itself; received on Saturday, so Monday 07:00.
		{"zero duration", "2026-03-07T10:00", "0", nil, "2026-03-09T07:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDuration(tc.d)
			if err != nil {
				t.Fatal(err)
			}
			var ps []Interval
			for _, p := range tc.paused {
				iv := Interval{Start: ict(t, p.from)}
				if p.to != "" {
					iv.End = ict(t, p.to)
				}
				ps = append(ps, iv)
			}
			got := c.Due(ict(t, tc.received), d, ps)
			if tc.want == "" {
				if !got.IsZero() {
					t.Fatalf("Due = %s, want the zero time", got)
				}
				return
			}
			if want := ict(t, tc.want); !got.Equal(want) || got.Location() != motcua.Vietnam {
				t.Fatalf("Due = %s, want %s", got, want.Format(time.RFC3339))
			}
			if e := c.Elapsed(c.Start(ict(t, tc.received)), got, ps); e != d {
				t.Errorf("Elapsed(start, due) = %s, want %s", e, d)
			}
		})
	}
}

func TestDueReadsInstantsInAnyZone(t *testing.T) {
	c := newDefault(t)
	// 01:00 UTC is 08:00 in Hanoi.
	got := c.Due(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), Hours(1), nil)
	if want := "2026-03-02T09:00:00+07:00"; got.Format(time.RFC3339) != want {
		t.Errorf("Due = %s, want %s", got.Format(time.RFC3339), want)
	}
}

func TestStart(t *testing.T) {
	c := newDefault(t)
	for _, tc := range []struct{ received, want string }{
		{"2026-03-02T06:59", "2026-03-02T07:00"}, // before opening
		{"2026-03-02T07:00", "2026-03-02T07:00"},
		{"2026-03-02T11:29", "2026-03-02T11:29"},
		{"2026-03-02T11:30", "2026-03-02T13:30"}, // end of the morning session
		{"2026-03-02T14:59", "2026-03-02T14:59"},
		{"2026-03-02T15:01", "2026-03-03T07:00"}, // after the cut-off
		{"2026-03-02T17:30", "2026-03-03T07:00"},
		{"2026-03-06T16:00", "2026-03-09T07:00"}, // Friday after the cut-off
		{"2026-03-07T09:00", "2026-03-09T07:00"}, // Saturday
		{"2026-01-10T09:00", "2026-01-10T09:00"}, // make-up Saturday
		{"2026-04-27T09:00", "2026-04-28T07:00"}, // compensatory Monday
		{"2026-02-15T09:00", "2026-02-23T07:00"}, // inside Tết
	} {
		if got := c.Start(ict(t, tc.received)); !got.Equal(ict(t, tc.want)) {
			t.Errorf("Start(%s) = %s, want %s", tc.received, got.Format("2006-01-02T15:04"), tc.want)
		}
	}
	// 15:00:30 is after 15:00.
	if got := c.Start(ict(t, "2026-03-02T15:00").Add(30 * time.Second)); !got.Equal(ict(t, "2026-03-03T07:00")) {
		t.Errorf("half a minute after the cut-off counts the same day: %s", got)
	}
}

// TestElapsedInvertsDue is the consistency property of Due and Elapsed, over random
// receipts (including seconds, weekends, holidays and make-up days in 2024–2027), random
// durations and random pauses.
func TestElapsedInvertsDue(t *testing.T) {
	c := newDefault(t)
	rng := rand.New(rand.NewPCG(1, 2))
	base := ict(t, "2024-01-01T00:00")
	for i := 0; i < 5000; i++ {
		received := base.Add(time.Duration(rng.Int64N(int64(4 * 365 * 24 * time.Hour))))
		d := Duration(rng.IntN(int(Days(60))))
		var ps []Interval
		for j := rng.IntN(3); j > 0; j-- {
			s := received.Add(time.Duration(rng.Int64N(int64(40 * 24 * time.Hour))))
			ps = append(ps, Interval{Start: s, End: s.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))})
		}
		start := c.Start(received)
		due := c.Due(received, d, ps)
		if due.Before(start) {
			t.Fatalf("received %s, %s: due %s before start %s", received, d, due, start)
		}
		if got := c.Elapsed(start, due, ps); got != d {
			t.Fatalf("received %s, %s, pauses %v: Elapsed(start, due) = %s", received, d, ps, got)
		}
		if d > 0 && !c.IsWorkingDay(DateOf(due.In(motcua.Vietnam))) {
			t.Fatalf("received %s, %s: due %s is not on a working day", received, d, due)
		}
	}
}

func TestElapsed(t *testing.T) {
	c := newDefault(t)
	for _, tc := range []struct {
		from, to string
		want     Duration
	}{
		{"2026-03-02T07:00", "2026-03-06T17:00", Days(5)},
		{"2026-03-02T07:00", "2026-03-08T23:00", Days(5)},  // the weekend adds nothing
		{"2026-03-02T11:00", "2026-03-02T14:00", Hours(1)}, // 30 min + 30 min
		{"2026-02-13T07:00", "2026-02-23T17:00", Days(2)},  // Tết 2026 in between
		{"2026-03-06T17:00", "2026-03-02T07:00", -Days(5)}, // reversed: negative
		{"2026-03-02T07:00", "2026-03-02T07:00", 0},        // empty
		{"2026-03-07T07:00", "2026-03-08T17:00", 0},        // a weekend
		{"2026-01-10T06:00", "2026-01-10T23:00", Days(1)},  // make-up Saturday
		{"2025-12-31T07:00", "2026-01-05T17:00", Days(2)},  // New Year and a swap
		{"2026-08-28T07:00", "2026-09-03T17:00", Days(2)},  // Quốc khánh 2026
		{"2026-04-24T07:00", "2026-04-29T17:00", Days(3)},  // compensatory Monday
	} {
		if got := c.Elapsed(ict(t, tc.from), ict(t, tc.to), nil); got != tc.want {
			t.Errorf("Elapsed(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
	// A year of working days counted two ways.
	n := 0
	for d := (Date{2026, 3, 2}); d.Before(Date{2027, 3, 1}); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	if got := c.Elapsed(ict(t, "2026-03-02T07:00"), ict(t, "2027-03-01T07:00"), nil); got != Days(n) {
		t.Errorf("a year: Elapsed = %s, working days × 8h = %s", got, Days(n))
	}
	// Seconds are kept, and the result rounds down to the minute.
	from := ict(t, "2026-03-02T07:00")
	if got := c.Elapsed(from, from.Add(90*time.Second), nil); got != Minute {
		t.Errorf("90 seconds = %s, want 1m", got)
	}
	// Overdue reads as a negative duration.
	due := c.Due(from, Days(1), nil)
	if got := c.Elapsed(due, ict(t, "2026-03-03T09:00"), nil); got != Hours(2) {
		t.Errorf("overdue by %s, want 2h", got)
	}
}

func TestConfigChangesTheAnswers(t *testing.T) {
	// An agency working 07:30–11:30 and 13:00–17:00 with no cut-off.
	c, err := New(Config{
		Sessions: []Session{{7*60 + 30, 11*60 + 30}, {13 * 60, 17 * 60}},
		CutOff:   NoCutOff,
	})
	if err != nil {
		t.Fatal(err)
	}
	// 16:00 counts the same day without a cut-off: 1h, then 07:30–10:30 on Tuesday.
	if got, want := c.Due(ict(t, "2026-03-02T16:00"), Hours(4), nil), ict(t, "2026-03-03T10:30"); !got.Equal(want) {
		t.Errorf("Due = %s, want %s", got, want)
	}
	// A six-day week (Saturday worked) with a 16:00 cut-off.
	six, err := New(Config{
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
		CutOff:   16 * 60,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := six.Due(ict(t, "2026-03-06T15:30"), Days(1), nil), ict(t, "2026-03-07T15:30"); !got.Equal(want) {
		t.Errorf("six-day week: Due = %s, want %s", got, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"not 8 hours":   {Sessions: []Session{{7 * 60, 11 * 60}, {13 * 60, 16 * 60}}},
		"overlapping":   {Sessions: []Session{{7 * 60, 12 * 60}, {11 * 60, 14 * 60}}},
		"out of order":  {Sessions: []Session{{13*60 + 30, 17 * 60}, {7 * 60, 11*60 + 30}}},
		"empty session": {Sessions: []Session{{7 * 60, 7 * 60}, {7 * 60, 15 * 60}}},
		"past midnight": {Sessions: []Session{{20 * 60, 28 * 60}}},
		"bad cut-off":   {CutOff: 25 * 60},
		"bad weekday":   {Weekdays: []time.Weekday{9}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	if _, err := New(Config{}, Override{Date: Date{2026, 3, 3}, Kind: DayOff}); err == nil {
		t.Error("an override without a name was accepted")
	}
	if _, err := New(Config{}, Override{Date: Date{2026, 3, 3}, Kind: DayOff, Name: "x", Holiday: "easter"}); err == nil {
		t.Error("an override naming an unknown holiday was accepted")
	}
}
