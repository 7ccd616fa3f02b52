package forms

import (
	"encoding/json"
	"testing"
)

func TestProvinceListHasTheSixtyThreeCodes(t *testing.T) {
	if len(provinceCodes) != 63 {
		t.Errorf("%d province codes, want 63", len(provinceCodes))
	}
}

func TestParseCCCDReadsProvinceCenturySexAndYear(t *testing.T) {
	for _, tc := range []struct {
		in     string
		ok     bool
		year   int
		female bool
	}{
		{"001085012345", true, 1985, false},
		{"040190004567", true, 1990, true},
		{"079201008888", true, 2001, false},
		{"096326000001", true, 2026, true},
		{"096327000001", false, 0, false}, // born in 2027: not yet
		{"003190004567", false, 0, false}, // 003 is no province
		{"00108501234", false, 0, false},  // 11 digits
		{"00108501234a", false, 0, false},
		{"001485012345", false, 0, false}, // 22nd century
	} {
		id, err := ParseCCCD(tc.in, testNow)
		if (err == nil) != tc.ok || (tc.ok && (id.BirthYear != tc.year || id.Female != tc.female)) {
			t.Errorf("ParseCCCD(%s) = %+v, %v", tc.in, id, err)
		}
	}
}

func TestPhoneNumbersAreNormalizedAndChecked(t *testing.T) {
	for _, tc := range []struct {
		in, norm string
		ok       bool
	}{
		{"0912 345 678", "0912345678", true},
		{"+84 912.345.678", "0912345678", true},
		{"84912345678", "0912345678", true},
		{"(024) 3825 3456", "02438253456", true},
		{"0123456789", "0123456789", false}, // old 01x prefix no longer exists
		{"091234567", "091234567", false},
		{"+1 202 555 0100", "+12025550100", false},
	} {
		got := normalizePhone(tc.in)
		if got != tc.norm || ValidPhone(got) != tc.ok {
			t.Errorf("phone %q -> %q valid=%v; want %q valid=%v", tc.in, got, ValidPhone(got), tc.norm, tc.ok)
		}
	}
}

func TestValuesTypedByPeopleAreNormalized(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want any
	}{
		{"5.000.000 đồng", int64(5000000)},
		{"5 000 000", int64(5000000)},
		{"5,000,000 VND", int64(5000000)},
		{json.Number("1e6"), int64(1000000)},
		{"1.500,50", nil}, // a decimal part is refused, not guessed
		{"5,5 tỷ", nil},
	} {
		got, ok := parseMoney(tc.in)
		if tc.want == nil && ok {
			if _, isInt := got.(int64); isInt {
				t.Errorf("money %v parsed as %v", tc.in, got)
			}
		}
		if tc.want != nil && got != tc.want {
			t.Errorf("money %v = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := normalizeDate("5/9/1990"); got != "1990-09-05" {
		t.Errorf("date = %s", got)
	}
	if got := ShowDate("1990-09-05"); got != "05/09/1990" {
		t.Errorf("show = %s", got)
	}
	// NFD input (as some keyboards on macOS produce) comes out in NFC.
	if got := cleanText("  Nguye\u0302\u0303n\x07 Văn A  ", false); got != "Nguyễn  Văn A" {
		t.Errorf("clean = %q", got)
	}
}
