package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
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

// handleAction sends a decision to the dossier's workflow as an Update. The workflow's
// validator decides whether it is allowed now and for this person; a refusal comes back
// at once, with its reason, and nothing changes.
func (s *server) handleAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
			s.writeError(w, r, err)
			return
		}
		var req actionRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if !slices.Contains(workflows.Actions, req.Action) {
			s.writeError(w, r, &motcua.Error{Code: motcua.EINVALID, Field: "action",
				Message: "Thao tác không hợp lệ. Các thao tác: " + strings.Join(workflows.Actions, ", ") + "."})
			return
		}
		dec := workflows.Decision{Actor: workflows.ActorOf(a), Note: strings.TrimSpace(req.Note), Missing: req.Missing,
			Units: req.Units, Answer: strings.TrimSpace(req.Answer), PIN: req.PIN, NewDue: req.NewDue}
		out, err := s.update(r.Context(), code, req.Action, req.RequestID, dec)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, out.State)
	}
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
