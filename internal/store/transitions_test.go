package store_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store/storetest"
)

// TestTransitionsOfOneDecisionAreWrittenTogetherOnce: a decision's transitions are
// written in one transaction keyed by sequence: written again (a retried activity),
// nothing is added; one out of order rolls the whole batch back.
func TestTransitionsOfOneDecisionAreWrittenTogetherOnce(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	code := sampleDossiers(t, s, at, 1)[0]
	events := func() int {
		t.Helper()
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
			WHERE d.code = $1`, code).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := events()
	decision := []motcua.Transition{
		{Code: code, Seq: 1, At: at, Action: "receive", Status: motcua.StatusReceived, UnitCode: "VP"},
		{Code: code, Seq: 2, At: at, Action: "transfer", Status: motcua.StatusInReview, UnitCode: "VP", HolderUnit: "TCPCP",
			Step: "tham-dinh", OpenTask: &motcua.TaskSpec{Step: "tham-dinh", UnitCode: "TCPCP"}},
	}
	for i, want := range []int{2, 0} {
		n, err := s.RecordTransitions(ctx, decision)
		if err != nil || n != want {
			t.Fatalf("write %d: applied %d (%v), want %d", i+1, n, err, want)
		}
	}
	if got := events() - before; got != 2 {
		t.Fatalf("%d events written, want 2", got)
	}
	gap := []motcua.Transition{
		{Code: code, Seq: 3, At: at, Action: "remind", Status: motcua.StatusInReview},
		{Code: code, Seq: 5, At: at, Action: "escalate", Status: motcua.StatusInReview},
	}
	if _, err := s.RecordTransitions(ctx, gap); motcua.ErrorCode(err) != motcua.ECONFLICT {
		t.Fatalf("a gap in the sequence: %v, want a conflict", err)
	}
	if got := events() - before; got != 2 {
		t.Fatalf("%d events after the refused batch, want 2: it must roll back whole", got)
	}
	d, err := s.DossierByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != motcua.StatusInReview {
		t.Fatalf("status %s", d.Status)
	}
}
