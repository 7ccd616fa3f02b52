package workflows_test

import (
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"motcua/workflows"
)

// TestOutgoingRecipientFollowsItsStatuses plays the statuses one recipient reports to its
// child: the handling moves forward only (a repeated or late status does not move it
// back), a recall's answers are kept beside it, a refusal keeps its reason, and 02, 06
// or 15 end it.
func TestOutgoingRecipientFollowsItsStatuses(t *testing.T) {
	for _, tc := range []struct {
		name         string
		codes        []string
		status, rcll string
		ended        bool
	}{
		{"the whole handling, with a repeat and a late 03", []string{"01", "03", "03", "04", "03", "05", "06"}, "06", "", true},
		{"a late 03 after the 04 does not move it back", []string{"01", "04", "03", "01"}, "04", "", false},
		{"refused with a reason", []string{"01", "02"}, "02", "", true},
		{"a recall agreed before the handling", []string{"01", "03", "13", "15"}, "15", "13", true},
		{"a recall refused, the handling goes on", []string{"01", "03", "04", "13", "16", "05"}, "05", "16", false},
		{"nothing after the end counts", []string{"01", "06", "02", "15"}, "06", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			env.SetStartTime(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			env.RegisterWorkflow(workflows.OutgoingRecipientWorkflow)
			for i, c := range tc.codes {
				env.RegisterDelayedCallback(func() {
					env.SignalWorkflow(workflows.SignalOutgoingStatus, workflows.OutgoingStatus{OrganID: "000.00.00.T01", Code: c,
						Description: "lý do " + c})
				}, time.Duration(i+1)*time.Hour)
			}
			until := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
			env.ExecuteWorkflow(workflows.OutgoingRecipientWorkflow, workflows.OutgoingRecipientInput{OutgoingID: 1,
				OrganID: "000.00.00.T01", Until: until})
			if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
				t.Fatalf("not completed: %v", env.GetWorkflowError())
			}
			var r workflows.OutgoingRecipientResult
			if err := env.GetWorkflowResult(&r); err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || r.Recall != tc.rcll || r.OrganID != "000.00.00.T01" {
				t.Fatalf("status %q recall %q, want %q %q (codes %v)", r.Status, r.Recall, tc.status, tc.rcll, r.Codes)
			}
			// A final status ends the child at once; otherwise it waits until Until.
			endedEarly := env.Now().Before(until)
			if endedEarly != tc.ended {
				t.Fatalf("ended at %v (before %v: %v), want early %v", env.Now(), until, endedEarly, tc.ended)
			}
			if tc.ended && !slices.Contains(r.Codes, tc.status) {
				t.Fatalf("codes %v", r.Codes)
			}
			// A refusal keeps its reason.
			if tc.status == "02" && r.Reason != "lý do 02" {
				t.Fatalf("reason %q, want the 02's", r.Reason)
			}
		})
	}
}
