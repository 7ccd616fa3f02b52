package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// localActivityOptions run the calendar in the worker: it is a pure function of its
// data, and cheap. It is retried as long as a local write is (localRetryBudget).
var localActivityOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    10 * time.Second,
	ScheduleToCloseTimeout: localRetryBudget,
	RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second},
}

// dates counts working time on the calendar for every input, in order: all the dates
// one transition needs in one local activity (version 1 asked an activity per date).
func (d *dossier) dates(ctx workflow.Context, ins ...activities.DueInput) ([]activities.DueResult, error) {
	if !d.batched {
		out := make([]activities.DueResult, len(ins))
		for i, in := range ins {
			if err := workflow.ExecuteActivity(ctx, acts.ComputeDue, in).Get(ctx, &out[i]); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	var r activities.DatesResult
	ctx = workflow.WithLocalActivityOptions(ctx, localActivityOptions)
	if err := workflow.ExecuteLocalActivity(ctx, acts.ComputeDates, activities.DatesInput{Due: ins}).Get(ctx, &r); err != nil {
		return nil, err
	}
	return r.Due, nil
}

// setDue sets the appointment and the time one working day before it, when the
// holder is warned that an apology may be needed.
func (d *dossier) setDue(ctx workflow.Context, due time.Time) error {
	d.due, d.escalated, d.warned = due, false, false
	d.apologyWarning = time.Time{}
	if d.plan.TimeLimitMinutes > activities.MinutesPerDay {
		r, err := d.dates(ctx, activities.DueInput{From: d.countStart,
			Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes - activities.MinutesPerDay}, Paused: d.paused})
		if err != nil {
			return err
		}
		if r[0].Due.Before(due) {
			d.apologyWarning = r[0].Due
		}
	}
	return nil
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

// fireTimers acts on every timer that is due: the applicant's supplement deadline, the
// step reminder, the apology warning and the overdue escalation.
func (d *dossier) fireTimers(ctx workflow.Context) error {
	return d.withLock(ctx, d.fireDue)
}

func (d *dossier) fireDue(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	st := d.step()
	if d.status == motcua.StatusSupplementRequested && !d.supplementDeadline.IsZero() && !now.Before(d.supplementDeadline) {
		status := motcua.StatusRejected
		if d.resumeStatus == motcua.StatusSubmitted {
			status = motcua.StatusRefused
		}
		d.changes++
		return d.finish(ctx, status, motcua.EventSupplementExpired, 0, st.Unit.Code, "Quá thời hạn bổ sung, hoàn thiện hồ sơ.", motcua.DocRefusal)
	}
	if !d.clockRunning() {
		return nil
	}
	if !d.reminded && !d.stepReminder.IsZero() && !now.Before(d.stepReminder) {
		if err := d.record(ctx, motcua.Transition{Action: motcua.EventRemind, Data: map[string]any{"step": st.ID, "stepDue": d.stepDue}}); err != nil {
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
		if err := d.record(ctx, motcua.Transition{Action: motcua.EventWarnLate, Data: map[string]any{"due": d.due}}); err != nil {
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
		if err := d.record(ctx, motcua.Transition{Action: motcua.EventEscalate, Data: map[string]any{"due": d.due}}); err != nil {
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

func vnDate(t time.Time) string { return t.In(motcua.Vietnam).Format("02/01/2006") }
func vnTime(t time.Time) string { return t.In(motcua.Vietnam).Format("15:04 02/01/2006") }
