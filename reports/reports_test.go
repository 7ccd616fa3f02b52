package reports_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/reports"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, motcua.Vietnam) }

// TestPeriodsOfDecree09 checks the periods against Decree 09/2019, Art. 12, written out
// by hand: the month from the 15th of the previous month to the 14th, the year from
// 15 December to 14 December.
func TestPeriodsOfDecree09(t *testing.T) {
	for _, tc := range []struct {
		key      string
		from, to time.Time // to exclusive
		label    string
	}{
		{"2025-03", day(2025, 2, 15), day(2025, 3, 15), "Tháng 3/2025 (từ 15/02/2025 đến 14/03/2025)"},
		{"2025-01", day(2024, 12, 15), day(2025, 1, 15), "Tháng 1/2025 (từ 15/12/2024 đến 14/01/2025)"},
		{"2025-Q1", day(2024, 12, 15), day(2025, 3, 15), "Quý I năm 2025 (từ 15/12/2024 đến 14/03/2025)"},
		{"2025-Q4", day(2025, 9, 15), day(2025, 12, 15), "Quý IV năm 2025 (từ 15/09/2025 đến 14/12/2025)"},
		{"2025-H1", day(2024, 12, 15), day(2025, 6, 15), "6 tháng đầu năm 2025 (từ 15/12/2024 đến 14/06/2025)"},
		{"2025-H2", day(2025, 6, 15), day(2025, 12, 15), "6 tháng cuối năm 2025 (từ 15/06/2025 đến 14/12/2025)"},
		{"2025", day(2024, 12, 15), day(2025, 12, 15), "Năm 2025 (từ 15/12/2024 đến 14/12/2025)"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			p, err := reports.ParsePeriod(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(tc.from) || !p.To.Equal(tc.to) {
				t.Errorf("%s = [%s, %s), want [%s, %s)", tc.key, p.From, p.To, tc.from, tc.to)
			}
			if p.Label() != tc.label {
				t.Errorf("label %q, want %q", p.Label(), tc.label)
			}
			if p.Key() != tc.key {
				t.Errorf("key %q, want %q", p.Key(), tc.key)
			}
		})
	}
}

// TestPeriodAtCutsOnThe15thVietnamTime: 14/12 23:59 Vietnam time is in 2025's year,
// 15/12 00:00 (16/12 is still 14/12 17:00 UTC of the day before) in 2026's.
func TestPeriodAtCutsOnThe15thVietnamTime(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		kind reports.PeriodKind
		want string
	}{
		{time.Date(2025, 12, 14, 23, 59, 0, 0, motcua.Vietnam), reports.Year, "2025"},
		{time.Date(2025, 12, 14, 17, 0, 0, 0, time.UTC), reports.Year, "2026"}, // 15/12 00:00 in Vietnam
		{time.Date(2025, 12, 14, 16, 59, 0, 0, time.UTC), reports.Year, "2025"},
		{day(2025, 3, 14), reports.Month, "2025-03"},
		{day(2025, 3, 15), reports.Month, "2025-04"},
		{day(2025, 12, 20), reports.Month, "2026-01"},
		{day(2025, 3, 20), reports.Quarter, "2025-Q2"},
		{day(2025, 6, 14), reports.Half, "2025-H1"},
		{day(2025, 6, 15), reports.Half, "2025-H2"},
	} {
		p, err := reports.PeriodAt(tc.kind, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if p.Key() != tc.want {
			t.Errorf("PeriodAt(%s, %s) = %s, want %s", tc.kind, tc.at, p.Key(), tc.want)
		}
	}
	p, _ := reports.ParsePeriod("2025-01")
	if got := p.Previous().Key(); got != "2024-12" {
		t.Errorf("previous of 2025-01 = %s", got)
	}
}

func TestParsePeriodRefusesNonsense(t *testing.T) {
	for _, s := range []string{"", "2025-13", "2025-00", "2025-Q5", "2025-H3", "25-01", "2025-1", "2025-Qx", "abcd", "2025-03-01-01"} {
		if _, err := reports.ParsePeriod(s); motcua.ErrorCode(err) != motcua.EINVALID {
			t.Errorf("ParsePeriod(%q) = %v, want EINVALID", s, err)
		}
	}
}

// TestIndicators766 checks each formula on counts whose percentages were computed by
// hand.
func TestIndicators766(t *testing.T) {
	in := reports.Inputs766{
		Resolved: 8, ResolvedOnTime: 6, // 75 %
		Received: 12, ReceivedOnline: 9, ReceivedFullOnline: 4, // 75 %, 33.33 %
		ComponentsDigitized: 3, ComponentsReused: 1, // 25 %, 8.33 %
		ResultsDigitized:   7,                          // 87.5 %
		ProceduresWithFees: 3, ProceduresPaidOnline: 2, // 66.67 %
		Synced:  11, // 91.67 %
		Ratings: 0,  // undefined
	}
	want := map[string]struct {
		num, den int
		pct      float64
		defined  bool
	}{
		"on-time":              {6, 8, 75, true},
		"online":               {9, 12, 75, true},
		"full-online":          {4, 12, 33.33, true},
		"components-digitized": {3, 12, 25, true},
		"components-reused":    {1, 12, 8.33, true},
		"results-digitized":    {7, 8, 87.5, true},
		"fees-paid-online":     {2, 3, 66.67, true},
		"synced":               {11, 12, 91.67, true},
		"satisfaction":         {0, 0, 0, false},
	}
	got := reports.Indicators(in)
	if len(got) != len(want) {
		t.Fatalf("%d indicators, want %d", len(got), len(want))
	}
	for _, ind := range got {
		w, ok := want[ind.Code]
		if !ok {
			t.Errorf("unexpected indicator %s", ind.Code)
			continue
		}
		if ind.Numerator != w.num || ind.Denominator != w.den || ind.Percent != w.pct || ind.Defined != w.defined {
			t.Errorf("%s = %d/%d %.2f%% defined=%v, want %d/%d %.2f%% %v", ind.Code, ind.Numerator, ind.Denominator,
				ind.Percent, ind.Defined, w.num, w.den, w.pct, w.defined)
		}
	}
}

func TestForm06RowArithmetic(t *testing.T) {
	r := reports.Form06Row{Carried: 2, NewOnline: 3, NewDesk: 1, Early: 1, OnTime: 1, Late: 1,
		OpenInTime: 1, OpenOverdue: 1, Withdrawn: 1, ResolutionMinutes: 10 * 480}
	if r.Received() != 6 || r.Resolved() != 3 || r.Open() != 2 || !r.Balanced() || r.AverageDays() != 3.3 {
		t.Errorf("row %+v: received %d resolved %d open %d balanced %v avg %v", r, r.Received(), r.Resolved(), r.Open(),
			r.Balanced(), r.AverageDays())
	}
	r.Stopped = 1
	if r.Balanced() {
		t.Error("a dossier counted twice must unbalance the row")
	}
}
