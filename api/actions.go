package api

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"motcua"
	"motcua/workflows"
)

// actionRequest is a staff decision on a dossier.
type actionRequest struct {
	Action  string    `json:"action"`
	Note    string    `json:"note,omitempty"`
	Missing []string  `json:"missing,omitempty"`
	Units   []string  `json:"units,omitempty"`
	Answer  string    `json:"answer,omitempty"`
	PIN     string    `json:"pin,omitempty"`
	NewDue  time.Time `json:"newDue,omitzero"`
	// RequestID makes a retried request the same decision (the Update's ID).
	RequestID string `json:"requestId,omitempty"`
}

// update sends an Update and waits for its outcome, turning the workflow's rejections
// into motcua errors.
func (s *server) update(ctx context.Context, code motcua.DossierCode, name, id string, arg any) (workflows.Outcome, error) {
	var out workflows.Outcome
	if s.Temporal == nil {
		return out, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống xử lý hồ sơ chưa sẵn sàng. Vui lòng thử lại sau.")
	}
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: code.WorkflowID(), UpdateID: id,
		UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, &out)
	}
	return out, workflowError(err)
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
