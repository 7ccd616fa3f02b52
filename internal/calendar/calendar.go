// Package calendar counts working time the way Vietnamese administrative procedures
// count their time limits: in minutes of working sessions (by default 07:00–11:30 and
// 13:30–17:00, 8 hours a day) on working days (Monday to Friday), skipping the public
// holidays of the Labor Code 2019 (art. 112), the compensatory days off it gives when a
// holiday falls on a weekly day off (art. 111(3)), and the days the government announces
// each year (Tết days, swapped days, make-up Saturdays), which are data (Override).
//
// Tết and Hùng Kings' day are lunar dates; they are computed by the lunar subpackage from
// the astronomy, at UTC+7, not read from a table.
//
// Everything here is pure and deterministic: no clock, no I/O after New, no global state.
// Temporal workflows may call it directly. The one exception is Live, the WorkingTime that
// reloads the administrator's overrides: it has a clock and does I/O through the load
// function it is given, for activities and the API, never for a workflow. Times are read and written in the calendar's
// location (fixed UTC+7 by default).
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"motcua"
	"motcua/internal/calendar/lunar"
)

// Session is one working session of a day, [Start, End).
type Session struct {
	Start, End Clock
}

// NoCutOff disables the cut-off rule (Config.CutOff).
const NoCutOff Clock = -1

// Config is the working time of an agency. The zero value means the defaults.
type Config struct {
	// Location is where clocks and dates are read. Default motcua.Vietnam.
	Location *time.Location
	// Sessions are the working sessions of every working day, in order, not
	// overlapping, adding up to exactly 8 hours (one working day, see Duration).
	// Default 07:00–11:30 and 13:30–17:00.
	Sessions []Session
	// CutOff is the time of day after which a dossier received on a working day counts
	// from the start of the next working day (Decree 63/2024, art. 7(2): "sau 15 giờ").
	// A dossier received exactly at the cut-off still counts the same day. Default
	// 15:00; NoCutOff disables it.
	CutOff Clock
	// Weekdays are the working days of the week. Default Monday to Friday.
	Weekdays []time.Weekday
	// IgnoreAnnouncements leaves out the embedded government announcements (for
	// what-if questions and for testing the rules alone). Extra overrides given to New
	// still apply.
	IgnoreAnnouncements bool
}

// DefaultSessions are the sessions most ministries work: 07:00–11:30 and 13:30–17:00.
var DefaultSessions = []Session{{7 * 60, 11*60 + 30}, {13*60 + 30, 17 * 60}}

// DefaultCutOff is 15:00.
const DefaultCutOff Clock = 15 * 60

// Calendar answers working-time questions. It is safe for concurrent use; the holidays
// of a year are computed the first time they are needed and kept.
type Calendar struct {
	loc       *time.Location
	sessions  []Session
	cutOff    Clock
	weekdays  [7]bool
	overrides map[int][]Override // by year; one per date, the winner

	mu    sync.Mutex
	years map[int]*yearDays
}

// New builds a calendar from cfg, the embedded government announcements (unless
// cfg.IgnoreAnnouncements), and extra overrides, such as those an administrator keeps in
// the database. For a date given more than once, extra wins over embedded, and among
// extra the later one wins.
func New(cfg Config, extra ...Override) (*Calendar, error) {
	c := &Calendar{
		loc:      cfg.Location,
		sessions: slices.Clone(cfg.Sessions),
		cutOff:   cfg.CutOff,
		years:    map[int]*yearDays{},
	}
	if c.loc == nil {
		c.loc = motcua.Vietnam
	}
	if len(c.sessions) == 0 {
		c.sessions = slices.Clone(DefaultSessions)
	}
	if c.cutOff == 0 {
		c.cutOff = DefaultCutOff
	}
	if err := validSessions(c.sessions); err != nil {
		return nil, err
	}
	if c.cutOff != NoCutOff && (c.cutOff < 0 || c.cutOff >= 24*60) {
		return nil, fmt.Errorf("calendar: cut-off %d minutes: want a time of day", int(c.cutOff))
	}
	wd := cfg.Weekdays
	if len(wd) == 0 {
		wd = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	for _, d := range wd {
		if d < time.Sunday || d > time.Saturday {
			return nil, fmt.Errorf("calendar: weekday %d out of range", int(d))
		}
		c.weekdays[d] = true
	}

	var all []Override
	if !cfg.IgnoreAnnouncements {
		anns, err := Announcements()
		if err != nil {
			return nil, err
		}
		for _, a := range anns {
			all = append(all, a.Overrides...)
		}
	}
	for _, o := range extra {
		if err := o.validate(); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
	}
	all = append(all, extra...)
	byDate := map[Date]Override{}
	for _, o := range all {
		byDate[o.Date] = o
	}
	c.overrides = map[int][]Override{}
	for _, o := range byDate {
		c.overrides[o.Date.Year] = append(c.overrides[o.Date.Year], o)
	}
	for _, os := range c.overrides {
		sort.Slice(os, func(i, j int) bool { return os[i].Date.Before(os[j].Date) })
	}
	return c, nil
}

func validSessions(ss []Session) error {
	var total Clock
	for i, s := range ss {
		if s.Start < 0 || s.End > 24*60 || s.Start >= s.End {
			return fmt.Errorf("calendar: session %s–%s is not a span of one day", s.Start, s.End)
		}
		if i > 0 && s.Start < ss[i-1].End {
			return fmt.Errorf("calendar: session %s–%s overlaps or precedes the one before", s.Start, s.End)
		}
		total += s.End - s.Start
	}
	if Duration(total) != Day {
		return fmt.Errorf("calendar: sessions add up to %s, a working day is 8 hours", Duration(total))
	}
	return nil
}

// Location returns the location in which the calendar reads dates and clocks.
func (c *Calendar) Location() *time.Location { return c.loc }

// year returns the days off and make-up days of year y. Years outside what the lunar
// calendar supports (1900–2100) have weekly days off only.
func (c *Calendar) year(y int) *yearDays {
	c.mu.Lock()
	defer c.mu.Unlock()
	if yd, ok := c.years[y]; ok {
		return yd
	}
	yd := &yearDays{off: map[Date]Holiday{}, working: map[Date]string{}}
	if y >= lunar.MinYear && y <= lunar.MaxYear {
		var err error
		if yd, err = c.buildYear(y); err != nil {
			// Cannot happen inside the supported range; the tests cover every year.
			panic(fmt.Sprintf("calendar: holidays of %d: %v", y, err))
		}
	}
	c.years[y] = yd
	return yd
}

// Holidays returns the days off of year y other than ordinary weekly days off, in date
// order: public holidays (also those on a weekend), compensatory days, and announced
// days off; days cancelled by overrides are left out.
func (c *Calendar) Holidays(y int) []Holiday { return slices.Clone(c.year(y).list) }

// MakeUpDays returns the weekly days off of year y that are working days by override
// (ngày làm bù), in date order.
func (c *Calendar) MakeUpDays(y int) []Holiday { return slices.Clone(c.year(y).makeUp) }

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.year(d.Year).isWorking(d, &c.weekdays) }

func (yd *yearDays) isWorking(d Date, weekdays *[7]bool) bool {
	if _, ok := yd.working[d]; ok {
		return true
	}
	if _, ok := yd.off[d]; ok {
		return false
	}
	return weekdays[d.Weekday()]
}

// days iterates over dates from d on, fetching each year's data once.
type days struct {
	c  *Calendar
	yd *yearDays
	y  int
}

func (it *days) working(d Date) bool {
	if it.yd == nil || it.y != d.Year {
		it.yd, it.y = it.c.year(d.Year), d.Year
	}
	return it.yd.isWorking(d, &it.c.weekdays)
}

// maxWalk bounds every walk over days, so that a pause that never ends or an absurd
// duration cannot loop forever: 100 years.
const maxWalk = 36525

// NextWorkingDay returns the first working day after d.
func (c *Calendar) NextWorkingDay(d Date) Date {
	it := days{c: c}
	for i := 0; i < maxWalk; i++ {
		d = d.AddDays(1)
		if it.working(d) {
			return d
		}
	}
	return d
}

// Start returns the instant from which the time limit of a dossier received at received
// is counted:
//   - on a working day, up to the cut-off, inside a session: received itself;
//   - on a working day, up to the cut-off, before or between sessions: the start of the
//     next session that day;
//   - after the cut-off, after the last session, or on a day that is not a working
//     day: the start of the first session of the next working day.
func (c *Calendar) Start(received time.Time) time.Time {
	t := received.In(c.loc)
	d := DateOf(t)
	if c.IsWorkingDay(d) && (c.cutOff == NoCutOff || !t.After(d.In(c.cutOff, c.loc))) {
		for _, s := range c.sessions {
			if t.Before(d.In(s.End, c.loc)) {
				if start := d.In(s.Start, c.loc); t.Before(start) {
					return start
				}
				return t
			}
		}
	}
	return c.NextWorkingDay(d).In(c.sessions[0].Start, c.loc)
}

// Interval is a span of time, [Start, End), during which the clock of a dossier is
// stopped (waiting for the applicant's supplement, for example). A zero End means the
// clock is still stopped.
type Interval struct {
	Start, End time.Time
}

// pauses is a sorted list of disjoint intervals; an open interval has End = forever.
type pauses []Interval

var forever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func normalize(in []Interval) pauses {
	ps := make(pauses, 0, len(in))
	for _, p := range in {
		if p.End.IsZero() {
			p.End = forever
		}
		if p.End.After(p.Start) {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Start.Before(ps[j].Start) })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && !p.Start.After(out[n-1].End) {
			if p.End.After(out[n-1].End) {
				out[n-1].End = p.End
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

// errStopped ends a walk whose clock is stopped for good.
var errStopped = errors.New("clock stopped")

// segments calls yield, in order, with each stretch [a, b) of counted working time that
// begins at or after from (and ends at or before until, unless until is zero), until
// yield returns false. It returns errStopped if the clock stops for good (an open
// pause) before yield is satisfied, nil otherwise.
func (c *Calendar) segments(from, until time.Time, ps pauses, yield func(a, b time.Time) bool) error {
	from = from.In(c.loc)
	it := days{c: c}
	pi := 0
	day := DateOf(from)
	var last Date
	if !until.IsZero() {
		last = DateOf(until.In(c.loc))
	}
	for i := 0; i < maxWalk; i, day = i+1, day.AddDays(1) {
		if !until.IsZero() && last.Before(day) {
			return nil
		}
		if !it.working(day) {
			continue
		}
		for _, s := range c.sessions {
			a, b := day.In(s.Start, c.loc), day.In(s.End, c.loc)
			if !b.After(from) {
				continue
			}
			if a.Before(from) {
				a = from
			}
			if !until.IsZero() && b.After(until) {
				b = until
			}
			for a.Before(b) {
				for pi < len(ps) && !ps[pi].End.After(a) {
					pi++
				}
				end := b
				if pi < len(ps) && ps[pi].Start.Before(b) {
					if !ps[pi].Start.After(a) { // a is inside a pause
						if ps[pi].End.Equal(forever) {
							return errStopped
						}
						a = ps[pi].End.In(c.loc)
						continue
					}
					end = ps[pi].Start.In(c.loc)
				}
				if !yield(a, end) {
					return nil
				}
				a = end
			}
		}
	}
	return errStopped
}

// Due returns the instant at which d of working time has elapsed, counted from
// Start(received), not counting time inside paused intervals.
//
// The clock runs only inside sessions of working days, so a limit that runs out exactly
// at the end of a session ends there: 1 working day counted from 07:00 on a Monday ends
// at 17:00 that Monday, not at 07:00 on Tuesday; N days counted from the start of a
// working day end at the end of the last session of the Nth working day. Due and Elapsed
// agree: Elapsed(c.Start(r), c.Due(r, d, p), p) == d.
//
// A duration of zero or less gives Start(received). If the clock is stopped for good
// (an interval with a zero End) before d has elapsed, Due returns the zero time.
func (c *Calendar) Due(received time.Time, d Duration, paused []Interval) time.Time {
	start := c.Start(received)
	if d <= 0 {
		return start
	}
	remaining := time.Duration(d) * time.Minute
	var due time.Time
	err := c.segments(start, time.Time{}, normalize(paused), func(a, b time.Time) bool {
		if seg := b.Sub(a); seg < remaining {
			remaining -= seg
			return true
		}
		due = a.Add(remaining)
		return false
	})
	if err != nil {
		return time.Time{}
	}
	return due
}

// Elapsed returns the working time between from and to, not counting time inside paused
// intervals, rounded down to the minute. It applies no cut-off: to count the time used on
// a dossier, pass Start(received) as from. If to is before from the result is negative
// (the working time from to until from), which reads naturally as time overdue when
// from is a due date.
func (c *Calendar) Elapsed(from, to time.Time, paused []Interval) Duration {
	if to.Before(from) {
		return -c.Elapsed(to, from, paused)
	}
	var total time.Duration
	_ = c.segments(from, to, normalize(paused), func(a, b time.Time) bool {
		total += b.Sub(a)
		return true
	})
	return Duration(total / time.Minute)
}
