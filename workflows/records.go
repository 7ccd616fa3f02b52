package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// dossier is the state of one dossier's workflow. Only the workflow goroutine and its
// update handlers touch it, each inside withLock, so that two decisions never
// interleave while one of them waits on an activity.
type dossier struct {
	in   DossierInput
	plan activities.Plan
	mu   workflow.Mutex
	// batched (version 2 on) writes each decision with one activity: pending collects
	// what it writes until withLock commits it.
	batched bool
	pending *pending
	// localWrites (localWritesChange on) makes a short write a local activity.
	localWrites bool
	// async (asyncNoticesChange on): a decision's notice, notifications and archive
	// package are made after it answers, by runLater, from the queue later (the one
	// being made stays first until it is done).
	async bool
	later []laterJob
	// known are the next step's due time and reminder, counted with the decision's
	// other dates; handTo takes them instead of counting them again.
	known []activities.DueResult

	status   motcua.Status
	seq      int
	stepIdx  int
	recorded bool
	failed   error
	changes  int

	// The clock.
	receivedAt         time.Time
	countStart         time.Time
	due                time.Time
	dueOriginal        time.Time
	paused             []activities.Interval
	pausedSince        time.Time
	supplementDeadline time.Time
	resumeStatus       motcua.Status
	supplements        int
	apologized         bool
	stepDue            time.Time
	stepReminder       time.Time
	apologyWarning     time.Time
	reminded           bool
	warned             bool
	escalated          bool
	finishedAt         time.Time
	// paid: the fee is paid (payment.go).
	paid bool

	// Who handed the dossier to the current step, for recall.
	handedBy     int64
	handedFrom   int
	nextHasActed bool
	consulting   []string // unit codes, sorted
	// agencies are the outside agencies asked at the current step, not yet replied
	// (consult.go), in the order asked.
	agencies []awaitingAgency
	docs     map[motcua.DocumentKind]string
	refs     map[motcua.DocumentKind]activities.DocumentRef

	// notePublic: the decision being carried out had its note marked for the applicant.
	notePublic bool
}

// pending is what a decision has still to write, and the sequence and status the
// dossier had before it, restored if the write fails.
type pending struct {
	change activities.Change
	seq    int
	status motcua.Status
	// archive is the archive package to make after the change (the return's).
	archive *activities.ArchiveInput
}

// laterJob is what a recorded decision still has to make: its notice and
// notifications, and after a return the archive package and the archived record.
type laterJob struct {
	change  activities.Change
	archive *activities.ArchiveInput
}

// withLock runs fn as the only change in progress: decisions, timers and the intake
// wait one for another. What fn writes is committed when it returns.
func (d *dossier) withLock(ctx workflow.Context, fn func(workflow.Context) error) error {
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	if err := d.mu.Lock(ctx); err != nil {
		return err
	}
	defer d.mu.Unlock()
	d.begin()
	if err := fn(ctx); err != nil {
		d.discard()
		return err
	}
	return d.commit(ctx)
}

func (d *dossier) begin() {
	if d.batched {
		d.pending = &pending{change: activities.Change{Code: d.in.Code}, seq: d.seq, status: d.status}
	}
}

func (d *dossier) discard() {
	d.known = nil
	if d.pending != nil {
		d.seq, d.status = d.pending.seq, d.pending.status
		d.pending = nil
	}
}

// commit writes what is pending in one activity (version 2 on); version 1 wrote each
// part as it came.
func (d *dossier) commit(ctx workflow.Context) error {
	p := d.pending
	d.pending = nil
	if p == nil || p.empty() {
		return nil
	}
	if d.async && (p.change.Notice != nil || p.archive != nil) {
		return d.commitRowsThenLater(ctx, p)
	}
	var out activities.ChangeResult
	f := workflow.ExecuteActivity
	if p.rowsOnly() {
		f = d.write
	}
	if err := f(ctx, acts.RecordChange, p.change).Get(ctx, &out); err != nil {
		d.seq, d.status = p.seq, p.status
		return err
	}
	if n := p.change.Notice; n != nil {
		d.docs[n.Kind], d.refs[n.Kind] = out.Notice.ID, out.Notice
	}
	return nil
}

// commitRowsThenLater writes the decision's rows (a local activity) and queues its
// notice, notifications and archive package for runLater: the click waits for the
// record, not for rendering and sealing. A change that only notifies is not split: one
// activity costs the engine less than a local activity and a background one.
func (d *dossier) commitRowsThenLater(ctx workflow.Context, p *pending) error {
	if len(p.change.Transitions) > 0 {
		rows := activities.Change{Code: p.change.Code, Transitions: p.change.Transitions}
		if err := d.write(ctx, acts.RecordChange, rows).Get(ctx, nil); err != nil {
			d.seq, d.status = p.seq, p.status
			return err
		}
	}
	d.later = append(d.later, laterJob{change: activities.Change{Code: p.change.Code, Notice: p.change.Notice, Notify: p.change.Notify},
		archive: p.archive})
	return nil
}

// runLater makes, one after another in the order decided, what recorded decisions
// left to make (asyncNoticesChange on). It runs beside the update handlers for the
// dossier's whole life; the workflow ends only once the queue is empty. A job that
// fails for good (a retryable failure is retried by Temporal) is logged and dropped:
// its decision stands, and the document is missing, as a failed render left it before.
func (d *dossier) runLater(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(d.later) > 0 }); err != nil {
			return
		}
		if err := d.make(ctx, d.later[0]); err != nil {
			workflow.GetLogger(ctx).Error("making after the decision failed", "dossier", d.in.Code, "error", err)
		}
		d.later = d.later[1:]
	}
}

// make carries out one job of runLater.
func (d *dossier) make(ctx workflow.Context, j laterJob) error {
	if j.archive != nil {
		in := *j.archive
		in.Change = &j.change
		if err := workflow.ExecuteActivity(ctx, acts.Archive, in).Get(ctx, nil); err != nil {
			return err
		}
		err := d.withLock(ctx, func(ctx workflow.Context) error {
			return d.record(ctx, motcua.Transition{Action: motcua.EventArchive, Status: motcua.StatusArchived})
		})
		d.changes++
		return err
	}
	var out activities.ChangeResult
	if err := workflow.ExecuteActivity(ctx, acts.RecordChange, j.change).Get(ctx, &out); err != nil {
		return err
	}
	if n := j.change.Notice; n != nil {
		d.docs[n.Kind], d.refs[n.Kind] = out.Notice.ID, out.Notice
	}
	return nil
}

// idle reports whether nothing recorded is still being made.
func (d *dossier) idle() bool { return len(d.later) == 0 }

// making lists the notices recorded decisions are still making, for the pages'
// "đang tạo".
func (d *dossier) making() []motcua.DocumentKind {
	var out []motcua.DocumentKind
	for _, j := range d.later {
		if j.change.Notice != nil {
			out = append(out, j.change.Notice.Kind)
		}
	}
	return out
}

// write runs a short database write: a local activity from localWritesChange on, an
// activity before.
func (d *dossier) write(ctx workflow.Context, activity any, args ...any) workflow.Future {
	if !d.localWrites {
		return workflow.ExecuteActivity(ctx, activity, args...)
	}
	return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localWriteOptions), activity, args...)
}

// rowsOnly reports whether the change only writes rows in one transaction: no notice
// to render and seal, no one to notify (which may mean e-mail).
func (p *pending) rowsOnly() bool {
	return p.change.Notice == nil && len(p.change.Notify) == 0
}

func (p *pending) empty() bool {
	return p.change.Notice == nil && len(p.change.Transitions) == 0 && len(p.change.Notify) == 0
}

// flush commits what is pending and goes on collecting: before an activity that must
// see it written, or a second notice.
func (d *dossier) flush(ctx workflow.Context) error {
	if d.pending == nil || d.pending.empty() {
		return nil
	}
	if err := d.commit(ctx); err != nil {
		return err
	}
	d.begin()
	return nil
}

// call runs an activity that cannot wait for the commit (it signs, numbers or
// archives what was written before it).
func (d *dossier) call(ctx workflow.Context, activity, in, out any) error {
	if err := d.flush(ctx); err != nil {
		return err
	}
	// What it signs or numbers may be a notice still being made (the draft result).
	if err := workflow.Await(ctx, d.idle); err != nil {
		return err
	}
	return workflow.ExecuteActivity(ctx, activity, in).Get(ctx, out)
}

// record writes a transition with the next sequence number; the dossier's sequence
// advances only when the write succeeded (or, batched, is undone if it fails).
func (d *dossier) record(ctx workflow.Context, t motcua.Transition) error {
	t.Code, t.Seq, t.At = d.in.Code, d.seq+1, workflow.Now(ctx)
	if t.Note != "" && d.notePublic {
		t.NotePublic = true
	}
	if t.Status == "" {
		t.Status = d.status
	}
	if d.pending != nil {
		d.pending.change.Transitions = append(d.pending.change.Transitions, t)
	} else if err := workflow.ExecuteActivity(ctx, acts.RecordTransition, t).Get(ctx, nil); err != nil {
		return err
	}
	d.seq, d.status = t.Seq, t.Status
	return nil
}

// render makes a notice (and stores it) and remembers it by kind. Batched, it is
// rendered first when the decision commits, before the decision's transitions.
func (d *dossier) render(ctx workflow.Context, in activities.NoticeInput) error {
	if err := d.flush(ctx); err != nil {
		return err
	}
	in.Code, in.Seq, in.At = d.in.Code, d.seq+1, workflow.Now(ctx)
	if d.pending != nil {
		d.pending.change.Notice = &in
		return nil
	}
	var ref activities.DocumentRef
	if err := workflow.ExecuteActivity(ctx, acts.RenderNotice, in).Get(ctx, &ref); err != nil {
		return err
	}
	d.docs[in.Kind], d.refs[in.Kind] = ref.ID, ref
	return nil
}

// notify sends a notification once (keyed by dossier, sequence and kind).
func (d *dossier) notify(ctx workflow.Context, kind string, n activities.NotifyInput) error {
	n.Key = fmt.Sprintf("%s/%d/%s", d.in.Code.WorkflowID(), d.seq, kind)
	n.Code = d.in.Code
	if d.pending != nil {
		d.pending.change.Notify = append(d.pending.change.Notify, n)
		return nil
	}
	return workflow.ExecuteActivity(ctx, acts.Notify, n).Get(ctx, nil)
}

func (d *dossier) notifyApplicant(ctx workflow.Context, kind, subject string) error {
	return d.notify(ctx, kind, activities.NotifyInput{RecipientID: d.in.ApplicantID, Subject: subject,
		Body: fmt.Sprintf("Hồ sơ %s: %s. Trạng thái: %s.", d.in.Code, subject, d.status.Label())})
}

// handTo moves the dossier to step idx (forward, back or recalled), opening the step's
// task and its row of the process control sheet.
func (d *dossier) handTo(ctx workflow.Context, idx int, by Actor, action motcua.EventKind, status motcua.Status, note string) error {
	from := d.step()
	st := d.plan.Steps[idx]
	now := workflow.Now(ctx)
	var stepDue, reminder *time.Time
	if known := d.known; known != nil {
		d.known = nil
		stepDue, reminder = &known[0].Due, &known[1].Due
	} else if !d.due.IsZero() && st.BudgetMinutes > 0 {
		r, err := d.dates(ctx, d.stepDates(now, st)...)
		if err != nil {
			return err
		}
		stepDue, reminder = &r[0].Due, &r[1].Due
	}
	err := d.record(ctx, motcua.Transition{
		Action: action, Status: status, ActorID: by.UserID, UnitCode: from.Unit.Code, Note: note,
		HolderUnit: st.Unit.Code, Step: st.ID, CloseTasks: true, FinishHandover: true,
		OpenTask: &motcua.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: stepDue, BudgetMinutes: st.BudgetMinutes},
		Handover: &motcua.HandoverSpec{Step: st.ID, FromUnitCode: from.Unit.Code, FromUserID: by.UserID,
			ToUnitCode: st.Unit.Code, BudgetMinutes: st.BudgetMinutes, DueAt: stepDue},
	})
	if err != nil {
		return err
	}
	d.handedFrom, d.handedBy, d.nextHasActed = d.stepIdx, by.UserID, false
	if idx != d.stepIdx {
		d.agencies = nil // a later reply is still recorded, as the answer it is
	}
	d.stepIdx, d.reminded = idx, false
	d.stepDue, d.stepReminder = time.Time{}, time.Time{}
	if stepDue != nil {
		d.stepDue, d.stepReminder = *stepDue, *reminder
	}
	return nil
}

// stepDates are the inputs of a step's due time and its reminder (at three quarters).
func (d *dossier) stepDates(now time.Time, st activities.PlanStep) []activities.DueInput {
	return []activities.DueInput{
		{From: now, Span: activities.Span{WorkingMinutes: st.BudgetMinutes}},
		{From: now, Span: activities.Span{WorkingMinutes: st.BudgetMinutes * 3 / 4}},
	}
}

// finish ends the dossier in a final status (or returned), closing its tasks.
func (d *dossier) finish(ctx workflow.Context, status motcua.Status, action motcua.EventKind, actorID int64, unit, note string, docKind motcua.DocumentKind) error {
	now := workflow.Now(ctx)
	if docKind != "" {
		if err := d.render(ctx, activities.NoticeInput{Kind: docKind, Reason: note, DueAt: d.due, ActorID: actorID, Seal: true}); err != nil {
			return err
		}
	}
	if err := d.record(ctx, motcua.Transition{Action: action, Status: status, ActorID: actorID, UnitCode: unit,
		Note: note, FinishedAt: &now, CloseTasks: true, FinishHandover: true}); err != nil {
		return err
	}
	d.finishedAt = now
	return d.notifyApplicant(ctx, string(action), status.Label())
}

// step is the current step of the plan.
func (d *dossier) step() activities.PlanStep {
	if d.stepIdx < len(d.plan.Steps) {
		return d.plan.Steps[d.stepIdx]
	}
	return activities.PlanStep{}
}

// stepIndex finds the first step with the given action at or after from.
func (d *dossier) stepIndex(action motcua.StepAction, from int) int {
	for i := from; i < len(d.plan.Steps); i++ {
		if d.plan.Steps[i].Action == action {
			return i
		}
	}
	return -1
}

// state is the live state for the Query and update answers.
func (d *dossier) state() State {
	s := State{Code: d.in.Code, Status: d.status, Seq: d.seq, ReceivedAt: d.receivedAt, DueAt: d.due,
		StepDueAt: d.stepDue, Paused: d.status == motcua.StatusSupplementRequested, Apologized: d.apologized,
		Supplements: d.supplements, Consulting: slices.Clone(d.consulting), Documents: map[motcua.DocumentKind]string{},
		AwaitingAgencies: d.awaitingLabels(), Making: d.making()}
	if d.recorded {
		s.Facts = d.facts()
	}
	if st := d.step(); st.ID != "" && d.recorded {
		s.Step, s.StepName, s.HolderUnit = st.ID, st.Name, st.Unit.Code
	}
	for k, v := range d.docs {
		s.Documents[k] = v
	}
	for _, name := range Actions {
		if d.allowedState(name) == nil {
			s.Allowed = append(s.Allowed, name)
		}
	}
	return s
}

func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
