package population_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/population"
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

// hungRegistry never answers: it ignores its context, as a stuck client library might,
// until the test ends.
type hungRegistry struct{ release chan struct{} }

func (h hungRegistry) Person(context.Context, string) (population.Person, error) {
	<-h.release
	return population.Person{}, population.ErrNotFound
}

// TestAHungRegistryHoldsALookupNoLongerThanTheTimeout: a population database that
// never answers (and ignores the cancelled context) costs the clerk's request the
// timeout, then a clear "unavailable", with the lookup still recorded as asked.
func TestAHungRegistryHoldsALookupNoLongerThanTheTimeout(t *testing.T) {
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
	h := hungRegistry{release: make(chan struct{})}
	defer close(h.release)
	l := &population.Lookups{Registry: h, Store: st, Timeout: 200 * time.Millisecond}
	done := make(chan error, 1)
	go func() {
		// The caller's own context has no deadline: only the lookup's timeout can end it.
		_, err := l.Lookup(context.Background(), population.Request{Actor: clerk, IDNumber: store.DemoCitizenIDNumber, Reason: "Đối chiếu."})
		done <- err
	}()
	select {
	case err := <-done:
		if motcua.ErrorCode(err) != motcua.EUNAVAILABLE || !strings.Contains(motcua.ErrorMessage(err), "không trả lời kịp") {
			t.Fatalf("a hung registry: %v, want %s", err, motcua.EUNAVAILABLE)
		}
	case <-time.After(30 * time.Second):
		// Far beyond the timeout: the lookup is not bounded.
		t.Fatal("the lookup is still waiting for the hung registry")
	}
	rows, err := st.PopulationLookupsOf(ctx, store.DemoCitizenIDNumber)
	if err != nil || len(rows) != 1 || rows[0].Found != nil {
		t.Fatalf("the unanswered lookup's row: %+v (%v), want one, found unknown", rows, err)
	}
}
