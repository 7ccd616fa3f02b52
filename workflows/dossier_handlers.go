package workflows

import (
	"fmt"
	"time"

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
	handlers := map[string]func(workflow.Context, Decision) error{
		UpdateReceive: d.receive, UpdateRefuse: d.refuse, UpdateRequestSupplement: d.requestSupplement,
		UpdateCompleteStep: d.completeStep, UpdateConsult: d.consult, UpdateAnswerConsult: d.answerConsult,
		UpdateSendBack: d.sendBack, UpdateRecall: d.recall, UpdateSubmitForSigning: d.submitForSigning,
		UpdateSign: d.sign, UpdateReturnForRework: d.returnForRework, UpdateIssue: d.issue,
		UpdateReturnResult: d.returnResult, UpdateStop: d.stop, UpdateApologize: d.apologize,
	}
	for _, name := range Actions { // a slice, so registration order is deterministic
		name, fn := name, handlers[name]
		err := workflow.SetUpdateHandlerWithOptions(ctx, name, d.decide(name, fn), workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, dec Decision) error { return d.validate(name, dec, workflow.Now(ctx)) },
		})
		if err != nil {
			return err
		}
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSupplement, d.locked(d.supplement, d.validateApplicant(UpdateSupplement)),
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in SupplementInput) error {
			return d.validateApplicant(UpdateSupplement)(in.ApplicantID)
		}}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateWithdraw, d.lockedWithdraw(),
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in WithdrawInput) error {
			return d.validateApplicant(UpdateWithdraw)(in.ApplicantID)
		}})
}

// decide wraps a decision: one at a time, checked again once the lock is held (another
// decision may have changed the dossier while this one waited), then carried out.
func (d *dossier) decide(name string, fn func(workflow.Context, Decision) error) func(workflow.Context, Decision) (Outcome, error) {
	return func(ctx workflow.Context, dec Decision) (Outcome, error) {
		ctx = workflow.WithActivityOptions(ctx, activityOptions)
		if err := d.mu.Lock(ctx); err != nil {
			return Outcome{}, err
		}
		defer d.mu.Unlock()
		if err := d.validate(name, dec, workflow.Now(ctx)); err != nil {
			return Outcome{}, err
		}
		if name != UpdateRecall {
			d.nextHasActed = true
		}
		if err := fn(ctx, dec); err != nil {
			return Outcome{}, err
		}
		d.changes++
		return Outcome{State: d.state()}, nil
	}
}

func (d *dossier) validateApplicant(name string) func(int64) error {
	return func(applicantID int64) error {
		if err := d.allowedState(name); err != nil {
			return err
		}
		if applicantID != d.in.ApplicantID {
			return reject(motcua.ENOTFOUND, "Không tìm thấy hồ sơ.")
		}
		return nil
	}
}

func (d *dossier) locked(fn func(workflow.Context, SupplementInput) error, check func(int64) error) func(workflow.Context, SupplementInput) (Outcome, error) {
	return func(ctx workflow.Context, in SupplementInput) (Outcome, error) {
		ctx = workflow.WithActivityOptions(ctx, activityOptions)
		if err := d.mu.Lock(ctx); err != nil {
			return Outcome{}, err
		}
		defer d.mu.Unlock()
		if err := check(in.ApplicantID); err != nil {
			return Outcome{}, err
		}
		if err := fn(ctx, in); err != nil {
			return Outcome{}, err
		}
		d.changes++
		return Outcome{State: d.state()}, nil
	}
}

func (d *dossier) lockedWithdraw() func(workflow.Context, WithdrawInput) (Outcome, error) {
	return func(ctx workflow.Context, in WithdrawInput) (Outcome, error) {
		ctx = workflow.WithActivityOptions(ctx, activityOptions)
		if err := d.mu.Lock(ctx); err != nil {
			return Outcome{}, err
		}
		defer d.mu.Unlock()
		if err := d.validateApplicant(UpdateWithdraw)(in.ApplicantID); err != nil {
			return Outcome{}, err
		}
		if err := d.finish(ctx, motcua.StatusWithdrawn, UpdateWithdraw, in.ApplicantID, "", in.Note, ""); err != nil {
			return Outcome{}, err
		}
		d.changes++
		return Outcome{State: d.state()}, nil
	}
}

// record writes a transition with the next sequence number; the dossier's sequence
// advances only when the write succeeded.
func (d *dossier) record(ctx workflow.Context, t activities.Transition) error {
	t.Code, t.Seq, t.At = d.in.Code, d.seq+1, workflow.Now(ctx)
	if t.Status == "" {
		t.Status = d.status
	}
	if err := workflow.ExecuteActivity(ctx, acts.RecordTransition, t).Get(ctx, nil); err != nil {
		return err
	}
	d.seq, d.status = t.Seq, t.Status
	return nil
}

func (d *dossier) computeDue(ctx workflow.Context, in activities.DueInput) (activities.DueResult, error) {
	var r activities.DueResult
	err := workflow.ExecuteActivity(ctx, acts.ComputeDue, in).Get(ctx, &r)
	return r, err
}

// render makes a notice (and stores it) and remembers it by kind.
func (d *dossier) render(ctx workflow.Context, in activities.NoticeInput) (string, error) {
	in.Code, in.Seq, in.At = d.in.Code, d.seq+1, workflow.Now(ctx)
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(ctx, acts.RenderNotice, in).Get(ctx, &ref); err != nil {
		return "", err
	}
	d.docs[in.Kind], d.refs[in.Kind] = ref.ID, ref
	return ref.ID, nil
}

// notify sends a notification once (keyed by dossier, sequence and kind).
func (d *dossier) notify(ctx workflow.Context, kind string, n activities.NotifyInput) error {
	n.Key = fmt.Sprintf("%s/%d/%s", d.in.Code.WorkflowID(), d.seq, kind)
	n.Code = d.in.Code
	return workflow.ExecuteActivity(ctx, acts.Notify, n).Get(ctx, nil)
}

func (d *dossier) notifyApplicant(ctx workflow.Context, kind, subject string) error {
	return d.notify(ctx, kind, activities.NotifyInput{RecipientID: d.in.ApplicantID, Subject: subject,
		Body: fmt.Sprintf("Hồ sơ %s: %s. Trạng thái: %s.", d.in.Code, subject, d.status.Label())})
}

// handTo moves the dossier to step idx (forward, back or recalled), opening the step's
// task and its row of the process control sheet.
func (d *dossier) handTo(ctx workflow.Context, idx int, by Actor, action string, status motcua.Status, note string) error {
	from := d.step()
	st := d.plan.Steps[idx]
	now := workflow.Now(ctx)
	var stepDue, reminder *time.Time
	if !d.due.IsZero() && st.BudgetMinutes > 0 {
		r, err := d.computeDue(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: st.BudgetMinutes}})
		if err != nil {
			return err
		}
		stepDue = &r.Due
		rr, err := d.computeDue(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: st.BudgetMinutes * 3 / 4}})
		if err != nil {
			return err
		}
		reminder = &rr.Due
	}
	err := d.record(ctx, activities.Transition{
		Action: action, Status: status, ActorID: by.UserID, UnitCode: from.Unit.Code, Note: note,
		HolderUnit: st.Unit.Code, Step: st.ID, CloseTasks: true, FinishHandover: true,
		OpenTask: &activities.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: stepDue, BudgetMinutes: st.BudgetMinutes},
		Handover: &activities.HandoverSpec{Step: st.ID, FromUnitCode: from.Unit.Code, FromUserID: by.UserID,
			ToUnitCode: st.Unit.Code, BudgetMinutes: st.BudgetMinutes, DueAt: stepDue},
	})
	if err != nil {
		return err
	}
	d.handedFrom, d.handedBy, d.nextHasActed = d.stepIdx, by.UserID, false
	d.stepIdx, d.reminded = idx, false
	d.stepDue, d.stepReminder = time.Time{}, time.Time{}
	if stepDue != nil {
		d.stepDue, d.stepReminder = *stepDue, *reminder
	}
	return nil
}

// setDue sets the appointment and the time one working day before it, when the
// holder is warned that an apology may be needed.
func (d *dossier) setDue(ctx workflow.Context, due time.Time) error {
	d.due, d.escalated, d.warned = due, false, false
	d.apologyWarning = time.Time{}
	if d.plan.TimeLimitMinutes > activities.MinutesPerDay {
		r, err := d.computeDue(ctx, activities.DueInput{From: d.countStart,
			Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes - activities.MinutesPerDay}, Paused: d.paused})
		if err != nil {
			return err
		}
		if r.Due.Before(due) {
			d.apologyWarning = r.Due
		}
	}
	return nil
}

// finish ends the dossier in a final status (or returned), closing its tasks.
func (d *dossier) finish(ctx workflow.Context, status motcua.Status, action string, actorID int64, unit, note, docKind string) error {
	now := workflow.Now(ctx)
	if docKind != "" {
		if _, err := d.render(ctx, activities.NoticeInput{Kind: docKind, Reason: note, DueAt: d.due, ActorID: actorID, Seal: true}); err != nil {
			return err
		}
	}
	if err := d.record(ctx, activities.Transition{Action: action, Status: status, ActorID: actorID, UnitCode: unit,
		Note: note, FinishedAt: &now, CloseTasks: true, FinishHandover: true}); err != nil {
		return err
	}
	d.finishedAt = now
	return d.notifyApplicant(ctx, action, status.Label())
}

func (d *dossier) receive(ctx workflow.Context, dec Decision) error {
	now := workflow.Now(ctx)
	r, err := d.computeDue(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, AfterCutOff: true})
	if err != nil {
		return err
	}
	d.receivedAt, d.countStart, d.dueOriginal = now, r.Start, r.Due
	if err := d.setDue(ctx, r.Due); err != nil {
		return err
	}
	if _, err := d.render(ctx, activities.NoticeInput{Kind: activities.DocReceipt, DueAt: r.Due, ActorID: dec.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	if err := d.record(ctx, activities.Transition{Action: UpdateReceive, Status: motcua.StatusReceived, ActorID: dec.Actor.UserID,
		UnitCode: d.step().Unit.Code, ReceivedAt: &now, DueAt: &r.Due, DueOriginal: &r.Due, Note: dec.Note}); err != nil {
		return err
	}
	if err := d.notifyApplicant(ctx, "received", "Hồ sơ đã được tiếp nhận, hẹn trả kết quả ngày "+vnDate(r.Due)); err != nil {
		return err
	}
	return d.handTo(ctx, 1, dec.Actor, "transfer", motcua.StatusInReview, "")
}

func (d *dossier) refuse(ctx workflow.Context, dec Decision) error {
	status := motcua.StatusRejected
	if d.status == motcua.StatusSubmitted {
		status = motcua.StatusRefused
	}
	return d.finish(ctx, status, UpdateRefuse, dec.Actor.UserID, d.step().Unit.Code, dec.Note, activities.DocRefusal)
}

func (d *dossier) requestSupplement(ctx workflow.Context, dec Decision) error {
	now := workflow.Now(ctx)
	r, err := d.computeDue(ctx, activities.DueInput{From: now, Span: d.plan.ApplicantDeadline})
	if err != nil {
		return err
	}
	if _, err := d.render(ctx, activities.NoticeInput{Kind: activities.DocSupplementRequest, Reason: dec.Note, Missing: dec.Missing,
		SupplementDeadline: r.Due, DueAt: d.due, ActorID: dec.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	resume := d.status
	if err := d.record(ctx, activities.Transition{Action: UpdateRequestSupplement, Status: motcua.StatusSupplementRequested,
		ActorID: dec.Actor.UserID, UnitCode: d.step().Unit.Code, Note: dec.Note, CloseTasks: true,
		Data: map[string]any{"missing": dec.Missing, "deadline": r.Due}}); err != nil {
		return err
	}
	d.resumeStatus, d.pausedSince, d.supplementDeadline = resume, now, r.Due
	return d.notifyApplicant(ctx, "supplement-requested", "Yêu cầu bổ sung, hoàn thiện hồ sơ trước ngày "+vnDate(r.Due))
}

func (d *dossier) supplement(ctx workflow.Context, in SupplementInput) error {
	now := workflow.Now(ctx)
	d.supplements++
	n := d.supplements
	status := d.resumeStatus
	if d.resumeStatus == motcua.StatusInReview || d.resumeStatus == motcua.StatusReceived {
		status = motcua.StatusInReview
		switch d.plan.SupplementPolicy {
		case activities.PolicyRestart:
			r, err := d.computeDue(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, AfterCutOff: true})
			if err != nil {
				return err
			}
			d.countStart, d.paused = r.Start, nil
			if err := d.setDue(ctx, r.Due); err != nil {
				return err
			}
		default: // pause and extend
			d.paused = append(d.paused, activities.Interval{From: d.pausedSince, To: now})
			r, err := d.computeDue(ctx, activities.DueInput{From: d.countStart, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, Paused: d.paused})
			if err != nil {
				return err
			}
			if err := d.setDue(ctx, r.Due); err != nil {
				return err
			}
		}
	}
	st := d.step()
	var due *time.Time
	if !d.due.IsZero() {
		due = &d.due
	}
	if err := d.record(ctx, activities.Transition{Action: UpdateSupplement, Status: status, ActorID: in.ApplicantID,
		Note: in.Note, DueAt: due, SupplementCount: &n, HolderUnit: st.Unit.Code, Step: st.ID,
		OpenTask:    &activities.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: nonZero(d.stepDue)},
		AttachFiles: in.FileIDs, Data: map[string]any{"files": in.FileIDs}}); err != nil {
		d.supplements--
		return err
	}
	d.supplementDeadline = time.Time{}
	return nil
}

func (d *dossier) completeStep(ctx workflow.Context, dec Decision) error {
	return d.handTo(ctx, d.stepIdx+1, dec.Actor, UpdateCompleteStep, motcua.StatusInReview, dec.Note)
}

func (d *dossier) consult(ctx workflow.Context, dec Decision) error {
	for _, code := range dec.Units {
		if containsString(d.consulting, code) {
			continue
		}
		if err := d.record(ctx, activities.Transition{Action: UpdateConsult, ActorID: dec.Actor.UserID, UnitCode: d.step().Unit.Code,
			Note: dec.Note, OpenTask: &activities.TaskSpec{Step: d.step().ID + "/y-kien", UnitCode: code, DueAt: nonZero(d.stepDue)},
			Data: map[string]any{"unit": code}}); err != nil {
			return err
		}
		d.consulting = insertSorted(d.consulting, code)
	}
	return nil
}

func (d *dossier) answerConsult(ctx workflow.Context, dec Decision) error {
	unit := d.consultedUnitOf(dec.Actor)
	if err := d.record(ctx, activities.Transition{Action: UpdateAnswerConsult, ActorID: dec.Actor.UserID, UnitCode: unit,
		Note: dec.Answer, CloseTasksOf: unit, Data: map[string]any{"unit": unit}}); err != nil {
		return err
	}
	d.consulting = removeString(d.consulting, unit)
	return nil
}

func (d *dossier) sendBack(ctx workflow.Context, dec Decision) error {
	return d.handTo(ctx, d.stepIdx-1, dec.Actor, UpdateSendBack, motcua.StatusInReview, dec.Note)
}

func (d *dossier) recall(ctx workflow.Context, dec Decision) error {
	return d.handTo(ctx, d.handedFrom, dec.Actor, UpdateRecall, motcua.StatusInReview, dec.Note)
}

func (d *dossier) submitForSigning(ctx workflow.Context, dec Decision) error {
	if _, err := d.render(ctx, activities.NoticeInput{Kind: activities.DocDraftResult, DueAt: d.due, ActorID: dec.Actor.UserID}); err != nil {
		return err
	}
	return d.handTo(ctx, d.stepIdx+1, dec.Actor, UpdateSubmitForSigning, motcua.StatusAwaitingSignature, dec.Note)
}

func (d *dossier) sign(ctx workflow.Context, dec Decision) error {
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(ctx, acts.SignAsLeader, activities.SignInput{Code: d.in.Code, Seq: d.seq + 1,
		Document: d.refs[activities.DocDraftResult], LeaderID: dec.Actor.UserID, PIN: dec.PIN, At: workflow.Now(ctx)}).Get(ctx, &ref); err != nil {
		return err
	}
	d.docs[activities.DocResult], d.refs[activities.DocResult] = ref.ID, ref
	issue := d.stepIndex(activities.ActionIssue, d.stepIdx)
	if issue < 0 {
		return reject(motcua.EINTERNAL, "Thủ tục không có bước cấp số, phát hành.")
	}
	return d.handTo(ctx, issue, dec.Actor, UpdateSign, motcua.StatusSigned, dec.Note)
}

func (d *dossier) returnForRework(ctx workflow.Context, dec Decision) error {
	return d.handTo(ctx, d.stepIdx-1, dec.Actor, UpdateReturnForRework, motcua.StatusInReview, dec.Note)
}

func (d *dossier) issue(ctx workflow.Context, dec Decision) error {
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(ctx, acts.Issue, activities.IssueInput{Code: d.in.Code, Seq: d.seq + 1,
		Document: d.refs[activities.DocResult], ClericalID: dec.Actor.UserID, At: workflow.Now(ctx)}).Get(ctx, &ref); err != nil {
		return err
	}
	d.docs[activities.DocResult], d.refs[activities.DocResult] = ref.ID, ref
	if err := d.record(ctx, activities.Transition{Action: UpdateIssue, Status: motcua.StatusIssued, ActorID: dec.Actor.UserID,
		UnitCode: d.step().Unit.Code, Data: map[string]any{"document": ref.ID}}); err != nil {
		return err
	}
	ret := d.stepIndex(activities.ActionReturn, d.stepIdx)
	if ret < 0 {
		return reject(motcua.EINTERNAL, "Thủ tục không có bước trả kết quả.")
	}
	if err := d.handTo(ctx, ret, dec.Actor, "ready", motcua.StatusResultReady, ""); err != nil {
		return err
	}
	return d.notifyApplicant(ctx, "result-ready", "Đã có kết quả giải quyết hồ sơ")
}

func (d *dossier) returnResult(ctx workflow.Context, dec Decision) error {
	if _, err := d.render(ctx, activities.NoticeInput{Kind: activities.DocControlSheet, DueAt: d.due, ActorID: dec.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	if err := d.finish(ctx, motcua.StatusReturned, UpdateReturnResult, dec.Actor.UserID, d.step().Unit.Code, dec.Note, ""); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(ctx, acts.Archive, activities.ArchiveInput{Code: d.in.Code, At: workflow.Now(ctx)}).Get(ctx, nil); err != nil {
		return err
	}
	return d.record(ctx, activities.Transition{Action: "archive", Status: motcua.StatusArchived})
}

func (d *dossier) stop(ctx workflow.Context, dec Decision) error {
	return d.finish(ctx, motcua.StatusStopped, UpdateStop, dec.Actor.UserID, d.step().Unit.Code, dec.Note, activities.DocStopNotice)
}

func (d *dossier) apologize(ctx workflow.Context, dec Decision) error {
	if _, err := d.render(ctx, activities.NoticeInput{Kind: activities.DocApology, Reason: dec.Note, DueAt: dec.NewDue,
		ActorID: dec.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	due := dec.NewDue
	if err := d.record(ctx, activities.Transition{Action: UpdateApologize, ActorID: dec.Actor.UserID, UnitCode: d.step().Unit.Code,
		Note: dec.Note, DueAt: &due, ApologyGiven: true}); err != nil {
		return err
	}
	d.apologized = true
	d.due, d.escalated, d.warned = due, false, true
	return d.notifyApplicant(ctx, "apology", "Xin lỗi vì chậm giải quyết; hẹn lại ngày trả kết quả "+vnDate(due))
}

// fireTimers acts on every timer that is due: the applicant's supplement deadline, the
// step reminder, the apology warning and the overdue escalation.
func (d *dossier) fireTimers(ctx workflow.Context) error {
	if err := d.mu.Lock(ctx); err != nil {
		return err
	}
	defer d.mu.Unlock()
	now := workflow.Now(ctx)
	st := d.step()
	if d.status == motcua.StatusSupplementRequested && !d.supplementDeadline.IsZero() && !now.Before(d.supplementDeadline) {
		status := motcua.StatusRejected
		if d.resumeStatus == motcua.StatusSubmitted {
			status = motcua.StatusRefused
		}
		d.changes++
		return d.finish(ctx, status, "supplement-expired", 0, st.Unit.Code, "Quá thời hạn bổ sung, hoàn thiện hồ sơ.", activities.DocRefusal)
	}
	if !d.clockRunning() {
		return nil
	}
	if !d.reminded && !d.stepReminder.IsZero() && !now.Before(d.stepReminder) {
		if err := d.record(ctx, activities.Transition{Action: "remind", Data: map[string]any{"step": st.ID, "stepDue": d.stepDue}}); err != nil {
			return err
		}
		if err := d.notify(ctx, "remind", activities.NotifyInput{UnitCode: st.Unit.Code, Role: st.Role,
			Subject: "Nhắc việc: hồ sơ " + string(d.in.Code) + " sắp hết thời gian của bước " + st.Name,
			Body:    "Hạn của bước: " + vnTime(d.stepDue) + "."}); err != nil {
			return err
		}
		d.reminded = true
	}
	if !d.warned && !d.apologized && !d.apologyWarning.IsZero() && !now.Before(d.apologyWarning) {
		if err := d.record(ctx, activities.Transition{Action: "warn-late", Data: map[string]any{"due": d.due}}); err != nil {
			return err
		}
		if err := d.notify(ctx, "warn-late", activities.NotifyInput{UnitCode: st.Unit.Code, Role: st.Role,
			Subject: "Hồ sơ " + string(d.in.Code) + " có nguy cơ quá hạn",
			Body:    "Hạn trả kết quả: " + vnTime(d.due) + ". Nếu không kịp, hãy gửi văn bản xin lỗi và hẹn lại ngày trả (chỉ một lần)."}); err != nil {
			return err
		}
		d.warned = true
	}
	if !d.escalated && !now.Before(d.due) {
		if err := d.record(ctx, activities.Transition{Action: "escalate", Data: map[string]any{"due": d.due}}); err != nil {
			return err
		}
		if err := d.notify(ctx, "escalate", activities.NotifyInput{UnitCode: st.Unit.Code, Role: motcua.RoleLeader,
			Subject: "Hồ sơ " + string(d.in.Code) + " đã quá hạn",
			Body:    "Hạn trả kết quả: " + vnTime(d.due) + ". Bước hiện tại: " + st.Name + "."}); err != nil {
			return err
		}
		d.escalated = true
	}
	d.changes++
	return nil
}

var ict = time.FixedZone("ICT", 7*3600)

func vnDate(t time.Time) string { return t.In(ict).Format("02/01/2006") }
func vnTime(t time.Time) string { return t.In(ict).Format("15:04 02/01/2006") }

func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func insertSorted(ss []string, s string) []string {
	i := 0
	for i < len(ss) && ss[i] < s {
		i++
	}
	return append(ss[:i], append([]string{s}, ss[i:]...)...)
}

func removeString(ss []string, s string) []string {
	out := ss[:0]
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
