// Package lunar converts between Gregorian dates and the Vietnamese lunisolar calendar
// (âm lịch), computed from the astronomy rather than read from a table.
//
// The rules are those of the modern Chinese-style calendar as Vietnam has kept it since
// 1968, when it moved its reckoning to its own time zone (UTC+7), and as Hồ Ngọc Đức
// described them for programmers:
//
//   - a month begins on the civil day (at UTC+7) that contains a new moon (điểm Sóc);
//   - the winter solstice always falls in month 11;
//   - a year from one month 11 to the next with 13 months has a leap month: the first
//     month after month 11 that contains no major solar term (trung khí, a multiple of
//     30° of the Sun's longitude); it takes the number of the month before it.
//
// Because the day boundary is at UTC+7 and not UTC+8, a new moon between 23:00 and
// 24:00 Hanoi time starts the month a day earlier in Vietnam than in China: Tết 2007
// was on 17 February in Vietnam and 18 February in China, and the same happens in 2030.
// The offset is a parameter so that the Chinese calendar can be computed for comparison.
//
// Everything is pure and deterministic. The supported years are 1900 to 2100.
package lunar

import (
	"fmt"
	"math"
	"time"
)

// Offset is a time zone offset in seconds east of UTC that fixes where a civil day begins.
type Offset int

const (
	// Vietnam is the offset of the Vietnamese calendar (UTC+7).
	Vietnam Offset = 7 * 3600
	// China is the offset of the Chinese calendar (UTC+8, Beijing time).
	China Offset = 8 * 3600
)

// MinYear and MaxYear bound the Gregorian years this package answers for.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Date is a date of the lunar calendar. Leap is true for the intercalary month
// (tháng nhuận) that repeats Month.
type Date struct {
	Year  int
	Month int // 1..12
	Day   int // 1..30
	Leap  bool
}

func (d Date) String() string {
	if d.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", d.Day, d.Month, d.Year)
	}
	return fmt.Sprintf("%d/%d/%d", d.Day, d.Month, d.Year)
}

// ToSolar returns the Gregorian date of a lunar date.
func ToSolar(d Date, off Offset) (year int, month time.Month, day int, err error) {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 30 {
		return 0, 0, 0, fmt.Errorf("lunar date %v: month or day out of range", d)
	}
	// Months 11 and 12 of lunar year Y follow the winter solstice of Gregorian year Y;
	// months 1 to 10 follow the solstice of the year before.
	base := d.Year - 1
	if d.Month >= 11 {
		base = d.Year
	}
	if base < MinYear-1 || base > MaxYear {
		return 0, 0, 0, fmt.Errorf("lunar year %d: outside %d–%d", d.Year, MinYear, MaxYear)
	}
	s := span(base, off)
	for i := 0; i < s.months(); i++ {
		m, leap := s.label(i)
		if m != d.Month || leap != d.Leap {
			continue
		}
		if length := s.start(i+1) - s.start(i); d.Day > length {
			return 0, 0, 0, fmt.Errorf("lunar date %v: the month has %d days", d, length)
		}
		year, month, day = civil(s.start(i) + d.Day - 1)
		return year, month, day, nil
	}
	return 0, 0, 0, fmt.Errorf("lunar date %v: year %d has no such month", d, d.Year)
}

// FromSolar returns the lunar date of a Gregorian date.
func FromSolar(year int, month time.Month, day int, off Offset) (Date, error) {
	if year < MinYear || year > MaxYear {
		return Date{}, fmt.Errorf("year %d: outside %d–%d", year, MinYear, MaxYear)
	}
	j := jdn(year, month, day)
	base := year
	s := span(base, off)
	if j < s.start(0) {
		base--
		s = span(base, off)
	}
	for i := 0; i < s.months(); i++ {
		if j < s.start(i+1) {
			m, leap := s.label(i)
			ly := base + 1
			if m >= 11 {
				ly = base
			}
			return Date{Year: ly, Month: m, Day: j - s.start(i) + 1, Leap: leap}, nil
		}
	}
	// Unreachable: the span ends where the next one begins.
	return Date{}, fmt.Errorf("date %04d-%02d-%02d: no lunar month found", year, month, day)
}

// NewYear returns the Gregorian date of the first day of the first month (Tết Nguyên
// đán) of the lunar year that begins in Gregorian year y.
func NewYear(y int, off Offset) (time.Month, int, error) {
	yy, m, d, err := ToSolar(Date{Year: y, Month: 1, Day: 1}, off)
	if err != nil {
		return 0, 0, err
	}
	if yy != y {
		return 0, 0, fmt.Errorf("lunar new year %d falls in %d", y, yy)
	}
	return m, d, nil
}

// yearSpan is the run of lunar months from the month 11 that contains the winter
// solstice of Gregorian year base up to (not including) the next month 11.
type yearSpan struct {
	k0     int   // new moon number of the first month 11
	starts []int // Julian Day Numbers of the month starts; one more than months
	leap   int   // offset of the leap month in starts, or 0 when there is none
}

func (s yearSpan) months() int     { return len(s.starts) - 1 }
func (s yearSpan) start(i int) int { return s.starts[i] }

// label names the month at offset i of the span: offset 0 is month 11.
func (s yearSpan) label(i int) (month int, leap bool) {
	n := i
	if s.leap > 0 && i >= s.leap {
		n = i - 1
		leap = i == s.leap
	}
	return (10+n)%12 + 1, leap
}

func span(base int, off Offset) yearSpan {
	ka := month11(base, off)
	kb := month11(base+1, off)
	s := yearSpan{k0: ka, starts: make([]int, 0, kb-ka+1)}
	for k := ka; k <= kb; k++ {
		s.starts = append(s.starts, monthStart(k, off))
	}
	if kb-ka == 13 {
		// The leap month is the first one whose start and end fall in the same 30°
		// sector of solar longitude: no major term inside it.
		for i := 1; i < 13; i++ {
			if sector(s.starts[i], off) == sector(s.starts[i+1], off) {
				s.leap = i
				break
			}
		}
	}
	return s
}

// month11 returns the new moon number that starts the lunar month containing the winter
// solstice of Gregorian year y.
func month11(y int, off Offset) int {
	j := jdn(y, time.December, 31)
	k := monthContaining(j, off)
	// If the Sun had already passed 270° when this month began, the solstice fell in
	// the month before.
	if sunLongitude(dayStart(monthStart(k, off), off)) >= 270 {
		k--
	}
	return k
}

// monthContaining returns the number of the new moon that starts the lunar month in
// which the day j falls.
func monthContaining(j int, off Offset) int {
	k := int(math.Floor((float64(j) - newMoon0) / synodicMonth))
	for monthStart(k, off) > j {
		k--
	}
	for monthStart(k+1, off) <= j {
		k++
	}
	return k
}

// monthStart is the Julian Day Number of the civil day, at offset off, that contains new
// moon number k.
func monthStart(k int, off Offset) int {
	return int(math.Floor(newMoonUT(k) + 0.5 + float64(off)/86400))
}

// dayStart is the Julian Day (UT) of local midnight at the start of day j.
func dayStart(j int, off Offset) float64 { return float64(j) - 0.5 - float64(off)/86400 }

// sector is the 30° sector (0..11) of the Sun's longitude at the start of day j.
func sector(j int, off Offset) int {
	return int(sunLongitude(dayStart(j, off)) / 30)
}

// jdn returns the Julian Day Number of a Gregorian date.
func jdn(y int, m time.Month, d int) int {
	secs := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	days := secs / 86400
	if secs%86400 < 0 {
		days--
	}
	return int(days) + 2440588
}

// civil returns the Gregorian date of a Julian Day Number.
func civil(j int) (int, time.Month, int) {
	return time.Unix(int64(j-2440588)*86400, 0).UTC().Date()
}
