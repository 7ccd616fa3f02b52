package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// dossier is the state of one dossier's workflow. Only the workflow goroutine and its
// update handlers touch it; handlers take mu so that two decisions never interleave
// while one of them waits on an activity.
type dossier struct {
	in   DossierInput
	plan activities.Plan
	mu   workflow.Mutex

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

	// Who handed the dossier to the current step, for recall.
	handedBy     int64
	handedFrom   int
	nextHasActed bool
	consulting   []string // unit codes, sorted
	docs         map[string]string
	refs         map[string]activities.DocumentRef
}

var activityOptions = workflow.ActivityOptions{
	// Short: an activity lost with a killed worker is retried when this runs out. The
	// slowest (render, seal and time-stamp a result) takes well under a second.
	StartToCloseTimeout: 30 * time.Second,
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
func DossierWorkflow(ctx workflow.Context, in DossierInput) (DossierResult, error) {
	// The first release. Every later change to this function goes behind a new
	// GetVersion, and the histories in testdata must still replay.
	_ = workflow.GetVersion(ctx, "dossier-workflow", workflow.DefaultVersion, 1)

	d := &dossier{in: in, status: motcua.StatusSubmitted, mu: workflow.NewMutex(ctx), docs: map[string]string{}, refs: map[string]activities.DocumentRef{}}
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	if err := d.register(ctx); err != nil {
		return DossierResult{}, err
	}

	// Record the submission first: the API answers the citizen only once the dossier is
	// in PostgreSQL, so the receipt always points at a stored dossier.
	if err := workflow.ExecuteActivity(ctx, acts.RecordSubmission, activities.SubmissionInput{Code: in.Code}).Get(ctx, nil); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	if err := workflow.ExecuteActivity(ctx, acts.LoadPlan, activities.PlanInput{
		ProcedureCode: in.ProcedureCode, ProcedureVersion: in.ProcedureVersion, Online: in.Online,
	}).Get(ctx, &d.plan); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	if err := d.awaitReceipt(ctx); err != nil {
		d.failed = err
		return DossierResult{}, err
	}
	d.recorded = true
	d.changes++

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
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return DossierResult{}, err
	}
	return DossierResult{Status: d.status, FinishedAt: d.finishedAt}, nil
}

// awaitReceipt puts the new dossier in the one-stop desk's inbox, with the intake step's
// budget counted from submission.
func (d *dossier) awaitReceipt(ctx workflow.Context) error {
	if len(d.plan.Steps) < 3 || d.plan.Steps[0].Action != activities.ActionReceive {
		return reject(motcua.EINTERNAL, "Quy trình của thủ tục phải bắt đầu bằng bước tiếp nhận.")
	}
	st := d.plan.Steps[0]
	r, err := d.computeDue(ctx, activities.DueInput{From: d.in.SubmittedAt, Span: activities.Span{WorkingMinutes: st.BudgetMinutes}, AfterCutOff: true})
	if err != nil {
		return err
	}
	d.stepDue = r.Due
	return d.record(ctx, activities.Transition{Action: "assign", Status: motcua.StatusSubmitted, HolderUnit: st.Unit.Code, Step: st.ID,
		OpenTask: &activities.TaskSpec{Step: st.ID, UnitCode: st.Unit.Code, DueAt: &r.Due, BudgetMinutes: st.BudgetMinutes},
		Handover: &activities.HandoverSpec{Step: st.ID, ToUnitCode: st.Unit.Code, FromUserID: d.in.ApplicantID,
			BudgetMinutes: st.BudgetMinutes, DueAt: &r.Due}})
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

// clockRunning reports whether the legal time limit is being counted.
func (d *dossier) clockRunning() bool {
	switch d.status {
	case motcua.StatusReceived, motcua.StatusInReview, motcua.StatusDraftResult, motcua.StatusAwaitingSignature,
		motcua.StatusSigned, motcua.StatusIssued:
		return !d.due.IsZero()
	}
	return false
}

// nextWake is the earliest timer the dossier waits for, or zero.
func (d *dossier) nextWake() time.Time {
	var times []time.Time
	if d.status == motcua.StatusSupplementRequested && !d.supplementDeadline.IsZero() {
		times = append(times, d.supplementDeadline)
	}
	if d.clockRunning() {
		if !d.reminded && !d.stepReminder.IsZero() {
			times = append(times, d.stepReminder)
		}
		if !d.warned && !d.apologized && !d.apologyWarning.IsZero() {
			times = append(times, d.apologyWarning)
		}
		if !d.escalated {
			times = append(times, d.due)
		}
	}
	if len(times) == 0 {
		return time.Time{}
	}
	return slices.MinFunc(times, func(a, b time.Time) int { return a.Compare(b) })
}

// state is the live state for the Query and update answers.
func (d *dossier) state() State {
	s := State{Code: d.in.Code, Status: d.status, Seq: d.seq, ReceivedAt: d.receivedAt, DueAt: d.due,
		StepDueAt: d.stepDue, Paused: d.status == motcua.StatusSupplementRequested, Apologized: d.apologized,
		Supplements: d.supplements, Consulting: slices.Clone(d.consulting), Documents: map[string]string{}}
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
