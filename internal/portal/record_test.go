package portal_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
)

// TestTheRecordSaysHowTheDossierCameAndWhatWasDigitizedVerifiedAndPaid: what the store
// holds of a dossier registered at the desk (channel desk, one paper scanned, one file
// not), by an applicant who logged in through VNeID and paid the fee online, reaches the
// portal's record over real HTTP; and the change's step ends when the task it opened
// is due, not at the appointment.
func TestTheRecordSaysHowTheDossierCameAndWhatWasDigitizedVerifiedAndPaid(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	code := f.dossier()
	plain := f.dossier() // online, nothing scanned, not VNeID, not paid: the defaults
	var owner int64
	if err := f.st.Pool().QueryRow(ctx, `UPDATE dossiers SET channel = 'desk', online = false, applicant_vneid = true
		WHERE code = $1 RETURNING applicant_id`, code).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	const scanned, uploaded = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000a2"
	for _, file := range []struct {
		id        string
		digitized bool
	}{{scanned, true}, {uploaded, false}} {
		if _, err := f.st.Pool().Exec(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, dossier_id, component,
				storage_key, digitized, created_at)
			SELECT $1::uuid, '\x00', 1, 'application/pdf', 'giay.pdf', $2, d.id, 'don', $1::text, $3, $4 FROM dossiers d WHERE d.code = $5`,
			file.id, owner, file.digitized, f.clock.Now().Add(time.Duration(len(file.id))), code); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.Pool().Exec(ctx, `INSERT INTO payments (reference, dossier_code, amount, status, created_at)
		VALUES ('TT-1', $1, 50000, 'paid', $2)`, code, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	due, stepDue := f.clock.Now().Add(9*24*time.Hour), f.clock.Now().Add(4*time.Hour)
	for _, c := range []motcua.DossierCode{code, plain} {
		f.seqs[c]++
		if _, err := f.st.RecordTransition(ctx, motcua.Transition{Code: c, Seq: f.seqs[c], At: f.clock.Now(), Action: "receive",
			Status: motcua.StatusReceived, UnitCode: "VP", DueAt: &due, Note: "Đủ thành phần.", NotePublic: true,
			OpenTask: &motcua.TaskSpec{Step: "tham-dinh", UnitCode: "VP", DueAt: &stepDue, BudgetMinutes: 240}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := f.syncer(f.st, 2*time.Second).Pass(ctx); err != nil || n != 2 {
		t.Fatalf("pass: %d %v", n, err)
	}

	d, ok := f.dev.Dossier(string(code))
	if !ok {
		t.Fatalf("the portal does not know %s", code)
	}
	r := d.Record
	if r.Channel != portal.ChannelDesk || !r.VNeID || !r.PaidOnline || !r.HasDigitized {
		t.Errorf("record: channel %d, VNeID %t, paid online %t, has digitized %t; want desk, true, true, true",
			r.Channel, r.VNeID, r.PaidOnline, r.HasDigitized)
	}
	digitized := map[string]bool{}
	for _, c := range r.Components {
		digitized[c.ID] = c.Digitized
	}
	if len(r.Components) != 2 || !digitized[scanned] || digitized[uploaded] {
		t.Errorf("components %+v: want %s digitized, %s not", r.Components, scanned, uploaded)
	}
	if len(d.Steps) != 1 || d.Steps[0].DueAt != portal.Time(stepDue) || r.DueAt != portal.Time(due) {
		t.Errorf("steps %+v, record's appointment %q: want the step to end %s, the appointment %s", d.Steps, r.DueAt,
			portal.Time(stepDue), portal.Time(due))
	}
	p, _ := f.dev.Dossier(string(plain))
	if pr := p.Record; pr.Channel != portal.ChannelOnline || pr.VNeID || pr.PaidOnline || pr.HasDigitized {
		t.Errorf("the plain dossier's record: %+v", pr)
	}
}
