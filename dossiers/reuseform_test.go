package dossiers_test

import (
	"testing"
	"time"

	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/store"
)

// TestFillFromDocuments: the certificate chosen for the reissue fills its number and
// date (Vietnam date), held to it whatever was typed; a document without a number
// leaves the number as typed; nothing is chosen, nothing changes.
func TestFillFromDocuments(t *testing.T) {
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Version("G09.CVTLT.02", 1)
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 5 December is 6 December in Vietnam.
	cert := store.StoredDocument{Name: "Chứng chỉ hành nghề lưu trữ", Number: "01/CCHN-VTLTNN",
		IssuedAt: time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name       string
		chosen     map[string]store.StoredDocument
		typed      map[string]any
		want       map[string]any
		wantHeldBy int
	}{
		{"chosen: number and date held to the certificate", map[string]store.StoredDocument{"chung-chi-cu": cert},
			map[string]any{"certificateNumber": "999/SAI"},
			map[string]any{"certificateNumber": "01/CCHN-VTLTNN", "issuedOn": "2026-12-06"}, 2},
		{"a document without a number fills the date only",
			map[string]store.StoredDocument{"chung-chi-cu": {Name: "Bản chụp", IssuedAt: cert.IssuedAt}},
			map[string]any{"certificateNumber": "12/CC"},
			map[string]any{"certificateNumber": "12/CC", "issuedOn": "2026-12-06"}, 1},
		{"nothing chosen", nil, map[string]any{"certificateNumber": "12/CC"}, map[string]any{"certificateNumber": "12/CC"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			held := dossiers.FillFromDocuments(p, tc.chosen, tc.typed, false)
			if len(held) != tc.wantHeldBy {
				t.Errorf("%d fields held, want %d", len(held), tc.wantHeldBy)
			}
			for k, v := range tc.want {
				if tc.typed[k] != v {
					t.Errorf("%s = %v, want %v", k, tc.typed[k], v)
				}
			}
			if len(tc.typed) != len(tc.want) {
				t.Errorf("data %v, want %v", tc.typed, tc.want)
			}
		})
	}
}
