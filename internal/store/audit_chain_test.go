package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestConcurrentWritersKeepOneAuditChain: dossiers handed back and forth between two
// units at once, in opposite directions, with the same due day (so their transitions
// write the same inbox counts and rollups), and other writers auditing beside them, all
// finish without a deadlock; the chain holds one row for each write, each dossier's in
// its order, and verifies. The transitions send their statements in batches; appending
// to the chain without its lock, or out of the batch's order, fails it.
func TestConcurrentWritersKeepOneAuditChain(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	const dossiers, rounds, auditors = 12, 6, 4
	codes := sampleDossiers(t, s, at, dossiers)
	due := at.Add(72 * time.Hour)
	// The transitions of dossier i: received, then handed between VP and TCPCP, the
	// even dossiers starting one way and the odd the other.
	transitions := func(i int) [][]motcua.Transition {
		code := codes[i]
		out := [][]motcua.Transition{{{Code: code, Seq: 1, At: at, Action: "receive", Status: motcua.StatusReceived, UnitCode: "VP",
			ReceivedAt: &at, DueAt: &due, DueOriginal: &due}}}
		units := [2]string{"VP", "TCPCP"}
		for r := range rounds {
			from, to := units[(i+r)%2], units[(i+r+1)%2]
			out = append(out, []motcua.Transition{{Code: code, Seq: 2 + r, At: at.Add(time.Duration(r+1) * time.Minute),
				Action: "transfer", Status: motcua.StatusInReview, UnitCode: from, HolderUnit: to, Step: "tham-dinh",
				CloseTasks: true, FinishHandover: true, OpenTask: &motcua.TaskSpec{Step: "tham-dinh", UnitCode: to, DueAt: &due},
				Handover: &motcua.HandoverSpec{Step: "tham-dinh", FromUnitCode: from, ToUnitCode: to, DueAt: &due}}})
		}
		return out
	}
	var wg sync.WaitGroup
	errs := make(chan error, dossiers+auditors)
	for i := range dossiers {
		wg.Go(func() {
			for _, batch := range transitions(i) {
				if n, err := s.RecordTransitions(ctx, batch); err != nil || n != len(batch) {
					errs <- fmt.Errorf("%s seq %d: applied %d, %v", codes[i], batch[0].Seq, n, err)
					return
				}
			}
		})
	}
	for a := range auditors {
		wg.Go(func() {
			for k := range rounds {
				err := s.Tx(ctx, func(tx pgx.Tx) error {
					return store.Audit(ctx, tx, store.AuditEntry{Action: "test.beside", ObjectType: "test",
						ObjectID: fmt.Sprint(a), Detail: map[string]any{"k": k, "ghi_chú": "Ghi bên cạnh"}})
				})
				if err != nil {
					errs <- fmt.Errorf("auditor %d: %w", a, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	if bad, err := s.VerifyAudit(ctx); err != nil || bad != 0 {
		t.Fatalf("the chain breaks at row %d, %v", bad, err)
	}
	var beside int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'test.beside'`).Scan(&beside); err != nil {
		t.Fatal(err)
	}
	if beside != auditors*rounds {
		t.Errorf("%d rows of the other writers, want %d", beside, auditors*rounds)
	}
	for _, code := range codes {
		rows, err := s.Pool().Query(ctx, `SELECT coalesce((detail->>'seq')::int, 0) FROM audit_log
			WHERE object_type = 'dossier' AND object_id = $1 ORDER BY id`, string(code))
		if err != nil {
			t.Fatal(err)
		}
		seqs, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		// The submission's row (no seq), then one for each transition, in order.
		want := []int{0}
		for seq := 1; seq <= rounds+1; seq++ {
			want = append(want, seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(want) {
			t.Errorf("%s: audit rows of seq %v, want %v", code, seqs, want)
		}
	}
}
