package dossiers

import (
	"context"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
	"motcua/workflows"
)

// CorrectionProposal is a clerk's proposal to correct (đính chính) or replace (thay
// thế) a dossier's issued result (Decree 30/2020 art. 18).
type CorrectionProposal struct {
	// Kind is "correct" (a correction notice; the result stays in force) or "replace"
	// (a new result replaces it).
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// Corrections says what is corrected, as the notice prints it ("tại dòng Ngày
	// sinh, đã ghi ..., nay đính chính là ..."); required for a correction.
	Corrections string `json:"corrections,omitempty"`
}

// CorrectionStep is what a leader's signature or the clerical office's issue answers:
// the state of the correction's workflow and its newest document.
type CorrectionStep = workflows.CorrectionState

// SignCorrectionInput is the leader's signature (the PIN unlocks their credential at
// the signature service).
type SignCorrectionInput struct {
	PIN string `json:"pin"`
	// RequestID makes a retried request the same signature (the Update's ID); without
	// it every request is a new attempt (a wrong PIN may be typed again).
	RequestID string `json:"requestId,omitempty"`
}

// ProposeCorrection records a proposal to correct or replace the dossier's newest
// issued result: staff of a unit that handled the dossier (not the leader who signs
// it) propose, with the reason. Nothing is signed yet.
func (s *Service) ProposeCorrection(ctx context.Context, a motcua.Actor, code motcua.DossierCode, in CorrectionProposal) (store.Correction, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.Correction{}, err
	}
	if !IsStaff(a) || motcua.Authorize(a, motcua.PermActOnDossier, motcua.Scope{UnitPath: a.UnitPath}) != nil {
		return store.Correction{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ cán bộ của đơn vị đã giải quyết hồ sơ mới được đề nghị đính chính, thay thế kết quả.")
	}
	if in.Kind != store.CorrectionCorrect && in.Kind != store.CorrectionReplace {
		return store.Correction{}, &motcua.Error{Code: motcua.EINVALID, Field: "kind", Message: "Hình thức phải là đính chính (correct) hoặc thay thế (replace)."}
	}
	in.Reason, in.Corrections = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Corrections)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 || !utf8.ValidString(in.Reason) {
		return store.Correction{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason", Message: "Hãy ghi lý do (tối đa 2000 ký tự)."}
	}
	if !utf8.ValidString(in.Corrections) || utf8.RuneCountInString(in.Corrections) > 4000 ||
		in.Kind == store.CorrectionCorrect && in.Corrections == "" {
		return store.Correction{}, &motcua.Error{Code: motcua.EINVALID, Field: "corrections", Message: "Hãy ghi nội dung được đính chính (tối đa 4000 ký tự)."}
	}
	if in.Kind == store.CorrectionReplace {
		in.Corrections = ""
	}
	c, err := s.Store.ProposeCorrection(ctx, store.Correction{DossierID: acc.ID, Code: code, Kind: in.Kind, Reason: in.Reason,
		Corrections: in.Corrections, ProposedBy: a.UserID, ProposedAt: s.Now()})
	if err != nil {
		return store.Correction{}, err
	}
	s.Log.InfoContext(ctx, "result correction proposed", "code", code, "correction", c.ID, "kind", c.Kind, "by", a.UserID)
	return c, nil
}

// Corrections lists a dossier's corrections and replacements for a, who may read it.
func (s *Service) Corrections(ctx context.Context, a motcua.Actor, code motcua.DossierCode) ([]store.Correction, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.Store.CorrectionsOf(ctx, acc.ID)
}

// SignCorrection is the leader's signature on a proposed correction or replacement.
// Only whoever may sign the procedure's results today (internal/authority: the holder
// of the deciding unit's authority, or their delegate) may sign it, under that block;
// the workflow then has it numbered and sealed and marks the old result.
func (s *Service) SignCorrection(ctx context.Context, a motcua.Actor, code motcua.DossierCode, id int64, in SignCorrectionInput) (workflows.CorrectionState, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	c, err := s.Store.Correction(ctx, id)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	if c.DossierID != acc.ID {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy đề nghị đính chính, thay thế này.")
	}
	if !IsStaff(a) || !a.Has(motcua.RoleLeader) {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ lãnh đạo có thẩm quyền ký kết quả mới được ký văn bản đính chính, thay thế.")
	}
	if c.State != store.CorrectionProposed {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.ECONFLICT, "Văn bản này đã được ban hành.")
	}
	if strings.TrimSpace(in.PIN) == "" {
		return workflows.CorrectionState{}, &motcua.Error{Code: motcua.EINVALID, Field: "pin", Message: "Hãy nhập mã PIN của chứng thư số."}
	}
	block, err := s.authority().For(ctx, a.UserID, acc.Procedure, acc.Version, s.Now())
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	if s.Engine == nil {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống xử lý đang bận, vui lòng thử lại sau.")
	}
	var out workflows.CorrectionState
	err = s.Engine.StartWithUpdate(ctx,
		Start{ID: workflows.CorrectionWorkflowID(c.ID), Workflow: workflows.CorrectionWorkflowName, TaskQueue: workflows.TaskQueue,
			Input: workflows.CorrectionInput{CorrectionID: c.ID}},
		Update{Name: workflows.UpdateSignCorrection, ID: in.RequestID,
			Arg: workflows.SignCorrectionDecision{LeaderID: a.UserID, PIN: in.PIN, Signature: block}}, &out)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	s.Log.InfoContext(ctx, "result correction signed", "code", code, "correction", c.ID, "by", a.UserID)
	return out, nil
}

// IssueCorrection is the clerical office's step: the register numbers the signed
// correction or replacement and the issuer's seal is applied; the old result is then
// marked corrected or replaced. Only a clerical officer of a unit that may read the
// dossier issues it.
func (s *Service) IssueCorrection(ctx context.Context, a motcua.Actor, code motcua.DossierCode, id int64) (workflows.CorrectionState, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	c, err := s.Store.Correction(ctx, id)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	if c.DossierID != acc.ID {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy đề nghị đính chính, thay thế này.")
	}
	if !IsStaff(a) || motcua.Authorize(a, motcua.PermIssue, motcua.Scope{UnitPath: a.UnitPath}) != nil {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ văn thư mới được cấp số, đóng dấu văn bản đính chính, thay thế.")
	}
	if c.State != store.CorrectionProposed {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.ECONFLICT, "Văn bản này đã được ban hành.")
	}
	if !c.Signed {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.ECONFLICT, "Văn bản chưa được lãnh đạo ký số.")
	}
	if s.Engine == nil {
		return workflows.CorrectionState{}, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống xử lý đang bận, vui lòng thử lại sau.")
	}
	var out workflows.CorrectionState
	err = s.Engine.Update(ctx, workflows.CorrectionWorkflowID(c.ID), Update{Name: workflows.UpdateIssueCorrection,
		Arg: workflows.IssueCorrectionDecision{ClericalID: a.UserID}}, &out)
	if err != nil {
		return workflows.CorrectionState{}, err
	}
	s.Log.InfoContext(ctx, "result correction issued", "code", code, "correction", c.ID, "by", a.UserID)
	return out, nil
}
