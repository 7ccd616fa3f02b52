package dossiers

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
	"motcua/workflows"
)

// SupplementRequest is the applicant's answer to a supplement request.
type SupplementRequest struct {
	Files []store.SubmittedFile `json:"files"`
	Note  string                `json:"note,omitempty"`
	// RequestID makes a retried answer the same answer.
	RequestID string `json:"requestId,omitempty"`
}

// Supplement sends the applicant's answer to the workflow.
func (s *Service) Supplement(ctx context.Context, a motcua.Actor, code motcua.DossierCode, req SupplementRequest) (State, error) {
	v, err := s.readable(ctx, a, code)
	if err != nil {
		return State{}, err
	}
	if !ActsAsApplicant(a, v.ApplicantID, v.OrganizationID) {
		return State{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới bổ sung được hồ sơ.")
	}
	p, err := s.Catalog.Version(v.Procedure, v.Version)
	if err != nil {
		return State{}, err
	}
	if utf8.RuneCountInString(req.Note) > MaxNoteRunes {
		return State{}, &motcua.Error{Code: motcua.EINVALID, Field: "note",
			Message: fmt.Sprintf("Nội dung giải trình dài quá %d ký tự.", MaxNoteRunes)}
	}
	if len(req.Files) > 50 {
		return State{}, &motcua.Error{Code: motcua.EINVALID, Field: "files", Message: "Mỗi lần bổ sung tối đa 50 tệp."}
	}
	if len(req.Files) == 0 && strings.TrimSpace(req.Note) == "" {
		return State{}, &motcua.Error{Code: motcua.EINVALID, Field: "files",
			Message: "Hãy đính kèm giấy tờ bổ sung hoặc ghi nội dung giải trình."}
	}
	for i, f := range req.Files {
		if _, ok := p.Component(f.Component); !ok {
			return State{}, &motcua.Error{Code: motcua.EINVALID, Field: fmt.Sprintf("files/%d/component", i),
				Message: "Thành phần hồ sơ «" + f.Component + "» không có trong thủ tục này."}
		}
	}
	if err := s.checkFiles(ctx, a, p, req.Files); err != nil {
		return State{}, err
	}
	ids := make([]string, len(req.Files))
	for i, f := range req.Files {
		ids[i] = f.ID
		if err := s.Store.AssignComponent(ctx, a.UserID, f.ID, f.Component); err != nil {
			return State{}, err
		}
	}
	return s.update(ctx, code, Update{Name: workflows.UpdateSupplement, ID: req.RequestID,
		Arg: workflows.SupplementInput{ApplicantID: v.ApplicantID, By: by(a, v), FileIDs: ids, Note: strings.TrimSpace(req.Note)}})
}

// Withdraw sends the applicant's withdrawal to the workflow.
func (s *Service) Withdraw(ctx context.Context, a motcua.Actor, code motcua.DossierCode, note string) (State, error) {
	if utf8.RuneCountInString(note) > MaxNoteRunes {
		return State{}, &motcua.Error{Code: motcua.EINVALID, Field: "note",
			Message: fmt.Sprintf("Lý do rút hồ sơ dài quá %d ký tự.", MaxNoteRunes)}
	}
	v, err := s.readable(ctx, a, code)
	if err != nil {
		return State{}, err
	}
	if !ActsAsApplicant(a, v.ApplicantID, v.OrganizationID) {
		return State{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới rút được hồ sơ.")
	}
	return s.update(ctx, code, Update{Name: workflows.UpdateWithdraw,
		Arg: workflows.WithdrawInput{ApplicantID: v.ApplicantID, By: by(a, v), Note: strings.TrimSpace(note)}})
}

// by is who acts for the applicant of v, for the workflow's input: 0 for its filer, or
// the organization's person (its account, another representative) who acts for it.
func by(a motcua.Actor, v store.DossierAccess) int64 {
	if a.UserID == v.ApplicantID {
		return 0
	}
	return a.UserID
}
