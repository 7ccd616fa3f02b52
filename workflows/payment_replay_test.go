package workflows_test

import (
	"testing"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// TestRecordFeeDossierHistory runs a dossier of 1.013932 (a fee per page) on the real
// system through a cancelled payment, a paid one confirmed by the callback and again by
// a poll, and the whole path; it replays what Temporal recorded, and with -update keeps
// it in testdata for TestReplayRecordedDossierHistories.
func TestRecordFeeDossierHistory(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey})
	p, err := s.Catalog.Procedure("1.013932")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	sub := stacktest.SubmitUnpaid(citizen, p)
	if sub.Status != motcua.StatusAwaitingPayment {
		t.Fatalf("after submission: %s", sub.Status)
	}
	citizen.Pay(sub.Code, "cancel", 0)
	citizen.Pay(sub.Code, "pay", 0)
	citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/payments/check", nil, nil)
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	h := history(t, s, sub.Code)
	if err := replayer(t).ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	if *update {
		writeHistory(t, "testdata/dossier_fee_v1.json", h)
	}
}

// TestRecordFeeAfterReceiptHistory runs 1.013932 with its fee asked after receipt (a
// test catalog): received unpaid, a cancelled payment, a paid one, then the whole path;
// it replays what Temporal recorded, and with -update keeps it in testdata for
// TestReplayRecordedDossierHistories (change ID payment-after-receipt).
func TestRecordFeeAfterReceiptHistory(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey,
		Catalog: stacktest.CatalogWith(t, "1.013932", 1, func(p map[string]any) {
			p["fee"].(map[string]any)["when"] = forms.FeeAfterReceipt
		})})
	p, err := s.Catalog.Procedure("1.013932")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	sub := stacktest.SubmitUnpaid(citizen, p)
	if sub.Status != motcua.StatusSubmitted {
		t.Fatalf("after submission: %s", sub.Status)
	}
	clerk, _ := s.Actor(sub.Code, p)
	if r := s.Act(clerk, sub.Code, map[string]any{"action": workflows.UpdateReceive}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	if st := s.State(sub.Code); st.Status != motcua.StatusAwaitingPayment {
		t.Fatalf("after receipt: %s", st.Status)
	}
	citizen.Pay(sub.Code, "cancel", 0)
	citizen.Pay(sub.Code, "pay", 0)
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	h := history(t, s, sub.Code)
	if err := replayer(t).ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	if *update {
		writeHistory(t, "testdata/dossier_fee_receipt_v1.json", h)
	}
}
