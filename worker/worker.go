// Package worker registers motcua's workflows and activities with a Temporal worker,
// and starts the housekeeping workflow. It builds no dependencies: internal/app does.
package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"motcua/activities"
	"motcua/workflows"
)

// New returns a worker on motcua's task queue with every workflow and activity.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{&Heartbeats{}}})
	RegisterWorkflows(w)
	w.RegisterActivity(acts)
	return w
}

// RegisterWorkflows registers every workflow; the worker, tests and the replayer use it.
func RegisterWorkflows(r interface {
	RegisterWorkflow(any)
	RegisterWorkflowWithOptions(any, sdkworkflow.RegisterOptions)
}) {
	r.RegisterWorkflow(workflows.Housekeeping)
	r.RegisterWorkflowWithOptions(workflows.DossierWorkflow, sdkworkflow.RegisterOptions{Name: workflows.DossierWorkflowName})
}

// StartHousekeeping starts the housekeeping workflow unless it already runs.
func StartHousekeeping(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.HousekeepingID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowRunTimeout:       0,
		WorkflowTaskTimeout:      10 * time.Second,
	}, workflows.Housekeeping, workflows.HousekeepingInput{})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start housekeeping workflow: %w", err)
	}
	return nil
}
