package store_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store/storetest"
)

// TestResultRegisterCountsEachSymbolFromOneEveryVietnamYear: a result's number is the
// next of its symbol's register (document type and issuing agency) in the year of
// Vietnam time. Decisions and licences of the ministry, and the Cục's certificates, have
// separate sequences; every one starts again at 1 at 00:00 on 1 January in Hanoi, which
// is still 31 December in UTC; a dossier asking again keeps its number.
func TestResultRegisterCountsEachSymbolFromOneEveryVietnamYear(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	newYear := time.Date(2027, time.January, 1, 0, 1, 0, 0, motcua.Vietnam)
	eve := time.Date(2026, time.December, 31, 23, 59, 0, 0, motcua.Vietnam)
	if newYear.UTC().Year() != 2026 {
		t.Fatal("the first minute of 2027 in Hanoi should still be 2026 in UTC, or the test proves nothing")
	}
	for _, tc := range []struct {
		symbol string
		at     time.Time
		code   motcua.DossierCode
		want   int
	}{
		{"QĐ-BNV", eve.Add(-48 * time.Hour), "A", 1},
		{"QĐ-BNV", eve.Add(-24 * time.Hour), "B", 2},
		{"GP-BNV", eve.Add(-24 * time.Hour), "C", 1}, // another document type
		{"CCHN-VTLTNN", eve, "D", 1},                 // another issuer
		{"QĐ-BNV", eve, "E", 3},
		{"QĐ-BNV", eve.Add(-47 * time.Hour), "A", 1}, // asked again: the same number
		{"QĐ-BNV", newYear, "F", 1},                  // a new year in Hanoi
		{"GP-BNV", newYear, "G", 1},
		{"QĐ-BNV", newYear.Add(time.Hour), "H", 2},
		{"CCHN-VTLTNN", newYear, "I", 1},
	} {
		got, err := st.NextDocumentNumber(ctx, tc.symbol, tc.at, tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s of %s at %s: number %d, want %d", tc.code, tc.symbol, tc.at, got, tc.want)
		}
	}
	var years []int
	rows, err := st.Pool().Query(ctx, `SELECT DISTINCT year FROM document_numbers ORDER BY year`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			t.Fatal(err)
		}
		years = append(years, y)
	}
	if len(years) != 2 || years[0] != 2026 || years[1] != 2027 {
		t.Errorf("register years %v, want [2026 2027]", years)
	}
}
