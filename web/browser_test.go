package web_test

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/browsertest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// site is the whole system and a browser pointed at it.
type site struct {
	*stacktest.Stack
	browser *browsertest.Browser
}

func startSite(t *testing.T, opts ...stacktest.Options) *site {
	t.Helper()
	s := stacktest.Start(t, opts...)
	return &site{Stack: s, browser: browsertest.Start(t, s.URL)}
}

// login opens a tab of its own for username and logs in through the login form.
func (s *site) login(t *testing.T, username string) *browsertest.Tab {
	t.Helper()
	tab := s.browser.NewTab(t)
	tab.Go("/dang-nhap")
	tab.Type("#username", username)
	tab.Type("#password", "demo")
	tab.Submit("form.card button[type=submit]")
	if strings.Contains(tab.URL(), "/dang-nhap") {
		t.Fatalf("%s could not log in: %s", username, tab.Body())
	}
	return tab
}

// sample reads a procedure version's valid sample form data from the catalog, its recent
// dates made relative to the stack's clock.
func sample(t *testing.T, s *stacktest.Stack, p *forms.Procedure) map[string]any {
	t.Helper()
	b, err := formstest.Valid(p.Code, p.Version, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	return data
}

// fillForm fills the e-form page as a person would, with the catalog's valid sample:
// first it grows the repeating groups to the sample's size ("Thêm ..."), then it types
// every value and attaches a file of the right type to every file field.
func fillForm(t *testing.T, tab *browsertest.Tab, proc *forms.Procedure, sections []forms.Section, data map[string]any) {
	t.Helper()
	var grow func(fs []forms.Field, m map[string]any, path string)
	grow = func(fs []forms.Field, m map[string]any, path string) {
		for _, fd := range fs {
			if fd.Kind != forms.KindGroup {
				continue
			}
			items, _ := m[fd.Key].([]any)
			p := path + "/" + fd.Key
			for tab.Count(fmt.Sprintf(`fieldset#%s > fieldset.group-item`, idOf(p))) < len(items) {
				tab.Submit(fmt.Sprintf(`button[name=action][value="add:%s"]`, p))
			}
		}
	}
	var fill func(fs []forms.Field, m map[string]any, path string)
	fill = func(fs []forms.Field, m map[string]any, path string) {
		for _, fd := range fs {
			v, ok := m[fd.Key]
			if !ok {
				continue
			}
			p := path + "/" + fd.Key
			id := "#" + idOf(p)
			switch fd.Kind {
			case forms.KindGroup:
				for i, it := range v.([]any) {
					fill(fd.Fields, it.(map[string]any), fmt.Sprintf("%s/%d", p, i))
				}
			case forms.KindAddress:
				fill(fd.Fields, v.(map[string]any), p)
			case forms.KindYesNo:
				// Samples may write the answer in words ("không"): the page's values are true / false.
				yes := v == true || v == "true" || v == "có"
				tab.Click(fmt.Sprintf("%s-%t", id, yes))
			case forms.KindChoice:
				tab.Set(id, fmt.Sprint(v))
			case forms.KindFile:
				n := 1
				if l, ok := v.([]any); ok && len(l) > 0 {
					n = len(l)
				}
				var files []string
				for i := range n {
					files = append(files, sampleFile(t, proc, p, fd, i))
				}
				tab.Upload(id, files...)
			case forms.KindDate:
				s := fmt.Sprint(v)
				if len(s) == 10 && s[4] == '-' {
					s = s[8:10] + "/" + s[5:7] + "/" + s[0:4]
				}
				tab.Type(id, s)
			case forms.KindNumber, forms.KindMoney:
				if f, ok := v.(float64); ok {
					tab.Type(id, strings.TrimSuffix(fmt.Sprintf("%f", f), ".000000"))
				} else {
					tab.Type(id, fmt.Sprint(v))
				}
			default:
				tab.Type(id, fmt.Sprint(v))
			}
		}
	}
	for _, sec := range sections {
		grow(sec.Fields, data, "")
	}
	for _, sec := range sections {
		fill(sec.Fields, data, "")
	}
}

// sampleFile writes a file the field's component accepts and returns its path.
func sampleFile(t *testing.T, proc *forms.Procedure, path string, fd forms.Field, i int) string {
	t.Helper()
	name, data := stacktest.SampleFile(proc, fd)
	f := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d-%s", strings.NewReplacer("/", "-").Replace(strings.Trim(path, "/")), i, name))
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func idOf(path string) string { return "f" + strings.NewReplacer("/", "-", "~", "_").Replace(path) }

// checkPage runs the accessibility check on the page shown, checks that it fits a
// 360 px phone without sideways scrolling, and takes its screenshots.
func checkPage(t *testing.T, tab *browsertest.Tab, name string) {
	t.Helper()
	for _, p := range tab.Accessibility() {
		t.Errorf("%s (%s): %s", name, tab.URL(), p)
	}
	if over := tab.OverflowAt(360); over > 0 {
		t.Errorf("%s (%s) is %d px too wide for a 360 px phone", name, tab.URL(), over)
	}
	tab.Screenshot(name)
}

// submitThroughPages takes a citizen through the catalog, the procedure's page, the
// e-form (with a draft saved on the way), the check-your-answers page and the
// confirmation, and returns the new dossier's code.
func submitThroughPages(t *testing.T, s *site, tab *browsertest.Tab, p *forms.Procedure, shots bool) motcua.DossierCode {
	t.Helper()
	tab.Go("/thu-tuc?q=" + strings.ReplaceAll(p.Code, " ", "+"))
	if shots {
		checkPage(t, tab, "catalog")
	}
	tab.Submit(fmt.Sprintf(`a[href="/thu-tuc/%s"]`, p.Code))
	if got := tab.Text("h1"); got != p.Name {
		t.Fatalf("procedure page heading %q, want %q", got, p.Name)
	}
	if shots {
		checkPage(t, tab, "procedure")
	}
	tab.Submit("a.start")
	fillThroughPages(t, s.Stack, tab, p, shots)
	if shots {
		checkPage(t, tab, "check-answers")
		// "Sửa" beside an answer of the last section goes back to that part of the form.
		last := p.Form.Sections[len(p.Form.Sections)-1]
		href := tab.Attr(fmt.Sprintf(`a[href$="#%s"]`, idOf("/"+last.Fields[0].Key)), "href")
		if want := fmt.Sprintf("?muc=%d#", len(p.Form.Sections)); !strings.Contains(href, want) {
			t.Errorf("the change link of %s is %q, want the part %s", last.Fields[0].Key, href, want)
		}
	}
	tab.Submit("form button[type=submit]:not(.link)")
	code := motcua.DossierCode(strings.TrimSpace(tab.Text("#ma-ho-so")))
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		t.Fatalf("confirmation shows no dossier code: %v\n%s", err, tab.Body())
	}
	if shots {
		checkPage(t, tab, "submitted")
	}
	return code
}

// fillThroughPages fills the e-form, from the page the tab shows, with the catalog's
// sample and goes on to the check-your-answers page.
func fillThroughPages(t *testing.T, s *stacktest.Stack, tab *browsertest.Tab, p *forms.Procedure, shots bool) {
	t.Helper()
	data := sample(t, s, p)
	// A long form comes one section a page; each page is filled, the first is also saved
	// as a draft on the way, and "Tiếp tục" goes on until the check page.
	for page := 1; strings.Contains(tab.URL(), "/nop"); page++ {
		if page > len(p.Form.Sections) {
			t.Fatalf("still on the form after %d pages: %s", page-1, tab.Body())
		}
		var here []forms.Section
		for _, sec := range p.Form.Sections {
			if tab.Has("#muc-" + sec.ID) {
				here = append(here, sec)
			}
		}
		fillForm(t, tab, p, here, data)
		if page == 1 {
			tab.Submit(`button[name=action][value=save]`)
			if !strings.Contains(tab.Body(), "Đã lưu bản nháp") {
				t.Fatalf("no draft notice: %s", tab.Body())
			}
			if shots {
				checkPage(t, tab, "form")
			}
		}
		tab.Submit(`button[name=action][value=continue]`)
		if tab.Has(".error-summary") {
			t.Fatalf("page %d of the valid form was refused: %s", page, tab.Text(".error-summary"))
		}
	}
	if !strings.HasSuffix(strings.TrimRight(tab.URL(), "/"), "/kiem-tra") {
		t.Fatalf("the valid form did not go on to the check page: %s\n%s", tab.URL(), tab.Body())
	}
}

// TestAFileRefusedAtSubmissionIsShownOnItsField: a PDF where the component takes only
// photos passes the form's pages (their check is the form's) but not the submission;
// the citizen is shown the part holding that field, the error linked to it, corrects
// it, and submits. No dossier is made by the refused attempt.
func TestAFileRefusedAtSubmissionIsShownOnItsField(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "G09.CVTLT.02") // fileAnh: a photo (JPEG or PNG)
	tab.Go("/thu-tuc/" + p.Code + "/nop")
	fillThroughPages(t, s.Stack, tab, p, false)
	last := len(p.Form.Sections)
	tab.Go(fmt.Sprintf("/thu-tuc/%s/nop?muc=%d", p.Code, last))
	// Take the photos off: untick each one the page lists.
	untickAll := func() {
		for tab.Count(`input[type=checkbox][name="/fileAnh"]:checked`) > 0 {
			tab.Click(`input[type=checkbox][name="/fileAnh"]:checked`)
		}
	}
	untickAll()
	// Two files, as the component asks for two photos: the form's pages take them, the
	// submission refuses their type.
	dir := t.TempDir()
	pdfs := []string{filepath.Join(dir, "anh-1.pdf"), filepath.Join(dir, "anh-2.pdf")}
	for i, f := range pdfs {
		if err := os.WriteFile(f, stacktest.SamplePDF(fmt.Sprintf("not a photo %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tab.Upload("#f-fileAnh", pdfs...)
	tab.Submit(`button[name=action][value=continue]`)
	tab.Submit("form button[type=submit]:not(.link)") // "Nộp hồ sơ"
	if tab.Status() != 422 || !tab.Has(`.error-summary a[href="#f-fileAnh"]`) || !tab.Has("#f-fileAnh-error") {
		t.Fatalf("the refused photo is not shown on its field: %d %s", tab.Status(), tab.Body())
	}
	if got := tab.Text("#phan"); got != fmt.Sprintf("Phần %d trên %d", last, last) {
		t.Errorf("shown on %q, want the last part", got)
	}
	var n int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM submissions`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d submissions stored by the refused attempt (%v)", n, err)
	}
	untickAll()
	pngs := []string{filepath.Join(dir, "anh-1.png"), filepath.Join(dir, "anh-2.png")}
	for _, f := range pngs {
		if err := os.WriteFile(f, stacktest.SamplePNG(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tab.Upload("#f-fileAnh", pngs...)
	tab.Submit(`button[name=action][value=continue]`)
	tab.Submit("form button[type=submit]:not(.link)")
	if !tab.Has("#ma-ho-so") {
		t.Fatalf("the corrected form was not submitted: %d %s\n%s", tab.Status(), tab.URL(), tab.Body())
	}
}

// TestCitizenSubmitsThroughThePages: a citizen submits dossiers of two procedures
// through the pages; each lands in PostgreSQL with its workflow running, and "my
// dossiers" lists both.
func TestCitizenSubmitsThroughThePages(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	var codes []motcua.DossierCode
	for i, code := range []string{"G09.CVTLT.02", "1.014936"} { // procedures a citizen may apply to
		p := procedure(t, s.Stack, code)
		c := submitThroughPages(t, s, tab, p, i == 0)
		if st := s.State(c); st.Status != motcua.StatusSubmitted {
			t.Errorf("%s: workflow state %s, want submitted", c, st.Status)
		}
		codes = append(codes, c)
	}
	// The public lookup: the code and the applicant's ID number find the dossier, for
	// anyone; another value written in the form (the applicant's name) finds nothing.
	p0 := procedure(t, s.Stack, "G09.CVTLT.02")
	idNumber := fmt.Sprint(sample(t, s.Stack, p0)["idNumber"])
	anyone := s.browser.NewTab(t)
	anyone.Go("/tra-cuu")
	anyone.Type("#code", string(codes[0]))
	anyone.Type("#id_number", idNumber)
	anyone.Submit(`form[action="/tra-cuu"] button[type=submit]`)
	if got := anyone.Body(); anyone.Status() != 200 || !strings.Contains(got, "Kết quả tra cứu") || !strings.Contains(got, p0.Name) {
		t.Errorf("lookup by code and ID number: %d %s", anyone.Status(), got)
	}
	checkPage(t, anyone, "lookup")
	anyone.Type("#id_number", fmt.Sprint(sample(t, s.Stack, p0)["fullName"]))
	anyone.Submit(`form[action="/tra-cuu"] button[type=submit]`)
	if anyone.Status() != 422 || strings.Contains(anyone.Body(), "Kết quả tra cứu") {
		t.Errorf("lookup by the applicant's name: %d %s", anyone.Status(), anyone.Body())
	}

	tab.Go("/ho-so")
	body := tab.Body()
	for _, c := range codes {
		if !strings.Contains(body, string(c)) {
			t.Errorf("my dossiers lacks %s", c)
		}
	}
	checkPage(t, tab, "my-dossiers")
	tab.Submit(fmt.Sprintf(`a[href="/ho-so/%s"]`, codes[0]))
	if !strings.Contains(tab.Body(), "Nộp hồ sơ") {
		t.Errorf("the dossier page has no timeline: %s", tab.Body())
	}
	checkPage(t, tab, "dossier")
}

// TestFormErrorsInTheBrowser: a long form comes one section a page; a page with several
// wrong fields shows the error summary
// at the top, each message beside its field, links from the summary to the fields,
// the values typed kept; a missing dossier and a missing page are 404 pages, and a
// citizen opening a clerk's page gets a 403 page that says what to do.
func TestFormErrorsInTheBrowser(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	tab.Go("/thu-tuc/" + p.Code + "/nop")
	if got := tab.Text("#phan"); got != "Phần 1 trên 3" {
		t.Errorf("the long form's first page says %q, want «Phần 1 trên 3»", got)
	}
	tab.Type("#f-fullName", "Trần Văn Minh")
	tab.Type("#f-birthDate", "31/02/1990")
	tab.Type("#f-idNumber", "12345")
	tab.Type("#f-phone", "0123")
	tab.Submit(`button[name=action][value=continue]`)
	if tab.Status() != 422 {
		t.Errorf("status %d, want 422", tab.Status())
	}
	if !tab.Has(".error-summary") {
		t.Fatalf("no error summary: %s", tab.Body())
	}
	summary := tab.Text(".error-summary")
	for _, id := range []string{"f-birthDate", "f-idNumber", "f-phone", "f-sex"} {
		if !tab.Has(fmt.Sprintf(`.error-summary a[href="#%s"]`, id)) {
			t.Errorf("the summary does not link to #%s: %s", id, summary)
		}
		if !tab.Has(fmt.Sprintf(`#%s-error`, id)) {
			t.Errorf("no message beside #%s", id)
		}
	}
	if v := tab.Value("#f-fullName"); v != "Trần Văn Minh" {
		t.Errorf("the name typed was lost: %q", v)
	}
	if !strings.HasPrefix(tab.Title(), "Lỗi: ") {
		t.Errorf("title %q does not say there are errors", tab.Title())
	}
	checkPage(t, tab, "form-errors")

	tab.Go("/ho-so/000.00.01.G09-261123-9999")
	if tab.Status() != 404 || !strings.Contains(tab.Body(), "Không tìm thấy") {
		t.Errorf("missing dossier: %d %s", tab.Status(), tab.Body())
	}
	checkPage(t, tab, "not-found")
	tab.Go("/can-bo/viec")
	if tab.Status() != 403 || !strings.Contains(tab.Body(), "Bạn không có quyền xem trang này") ||
		!strings.Contains(tab.Body(), "liên hệ quản trị") {
		t.Errorf("a citizen opening the clerk's inbox: %d %s", tab.Status(), tab.Body())
	}
	checkPage(t, tab, "forbidden")
	tab.Go("/khong-co-trang-nay")
	if tab.Status() != 404 || !strings.Contains(tab.Body(), "Về trang chủ") {
		t.Errorf("missing page: %d %s", tab.Status(), tab.Body())
	}
}

// tabs are the people of a browser test, each logged in once in a tab of their own.
type tabs struct {
	t    *testing.T
	s    *site
	byID map[string]*browsertest.Tab
}

func (tt *tabs) of(username string) *browsertest.Tab {
	tt.t.Helper()
	if tab, ok := tt.byID[username]; ok {
		return tab
	}
	tab := tt.s.login(tt.t, username)
	tt.byID[username] = tab
	return tab
}

// decide takes a decision on the staff dossier page as username: it types note into
// every box of the decision's form, ticks what extra picks, and submits it.
func decide(t *testing.T, tab *browsertest.Tab, code motcua.DossierCode, action, note string, extra ...string) {
	t.Helper()
	tab.Go("/can-bo/ho-so/" + string(code))
	form := fmt.Sprintf(`form:has(input[name=action][value="%s"])`, action)
	if !tab.Has(form) {
		t.Fatalf("%s: no %q form on the dossier page: %s", code, action, tab.Body())
	}
	tab.Eval(fmt.Sprintf(`document.querySelectorAll(%q).forEach(el => { el.value = %q })`, form+" textarea", note))
	for _, sel := range extra {
		tab.Click(form + " " + sel)
	}
	tab.Submit(form + ` button[type=submit]`)
	if tab.Has(".error-summary") {
		t.Fatalf("%s: %s refused: %s", code, action, tab.Text(".error-summary"))
	}
}

// drivePages takes a dossier from review to the returned result through the staff
// pages: steps handed on (with consultation where the step asks), submitted for
// signing, signed from the leader's queue with the PIN, issued, returned.
func drivePages(t *testing.T, s *site, people *tabs, code motcua.DossierCode, p *forms.Procedure, shots bool) {
	t.Helper()
	consulted := false
	for range 30 {
		s.Settle(code) // the last decision's notice (a draft the queue previews) is made after its click
		st := s.State(code)
		user, body, done, err := stacktest.NextDecision(p, st, consulted)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if done {
			return
		}
		action := body["action"].(string)
		note, _ := body["note"].(string)
		if answer, ok := body["answer"].(string); ok {
			note = answer
		}
		switch action {
		case "consult":
			consulted = true
			decide(t, people.of(user), code, action, note, `input[name=units]`)
		case "sign":
			leader := people.of(user)
			leader.Go("/lanh-dao/trinh-ky")
			box := fmt.Sprintf(`input[name=codes][value="%s"]`, code)
			if !leader.Has(box) {
				t.Fatalf("%s is not in %s's signing queue: %s", code, user, leader.Body())
			}
			// The draft is previewed on the page, in a frame the download allows.
			src := leader.Attr(fmt.Sprintf(`tr:has(%s) iframe.preview`, box), "src")
			if src == "" {
				t.Fatalf("%s: the queue does not preview the draft", code)
			}
			if st, pdf := leader.Fetch(src); st != 200 || !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("%s: the draft preview answers %d", code, st)
			}
			if r := s.As(user).Get(src); !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") ||
				r.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
				t.Errorf("%s: the draft may not be framed by the queue: %v", code, r.Header)
			}
			if shots {
				checkPage(t, leader, "signing-queue")
			}
			leader.Click(box)
			leader.Type("#pin", "123456")
			leader.Submit(`#ky-so button[type=submit]`)
			if got := s.State(code).Status; got != motcua.StatusSigned {
				t.Fatalf("%s after signing from the queue: %s\n%s", code, got, leader.Body())
			}
		default:
			if note == "" {
				note = "Đồng ý."
			}
			decide(t, people.of(user), code, action, note)
		}
	}
	t.Fatalf("%s did not finish", code)
}

// TestWholePathThroughThePages: a citizen submits dossiers of two procedures through
// the pages; the desk receives each, the reviewer asks for a supplement, the citizen
// answers with a file on the dossier page, the steps go on through the staff pages,
// the leader signs from the signing queue with the PIN, the result is issued and
// returned; the citizen downloads the signed result (two signatures pdfsig validates)
// and the verification page, given the file or the QR link, says it is valid.
func TestWholePathThroughThePages(t *testing.T) {
	s := startSite(t)
	people := &tabs{t: t, s: s, byID: map[string]*browsertest.Tab{}}
	citizen := people.of("congdan1")
	for i, pc := range []string{"G09.CVTLT.02", "1.014936"} { // procedures a citizen may apply to
		p := procedure(t, s.Stack, pc)
		code := submitThroughPages(t, s, citizen, p, false)

		if i == 1 {
			desk := people.of("canbo1")
			desk.Go("/can-bo/viec")
			if !strings.Contains(desk.Body(), string(code)) {
				t.Errorf("the desk's inbox lacks %s", code)
			}
			checkPage(t, desk, "inbox")
		}
		decide(t, people.of("canbo1"), code, "receive", "Hồ sơ đủ thành phần.")
		if i == 0 {
			checkPage(t, people.of("canbo1"), "staff-dossier")
		}
		reviewer, _ := s.Actor(code, p)
		decide(t, people.of(reviewer), code, "request-supplement", "Thiếu bản sao chứng thực.")
		if got := s.State(code).Status; got != motcua.StatusSupplementRequested {
			t.Fatalf("%s after the request: %s", code, got)
		}

		citizen.Go("/ho-so/" + string(code))
		if !strings.Contains(citizen.Body(), "Việc bạn cần làm") {
			t.Errorf("%s: the citizen is not told what to do: %s", code, citizen.Body())
		}
		if i == 0 {
			checkPage(t, citizen, "dossier-supplement")
		}
		citizen.Upload("#bo-sung-tep", sampleFile(t, p, "/bo-sung", forms.Field{Component: p.Components[0].ID}, 0))
		citizen.Type("#bo-sung-ghi-chu", "Đã bổ sung bản sao chứng thực.")
		citizen.Submit(`form[action$="/bo-sung"] button[type=submit]`)
		if !strings.Contains(citizen.Body(), "Đã gửi giấy tờ bổ sung") {
			t.Fatalf("%s: the supplement was not taken: %s", code, citizen.Body())
		}

		drivePages(t, s, people, code, p, i == 0)

		citizen.Go("/ho-so/" + string(code))
		if !strings.Contains(citizen.Body(), "Thông báo gửi bạn") || !strings.Contains(citizen.Body(), "đã gửi thư điện tử") {
			t.Errorf("%s: the citizen's page does not show the notifications e-mailed: %s", code, citizen.Body())
		}
		mailed := 0
		for _, m := range s.Mailbox.Messages() {
			subject, _ := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject"))
			if m.To[0] == "congdan1@example.vn" && strings.Contains(subject+m.Raw, string(code)) {
				mailed++
			}
		}
		if mailed < 2 {
			t.Errorf("%s: %d e-mails to the citizen, want at least the supplement request and the result", code, mailed)
		}
		href := citizen.Attr(`a.button[href*="/documents/"]`, "href")
		if href == "" {
			t.Fatalf("%s: no download of the result: %s", code, citizen.Body())
		}
		status, pdf := citizen.Fetch(href)
		if status != 200 || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("%s: result download %d", code, status)
		}
		if report := s.Pdfsig(t, pdf); strings.Count(report, "Signature is Valid") != 2 {
			t.Errorf("%s: pdfsig does not validate two signatures:\n%s", code, report)
		}

		file := filepath.Join(t.TempDir(), "ket-qua.pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		verifier := s.browser.NewTab(t)
		verifier.Go("/tra-cuu/xac-thuc")
		verifier.Upload("#file", file)
		verifier.Submit(`form[action="/tra-cuu/xac-thuc"] button[type=submit]`)
		if got := verifier.Text("#ket-luan"); !strings.Contains(got, "Văn bản hợp lệ") {
			t.Errorf("%s: the verification page says %q", code, got)
		}
		// The QR code printed on the result, read as a phone would, opens the page that
		// verifies the very document the citizen holds: both signatures.
		link := stacktest.QRLink(t, pdf)
		u, err := url.Parse(link)
		if err != nil || u.Path != "/tra-cuu/xac-thuc" {
			t.Fatalf("%s: the QR code says %q", code, link)
		}
		// Issue 11: the link carries a random ID, not the dossier code and a sequence.
		if ma := u.Query().Get("ma"); !store.ValidVerifyID(ma) || strings.Contains(link, string(code)) {
			t.Errorf("%s: the QR code's verification ID %q can be guessed", code, ma)
		}
		verifier.Go(u.RequestURI())
		if got := verifier.Text("#ket-luan"); !strings.Contains(got, "Văn bản hợp lệ") || !strings.Contains(verifier.Body(), string(code)) ||
			verifier.Count("h3") != 2 {
			t.Errorf("%s: the QR link's page says %q with %d signatures:\n%s", code, got, verifier.Count("h3"), verifier.Body())
		}
		if i == 0 {
			checkPage(t, verifier, "verify")
		}
	}
	// The other main pages, now that there is work and history to show.
	for _, pg := range []struct{ user, path, name string }{
		{"lanhdao1", "/thong-ke", "stats"},
		{"admin", "/quan-tri/tai-khoan", "admin-users"},
		{"admin", "/quan-tri/lich", "admin-calendar"},
	} {
		tab := people.of(pg.user)
		tab.Go(pg.path)
		if tab.Status() != 200 {
			t.Errorf("%s as %s: %d", pg.path, pg.user, tab.Status())
		}
		checkPage(t, tab, pg.name)
	}
}
