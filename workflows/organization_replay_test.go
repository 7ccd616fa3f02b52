package workflows_test

import (
	"testing"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// TestRecordOrganizationApplicantHistory runs an association's dossier of 1.014937 on
// the real system: one representative files it, the reviewer asks for a supplement,
// another representative of the association answers it (the history names who answered:
// change ID organization-applicant), then the whole path; it replays what Temporal
// recorded, and with -update keeps it in testdata for TestReplayRecordedDossierHistories.
func TestRecordOrganizationApplicantHistory(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey})
	if _, err := s.Store.CreateUser(t.Context(), store.User{Username: "daidien2.hoi1", Name: "Phạm Thị Thu", Password: "demo",
		Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "hoi1"}, ""); err != nil {
		t.Fatal(err)
	}
	p, err := s.Catalog.Procedure("1.014937")
	if err != nil {
		t.Fatal(err)
	}
	sub := stacktest.Submit(s.As("daidien.hoi1"), p)
	clerk, _ := s.Actor(sub.Code, p)
	if r := s.Act(clerk, sub.Code, map[string]any{"action": workflows.UpdateReceive}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	reviewer, _ := s.Actor(sub.Code, p)
	if r := s.Act(reviewer, sub.Code, map[string]any{"action": workflows.UpdateRequestSupplement, "note": "Thiếu danh sách thành viên.",
		"missing": []string{"Danh sách thành viên"}}); r.Status != 200 {
		t.Fatalf("request-supplement: %d %s", r.Status, r.Body)
	}
	other := s.As("daidien2.hoi1")
	id, r := other.Upload("bo-sung.pdf", stacktest.SamplePDF("bo sung"))
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	other.MustDo(200, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/supplement",
		map[string]any{"files": []map[string]string{{"id": id, "component": p.Components[0].ID}}, "note": "Hội đã bổ sung."}, nil)
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	h := history(t, s, sub.Code)
	var actor string
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT u.username FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		JOIN users u ON u.id = e.actor_id WHERE d.code = $1 AND e.action = 'supplement'`, sub.Code).Scan(&actor); err != nil || actor != "daidien2.hoi1" {
		t.Errorf("the answer is recorded as %q's (%v), want the other representative's: the old path was taken", actor, err)
	}
	if err := replayer(t).ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	if *update {
		writeHistory(t, "testdata/dossier_organization_v1.json", h)
	}
}
