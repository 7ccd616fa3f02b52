package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua"
	"motcua/forms"
	"motcua/internal/browsertest"
	"motcua/internal/stacktest"
)

// probe runs js, which must evaluate to something JSON can write, and returns it as JSON.
func probe(t *testing.T, tab *browsertest.Tab, js string) string {
	t.Helper()
	tab.Eval(fmt.Sprintf(`document.body.setAttribute("data-probe", JSON.stringify((() => { %s })()))`, js))
	return tab.Attr("body", "data-probe")
}

// The notes the happy path's staff write (stacktest.NextDecision, drivePages): all of
// them comments between units.
var internalNotes = []string{"Đề nghị cho ý kiến.", "Kính trình lãnh đạo.", "Đủ điều kiện.", "Nhất trí với đề nghị.", "Đồng ý."}

const publicNote = "Hồ sơ của ông đã đủ thành phần, được chuyển đơn vị chuyên môn."

// TestWhatTheApplicantSees follows a citizen through issue 12's findings with a real
// browser: the catalog search without diacritics and in another word order; the fee line
// without the catalog keepers' remark; the e-form with the name prefilled from the
// account, the limits of each component (no 20 MB beside 10 MB), no "draft you saved"
// on a part never saved; the check page's change links whole at 1280 px and without a
// stray ": " at 375 px, each opening the input it names. Then the desk receives the
// dossier three hours after it was sent: the receipt gives the time of receipt, the
// files received per component (three photos, not the two asked) and their form. The
// dossier goes through the staff pages with internal notes and one public one; the
// citizen's page shows their answers and files, a timeline of the domain's labels with
// only the public note, and one result: the issued one. The API says the same.
func TestWhatTheApplicantSees(t *testing.T) {
	s := startSite(t)
	people := &tabs{t: t, s: s, byID: map[string]*browsertest.Tab{}}
	citizen := people.of("congdan1")
	p := procedure(t, s.Stack, "1.013929")

	citizen.Go("/thu-tuc?q=" + url.QueryEscape("luu tru chung chi"))
	if !citizen.Has(`a[href="/thu-tuc/1.013929"]`) {
		t.Errorf("searching «luu tru chung chi» does not find the archive certificate: %s", citizen.Body())
	}
	citizen.Go("/thu-tuc/" + p.Code)
	if body := citizen.Body(); strings.Contains(body, "chưa đối chiếu") || strings.Contains(body, p.Fee.InternalNote) {
		t.Errorf("the fee line shows the catalog's internal remark: %s", body)
	}

	citizen.Go("/thu-tuc/" + p.Code + "/nop")
	if got := citizen.Value("#" + idOf("/fullName")); got != "Trần Văn Minh" {
		t.Errorf("the applicant's name is not prefilled from the account: %q", got)
	}
	data := sample(t, s.Stack, p)
	data["fileAnh"] = []any{"1", "2", "3"} // three photos where two are asked
	anh, _ := p.Component("anh")
	for page := 1; strings.Contains(citizen.URL(), "/nop"); page++ {
		if page > len(p.Form.Sections) {
			t.Fatalf("still on the form after %d pages: %s", page-1, citizen.Body())
		}
		body := citizen.Body()
		if strings.Contains(body, "Đây là bản nháp bạn đã lưu") {
			t.Errorf("part %d, never saved, says it is the draft you saved", page)
		}
		if strings.Contains(body, "20 MB") {
			t.Errorf("part %d states 20 MB where the components take less: %s", page, body)
		}
		var here []forms.Section
		for _, sec := range p.Form.Sections {
			if citizen.Has("#muc-" + sec.ID) {
				here = append(here, sec)
			}
		}
		if citizen.Has("#" + idOf("/fileAnh")) {
			hint := ""
			if sel := "#" + idOf("/fileAnh") + "-hint"; citizen.Has(sel) {
				hint = citizen.Text(sel)
			}
			if !strings.Contains(hint, "tối đa 2 MB") || !strings.Contains(hint, "Cần 2 ảnh") || strings.Contains(hint, "PDF") {
				t.Errorf("the photos' hint %q does not say what the component takes (%s)", hint, anh.Limits())
			}
			if got := citizen.Attr("#"+idOf("/fileAnh"), "accept"); got != "image/jpeg,image/png" {
				t.Errorf("the photo input accepts %q", got)
			}
		}
		fillForm(t, citizen, p, here, data)
		citizen.Submit(`button[name=action][value=continue]`)
		if citizen.Has(".error-summary") {
			t.Fatalf("part %d of the valid form was refused: %s", page, citizen.Text(".error-summary"))
		}
	}
	checkURL := citizen.URL()

	// The check page: every "Sửa" link on one line at a desk's width, no ": " before it
	// on a phone, and each opens the input it names.
	citizen.Do("desk", chromedp.EmulateViewport(1280, 900))
	if broken := probe(t, citizen, `return [...document.querySelectorAll('table.responsive td a[href*="#"]')]
		.filter(a => a.getClientRects().length !== 1 || a.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(a).lineHeight || 20))
		.map(a => a.closest('tr').querySelector('td').innerText)`); broken != "[]" {
		t.Errorf("at 1280 px these change links are broken over lines: %s", broken)
	}
	citizen.Do("phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulatePortrait), chromedp.Sleep(100*time.Millisecond))
	if stray := probe(t, citizen, `return [...document.querySelectorAll('table.responsive td')]
		.map(td => getComputedStyle(td, '::before').content).filter(c => /^"\s*:/.test(c)).length`); stray != "0" {
		t.Errorf("at 375 px %s cells begin with a stray \": \"", stray)
	}
	citizen.Do("desk", chromedp.EmulateViewport(1280, 900))
	var hrefs []string
	_ = json.Unmarshal([]byte(probe(t, citizen, `return [...document.querySelectorAll('table.responsive td a[href*="#"]')].map(a => a.getAttribute('href'))`)), &hrefs)
	if len(hrefs) == 0 {
		t.Fatalf("no change links on the check page: %s", citizen.Body())
	}
	for _, h := range hrefs {
		citizen.Go(h)
		if _, id, _ := strings.Cut(h, "#"); !citizen.Has("#" + id) {
			t.Errorf("the change link %s opens a page without #%s", h, id)
		}
	}
	citizen.Go(strings.TrimPrefix(checkURL, s.URL))
	citizen.Submit("form button[type=submit]:not(.link)")
	code := motcua.DossierCode(strings.TrimSpace(citizen.Text("#ma-ho-so")))
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		t.Fatalf("no dossier code: %v\n%s", err, citizen.Body())
	}

	// Sent three hours before the desk receives it.
	ctx := context.Background()
	if _, err := s.Store.Pool().Exec(ctx, `UPDATE dossiers SET submitted_at = submitted_at - interval '3 hours' WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
	decide(t, people.of("canbo1"), code, "receive", publicNote, `input[name=notePublic]`)
	s.Settle(code) // the receipt is made after the click
	var submitted, received time.Time
	if err := s.Store.Pool().QueryRow(ctx, `SELECT submitted_at, received_at FROM dossiers WHERE code = $1`, code).Scan(&submitted, &received); err != nil {
		t.Fatal(err)
	}
	status, pdf := citizen.Fetch("/api/v1/dossiers/" + string(code) + "/receipt")
	if status != 200 {
		t.Fatalf("receipt: %d", status)
	}
	text := stacktest.PDFText(t, pdf)
	at := func(tm time.Time) string {
		tm = tm.In(motcua.Vietnam)
		return fmt.Sprintf("%02d giờ %02d phút, ngày %s", tm.Hour(), tm.Minute(), tm.Format("02/01/2006"))
	}
	if !strings.Contains(text, "Thời gian nhận hồ sơ: "+at(received)) || strings.Contains(text, at(submitted)) {
		t.Errorf("the receipt does not give the time of receipt %s (sent %s):\n%s", at(received), at(submitted), text)
	}
	for _, c := range p.Components {
		// The column is narrow: "Bản sao chứng thực" wraps after its third word.
		words := strings.Fields(c.Kind.Label())
		if len(words) == 0 || !strings.Contains(text, strings.Join(words[:min(3, len(words))], " ")) {
			t.Errorf("the receipt's Hình thức column lacks %q for %s:\n%s", c.Kind.Label(), c.Name, text)
		}
	}
	if !regexp.MustCompile(`Ảnh chân dung[^.]*?Bản chính 03\b`).MatchString(text) {
		t.Errorf("the receipt does not count the three photos received:\n%s", text)
	}

	drivePages(t, s, people, code, p, false)

	citizen.Go("/ho-so/" + string(code))
	answers := ""
	if citizen.Has("#bang-thong-tin") {
		answers = citizen.Text("#bang-thong-tin")
	}
	if got := answers; !strings.Contains(got, "Trần Văn Minh") || !strings.Contains(got, fmt.Sprint(data["idNumber"])) {
		t.Errorf("the dossier page does not show the answers: %s", got)
	}
	var files int
	if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM files f JOIN dossiers d ON d.id = f.dossier_id WHERE d.code = $1`, code).Scan(&files); err != nil {
		t.Fatal(err)
	}
	if got := citizen.Count("#danh-sach-tep li a"); got != files || files < 3 {
		t.Errorf("the dossier page lists %d files of %d", got, files)
	}
	labels := map[string]bool{"Nộp hồ sơ": true}
	for _, k := range motcua.EventKinds() {
		if l := k.Label(); l != string(k) {
			labels[l] = true
		}
	}
	var events []string
	_ = json.Unmarshal([]byte(probe(t, citizen, `return [...document.querySelectorAll('ol.timeline li strong')].map(e => e.innerText)`)), &events)
	if len(events) < 5 {
		t.Fatalf("the timeline has %d events: %s", len(events), citizen.Body())
	}
	for _, e := range events {
		if !labels[e] {
			t.Errorf("the timeline says %q, which is no label of the domain's vocabulary", e)
		}
	}
	timeline := citizen.Text("ol.timeline")
	for _, n := range internalNotes {
		if strings.Contains(timeline, n) {
			t.Errorf("the citizen's timeline shows the internal note %q", n)
		}
	}
	if !strings.Contains(timeline, publicNote) {
		t.Errorf("the citizen's timeline lacks the note marked public: %s", timeline)
	}
	if n := citizen.Count(`a[href*="/documents/"]:not(.button)`); n == 0 {
		t.Errorf("no documents listed: %s", citizen.Body())
	}
	results := probe(t, citizen, `return [...document.querySelectorAll('a[href*="/documents/"]:not(.button)')].filter(a => a.innerText.startsWith('Kết quả')).length`)
	if results != "1" {
		t.Errorf("the citizen's page lists %s results, want only the issued one: %s", results, citizen.Body())
	}

	// The API tells the applicant the same.
	var dd struct {
		History []struct {
			Note string `json:"note"`
		} `json:"history"`
		Documents []struct {
			ID, Kind, Number string
		} `json:"documents"`
	}
	s.As("congdan1").MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &dd)
	var notes []string
	for _, e := range dd.History {
		notes = append(notes, e.Note)
	}
	for _, n := range internalNotes {
		if slices.Contains(notes, n) {
			t.Errorf("the API gives the applicant the internal note %q", n)
		}
	}
	if !slices.Contains(notes, publicNote) {
		t.Errorf("the API withholds the public note: %q", notes)
	}
	var shown []string
	for _, d := range dd.Documents {
		if d.Kind == string(motcua.DocResult) {
			shown = append(shown, d.Number)
		}
	}
	if len(shown) != 1 || shown[0] == "" {
		t.Errorf("the API lists results %q to the applicant, want the one numbered", shown)
	}
	var unnumbered string
	if err := s.Store.Pool().QueryRow(ctx, `SELECT doc.id FROM documents doc JOIN dossiers d ON d.id = doc.dossier_id
		WHERE d.code = $1 AND doc.kind = 'result' AND doc.number IS NULL`, code).Scan(&unnumbered); err != nil {
		t.Fatalf("the leader-signed copy: %v", err)
	}
	if r := s.As("congdan1").Get("/api/v1/dossiers/" + string(code) + "/documents/" + unnumbered); r.Status != 404 {
		t.Errorf("the applicant downloads the leader-signed, unnumbered copy: %d", r.Status)
	}
	// The portal's status lines are read by the applicant too.
	var leaked int
	if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
		WHERE d.code = $1 AND o.content LIKE ANY ($2)`, code, likeAny(internalNotes)).Scan(&leaked); err != nil {
		t.Fatal(err)
	}
	if leaked > 0 {
		t.Errorf("%d status lines for the portal carry internal notes", leaked)
	}
	if r := s.As("canbo1").Get("/api/v1/dossiers/" + string(code)); !strings.Contains(string(r.Body), "Kính trình lãnh đạo.") {
		t.Errorf("staff no longer read the internal notes: %s", r.Body)
	}
}

func likeAny(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "%" + s + "%"
	}
	return out
}

// TestWithdrawalAsksForConfirmation: "Rút hồ sơ" leads to a page that says what it
// means; only "Xác nhận rút hồ sơ" withdraws, and going back leaves the dossier as it
// was. The saved draft's notice appears where answers were saved.
func TestWithdrawalAsksForConfirmation(t *testing.T) {
	s := startSite(t)
	citizen := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	sub := stacktest.Submit(s.As("congdan1"), p)

	citizen.Go("/ho-so/" + string(sub.Code))
	citizen.Type("#rut-ly-do", "Tôi nộp nhầm thủ tục.")
	citizen.Submit(`form[action$="/rut"] button[type=submit]`)
	if got := s.State(sub.Code).Status; got != motcua.StatusSubmitted {
		t.Fatalf("one click withdrew the dossier: %s", got)
	}
	if !citizen.Has("#xac-nhan-rut") || !strings.Contains(citizen.Body(), "Tôi nộp nhầm thủ tục.") {
		t.Fatalf("no confirmation page: %s", citizen.Body())
	}
	checkPage(t, citizen, "withdraw-confirm")
	citizen.Submit(`a[href="/ho-so/` + string(sub.Code) + `"]`)
	if got := s.State(sub.Code).Status; got != motcua.StatusSubmitted {
		t.Fatalf("going back withdrew the dossier: %s", got)
	}
	citizen.Type("#rut-ly-do", "Tôi nộp nhầm thủ tục.")
	citizen.Submit(`form[action$="/rut"] button[type=submit]`)
	citizen.Submit(`#xac-nhan-rut ~ form button[type=submit]`)
	if got := s.State(sub.Code).Status; got != motcua.StatusWithdrawn {
		t.Fatalf("the confirmed withdrawal did not withdraw: %s\n%s", got, citizen.Body())
	}
	var dd struct {
		History []struct {
			Action, Note string
		} `json:"history"`
	}
	s.As("congdan1").MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &dd)
	if n := len(dd.History); n == 0 || dd.History[n-1].Action != "withdraw" || dd.History[n-1].Note != "Tôi nộp nhầm thủ tục." {
		t.Errorf("the withdrawal's reason is not the applicant's: %+v", dd.History)
	}

	// A long form: part 1 saved as a draft shows the notice when the citizen comes back;
	// part 2, reached by "Tiếp tục", was never saved and does not.
	long := procedure(t, s.Stack, "1.014936")
	citizen.Go("/thu-tuc/" + long.Code + "/nop")
	if !strings.Contains(citizen.URL(), "muc=") && !citizen.Has("#phan") {
		t.Skipf("%s is one page", long.Code)
	}
	data := sample(t, s.Stack, long)
	var here []forms.Section
	for _, sec := range long.Form.Sections {
		if citizen.Has("#muc-" + sec.ID) {
			here = append(here, sec)
		}
	}
	fillForm(t, citizen, long, here, data)
	citizen.Submit(`button[name=action][value=continue]`)
	if strings.Contains(citizen.Body(), "Đây là bản nháp bạn đã lưu") {
		t.Errorf("part 2, never saved, says it is the draft you saved")
	}
	citizen.Go("/thu-tuc/" + long.Code + "/nop?muc=1")
	if !strings.Contains(citizen.Body(), "Đây là bản nháp bạn đã lưu") {
		t.Errorf("part 1, saved, does not say it is the draft: %s", citizen.Body())
	}
}
