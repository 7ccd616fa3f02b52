package workflows_test

import (
	"context"
	"fmt"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// TestReplayRecordedCorrectionHistories replays every correction history kept in
// testdata with today's code.
func TestReplayRecordedCorrectionHistories(t *testing.T) {
	replayRecorded(t, replayer, "correction_*.json")
}

// TestRecordCorrectionHistory issues an archive certificate, then replaces it through
// ResultCorrectionWorkflow on the real system (a refused signature with a wrong PIN
// first, then the leader's signature, then the clerical office's issue), and replays
// what Temporal recorded; with -update it keeps the history in testdata.
func TestRecordCorrectionHistory(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey})
	p, err := s.Catalog.Procedure("G09.CVTLT.01")
	if err != nil {
		t.Fatal(err)
	}
	sub := stacktest.Submit(s.As(stacktest.ApplicantFor(p)), p)
	s.Drive(sub.Code, p)
	path := "/api/v1/dossiers/" + string(sub.Code) + "/result/corrections"
	var c store.Correction
	s.As("chuyenvien2").MustDo(201, "POST", path, map[string]any{"kind": "replace", "reason": "Ghi sai ngày sinh."}, &c)
	step := fmt.Sprintf("%s/%d/", path, c.ID)
	if r := s.As("lanhdao2").Request("POST", step+"sign", map[string]any{"pin": "000000"}, nil); r.Status < 400 {
		t.Fatalf("a wrong PIN signed: %d %s", r.Status, r.Body)
	}
	s.As("lanhdao2").MustDo(200, "POST", step+"sign", map[string]any{"pin": "123456"}, nil)
	s.As("vanthu2").MustDo(200, "POST", step+"issue", nil, nil)

	ctx := context.Background()
	it := s.Temporal.GetWorkflowHistory(ctx, workflows.CorrectionWorkflowID(c.ID), "", true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	if last := h.Events[len(h.Events)-1].GetEventType(); last != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED {
		t.Fatalf("last event %v, want completed", last)
	}
	if err := replayer(t).ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	if *update {
		writeHistory(t, "testdata/correction_v1.json", h)
	}
}
