package workflows_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"motcua"
	"motcua/internal/payload"
	"motcua/internal/stacktest"
	"motcua/worker"
	"motcua/workflows"
)

// replayKey encrypts the payloads of the dossier histories kept in testdata (a test
// key, public on purpose: those histories hold demo data only).
var replayKey = func() []byte { k := sha256.Sum256([]byte("motcua replay histories")); return k[:] }()

// replayer replays with the payload codec, as the worker decodes.
func replayer(t *testing.T) sdkworker.WorkflowReplayer {
	t.Helper()
	codec, err := payload.NewCodec(replayKey)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{DataConverter: codec.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	worker.RegisterWorkflows(r)
	return r
}

// TestReplayRecordedDossierHistories replays every dossier history kept in testdata
// with today's code: a change that would break running dossiers fails here, and must
// go behind workflow.GetVersion.
func TestReplayRecordedDossierHistories(t *testing.T) {
	replayRecorded(t, replayer, "dossier_*.json")
}

// replayRecorded replays with the replayer newReplayer makes every history kept in
// testdata under each pattern (at least one each), under the workflow ID it was
// recorded with (an outgoing document's children are named after it).
func replayRecorded(t *testing.T, newReplayer func(*testing.T) sdkworker.WorkflowReplayer, patterns ...string) {
	t.Helper()
	for _, pattern := range patterns {
		files, _ := filepath.Glob(filepath.Join("testdata", pattern))
		if len(files) == 0 {
			t.Fatalf("no recorded histories testdata/%s", pattern)
		}
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				h, err := client.HistoryFromJSON(bytes.NewReader(b), client.HistoryJSONOptions{})
				if err != nil {
					t.Fatal(err)
				}
				id := h.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowId()
				if err := newReplayer(t).ReplayWorkflowHistoryWithOptions(nil, h, sdkworker.ReplayWorkflowHistoryOptions{
					OriginalExecution: sdkworkflow.Execution{ID: id}}); err != nil {
					t.Fatalf("replay %s: %v", f, err)
				}
			})
		}
	}
}

// TestRecordDossierHistory runs a dossier of the commendation procedure (consultation
// of another unit) through a supplement round and the whole path on the real system,
// and replays what Temporal recorded; with -update it keeps the history in testdata.
func TestRecordDossierHistory(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey})
	p, err := s.Catalog.Procedure("G09.TDKT.01")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As(stacktest.ApplicantFor(p))
	sub := stacktest.Submit(citizen, p)
	for _, step := range []struct {
		user string
		body map[string]any
	}{
		{"canbo1", map[string]any{"action": "receive"}},
		{"chuyenvien4", map[string]any{"action": "request-supplement", "note": "Thiếu biên bản họp Hội đồng.", "missing": []string{"Biên bản họp Hội đồng Thi đua - Khen thưởng"}}},
	} {
		if r := s.Act(step.user, sub.Code, step.body); r.Status != 200 {
			t.Fatalf("%v: %d %s", step.body["action"], r.Status, r.Body)
		}
	}
	id, r := citizen.Upload("bien-ban.pdf", stacktest.SamplePDF("bien ban"))
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/supplement",
		map[string]any{"files": []map[string]string{{"id": id, "component": p.Components[0].ID}}}, nil)
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	h := history(t, s, sub.Code)
	if err := replayer(t).ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	// Personal data stays out of Temporal: the citizen's name and the form's contents
	// are not in the history, even before decryption.
	raw, err := protojson.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Trần Văn Minh", "123456", "Phạm Quốc Huy"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the history carries %q in clear", secret)
		}
	}
	if *update {
		// dossier_v1.json was recorded by the workflow's first version, dossier_v2.json
		// by the second (dates in a local activity, one activity per decision),
		// dossier_v3.json by the third (dossier-local-writes: short writes as local
		// activities, the receipt's dates in one computation); this is the fourth
		// (dossier-async-notices: notices, notifications and the archive made after
		// the click).
		writeHistory(t, "testdata/dossier_v4.json", h)
	}
}

// TestOneDossierTakesAtMost100EventsAnd15Activities runs a dossier of G09.TCPCP.01
// (receipt, two review steps, signing, issue, return, archive) through the whole path
// and counts, from its real history, the activities it scheduled and the events it
// holds: the round trips and the history a dossier costs the engine. The workflow's
// first version took 34 activities (13 of them ComputeDue) and 247 events; the second
// 13 activities and 129 events.
func TestOneDossierTakesAtMost100EventsAnd15Activities(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{PayloadKey: replayKey})
	p, err := s.Catalog.Procedure("G09.TCPCP.01")
	if err != nil {
		t.Fatal(err)
	}
	sub := stacktest.Submit(s.As(stacktest.ApplicantFor(p)), p)
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived && end.Status != motcua.StatusReturned {
		t.Fatalf("ended %s", end.Status)
	}
	h := history(t, s, sub.Code)
	c := countHistory(h)
	t.Logf("%d events, %d activities: %v; events by type: %v", c.events, c.activities, c.byActivity, c.byEvent)
	if c.activities > 15 {
		t.Errorf("a G09.TCPCP.01 dossier scheduled %d activities, want at most 15: %v", c.activities, c.byActivity)
	}
	if c.events > 100 {
		t.Errorf("a G09.TCPCP.01 dossier's history holds %d events, want at most 100: %v", c.events, c.byEvent)
	}
}

// historyCount is what a history holds: events, by type, and activities scheduled.
type historyCount struct {
	events, activities int
	byEvent            map[string]int
	byActivity         map[string]int
}

func countHistory(h *historypb.History) historyCount {
	c := historyCount{byEvent: map[string]int{}, byActivity: map[string]int{}}
	for _, e := range h.Events {
		c.events++
		c.byEvent[strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_")]++
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			c.byActivity[a.GetActivityType().GetName()]++
			c.activities++
		}
	}
	return c
}

// history waits for the dossier's workflow to end and returns its whole history.
func history(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) *historypb.History {
	t.Helper()
	ctx := context.Background()
	if err := s.Temporal.GetWorkflow(ctx, workflows.DossierID(code), "").Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	it := s.Temporal.GetWorkflowHistory(ctx, workflows.DossierID(code), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

// TestReplayRecordedExchangeHistories replays the histories of OutgoingDocumentWorkflow
// and IncomingDocumentWorkflow kept in testdata (recorded on two stacks and the
// development axis by `go test -run TestExchangeBetweenTwoInstances ./exchange/ -update`:
// an outgoing document recalled before its processing, and its incoming copy at the
// recipient, which answered 01 and then 15; and by
// `go test -run TestDossierStepConsultsAnExternalAgency ./exchange/ -update`: the
// incoming reply to a dossier's consultation, which signals the dossier (change ID
// incoming-reply-to-dossier), incoming_reply_v1.json, while the dossier that asked
// (consult-external) is dossier_consult_external_v1.json, replayed by
// TestReplayRecordedDossierHistories).
func TestReplayRecordedExchangeHistories(t *testing.T) {
	replayRecorded(t, replayer, "outgoing_*.json", "incoming_*.json")
}
