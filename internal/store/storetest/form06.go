package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
)

// The fixture of the reports (form 06/VPCP/KSTT, Decision 766), written through the
// functions the system itself records dossiers with, on a seeded store (NewSeeded).
// internal/store's reports_test.go draws its table and counts every figure by hand;
// the page and API tests read the same figures. All times are Vietnam time in 2025.
const (
	Form06Fund    = "FX.01"
	Form06Archive = "FX.02"
	// Form06Domain… are the fixture's fields of activity.
	Form06DomainFund    = "Quỹ xã hội, quỹ từ thiện"
	Form06DomainArchive = "Văn thư, lưu trữ"
)

// Form06Now is when the fixture's April 2025 (15/03–14/04) is read: closed.
var Form06Now = vnTime(4, 22, 10, 0)

func vnTime(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2025, month, day, hour, minute, 0, 0, motcua.Vietnam)
}

type seeder struct {
	t     testing.TB
	s     *store.Store
	user  map[string]int64
	agent map[string]string // unit → agency code
}

type seeded struct {
	sd   *seeder
	code motcua.DossierCode
	seq  int
	unit string
}

// SeedForm06 writes the twelve dossiers R1–R12 of the reports' fixture (see
// internal/store/reports_test.go) and records R5's apology after the period.
func SeedForm06(t testing.TB, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	err := s.SyncProcedures(ctx, []store.ProcedureRecord{
		{Code: Form06Fund, Version: 1, Name: "Công nhận quỹ đủ điều kiện hoạt động (mẫu)", Domain: Form06DomainFund,
			Definition: json.RawMessage(`{}`), EffectiveFrom: vnTime(1, 1, 0, 0)},
		{Code: Form06Archive, Version: 1, Name: "Cấp Chứng chỉ hành nghề lưu trữ (mẫu)", Domain: Form06DomainArchive,
			Definition: json.RawMessage(`{}`), EffectiveFrom: vnTime(1, 1, 0, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	sd := &seeder{t: t, s: s, user: map[string]int64{}, agent: map[string]string{}}
	for _, u := range []string{"congdan1", "canbo1", "chuyenvien2"} {
		var id int64
		if err := s.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = $1`, u).Scan(&id); err != nil {
			t.Fatalf("user %s: %v", u, err)
		}
		sd.user[u] = id
	}
	for _, u := range []string{"VP", "CVTLT"} {
		unit, err := s.UnitByCode(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		sd.agent[u] = unit.Agency
	}
	y := func(month time.Month, day int) time.Time { return vnTime(month, day, 9, 0) }
	end := func(month time.Month, day int) time.Time { return vnTime(month, day, 17, 0) }
	sd.received("VP", Form06Fund, true, y(3, 10), end(3, 20)).returned(y(3, 18))                                  // R1
	sd.received("VP", Form06Fund, false, y(3, 1), end(3, 12))                                                     // R2
	sd.received("VP", Form06Fund, true, y(3, 20), end(4, 10)).returned(vnTime(4, 10, 16, 0))                      // R3
	sd.received("VP", Form06Fund, false, y(3, 25), end(4, 3)).returned(y(4, 8))                                   // R4
	r5 := sd.received("VP", Form06Archive, true, y(4, 1), end(4, 10))                                             // R5
	sd.received("VP", Form06Archive, true, vnTime(4, 14, 20, 0), end(4, 28))                                      // R6
	sd.submit("VP", Form06Archive, false, y(4, 5)).finish(vnTime(4, 5, 10, 0), "refuse", motcua.StatusRefused)    // R7
	sd.received("VP", Form06Fund, true, y(3, 16), end(3, 31)).finish(y(4, 2), "withdraw", motcua.StatusWithdrawn) // R8
	sd.received("CVTLT", Form06Archive, false, y(3, 17), end(3, 31)).returned(y(3, 31))                           // R9
	sd.received("CVTLT", Form06Archive, true, y(3, 5), end(3, 19)).finish(y(3, 20), "stop", motcua.StatusStopped) // R10
	sd.received("CVTLT", Form06Archive, true, vnTime(4, 15, 0, 30), end(4, 29))                                   // R11
	sd.received("VP", Form06Fund, true, vnTime(3, 14, 23, 0), end(3, 28)).returned(y(4, 16))                      // R12
	moved := end(4, 30)
	r5.record(motcua.Transition{Action: "apologize", Status: motcua.StatusReceived, At: y(4, 18), DueAt: &moved,
		ApologyGiven: true, ActorID: sd.user["canbo1"], UnitCode: "VP"})
}

func (sd *seeder) submit(unit, procedure string, online bool, at time.Time) *seeded {
	sd.t.Helper()
	ctx := context.Background()
	var code motcua.DossierCode
	err := sd.s.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if code, err = store.NextDossierCode(ctx, tx, sd.agent[unit], at); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: sd.user["congdan1"], UnitCode: unit,
			ProcedureCode: procedure, ProcedureVersion: 1, Online: online, FormData: json.RawMessage(`{}`), SubmittedAt: at})
	})
	if err != nil {
		sd.t.Fatal(err)
	}
	if _, err := sd.s.RecordSubmission(ctx, code); err != nil {
		sd.t.Fatal(err)
	}
	d := &seeded{sd: sd, code: code, unit: unit}
	d.record(motcua.Transition{Action: "assign", Status: motcua.StatusSubmitted, At: at, HolderUnit: unit})
	return d
}

func (sd *seeder) received(unit, procedure string, online bool, at, due time.Time) *seeded {
	sd.t.Helper()
	d := sd.submit(unit, procedure, online, at)
	d.record(motcua.Transition{Action: "receive", Status: motcua.StatusReceived, At: at, ReceivedAt: &at, DueAt: &due,
		DueOriginal: &due, ActorID: sd.staff(unit), UnitCode: unit})
	return d
}

func (sd *seeder) staff(unit string) int64 {
	if unit == "CVTLT" {
		return sd.user["chuyenvien2"]
	}
	return sd.user["canbo1"]
}

func (d *seeded) record(t motcua.Transition) {
	d.sd.t.Helper()
	t.Code, t.Seq = d.code, d.seq+1
	applied, err := d.sd.s.RecordTransition(context.Background(), t)
	if err != nil || !applied {
		d.sd.t.Fatalf("%s/%d %s: applied %v, %v", d.code, t.Seq, t.Action, applied, err)
	}
	d.seq = t.Seq
}

func (d *seeded) finish(at time.Time, action motcua.EventKind, status motcua.Status) *seeded {
	d.sd.t.Helper()
	d.record(motcua.Transition{Action: action, Status: status, At: at, FinishedAt: &at, CloseTasks: true,
		ActorID: d.sd.staff(d.unit), UnitCode: d.unit})
	return d
}

// returned returns the result and archives the dossier, as the workflow does.
func (d *seeded) returned(at time.Time) *seeded {
	d.sd.t.Helper()
	d.finish(at, "return-result", motcua.StatusReturned)
	d.record(motcua.Transition{Action: "archive", Status: motcua.StatusArchived, At: at})
	return d
}
