package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

// The reporting periods of Decree 09/2019/NĐ-CP, Art. 12.
const (
	Month   PeriodKind = "month"   // kỳ báo cáo tháng
	Quarter PeriodKind = "quarter" // kỳ báo cáo quý
	Half    PeriodKind = "half"    // kỳ báo cáo 6 tháng
	Year    PeriodKind = "year"    // kỳ báo cáo năm
)

// months is how many calendar months a period of the kind spans.
func (k PeriodKind) months() int {
	switch k {
	case Month:
		return 1
	case Quarter:
		return 3
	case Half:
		return 6
	case Year:
		return 12
	}
	return 0
}

// Valid reports whether k is a known kind.
func (k PeriodKind) Valid() bool { return k.months() > 0 }

// Period is a reporting period: [From, To) in Vietnam time. Decree 09/2019, Art. 12(1):
// a month runs from the 15th of the previous month to the 14th of the month; a quarter
// from the 15th of the month before the quarter to the 14th of its last month; the first
// six months from 15 December of the previous year to 14 June; a year from 15 December
// of the previous year to 14 December. N numbers the period within its Year (month 1–12,
// quarter 1–4, half 1–2, year 1).
type Period struct {
	Kind PeriodKind `json:"kind"`
	Year int        `json:"year"`
	N    int        `json:"n"`
	From time.Time  `json:"from"`
	To   time.Time  `json:"to"` // exclusive: 00:00 of the 15th
}

// NewPeriod is period n of the kind in year. It refuses n out of range.
func NewPeriod(kind PeriodKind, year, n int) (Period, error) {
	m := kind.months()
	if m == 0 {
		return Period{}, &motcua.Error{Code: motcua.EINVALID, Field: "period",
			Message: "Kỳ báo cáo phải là tháng, quý, 6 tháng hoặc năm."}
	}
	if n < 1 || n > 12/m || year < 2000 || year > 9999 {
		return Period{}, &motcua.Error{Code: motcua.EINVALID, Field: "period",
			Message: fmt.Sprintf("Kỳ báo cáo %s không có số thứ tự %d trong năm %d.", kind.Label(), n, year)}
	}
	// The period ends on the 14th of its last calendar month (inclusive).
	lastMonth := time.Month(n * m)
	to := time.Date(year, lastMonth, 15, 0, 0, 0, 0, motcua.Vietnam)
	from := to.AddDate(0, -m, 0)
	return Period{Kind: kind, Year: year, N: n, From: from, To: to}, nil
}

// PeriodAt is the period of the kind that contains t.
func PeriodAt(kind PeriodKind, t time.Time) (Period, error) {
	m := kind.months()
	if m == 0 {
		return NewPeriod(kind, 0, 0)
	}
	l := t.In(motcua.Vietnam)
	year, month := l.Year(), int(l.Month())
	if l.Day() >= 15 {
		month++ // from the 15th on, the next month's period
	}
	if month > 12 {
		year, month = year+1, 1
	}
	return NewPeriod(kind, year, (month+m-1)/m)
}

// Previous is the period before p.
func (p Period) Previous() Period {
	q, _ := PeriodAt(p.Kind, p.From.Add(-time.Nanosecond))
	return q
}

// Closed reports whether the period had ended at now.
func (p Period) Closed(now time.Time) bool { return !now.Before(p.To) }

// Key names the period in URLs and files: 2025-03 (month), 2025-Q1, 2025-H1, 2025.
func (p Period) Key() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%d-%02d", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%d-Q%d", p.Year, p.N)
	case Half:
		return fmt.Sprintf("%d-H%d", p.Year, p.N)
	}
	return strconv.Itoa(p.Year)
}

// ParsePeriod reads a Key.
func ParsePeriod(s string) (Period, error) {
	bad := &motcua.Error{Code: motcua.EINVALID, Field: "period",
		Message: "Kỳ báo cáo phải có dạng 2025-03 (tháng), 2025-Q1 (quý), 2025-H1 (6 tháng) hoặc 2025 (năm)."}
	if len(s) > 10 {
		return Period{}, bad
	}
	y, rest, _ := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 {
		return Period{}, bad
	}
	kind := Year
	n := 1
	switch {
	case rest == "":
	case strings.HasPrefix(rest, "Q"):
		kind = Quarter
		n, err = strconv.Atoi(rest[1:])
	case strings.HasPrefix(rest, "H"):
		kind = Half
		n, err = strconv.Atoi(rest[1:])
	default:
		kind = Month
		if len(rest) != 2 {
			return Period{}, bad
		}
		n, err = strconv.Atoi(rest)
	}
	if err != nil {
		return Period{}, bad
	}
	p, err := NewPeriod(kind, year, n)
	if err != nil {
		return Period{}, err
	}
	return p, nil
}

// Label is the kind's Vietnamese name.
func (k PeriodKind) Label() string {
	switch k {
	case Month:
		return "tháng"
	case Quarter:
		return "quý"
	case Half:
		return "6 tháng"
	case Year:
		return "năm"
	}
	return string(k)
}

// Label names the period in Vietnamese with its dates: "Tháng 3/2025 (từ 15/02/2025 đến
// 14/03/2025)".
func (p Period) Label() string {
	var name string
	switch p.Kind {
	case Month:
		name = fmt.Sprintf("Tháng %d/%d", p.N, p.Year)
	case Quarter:
		name = fmt.Sprintf("Quý %s năm %d", []string{"I", "II", "III", "IV"}[p.N-1], p.Year)
	case Half:
		name = fmt.Sprintf("%d tháng %s năm %d", 6, []string{"đầu", "cuối"}[p.N-1], p.Year)
	default:
		name = fmt.Sprintf("Năm %d", p.Year)
	}
	last := p.To.AddDate(0, 0, -1)
	return fmt.Sprintf("%s (từ %s đến %s)", name, p.From.In(motcua.Vietnam).Format("02/01/2006"), last.In(motcua.Vietnam).Format("02/01/2006"))
}
