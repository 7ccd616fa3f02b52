package api_test

import (
	"slices"
	"testing"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// TestFeeAfterReceiptWaitsBetweenReceiptAndReview runs 1.013932 with its fee asked
// after receipt (fee.when "receipt", a test catalog) over the whole stack: the dossier
// goes to the desk unpaid, the desk receives it (receipt with the appointment), then it
// waits in status awaiting_payment (portal code 6) held by nobody, nobody can review
// it, the applicant pays on the development gateway, the e-receipt is issued and the
// first review step gets it with an appointment no earlier than the receipt's.
func TestFeeAfterReceiptWaitsBetweenReceiptAndReview(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{Catalog: stacktest.CatalogWith(t, "1.013932", 1, func(p map[string]any) {
		p["fee"].(map[string]any)["when"] = forms.FeeAfterReceipt
	})})
	p, err := s.Catalog.Version("1.013932", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Fee.AfterReceipt() {
		t.Fatal("the test catalog's 1.013932 does not ask the fee after receipt")
	}
	citizen := s.As("congdan1")
	sub := stacktest.SubmitUnpaid(citizen, p)
	if sub.Status != motcua.StatusSubmitted {
		t.Fatalf("after submission: %s, want submitted (at the desk, unpaid)", sub.Status)
	}
	code := sub.Code
	clerk, step := s.Actor(code, p)
	if step.Action != motcua.StepReceive {
		t.Fatalf("first step %s, want the desk's receipt", step.ID)
	}
	if r := s.Act(clerk, code, map[string]any{"action": workflows.UpdateReceive}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	st := s.State(code)
	if st.Status != motcua.StatusAwaitingPayment {
		t.Fatalf("after receipt: %s, want awaiting_payment", st.Status)
	}
	var received dossierJSON
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &received)
	if received.DueAt == nil || received.latest(string(motcua.DocReceipt)) == "" {
		t.Fatalf("received without an appointment or a receipt: %+v", received)
	}
	var portal, open int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT o.portal_status FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
		WHERE d.code = $1 ORDER BY o.seq DESC LIMIT 1`, code).Scan(&portal); err != nil || portal != 6 {
		t.Fatalf("portal status while waiting: %d %v, want 6", portal, err)
	}
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM tasks k JOIN dossiers d ON d.id = k.dossier_id
		WHERE d.code = $1 AND k.closed_at IS NULL`, code).Scan(&open); err != nil || open != 0 {
		t.Fatalf("open tasks while waiting for the fee: %d %v, want none", open, err)
	}
	// Nobody reviews an unpaid dossier: the first review step's holder is refused.
	reviewer := stacktest.Staff[p.Steps[1].Unit+"/"+string(p.Steps[1].Role)]
	if r := s.Act(reviewer, code, map[string]any{"action": workflows.UpdateCompleteStep, "note": "Đủ điều kiện."}); r.Status == 200 {
		t.Fatalf("a review step completed while the fee is owed: %s", r.Body)
	}

	citizen.Pay(code, "pay", 0)
	st = s.State(code)
	if st.Status != motcua.StatusInReview || st.Step != p.Steps[1].ID {
		t.Fatalf("after payment: %s at %s, want in_review at %s", st.Status, st.Step, p.Steps[1].ID)
	}
	s.Settle(code) // the e-receipt is made after the payment is recorded
	var paid dossierJSON
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &paid)
	if paid.latest(string(motcua.DocEReceipt)) == "" {
		t.Fatal("no e-receipt after payment")
	}
	if paid.DueAt == nil || paid.DueAt.Before(*received.DueAt) {
		t.Fatalf("appointment after payment %v, before the receipt's %v", paid.DueAt, received.DueAt)
	}
	var actions []string
	for _, e := range paid.History {
		actions = append(actions, e.Action)
	}
	want := []string{"assign", "receive", string(motcua.EventAwaitPayment), string(motcua.EventPay), string(motcua.EventTransfer)}
	if len(actions) < len(want) || !slices.Equal(actions[len(actions)-len(want):], want) {
		t.Fatalf("history %v, want it to end %v", actions, want)
	}
	if end := s.Drive(code, p); end.Status != motcua.StatusArchived && end.Status != motcua.StatusReturned {
		t.Fatalf("ended %s", end.Status)
	}
}
