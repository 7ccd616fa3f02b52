package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"motcua/internal/calendar/lunar"
)

// HolidayID names a public holiday of the Labor Code 2019, art. 112(1).
type HolidayID string

// The public holidays. Their Vietnamese names are in holidayNames.
const (
	NewYear     HolidayID = "new_year"    // Tết Dương lịch, 1 January
	Tet         HolidayID = "tet"         // Tết Nguyên đán, 5 days
	HungKings   HolidayID = "hung_kings"  // Giỗ Tổ Hùng Vương, 10/3 lunar
	VictoryDay  HolidayID = "victory_day" // Ngày Chiến thắng, 30 April
	LabourDay   HolidayID = "labour_day"  // Ngày Quốc tế Lao động, 1 May
	NationalDay HolidayID = "national"    // Quốc khánh, 2 September and one adjacent day
)

var holidayNames = map[HolidayID]string{
	NewYear:     "Tết Dương lịch",
	Tet:         "Tết Nguyên đán",
	HungKings:   "Giỗ Tổ Hùng Vương",
	VictoryDay:  "Ngày Chiến thắng",
	LabourDay:   "Ngày Quốc tế Lao động",
	NationalDay: "Quốc khánh",
}

// Holiday is a day off other than an ordinary weekly day off.
type Holiday struct {
	Date Date
	Name string // Vietnamese, e.g. "Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương"
	// ID is the public holiday this day belongs to; empty for a day off that the
	// government gave in exchange for a make-up working day.
	ID HolidayID
	// Compensatory is set on the day off given because a holiday fell on a weekly day
	// off (Labor Code 2019, art. 111(3)).
	Compensatory bool
	// Announced is set when the day comes from an Override (a government announcement
	// or an administrator's entry) rather than from the rules.
	Announced bool
}

// OverrideKind says what an override makes of its date.
type OverrideKind int

const (
	// DayOff makes the date a day off (an announced Tết day, the weekday given in a swap).
	DayOff OverrideKind = iota + 1
	// WorkingDay makes the date a working day (a make-up Saturday, ngày làm bù), or
	// cancels a day off the rules would have given.
	WorkingDay
)

func (k OverrideKind) String() string {
	switch k {
	case DayOff:
		return "day_off"
	case WorkingDay:
		return "working_day"
	}
	return fmt.Sprintf("OverrideKind(%d)", int(k))
}

// MarshalText implements encoding.TextMarshaler ("day_off", "working_day").
func (k OverrideKind) MarshalText() ([]byte, error) {
	if k != DayOff && k != WorkingDay {
		return nil, fmt.Errorf("override kind %d: want DayOff or WorkingDay", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *OverrideKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "day_off":
		*k = DayOff
	case "working_day":
		*k = WorkingDay
	default:
		return fmt.Errorf("override kind %q: want day_off or working_day", b)
	}
	return nil
}

// Override is one date of a government announcement (or an administrator's entry):
// it wins over the rules.
//
// When an override names a public holiday (Holiday set), the announcement fixes that
// holiday for the year: the days the rules would have given for it in that year, and the
// compensatory days they would have caused, are dropped, and the announced days take
// their place. So an announcement of Tết lists the Tết days as announced, and nothing
// else needs cancelling. Announced days never cause compensatory days: the
// announcement already includes them.
type Override struct {
	Date    Date         `json:"date"`
	Kind    OverrideKind `json:"kind"`
	Name    string       `json:"name"`
	Holiday HolidayID    `json:"holiday,omitempty"`
}

func (o Override) validate() error {
	if o.Kind != DayOff && o.Kind != WorkingDay {
		return fmt.Errorf("override %s: kind must be DayOff or WorkingDay", o.Date)
	}
	if o.Name == "" {
		return fmt.Errorf("override %s: name is empty", o.Date)
	}
	if o.Date.Year < lunar.MinYear || o.Date.Year > lunar.MaxYear {
		return fmt.Errorf("override %s: year outside %d–%d", o.Date, lunar.MinYear, lunar.MaxYear)
	}
	if o.Holiday != "" {
		if _, ok := holidayNames[o.Holiday]; !ok {
			return fmt.Errorf("override %s: unknown holiday %q", o.Date, o.Holiday)
		}
	}
	return nil
}

// UnmarshalJSON rejects unknown fields and checks the override, so a typo in an
// announcement file fails loudly.
func (o *Override) UnmarshalJSON(b []byte) error {
	type plain Override
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*o = Override(p)
	return o.validate()
}

// ruleDay is a day off that the law itself gives.
type ruleDay struct {
	date Date
	id   HolidayID
}

// statutory returns the public holidays of year y as the rules place them, before
// compensatory days and overrides, sorted by date.
//
// Which rules apply depends on the year: Hùng Kings' day is a paid holiday since 2007,
// Tết has 5 days since the Labor Code 2012 (in force 1 May 2013, so from Tết 2014; 4 days
// before), and 2 September has a second, adjacent day since the Labor Code 2019 (2021).
func (c *Calendar) statutory(y int) ([]ruleDay, error) {
	days := []ruleDay{
		{Date{y, time.January, 1}, NewYear},
		{Date{y, time.April, 30}, VictoryDay},
		{Date{y, time.May, 1}, LabourDay},
		{Date{y, time.September, 2}, NationalDay},
	}
	if y >= 2021 {
		days = append(days, ruleDay{nationalDayAdjacent(y), NationalDay})
	}

	m, d, err := lunar.NewYear(y, lunar.Vietnam)
	if err != nil {
		return nil, fmt.Errorf("Tết %d: %w", y, err)
	}
	first := Date{y, m, d}
	for _, day := range c.tetDays(first, y) {
		days = append(days, ruleDay{day, Tet})
	}

	if y >= 2007 {
		hy, hm, hd, err := lunar.ToSolar(lunar.Date{Year: y, Month: 3, Day: 10}, lunar.Vietnam)
		if err != nil {
			return nil, fmt.Errorf("Hùng Kings' day %d: %w", y, err)
		}
		days = append(days, ruleDay{Date{hy, hm, hd}, HungKings})
	}
	sort.Slice(days, func(i, j int) bool { return days[i].date.Before(days[j].date) })
	return days, nil
}

// tetDays places the Tết days around the first day of the lunar year.
//
// The Labor Code 2019 (art. 112(3)) leaves the exact days to the Prime Minister each
// year, and the notices choose either the last day of the old year and the first 4 days
// of the new one, or the last 2 days and the first 3. The default reproduces what the
// notices chose in the years checked (2020, 2021, 2023, 2025, 2026): the choice that puts
// fewer Tết days on weekly days off, and on a tie the last 2 days and the first 3 (see
// docs/calendar.md). Until Tết 2013 there were 4 days: the last day of the old year and
// the first 3.
func (c *Calendar) tetDays(first Date, y int) []Date {
	span := func(before, after int) []Date {
		var ds []Date
		for i := -before; i < after; i++ {
			ds = append(ds, first.AddDays(i))
		}
		return ds
	}
	if y < 2014 {
		return span(1, 3)
	}
	a, b := span(1, 4), span(2, 3)
	if c.countWeeklyOff(a) < c.countWeeklyOff(b) {
		return a
	}
	return b
}

func (c *Calendar) countWeeklyOff(ds []Date) int {
	n := 0
	for _, d := range ds {
		if !c.weekdays[d.Weekday()] {
			n++
		}
	}
	return n
}

// nationalDayAdjacent is the day next to 2 September that the rules give by default:
// 3 September when the 2nd is a Monday (the 1st would be a Sunday) or a Thursday (the 3rd
// bridges to the weekend), otherwise 1 September. This is what the notices chose in
// 2021, 2024, 2025 and 2026; the government's yearly choice is an override.
func nationalDayAdjacent(y int) Date {
	d := Date{y, time.September, 2}
	switch d.Weekday() {
	case time.Monday, time.Thursday:
		return d.AddDays(1)
	}
	return d.AddDays(-1)
}

// yearDays is everything the calendar knows about one year, computed once.
type yearDays struct {
	off     map[Date]Holiday // days off other than weekly days off
	working map[Date]string  // weekly days off made working days, with the reason
	list    []Holiday        // off, sorted
	makeUp  []Holiday        // working, sorted
}

func (c *Calendar) buildYear(y int) (*yearDays, error) {
	rules, err := c.statutory(y)
	if err != nil {
		return nil, err
	}
	overrides := c.overrides[y]
	replaced := map[HolidayID]bool{}
	for _, o := range overrides {
		if o.Holiday != "" {
			replaced[o.Holiday] = true
		}
	}

	yd := &yearDays{off: map[Date]Holiday{}, working: map[Date]string{}}
	var weekend []ruleDay
	for _, r := range rules {
		if replaced[r.id] {
			continue
		}
		if _, dup := yd.off[r.date]; dup {
			// Two holidays on one day (possible in principle: 10/3 lunar can fall on
			// 30 April). The law gives the day off once; whether a further day is owed is
			// for the yearly notice to say, as an override.
			continue
		}
		yd.off[r.date] = Holiday{Date: r.date, Name: holidayNames[r.id], ID: r.id}
		if !c.weekdays[r.date.Weekday()] {
			weekend = append(weekend, r)
		}
	}
	announcedOff := map[Date]bool{}
	for _, o := range overrides {
		if o.Kind == DayOff {
			announcedOff[o.Date] = true
		}
	}
	// Art. 111(3): a holiday on a weekly day off gives a day off on the next working day.
	// Walk in date order so that consecutive weekend holidays take consecutive days.
	for _, r := range weekend {
		d := r.date.AddDays(1)
		for !c.weekdays[d.Weekday()] || announcedOff[d] || hasKey(yd.off, d) {
			d = d.AddDays(1)
		}
		yd.off[d] = Holiday{Date: d, Name: "Nghỉ bù " + holidayNames[r.id], ID: r.id, Compensatory: true}
	}
	for _, o := range overrides {
		switch o.Kind {
		case DayOff:
			yd.off[o.Date] = Holiday{Date: o.Date, Name: o.Name, ID: o.Holiday, Announced: true}
		case WorkingDay:
			delete(yd.off, o.Date)
			if !c.weekdays[o.Date.Weekday()] {
				yd.working[o.Date] = o.Name
			}
		}
	}
	for _, h := range yd.off {
		yd.list = append(yd.list, h)
	}
	sort.Slice(yd.list, func(i, j int) bool { return yd.list[i].Date.Before(yd.list[j].Date) })
	for d, name := range yd.working {
		yd.makeUp = append(yd.makeUp, Holiday{Date: d, Name: name, Announced: true})
	}
	sort.Slice(yd.makeUp, func(i, j int) bool { return yd.makeUp[i].Date.Before(yd.makeUp[j].Date) })
	return yd, nil
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
