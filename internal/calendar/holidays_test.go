package calendar

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func listing(hs []Holiday) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s %s\n", h.Date, h.Name)
	}
	return b.String()
}

// TestHolidays2026 lists the days off of 2026 as the notices give them, worked out by
// hand: Tết Dương lịch on Thursday 1 Jan with Friday 2 Jan swapped for Saturday 10 Jan
// (VPCP 12729/VPCP-KGVX); Tết 16–20 Feb (Notice 9441/TB-BNV); Giỗ Tổ Hùng Vương on
// Sunday 26 April, so Monday 27 is the compensatory day; 30/4 and 1/5 on Thursday and
// Friday; Quốc khánh 1–2 Sep with Monday 31 Aug swapped for Saturday 22 Aug (9441/TB-BNV).
func TestHolidays2026(t *testing.T) {
	c := newDefault(t)
	want := `2026-01-01 Tết Dương lịch
2026-01-02 Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)
2026-02-16 Tết Nguyên đán
2026-02-17 Tết Nguyên đán
2026-02-18 Tết Nguyên đán
2026-02-19 Tết Nguyên đán
2026-02-20 Tết Nguyên đán
2026-04-26 Giỗ Tổ Hùng Vương
2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30 Ngày Chiến thắng
2026-05-01 Ngày Quốc tế Lao động
2026-08-31 Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)
2026-09-01 Quốc khánh
2026-09-02 Quốc khánh
`
	if got := listing(c.Holidays(2026)); got != want {
		t.Errorf("Holidays(2026):\n%s\nwant:\n%s", got, want)
	}
	if got, want := listing(c.MakeUpDays(2026)), "2026-01-10 Làm bù cho thứ Sáu 02/01/2026\n2026-08-22 Làm bù cho thứ Hai 31/8/2026\n"; got != want {
		t.Errorf("MakeUpDays(2026):\n%s\nwant:\n%s", got, want)
	}
	// The kinds are marked.
	for _, h := range c.Holidays(2026) {
		switch h.Date {
		case Date{2026, 4, 27}:
			if !h.Compensatory || h.Announced || h.ID != HungKings {
				t.Errorf("27 April: %+v", h)
			}
		case Date{2026, 2, 17}:
			if !h.Announced || h.ID != Tet {
				t.Errorf("17 February: %+v", h)
			}
		case Date{2026, 1, 2}:
			if !h.Announced || h.ID != "" {
				t.Errorf("2 January: %+v", h)
			}
		}
	}
}

// TestHolidays2025 follows the 2025 notices: Tết 27–31 Jan, Friday 2 May swapped for
// Saturday 26 April, Quốc khánh 1–2 Sep. Hùng Kings' day is Monday 7 April.
func TestHolidays2025(t *testing.T) {
	c := newDefault(t)
	want := `2025-01-01 Tết Dương lịch
2025-01-27 Tết Nguyên đán
2025-01-28 Tết Nguyên đán
2025-01-29 Tết Nguyên đán
2025-01-30 Tết Nguyên đán
2025-01-31 Tết Nguyên đán
2025-04-07 Giỗ Tổ Hùng Vương
2025-04-30 Ngày Chiến thắng
2025-05-01 Ngày Quốc tế Lao động
2025-05-02 Nghỉ hoán đổi dịp 30/4 và 1/5 (làm bù thứ Bảy 26/4/2025)
2025-09-01 Quốc khánh
2025-09-02 Quốc khánh
`
	if got := listing(c.Holidays(2025)); got != want {
		t.Errorf("Holidays(2025):\n%s\nwant:\n%s", got, want)
	}
	if !c.IsWorkingDay(Date{2025, 4, 26}) || c.IsWorkingDay(Date{2025, 4, 27}) {
		t.Error("Saturday 26 April 2025 is a make-up working day; Sunday 27 is not")
	}
}

// TestRulesAloneReproduceTheNotices checks, without any embedded announcement, that the
// default rules (Tết placed to put the fewest days on weekends, the 2 September adjacent
// day, compensatory days) give the days off that the notices of past years gave: each
// range below is off, and the days around it are working days.
func TestRulesAloneReproduceTheNotices(t *testing.T) {
	c, err := New(Config{IgnoreAnnouncements: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, to Date
		source   string
	}{
		{Date{2020, 1, 23}, Date{2020, 1, 29}, "Tết 2020: Thursday 23/1 (29 Chạp) to Wednesday 29/1 (mùng 5)"},
		{Date{2021, 1, 1}, Date{2021, 1, 3}, "New Year 2021: 1–3 January"},
		{Date{2021, 2, 10}, Date{2021, 2, 16}, "Tết 2021: 10–16 February"},
		{Date{2021, 4, 30}, Date{2021, 5, 3}, "30/4–1/5 2021: 30 April to 3 May"},
		{Date{2021, 9, 2}, Date{2021, 9, 5}, "Quốc khánh 2021: 2–5 September"},
		{Date{2023, 1, 20}, Date{2023, 1, 26}, "Tết 2023: 20–26 January"},
		{Date{2024, 8, 31}, Date{2024, 9, 3}, "Quốc khánh 2024: 31 August to 3 September"},
		{Date{2025, 1, 25}, Date{2025, 2, 2}, "Tết 2025: 25 January to 2 February"},
		{Date{2025, 8, 30}, Date{2025, 9, 2}, "Quốc khánh 2025: 30 August to 2 September"},
		{Date{2026, 2, 14}, Date{2026, 2, 22}, "Tết 2026: 14–22 February"},
		{Date{2026, 4, 25}, Date{2026, 4, 27}, "Giỗ Tổ 2026: 25–27 April"},
	} {
		for d := tc.from; !tc.to.Before(d); d = d.AddDays(1) {
			if c.IsWorkingDay(d) {
				t.Errorf("%s: %s is a working day", tc.source, d)
			}
		}
		if !c.IsWorkingDay(tc.from.AddDays(-1)) || !c.IsWorkingDay(tc.to.AddDays(1)) {
			t.Errorf("%s: the break is longer than the notice says", tc.source)
		}
	}
}

func TestCompensatoryDays(t *testing.T) {
	c, err := New(Config{IgnoreAnnouncements: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		year int
		want string
	}{
		// 2022: 1/1 Saturday gives Monday 3 January; Hùng Kings' day Sunday 10 April gives
		// Monday 11; 30/4 Saturday and 1/5 Sunday give Monday 2 and Tuesday 3 May, in order.
		{2022, "2022-01-03 Nghỉ bù Tết Dương lịch\n2022-04-11 Nghỉ bù Giỗ Tổ Hùng Vương\n2022-05-02 Nghỉ bù Ngày Chiến thắng\n2022-05-03 Nghỉ bù Ngày Quốc tế Lao động\n"},
		// 2023: 1/1 Sunday gives Monday 2 January; Tết 21–22 Jan (weekend) give 25–26 Jan
		// after the weekday Tết days; Hùng Kings' day Saturday 29/4 and 30/4 Sunday give
		// 2 and 3 May (1 May is itself a holiday); 2/9 Saturday gives Monday 4 September.
		{2023, "2023-01-02 Nghỉ bù Tết Dương lịch\n2023-01-25 Nghỉ bù Tết Nguyên đán\n2023-01-26 Nghỉ bù Tết Nguyên đán\n" +
			"2023-05-02 Nghỉ bù Giỗ Tổ Hùng Vương\n2023-05-03 Nghỉ bù Ngày Chiến thắng\n2023-09-04 Nghỉ bù Quốc khánh\n"},
	} {
		var comp []Holiday
		for _, h := range c.Holidays(tc.year) {
			if h.Compensatory {
				comp = append(comp, h)
			}
		}
		if got := listing(comp); got != tc.want {
			t.Errorf("%d:\n%s\nwant:\n%s", tc.year, got, tc.want)
		}
	}
}

func TestHistoricalRules(t *testing.T) {
	c, err := New(Config{IgnoreAnnouncements: true})
	if err != nil {
		t.Fatal(err)
	}
	count := func(y int, id HolidayID) int {
		n := 0
		for _, h := range c.Holidays(y) {
			if h.ID == id && !h.Compensatory {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		year           int
		tet, hung, nat int
	}{
		{2006, 4, 0, 1}, // Labor Code 1994: 4 Tết days, no Hùng Kings' day yet
		{2010, 4, 1, 1}, // Hùng Kings' day paid since 2007
		{2013, 4, 1, 1}, // Tết 2013 came before the Labor Code 2012 took effect (1 May 2013)
		{2014, 5, 1, 1}, // Labor Code 2012: 5 Tết days
		{2021, 5, 1, 2}, // Labor Code 2019: 2 days for Quốc khánh
	} {
		if got := count(tc.year, Tet); got != tc.tet {
			t.Errorf("%d: %d Tết days, want %d", tc.year, got, tc.tet)
		}
		if got := count(tc.year, HungKings); got != tc.hung {
			t.Errorf("%d: %d Hùng Kings' days, want %d", tc.year, got, tc.hung)
		}
		if got := count(tc.year, NationalDay); got != tc.nat {
			t.Errorf("%d: %d Quốc khánh days, want %d", tc.year, got, tc.nat)
		}
	}
}

func TestNationalDayAdjacentRule(t *testing.T) {
	// The notices: 2021 (Thu) 3/9, 2024 (Mon) 3/9, 2025 (Tue) 1/9, 2026 (Wed) 1/9; and,
	// not re-checked against a source, 2022 (Fri) 1/9 and 2023 (Sat) 1/9.
	for y, want := range map[int]int{2021: 3, 2022: 1, 2023: 1, 2024: 3, 2025: 1, 2026: 1} {
		if got := nationalDayAdjacent(y); got.Day != want {
			t.Errorf("%d: adjacent day %s, want %d September", y, got, want)
		}
	}
}

func TestExtraOverridesWinOverEmbedded(t *testing.T) {
	c, err := New(Config{},
		// An administrator cancels the 2 January 2026 swap...
		Override{Date: Date{2026, 1, 2}, Kind: WorkingDay, Name: "Làm việc bình thường"},
		// ...and enters a Tết 2027 announcement of 7 days off from Friday 5 to
		// Thursday 11 February (made up: the real one is not out yet).
		Override{Date: Date{2027, 2, 5}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet},
		Override{Date: Date{2027, 2, 8}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet},
		Override{Date: Date{2027, 2, 9}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet},
		Override{Date: Date{2027, 2, 10}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet},
		Override{Date: Date{2027, 2, 11}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet},
	)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkingDay(Date{2026, 1, 2}) {
		t.Error("2 January 2026 should be a working day after the extra override")
	}
	if c.IsWorkingDay(Date{2026, 1, 1}) || !c.IsWorkingDay(Date{2026, 1, 10}) {
		t.Error("the rest of the embedded announcement should still apply")
	}
	// The rules would have given Thursday 4 Feb 2027 and compensatory days 9–10 Feb;
	// the announcement replaces them.
	var tet []string
	for _, h := range c.Holidays(2027) {
		if h.ID == Tet {
			tet = append(tet, h.Date.String())
		}
	}
	if got, want := strings.Join(tet, " "), "2027-02-05 2027-02-08 2027-02-09 2027-02-10 2027-02-11"; got != want {
		t.Errorf("Tết 2027: %s, want %s", got, want)
	}
	if !c.IsWorkingDay(Date{2027, 2, 4}) {
		t.Error("4 February 2027 should be a working day once Tết is announced")
	}
}

func TestYearsOutsideTheLunarRangeHaveWeekendsOnly(t *testing.T) {
	c := newDefault(t)
	if hs := c.Holidays(2150); len(hs) != 0 {
		t.Errorf("Holidays(2150) = %v", hs)
	}
	if !c.IsWorkingDay(Date{2150, 1, 1}) { // a Thursday
		t.Error("1 January 2150 should count as a working day")
	}
}

func TestEveryYearHasItsHolidays(t *testing.T) {
	c, err := New(Config{IgnoreAnnouncements: true})
	if err != nil {
		t.Fatal(err)
	}
	for y := 1990; y <= 2100; y++ {
		hs := c.Holidays(y)
		if len(hs) < 8 { // 1/1, 4 or 5 Tết days, 30/4, 1/5, 2/9 at least
			t.Errorf("%d: only %d days off", y, len(hs))
		}
		seen := map[HolidayID]bool{}
		for _, h := range hs {
			seen[h.ID] = true
			if h.Date.Year != y {
				t.Errorf("%d: %s lies in another year", y, h.Date)
			}
		}
		if !seen[Tet] || !seen[NewYear] || !seen[NationalDay] {
			t.Errorf("%d: holidays missing: %v", y, hs)
		}
	}
}

// TestEmbeddedAnnouncements checks the data files: one per year, named after it, each
// citing a source, with Vietnamese names in NFC, and only real overrides (a day off on a
// day that would be worked anyway, a working day on a day that would be off).
func TestEmbeddedAnnouncements(t *testing.T) {
	anns, err := Announcements()
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(announcementFiles, "data/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(anns) != len(files) || len(anns) < 3 {
		t.Fatalf("%d announcements from %d files", len(anns), len(files))
	}
	rules, err := New(Config{IgnoreAnnouncements: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range anns {
		if want := fmt.Sprintf("%d.json", a.Year); path.Base(files[i]) != want {
			t.Errorf("%s holds year %d", files[i], a.Year)
		}
		for _, s := range a.Sources {
			if s.Title == "" || s.URL == "" || !norm.NFC.IsNormalString(s.Title+s.Note) {
				t.Errorf("%d: source %+v: want an NFC title and a URL", a.Year, s)
			}
		}
		for _, o := range a.Overrides {
			if !norm.NFC.IsNormalString(o.Name) {
				t.Errorf("%d: %q is not NFC", a.Year, o.Name)
			}
			if o.Kind == WorkingDay && rules.IsWorkingDay(o.Date) {
				t.Errorf("%s: a working-day override on a day that is worked anyway", o.Date)
			}
			if o.Kind == DayOff && o.Holiday == "" && !rules.IsWorkingDay(o.Date) {
				t.Errorf("%s: a swapped day off on a day that is off anyway", o.Date)
			}
		}
	}
}

func TestAnnouncementFilesAreStrict(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field":   `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2030-01-02","kind":"day_off","name":"x","typo":1}]}`,
		"bad kind":        `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2030-01-02","kind":"holiday","name":"x"}]}`,
		"bad date":        `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2/1/2030","kind":"day_off","name":"x"}]}`,
		"other year":      `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2031-01-02","kind":"day_off","name":"x"}]}`,
		"no source":       `{"year":2030,"sources":[],"overrides":[]}`,
		"date twice":      `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2030-01-02","kind":"day_off","name":"x"},{"date":"2030-01-02","kind":"working_day","name":"y"}]}`,
		"unknown holiday": `{"year":2030,"sources":[{"title":"x","url":"u"}],"overrides":[{"date":"2030-01-02","kind":"day_off","name":"x","holiday":"xmas"}]}`,
	} {
		if _, err := parseAnnouncement([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// An Override survives a JSON round trip (the lead stores them in PostgreSQL).
	o := Override{Date: Date{2027, 2, 5}, Kind: DayOff, Name: "Tết Nguyên đán", Holiday: Tet}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"date":"2027-02-05","kind":"day_off","name":"Tết Nguyên đán","holiday":"tet"}` {
		t.Errorf("JSON: %s", b)
	}
	var back Override
	if err := json.Unmarshal(b, &back); err != nil || back != o {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
