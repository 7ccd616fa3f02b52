package workflows

import (
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"motcua"
	"motcua/activities"
)

// reject is a decision's refusal: a motcua error code as the failure type and a
// Vietnamese message, so the API can answer the person without guessing.
func reject(code, msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, code, temporal.ApplicationErrorOptions{NonRetryable: true})
}

func notNow() error {
	return reject(motcua.ECONFLICT, "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")
}

// allowedState says whether decision name is possible in the dossier's current state,
// whoever asks.
func (d *dossier) allowedState(name string) error {
	if !d.recorded {
		return reject(motcua.ECONFLICT, "Hồ sơ đang được ghi nhận, vui lòng thử lại sau giây lát.")
	}
	st := d.step()
	next := activities.PlanStep{}
	if d.stepIdx+1 < len(d.plan.Steps) {
		next = d.plan.Steps[d.stepIdx+1]
	}
	in := func(ss ...motcua.Status) bool { return slices.Contains(ss, d.status) }
	ok := false
	switch name {
	case UpdateReceive:
		ok = in(motcua.StatusSubmitted)
	case UpdateRefuse, UpdateRequestSupplement:
		ok = in(motcua.StatusSubmitted, motcua.StatusInReview)
	case UpdateSupplement:
		ok = in(motcua.StatusSupplementRequested)
	case UpdateWithdraw:
		ok = in(motcua.StatusSubmitted, motcua.StatusReceived, motcua.StatusInReview, motcua.StatusSupplementRequested)
	case UpdateCompleteStep:
		ok = in(motcua.StatusInReview) && (st.Action == activities.ActionAppraise || st.Action == activities.ActionReview) &&
			next.Action != activities.ActionDecide && next.ID != "" && len(d.consulting) == 0
	case UpdateSubmitForSigning:
		ok = in(motcua.StatusInReview) && next.Action == activities.ActionDecide && len(d.consulting) == 0
	case UpdateConsult:
		ok = in(motcua.StatusInReview) && st.Action == activities.ActionAppraise && len(st.Consult) > 0
	case UpdateAnswerConsult:
		ok = in(motcua.StatusInReview) && len(d.consulting) > 0
	case UpdateSendBack:
		ok = in(motcua.StatusInReview) && d.stepIdx > 1
	case UpdateRecall:
		ok = in(motcua.StatusInReview, motcua.StatusAwaitingSignature) && d.handedBy != 0 && !d.nextHasActed && d.handedFrom < d.stepIdx
	case UpdateSign, UpdateReturnForRework:
		ok = in(motcua.StatusAwaitingSignature)
	case UpdateIssue:
		ok = in(motcua.StatusSigned)
	case UpdateReturnResult:
		ok = in(motcua.StatusResultReady)
	case UpdateStop:
		ok = in(motcua.StatusReceived, motcua.StatusInReview, motcua.StatusSupplementRequested, motcua.StatusAwaitingSignature)
	case UpdateApologize:
		ok = in(motcua.StatusInReview, motcua.StatusAwaitingSignature, motcua.StatusSigned, motcua.StatusIssued) && !d.apologized
	default:
		return reject(motcua.EINVALID, "Thao tác không được hỗ trợ.")
	}
	if !ok {
		if name == UpdateApologize && d.apologized {
			return reject(motcua.ECONFLICT, "Hồ sơ đã có văn bản xin lỗi và hẹn lại ngày trả kết quả; chỉ được hẹn lại một lần.")
		}
		if (name == UpdateCompleteStep || name == UpdateSubmitForSigning) && len(d.consulting) > 0 {
			return reject(motcua.ECONFLICT, "Còn đơn vị được xin ý kiến chưa trả lời: "+strings.Join(d.consulting, ", ")+".")
		}
		return notNow()
	}
	return nil
}

// authorize checks that the actor may take decision name on the dossier now: the role
// the step asks for, in the scope of the unit that holds it.
func (d *dossier) authorize(name string, dec Decision) error {
	a := dec.Actor.DomainActor()
	st := d.step()
	scope := motcua.Scope{UnitPath: st.Unit.Path}
	var err error
	switch name {
	case UpdateReceive, UpdateRefuse, UpdateRequestSupplement, UpdateStop, UpdateApologize:
		err = motcua.Authorize(a, motcua.PermActOnDossier, scope)
		if err != nil && (name == UpdateStop || name == UpdateApologize) && st.Role == motcua.RoleLeader {
			err = motcua.Authorize(a, motcua.PermSign, scope)
		}
	case UpdateCompleteStep, UpdateSubmitForSigning, UpdateConsult, UpdateSendBack:
		err = d.authorizeStepRole(a, st)
	case UpdateAnswerConsult:
		err = motcua.Authorize(a, motcua.PermActOnDossier, motcua.Scope{})
		if err == nil && d.consultedUnitOf(dec.Actor) == "" {
			err = reject(motcua.EFORBIDDEN, "Đơn vị của bạn không được xin ý kiến về hồ sơ này.")
		}
	case UpdateRecall:
		if dec.Actor.UserID != d.handedBy {
			err = reject(motcua.EFORBIDDEN, "Chỉ người đã chuyển hồ sơ mới được thu hồi.")
		}
	case UpdateSign, UpdateReturnForRework:
		err = motcua.Authorize(a, motcua.PermSign, scope)
	case UpdateIssue:
		err = motcua.Authorize(a, motcua.PermIssue, scope)
	case UpdateReturnResult:
		err = motcua.Authorize(a, motcua.PermActOnDossier, scope)
	}
	return asRejection(err)
}

func (d *dossier) authorizeStepRole(a motcua.Actor, st activities.PlanStep) error {
	perm := motcua.PermActOnDossier
	if st.Role == motcua.RoleLeader {
		perm = motcua.PermSign
	}
	return motcua.Authorize(a, perm, motcua.Scope{UnitPath: st.Unit.Path})
}

// consultedUnitOf returns the pending consulted unit the actor belongs to, or "".
func (d *dossier) consultedUnitOf(a Actor) string {
	for _, u := range d.step().Consult {
		if slices.Contains(d.consulting, u.Code) && strings.HasPrefix(u.Path, a.UnitPath) && a.UnitPath != "" {
			return u.Code
		}
	}
	return ""
}

// checkInput checks what a decision must carry.
func (d *dossier) checkInput(name string, dec Decision, now time.Time) error {
	note := strings.TrimSpace(dec.Note)
	switch name {
	case UpdateRefuse, UpdateStop, UpdateSendBack, UpdateReturnForRework:
		if note == "" {
			return reject(motcua.EINVALID, "Vui lòng nêu rõ lý do.")
		}
	case UpdateRequestSupplement:
		if len(dec.Missing) == 0 && note == "" {
			return reject(motcua.EINVALID, "Vui lòng nêu rõ giấy tờ cần bổ sung, hoàn thiện và lý do.")
		}
	case UpdateConsult:
		if len(dec.Units) == 0 {
			return reject(motcua.EINVALID, "Vui lòng chọn đơn vị được xin ý kiến.")
		}
		for _, u := range dec.Units {
			if !slices.ContainsFunc(d.step().Consult, func(c activities.Unit) bool { return c.Code == u }) {
				return reject(motcua.EINVALID, "Đơn vị "+u+" không có trong danh sách phối hợp của thủ tục này.")
			}
		}
	case UpdateAnswerConsult:
		if strings.TrimSpace(dec.Answer) == "" {
			return reject(motcua.EINVALID, "Vui lòng nhập ý kiến của đơn vị.")
		}
	case UpdateSign:
		if len(dec.PIN) < 4 || len(dec.PIN) > 16 {
			return reject(motcua.EINVALID, "Vui lòng nhập mã PIN chữ ký số.")
		}
	case UpdateApologize:
		if note == "" {
			return reject(motcua.EINVALID, "Vui lòng nêu rõ lý do chậm giải quyết.")
		}
		if !dec.NewDue.After(d.due) {
			return reject(motcua.EINVALID, "Ngày hẹn trả mới phải sau ngày hẹn hiện tại.")
		}
		if !now.Before(d.due) {
			return reject(motcua.ECONFLICT, "Hồ sơ đã quá hạn; văn bản xin lỗi phải gửi trước ngày hẹn trả.")
		}
	}
	return nil
}

// validate is the whole check of a decision: state, person, input.
func (d *dossier) validate(name string, dec Decision, now time.Time) error {
	if err := d.allowedState(name); err != nil {
		return err
	}
	if err := d.authorize(name, dec); err != nil {
		return err
	}
	return d.checkInput(name, dec, now)
}

// asRejection turns a motcua error into a rejection the API understands.
func asRejection(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*motcua.Error); ok {
		return reject(e.Code, e.Message)
	}
	return err
}
