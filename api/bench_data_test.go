package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/stacktest"
)

// loadSummary says what loadDossiers wrote.
type loadSummary struct {
	Citizens, Dossiers, Open, Events, OpenTasks, Tasks, Handovers int
}

func (l loadSummary) String() string {
	return fmt.Sprintf("%d dossiers (%d open) of %d citizens, %d history events, %d tasks (%d open), %d hand-overs",
		l.Dossiers, l.Open, l.Citizens, l.Events, l.Tasks, l.OpenTasks, l.Handovers)
}

// loadStatuses is how the loaded dossiers are spread, per thousand: a year of a
// ministry's one-stop desk, most of it archived, about a sixth still open.
var loadStatuses = []struct {
	status motcua.Status
	per    int
}{
	{motcua.StatusArchived, 780},
	{motcua.StatusRefused, 20},
	{motcua.StatusRejected, 10},
	{motcua.StatusWithdrawn, 10},
	{motcua.StatusStopped, 5},
	{motcua.StatusSubmitted, 20},
	{motcua.StatusInReview, 95},
	{motcua.StatusSupplementRequested, 20},
	{motcua.StatusAwaitingSignature, 20},
	{motcua.StatusSigned, 8},
	{motcua.StatusResultReady, 12},
}

// loadProc is what the loader needs of a procedure version.
type loadProc struct {
	p     *forms.Procedure
	form  string
	limit int // working minutes
	steps []loadStep
	span  time.Duration // calendar time the limit takes from now, roughly
}

type loadStep struct {
	id      string
	action  motcua.StepAction
	unitID  int64
	budget  int   // working minutes
	actorID int64 // who acts at the step
}

func (lp *loadProc) index(action motcua.StepAction) int {
	return slices.IndexFunc(lp.steps, func(s loadStep) bool { return s.action == action })
}

// loadEvent is one transition of a loaded dossier's history; by is the index of the
// step whose member acted (-1: the system or the applicant).
type loadEvent struct {
	action motcua.EventKind
	status motcua.Status
	at     time.Time
	by     int
}

// handEvent is the transition that hands a dossier to step k, whose action is action.
func handEvent(action motcua.StepAction, k int, at time.Time) loadEvent {
	switch {
	case k == 1:
		return loadEvent{motcua.EventTransfer, motcua.StatusInReview, at, 0}
	case action == motcua.StepDecide:
		return loadEvent{motcua.EventSubmitForSigning, motcua.StatusAwaitingSignature, at, k - 1}
	case action == motcua.StepIssue:
		return loadEvent{motcua.EventSign, motcua.StatusSigned, at, k - 1}
	case action == motcua.StepReturn:
		return loadEvent{motcua.EventReady, motcua.StatusResultReady, at, k - 1}
	}
	return loadEvent{motcua.EventCompleteStep, motcua.StatusInReview, at, k - 1}
}

// loadDossier is one generated dossier before it gets its ID and code.
type loadDossier struct {
	proc                *loadProc
	applicant           int64
	status              motcua.Status
	at                  int // index of the step it is at (or ended at)
	submitted, received time.Time
	due, finished       time.Time
	handed              []time.Time // when each step 0…at was handed over
	supplements         int
}

// loadDossiers bulk-loads n dossiers in the state the workflow would have left them:
// the dossier rows (status, holder, step, clock, form data), every task and hand-over
// of the steps they went through (the open task of the step they are at), and the
// daily code sequences, on the working-time calendar, with the applicants spread over
// 2,000 citizens. It leaves out what no measured read looks at (history events, status
// outbox, audit log, notices, files). Then it VACUUM ANALYZEs, as autovacuum would have.
func loadDossiers(ctx context.Context, s *stacktest.Stack, n int, now time.Time) (loadSummary, error) {
	var sum loadSummary
	db := s.Store.Pool()
	rng := rand.New(rand.NewPCG(7, 2026))

	units := map[string]int64{}
	rows, err := db.Query(ctx, `SELECT code, id FROM units`)
	if err != nil {
		return sum, err
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return sum, err
		}
		units[code] = id
	}
	users := map[string]int64{}
	rows, _ = db.Query(ctx, `SELECT username, id FROM users`)
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return sum, err
		}
		users[name] = id
	}
	if rows.Err() != nil {
		return sum, rows.Err()
	}

	// Citizens.
	rows, _ = db.Query(ctx, `WITH u AS (
			INSERT INTO users (username, name, email, phone)
			SELECT 'bench' || lpad(g::text, 5, '0'),
				(ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi'])[1 + g % 8] || ' ' ||
				(ARRAY['Văn','Thị','Đức','Ngọc','Minh'])[1 + g % 5] || ' ' ||
				(ARRAY['An','Bình','Chi','Dũng','Hà','Hùng','Lan','Mai','Nam','Phương','Quân','Thảo'])[1 + g % 12],
				'bench' || g || '@example.vn', '09' || lpad(g::text, 8, '0')
			FROM generate_series(1, 2000) g RETURNING id)
		INSERT INTO user_roles (user_id, role) SELECT id, 'citizen' FROM u RETURNING user_id`)
	var citizens []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return sum, err
		}
		citizens = append(citizens, id)
	}
	if rows.Err() != nil {
		return sum, fmt.Errorf("citizens: %w", rows.Err())
	}
	sum.Citizens = len(citizens)

	minutes := func(v float64, u forms.TimeUnit) int {
		if u == forms.WorkingHours {
			return int(v * 60)
		}
		return int(v * 8 * 60)
	}
	procs := map[string]*loadProc{}
	proc := func(p *forms.Procedure) (*loadProc, error) {
		if lp, ok := procs[p.Key()]; ok {
			return lp, nil
		}
		form, err := formstest.Valid(p.Code, p.Version, now)
		if err != nil {
			return nil, err
		}
		lp := &loadProc{p: p, form: string(form), limit: minutes(p.TimeLimit.For(true), p.TimeLimit.Unit)}
		for _, st := range p.Steps {
			lp.steps = append(lp.steps, loadStep{id: st.ID, action: st.Action, unitID: units[st.Unit],
				budget: minutes(st.BudgetFor(true), p.TimeLimit.Unit), actorID: users[stacktest.Staff[st.Unit+"/"+string(st.Role)]]})
		}
		lp.span = s.Time.Due(now, lp.limit, nil).Sub(now)
		procs[p.Key()] = lp
		return lp, nil
	}
	codes := s.Catalog.Codes()
	uniform := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rng.Int64N(int64(hi-lo)+1)) }

	ds := make([]*loadDossier, 0, n)
	for len(ds) < n {
		status := motcua.StatusArchived
		r, acc := rng.IntN(1000), 0
		for _, ls := range loadStatuses {
			if acc += ls.per; r < acc {
				status = ls.status
				break
			}
		}
		d := &loadDossier{status: status, applicant: citizens[rng.IntN(len(citizens))]}
		code := codes[rng.IntN(len(codes))]
		// When it was submitted: open dossiers within their time limit (some past it),
		// finished ones over the last year.
		var p *forms.Procedure
		var lp *loadProc
		var err error
		if p, err = s.Catalog.Procedure(code); err != nil {
			continue
		}
		if lp, err = proc(p); err != nil {
			return sum, err
		}
		switch status {
		case motcua.StatusSubmitted:
			d.submitted = now.Add(-uniform(10*time.Minute, 30*time.Hour))
		case motcua.StatusArchived, motcua.StatusRefused, motcua.StatusRejected, motcua.StatusWithdrawn, motcua.StatusStopped:
			d.submitted = now.Add(-uniform(24*time.Hour, 365*24*time.Hour))
		default:
			d.submitted = now.Add(-uniform(time.Hour, lp.span*11/10+7*24*time.Hour))
		}
		if p, err = s.Catalog.At(code, d.submitted); err != nil {
			continue
		}
		if d.proc, err = proc(p); err != nil {
			return sum, err
		}
		if fill(d, rng, s, now, uniform) {
			ds = append(ds, d)
		}
	}
	slices.SortFunc(ds, func(a, b *loadDossier) int { return a.submitted.Compare(b.submitted) })

	// IDs and codes, after whatever the stack already holds.
	var base int64
	if err := db.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('dossiers', 'id'))`).Scan(&base); err != nil {
		return sum, err
	}
	if _, err := db.Exec(ctx, `SELECT setval(pg_get_serial_sequence('dossiers', 'id'), $1)`, base+int64(n)); err != nil {
		return sum, err
	}
	agency := ""
	if err := db.QueryRow(ctx, `SELECT agency_code FROM units WHERE code = 'VP'`).Scan(&agency); err != nil {
		return sum, err
	}
	type dayKey = time.Time
	seqs := map[dayKey]int{}
	rows, _ = db.Query(ctx, `SELECT day, last FROM dossier_sequences WHERE agency_code = $1`, agency)
	for rows.Next() {
		var day time.Time
		var last int
		if err := rows.Scan(&day, &last); err != nil {
			return sum, err
		}
		seqs[day] = last
	}
	if rows.Err() != nil {
		return sum, rows.Err()
	}

	vp := units["VP"]
	var dossierRows, eventRows, taskRows, handoverRows [][]any
	for i, d := range ds {
		id := base + int64(i)
		local := d.submitted.In(ict)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		seqs[day]++
		code := motcua.NewDossierCode(agency, local, seqs[day])
		lp := d.proc
		var received, due, finished *time.Time
		if !d.received.IsZero() {
			received, due = &d.received, &d.due
		}
		if !d.finished.IsZero() {
			finished = &d.finished
		}
		var paused time.Time // a supplement was asked for: the step's task closed then
		if d.status == motcua.StatusSupplementRequested {
			paused = d.handed[d.at].Add(time.Duration(rng.Int64N(int64(now.Sub(d.handed[d.at])) + 1)))
		}

		// The history, as the workflow records it: assign (1), receive (2), a hand-over to
		// each step k (k+2), then how it ended.
		events := []loadEvent{{motcua.EventAssign, motcua.StatusSubmitted, d.submitted, -1}}
		if received != nil {
			events = append(events, loadEvent{motcua.EventReceive, motcua.StatusReceived, d.received, 0})
		}
		for k := 1; k <= d.at; k++ {
			events = append(events, handEvent(lp.steps[k].action, k, d.handed[k]))
		}
		switch d.status {
		case motcua.StatusSupplementRequested:
			events = append(events, loadEvent{motcua.EventRequestSupplement, d.status, paused, d.at})
		case motcua.StatusArchived:
			events = append(events, loadEvent{motcua.EventReturnResult, motcua.StatusReturned, d.finished, d.at},
				loadEvent{motcua.EventArchive, motcua.StatusArchived, d.finished.Add(time.Second), -1})
		case motcua.StatusRefused, motcua.StatusRejected:
			events = append(events, loadEvent{motcua.EventRefuse, d.status, d.finished, d.at})
		case motcua.StatusWithdrawn:
			events = append(events, loadEvent{motcua.EventWithdraw, d.status, d.finished, -1})
		case motcua.StatusStopped:
			events = append(events, loadEvent{motcua.EventStop, d.status, d.finished, d.at})
		}
		finishSeq := len(events) // the transition that ended the last step
		if d.status == motcua.StatusArchived {
			finishSeq--
		}
		for j, e := range events {
			var actor, unit *int64
			switch {
			case e.by >= 0:
				actor, unit = &lp.steps[e.by].actorID, &lp.steps[e.by].unitID
			case e.action == "withdraw":
				actor = &d.applicant
			}
			eventRows = append(eventRows, []any{id, j + 1, e.action, string(e.status), actor, unit, e.at})
		}

		st := lp.steps[d.at]
		updated := events[len(events)-1].at
		dossierRows = append(dossierRows, []any{id, string(code), lp.p.Code, lp.p.Version, d.applicant, vp, string(d.status),
			lp.form, len(events), d.submitted, received, due, finished, updated, true, st.unitID, st.id, due, d.supplements})
		sum.Dossiers++
		if !d.status.Final() {
			sum.Open++
		}
		for k := 0; k <= d.at; k++ {
			step := lp.steps[k]
			handed := d.handed[k]
			var stepDue *time.Time
			if k == 0 {
				t := s.Time.Due(s.Time.Start(d.submitted), step.budget, nil)
				stepDue = &t
			} else if step.budget > 0 {
				t := s.Time.Due(handed, step.budget, nil)
				stepDue = &t
			}
			seq, doneSeq := 1, 0
			if k > 0 {
				seq = k + 2
			}
			// The step's task closes when the next step opens, when the dossier ends, or
			// when a supplement is asked for; its hand-over does not close for a supplement.
			var closed, done *time.Time
			switch {
			case k < d.at:
				closed, done, doneSeq = &d.handed[k+1], &d.handed[k+1], k+3
			case finished != nil:
				closed, done, doneSeq = finished, finished, finishSeq
			case !paused.IsZero():
				closed = &paused
			}
			state := "done"
			if closed == nil {
				state = "open"
				sum.OpenTasks++
			}
			taskRows = append(taskRows, []any{id, step.unitID, step.id, state, step.budget, handed, stepDue, closed, seq})
			var from, fromUser *int64
			if k > 0 {
				from, fromUser = &lp.steps[k-1].unitID, &lp.steps[k-1].actorID
			} else {
				fromUser = &d.applicant
			}
			var finishedSeq *int
			var outcome *string
			if done != nil {
				o := timeliness(*done, stepDue)
				finishedSeq, outcome = &doneSeq, &o
			}
			handoverRows = append(handoverRows, []any{id, seq, step.id, from, fromUser, step.unitID, handed, step.budget, stepDue,
				done, finishedSeq, outcome})
		}
	}
	sum.Events, sum.Tasks, sum.Handovers = len(eventRows), len(taskRows), len(handoverRows)

	err = s.Store.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dossiers"}, []string{"id", "code", "procedure_code", "procedure_version",
			"applicant_id", "unit_id", "status", "form_data", "last_seq", "submitted_at", "received_at", "due_at", "finished_at",
			"updated_at", "online", "holder_unit_id", "current_step", "due_original", "supplement_count"},
			pgx.CopyFromRows(dossierRows)); err != nil {
			return fmt.Errorf("copy dossiers: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"dossier_events"}, []string{"dossier_id", "seq", "action", "status",
			"actor_id", "unit_id", "at"}, pgx.CopyFromRows(eventRows)); err != nil {
			return fmt.Errorf("copy history: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"dossier_id", "unit_id", "step", "state", "budget_minutes",
			"opened_at", "due_at", "closed_at", "opened_seq"}, pgx.CopyFromRows(taskRows)); err != nil {
			return fmt.Errorf("copy tasks: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"handovers"}, []string{"dossier_id", "seq", "step", "from_unit_id",
			"from_user_id", "to_unit_id", "handed_at", "budget_minutes", "due_at", "finished_at", "finished_seq", "outcome"},
			pgx.CopyFromRows(handoverRows)); err != nil {
			return fmt.Errorf("copy hand-overs: %w", err)
		}
		for day, last := range seqs {
			if _, err := tx.Exec(ctx, `INSERT INTO dossier_sequences (agency_code, day, last) VALUES ($1, $2, $3)
				ON CONFLICT (agency_code, day) DO UPDATE SET last = EXCLUDED.last`, agency, day, last); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if _, err := db.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		return sum, err
	}
	return sum, nil
}

// fill lays out a dossier's timeline for its status; false if it does not fit before now.
func fill(d *loadDossier, rng *rand.Rand, s *stacktest.Stack, now time.Time, uniform func(lo, hi time.Duration) time.Duration) bool {
	lp := d.proc
	wt := s.Time
	receive := func() {
		d.received = d.submitted.Add(uniform(10*time.Minute, 20*time.Hour))
		d.due = wt.Due(wt.Start(d.received), lp.limit, nil)
	}
	// hand spreads the hand-overs of steps 1…at evenly between receipt and end.
	hand := func(end time.Time) {
		d.handed = []time.Time{d.submitted}
		for k := 1; k <= d.at; k++ {
			d.handed = append(d.handed, d.received.Add(end.Sub(d.received)*time.Duration(k-1)/time.Duration(d.at)))
		}
	}
	review := func() int { // a step of review, before the decision
		decide := lp.index(motcua.StepDecide)
		return 1 + rng.IntN(max(decide-1, 1))
	}
	switch d.status {
	case motcua.StatusSubmitted:
		d.at, d.handed = 0, []time.Time{d.submitted}
		return true
	case motcua.StatusRefused:
		d.at, d.handed = 0, []time.Time{d.submitted}
		d.finished = d.submitted.Add(uniform(time.Hour, 30*time.Hour))
		return d.finished.Before(now)
	}
	receive()
	switch d.status {
	case motcua.StatusInReview, motcua.StatusAwaitingSignature, motcua.StatusSigned, motcua.StatusResultReady,
		motcua.StatusSupplementRequested:
		switch d.status {
		case motcua.StatusInReview:
			d.at = review()
		case motcua.StatusAwaitingSignature:
			d.at = lp.index(motcua.StepDecide)
		case motcua.StatusSigned:
			d.at = lp.index(motcua.StepIssue)
		case motcua.StatusResultReady:
			d.at = lp.index(motcua.StepReturn)
		default:
			d.at = 1
			d.supplements = 1
		}
		if d.received.After(now) {
			return false
		}
		hand(now.Add(-uniform(0, now.Sub(d.received)/time.Duration(d.at+1))))
		return true
	}
	// Finished: most early, some on the due day, a tenth late.
	span := d.due.Sub(d.received)
	f := 30 + rng.IntN(60)
	switch r := rng.IntN(100); {
	case r >= 90:
		f = 100 + rng.IntN(30)
	case r >= 70:
		f = 90 + rng.IntN(10)
	}
	end := d.received.Add(span * time.Duration(f) / 100)
	switch d.status {
	case motcua.StatusArchived:
		d.at = len(lp.steps) - 1
	case motcua.StatusRejected:
		d.at = review()
		end = d.received.Add(span * time.Duration(20+rng.IntN(50)) / 100)
	default: // withdrawn, stopped
		d.at = 1
		end = d.received.Add(span * time.Duration(5+rng.IntN(40)) / 100)
	}
	if !end.Before(now) {
		// Too recent to be finished: move the whole timeline back, by whole weeks so that
		// the working days stay working days.
		week := 7 * 24 * time.Hour
		shift := (end.Sub(now)/week + 1 + time.Duration(rng.IntN(8))) * week
		d.submitted, d.received, d.due, end = d.submitted.Add(-shift), d.received.Add(-shift), d.due.Add(-shift), end.Add(-shift)
	}
	d.finished = end
	hand(end)
	return true
}

// timeliness is how a hand-over ended against its budget, as RecordTransition judges it.
func timeliness(done time.Time, due *time.Time) string {
	switch {
	case due == nil:
		return "on-time"
	case done.After(*due):
		return "late"
	case done.In(ict).Format("2006-01-02") < due.In(ict).Format("2006-01-02"):
		return "early"
	}
	return "on-time"
}
