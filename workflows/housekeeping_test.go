package workflows_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"motcua/activities"
	"motcua/internal/store/storetest"
	"motcua/workflows"
)

func TestHousekeepingPurgesAndContinuesAsNew(t *testing.T) {
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	a, err := st.CheckPassword(ctx, "congdan1", "demo")
	if err != nil {
		t.Fatal(err)
	}
	ended, _ := st.CreateSession(ctx, a.UserID, "api", -30*24*time.Hour)
	live, _ := st.CreateSession(ctx, a.UserID, "api", time.Hour)

	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(workflows.Housekeeping)
	env.RegisterActivity(&activities.Activities{Store: st})
	env.ExecuteWorkflow(workflows.Housekeeping, workflows.HousekeepingInput{Every: time.Hour, Rounds: 3})
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if !workflow.IsContinueAsNewError(env.GetWorkflowError()) {
		t.Fatalf("err = %v, want continue-as-new after 3 rounds", env.GetWorkflowError())
	}
	if _, _, err := st.SessionActor(ctx, live.Token); err != nil {
		t.Fatalf("a live session was purged: %v", err)
	}
	var n int
	_ = st.Pool().QueryRow(ctx, "SELECT count(*) FROM sessions").Scan(&n)
	if n != 1 {
		t.Fatalf("%d sessions left, want 1 (the ended one, %s…, purged)", n, ended.Token[:4])
	}
}
