package dossiers

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"motcua"
)

// Engine is what the service needs of Temporal: start a workflow together with its
// first update, send an update, ask a query. Each waits for the answer and decodes it
// into out; the workflow's refusals come back as *motcua.Error.
type Engine interface {
	// StartWithUpdate starts the workflow s, or joins the one already running under its
	// ID, and waits for update u's outcome.
	StartWithUpdate(ctx context.Context, s Start, u Update, out any) error
	// Update sends u to the workflow workflowID and waits for its outcome.
	Update(ctx context.Context, workflowID string, u Update, out any) error
	// Query asks the workflow workflowID.
	Query(ctx context.Context, workflowID, query string, out any) error
}

// Start names a workflow to start.
type Start struct {
	ID, Workflow, TaskQueue string
	Input                   any
}

// Update is an update to send: its name, its ID (a retried request sends the same ID
// and gets the first outcome), and its argument (nil for none).
type Update struct {
	Name, ID string
	Arg      any
}

// Temporal is the Engine over a Temporal client; nil for a nil client (not connected).
func Temporal(c client.Client) Engine {
	if c == nil {
		return nil
	}
	return temporalEngine{c}
}

type temporalEngine struct{ c client.Client }

func (e temporalEngine) StartWithUpdate(ctx context.Context, s Start, u Update, out any) error {
	op := e.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       s.ID,
		TaskQueue:                s.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, s.Workflow, s.Input)
	h, err := e.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: u.Name, UpdateID: u.ID, Args: args(u.Arg),
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, out)
	}
	return workflowError(err)
}

func (e temporalEngine) Update(ctx context.Context, workflowID string, u Update, out any) error {
	h, err := e.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateID: u.ID,
		UpdateName: u.Name, Args: args(u.Arg), WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, out)
	}
	return workflowError(err)
}

func (e temporalEngine) Query(ctx context.Context, workflowID, query string, out any) error {
	resp, err := e.c.QueryWorkflow(ctx, workflowID, "", query)
	if err != nil {
		return workflowError(err)
	}
	return resp.Get(out)
}

func args(arg any) []any {
	if arg == nil {
		return nil
	}
	return []any{arg}
}

// workflowError maps what Temporal answers to motcua's errors.
func workflowError(err error) error {
	if err == nil {
		return nil
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() != "" {
		switch app.Type() {
		case motcua.EINVALID, motcua.ENOTFOUND, motcua.ECONFLICT, motcua.EFORBIDDEN, motcua.EUNAUTHORIZED, motcua.EUNAVAILABLE:
			return &motcua.Error{Code: app.Type(), Message: app.Message(), Err: err}
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy hồ sơ.", Err: err}
	}
	var done *serviceerror.WorkflowNotReady
	if errors.As(err, &done) {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hồ sơ đang được xử lý, vui lòng thử lại.", Err: err}
	}
	return err
}
