package calendar

import "testing"

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Duration
		str  string
	}{
		{"5d", Days(5), "5d"},
		{"4h", Hours(4), "4h"},
		{"30m", Minutes(30), "30m"},
		{"1d4h", Days(1) + Hours(4), "1d4h"},
		{"2d30m", Days(2) + Minutes(30), "2d30m"},
		{"1d4h30m", Days(1) + Hours(4) + Minutes(30), "1d4h30m"},
		{"12h", Hours(12), "1d4h"}, // 8 hours make a day
		{"90m", Minutes(90), "1h30m"},
		{"0", 0, "0m"},
		{"0d", 0, "0m"},
		{"45d", Days(45), "45d"},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDuration(%q) = %d minutes, want %d", tc.in, got, tc.want)
		}
		if s := got.String(); s != tc.str {
			t.Errorf("String(%q) = %q, want %q", tc.in, s, tc.str)
		}
		if back, err := ParseDuration(got.String()); err != nil || back != got {
			t.Errorf("%q does not read back: %v %v", got.String(), back, err)
		}
	}
}

func TestParseDurationRejects(t *testing.T) {
	for _, in := range []string{"", "5", "d", "5x", "4h1d", "1d1d", "1.5d", "-1d", "5 d", "5D", "99999999999d"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
		}
	}
}

func TestDurationUnits(t *testing.T) {
	if Day != 480 || Hour != 60 {
		t.Fatalf("Day = %d, Hour = %d minutes", Day, Hour)
	}
	if got := (Days(1) + Hours(4)).Days(); got != 1.5 {
		t.Errorf("1d4h = %v days", got)
	}
	if got := Minutes(90).Hours(); got != 1.5 {
		t.Errorf("90m = %v hours", got)
	}
	if got := (-Hours(2)).String(); got != "-2h" {
		t.Errorf("-2h prints as %q", got)
	}
}
