package worker_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// TestForgedDecisionsThroughTheTemporalFrontendAreRefused is issue 11's attack: someone
// who reaches the Temporal frontend (a raw gRPC client, no payload key) sends decisions
// naming the desk clerk as their actor. Before the fix the codec passed plain payloads
// through and the dossier was refused "by" the clerk. Now the worker refuses every such
// Update before anything is written (to PostgreSQL or to the workflow's history), drops
// such a Signal, fails such a start before the workflow runs, and the dossier goes on:
// the clerk's own decision through the API still works. The API takes a decision's actor
// from what it authenticated only (dossiers.updateArg, TestUpdateArgCarriesTheAuthenticatedActor):
// a request body naming another actor is refused as well.
func TestForgedDecisionsThroughTheTemporalFrontendAreRefused(t *testing.T) {
	logs := &lockedBuffer{}
	s := stacktest.Start(t, stacktest.Options{Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	ctx := context.Background()
	p := s.Catalog.Procedures()[0]
	sub := stacktest.Submit(s.As("congdan1"), p)
	code := sub.Code
	clerk := actorOf(t, s, "canbo1")

	// A Temporal client without the payload codec: what anyone who reaches port 7233 has.
	raw, err := client.Dial(client.Options{HostPort: s.App.Config.TemporalAddress, Namespace: s.App.Config.TemporalNamespace})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	before := written(t, s, code)
	historyBefore := historyLength(t, raw, code.WorkflowID())

	forge := func(name string, args ...any) error {
		t.Helper()
		uctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		h, err := raw.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{WorkflowID: code.WorkflowID(), UpdateName: name,
			Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			return err
		}
		var out any
		return h.Get(uctx, &out)
	}
	for _, tc := range []struct {
		name, update string
		args         []any
		want         string
	}{
		{"refuse naming the clerk", workflows.UpdateRefuse,
			[]any{workflows.RefuseInput{Actor: clerk, Note: "Hồ sơ giả mạo bị từ chối."}}, "not sealed"},
		{"receive naming the clerk", workflows.UpdateReceive,
			[]any{workflows.ReceiveInput{Actor: clerk, Note: "Tiếp nhận giả mạo."}}, "not sealed"},
		{"refuse as a JSON null", workflows.UpdateRefuse, []any{nil}, "not sealed"},
		{"refuse without its input", workflows.UpdateRefuse, nil, "missing"},
		{"withdraw naming the applicant", workflows.UpdateWithdraw,
			[]any{workflows.WithdrawInput{ApplicantID: applicantOf(t, s, code), Note: "Rút giả mạo."}}, "not sealed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := forge(tc.update, tc.args...)
			if after := written(t, s, code); after != before {
				t.Fatalf("the forged %s update was carried out (%v):\nbefore %s\nafter  %s", tc.update, err, before, after)
			}
			if err == nil {
				t.Fatalf("the forged %s update was accepted", tc.update)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("refused with %v, want it to say %q", err, tc.want)
			}
		})
	}

	// A raw signal is recorded by the server but dropped by the worker.
	if err := raw.SignalWorkflow(ctx, code.WorkflowID(), "", workflows.UpdateRefuse,
		workflows.RefuseInput{Actor: clerk, Note: "Tín hiệu giả mạo."}); err != nil {
		t.Fatal(err)
	}
	waitForWorkflowTask(t, raw, code.WorkflowID())
	if !strings.Contains(logs.String(), "unsealed signal dropped") {
		t.Errorf("the worker did not report dropping the unsealed signal; logs:\n%s", logs.String())
	}

	// The request body of a decision cannot name its actor: the API decides who acts.
	citizen := s.As("congdan1")
	r := citizen.Request("POST", "/api/v1/dossiers/"+string(code)+"/actions", map[string]any{"action": workflows.UpdateRefuse,
		"note": "Tự từ chối.", "actor": map[string]any{"UserID": clerk.UserID, "Roles": clerk.Roles, "UnitPath": clerk.UnitPath}}, nil)
	if r.Status/100 == 2 {
		t.Errorf("a decision naming another actor in its body answered %d: %s", r.Status, r.Body)
	}

	if after := written(t, s, code); after != before {
		t.Errorf("forged decisions changed PostgreSQL:\nbefore %s\nafter  %s", before, after)
	}
	// Rejected Updates leave no event in the workflow's history; only the signal (and
	// the workflow task that dropped it) was added.
	if got := historyLength(t, raw, code.WorkflowID()); got > historyBefore+4 {
		t.Errorf("the history grew from %d to %d events", historyBefore, got)
	}
	if st := s.State(code); st.Status != motcua.StatusSubmitted {
		t.Fatalf("after the forged decisions the dossier is %s", st.Status)
	}

	// A forged start of a second workflow for the same dossier (which would record a
	// transition of the real dossier if it ran) never runs.
	fake := motcua.DossierCode(strings.TrimSuffix(string(code), string(code)[len(code)-4:]) + "9999")
	run, err := raw.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fake.WorkflowID(), TaskQueue: workflows.TaskQueue},
		workflows.DossierWorkflowName, workflows.DossierInput{Code: code, ProcedureCode: p.Code, ProcedureVersion: p.Version,
			ApplicantID: applicantOf(t, s, code), Online: true, SubmittedAt: s.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := run.Get(rctx, nil); err == nil || !strings.Contains(err.Error(), "not sealed") {
		t.Errorf("the forged start ended with %v, want a refusal of its unsealed input", err)
	}
	if after := written(t, s, code); after != before {
		t.Errorf("the forged start changed PostgreSQL:\nbefore %s\nafter  %s", before, after)
	}

	// The dossier is not stuck: the clerk's own decision, through the API, goes through.
	if r := s.Act("canbo1", code, map[string]any{"action": workflows.UpdateReceive}); r.Status != 200 {
		t.Fatalf("the clerk's real decision after the attack: %d %s", r.Status, r.Body)
	}
	if st := s.State(code); st.Status == motcua.StatusSubmitted || st.Status == motcua.StatusRefused {
		t.Fatalf("after the clerk received it the dossier is %s", st.Status)
	}
	if after := written(t, s, code); after == before {
		t.Error("the clerk's decision wrote nothing")
	}
}

// actorOf is a demo user as the API authenticates them, as the workflow sees actors.
func actorOf(t *testing.T, s *stacktest.Stack, username string) workflows.Actor {
	t.Helper()
	var id int64
	if err := s.Store.Pool().QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	a, err := s.Store.Actor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return workflows.ActorOf(a)
}

func applicantOf(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) int64 {
	t.Helper()
	var id int64
	if err := s.Store.Pool().QueryRow(context.Background(), `SELECT applicant_id FROM dossiers WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// written summarizes what PostgreSQL holds about dossiers: the dossier's status and
// history, and the size of every table a decision writes to.
func written(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) string {
	t.Helper()
	ctx := context.Background()
	var status string
	var lastSeq int
	if err := s.Store.Pool().QueryRow(ctx, `SELECT status, last_seq FROM dossiers WHERE code = $1`, code).Scan(&status, &lastSeq); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "status=%s last_seq=%d", status, lastSeq)
	for _, table := range []string{"dossiers", "dossier_events", "tasks", "documents", "notifications", "handovers", "status_outbox", "audit_log", "submissions"} {
		var n int
		if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, " %s=%d", table, n)
	}
	return b.String()
}

func historyLength(t *testing.T, c client.Client, workflowID string) int64 {
	t.Helper()
	d, err := c.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	return d.GetWorkflowExecutionInfo().GetHistoryLength()
}

// waitForWorkflowTask waits until the worker has handled what the workflow was sent.
func waitForWorkflowTask(t *testing.T, c client.Client, workflowID string) {
	t.Helper()
	for range 300 {
		d, err := c.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.GetPendingWorkflowTask() == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the workflow task was not handled")
}

// lockedBuffer collects logs written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
