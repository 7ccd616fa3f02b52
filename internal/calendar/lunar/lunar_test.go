package lunar

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// published reads a testdata table of year, Vietnamese date, Chinese date.
func published(t *testing.T, name string) []struct {
	year   int
	vn, cn time.Time
} {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []struct {
		year   int
		vn, cn time.Time
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("%s: bad line %q", name, line)
		}
		y, err := strconv.Atoi(fields[0])
		if err != nil {
			t.Fatal(err)
		}
		vn, err := time.Parse(time.DateOnly, fields[1])
		if err != nil {
			t.Fatal(err)
		}
		cn, err := time.Parse(time.DateOnly, fields[2])
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, struct {
			year   int
			vn, cn time.Time
		}{y, vn, cn})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func solar(t *testing.T, d Date, off Offset) string {
	t.Helper()
	y, m, day, err := ToSolar(d, off)
	if err != nil {
		t.Fatalf("ToSolar(%v): %v", d, err)
	}
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func TestTetMatchesThePublishedCalendar1990To2050(t *testing.T) {
	rows := published(t, "tet.tsv")
	if len(rows) != 61 {
		t.Fatalf("want 61 years 1990–2050, got %d", len(rows))
	}
	differ := 0
	for _, r := range rows {
		if got, want := solar(t, Date{Year: r.year, Month: 1, Day: 1}, Vietnam), r.vn.Format(time.DateOnly); got != want {
			t.Errorf("Tết %d in Vietnam: got %s, want %s", r.year, got, want)
		}
		if got, want := solar(t, Date{Year: r.year, Month: 1, Day: 1}, China), r.cn.Format(time.DateOnly); got != want {
			t.Errorf("Chinese new year %d: got %s, want %s", r.year, got, want)
		}
		if !r.vn.Equal(r.cn) {
			differ++
		}
	}
	if differ != 2 { // 2007 and 2030
		t.Errorf("the table has %d years where Vietnam and China differ, want 2", differ)
	}
}

func TestHungKingsDayMatchesThePublishedCalendar1990To2050(t *testing.T) {
	for _, r := range published(t, "hung_kings.tsv") {
		if got, want := solar(t, Date{Year: r.year, Month: 3, Day: 10}, Vietnam), r.vn.Format(time.DateOnly); got != want {
			t.Errorf("10/3 lunar %d in Vietnam: got %s, want %s", r.year, got, want)
		}
		if got, want := solar(t, Date{Year: r.year, Month: 3, Day: 10}, China), r.cn.Format(time.DateOnly); got != want {
			t.Errorf("10/3 lunar %d in China: got %s, want %s", r.year, got, want)
		}
	}
}

// TestNewMoonMatchesMeeusExample49a checks the new-moon series against the worked
// example in Meeus, Astronomical Algorithms, example 49.a: the new moon of February 1977
// (k = −283) at JDE 2443192.65118.
func TestNewMoonMatchesMeeusExample49a(t *testing.T) {
	if got := newMoonTT(-283); math.Abs(got-2443192.65118) > 0.00001 {
		t.Errorf("JDE = %.5f, want 2443192.65118", got)
	}
}

// TestSunLongitudeMatchesMeeusExample25a checks the Sun's apparent longitude against
// Meeus example 25.a: 1992 October 13.0 TD, λ = 199.90895° (low-accuracy method: 199.909°).
func TestSunLongitudeMatchesMeeusExample25a(t *testing.T) {
	jde := 2448908.5
	jd := jde - deltaT(yearOf(jde))/86400
	if got := sunLongitude(jd); math.Abs(got-199.909) > 0.002 {
		t.Errorf("λ = %.5f°, want 199.909°", got)
	}
}

func TestKnownLeapMonths(t *testing.T) {
	// Leap months of recent Vietnamese years, as printed on every wall calendar:
	// 2017 nhuận 6, 2020 nhuận 4, 2023 nhuận 2, 2025 nhuận 6.
	for _, tc := range []struct {
		year, month int
		first       string // first day of the leap month
	}{
		{2017, 6, "2017-07-23"},
		{2020, 4, "2020-05-23"},
		{2023, 2, "2023-03-22"},
		{2025, 6, "2025-07-25"},
	} {
		if got := solar(t, Date{Year: tc.year, Month: tc.month, Day: 1, Leap: true}, Vietnam); got != tc.first {
			t.Errorf("1/%d nhuận/%d = %s, want %s", tc.month, tc.year, got, tc.first)
		}
		if _, _, _, err := ToSolar(Date{Year: tc.year, Month: tc.month%12 + 1, Day: 1, Leap: true}, Vietnam); err == nil {
			t.Errorf("%d: month %d should not be a leap month", tc.year, tc.month%12+1)
		}
	}
}

func TestFromSolarInvertsToSolar(t *testing.T) {
	for j := jdn(1990, 1, 1); j < jdn(2051, 1, 1); j += 7 {
		y, m, d := civil(j)
		ld, err := FromSolar(y, m, d, Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		yy, mm, dd, err := ToSolar(ld, Vietnam)
		if err != nil {
			t.Fatalf("%04d-%02d-%02d → %v: %v", y, m, d, ld, err)
		}
		if yy != y || mm != m || dd != d {
			t.Fatalf("%04d-%02d-%02d → %v → %04d-%02d-%02d", y, m, d, ld, yy, mm, dd)
		}
	}
}

func TestFromSolarKnownDates(t *testing.T) {
	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want Date
	}{
		{2026, time.February, 16, Date{Year: 2025, Month: 12, Day: 29}}, // 29 tháng Chạp Ất Tỵ
		{2026, time.February, 20, Date{Year: 2026, Month: 1, Day: 4}},   // mùng 4 Tết Bính Ngọ
		{2025, time.January, 25, Date{Year: 2024, Month: 12, Day: 26}},  // 26 tháng Chạp Giáp Thìn
	} {
		got, err := FromSolar(tc.y, tc.m, tc.d, Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%04d-%02d-%02d: got %v, want %v", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
}

func TestRejectsImpossibleDates(t *testing.T) {
	for _, d := range []Date{
		{Year: 2026, Month: 13, Day: 1},
		{Year: 2026, Month: 1, Day: 0},
		{Year: 2026, Month: 1, Day: 31},
		{Year: 2026, Month: 3, Day: 1, Leap: true}, // 2026 has no leap month
		{Year: 2300, Month: 1, Day: 1},
	} {
		if _, _, _, err := ToSolar(d, Vietnam); err == nil {
			t.Errorf("ToSolar(%v) succeeded", d)
		}
	}
	// Month 12 of Ất Tỵ (2025) has 29 days: 30/12 does not exist.
	if _, _, _, err := ToSolar(Date{Year: 2025, Month: 12, Day: 30}, Vietnam); err == nil {
		t.Error("30/12/2025 lunar should not exist")
	}
}
