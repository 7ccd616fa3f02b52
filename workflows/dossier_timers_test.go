package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// TestOverdueDossierOnTheRealCalendar runs a dossier in Temporal's time-skipping test
// environment with the real activities (PostgreSQL records, the working-day calendar,
// notices rendered and sealed through the signature service): nobody acts after
// receipt, so the step reminder reaches the appraising unit, the apology warning comes
// one working day before the due date, the clerk gives the apology (form 04) with a
// new appointment, a second apology is refused, and once the new date passes the
// dossier is escalated to the leader (the unit has none of its own: the ministry's).
func TestOverdueDossierOnTheRealCalendar(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	actor := func(username string) workflows.Actor { return actorOf(t, s, username) }
	citizen, desk, reviewer := actor("congdan1"), actor("canbo1"), actor("chuyenvien1")

	// A Monday morning in March 2026 (no holiday for weeks), Vietnam time.
	start := time.Date(2026, 3, 9, 8, 0, 0, 0, motcua.Vietnam)
	p, err := s.Catalog.At("1.014937", start)
	if err != nil {
		t.Fatal(err)
	}
	code := submitAt(t, s, citizen, p.Code, p.Version, start)
	env := realEnv(s, start)
	update, must := updater(t, env)
	var due, newDue time.Time
	// The calendar says when the 45 working days counted from receipt (08:10) run out;
	// the apology is given an hour before, after the warning.
	received := start.Add(10 * time.Minute)
	apologyAt := s.Time.Due(s.Time.Start(received), int(p.TimeLimit.For(true)*480), nil).Add(-time.Hour)
	events := func() []string {
		var out []string
		rows, err := s.Store.Pool().Query(ctx, `SELECT e.action FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
			WHERE d.code = $1 ORDER BY e.seq`, code)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			_ = rows.Scan(&a)
			out = append(out, a)
		}
		return out
	}
	env.RegisterDelayedCallback(func() {
		update(workflows.UpdateReceive, workflows.Decision{Actor: desk}, must("receive"))
	}, 10*time.Minute)
	// Once the warning came (one working day before the due date), apologize once.
	env.RegisterDelayedCallback(func() {
		d, err := s.Store.DossierByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		due = d.DueAt
		if got := strings.Join(events(), " "); !strings.Contains(got, "remind") || !strings.Contains(got, "warn-late") {
			t.Errorf("before the due date, history is %q: want a reminder and the apology warning", got)
		}
		newDue = s.Time.Due(due, 10*480, nil)
		update(workflows.UpdateApologize, workflows.Decision{Actor: reviewer, Note: "Cần thêm thời gian xác minh hồ sơ tài chính của quỹ.",
			NewDue: newDue}, must("apologize"))
		update(workflows.UpdateApologize, workflows.Decision{Actor: reviewer, Note: "Lần hai.", NewDue: newDue.Add(72 * time.Hour)},
			func(err error) {
				var ae *temporal.ApplicationError
				if !errors.As(err, &ae) || ae.Type() != motcua.ECONFLICT {
					t.Errorf("second apology: %v, want a conflict", err)
				}
			})
	}, apologyAt.Sub(start))
	// Long after the new date: escalated; then the leader stops the dossier.
	env.RegisterDelayedCallback(func() {
		update(workflows.UpdateStop, workflows.Decision{Actor: reviewer, Note: "Quỹ đề nghị dừng giải quyết."}, must("stop"))
	}, 100*24*time.Hour)
	env.ExecuteWorkflow(workflows.DossierWorkflowName, workflows.DossierInput{Code: code, ProcedureCode: p.Code,
		ProcedureVersion: p.Version, ApplicantID: citizen.UserID, Online: true, SubmittedAt: start})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if due.IsZero() || !newDue.After(due) {
		t.Fatalf("due %s, new due %s", due, newDue)
	}
	got := events()
	want := []string{"receive", "remind", "warn-late", "apologize", "escalate", "stop"}
	i := 0
	for _, a := range got {
		if i < len(want) && a == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("history %v lacks %v in order", got, want[i:])
	}
	if n := strings.Count(strings.Join(got, " "), "escalate"); n != 1 {
		t.Errorf("%d escalations", n)
	}
	// Who was told: the appraising clerk (reminder, warning), the ministry's leader
	// (escalation), the citizen (apology with the new date).
	told := map[string][]string{}
	rows, err := s.Store.Pool().Query(ctx, `SELECT u.username, n.key FROM notifications n JOIN users u ON u.id = n.recipient_id
		JOIN dossiers d ON d.id = n.dossier_id WHERE d.code = $1`, code)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u, k string
		_ = rows.Scan(&u, &k)
		told[u] = append(told[u], k)
	}
	rows.Close()
	has := func(user, kind string) bool {
		for _, k := range told[user] {
			if strings.Contains(k, "/"+kind) {
				return true
			}
		}
		return false
	}
	for _, w := range [][2]string{{"chuyenvien1", "remind"}, {"chuyenvien1", "warn-late"}, {"lanhdao1", "escalate"}, {"congdan1", "apology"}} {
		if !has(w[0], w[1]) {
			t.Errorf("%s was not told %s: %v", w[0], w[1], told)
		}
	}
	// The apology (form 04) is sealed and gives the new appointment.
	var pdf []byte
	if err := s.Store.Pool().QueryRow(ctx, `SELECT b.data FROM documents doc JOIN blobs b ON b.sha256 = doc.sha256
		JOIN dossiers d ON d.id = doc.dossier_id WHERE d.code = $1 AND doc.kind = 'apology'`, code).Scan(&pdf); err != nil {
		t.Fatal(err)
	}
	if text := stacktest.PDFText(t, pdf); !strings.Contains(text, newDue.In(motcua.Vietnam).Format("02/01/2006")) {
		t.Errorf("the apology does not give the new date %s:\n%s", newDue.In(motcua.Vietnam).Format("02/01/2006"), text)
	}
	var apology bool
	_ = s.Store.Pool().QueryRow(ctx, `SELECT apology_given FROM dossiers WHERE code = $1`, code).Scan(&apology)
	if !apology {
		t.Error("the dossier does not record the apology")
	}
}

// submitAt records a submission as POST /api/v1/dossiers does, at a chosen moment.
func submitAt(t *testing.T, s *stacktest.Stack, citizen workflows.Actor, procedure string, version int, at time.Time) motcua.DossierCode {
	t.Helper()
	ctx := context.Background()
	var code motcua.DossierCode
	err := s.Store.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if code, err = store.NextDossierCode(ctx, tx, "000.00.01.G09", at); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: citizen.UserID, UnitCode: "VP",
			ProcedureCode: procedure, ProcedureVersion: version, Online: true, FormData: json.RawMessage(`{}`), SubmittedAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// realEnv is Temporal's time-skipping environment with the real activities of s.
func realEnv(s *stacktest.Stack, start time.Time) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetTestTimeout(5 * time.Minute)
	env.RegisterWorkflowWithOptions(workflows.DossierWorkflow, sdkworkflow.RegisterOptions{Name: workflows.DossierWorkflowName})
	env.RegisterActivity(s.Acts)
	return env
}

// updater returns a function that sends an update and checks its outcome, and a check
// that fails the test on any error.
func updater(t *testing.T, env *testsuite.TestWorkflowEnvironment) (func(string, any, func(error)), func(string) func(error)) {
	update := func(name string, arg any, check func(error)) {
		env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnReject:   check,
			OnAccept:   func() {},
			OnComplete: func(_ any, err error) { check(err) },
		}, arg)
	}
	must := func(name string) func(error) {
		return func(err error) {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	return update, must
}

// TestSupplementTwiceUnderEachPolicyOnTheRealCalendar asks the applicant twice for a
// supplement, on the real working-day calendar (07:00-11:30, 13:30-17:00, cut-off 15:00)
// with the real activities, and checks the appointment after each answer against dates
// worked out by hand. March 2026 has no holiday; the dossier is received on Monday
// 09/03 at 08:10.
//
// Pause and extend (1.013929, 9 working days): due Fri 20/03 08:10. Round 1 waits
// Tue 10/03 09:00 - Thu 12/03 09:00, two working days: due Tue 24/03 08:10. Round 2
// waits Mon 16/03 14:00 - Tue 17/03 10:00, 180 + 180 working minutes: Tue 24/03 08:10
// plus 200 minutes to 11:30 and 160 from 13:30, due Tue 24/03 16:10.
//
// Restart (G09.TCPCP.01, 15 working days): due Mon 30/03 08:10. Round 1 answers Thu
// 12/03 09:00, in working hours: 15 working days from then, Thu 02/04 09:00. Round 2
// answers Tue 17/03 16:00, after the cut-off: counting restarts Wed 18/03 07:00 and
// takes all of the 15th working day, Tue 07/04, to 17:00.
func TestSupplementTwiceUnderEachPolicyOnTheRealCalendar(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	actor := func(username string) workflows.Actor { return actorOf(t, s, username) }
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, 3, day, hour, minute, 0, 0, motcua.Vietnam)
	}
	atApr := func(day, hour, minute int) time.Time {
		return time.Date(2026, 4, day, hour, minute, 0, 0, motcua.Vietnam)
	}
	type round struct{ ask, answer, wantDue time.Time }
	for _, tc := range []struct {
		procedure, policy string
		wantDue           time.Time // after receipt
		rounds            []round
	}{
		{"1.013929", "pause", at(20, 8, 10), []round{
			{at(10, 9, 0), at(12, 9, 0), at(24, 8, 10)},
			{at(16, 14, 0), at(17, 10, 0), at(24, 16, 10)},
		}},
		{"G09.TCPCP.01", "restart", at(30, 8, 10), []round{
			{at(10, 9, 0), at(12, 9, 0), atApr(2, 9, 0)},
			{at(16, 14, 0), at(17, 16, 0), atApr(7, 17, 0)},
		}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			start := at(9, 8, 0)
			p, err := s.Catalog.At(tc.procedure, start)
			if err != nil {
				t.Fatal(err)
			}
			if string(p.Supplement.Policy) != tc.policy {
				t.Fatalf("%s has policy %s, want %s", tc.procedure, p.Supplement.Policy, tc.policy)
			}
			citizen, desk := actor("congdan1"), actor("canbo1")
			reviewer := actor(stacktest.Staff[p.Steps[1].Unit+"/"+string(p.Steps[1].Role)])
			code := submitAt(t, s, citizen, p.Code, p.Version, start)
			env := realEnv(s, start)
			update, must := updater(t, env)
			dueAt := func() time.Time {
				d, err := s.Store.DossierByCode(ctx, code)
				if err != nil {
					t.Fatal(err)
				}
				return d.DueAt
			}
			var got []time.Time
			env.RegisterDelayedCallback(func() {
				update(workflows.UpdateReceive, workflows.Decision{Actor: desk}, must("receive"))
			}, 10*time.Minute)
			env.RegisterDelayedCallback(func() { got = append(got, dueAt()) }, 20*time.Minute)
			for i, r := range tc.rounds {
				env.RegisterDelayedCallback(func() {
					update(workflows.UpdateRequestSupplement, workflows.Decision{Actor: reviewer,
						Note: "Thiếu bản sao chứng thực.", Missing: []string{"Bản sao chứng thực quyết định"}}, must("request-supplement"))
				}, r.ask.Sub(start))
				env.RegisterDelayedCallback(func() {
					update(workflows.UpdateSupplement, workflows.SupplementInput{ApplicantID: citizen.UserID,
						Note: fmt.Sprintf("Bổ sung lần %d.", i+1)}, must("supplement"))
				}, r.answer.Sub(start))
				env.RegisterDelayedCallback(func() { got = append(got, dueAt()) }, r.answer.Sub(start)+time.Minute)
			}
			env.RegisterDelayedCallback(func() {
				update(workflows.UpdateWithdraw, workflows.WithdrawInput{ApplicantID: citizen.UserID, Note: "Rút hồ sơ."}, must("withdraw"))
			}, at(18, 9, 0).Sub(start))
			env.ExecuteWorkflow(workflows.DossierWorkflowName, workflows.DossierInput{Code: code, ProcedureCode: p.Code,
				ProcedureVersion: p.Version, ApplicantID: citizen.UserID, Online: true, SubmittedAt: start})
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			want := []time.Time{tc.wantDue, tc.rounds[0].wantDue, tc.rounds[1].wantDue}
			if len(got) != len(want) {
				t.Fatalf("read %d due dates, want %d", len(got), len(want))
			}
			for i := range want {
				if !got[i].Equal(want[i]) {
					t.Errorf("due after %s: %s, want %s", []string{"receipt", "answer 1", "answer 2"}[i],
						got[i].In(motcua.Vietnam).Format("Mon 02/01 15:04"), want[i].In(motcua.Vietnam).Format("Mon 02/01 15:04"))
				}
			}
			var supplements int
			if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
				WHERE d.code = $1 AND e.action = 'supplement'`, code).Scan(&supplements); err != nil || supplements != 2 {
				t.Errorf("%d supplement events (%v), want 2", supplements, err)
			}
		})
	}
}

// actorOf is a demo user as the workflow sees them.
func actorOf(t *testing.T, s *stacktest.Stack, username string) workflows.Actor {
	t.Helper()
	a, err := s.Store.CheckPassword(context.Background(), username, store.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	return workflows.ActorOf(a)
}
