package dossiers

import (
	"context"
	"errors"
	"strings"

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
	return updateError(ctx, err)
}

func (e temporalEngine) Update(ctx context.Context, workflowID string, u Update, out any) error {
	h, err := e.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateID: u.ID,
		UpdateName: u.Name, Args: args(u.Arg), WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, out)
	}
	return updateError(ctx, err)
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

// unknownOutcomeMessage tells the person that their decision may have been carried
// out: they must look at the dossier again before repeating it.
const unknownOutcomeMessage = "Hệ thống chưa nhận được kết quả của thao tác này trong thời gian chờ. Thao tác có thể đã được thực hiện: hãy tải lại hồ sơ để xem trước khi làm lại."

// updateError maps what Temporal answers to an update (or Update-With-Start). An
// update sent whose answer did not come before the deadline (the worker is gone, the
// process was frozen) may still be carried out a moment later: saying "unexpected
// error" would be false, and so would "not done". Only the workflow's own answers and
// a frontend that refused the connection outright say more.
func updateError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if errors.As(err, &timeout) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		var down *serviceerror.Unavailable
		if errors.As(err, &down) && strings.Contains(down.Error(), "connection refused") {
			return workflowError(err) // never reached the frontend: nothing was sent
		}
		return &motcua.Error{Code: motcua.EUNKNOWNOUTCOME, Message: unknownOutcomeMessage, Err: err}
	}
	return workflowError(err)
}

// workflowError maps what Temporal answers to motcua's errors: the workflow's refusals
// keep their codes; an update sent whose answer did not come in time is
// EUNKNOWNOUTCOME (HTTP 504); a frontend that cannot be reached is EUNAVAILABLE (503).
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
	// Temporal's frontend cannot be reached, or did not answer a query in time. While its
	// database is down, the frontend also answers that the namespace does not exist (it
	// cannot read the namespace): the namespace was there when the process started
	// (readiness checks it), so that too is an outage (found by the fault suite).
	var down *serviceerror.Unavailable
	var late *serviceerror.DeadlineExceeded
	var noNamespace *serviceerror.NamespaceNotFound
	if errors.As(err, &down) || errors.As(err, &late) || errors.As(err, &noNamespace) || errors.Is(err, context.DeadlineExceeded) {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Err: err,
			Message: "Hệ thống xử lý hồ sơ đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút."}
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
