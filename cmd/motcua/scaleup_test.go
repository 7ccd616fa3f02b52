package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"motcua"
	"motcua/internal/stacktest"
)

// TestLoadOpenLeavesWorkflowsHoldingTheirTimers runs `motcua load -open 3`: three
// workflows stay open on the deployment's Temporal server, each with its timer
// started; with -hold 0 the same command leaves closed workflows.
func TestLoadOpenLeavesWorkflowsHoldingTheirTimers(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	for _, tc := range []struct {
		hold       string
		wantStatus enumspb.WorkflowExecutionStatus
		wantTimer  bool
	}{
		{"1h", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, true},
		{"0s", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, false},
	} {
		var stdout, stderr syncBuffer
		err := run(ctx, []string{"motcua", "load", "-open", "3", "-c", "2", "-hold", tc.hold, "-json", "-quiet", "-duration", "2m",
			"-temporal", s.App.Config.TemporalAddress, "-temporal-namespace", s.App.Config.TemporalNamespace},
			func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		if err != nil {
			t.Fatalf("hold %s: load: %v\nstdout: %s\nstderr: %s", tc.hold, err, stdout.String(), stderr.String())
		}
		var res struct {
			Open struct {
				Run       string
				Workflows int
				Rate      float64
			}
			Load *float64
		}
		if err := json.Unmarshal([]byte(stdout.String()), &res); err != nil {
			t.Fatalf("not one JSON object: %v\n%s", err, stdout.String())
		}
		if res.Open.Workflows != 3 || res.Open.Rate <= 0 || res.Open.Run == "" || res.Load == nil {
			t.Fatalf("hold %s: want 3 workflows at a positive rate, a run and a load average: %s", tc.hold, stdout.String())
		}
		for i := range 3 {
			id := fmt.Sprintf("motcua-load/%s/Hold/%d", res.Open.Run, i)
			d, err := s.App.Temporal.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				t.Fatalf("describe %s: %v", id, err)
			}
			if got := d.GetWorkflowExecutionInfo().GetStatus(); got != tc.wantStatus {
				t.Errorf("%s: status %s, want %s", id, got, tc.wantStatus)
			}
			timer := false
			it := s.App.Temporal.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			for it.HasNext() {
				e, err := it.Next()
				if err != nil {
					t.Fatal(err)
				}
				timer = timer || e.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED
			}
			if timer != tc.wantTimer {
				t.Errorf("%s: timer started %v, want %v", id, timer, tc.wantTimer)
			}
		}
	}
}

// TestLoadStopAfterLeavesDossiersOpen: `motcua load -stop-after receive` takes two
// dossiers as far as the desk's receipt and leaves them there, in review at their
// first step, their workflows open.
func TestLoadStopAfterLeavesDossiersOpen(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	var stdout, stderr syncBuffer
	err := run(ctx, []string{"motcua", "load", "-url", s.URL, "-n", "2", "-c", "2", "-stop-after", "receive", "-json", "-quiet",
		"-duration", "3m", "-temporal", s.App.Config.TemporalAddress, "-temporal-namespace", s.App.Config.TemporalNamespace},
		func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("load: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res struct {
		Path       struct{ Dossiers int }
		PerDossier *json.RawMessage
	}
	if err := json.Unmarshal([]byte(stdout.String()), &res); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout.String())
	}
	if res.Path.Dossiers != 2 || res.PerDossier != nil {
		t.Errorf("want 2 dossiers and no history read: %s", stdout.String())
	}
	rows, err := s.Store.Pool().Query(ctx, `SELECT code, status FROM dossiers`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var code, status string
		if err := rows.Scan(&code, &status); err != nil {
			t.Fatal(err)
		}
		n++
		if status != string(motcua.StatusInReview) {
			t.Errorf("%s: %s, want %s", code, status, motcua.StatusInReview)
		}
		d, err := s.App.Temporal.DescribeWorkflowExecution(ctx, motcua.DossierCode(code).WorkflowID(), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.GetWorkflowExecutionInfo().GetStatus(); got != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Errorf("%s: workflow %s, want running", code, got)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d dossiers, want 2", n)
	}
}
