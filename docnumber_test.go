package motcua_test

import (
	"testing"

	"motcua"
)

func TestDocumentNumberHasALeadingZeroUnderTen(t *testing.T) {
	for n, want := range map[int]string{1: "01", 9: "09", 10: "10", 99: "99", 125: "125", 1234: "1234"} {
		if got := motcua.DocumentNumber(n); got != want {
			t.Errorf("DocumentNumber(%d) = %q, want %q", n, got, want)
		}
	}
}
