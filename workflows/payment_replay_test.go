package workflows_test

import (
	"testing"

	"motcua"
	"motcua/internal/stacktest"
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
