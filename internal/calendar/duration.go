package calendar

import (
	"fmt"
	"strconv"
	"strings"
)

// Duration is an amount of working time in minutes. Time limits of procedures are set
// in working days or working hours; a working day is 8 working hours (Labor Code 2019,
// art. 105: normal working time is at most 8 hours a day), which is why Config requires
// its sessions to add up to exactly 8 hours.
type Duration int64

// Units of working time.
const (
	Minute Duration = 1
	Hour            = 60 * Minute
	Day             = 8 * Hour
)

// Days returns n working days.
func Days(n int) Duration { return Duration(n) * Day }

// Hours returns n working hours.
func Hours(n int) Duration { return Duration(n) * Hour }

// Minutes returns n working minutes.
func Minutes(n int) Duration { return Duration(n) * Minute }

// ParseDuration parses a working duration written as days, hours and minutes in that
// order, each at most once: "5d", "4h", "30m", "1d4h", "2d30m", "0". Spaces are not allowed;
// the units are lower case.
func ParseDuration(s string) (Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("working duration: empty (want e.g. 5d, 4h, 30m or 1d4h)")
	}
	var total Duration
	rest := s
	last := -1 // index in units of the last unit seen, to enforce the order d, h, m
	units := []struct {
		suffix byte
		unit   Duration
	}{{'d', Day}, {'h', Hour}, {'m', Minute}}
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("working duration %q: want numbers followed by d, h or m (e.g. 1d4h)", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 32)
		if err != nil {
			return 0, fmt.Errorf("working duration %q: number too large", s)
		}
		u := -1
		for j, x := range units {
			if rest[i] == x.suffix {
				u = j
			}
		}
		if u < 0 {
			return 0, fmt.Errorf("working duration %q: unknown unit %q (want d, h or m)", s, rest[i])
		}
		if u <= last {
			return 0, fmt.Errorf("working duration %q: write days, hours, minutes in that order, each once", s)
		}
		last = u
		total += Duration(n) * units[u].unit
		rest = rest[i+1:]
	}
	return total, nil
}

// String formats d the way ParseDuration reads it: "1d4h30m", "4h", "0m".
// A negative duration (time overdue) gets a leading minus sign.
func (d Duration) String() string {
	if d == 0 {
		return "0m"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	if n := d / Day; n > 0 {
		fmt.Fprintf(&b, "%dd", n)
	}
	if n := d % Day / Hour; n > 0 {
		fmt.Fprintf(&b, "%dh", n)
	}
	if n := d % Hour; n > 0 {
		fmt.Fprintf(&b, "%dm", n)
	}
	return b.String()
}

// Hours returns the duration as a number of working hours.
func (d Duration) Hours() float64 { return float64(d) / float64(Hour) }

// Days returns the duration as a number of working days.
func (d Duration) Days() float64 { return float64(d) / float64(Day) }
