package portal_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
)

// TestADossiersWholePathReachesThePortal: the whole system (API, real workflow, worker,
// PostgreSQL) takes a dossier from submission to the returned result; the status sync
// that internal/app builds tells the development portal every change, in order, and the
// result's link on the portal downloads the signed result.
func TestADossiersWholePathReachesThePortal(t *testing.T) {
	s := stacktest.Start(t)
	dev := syncedPortal(t, s)

	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As(stacktest.ApplicantFor(p))
	code := stacktest.Submit(citizen, p).Code
	// On the happy path, with one apology in review that moves the appointment a week.
	var oldDue, newDue time.Time
	for range 20 {
		st := s.State(code)
		if st.Status == motcua.StatusInReview && slices.Contains(st.Allowed, motcua.DecideApologize) {
			holder, _ := s.Actor(code, p)
			oldDue, newDue = st.DueAt, st.DueAt.AddDate(0, 0, 7)
			if r := s.Act(holder, code, map[string]any{"action": motcua.DecideApologize, "note": "Cần thêm thời gian xác minh.",
				"newDue": newDue.Format(time.RFC3339)}); r.Status != 200 {
				t.Fatalf("apologize: %d %s", r.Status, r.Body)
			}
			break
		}
		user, body, done, err := stacktest.NextDecision(p, st, false)
		if err != nil || done {
			t.Fatalf("%s: no review to apologize in (%v)", code, err)
		}
		if r := s.Act(user, code, body); r.Status != 200 {
			t.Fatalf("%s: %s: %d %s", code, body["action"], r.Status, r.Body)
		}
	}
	if newDue.IsZero() {
		t.Fatal("the dossier never reached a review where an apology is allowed")
	}
	s.Drive(code, p)

	ctx := context.Background()
	var want []int
	waitFor(t, "every change on the portal", func() bool {
		rows, err := s.Store.Pool().Query(ctx, `SELECT o.portal_status FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NOT NULL ORDER BY o.seq`, code)
		if err != nil {
			t.Fatal(err)
		}
		want = want[:0]
		for rows.Next() {
			var st int
			_ = rows.Scan(&st)
			want = append(want, st)
		}
		var pending int
		_ = s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NULL`, code).Scan(&pending)
		return pending == 0 && len(want) > 0 && want[len(want)-1] == 10
	})
	d, ok := dev.Dossier(string(code))
	if !ok {
		t.Fatalf("the portal does not know %s", code)
	}
	if len(d.Steps) != len(want) {
		t.Fatalf("%d steps on the portal, %d changes recorded", len(d.Steps), len(want))
	}
	for i, st := range d.Steps {
		if st.Status != want[i] || st.Content == "" || st.Unit == "" || st.At == "" {
			t.Fatalf("step %d: %+v, want status %d", i+1, st, want[i])
		}
	}
	// Each step names who made the change (when a person did) and ends when the step it
	// opened is due by the rules (the open task's due time), else by the appointment.
	type outboxRow struct {
		Handler               string
		Due, StepDue, TaskDue *time.Time
	}
	rows, err := s.Store.Pool().Query(ctx, `SELECT coalesce(u.name, ''), o.due_at, o.step_due_at,
			(SELECT t.due_at FROM tasks t WHERE t.dossier_id = o.dossier_id AND t.opened_seq <= o.seq
				ORDER BY t.opened_seq DESC, t.id DESC LIMIT 1)
		FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id LEFT JOIN users u ON u.id = o.handler_id
		WHERE d.code = $1 ORDER BY o.seq`, code)
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := pgx.CollectRows(rows, pgx.RowToStructByPos[outboxRow])
	if err != nil || len(outbox) != len(d.Steps) {
		t.Fatalf("%d outbox rows for %d steps (%v)", len(outbox), len(d.Steps), err)
	}
	at := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return portal.Time(*p)
	}
	// The last task opened by then is the step; a change that leaves none open (the
	// return) ends at the appointment.
	handlers, stepEnds := 0, 0
	for i, o := range outbox {
		st := d.Steps[i]
		end := o.Due
		if o.StepDue != nil {
			end = o.StepDue
			if at(o.StepDue) != at(o.TaskDue) {
				t.Errorf("step %d ends %s, not when its task is due (%s)", i+1, at(o.StepDue), at(o.TaskDue))
			}
			if at(o.StepDue) != at(o.Due) {
				stepEnds++
			}
		}
		if st.Handler != o.Handler || st.DueAt != at(end) {
			t.Errorf("step %d: handler %q, ends %q; want %q, %q (step due %s, appointment %s)", i+1, st.Handler, st.DueAt,
				o.Handler, at(end), at(o.StepDue), at(o.Due))
		}
		if o.Handler != "" {
			handlers++
		}
	}
	if last := outbox[len(outbox)-1]; last.StepDue != nil {
		t.Errorf("the return leaves a step open until %s", at(last.StepDue))
	}
	if handlers == 0 || stepEnds == 0 {
		t.Fatalf("%d steps with a handler, %d ending before the appointment: the path shows neither", handlers, stepEnds)
	}

	// The apology moved the appointment: the portal was told the old and the new date.
	if len(d.Moves) != 1 || d.Moves[0].Before != portal.Time(oldDue) || d.Moves[0].After != portal.Time(newDue) ||
		d.Moves[0].Content == "" || d.Moves[0].RequestedBy == "" {
		t.Fatalf("appointment moves %+v, want %s -> %s", d.Moves, portal.Time(oldDue), portal.Time(newDue))
	}
	if d.Record.DueAt != portal.Time(newDue) {
		t.Errorf("the record's appointment %q, want the new %q", d.Record.DueAt, portal.Time(newDue))
	}
	r := d.Record
	if r.ProcedureCode != p.Code || r.ProcedureName == "" || r.Channel != portal.ChannelOnline || r.Applicant == "" ||
		r.ReceivedAt == "" || r.DueAt == "" || r.ReturnedAt == "" || r.Status != 10 || len(r.Components) == 0 {
		t.Fatalf("record %+v", r)
	}
	if len(r.Results) != 1 || r.Results[0].Number == "" || !strings.HasPrefix(r.Results[0].Link, s.URL+"/api/v1/dossiers/"+string(code)+"/documents/") {
		t.Fatalf("results %+v", r.Results)
	}
	res := citizen.Get(strings.TrimPrefix(r.Results[0].Link, s.URL))
	if res.Status != 200 || !strings.HasPrefix(string(res.Body), "%PDF") {
		t.Fatalf("the result's link: %d", res.Status)
	}
}

// TestARatingReachesThePortalOnceAfterTheReturn: the applicant rates a returned dossier
// through the API; while the development portal fails, the rating waits (synced_at
// stays NULL); once it answers, the portal has the rating (levels with the portal's
// codes, the criteria) once, and the rating is marked synced.
func TestARatingReachesThePortalOnceAfterTheReturn(t *testing.T) {
	s := stacktest.Start(t)
	dev := syncedPortal(t, s)

	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	code := stacktest.Submit(citizen, p).Code
	s.Drive(code, p)
	// The rating follows the dossier's changes: every one delivered first.
	waitFor(t, "every change on the portal", func() bool {
		var pending int
		_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NULL`, code).Scan(&pending)
		d, ok := dev.Dossier(string(code))
		return pending == 0 && ok && d.Record.Status == 10
	})
	if err := dev.SetControl(portal.Control{Mode: portal.ModeFail}); err != nil {
		t.Fatal(err)
	}
	citizen.MustDo(201, "POST", "/api/v1/dossiers/"+string(code)+"/rating",
		map[string]any{"score": 4, "criteria": map[string]int{"attitude": 5, "timeliness": 2}, "comment": "Đúng hẹn."}, nil)
	waitFor(t, "a refused rating call", func() bool {
		for _, c := range dev.Calls() {
			if c.Op == "rate" && c.Outcome == "failed" {
				return true
			}
		}
		return false
	})
	synced := func() bool {
		var at *time.Time
		_ = s.Store.Pool().QueryRow(t.Context(), `SELECT r.synced_at FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
			WHERE d.code = $1`, code).Scan(&at)
		return at != nil
	}
	if synced() {
		t.Fatal("the rating is marked synced while the portal fails")
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeOK}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rating marked synced", synced)
	d, _ := dev.Dossier(string(code))
	r := d.Rating
	if r == nil || r.Level != 4 || r.LevelKey != "HL" || r.Comment != "Đúng hẹn." || r.At == "" || len(r.Criteria) != 2 ||
		r.Criteria[0] != (portal.RatingCriterion{Key: "attitude", Name: motcua.RateAttitude.Label(), Level: 5, LevelKey: "RHL"}) ||
		r.Criteria[1].Key != "timeliness" || r.Criteria[1].LevelKey != "KHL" {
		t.Fatalf("the portal's rating %+v", r)
	}
	applied := 0
	for _, c := range dev.Calls() {
		if c.Op == "rate" && c.Outcome == "applied" {
			applied++
			if c.Key != string(code)+"/rating" {
				t.Errorf("rating call key %q", c.Key)
			}
		}
	}
	if applied != 1 {
		t.Errorf("%d applied rating calls, want 1", applied)
	}
}

// TestAFeeDossierWaitsOnThePortalAsStatus6: with the status sync that internal/app
// builds running against the development portal, a dossier of 1.013932 that owes its
// fee reaches the portal with status 6 (Yêu cầu thực hiện nghĩa vụ tài chính) while
// it waits; once paid on the development gateway, the portal hears the next change,
// with the fee marked paid online.
func TestAFeeDossierWaitsOnThePortalAsStatus6(t *testing.T) {
	s := stacktest.Start(t)
	dev := syncedPortal(t, s)

	p, err := s.Catalog.Version("1.013932", 1)
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	code := stacktest.SubmitUnpaid(citizen, p).Code
	waitFor(t, "the dossier on the portal, waiting for payment", func() bool {
		d, ok := dev.Dossier(string(code))
		return ok && d.Record.Status == int(motcua.PortalFinancial)
	})
	d, _ := dev.Dossier(string(code))
	if last := d.Steps[len(d.Steps)-1]; last.Status != 6 || d.Record.PaidOnline {
		t.Fatalf("while waiting: last step %+v, paid online %t", last, d.Record.PaidOnline)
	}

	citizen.Pay(code, "pay", 0)
	waitFor(t, "the payment's change on the portal", func() bool {
		d, ok := dev.Dossier(string(code))
		return ok && d.Record.Status != int(motcua.PortalFinancial)
	})
	d, _ = dev.Dossier(string(code))
	if d.Record.Status != int(motcua.PortalNew) || !d.Record.PaidOnline {
		t.Fatalf("after payment: status %d, paid online %t; want %d, true", d.Record.Status, d.Record.PaidOnline, motcua.PortalNew)
	}
	sixes := 0
	for _, st := range d.Steps {
		if st.Status == 6 {
			sixes++
		}
	}
	if sixes != 1 {
		t.Errorf("%d steps with status 6 on the portal, want 1: %+v", sixes, d.Steps)
	}
}

// syncedPortal starts the development portal and, against it, the status sync that
// internal/app builds, stopped when the test ends.
func syncedPortal(t *testing.T, s *stacktest.Stack) *portaltest.Portal {
	t.Helper()
	dev := portaltest.Start(t, portal.DevOptions{Token: devToken})
	if err := s.App.SetPortal(dev.URL, devToken); err != nil {
		t.Fatal(err)
	}
	sync, err := s.App.NewPortalSync()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run(sync))
	return dev
}
