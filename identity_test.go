package motcua

import "testing"

func TestNormalizeTaxCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0100109106", "0100109106"},
		{" 0100109106 ", "0100109106"},
		{"0100109106-001", "0100109106001"},
		{"0100109106001", "0100109106001"},
		{"010010910", ""},      // 9 digits
		{"01001091060", ""},    // 11 digits
		{"0100109106-01", ""},  // a short branch number
		{"01001O9106", ""},     // a letter O
		{"0100109106 001", ""}, // a space inside
		{"", ""},
	} {
		got, err := NormalizeTaxCode(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("NormalizeTaxCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeTaxCode(%q): code %s", tc.in, ErrorCode(err))
		}
	}
}

func TestValidPersonalID(t *testing.T) {
	for in, want := range map[string]bool{"001090012345": true, "00109001234": false, "0010900123456": false, "00109001234a": false, "": false} {
		if got := ValidPersonalID(in); got != want {
			t.Errorf("ValidPersonalID(%q) = %t", in, got)
		}
	}
}
