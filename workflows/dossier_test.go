package workflows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"motcua"
	"motcua/activities"
	"motcua/workflows"
)

// plan is a small procedure: receive at the desk, appraise at TCPCP (with consultation of
// CCVC), review by TCPCP's leader, decide at the ministry, issue, return. 10 working days.
func plan() activities.Plan {
	vp := activities.Unit{Code: "VP", Path: "/G09/VP/"}
	tc := activities.Unit{Code: "TCPCP", Path: "/G09/TCPCP/"}
	g9 := activities.Unit{Code: "G09", Path: "/G09/"}
	cc := activities.Unit{Code: "CCVC", Path: "/G09/CCVC/"}
	return activities.Plan{ProcedureName: "Thủ tục thử", ReceivingUnit: vp, DecidingUnit: g9, ClericalUnit: vp,
		TimeLimitMinutes: 10 * 480, SupplementPolicy: motcua.SupplementPause,
		ApplicantDeadline: activities.Span{Calendar: 10 * 24 * time.Hour},
		Steps: []activities.PlanStep{
			{ID: "tiep-nhan", Unit: vp, Role: motcua.RoleClerk, Action: motcua.StepReceive, BudgetMinutes: 240},
			{ID: "tham-dinh", Unit: tc, Role: motcua.RoleClerk, Action: motcua.StepAppraise, BudgetMinutes: 6 * 480, Consult: []activities.Unit{cc}},
			{ID: "xem-xet", Unit: tc, Role: motcua.RoleLeader, Action: motcua.StepReview, BudgetMinutes: 480},
			{ID: "ky", Unit: g9, Role: motcua.RoleLeader, Action: motcua.StepDecide, BudgetMinutes: 2 * 480},
			{ID: "phat-hanh", Unit: vp, Role: motcua.RoleClerical, Action: motcua.StepIssue, BudgetMinutes: 240},
			{ID: "tra", Unit: vp, Role: motcua.RoleClerk, Action: motcua.StepReturn, BudgetMinutes: 240},
		}}
}

var (
	applicant  = workflows.Actor{UserID: 1, Roles: []motcua.Role{motcua.RoleCitizen}}
	deskClerk  = workflows.Actor{UserID: 2, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/VP/"}
	reviewer   = workflows.Actor{UserID: 3, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TCPCP/"}
	leader     = workflows.Actor{UserID: 4, Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	clerical   = workflows.Actor{UserID: 5, Roles: []motcua.Role{motcua.RoleClerical}, UnitPath: "/G09/VP/"}
	consultant = workflows.Actor{UserID: 6, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/CCVC/"}
	otherClerk = workflows.Actor{UserID: 7, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TDKT/"}
)

// harness runs the workflow in the test environment with activities that record what
// they were asked and count working time as wall time (enough for the workflow's logic;
// the calendar has its own tests).
type harness struct {
	t           *testing.T
	env         *testsuite.TestWorkflowEnvironment
	transitions []motcua.Transition
	notices     []string
	notified    []string
	changes     int // RecordChange calls
	// outage fails this many of the next rows-only writes (a local activity from
	// dossier-local-writes on) as an unreachable database would.
	outage int
}

func newHarness(t *testing.T, p activities.Plan) *harness {
	var s testsuite.WorkflowTestSuite
	h := &harness{t: t, env: s.NewTestWorkflowEnvironment()}
	h.env.SetStartTime(time.Date(2026, 3, 2, 8, 0, 0, 0, motcua.Vietnam))
	h.env.RegisterWorkflow(workflows.DossierWorkflow)
	h.env.RegisterActivity(&activities.Activities{})
	var a *activities.Activities
	h.env.OnActivity(a.RecordSubmission, mock.Anything, mock.Anything).Return(nil)
	h.env.OnActivity(a.LoadPlan, mock.Anything, mock.Anything).Return(p, nil)
	h.env.OnActivity(a.ComputeDates, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.DatesInput) (activities.DatesResult, error) {
			var out activities.DatesResult
			for _, in := range in.Due {
				d := in.Span.Calendar + time.Duration(in.Span.WorkingMinutes)*time.Minute
				for _, p := range in.Paused {
					d += p.To.Sub(p.From)
				}
				out.Due = append(out.Due, activities.DueResult{Start: in.From, Due: in.From.Add(d)})
			}
			return out, nil
		})
	h.env.OnActivity(a.RecordChange, mock.Anything, mock.Anything).Return(
		func(_ context.Context, c activities.Change) (activities.ChangeResult, error) {
			if h.outage > 0 && c.Notice == nil && len(c.Notify) == 0 {
				h.outage--
				return activities.ChangeResult{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "database unreachable"}
			}
			h.changes++
			var out activities.ChangeResult
			if c.Notice != nil {
				h.notices = append(h.notices, string(c.Notice.Kind))
				out.Notice = activities.DocumentRef{ID: string(c.Notice.Kind) + "-doc"}
			}
			h.transitions = append(h.transitions, c.Transitions...)
			for _, n := range c.Notify {
				h.notified = append(h.notified, n.Key)
			}
			return out, nil
		})
	h.env.OnActivity(a.SignAsLeader, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SignInput) (activities.DocumentRef, error) {
			if in.Document.ID != "draft_result-doc" {
				return activities.DocumentRef{}, temporal.NewNonRetryableApplicationError("Không tìm thấy văn bản.", motcua.ENOTFOUND, nil)
			}
			if in.PIN != "123456" {
				return activities.DocumentRef{}, temporal.NewNonRetryableApplicationError("Mã PIN không đúng.", motcua.EINVALID, nil)
			}
			return activities.DocumentRef{ID: "signed-doc"}, nil
		})
	h.env.OnActivity(a.Issue, mock.Anything, mock.Anything).Return(activities.DocumentRef{ID: "issued-doc"}, nil)
	h.env.OnActivity(a.Archive, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ArchiveInput) error {
			if c := in.Change; c != nil && c.Notice != nil {
				h.notices = append(h.notices, string(c.Notice.Kind))
			}
			return nil
		})
	return h
}

// step is one decision sent at a moment of the dossier's life.
type step struct {
	after    time.Duration // since the previous step
	update   string
	arg      any
	wantErr  string // "" = accepted; else a motcua code the rejection must carry
	wantStat motcua.Status
}

func decision(a workflows.Actor, mods ...func(*workflows.Decision)) workflows.Decision {
	d := workflows.Decision{Actor: a}
	for _, m := range mods {
		m(&d)
	}
	return d
}

func note(s string) func(*workflows.Decision) { return func(d *workflows.Decision) { d.Note = s } }
func pin(s string) func(*workflows.Decision)  { return func(d *workflows.Decision) { d.PIN = s } }

// run starts the workflow and plays the steps, checking each answer.
func (h *harness) run(steps []step) {
	h.t.Helper()
	at := time.Duration(0)
	for i, s := range steps {
		at += s.after
		i, s := i, s
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(s.update, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) { h.check(i, s, err, nil) },
				OnAccept: func() {},
				OnComplete: func(v any, err error) {
					var out workflows.Outcome
					if o, ok := v.(workflows.Outcome); ok {
						out = o
					}
					h.check(i, s, err, &out)
				},
			}, s.arg)
		}, at+time.Second)
	}
	h.env.ExecuteWorkflow(workflows.DossierWorkflow, workflows.DossierInput{Code: "000.00.00.G09-260302-0001",
		ProcedureCode: "X", ProcedureVersion: 1, ApplicantID: applicant.UserID, Online: true,
		SubmittedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, motcua.Vietnam)})
}

func (h *harness) check(i int, s step, err error, out *workflows.Outcome) {
	h.t.Helper()
	if s.wantErr == "" {
		if err != nil {
			h.t.Errorf("step %d %s: rejected: %v", i, s.update, err)
			return
		}
		if s.wantStat != "" && out != nil && out.State.Status != s.wantStat {
			h.t.Errorf("step %d %s: status %s, want %s", i, s.update, out.State.Status, s.wantStat)
		}
		return
	}
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != s.wantErr {
		h.t.Errorf("step %d %s: err = %v, want a %s rejection", i, s.update, err, s.wantErr)
	}
}

func (h *harness) actions() string {
	var s []string
	for _, t := range h.transitions {
		s = append(s, string(t.Action))
	}
	return strings.Join(s, " ")
}

func TestTheWholePathEndsArchived(t *testing.T) {
	h := newHarness(t, plan())
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk), wantStat: motcua.StatusInReview},
		{after: time.Hour, update: workflows.UpdateConsult, arg: decision(reviewer, func(d *workflows.Decision) { d.Units = []string{"CCVC"} })},
		{after: time.Hour, update: workflows.UpdateCompleteStep, arg: decision(reviewer), wantErr: motcua.ECONFLICT}, // consultation pending
		{after: time.Hour, update: workflows.UpdateAnswerConsult, arg: decision(consultant, func(d *workflows.Decision) { d.Answer = "Nhất trí." })},
		{after: time.Hour, update: workflows.UpdateCompleteStep, arg: decision(reviewer), wantStat: motcua.StatusInReview},
		{after: time.Hour, update: workflows.UpdateSubmitForSigning, arg: decision(leader), wantStat: motcua.StatusAwaitingSignature},
		{after: time.Hour, update: workflows.UpdateSign, arg: decision(leader, pin("000000")), wantErr: motcua.EINVALID},
		{after: time.Hour, update: workflows.UpdateSign, arg: decision(leader, pin("123456")), wantStat: motcua.StatusSigned},
		{after: time.Hour, update: workflows.UpdateIssue, arg: decision(clerical), wantStat: motcua.StatusResultReady},
		// The return answers once recorded; the control sheet and the archive follow.
		{after: time.Hour, update: workflows.UpdateReturnResult, arg: decision(deskClerk), wantStat: motcua.StatusReturned},
	})
	if !h.env.IsWorkflowCompleted() || h.env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, err %v", h.env.IsWorkflowCompleted(), h.env.GetWorkflowError())
	}
	var res workflows.DossierResult
	_ = h.env.GetWorkflowResult(&res)
	if res.Status != motcua.StatusArchived {
		t.Fatalf("result %s", res.Status)
	}
	want := "assign receive transfer consult answer-consult complete-step submit-for-signing sign issue ready return-result archive"
	if got := h.actions(); got != want {
		t.Fatalf("transitions\n got %s\nwant %s", got, want)
	}
	for i, tr := range h.transitions {
		if tr.Seq != i+1 {
			t.Fatalf("transition %d has seq %d", i, tr.Seq)
		}
	}
	if strings.Join(h.notices, " ") != "receipt draft_result control_sheet" {
		t.Fatalf("notices %v", h.notices)
	}
	// One write per decision (the intake's, then eight decisions), one more for each
	// of the two notices made after their decision (receipt, draft), and two for the
	// return: the archive package (with the control sheet) is made between the return
	// and its record.
	if h.changes != 12 {
		t.Fatalf("%d RecordChange calls, want 12", h.changes)
	}
}

// A decision's update that fails is the answer to its request ID for good: a retry
// with the same ID gets the same failure. So a database outage longer than one
// attempt (six failed writes: 1+2+4+8+16 s of backoff, past the 10 s an attempt may
// take) must delay the decision, not fail it (found by the fault suite: a 20 s
// PostgreSQL stop left two dossiers answering 500 to every retry).
func TestDecisionOutlivesADatabaseOutage(t *testing.T) {
	h := newHarness(t, plan())
	// The SDK's test environment judges a retried local activity's deadline by the
	// workflow clock against the wall clock, so here the workflow clock starts at the
	// wall clock; nothing in this test depends on the day (the harness counts working
	// time as wall time).
	h.env.SetStartTime(time.Now())
	h.env.RegisterDelayedCallback(func() { h.outage = 6 }, 30*time.Minute) // after the receipt
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk), wantStat: motcua.StatusInReview},
		{after: time.Hour, update: workflows.UpdateCompleteStep, arg: decision(reviewer), wantStat: motcua.StatusInReview},
		{after: time.Hour, update: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{ApplicantID: applicant.UserID}, wantStat: motcua.StatusWithdrawn},
	})
	if h.outage != 0 {
		t.Fatalf("the outage was not reached: %d failures left", h.outage)
	}
	if got := h.actions(); got != "assign receive transfer complete-step withdraw" {
		t.Fatalf("transitions %s", got)
	}
}

func TestDisallowedDecisionsAreRejectedAndChangeNothing(t *testing.T) {
	h := newHarness(t, plan())
	h.run([]step{
		{update: workflows.UpdateSign, arg: decision(leader, pin("123456")), wantErr: motcua.ECONFLICT},            // out of order
		{update: workflows.UpdateReceive, arg: decision(reviewer), wantErr: motcua.EFORBIDDEN},                     // clerk of another unit
		{update: workflows.UpdateReceive, arg: decision(applicant), wantErr: motcua.EFORBIDDEN},                    // wrong role
		{update: workflows.UpdateRefuse, arg: decision(deskClerk), wantErr: motcua.EINVALID},                       // no reason
		{update: workflows.UpdateReceive, arg: decision(deskClerk), wantStat: motcua.StatusInReview},               // fine
		{after: time.Minute, update: workflows.UpdateReceive, arg: decision(deskClerk), wantErr: motcua.ECONFLICT}, // twice
		{update: workflows.UpdateCompleteStep, arg: decision(otherClerk), wantErr: motcua.EFORBIDDEN},
		{update: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{ApplicantID: 99}, wantErr: motcua.ENOTFOUND}, // another's dossier
		{update: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{ApplicantID: applicant.UserID}, wantStat: motcua.StatusWithdrawn},
	})
	if got := h.actions(); got != "assign receive transfer withdraw" {
		t.Fatalf("transitions %s", got)
	}
}

func TestSupplementPausesTheClockAndMovesTheDue(t *testing.T) {
	h := newHarness(t, plan())
	var dueBefore, dueAfter time.Time
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk)},
		{after: time.Hour, update: workflows.UpdateRequestSupplement, arg: decision(reviewer, note("Thiếu phiếu lý lịch tư pháp")), wantStat: motcua.StatusSupplementRequested},
		{after: 48 * time.Hour, update: workflows.UpdateSupplement, arg: workflows.SupplementInput{ApplicantID: applicant.UserID}, wantStat: motcua.StatusInReview},
	})
	for _, tr := range h.transitions {
		if tr.Action == workflows.UpdateReceive {
			dueBefore = *tr.DueAt
		}
		if tr.Action == workflows.UpdateSupplement {
			dueAfter = *tr.DueAt
		}
	}
	if got := dueAfter.Sub(dueBefore); got != 48*time.Hour {
		t.Fatalf("due moved by %v, want the 48 h the applicant took", got)
	}
}

func TestOverdueDossierRemindsWarnsAndEscalatesOnce(t *testing.T) {
	h := newHarness(t, plan())
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk)},
		// Nothing more happens: the step budget, the apology warning and the due pass.
		{after: 20 * 24 * time.Hour, update: workflows.UpdateStop, arg: decision(reviewer, note("Dừng để kiểm tra")), wantStat: motcua.StatusStopped},
	})
	got := h.actions()
	for _, want := range []string{"remind", "warn-late", "escalate"} {
		if strings.Count(got, want) != 1 {
			t.Errorf("%q appears %d times in %s", want, strings.Count(got, want), got)
		}
	}
}

func TestApologyIsGivenOnlyOnce(t *testing.T) {
	h := newHarness(t, plan())
	newDue := time.Date(2026, 3, 30, 17, 0, 0, 0, motcua.Vietnam)
	apology := func(due time.Time) workflows.Decision {
		return decision(reviewer, note("Chờ ý kiến Bộ Tài chính"), func(d *workflows.Decision) { d.NewDue = due })
	}
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk)},
		{after: 24 * time.Hour, update: workflows.UpdateApologize, arg: apology(newDue)},
		{after: time.Hour, update: workflows.UpdateApologize, arg: apology(newDue.AddDate(0, 0, 7)), wantErr: motcua.ECONFLICT},
		{after: time.Hour, update: workflows.UpdateStop, arg: decision(reviewer, note("Kết thúc thử"))},
	})
	if strings.Count(strings.Join(h.notices, " "), "apology") != 1 {
		t.Fatalf("notices %v", h.notices)
	}
}

func TestRecallOnlyByWhoHandedOverBeforeTheNextActs(t *testing.T) {
	h := newHarness(t, plan())
	h.run([]step{
		{update: workflows.UpdateReceive, arg: decision(deskClerk)},
		{after: time.Hour, update: workflows.UpdateCompleteStep, arg: decision(reviewer)},
		{after: time.Hour, update: workflows.UpdateRecall, arg: decision(deskClerk), wantErr: motcua.EFORBIDDEN},
		{after: time.Hour, update: workflows.UpdateRecall, arg: decision(reviewer), wantStat: motcua.StatusInReview},
		{after: time.Hour, update: workflows.UpdateSendBack, arg: decision(reviewer, note("Xem lại")), wantErr: motcua.ECONFLICT}, // step 1 cannot go back to the desk
		{after: time.Hour, update: workflows.UpdateStop, arg: decision(reviewer, note("Kết thúc thử"))},
	})
	if !strings.Contains(h.actions(), "complete-step recall") {
		t.Fatalf("transitions %s", h.actions())
	}
}
