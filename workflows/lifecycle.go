package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// Versions of DossierWorkflow. Every change to what the workflow asks of Temporal goes
// behind a new version, and the histories in testdata must still replay.
const (
	// versionFirst: one activity per date, per transition, per notice, per notification.
	versionFirst = 1
	// versionBatched: the dates a transition needs in one local activity; a decision's
	// notice, transitions and notifications in one activity (activities.Change).
	versionBatched = 2
)

// localWritesChange is the workflow.GetVersion change ID of the cheaper dossier
// (issue 17): from localWritesOn, a change that writes only rows (no notice to render,
// no one to notify) is a local activity, as are the submission's record and the
// plan's read. Each was an activity: three events and a workflow task of their own.
const (
	localWritesChange = "dossier-local-writes"
	localWritesOn     = 1
)

// asyncNoticesChange is the workflow.GetVersion change ID of notices made after the
// click (issue 17): from asyncNoticesOn, a decision answers once its rows are written
// (a local activity); its notice is rendered and sealed, and its people notified, by
// the dossier's background queue (records.go: later), in the order decided. It is
// asked first and, once recorded, stands for the two versions before it, whose
// markers a new dossier no longer writes (it implies dossier-workflow 2 and
// dossier-local-writes 1); a history without it asks them as before.
const (
	asyncNoticesChange = "dossier-async-notices"
	asyncNoticesOn     = 1
)

// localWriteOptions run a short database write in the worker, within the workflow
// task: keyed, idempotent, in one transaction, so a retry (the local activity's own,
// or the whole task's after a lost worker) writes nothing twice. Refusals are not
// retried, as for activities. Like an activity, it outlives an outage of the database:
// a decision whose update fails is the answer to its request ID for good (a retry with
// the same ID gets the same failure), so an outage must delay the decision, not fail it.
// Without ScheduleToCloseTimeout, the SDK would give every attempt together only the
// StartToCloseTimeout.
var localWriteOptions = workflow.LocalActivityOptions{
	// On a saturated machine (issue 17's load at 32 at once) a write waited more than
	// 10 s: an attempt gets 30 s, as an activity's. Timeouts are not part of replay.
	StartToCloseTimeout:    30 * time.Second,
	ScheduleToCloseTimeout: localRetryBudget,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        30 * time.Second,
		NonRetryableErrorTypes: []string{motcua.EINVALID, motcua.ENOTFOUND, motcua.EFORBIDDEN, motcua.ECONFLICT},
	},
}

// localRetryBudget is how long a local activity is retried in all: as long as a
// database outage can reasonably last.
const localRetryBudget = 24 * time.Hour

var activityOptions = workflow.ActivityOptions{
	// An activity lost with a killed worker stops heartbeating (the worker heartbeats
	// every running activity: worker.Heartbeats) and is retried elsewhere after
	// HeartbeatTimeout, seconds, not half a minute; one slow but alive keeps its
	// attempt until StartToCloseTimeout. The slowest (render, seal and time-stamp a
	// result) takes well under a second. Timeouts are not part of replay.
	StartToCloseTimeout: 30 * time.Second,
	HeartbeatTimeout:    5 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: []string{motcua.EINVALID, motcua.ENOTFOUND, motcua.EFORBIDDEN, motcua.ECONFLICT},
	},
}

// DossierWorkflow is the life of one dossier (hồ sơ), from submission to archive: the
// one-stop desk receives it (or refuses it, or asks for a supplement), the procedure's
// review steps run unit by unit, the leader signs the result, the clerical office
// numbers and seals it, the desk returns it, and the archive keeps it. The legal time
// limit is counted in working time and pauses while the applicant owes documents.
//
// This file is the main path, in the order the rules give it; the other decisions are
// in decisions.go, the clock and its timers in clock.go, what is written in records.go.
func DossierWorkflow(ctx workflow.Context, in DossierInput) (DossierResult, error) {
	async := workflow.GetVersion(ctx, asyncNoticesChange, workflow.DefaultVersion, asyncNoticesOn) >= asyncNoticesOn
	version, local := workflow.Version(versionBatched), true
	if !async {
		version = workflow.GetVersion(ctx, "dossier-workflow", workflow.DefaultVersion, versionBatched)
		local = version >= versionBatched && workflow.GetVersion(ctx, localWritesChange, workflow.DefaultVersion, localWritesOn) >= localWritesOn
	}

	d := &dossier{in: in, status: motcua.StatusSubmitted, mu: workflow.NewMutex(ctx), batched: version >= versionBatched, localWrites: local,
		async: async, docs: map[motcua.DocumentKind]string{}, refs: map[motcua.DocumentKind]activities.DocumentRef{}}
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	if err := d.register(ctx); err != nil {
		return DossierResult{}, err
	}
	d.receiveReplies(ctx)
	if async {
		workflow.Go(ctx, d.runLater)
	}

	// Submission: record it first. The API answers the citizen only once the dossier is
	// in PostgreSQL, so the receipt always points at a stored dossier.
	if err := d.write(ctx, acts.RecordSubmission, activities.SubmissionInput{Code: in.Code}).Get(ctx, nil); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	if err := d.write(ctx, acts.LoadPlan, activities.PlanInput{
		ProcedureCode: in.ProcedureCode, ProcedureVersion: in.ProcedureVersion, Online: in.Online, Channel: in.Channel,
	}).Get(ctx, &d.plan); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	if in.Fee > 0 && !in.FeeAfterReceipt {
		if err := d.awaitPayment(ctx); err != nil {
			d.failed = err
			return DossierResult{}, err
		}
	}
	if err := d.awaitReceipt(ctx); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	d.recorded = true
	d.changes++

	// From here on, people's decisions (update handlers) move the dossier; the
	// workflow itself only keeps the clock until the dossier ends.
	for !d.status.Final() {
		seen := d.changes
		changed := func() bool { return d.changes != seen }
		wake := d.nextWake()
		if wake.IsZero() {
			if err := workflow.Await(ctx, changed); err != nil {
				return DossierResult{}, err
			}
			continue
		}
		wait := max(wake.Sub(workflow.Now(ctx)), 0)
		ok, err := workflow.AwaitWithTimeout(ctx, wait, changed)
		if err != nil {
			return DossierResult{}, err
		}
		if !ok {
			if err := d.fireTimers(ctx); err != nil {
				return DossierResult{}, err
			}
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && d.idle() }); err != nil {
		return DossierResult{}, err
	}
	return DossierResult{Status: d.status, FinishedAt: d.finishedAt}, nil
}

// awaitReceipt puts the new dossier in the one-stop desk's inbox, with the intake step's
// budget counted from submission.
func (d *dossier) awaitReceipt(ctx workflow.Context) error {
	if len(d.plan.Steps) < 3 || d.plan.Steps[0].Action != motcua.StepReceive {
		return reject(motcua.EINTERNAL, "Quy trình của thủ tục phải bắt đầu bằng bước tiếp nhận.")
	}
	return d.withLock(ctx, func(ctx workflow.Context) error {
		st := d.plan.Steps[0]
		r, err := d.dates(ctx, activities.DueInput{From: d.in.SubmittedAt, Span: activities.Span{WorkingMinutes: st.BudgetMinutes}, AfterCutOff: true})
		if err != nil {
			return err
		}
		d.stepDue = r[0].Due
		return d.record(ctx, motcua.Transition{Action: motcua.EventAssign, Status: motcua.StatusSubmitted, HolderUnit: st.Unit.Code, Step: st.ID,
			OpenTask: &motcua.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: &r[0].Due, BudgetMinutes: st.BudgetMinutes},
			Handover: &motcua.HandoverSpec{Step: st.ID, ToUnitCode: st.Unit.Code, FromUserID: d.in.ApplicantID,
				BudgetMinutes: st.BudgetMinutes, DueAt: &r[0].Due}})
	})
}

// receive: the desk receives the dossier, the legal time limit starts, the applicant
// gets the receipt with the appointment (form 01), and the first review step gets it.
func (d *dossier) receive(ctx workflow.Context, in ReceiveInput) error {
	now := workflow.Now(ctx)
	if d.localWrites && len(d.paused) == 0 {
		if err := d.receiptDates(ctx, now); err != nil {
			return err
		}
	} else {
		r, err := d.dates(ctx, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, AfterCutOff: true})
		if err != nil {
			return err
		}
		d.receivedAt, d.countStart, d.dueOriginal = now, r[0].Start, r[0].Due
		if err := d.setDue(ctx, r[0].Due); err != nil {
			return err
		}
	}
	due := d.due
	if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocReceipt, DueAt: due, ActorID: in.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	if err := d.record(ctx, motcua.Transition{Action: UpdateReceive, Status: motcua.StatusReceived, ActorID: in.Actor.UserID,
		UnitCode: d.step().Unit.Code, ReceivedAt: &now, DueAt: &due, DueOriginal: &due, Note: in.Note}); err != nil {
		return err
	}
	if err := d.notifyApplicant(ctx, "received", "Hồ sơ đã được tiếp nhận, hẹn trả kết quả ngày "+vnDate(due)); err != nil {
		return err
	}
	if d.payAfterReceipt(ctx) {
		return d.awaitPaymentAfterReceipt(ctx, in.Actor)
	}
	return d.handTo(ctx, 1, in.Actor, motcua.EventTransfer, motcua.StatusInReview, "")
}

// receiptDates counts every date the receipt needs in one computation (from
// localWritesChange on; before, three): the appointment, the apology warning one
// working day before it, and the first review step's due time and reminder, which
// handTo then takes from d.known. The warning counted from now with the cut-off rule
// is the one counted from the counting start, as nothing is paused yet.
func (d *dossier) receiptDates(ctx workflow.Context, now time.Time) error {
	limit := d.plan.TimeLimitMinutes
	ins := []activities.DueInput{{From: now, Span: activities.Span{WorkingMinutes: limit}, AfterCutOff: true}}
	warn := limit > activities.MinutesPerDay
	if warn {
		ins = append(ins, activities.DueInput{From: now, Span: activities.Span{WorkingMinutes: limit - activities.MinutesPerDay}, AfterCutOff: true})
	}
	step := d.plan.Steps[1].BudgetMinutes > 0
	if step {
		ins = append(ins, d.stepDates(now, d.plan.Steps[1])...)
	}
	r, err := d.dates(ctx, ins...)
	if err != nil {
		return err
	}
	d.receivedAt, d.countStart, d.dueOriginal = now, r[0].Start, r[0].Due
	d.due, d.escalated, d.warned, d.apologyWarning = r[0].Due, false, false, time.Time{}
	r = r[1:]
	if warn {
		if r[0].Due.Before(d.due) {
			d.apologyWarning = r[0].Due
		}
		r = r[1:]
	}
	if step {
		d.known = r
	}
	return nil
}

// completeStep: a review step is done; the next one gets the dossier.
func (d *dossier) completeStep(ctx workflow.Context, in CompleteStepInput) error {
	return d.handTo(ctx, d.stepIdx+1, in.Actor, UpdateCompleteStep, motcua.StatusInReview, in.Note)
}

// submitForSigning: the last review step drafts the result and submits it to the leader.
func (d *dossier) submitForSigning(ctx workflow.Context, in SubmitForSigningInput) error {
	if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocDraftResult, DueAt: d.due, ActorID: in.Actor.UserID}); err != nil {
		return err
	}
	return d.handTo(ctx, d.stepIdx+1, in.Actor, UpdateSubmitForSigning, motcua.StatusAwaitingSignature, in.Note)
}

// sign: the leader signs the draft with their own key; the clerical office gets it.
func (d *dossier) sign(ctx workflow.Context, in SignInput) error {
	// The draft may still be being made (asyncNoticesChange): sign it once it is.
	if err := workflow.Await(ctx, d.idle); err != nil {
		return err
	}
	var ref activities.DocumentRef
	if err := d.call(ctx, acts.SignAsLeader, activities.SignInput{Code: d.in.Code, Seq: d.seq + 1,
		Document: d.refs[motcua.DocDraftResult], LeaderID: in.Actor.UserID, PIN: in.PIN, At: workflow.Now(ctx),
		Signature: in.Signature}, &ref); err != nil {
		return err
	}
	d.docs[motcua.DocResult], d.refs[motcua.DocResult] = ref.ID, ref
	issue := d.stepIndex(motcua.StepIssue, d.stepIdx)
	if issue < 0 {
		return reject(motcua.EINTERNAL, "Thủ tục không có bước cấp số, phát hành.")
	}
	return d.handTo(ctx, issue, in.Actor, UpdateSign, motcua.StatusSigned, in.Note)
}

// issue: the clerical office numbers the result and applies the seal; the desk gets
// it to return, and the applicant is told the result is ready.
func (d *dossier) issue(ctx workflow.Context, in IssueInput) error {
	var ref activities.DocumentRef
	if err := d.call(ctx, acts.Issue, activities.IssueInput{Code: d.in.Code, Seq: d.seq + 1,
		Document: d.refs[motcua.DocResult], ClericalID: in.Actor.UserID, At: workflow.Now(ctx)}, &ref); err != nil {
		return err
	}
	d.docs[motcua.DocResult], d.refs[motcua.DocResult] = ref.ID, ref
	if err := d.record(ctx, motcua.Transition{Action: UpdateIssue, Status: motcua.StatusIssued, ActorID: in.Actor.UserID,
		UnitCode: d.step().Unit.Code, Data: map[string]any{"document": ref.ID}}); err != nil {
		return err
	}
	ret := d.stepIndex(motcua.StepReturn, d.stepIdx)
	if ret < 0 {
		return reject(motcua.EINTERNAL, "Thủ tục không có bước trả kết quả.")
	}
	if err := d.handTo(ctx, ret, in.Actor, motcua.EventReady, motcua.StatusResultReady, ""); err != nil {
		return err
	}
	return d.notifyApplicant(ctx, "result-ready", "Đã có kết quả giải quyết hồ sơ")
}

// returnResult: the desk returns the result with the process control sheet (form 06),
// and the dossier goes to the archive.
func (d *dossier) returnResult(ctx workflow.Context, in ReturnResultInput) error {
	if d.async {
		return d.returnResultThenArchive(ctx, in)
	}
	if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocControlSheet, DueAt: d.due, ActorID: in.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	if err := d.finish(ctx, motcua.StatusReturned, UpdateReturnResult, in.Actor.UserID, d.step().Unit.Code, in.Note, ""); err != nil {
		return err
	}
	if err := d.call(ctx, acts.Archive, activities.ArchiveInput{Code: d.in.Code, At: workflow.Now(ctx)}, nil); err != nil {
		return err
	}
	return d.record(ctx, motcua.Transition{Action: motcua.EventArchive, Status: motcua.StatusArchived})
}

// returnResultThenArchive (asyncNoticesChange on): the return is recorded and the click
// answered; the control sheet, the applicant's notification and the archive package
// follow in one activity, and the archived record after it.
func (d *dossier) returnResultThenArchive(ctx workflow.Context, in ReturnResultInput) error {
	if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocControlSheet, DueAt: d.due, ActorID: in.Actor.UserID, Seal: true}); err != nil {
		return err
	}
	if err := d.finish(ctx, motcua.StatusReturned, UpdateReturnResult, in.Actor.UserID, d.step().Unit.Code, in.Note, ""); err != nil {
		return err
	}
	archive := activities.ArchiveInput{Code: d.in.Code, At: workflow.Now(ctx)}
	d.pending.archive = &archive
	return nil
}
