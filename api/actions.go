package api

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

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

// Limits of what a person writes into a decision: it goes into the workflow's history,
// the dossier's record and the notice it produces.
const (
	maxNoteRunes    = 2000 // a note, a reason or a consulted unit's answer
	maxMissing      = 50   // documents asked for in one supplement request
	maxMissingRunes = 500  // one of them
	maxUnits        = 20   // units consulted at once
)

// check refuses a decision whose text is too long or whose lists are too many, naming
// the field; the workflow checks what the decision means.
func (req actionRequest) check() error {
	long := func(field, label, v string, max int) error {
		if utf8.RuneCountInString(v) > max {
			return &motcua.Error{Code: motcua.EINVALID, Field: field,
				Message: fmt.Sprintf("%s dài quá %d ký tự.", label, max)}
		}
		return nil
	}
	if err := long("note", "Nội dung ghi chú, lý do", req.Note, maxNoteRunes); err != nil {
		return err
	}
	if err := long("answer", "Ý kiến", req.Answer, maxNoteRunes); err != nil {
		return err
	}
	if len(req.Missing) > maxMissing {
		return &motcua.Error{Code: motcua.EINVALID, Field: "missing",
			Message: fmt.Sprintf("Mỗi lần chỉ yêu cầu bổ sung tối đa %d giấy tờ.", maxMissing)}
	}
	for i, m := range req.Missing {
		if err := long(fmt.Sprintf("missing/%d", i), "Tên giấy tờ cần bổ sung", m, maxMissingRunes); err != nil {
			return err
		}
	}
	if len(req.Units) > maxUnits {
		return &motcua.Error{Code: motcua.EINVALID, Field: "units",
			Message: fmt.Sprintf("Mỗi lần chỉ xin ý kiến tối đa %d đơn vị.", maxUnits)}
	}
	if len(req.PIN) > 64 {
		return &motcua.Error{Code: motcua.EINVALID, Field: "pin", Message: "Mã PIN không hợp lệ."}
	}
	return nil
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
