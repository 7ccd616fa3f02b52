package population_test

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/population"
	"motcua/internal/population/populationtest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestLookupsAreRefusedWithoutAReasonAndAudited: a lookup without a reason, by a
// citizen, or about a malformed number is refused and leaves no trace of a lookup made;
// every other lookup leaves a row saying who looked up whom, why, and what was found.
func TestLookupsAreRefusedWithoutAReasonAndAudited(t *testing.T) {
	st := storetest.NewSeeded(t)
	ctx := t.Context()
	actor := func(username string) motcua.Actor {
		var id int64
		if err := st.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
			t.Fatal(err)
		}
		a, err := st.Actor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	clerk, citizen := actor("canbo1"), actor("congdan1")
	l := &population.Lookups{Registry: population.NewDevelopment(), Store: st}
	known := store.DemoCitizenIDNumber

	for _, tc := range []struct {
		name string
		req  population.Request
		code string
	}{
		{"no reason", population.Request{Actor: clerk, IDNumber: known}, motcua.EINVALID},
		{"a blank reason", population.Request{Actor: clerk, IDNumber: known, Reason: "  \t "}, motcua.EINVALID},
		{"a citizen", population.Request{Actor: citizen, IDNumber: known, Reason: "tò mò"}, motcua.EFORBIDDEN},
		{"a malformed number", population.Request{Actor: clerk, IDNumber: "12345", Reason: "Đối chiếu hồ sơ."}, motcua.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := l.Lookup(ctx, tc.req); motcua.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
	if rows, err := st.PopulationLookupsOf(ctx, known); err != nil || len(rows) != 0 {
		t.Fatalf("refused lookups left %d rows (%v)", len(rows), err)
	}

	p, err := l.Lookup(ctx, population.Request{Actor: clerk, IDNumber: known, Reason: "Đối chiếu thông tin người nộp hồ sơ.", Dossier: "000.00.01.G09-261201-0001"})
	if err != nil || p.Name != "Trần Văn Minh" {
		t.Fatalf("lookup = %+v, %v", p, err)
	}
	if _, err := l.Lookup(ctx, population.Request{Actor: clerk, IDNumber: "001099999999", Reason: "Đối chiếu."}); motcua.ErrorCode(err) != motcua.ENOTFOUND {
		t.Fatalf("unknown person: %v", err)
	}
	rows, err := st.PopulationLookupsOf(ctx, known)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d rows about %s (%v)", len(rows), known, err)
	}
	r := rows[0]
	if r.ActorID != clerk.UserID || r.Reason != "Đối chiếu thông tin người nộp hồ sơ." || r.Dossier != "000.00.01.G09-261201-0001" || r.Found == nil || !*r.Found {
		t.Errorf("audit row %+v", r)
	}
	missing, err := st.PopulationLookupsOf(ctx, "001099999999")
	if err != nil || len(missing) != 1 || missing[0].Found == nil || *missing[0].Found {
		t.Errorf("the unknown person's lookup: %+v (%v)", missing, err)
	}
	// The database itself refuses a row without a reason.
	if _, err := st.RecordPopulationLookup(ctx, clerk.UserID, known, " ", ""); err == nil {
		t.Error("the table took a lookup without a reason")
	}
}

// TestAHungRegistryCostsNoMoreThanTheTimeout: a registry that never answers (and
// ignores its context) holds a lookup no longer than Lookups.Timeout; the lookup ends
// EUNAVAILABLE with a Vietnamese message, and its audit row (who, whom, why) is kept
// without an answer.
func TestAHungRegistryCostsNoMoreThanTheTimeout(t *testing.T) {
	st := storetest.NewSeeded(t)
	ctx := t.Context()
	var id int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'canbo1'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	clerk, err := st.Actor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hung := populationtest.NewHung()
	defer close(hung.Release)
	const timeout = 300 * time.Millisecond
	l := &population.Lookups{Registry: hung, Store: st, Timeout: timeout}

	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := l.Lookup(ctx, population.Request{Actor: clerk, IDNumber: store.DemoCitizenIDNumber, Reason: "Đối chiếu thông tin người nộp hồ sơ."})
		done <- err
	}()
	select {
	case err := <-done:
		if motcua.ErrorCode(err) != motcua.EUNAVAILABLE || !strings.Contains(err.Error(), "không phản hồi") {
			t.Fatalf("err = %v, want %s with a Vietnamese message", err, motcua.EUNAVAILABLE)
		}
		if took := time.Since(start); took > timeout+2*time.Second {
			t.Fatalf("the lookup took %s with a timeout of %s", took, timeout)
		}
	case <-time.After(timeout + 5*time.Second):
		t.Fatal("a hung registry still holds the lookup long after the timeout")
	}
	rows, err := st.PopulationLookupsOf(ctx, store.DemoCitizenIDNumber)
	if err != nil || len(rows) != 1 || rows[0].ActorID != clerk.UserID || rows[0].Reason == "" || rows[0].Found != nil {
		t.Fatalf("audit rows %+v (%v), want one without an answer", rows, err)
	}
}
