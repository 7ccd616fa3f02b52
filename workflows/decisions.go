package workflows

import (
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// register sets the query and every update handler; it runs before the workflow
// blocks, so no update arrives unhandled.
func (d *dossier) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return d.state(), nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateSubmit, func(ctx workflow.Context) (Outcome, error) {
		if err := workflow.Await(ctx, func() bool { return d.recorded || d.failed != nil }); err != nil {
			return Outcome{}, err
		}
		if d.failed != nil {
			return Outcome{}, d.failed
		}
		return Outcome{State: d.state()}, nil
	}); err != nil {
		return err
	}
	for _, err := range []error{ // in the order of Actions, so registration is deterministic
		handle(ctx, d, UpdateReceive, d.receive),
		handle(ctx, d, UpdateRefuse, d.refuse),
		handle(ctx, d, UpdateRequestSupplement, d.requestSupplement),
		handle(ctx, d, UpdateCompleteStep, d.completeStep),
		handle(ctx, d, UpdateConsult, d.consult),
		handle(ctx, d, UpdateAnswerConsult, d.answerConsult),
		handle(ctx, d, UpdateSendBack, d.sendBack),
		handle(ctx, d, UpdateRecall, d.recall),
		handle(ctx, d, UpdateSubmitForSigning, d.submitForSigning),
		handle(ctx, d, UpdateSign, d.sign),
		handle(ctx, d, UpdateReturnForRework, d.returnForRework),
		handle(ctx, d, UpdateIssue, d.issue),
		handle(ctx, d, UpdateReturnResult, d.returnResult),
		handle(ctx, d, UpdateStop, d.stop),
		handle(ctx, d, UpdateApologize, d.apologize),
	} {
		if err != nil {
			return err
		}
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSupplement,
		func(ctx workflow.Context, in SupplementInput) (Outcome, error) {
			return d.locked(ctx, func() error { return d.validateApplicant(UpdateSupplement, in.ApplicantID) },
				func(ctx workflow.Context) error { return d.supplement(ctx, in) })
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in SupplementInput) error {
			return d.validateApplicant(UpdateSupplement, in.ApplicantID)
		}}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateWithdraw,
		func(ctx workflow.Context, in WithdrawInput) (Outcome, error) {
			return d.locked(ctx, func() error { return d.validateApplicant(UpdateWithdraw, in.ApplicantID) },
				func(ctx workflow.Context) error {
					return d.finish(ctx, motcua.StatusWithdrawn, UpdateWithdraw, d.applicantActor(ctx, in.ApplicantID, in.By), "", in.Note, "")
				})
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in WithdrawInput) error {
			return d.validateApplicant(UpdateWithdraw, in.ApplicantID)
		}})
}

// decisionInput is what every staff decision's input offers its validator.
type decisionInput interface {
	by() Actor
	// check checks what the decision must carry.
	check(d *dossier, now time.Time) error
}

// handle registers the staff decision name: a validator (state, person, input) and a
// handler that checks again once it holds the lock (another decision may have changed
// the dossier while this one waited), then carries the decision out.
func handle[In decisionInput](ctx workflow.Context, d *dossier, name string, fn func(workflow.Context, In) error) error {
	validate := func(ctx workflow.Context, in In) error {
		err := d.mayDecide(name, in.by())
		if dl, ok := any(in).(delegatedInput); err != nil && ok && dl.byDelegation() {
			// A delegate outside the holder unit: the service found their delegation.
			err = asRejection(d.facts().MayDecideAsDelegate(name, in.by().DomainActor()))
		}
		if err != nil {
			return err
		}
		return in.check(d, workflow.Now(ctx))
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in In) (Outcome, error) {
			return d.locked(ctx, func() error { return validate(ctx, in) }, func(ctx workflow.Context) error {
				if name != UpdateRecall {
					d.nextHasActed = true
				}
				d.notePublic = publicNote(in)
				defer func() { d.notePublic = false }()
				return fn(ctx, in)
			})
		},
		workflow.UpdateHandlerOptions{Validator: validate})
}

// publicNote says whether the author of a decision marked its note for the applicant.
func publicNote(in any) bool {
	m, ok := in.(interface{ publicNote() bool })
	return ok && m.publicNote()
}

// locked carries out a decision under the lock, once check passes again, and answers
// with the state after it.
func (d *dossier) locked(ctx workflow.Context, check func() error, fn func(workflow.Context) error) (Outcome, error) {
	err := d.withLock(ctx, func(ctx workflow.Context) error {
		if err := check(); err != nil {
			return err
		}
		return fn(ctx)
	})
	if err != nil {
		return Outcome{}, err
	}
	d.changes++
	return Outcome{State: d.state()}, nil
}

// reject is a decision's refusal: a motcua error code as the failure type and a
// Vietnamese message, so the API can answer the person without guessing.
func reject(code, msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, code, temporal.ApplicationErrorOptions{NonRetryable: true})
}

func notNow() error {
	return reject(motcua.ECONFLICT, "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")
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

// facts is where the dossier stands, as the domain's decision rules read it: the same
// facts a page reads from the records to offer what this workflow accepts.
func (d *dossier) facts() motcua.Facts {
	st := d.step()
	f := motcua.Facts{Status: d.status,
		Holder: motcua.Holder{UnitPath: st.Unit.Path, StepRole: st.Role}, StepIndex: d.stepIdx, Step: st.Action,
		CanConsult: len(st.Consult) > 0 || len(st.ConsultExternal) > 0, HandedBy: d.handedBy, HandedForward: d.handedFrom < d.stepIdx,
		Acted: d.nextHasActed, Apologized: d.apologized}
	if d.stepIdx+1 < len(d.plan.Steps) {
		f.Next = d.plan.Steps[d.stepIdx+1].Action
	}
	for _, code := range d.consulting {
		u := motcua.Unit{Code: code}
		if i := slices.IndexFunc(st.Consult, func(c activities.Unit) bool { return c.Code == code }); i >= 0 {
			u.Path = st.Consult[i].Path
		}
		f.Consulting = append(f.Consulting, u)
	}
	for _, a := range d.agencies {
		f.AwaitingAgencies = append(f.AwaitingAgencies, a.OrganID)
	}
	return f
}

// allowedState says whether decision name is possible in the dossier's current state,
// whoever asks: the transition table's statuses and the dossier's place in its process.
func (d *dossier) allowedState(name string) error {
	if !d.recorded {
		return reject(motcua.ECONFLICT, "Hồ sơ đang được ghi nhận, vui lòng thử lại sau giây lát.")
	}
	return asRejection(d.facts().Possible(name))
}

// mayDecide checks the state, then the person: the transition table's roles at the
// unit holding the dossier, then who the facts name (the consulted unit answers; who
// handed the dossier on recalls it).
func (d *dossier) mayDecide(name string, a Actor) error {
	if err := d.allowedState(name); err != nil {
		return err
	}
	return asRejection(d.facts().MayDecide(name, a.DomainActor()))
}

func (d *dossier) validateApplicant(name string, applicantID int64) error {
	if err := d.allowedState(name); err != nil {
		return err
	}
	if applicantID != d.in.ApplicantID {
		return reject(motcua.ENOTFOUND, "Không tìm thấy hồ sơ.")
	}
	return nil
}

// organizationApplicantChange is the workflow.GetVersion change ID of an answer or a
// withdrawal by another person of the organization a dossier was filed for than its
// filer: from organizationApplicantOn the history names who acted (the input's By).
// Inputs without By (every one before, and the filer's own) never reach the call.
const (
	organizationApplicantChange = "organization-applicant"
	organizationApplicantOn     = 1
)

// applicantActor is who the history names for the applicant's decision: the filer, or
// the organization's person who acted for it.
func (d *dossier) applicantActor(ctx workflow.Context, applicantID, by int64) int64 {
	if by == 0 || by == applicantID ||
		workflow.GetVersion(ctx, organizationApplicantChange, workflow.DefaultVersion, organizationApplicantOn) < organizationApplicantOn {
		return applicantID
	}
	return by
}

// consultedUnitOf returns the pending consulted unit the actor belongs to, or "".
func (d *dossier) consultedUnitOf(a Actor) string { return d.facts().ConsultedUnitOf(a.DomainActor()) }

// What each decision must carry.

func needReason(note string) error {
	if strings.TrimSpace(note) == "" {
		return reject(motcua.EINVALID, "Vui lòng nêu rõ lý do.")
	}
	return nil
}

func (in ReceiveInput) by() Actor                       { return in.Actor }
func (in ReceiveInput) check(*dossier, time.Time) error { return nil }

func (in RefuseInput) by() Actor                       { return in.Actor }
func (in RefuseInput) check(*dossier, time.Time) error { return needReason(in.Note) }

func (in RequestSupplementInput) by() Actor { return in.Actor }
func (in RequestSupplementInput) check(*dossier, time.Time) error {
	if len(in.Missing) == 0 && strings.TrimSpace(in.Note) == "" {
		return reject(motcua.EINVALID, "Vui lòng nêu rõ giấy tờ cần bổ sung, hoàn thiện và lý do.")
	}
	return nil
}

func (in CompleteStepInput) by() Actor                       { return in.Actor }
func (in CompleteStepInput) check(*dossier, time.Time) error { return nil }

func (in ConsultInput) by() Actor { return in.Actor }
func (in ConsultInput) check(d *dossier, _ time.Time) error {
	if len(in.Units) == 0 && len(in.Agencies) == 0 {
		return reject(motcua.EINVALID, "Vui lòng chọn đơn vị được xin ý kiến.")
	}
	for _, a := range in.Agencies {
		if !slices.ContainsFunc(d.step().ConsultExternal, func(c activities.Agency) bool { return c.OrganID == a }) {
			return reject(motcua.EINVALID, "Cơ quan "+a+" không có trong danh sách cơ quan ngoài Bộ được xin ý kiến của bước này.")
		}
	}
	for _, u := range in.Units {
		if !slices.ContainsFunc(d.step().Consult, func(c activities.Unit) bool { return c.Code == u }) {
			return reject(motcua.EINVALID, "Đơn vị "+u+" không có trong danh sách phối hợp của thủ tục này.")
		}
	}
	return nil
}

func (in AnswerConsultInput) by() Actor { return in.Actor }
func (in AnswerConsultInput) check(*dossier, time.Time) error {
	if strings.TrimSpace(in.Answer) == "" {
		return reject(motcua.EINVALID, "Vui lòng nhập ý kiến của đơn vị.")
	}
	return nil
}

func (in SendBackInput) by() Actor                       { return in.Actor }
func (in SendBackInput) check(*dossier, time.Time) error { return needReason(in.Note) }

func (in RecallInput) by() Actor                       { return in.Actor }
func (in RecallInput) check(*dossier, time.Time) error { return nil }

func (in SubmitForSigningInput) by() Actor                       { return in.Actor }
func (in SubmitForSigningInput) check(*dossier, time.Time) error { return nil }

func (in SignInput) by() Actor { return in.Actor }

// delegatedInput is a decision a delegate may take by a delegation record.
type delegatedInput interface{ byDelegation() bool }

// byDelegation: the block the service found names the actor and the delegation they
// sign by. Updates sent before blocks travelled with them carry none, so their
// histories replay as they were decided.
func (in SignInput) byDelegation() bool {
	return in.Signature != nil && in.Signature.DelegationID != 0 && in.Signature.SignerID == in.Actor.UserID
}
func (in SignInput) check(*dossier, time.Time) error {
	if len(in.PIN) < 4 || len(in.PIN) > 16 {
		return reject(motcua.EINVALID, "Vui lòng nhập mã PIN chữ ký số.")
	}
	return nil
}

func (in ReturnForReworkInput) by() Actor                       { return in.Actor }
func (in ReturnForReworkInput) check(*dossier, time.Time) error { return needReason(in.Note) }

func (in IssueInput) by() Actor                       { return in.Actor }
func (in IssueInput) check(*dossier, time.Time) error { return nil }

func (in ReturnResultInput) by() Actor                       { return in.Actor }
func (in ReturnResultInput) check(*dossier, time.Time) error { return nil }

func (in StopInput) by() Actor                       { return in.Actor }
func (in StopInput) check(*dossier, time.Time) error { return needReason(in.Note) }

func (in ApologizeInput) by() Actor { return in.Actor }
func (in ApologizeInput) check(d *dossier, now time.Time) error {
	if strings.TrimSpace(in.Note) == "" {
		return reject(motcua.EINVALID, "Vui lòng nêu rõ lý do chậm giải quyết.")
	}
	if !in.NewDue.After(d.due) {
		return reject(motcua.EINVALID, "Ngày hẹn trả mới phải sau ngày hẹn hiện tại.")
	}
	if !now.Before(d.due) {
		return reject(motcua.ECONFLICT, "Hồ sơ đã quá hạn; văn bản xin lỗi phải gửi trước ngày hẹn trả.")
	}
	return nil
}

// The decisions off the main path (lifecycle.go has the main path).

// refuse: the desk refuses to receive, or the reviewing unit refuses to decide (form 03).
func (d *dossier) refuse(ctx workflow.Context, in RefuseInput) error {
	rule, _ := motcua.RuleOf(UpdateRefuse)
	status := rule.NextStatus(d.status, d.status != motcua.StatusSubmitted)
	return d.finish(ctx, status, UpdateRefuse, in.Actor.UserID, d.step().Unit.Code, in.Note, motcua.DocRefusal)
}

// requestSupplement asks the applicant to supply or complete documents (form 02); the
// clock stops until they do, or refuses the dossier when their deadline passes.
func (d *dossier) requestSupplement(ctx workflow.Context, in RequestSupplementInput) error {
	now := workflow.Now(ctx)
	r, err := d.dates(ctx, activities.DueInput{From: now, Span: d.plan.ApplicantDeadline})
	if err != nil {
		return err
	}
	deadline := r[0].Due
	if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocSupplementRequest, Reason: in.Note, Missing: in.Missing,
		SupplementDeadline: deadline, DueAt: d.due, ActorID: in.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	resume := d.status
	if err := d.record(ctx, motcua.Transition{Action: UpdateRequestSupplement, Status: motcua.StatusSupplementRequested,
		ActorID: in.Actor.UserID, UnitCode: d.step().Unit.Code, Note: in.Note, CloseTasks: true,
		Data: map[string]any{"missing": in.Missing, "deadline": deadline}}); err != nil {
		return err
	}
	d.resumeStatus, d.pausedSince, d.supplementDeadline = resume, now, deadline
	return d.notifyApplicant(ctx, "supplement-requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ trước ngày "+vnDate(deadline))
}

// supplement: the applicant supplied what was asked; the clock runs again, extended
// by the pause or started over, as the procedure's policy says.
func (d *dossier) supplement(ctx workflow.Context, in SupplementInput) error {
	now := workflow.Now(ctx)
	d.supplements++
	n := d.supplements
	status := d.resumeStatus
	if d.resumeStatus == motcua.StatusInReview || d.resumeStatus == motcua.StatusReceived {
		status = motcua.StatusInReview
		switch d.plan.SupplementPolicy {
		case motcua.SupplementRestart:
			r, err := d.dates(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, AfterCutOff: true})
			if err != nil {
				return err
			}
			d.countStart, d.paused = r[0].Start, nil
			if err := d.setDue(ctx, r[0].Due); err != nil {
				return err
			}
		default: // pause and extend
			d.paused = append(d.paused, activities.Interval{From: d.pausedSince, To: now})
			r, err := d.dates(ctx, activities.DueInput{From: d.countStart, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, Paused: d.paused})
			if err != nil {
				return err
			}
			if err := d.setDue(ctx, r[0].Due); err != nil {
				return err
			}
		}
	}
	st := d.step()
	var due *time.Time
	if !d.due.IsZero() {
		due = &d.due
	}
	if err := d.record(ctx, motcua.Transition{Action: UpdateSupplement, Status: status, ActorID: d.applicantActor(ctx, in.ApplicantID, in.By),
		Note: in.Note, DueAt: due, SupplementCount: &n, HolderUnit: st.Unit.Code, Step: st.ID,
		OpenTask:    &motcua.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: nonZero(d.stepDue)},
		AttachFiles: in.FileIDs, Data: map[string]any{"files": in.FileIDs}}); err != nil {
		d.supplements--
		return err
	}
	d.supplementDeadline = time.Time{}
	return nil
}

// consult asks other units for an opinion; the step cannot move on until they answer.
func (d *dossier) consult(ctx workflow.Context, in ConsultInput) error {
	for _, code := range in.Units {
		if slices.Contains(d.consulting, code) {
			continue
		}
		if err := d.record(ctx, motcua.Transition{Action: UpdateConsult, ActorID: in.Actor.UserID, UnitCode: d.step().Unit.Code,
			Note: in.Note, OpenTask: &motcua.TaskSpec{Step: motcua.ConsultationStep(d.step().ID), UnitCode: code, DueAt: nonZero(d.stepDue)},
			Data: map[string]any{"unit": code}}); err != nil {
			return err
		}
		i, _ := slices.BinarySearch(d.consulting, code)
		d.consulting = slices.Insert(d.consulting, i, code)
	}
	if len(in.Agencies) > 0 {
		return d.askAgencies(ctx, in)
	}
	return nil
}

// answerConsult: a consulted unit gives its opinion.
func (d *dossier) answerConsult(ctx workflow.Context, in AnswerConsultInput) error {
	unit := d.consultedUnitOf(in.Actor)
	if err := d.record(ctx, motcua.Transition{Action: UpdateAnswerConsult, ActorID: in.Actor.UserID, UnitCode: unit,
		Note: in.Answer, CloseTasksOf: unit, Data: map[string]any{"unit": unit}}); err != nil {
		return err
	}
	d.consulting = slices.DeleteFunc(d.consulting, func(c string) bool { return c == unit })
	return nil
}

// sendBack returns the dossier to the step before.
func (d *dossier) sendBack(ctx workflow.Context, in SendBackInput) error {
	return d.handTo(ctx, d.stepIdx-1, in.Actor, UpdateSendBack, motcua.StatusInReview, in.Note)
}

// recall: who handed the dossier on takes it back before the next step acted.
func (d *dossier) recall(ctx workflow.Context, in RecallInput) error {
	return d.handTo(ctx, d.handedFrom, in.Actor, UpdateRecall, motcua.StatusInReview, in.Note)
}

// returnForRework: the leader returns the draft to the step before.
func (d *dossier) returnForRework(ctx workflow.Context, in ReturnForReworkInput) error {
	return d.handTo(ctx, d.stepIdx-1, in.Actor, UpdateReturnForRework, motcua.StatusInReview, in.Note)
}

// stop ends the dossier with a stop notice (form 05).
func (d *dossier) stop(ctx workflow.Context, in StopInput) error {
	return d.finish(ctx, motcua.StatusStopped, UpdateStop, in.Actor.UserID, d.step().Unit.Code, in.Note, motcua.DocStopNotice)
}

// apologize gives the apology with a new appointment (form 04), once.
func (d *dossier) apologize(ctx workflow.Context, in ApologizeInput) error {
	notice := activities.NoticeInput{Kind: motcua.DocApology, Reason: in.Note, DueAt: in.NewDue, ActorID: in.Actor.UserID, Seal: true}
	if d.async {
		notice.PreviousDueAt = d.due
	}
	if err := d.render(ctx, notice); err != nil {
		return err
	}
	due := in.NewDue
	if err := d.record(ctx, motcua.Transition{Action: UpdateApologize, ActorID: in.Actor.UserID, UnitCode: d.step().Unit.Code,
		Note: in.Note, DueAt: &due, ApologyGiven: true}); err != nil {
		return err
	}
	d.apologized = true
	d.due, d.escalated, d.warned = due, false, true
	return d.notifyApplicant(ctx, "apology", "Xin lỗi vì chậm giải quyết; hẹn lại ngày trả kết quả "+vnDate(due))
}
