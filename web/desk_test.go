package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/exchange"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/population"
	"motcua/internal/population/populationtest"
	"motcua/internal/stacktest"
	"motcua/internal/store/storetest"
	"motcua/web"
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

// TestDeskClerkFindsAWalkInInThePopulationDatabase: at the desk, the one-stop clerk
// asks the population database about an ID number motcua has no account for. A
// number the database does not know is said so in Vietnamese, and the clerk would
// type the details; a number it knows fills the applicant's name and the e-form's
// name, ID number, birth date, sex and address; the clerk completes the rest and
// registers the dossier, made for a new account with that number and name. Each
// lookup leaves its row: the clerk, the number, the reason the page fixes and, once
// registered, the dossier; a number with an account is not looked up. A citizen, a
// leader, the clerical office and the administrator cannot ask, and their attempts
// leave no row.
func TestDeskClerkFindsAWalkInInThePopulationDatabase(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	desk := "/can-bo/tiep-nhan/" + p.Code
	var clerkID int64
	if err := s.Store.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'canbo1'`).Scan(&clerkID); err != nil {
		t.Fatal(err)
	}
	// Nobody but a one-stop clerk may ask: a citizen, a leader, the clerical office
	// and the administrator are refused, shown nothing and leave no row.
	for _, user := range []string{"congdan1", "lanhdao1", "vanthu1", "admin"} {
		b := pageLogin(t, s.URL, user)
		got := b.post(desk, url.Values{"id_number": {population.DevelopmentWalkIn}, "channel": {"desk"}, "action": {"lookup"}})
		if got.Status != 403 && got.Status != 404 {
			t.Errorf("%s asked the population database: %d", user, got.Status)
		}
		if strings.Contains(got.Body, "Hoàng Thị Lan") {
			t.Errorf("%s was shown the database's answer", user)
		}
	}
	if rows, err := s.Store.PopulationLookupsOf(ctx, population.DevelopmentWalkIn); err != nil || len(rows) != 0 {
		t.Fatalf("refused lookups left %d rows (%v)", len(rows), err)
	}

	clerk := s.login(t, "canbo1")
	clerk.Go(desk)

	// Unknown to the database: said so; nothing is filled.
	const unknown = "001099888777"
	clerk.Type("#id_number", unknown)
	clerk.Submit("#tra-cuu-dan-cu")
	if got := clerk.Text("#dan-cu"); !strings.Contains(got, "Không tìm thấy công dân có số định danh cá nhân này trong cơ sở dữ liệu quốc gia về dân cư") ||
		clerk.Value("#applicant_name") != "" || clerk.Value("#f-fullName") != "" {
		t.Fatalf("an unknown number: %q, name %q", got, clerk.Value("#applicant_name"))
	}
	if rows, err := s.Store.PopulationLookupsOf(ctx, unknown); err != nil || len(rows) != 1 || rows[0].ActorID != clerkID ||
		rows[0].Reason != "Tiếp nhận hồ sơ trực tiếp" || rows[0].Found == nil || *rows[0].Found {
		t.Fatalf("the unknown number's lookups: %+v (%v)", rows, err)
	}

	// Known to the database, not to motcua: the answer fills the form.
	walkIn := population.DevelopmentWalkIn
	clerk.Type("#id_number", walkIn)
	clerk.Submit("#tra-cuu-dan-cu")
	if got := clerk.Text("#dan-cu-ho-ten"); got != "Hoàng Thị Lan" {
		t.Fatalf("the database's answer: %q\n%s", got, clerk.Body())
	}
	checkPage(t, clerk, "desk-population")
	for sel, want := range map[string]string{"#applicant_name": "Hoàng Thị Lan", "#f-fullName": "Hoàng Thị Lan", "#f-idNumber": walkIn,
		"#f-birthDate": "21/09/1978", "#f-sex": "nu", "#f-address-street": "Số 8 ngõ 92 Trần Duy Hưng",
		"#f-address-ward": "Phường Yên Hòa", "#f-address-province": "Thành phố Hà Nội", "#id_number": walkIn} {
		if got := clerk.Value(sel); got != want {
			t.Errorf("%s = %q, want %q (prefilled from the population database)", sel, got, want)
		}
	}

	// The clerk fills in the rest (not what the database filled) and registers.
	data := sample(t, s.Stack, p)
	for _, k := range []string{"fullName", "idNumber", "birthDate", "sex", "address"} {
		delete(data, k)
	}
	clerk.Click("#channel-desk")
	fillForm(t, clerk, p, p.Form.Sections, data)
	clerk.Submit(`button[value=register]`)
	if clerk.Has(".error-summary") {
		t.Fatalf("registration refused: %s", clerk.Text(".error-summary"))
	}
	if !strings.Contains(clerk.URL(), "/can-bo/ho-so/") {
		t.Fatalf("after registration: %s\n%s", clerk.URL(), clerk.Body())
	}
	code := motcua.DossierCode(strings.TrimPrefix(strings.Split(clerk.URL(), "?")[0][len(s.URL):], "/can-bo/ho-so/"))
	var name, fullName, birthDate string
	err := s.Store.Pool().QueryRow(ctx, `SELECT u.name, d.form_data->>'fullName', d.form_data->>'birthDate'
		FROM dossiers d JOIN users u ON u.id = d.applicant_id WHERE d.code = $1 AND u.id_number = $2`, code, walkIn).Scan(&name, &fullName, &birthDate)
	if err != nil || name != "Hoàng Thị Lan" || fullName != "Hoàng Thị Lan" || birthDate != "1978-09-21" {
		t.Fatalf("the dossier's applicant: %q, form %q %q (%v)", name, fullName, birthDate, err)
	}
	rows, err := s.Store.PopulationLookupsOf(ctx, walkIn)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d lookups of the walk-in (%v)", len(rows), err)
	}
	if r := rows[0]; r.ActorID != clerkID || r.Reason != "Tiếp nhận hồ sơ trực tiếp" || r.Found == nil || !*r.Found || r.Dossier != string(code) {
		t.Errorf("the walk-in's lookup row %+v, want clerk %d, found, dossier %s", r, clerkID, code)
	}

	// Now that the walk-in has an account, the desk finds it without asking again.
	clerk.Go(desk)
	clerk.Type("#id_number", walkIn)
	clerk.Submit("#tra-cuu-dan-cu")
	if got := clerk.Text("#dan-cu"); !strings.Contains(got, "đã có tài khoản của «Hoàng Thị Lan»") {
		t.Errorf("a number with an account: %q", got)
	}
	if rows, err := s.Store.PopulationLookupsOf(ctx, walkIn); err != nil || len(rows) != 1 {
		t.Errorf("a number with an account was looked up again: %d rows (%v)", len(rows), err)
	}
}

// TestDeskSaysWhenThePopulationDatabaseDoesNotAnswer: with a population database that
// never answers, the desk's lookup ends within its timeout with a Vietnamese message,
// the form stays as the clerk typed it, and the lookup's row is kept unanswered.
func TestDeskSaysWhenThePopulationDatabaseDoesNotAnswer(t *testing.T) {
	st := storetest.NewSeeded(t)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	hung := populationtest.NewHung()
	defer close(hung.Release)
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	lookups := &population.Lookups{Registry: hung, Store: st, Timeout: 300 * time.Millisecond}
	srv := httptest.NewServer(web.New(web.Deps{HTTP: kit, Dossiers: dossiers.New(dossiers.Deps{Store: st, Catalog: cat, Population: lookups}),
		Exchange: exchange.New(exchange.Deps{Store: st}), Store: st, Catalog: cat, Sessions: sessions, DevLogin: true}).Handler())
	t.Cleanup(srv.Close)

	clerk := pageLogin(t, srv.URL, "canbo1")
	start := time.Now()
	got := clerk.post("/can-bo/tiep-nhan/G09.CVTLT.02", url.Values{"id_number": {population.DevelopmentWalkIn}, "channel": {"post"},
		"action": {"lookup"}, "applicant_name": {"Hoàng Thị Lan"}})
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the lookup held the page %s", took)
	}
	if got.Status != 200 || !strings.Contains(got.Body, "Cơ sở dữ liệu quốc gia về dân cư đang không phản hồi") ||
		inputValue(got.Doc, "applicant_name") != "Hoàng Thị Lan" {
		t.Fatalf("a database that does not answer: %d, name %q\n%s", got.Status, inputValue(got.Doc, "applicant_name"), got.Body)
	}
	rows, err := st.PopulationLookupsOf(context.Background(), population.DevelopmentWalkIn)
	if err != nil || len(rows) != 1 || rows[0].Reason != "Tiếp nhận hồ sơ qua bưu chính" || rows[0].Found != nil {
		t.Fatalf("the unanswered lookup's rows: %+v (%v)", rows, err)
	}
}
