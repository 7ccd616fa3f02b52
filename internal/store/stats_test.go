package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// The statistics and the process control sheet are checked against a fixture whose every
// figure was counted by hand: the expected numbers below are literals, never recomputed
// with the code under test.
//
// Timeliness, as RecordTransition and the statistics define it, is day-granular in
// Vietnam time: finished on a day before the due day is early; on the due day, at or
// before the due time, on time; after the due time late (even on the due day).
//
// The fixture's dossiers live in March and April 2025. Their due times are written out,
// not computed: the working-day calendar is not under test here. Stats takes its "now"
// as a parameter, so open work is judged at a fixed instant and the test does not depend
// on the day it runs.

// vnZone is Vietnam time (UTC+7, no daylight saving), in which days and months are counted.
var vnZone = time.FixedZone("ICT", 7*3600)

// vn is an instant of 2025 on a Vietnamese wall clock.
func vn(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2025, month, day, hour, minute, 0, 0, vnZone)
}

// The fixture's two procedures, both received at the one-stop desk of the ministry's
// office (VP): one appraised by TCPCP, one by CVTLT.
const (
	procFund    = "FX.01"
	procArchive = "FX.02"

	procFundName    = "Công nhận quỹ đủ điều kiện hoạt động (mẫu)"
	procArchiveName = "Cấp Chứng chỉ hành nghề lưu trữ (mẫu)"
)

// Names of the demo units the fixture's dossiers pass through.
const (
	nameVP    = "Văn phòng Bộ"
	nameTCPCP = "Vụ Tổ chức phi chính phủ"
	nameCVTLT = "Cục Văn thư và Lưu trữ nhà nước"
	nameG09   = "Bộ Nội vụ"
)

// Steps of the fixture's procedures (ids as in the catalog) and their budgets in minutes
// (a working day is 480).
const (
	stepReceive = "tiep-nhan"
	stepReview  = "tham-dinh"
	stepDecide  = "duyet"
	stepIssue   = "phat-hanh"
	stepReturn  = "tra-ket-qua"

	budgetReceive = 480
	budgetReview  = 3840
	budgetDecide  = 960
	budgetIssue   = 480
	budgetReturn  = 480
)

// fixture writes dossiers through the functions the system itself writes them with:
// NextDossierCode and CreateSubmission in one transaction as the API does, then
// RecordSubmission and RecordTransition as the dossier workflow's activities do, with
// the transitions the workflow records (assign, receive, hand-overs, finish).
type fixture struct {
	t         *testing.T
	s         *store.Store
	applicant int64
	units     map[string]motcua.Unit
	staff     map[string]int64 // unit code → the member who acts for it
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	err := s.SyncProcedures(ctx, []store.ProcedureRecord{
		{Code: procFund, Version: 1, Name: procFundName, Domain: "Quỹ xã hội, quỹ từ thiện",
			Definition: json.RawMessage(`{}`), EffectiveFrom: vn(1, 1, 0, 0)},
		{Code: procArchive, Version: 1, Name: procArchiveName, Domain: "Văn thư, lưu trữ",
			Definition: json.RawMessage(`{}`), EffectiveFrom: vn(1, 1, 0, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s, units: map[string]motcua.Unit{}, staff: map[string]int64{}}
	f.applicant = f.userID("congdan1")
	for unit, user := range map[string]string{"VP": "canbo1", "TCPCP": "chuyenvien1", "CVTLT": "chuyenvien2", "G09": "lanhdao1"} {
		u, err := s.UnitByCode(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		f.units[unit], f.staff[unit] = u, f.userID(user)
	}
	return f
}

func (f *fixture) userID(username string) int64 {
	f.t.Helper()
	var id int64
	if err := f.s.Pool().QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		f.t.Fatalf("user %s: %v", username, err)
	}
	return id
}

// dossier is one fixture dossier being written, transition by transition.
type dossier struct {
	f    *fixture
	id   int64
	code motcua.DossierCode
	seq  int
	unit string // unit holding the dossier
}

// submit takes a submission of the procedure at the one-stop desk (VP), records it, and
// opens the desk's intake step (the first row of the control sheet), due at intakeDue.
func (f *fixture) submit(procedure string, at, intakeDue time.Time) *dossier {
	f.t.Helper()
	return f.submitVia(motcua.ChannelOnline, procedure, at, intakeDue)
}

// submitVia is submit of a dossier that arrived by channel c.
func (f *fixture) submitVia(c motcua.Channel, procedure string, at, intakeDue time.Time) *dossier {
	f.t.Helper()
	ctx := context.Background()
	var code motcua.DossierCode
	err := f.s.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if code, err = store.NextDossierCode(ctx, tx, f.units["VP"].Agency, at); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: f.applicant, UnitCode: "VP",
			ProcedureCode: procedure, ProcedureVersion: 1, Channel: c, FormData: json.RawMessage(`{}`), SubmittedAt: at})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	id, err := f.s.RecordSubmission(ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	d := &dossier{f: f, id: id, code: code}
	d.record(motcua.Transition{Action: "assign", Status: motcua.StatusSubmitted, At: at, HolderUnit: "VP", Step: stepReceive,
		OpenTask: &motcua.TaskSpec{Step: stepReceive, UnitCode: "VP", DueAt: &intakeDue, BudgetMinutes: budgetReceive},
		Handover: &motcua.HandoverSpec{Step: stepReceive, ToUnitCode: "VP", FromUserID: f.applicant,
			BudgetMinutes: budgetReceive, DueAt: &intakeDue}})
	return d
}

// record writes the dossier's next transition; it must be applied.
func (d *dossier) record(t motcua.Transition) {
	d.f.t.Helper()
	t.Code, t.Seq = d.code, d.seq+1
	applied, err := d.f.s.RecordTransition(context.Background(), t)
	if err != nil {
		d.f.t.Fatalf("%s: %v", d.code, err)
	}
	if !applied {
		d.f.t.Fatalf("%s: transition %d (%s) not applied", d.code, t.Seq, t.Action)
	}
	d.seq = t.Seq
	if t.HolderUnit != "" {
		d.unit = t.HolderUnit
	}
}

// acting fills the actor and the acting unit: the holder's member.
func (d *dossier) acting(t motcua.Transition) motcua.Transition {
	t.ActorID, t.UnitCode = d.f.staff[d.unit], d.unit
	return t
}

// receive accepts the dossier at the desk, with its appointment (due time).
func (d *dossier) receive(at, due time.Time) *dossier {
	d.f.t.Helper()
	d.record(d.acting(motcua.Transition{Action: "receive", Status: motcua.StatusReceived, At: at,
		ReceivedAt: &at, DueAt: &due, DueOriginal: &due}))
	return d
}

// handTo closes the current row of the control sheet and opens one for the unit's step.
func (d *dossier) handTo(at time.Time, action motcua.EventKind, status motcua.Status, unit, step string, budget int, due time.Time) *dossier {
	d.f.t.Helper()
	d.record(d.acting(motcua.Transition{Action: action, Status: status, At: at, HolderUnit: unit, Step: step,
		CloseTasks: true, FinishHandover: true,
		OpenTask: &motcua.TaskSpec{Step: step, UnitCode: unit, DueAt: &due, BudgetMinutes: budget},
		Handover: &motcua.HandoverSpec{Step: step, FromUnitCode: d.unit, FromUserID: d.f.staff[d.unit], ToUnitCode: unit,
			BudgetMinutes: budget, DueAt: &due}}))
	return d
}

// review hands the received dossier to the unit that appraises it.
func (d *dossier) review(at time.Time, unit string, due time.Time) *dossier {
	d.f.t.Helper()
	return d.handTo(at, "transfer", motcua.StatusInReview, unit, stepReview, budgetReview, due)
}

// ready hands the result to the desk for return.
func (d *dossier) ready(at, due time.Time) *dossier {
	d.f.t.Helper()
	return d.handTo(at, "ready", motcua.StatusResultReady, "VP", stepReturn, budgetReturn, due)
}

// finish ends the dossier in status (closing the open row of the control sheet).
func (d *dossier) finish(at time.Time, action motcua.EventKind, status motcua.Status) *dossier {
	d.f.t.Helper()
	d.record(d.acting(motcua.Transition{Action: action, Status: status, At: at, FinishedAt: &at,
		CloseTasks: true, FinishHandover: true}))
	return d
}

// returnResult returns the result to the applicant and archives the dossier, as the
// workflow does in one go.
func (d *dossier) returnResult(at time.Time) *dossier {
	d.f.t.Helper()
	d.finish(at, "return-result", motcua.StatusReturned)
	d.record(motcua.Transition{Action: "archive", Status: motcua.StatusArchived, At: at})
	return d
}

// withdraw is the applicant withdrawing the dossier online.
func (d *dossier) withdraw(at time.Time) *dossier {
	d.f.t.Helper()
	d.record(motcua.Transition{Action: "withdraw", Status: motcua.StatusWithdrawn, ActorID: d.f.applicant, At: at,
		FinishedAt: &at, CloseTasks: true, FinishHandover: true})
	return d
}

// requestSupplement asks the applicant for documents: the clock pauses, the step's row of
// the control sheet stays open.
func (d *dossier) requestSupplement(at time.Time) *dossier {
	d.f.t.Helper()
	d.record(d.acting(motcua.Transition{Action: "request-supplement", Status: motcua.StatusSupplementRequested, At: at,
		CloseTasks: true, Data: map[string]any{"missing": []string{"ban-sao-chung-chi"}}}))
	return d
}

// lateDossierWithFiveHandovers is the fixture's D3: a fund dossier received late at the
// desk, appraised on time by TCPCP, signed late by the ministry's leader, issued on time
// and returned early by the desk; late as a whole. Its control sheet:
//
//	seq  step          from   → to     handed         budget  due            finished       outcome
//	1    tiep-nhan     –      → VP     06/03 08:00       480  07/03 08:00    07/03 14:00    late     (after the due time)
//	3    tham-dinh     VP     → TCPCP  07/03 14:00      3840  19/03 14:00    19/03 09:00    on time  (due day, before the time)
//	4    duyet         TCPCP  → G09    19/03 09:00       960  21/03 09:00    03/04 11:00    late
//	5    phat-hanh     G09    → VP     03/04 11:00       480  04/04 11:00    04/04 09:00    on time  (due day, before the time)
//	7    tra-ket-qua   VP     → VP     04/04 09:00       480  08/04 09:00    04/04 15:00    early    (a day before the due day)
//
// Transitions 2 (receive), 6 (issue), 8 (return) and 9 (archive) open no row.
func lateDossierWithFiveHandovers(f *fixture) *dossier {
	f.t.Helper()
	d := f.submit(procFund, vn(3, 6, 8, 0), vn(3, 7, 8, 0))
	d.receive(vn(3, 7, 14, 0), vn(3, 21, 17, 0))
	d.handTo(vn(3, 7, 14, 0), "transfer", motcua.StatusInReview, "TCPCP", stepReview, budgetReview, vn(3, 19, 14, 0))
	d.handTo(vn(3, 19, 9, 0), "submit-for-signing", motcua.StatusAwaitingSignature, "G09", stepDecide, budgetDecide, vn(3, 21, 9, 0))
	d.handTo(vn(4, 3, 11, 0), "sign", motcua.StatusSigned, "VP", stepIssue, budgetIssue, vn(4, 4, 11, 0))
	d.record(d.acting(motcua.Transition{Action: "issue", Status: motcua.StatusIssued, At: vn(4, 4, 9, 0)}))
	d.handTo(vn(4, 4, 9, 0), "ready", motcua.StatusResultReady, "VP", stepReturn, budgetReturn, vn(4, 8, 9, 0)) // 7/4 is a holiday
	d.returnResult(vn(4, 4, 15, 0))
	return d
}

// seedStatsFixture writes the twelve dossiers the statistics are counted over. FUND is
// procFund (appraised by TCPCP), ARCH procArchive (appraised by CVTLT); every dossier is
// received at VP. The period is March–April 2025 and "now" 22/04 10:00, Vietnam time.
//
//	     proc  submitted    received     finished            status                due          classification
//	D1   FUND  03/03        03/03        13/03               archived              17/03 17:00  resolved early
//	D2   FUND  01/04        01/04        15/04 15:00         archived              15/04 15:00  resolved on time (exactly at the due time)
//	D3   FUND  06/03        07/03        04/04               archived              21/03 17:00  resolved late; open and overdue at the end of March
//	D4   ARCH  04/03        04/03        19/03 08:00         archived              18/03 17:00  resolved late (the morning after the due day)
//	D5   ARCH  10/04        10/04        –                   in_review             12/05        open, not yet due
//	D6   FUND  20/03        20/03        –                   in_review             17/04 17:00  open: not yet due at the end of March, overdue now
//	D7   ARCH  24/03        –            24/03               refused (at intake)   –            refused, never received
//	D8   FUND  25/03        25/03        01/04 00:30         withdrawn             08/04        withdrawn in April by Vietnam time (31/03 17:30 UTC):
//	                                                                                            open at the end of March
//	D9   ARCH  02/04        02/04        09/04               rejected (in review)  16/04 17:00  resolved early (refused after review counts as resolved)
//	D10  FUND  31/03 22:00  01/04        –                   in_review             29/04        open, not yet due; submitted in March but not received,
//	                                                                                            so not open at the end of March
//	D11  ARCH  26/03        26/03        –                   supplement_requested  24/04 17:00  open, not yet due, waiting for the applicant since
//	                                                                                            09/04: in review (not waiting) at the end of March
//	D12  ARCH  24/02        24/02        12/03               stopped               10/03 17:00  stopped in March; received before the period
//
// Their control-sheet rows other than D3's (see lateDossierWithFiveHandovers):
//
//	D1   VP 03/03 08:00 due 04/03 08:00 done 03/03 09:00 early; TCPCP 03/03 09:00 due 14/03 17:00 done 12/03 10:00 early;
//	     VP 12/03 10:00 due 13/03 10:00 done 13/03 09:00 on time
//	D2   VP 01/04 08:00 due 02/04 08:00 done 01/04 10:00 early; TCPCP 01/04 10:00 due 14/04 17:00 done 14/04 16:00 on time;
//	     VP 14/04 16:00 due 15/04 16:00 done 15/04 15:00 on time
//	D4   VP 04/03 08:00 due 05/03 08:00 done 04/03 09:00 early; CVTLT 04/03 09:00 due 17/03 17:00 done 18/03 10:00 late;
//	     VP 18/03 10:00 due 19/03 10:00 done 19/03 08:00 on time
//	D5   VP 10/04 08:00 due 11/04 08:00 done 10/04 09:00 early; CVTLT 10/04 09:00 due 08/05 17:00 open
//	D6   VP 20/03 08:00 due 21/03 08:00 done 20/03 09:00 early; TCPCP 20/03 09:00 due 15/04 17:00 open
//	D7   VP 24/03 08:00 due 25/03 08:00 done 24/03 10:00 early
//	D8   VP 25/03 08:00 due 26/03 08:00 done 25/03 09:00 early; TCPCP 25/03 09:00 due 01/04 17:00 done 01/04 00:30 on time
//	     (on its due day in Vietnam; by UTC days, 31/03, it would be early)
//	D9   VP 02/04 08:00 due 03/04 08:00 done 02/04 09:00 early; CVTLT 02/04 09:00 due 15/04 17:00 done 09/04 10:00 early
//	D10  VP 31/03 22:00 due 02/04 08:00 done 01/04 08:30 early; TCPCP 01/04 08:30 due 25/04 17:00 open
//	D11  VP 26/03 08:00 due 27/03 08:00 done 26/03 09:00 early; CVTLT 26/03 09:00 due 23/04 17:00 open
//	D12  VP 24/02 08:00 due 25/02 08:00 done 24/02 09:00 early; CVTLT 24/02 09:00 due 07/03 17:00 done 12/03 10:00 late
func seedStatsFixture(t *testing.T) *store.Store {
	t.Helper()
	f := newFixture(t)

	// D1: resolved early.
	f.submit(procFund, vn(3, 3, 8, 0), vn(3, 4, 8, 0)).
		receive(vn(3, 3, 9, 0), vn(3, 17, 17, 0)).
		review(vn(3, 3, 9, 0), "TCPCP", vn(3, 14, 17, 0)).
		ready(vn(3, 12, 10, 0), vn(3, 13, 10, 0)).
		returnResult(vn(3, 13, 9, 0))
	// D2: resolved on time, at the due time to the minute.
	f.submit(procFund, vn(4, 1, 8, 0), vn(4, 2, 8, 0)).
		receive(vn(4, 1, 10, 0), vn(4, 15, 15, 0)).
		review(vn(4, 1, 10, 0), "TCPCP", vn(4, 14, 17, 0)).
		ready(vn(4, 14, 16, 0), vn(4, 15, 16, 0)).
		returnResult(vn(4, 15, 15, 0))
	// D3: resolved late, five hand-overs.
	lateDossierWithFiveHandovers(f)
	// D4: resolved late.
	f.submit(procArchive, vn(3, 4, 8, 0), vn(3, 5, 8, 0)).
		receive(vn(3, 4, 9, 0), vn(3, 18, 17, 0)).
		review(vn(3, 4, 9, 0), "CVTLT", vn(3, 17, 17, 0)).
		ready(vn(3, 18, 10, 0), vn(3, 19, 10, 0)).
		returnResult(vn(3, 19, 8, 0))
	// D5: open, not yet due.
	f.submit(procArchive, vn(4, 10, 8, 0), vn(4, 11, 8, 0)).
		receive(vn(4, 10, 9, 0), vn(5, 12, 17, 0)).
		review(vn(4, 10, 9, 0), "CVTLT", vn(5, 8, 17, 0))
	// D6: open, overdue now.
	f.submit(procFund, vn(3, 20, 8, 0), vn(3, 21, 8, 0)).
		receive(vn(3, 20, 9, 0), vn(4, 17, 17, 0)).
		review(vn(3, 20, 9, 0), "TCPCP", vn(4, 15, 17, 0))
	// D7: refused at intake.
	f.submit(procArchive, vn(3, 24, 8, 0), vn(3, 25, 8, 0)).
		finish(vn(3, 24, 10, 0), "refuse", motcua.StatusRefused)
	// D8: withdrawn at 00:30 on 1 April in Vietnam, still 31 March in UTC.
	f.submit(procFund, vn(3, 25, 8, 0), vn(3, 26, 8, 0)).
		receive(vn(3, 25, 9, 0), vn(4, 8, 17, 0)).
		review(vn(3, 25, 9, 0), "TCPCP", vn(4, 1, 17, 0)).
		withdraw(time.Date(2025, 3, 31, 17, 30, 0, 0, time.UTC))
	// D9: refused after review: resolved early.
	f.submit(procArchive, vn(4, 2, 8, 0), vn(4, 3, 8, 0)).
		receive(vn(4, 2, 9, 0), vn(4, 16, 17, 0)).
		review(vn(4, 2, 9, 0), "CVTLT", vn(4, 15, 17, 0)).
		finish(vn(4, 9, 10, 0), "refuse", motcua.StatusRejected)
	// D10: submitted online on the evening of 31 March, received on 1 April; open.
	f.submit(procFund, vn(3, 31, 22, 0), vn(4, 2, 8, 0)).
		receive(vn(4, 1, 8, 30), vn(4, 29, 17, 0)).
		review(vn(4, 1, 8, 30), "TCPCP", vn(4, 25, 17, 0))
	// D11: open, waiting for the applicant since 9 April.
	f.submit(procArchive, vn(3, 26, 8, 0), vn(3, 27, 8, 0)).
		receive(vn(3, 26, 9, 0), vn(4, 24, 17, 0)).
		review(vn(3, 26, 9, 0), "CVTLT", vn(4, 23, 17, 0)).
		requestSupplement(vn(4, 9, 10, 0))
	// D12: received in February, stopped in March.
	f.submit(procArchive, vn(2, 24, 8, 0), vn(2, 25, 8, 0)).
		receive(vn(2, 24, 9, 0), vn(3, 10, 17, 0)).
		review(vn(2, 24, 9, 0), "CVTLT", vn(3, 7, 17, 0)).
		finish(vn(3, 12, 10, 0), "stop", motcua.StatusStopped)
	return f.s
}

func TestStatsEqualHandCountedFixture(t *testing.T) {
	s := seedStatsFixture(t)
	ctx := context.Background()
	march, may := vn(3, 1, 0, 0), vn(5, 1, 0, 0)
	now := vn(4, 22, 10, 0)
	for _, tt := range []struct {
		name   string
		filter store.StatsFilter
		rows   []store.StatsRow
		total  store.StatsRow
	}{
		{
			// FUND: received D1 D2 D3 D6 D8 D10; resolved D1 early, D2 on time, D3 late;
			// D8 withdrawn; open D10 (due 29/04) and D6 (due 17/04 < now).
			// ARCH: received D4 D5 D9 D11 (D7 never was, D12 in February); resolved D9
			// early, D4 late; D7 refused, D12 stopped; open D5 and D11, both not yet due,
			// D11 waiting for the applicant.
			name:   "by procedure over March and April",
			filter: store.StatsFilter{UnitPath: "/G09/", From: march, To: may, Now: now, By: store.ByProcedure},
			rows: []store.StatsRow{
				{Key: procFund, Label: procFundName, Received: 6, Resolved: 3, Early: 1, OnTime: 1, Late: 1,
					Withdrawn: 1, Pending: 2, NotYetDue: 1, Overdue: 1},
				{Key: procArchive, Label: procArchiveName, Received: 4, Resolved: 2, Early: 1, Late: 1,
					Refused: 1, Stopped: 1, Pending: 2, NotYetDue: 2, Paused: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 10, Resolved: 5, Early: 2, OnTime: 1, Late: 2,
				Refused: 1, Withdrawn: 1, Stopped: 1, Pending: 4, NotYetDue: 3, Overdue: 1, Paused: 1},
		},
		{
			// March (open work judged at 01/04 00:00): received D1 D3 D4 D6 D8 D11 (D10
			// only on 01/04); resolved D1 early, D4 late; D7 refused; D12 stopped; open D3
			// (due 21/03: overdue), D6, D11 and D8, withdrawn at 00:30 on 01/04 Vietnam
			// time: with UTC months D8 would be withdrawn in March and not open. D11 was
			// still in review: nobody waited for an applicant at the end of March.
			// April (judged now): received D2 D5 D9 D10; resolved D9 early, D2 on time,
			// D3 late; D8 withdrawn; open D5 D10 D11 not yet due, D6 overdue, D11 paused.
			// The total's open work is April's, the last month's.
			name:   "by month in Vietnam time",
			filter: store.StatsFilter{UnitPath: "/G09/", From: march, To: may, Now: now, By: store.ByMonth},
			rows: []store.StatsRow{
				{Key: "2025-03", Label: "Tháng 3/2025", Received: 6, Resolved: 2, Early: 1, Late: 1,
					Refused: 1, Stopped: 1, Pending: 4, NotYetDue: 3, Overdue: 1},
				{Key: "2025-04", Label: "Tháng 4/2025", Received: 4, Resolved: 3, Early: 1, OnTime: 1, Late: 1,
					Withdrawn: 1, Pending: 4, NotYetDue: 3, Overdue: 1, Paused: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 10, Resolved: 5, Early: 2, OnTime: 1, Late: 2,
				Refused: 1, Withdrawn: 1, Stopped: 1, Pending: 4, NotYetDue: 3, Overdue: 1, Paused: 1},
		},
		{
			// Hand-overs. CVTLT: received D4 D5 D9 D11 (D12's in February); finished D9
			// early, D4 and D12 late; open D5 and D11, not yet due. G09: D3's signature,
			// late. TCPCP: received D1 D2 D3 D6 D8 D10; finished D1 early, D2 D3 and D8
			// on time (D8's at 00:30 on its due day, Vietnam time); open D10 not yet due,
			// D6 overdue (15/04). VP: sixteen rows, all
			// finished: D3's intake late; D1 D2 D4 returns and D3's issue on time; the
			// eleven others early (D12's intake finished in February and is left out).
			name:   "by unit over March and April",
			filter: store.StatsFilter{UnitPath: "/G09/", From: march, To: may, Now: now, By: store.ByUnit},
			rows: []store.StatsRow{
				{Key: "CVTLT", Label: nameCVTLT, Received: 4, Resolved: 3, Early: 1, Late: 2, Pending: 2, NotYetDue: 2},
				{Key: "G09", Label: nameG09, Received: 1, Resolved: 1, Late: 1},
				{Key: "TCPCP", Label: nameTCPCP, Received: 6, Resolved: 4, Early: 1, OnTime: 3, Pending: 2, NotYetDue: 1, Overdue: 1},
				{Key: "VP", Label: nameVP, Received: 16, Resolved: 16, Early: 11, OnTime: 4, Late: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 27, Resolved: 24, Early: 13, OnTime: 7, Late: 4,
				Pending: 4, NotYetDue: 3, Overdue: 1},
		},
		{
			// Judged at 01/04 00:00. CVTLT: received D4 D11; finished D4 and D12 late;
			// D11 open. G09: D3's signature open, overdue since 21/03. TCPCP: received D1
			// D3 D6 D8; finished D1 early, D3 on time; D6 open, and D8's row, finished
			// at 00:30 on 01/04 Vietnam time. VP: ten rows handed in March (D10's at 22:00
			// on 31/03), nine finished (D3's intake late; D1 and D4 returns on time; six
			// early), D10's intake open until 01/04.
			name:   "by unit in March judges open hand-overs at the end of March",
			filter: store.StatsFilter{UnitPath: "/G09/", From: march, To: vn(4, 1, 0, 0), Now: now, By: store.ByUnit},
			rows: []store.StatsRow{
				{Key: "CVTLT", Label: nameCVTLT, Received: 2, Resolved: 2, Late: 2, Pending: 1, NotYetDue: 1},
				{Key: "G09", Label: nameG09, Received: 1, Pending: 1, Overdue: 1},
				{Key: "TCPCP", Label: nameTCPCP, Received: 4, Resolved: 2, Early: 1, OnTime: 1, Pending: 2, NotYetDue: 2},
				{Key: "VP", Label: nameVP, Received: 10, Resolved: 9, Early: 6, OnTime: 2, Late: 1, Pending: 1, NotYetDue: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 17, Resolved: 13, Early: 7, OnTime: 3, Late: 3,
				Pending: 5, NotYetDue: 4, Overdue: 1},
		},
		{
			// Only FUND's hand-overs: CVTLT drops out; VP keeps D1 D2 D3 D6 D8 D10's ten
			// rows (D3's intake late; D1 and D2 returns and D3's issue on time; six early).
			name: "by unit for one procedure",
			filter: store.StatsFilter{UnitPath: "/G09/", From: march, To: may, Now: now, By: store.ByUnit,
				Procedure: procFund},
			rows: []store.StatsRow{
				{Key: "G09", Label: nameG09, Received: 1, Resolved: 1, Late: 1},
				{Key: "TCPCP", Label: nameTCPCP, Received: 6, Resolved: 4, Early: 1, OnTime: 3, Pending: 2, NotYetDue: 1, Overdue: 1},
				{Key: "VP", Label: nameVP, Received: 10, Resolved: 10, Early: 6, OnTime: 3, Late: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 17, Resolved: 15, Early: 7, OnTime: 6, Late: 2,
				Pending: 2, NotYetDue: 1, Overdue: 1},
		},
		{
			// CVTLT's scope holds the dossiers handed to it: ARCH's but D7, refused at
			// the desk before it reached CVTLT.
			name:   "by procedure in one unit's scope",
			filter: store.StatsFilter{UnitPath: "/G09/CVTLT/", From: march, To: may, Now: now, By: store.ByProcedure},
			rows: []store.StatsRow{
				{Key: procArchive, Label: procArchiveName, Received: 4, Resolved: 2, Early: 1, Late: 1,
					Stopped: 1, Pending: 2, NotYetDue: 2, Paused: 1},
			},
			total: store.StatsRow{Key: "total", Label: "Tổng cộng", Received: 4, Resolved: 2, Early: 1, Late: 1,
				Stopped: 1, Pending: 2, NotYetDue: 2, Paused: 1},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Stats(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			checkStatsRows(t, got.Rows, tt.rows)
			checkStatsRows(t, []store.StatsRow{got.Total}, []store.StatsRow{tt.total})
		})
	}
}

func checkStatsRows(t *testing.T, got, want []store.StatsRow) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		var g, w store.StatsRow
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		// The channel split adds up to Received per procedure and month (the fixture's
		// dossiers are online; TestStatsSplitReceivedByChannel checks the split).
		if split := g.ReceivedOnline + g.ReceivedDesk + g.ReceivedPost + g.ReceivedPortal; split != 0 && split != g.Received {
			t.Errorf("row %d: the channels add up to %d, received %d", i, split, g.Received)
		}
		g.ReceivedOnline, g.ReceivedDesk, g.ReceivedPost, g.ReceivedPortal = 0, 0, 0, 0
		if g != w {
			t.Errorf("row %d\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// sheetRow is a row of the control sheet as form 06 prints it, times in Vietnam time.
type sheetRow struct {
	Seq                    int
	Step, From, To         string
	Handed                 string
	Budget                 int
	Due, Finished, Outcome string
}

func TestControlSheetRecordsEachHandOverAgainstItsBudget(t *testing.T) {
	f := newFixture(t)
	d := lateDossierWithFiveHandovers(f)
	v, err := f.s.DossierView(context.Background(), d.code)
	if err != nil {
		t.Fatal(err)
	}
	// See lateDossierWithFiveHandovers for why each row is early, on time or late.
	want := []sheetRow{
		{1, stepReceive, "", nameVP, "06/03/2025 08:00", 480, "07/03/2025 08:00", "07/03/2025 14:00", "late"},
		{3, stepReview, nameVP, nameTCPCP, "07/03/2025 14:00", 3840, "19/03/2025 14:00", "19/03/2025 09:00", "on-time"},
		{4, stepDecide, nameTCPCP, nameG09, "19/03/2025 09:00", 960, "21/03/2025 09:00", "03/04/2025 11:00", "late"},
		{5, stepIssue, nameG09, nameVP, "03/04/2025 11:00", 480, "04/04/2025 11:00", "04/04/2025 09:00", "on-time"},
		{7, stepReturn, nameVP, nameVP, "04/04/2025 09:00", 480, "08/04/2025 09:00", "04/04/2025 15:00", "early"},
	}
	var got []sheetRow
	for _, h := range v.Handovers {
		got = append(got, sheetRow{Seq: h.Seq, Step: h.Step, From: h.FromUnitName, To: h.ToUnitName, Handed: vnClock(&h.HandedAt),
			Budget: h.BudgetMinutes, Due: vnClock(h.DueAt), Finished: vnClock(h.FinishedAt), Outcome: h.Outcome})
	}
	for i := range max(len(got), len(want)) {
		var g, w sheetRow
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("row %d\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// vnClock is t on a Vietnamese wall clock, or "" for none.
func vnClock(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(vnZone).Format("02/01/2006 15:04")
}

func TestStatsSplitReceivedByChannel(t *testing.T) {
	f := newFixture(t)
	at, due := vn(3, 2, 9, 0), vn(3, 2, 17, 0)
	for _, c := range []motcua.Channel{motcua.ChannelOnline, motcua.ChannelDesk, motcua.ChannelDesk, motcua.ChannelPost,
		motcua.ChannelPortal, motcua.ChannelPortal, motcua.ChannelPortal} {
		f.submitVia(c, procFund, at, due).receive(at.Add(time.Hour), vn(4, 20, 17, 0))
	}
	st, err := f.s.Stats(context.Background(), store.StatsFilter{UnitPath: "/", From: vn(3, 1, 0, 0), To: vn(4, 1, 0, 0),
		Now: vn(3, 10, 0, 0), By: store.ByProcedure})
	if err != nil {
		t.Fatal(err)
	}
	tot := st.Total
	if tot.Received != 7 || tot.ReceivedOnline != 1 || tot.ReceivedDesk != 2 || tot.ReceivedPost != 1 || tot.ReceivedPortal != 3 {
		t.Errorf("received %d: online %d, desk %d, post %d, portal %d; want 7: 1, 2, 1, 3",
			tot.Received, tot.ReceivedOnline, tot.ReceivedDesk, tot.ReceivedPost, tot.ReceivedPortal)
	}
}
