package workflows_test

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"motcua/activities"
	"motcua/internal/store/storetest"
	"motcua/worker"
	"motcua/workflows"
)

var update = flag.Bool("update", false, "record the workflow histories in testdata again")

// TestReplayRecordedHistories replays every history kept in testdata with today's
// workflow code: a change that would break running workflows fails here.
func TestReplayRecordedHistories(t *testing.T) {
	replayRecorded(t, func(*testing.T) sdkworker.WorkflowReplayer {
		r := sdkworker.NewWorkflowReplayer()
		worker.RegisterWorkflows(r)
		return r
	}, "housekeeping_*.json")
}

// TestRecordHousekeepingHistory runs the workflow on a real (in-memory) Temporal server
// with real activities and replays what it recorded; with -update it keeps the history
// in testdata for TestReplayRecordedHistories.
func TestRecordHousekeepingHistory(t *testing.T) {
	st := storetest.NewSeeded(t)
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	w := worker.New(c, &activities.Activities{Store: st})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "housekeeping-record", TaskQueue: workflows.TaskQueue},
		workflows.Housekeeping, workflows.HousekeepingInput{Every: 200 * time.Millisecond, Rounds: 2})
	if err != nil {
		t.Fatal(err)
	}
	// It continues as new after two rounds: wait for the first run to close (Get would
	// follow the chain of runs for ever).
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := c.DescribeWorkflowExecution(ctx, "housekeeping-record", run.GetRunID())
		if err != nil {
			t.Fatal(err)
		}
		if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run did not close in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	it := c.GetWorkflowHistory(ctx, "housekeeping-record", run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	last := h.Events[len(h.Events)-1].GetEventType()
	if last != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW {
		t.Fatalf("last event %v, want continued-as-new", last)
	}
	r := sdkworker.NewWorkflowReplayer()
	worker.RegisterWorkflows(r)
	if err := r.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of the fresh history: %v", err)
	}
	if *update {
		writeHistory(t, "testdata/housekeeping_v1.json", h)
	}
}

// writeHistory keeps a recorded history in testdata for the replay tests.
func writeHistory(t *testing.T, path string, h *historypb.History) {
	t.Helper()
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
