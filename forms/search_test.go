package forms

import (
	"slices"
	"testing"
)

// TestSearchMatchesWordsInAnyOrderWithOrWithoutDiacritics: a citizen types the words
// of a procedure's name in any order, with or without diacritics, or part of its code.
func TestSearchMatchesWordsInAnyOrderWithOrWithoutDiacritics(t *testing.T) {
	c := testCatalog(t)
	archive := []string{"1.013929", "G09.CVTLT.02"}
	for _, tc := range []struct {
		q    string
		want []string // exactly these codes
	}{
		{"chung chi luu tru", archive},
		{"chứng chỉ lưu trữ", archive},
		{"luu tru chung chi", archive},
		{"Lưu Trữ   CHỨNG chỉ", archive},
		{"cap lai chung chi", []string{"G09.CVTLT.02"}},
		{"chung chi hanh nghe luu tru cap lai", []string{"G09.CVTLT.02"}},
		{"CVTLT.01", []string{"1.013929"}},
		{"1.014936", []string{"1.014936"}},
		{"bang khen thu tuong", []string{"G09.TDKT.01"}},
		{"thủ tướng bằng khen", []string{"G09.TDKT.01"}},
		{"dieu le quy", []string{"1.014936", "G09.TCPCP.01"}},
		{"chung chi luu tru quy", nil},
		{"xyz", nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			var got []string
			for _, p := range c.Search(tc.q, "") {
				got = append(got, p.Code)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
	if n := len(c.Search("  ", "")); n != len(c.Procedures()) {
		t.Errorf("an empty query lists %d procedures, want all %d", n, len(c.Procedures()))
	}
}
