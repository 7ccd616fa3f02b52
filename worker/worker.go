// Package worker registers motcua's workflows and activities with a Temporal worker,
// and starts the housekeeping workflow. It builds no dependencies: internal/app does.
//
// The worker trusts only payloads sealed by motcua's payload key (internal/payload): its
// client decodes with the codec, which refuses anything else, and an interceptor drops
// unsealed Signals and Updates sent without their input (sealed.go).
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

// Options adjust a worker.
type Options struct {
	// Sealer checks that a Signal's payloads are sealed by the payload key; production
	// and the test harness set it (internal/app). Without it Signals are not checked
	// before a workflow reads them (the codec still refuses them then).
	Sealer Sealer
	// Tuning sets the worker's pollers; zero fields take DefaultTuning's.
	Tuning Tuning
}

// Tuning is how many long polls the worker keeps open on each kind of task.
type Tuning struct {
	// WorkflowPollers poll workflow tasks, shared by the sticky queue (a cached
	// dossier's next task) and the task queue (a new dossier's first task).
	WorkflowPollers int
	// ActivityPollers poll activity tasks.
	ActivityPollers int
	// Activities bounds the activities the worker runs at once (rendering, signing and
	// sealing are CPU work); zero is the SDK's default (1,000).
	Activities int
}

// DefaultTuning: the SDK's 2 and 2, measured against more in docs/PERFORMANCE.md
// ("The embedded server's tuning").
var DefaultTuning = Tuning{WorkflowPollers: 2, ActivityPollers: 2}

func (t Tuning) withDefaults() Tuning {
	if t.WorkflowPollers <= 0 {
		t.WorkflowPollers = DefaultTuning.WorkflowPollers
	}
	if t.ActivityPollers <= 0 {
		t.ActivityPollers = DefaultTuning.ActivityPollers
	}
	return t
}

// New returns a worker on motcua's task queue with every workflow and activity. c must
// decode with motcua's payload codec.
func New(c client.Client, acts *activities.Activities, opts ...Options) sdkworker.Worker {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	t := o.Tuning.withDefaults()
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		MaxConcurrentWorkflowTaskPollers: t.WorkflowPollers, MaxConcurrentActivityTaskPollers: t.ActivityPollers,
		MaxConcurrentActivityExecutionSize: t.Activities,
		Interceptors:                       []interceptor.WorkerInterceptor{&sealedOnly{sealer: o.Sealer}, &Heartbeats{}}})
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
	r.RegisterWorkflowWithOptions(workflows.OutgoingDocumentWorkflow, sdkworkflow.RegisterOptions{Name: workflows.OutgoingWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.OutgoingRecipientWorkflow, sdkworkflow.RegisterOptions{Name: workflows.OutgoingRecipientWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.IncomingDocumentWorkflow, sdkworkflow.RegisterOptions{Name: workflows.IncomingWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ResultCorrectionWorkflow, sdkworkflow.RegisterOptions{Name: workflows.CorrectionWorkflowName})
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
