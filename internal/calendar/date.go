package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date with no time zone: a holiday is a day, not an instant.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date such as 2026-02-17.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler (ISO date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (ISO date).
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.days() < e.days() }

// In returns the instant at clock c of day d in loc.
func (d Date) In(c Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, loc)
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// days counts days since 1970-01-01.
func (d Date) days() int {
	s := d.utc().Unix()
	n := s / 86400
	if s%86400 < 0 {
		n--
	}
	return int(n)
}

func dateFromDays(n int) Date { return DateOf(time.Unix(int64(n)*86400, 0).UTC()) }

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock parses "07:00" or "7:00".
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("clock %q: want HH:MM", s)
	}
	return Clock(t.Hour()*60 + t.Minute()), nil
}

// String formats the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }
