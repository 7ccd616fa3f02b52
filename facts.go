package motcua

import (
	"slices"
	"strings"
)

// Facts is where a dossier stands, as far as the decisions depend on it beyond its
// status: the step it is at, what comes next, who is being consulted, who handed it on.
// The workflow knows them from its state; the pages read them from the records. Both ask
// the same functions (Possible, MayDecide, Offers), so a page offers exactly what the
// workflow's validators accept.
type Facts struct {
	Status Status
	// Holder is the unit holding the dossier and the role its current step asks for.
	Holder Holder
	// StepIndex is the current step's place in the process (0: the desk's intake).
	StepIndex int
	// Step and Next are the current and the next step's actions ("" when there is none).
	Step, Next StepAction
	// CanConsult says whether the current step names units or outside agencies to consult.
	CanConsult bool
	// Consulting are the consulted units that have not answered, by code.
	Consulting []Unit
	// AwaitingAgencies are the agencies outside the ministry asked for an opinion
	// through the document axis that have not replied, by organ ID.
	AwaitingAgencies []string `json:",omitempty"`
	// HandedBy is who handed the dossier to the current step (0: nobody).
	HandedBy int64
	// HandedForward says the hand-over came from an earlier step (not a send-back), and
	// Acted that someone at the current step has taken a decision since; a hand-over may
	// be recalled only forward and before the next step acted.
	HandedForward, Acted bool
	// Apologized says the one apology (and new appointment) has been given.
	Apologized bool
}

// Possible says whether the decision can be taken now, whoever asks: nil, or an *Error
// saying why not (EINVALID unknown decision, ECONFLICT not now).
func (f Facts) Possible(decision string) error {
	r, ok := RuleOf(decision)
	if !ok {
		return Errorf(EINVALID, "Thao tác không được hỗ trợ.")
	}
	if r.Allowed(f.Status) && f.guard(decision) {
		return nil
	}
	switch {
	case decision == DecideApologize && f.Apologized:
		return Errorf(ECONFLICT, "Hồ sơ đã có văn bản xin lỗi và hẹn lại ngày trả kết quả; chỉ được hẹn lại một lần.")
	case (decision == DecideCompleteStep || decision == DecideSubmitForSigning) && len(f.Consulting) > 0:
		codes := make([]string, len(f.Consulting))
		for i, u := range f.Consulting {
			codes[i] = u.Code
		}
		return Errorf(ECONFLICT, "Còn đơn vị được xin ý kiến chưa trả lời: %s.", strings.Join(codes, ", "))
	case (decision == DecideCompleteStep || decision == DecideSubmitForSigning) && len(f.AwaitingAgencies) > 0:
		return Errorf(ECONFLICT, "Đang chờ ý kiến của cơ quan ngoài Bộ: %s.", strings.Join(f.AwaitingAgencies, ", "))
	}
	return Errorf(ECONFLICT, "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")
}

// guard is what the dossier's place in its process adds to the table's statuses.
func (f Facts) guard(decision string) bool {
	switch decision {
	case DecideCompleteStep:
		return (f.Step == StepAppraise || f.Step == StepReview) && f.Next != "" && f.Next != StepDecide &&
			len(f.Consulting) == 0 && len(f.AwaitingAgencies) == 0
	case DecideSubmitForSigning:
		return f.Next == StepDecide && len(f.Consulting) == 0 && len(f.AwaitingAgencies) == 0
	case DecideConsult:
		return f.Step == StepAppraise && f.CanConsult
	case DecideAnswerConsult:
		return len(f.Consulting) > 0
	case DecideSendBack:
		return f.StepIndex > 1
	case DecideRecall:
		return f.HandedBy != 0 && f.HandedForward && !f.Acted
	case DecideApologize:
		return !f.Apologized
	}
	return true
}

// MayDecide says whether a may take the decision now: Possible, then the table's roles at
// the unit holding the dossier, then the person the facts name (a consulted unit answers;
// who handed the dossier on recalls it). A decision of the applicant (supplement,
// withdraw) is checked against the dossier's applicant by its caller.
func (f Facts) MayDecide(decision string, a Actor) error {
	if err := f.Possible(decision); err != nil {
		return err
	}
	r, _ := RuleOf(decision)
	if err := r.Authorize(a, f.Holder); err != nil {
		return err
	}
	switch decision {
	case DecideAnswerConsult:
		if f.ConsultedUnitOf(a) == "" {
			return Errorf(EFORBIDDEN, "Đơn vị của bạn không được xin ý kiến về hồ sơ này.")
		}
	case DecideRecall:
		if a.UserID != f.HandedBy {
			return Errorf(EFORBIDDEN, "Chỉ người đã chuyển hồ sơ mới được thu hồi.")
		}
	}
	return nil
}

// MayDecideAsDelegate is MayDecide for a person a delegation record names (found and
// checked for the day and the procedure outside the workflow): the decision must be
// Delegable and possible now, and a must hold one of its roles, in any unit.
func (f Facts) MayDecideAsDelegate(decision string, a Actor) error {
	if err := f.Possible(decision); err != nil {
		return err
	}
	r, _ := RuleOf(decision)
	if !r.Delegable {
		return Errorf(EFORBIDDEN, "Thao tác này không được ủy quyền.")
	}
	var err error
	for _, role := range r.Roles {
		if err = Authorize(a, permission[role], Scope{}); err == nil {
			return nil
		}
	}
	if err == nil {
		err = Errorf(EFORBIDDEN, "Tài khoản của bạn không có quyền thực hiện thao tác này.")
	}
	return err
}

// ConsultedUnitOf returns the code of the pending consulted unit a belongs to, or "".
func (f Facts) ConsultedUnitOf(a Actor) string {
	i := slices.IndexFunc(f.Consulting, func(u Unit) bool {
		return a.UnitPath != "" && strings.HasPrefix(u.Path, a.UnitPath)
	})
	if i < 0 {
		return ""
	}
	return f.Consulting[i].Code
}

// Offers lists the staff decisions a may take now, in the table's order: what a page
// offers to a.
func (f Facts) Offers(a Actor) []string {
	var out []string
	for _, r := range Decisions {
		if r.Who != TheApplicant && f.MayDecide(r.Decision, a) == nil {
			out = append(out, r.Decision)
		}
	}
	return out
}

// ConsultationStep names the task of a unit consulted at a step: the step's ID with
// "/y-kien" (ý kiến, opinion). The workflow opens it; the records show it pending.
func ConsultationStep(step string) string { return step + "/y-kien" }
