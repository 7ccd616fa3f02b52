package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
)

// TestDeskClerkRegistersAWalkInDossierWithScannedPapers: the one-stop clerk finds no
// account for the applicant's ID number, creates it with the name given, fills the
// e-form on their behalf with scans of the papers (one marked a copy), registers the
// dossier "trực tiếp", and receives it; the receipt says "trực tiếp" and the time
// limit of that channel, and the appointment is counted from it. The procedure is given
// a limit per channel (9 working days in person, 7 online, 12 by post), so a limit
// taken from another channel shows.
func TestDeskClerkRegistersAWalkInDossierWithScannedPapers(t *testing.T) {
	s := startSite(t, stacktest.Options{Catalog: stacktest.CatalogWith(t, "G09.CVTLT.02", 1, func(p map[string]any) {
		tl := p["timeLimit"].(map[string]any)
		tl["inPerson"], tl["online"], tl["post"] = 9, 7, 12
		for _, st := range p["steps"].([]any) {
			if st := st.(map[string]any); st["id"] == "tham-dinh" { // 5 of the 9 days
				st["budgetOnline"], st["budgetPost"] = 3, 8
			}
		}
	})})
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	if p.TimeLimit.ForChannel(motcua.ChannelDesk) != 9 || p.TimeLimit.ForChannel(motcua.ChannelOnline) != 7 {
		t.Fatalf("the test's catalog: %+v", p.TimeLimit)
	}
	clerk := s.login(t, "canbo1")
	clerk.Go("/can-bo/tiep-nhan")
	if tab := clerk; tab.Status() != 200 || !tab.Has(fmt.Sprintf(`a[href="/can-bo/tiep-nhan/%s"]`, p.Code)) {
		t.Fatalf("the desk's procedure list: %d %s", tab.Status(), tab.Body())
	}
	clerk.Submit(fmt.Sprintf(`a[href="/can-bo/tiep-nhan/%s"]`, p.Code))
	checkPage(t, clerk, "desk-form")

	// An unknown ID number without a name is refused on its field, and nothing is made.
	clerk.Type("#id_number", "001199004321")
	clerk.Submit(`button[value=register]`)
	if !clerk.Has(".error-summary") || !strings.Contains(clerk.Text(".error-summary"), "họ và tên") {
		t.Fatalf("an unknown applicant without a name was not refused: %s", clerk.Body())
	}

	clerk.Type("#applicant_name", "Phan Thị Thu")
	clerk.Click("#channel-desk")
	copyOf := p.Components[len(p.Components)-1]
	clerk.Click("#copy-" + copyOf.ID)
	fillForm(t, clerk, p, p.Form.Sections, sample(t, s.Stack, p))
	clerk.Submit(`button[value=register]`)
	if clerk.Has(".error-summary") {
		t.Fatalf("registration refused: %s", clerk.Text(".error-summary"))
	}
	if !strings.Contains(clerk.URL(), "/can-bo/ho-so/") || clerk.Text("#kenh") != "trực tiếp" {
		t.Fatalf("after registration: %s, channel %q", clerk.URL(), clerk.Text("#kenh"))
	}
	code := motcua.DossierCode(strings.TrimPrefix(strings.Split(clerk.URL(), "?")[0][len(s.URL):], "/can-bo/ho-so/"))
	if !strings.Contains(clerk.Body(), "số hóa từ bản chính") || !strings.Contains(clerk.Body(), "số hóa từ bản sao") {
		t.Errorf("the scans are not shown as digitized originals and copies: %s", clerk.Body())
	}

	var channel, idNumber string
	var registeredBy, digitized int
	err := s.Store.Pool().QueryRow(context.Background(), `SELECT d.channel, u.id_number, coalesce(d.registered_by, 0),
			(SELECT count(*) FROM files f WHERE f.dossier_id = d.id AND f.digitized)
		FROM dossiers d JOIN users u ON u.id = d.applicant_id WHERE d.code = $1`, code).Scan(&channel, &idNumber, &registeredBy, &digitized)
	if err != nil || channel != "desk" || idNumber != "001199004321" || registeredBy == 0 || digitized == 0 {
		t.Fatalf("stored: channel %q, applicant's ID %q, registered by %d, %d digitized files, %v", channel, idNumber, registeredBy, digitized, err)
	}

	decide(t, clerk, code, "receive", "Hồ sơ đủ thành phần.")
	s.Settle(code) // the receipt is made after the click
	status, pdf := clerk.Fetch("/api/v1/dossiers/" + string(code) + "/receipt")
	if status != 200 {
		t.Fatalf("receipt: %d", status)
	}
	text := strings.Join(strings.Fields(stacktest.PDFText(t, pdf)), " ")
	limit := fmt.Sprintf("%g %s", p.TimeLimit.ForChannel(motcua.ChannelDesk), map[forms.TimeUnit]string{
		forms.WorkingHours: "giờ làm việc", forms.WorkingDays: "ngày làm việc"}[p.TimeLimit.Unit])
	for _, want := range []string{"Hình thức tiếp nhận: trực tiếp", "theo quy định là: " + limit, "Phan Thị Thu"} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt does not say %q:\n%s", want, text)
		}
	}
	// The appointment is the desk's 9 working days from the receipt, not the online 7.
	var received, due time.Time
	if err := s.Store.Pool().QueryRow(context.Background(), `SELECT received_at, due_at FROM dossiers WHERE code = $1`, code).
		Scan(&received, &due); err != nil {
		t.Fatal(err)
	}
	days := func(n int) time.Time {
		return s.Time.Due(s.Time.Start(received), n*8*60, nil) // a working day: 8 hours
	}
	if !due.Equal(days(9)) || due.Equal(days(7)) {
		t.Errorf("received %s, due %s: want %s (9 working days), not %s (7)", received, due, days(9), days(7))
	}
}
