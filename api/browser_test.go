package api_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"motcua"
	"motcua/forms"
	"motcua/internal/browsertest"
	"motcua/internal/stacktest"
)

// site is the whole system and a browser pointed at it.
type site struct {
	*stacktest.Stack
	browser *browsertest.Browser
}

func startSite(t *testing.T) *site {
	t.Helper()
	s := stacktest.Start(t)
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

// sample reads a procedure version's valid sample form data from the catalog.
func sample(t *testing.T, p *forms.Procedure) map[string]any {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "forms", "catalog", p.Code, fmt.Sprintf("v%d", p.Version), "valid.json"))
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
func fillForm(t *testing.T, tab *browsertest.Tab, proc *forms.Procedure, data map[string]any) {
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
				tab.Click(fmt.Sprintf("%s-%v", id, v))
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
	for _, sec := range proc.Form.Sections {
		grow(sec.Fields, data, "")
	}
	for _, sec := range proc.Form.Sections {
		fill(sec.Fields, data, "")
	}
}

// sampleFile writes a file the field's component accepts and returns its path.
func sampleFile(t *testing.T, proc *forms.Procedure, path string, fd forms.Field, i int) string {
	t.Helper()
	name := strings.NewReplacer("/", "-").Replace(strings.Trim(path, "/"))
	dir := t.TempDir()
	f := filepath.Join(dir, fmt.Sprintf("%s-%d.pdf", name, i))
	data := stacktest.SamplePDF(name)
	if c, ok := proc.Component(fd.Component); ok && !slices.Contains(c.MimeTypes, "application/pdf") {
		f, data = filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, i)), stacktest.SamplePNG()
	}
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func idOf(path string) string { return "f" + strings.NewReplacer("/", "-", "~", "_").Replace(path) }

// checkPage runs the accessibility check on the page shown and takes its screenshots.
func checkPage(t *testing.T, tab *browsertest.Tab, name string) {
	t.Helper()
	for _, p := range tab.Accessibility() {
		t.Errorf("%s (%s): %s", name, tab.URL(), p)
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
	fillForm(t, tab, p, sample(t, p))
	tab.Submit(`button[name=action][value=save]`)
	if !strings.Contains(tab.Body(), "Đã lưu bản nháp") {
		t.Fatalf("no draft notice: %s", tab.Body())
	}
	if shots {
		checkPage(t, tab, "form")
	}
	tab.Submit(`button[name=action][value=continue]`)
	if !strings.HasSuffix(strings.TrimRight(tab.URL(), "/"), "/kiem-tra") {
		t.Fatalf("the valid form did not go on to the check page: %s\n%s", tab.URL(), tab.Body())
	}
	if shots {
		checkPage(t, tab, "check-answers")
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

// TestCitizenSubmitsThroughThePages: a citizen submits dossiers of two procedures
// through the pages; each lands in PostgreSQL with its workflow running, and "my
// dossiers" lists both.
func TestCitizenSubmitsThroughThePages(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	var codes []motcua.DossierCode
	for i, code := range []string{"G09.CVTLT.02", "1.014937"} {
		p := procedure(t, s.Stack, code)
		c := submitThroughPages(t, s, tab, p, i == 0)
		if st := s.State(c); st.Status != motcua.StatusSubmitted {
			t.Errorf("%s: workflow state %s, want submitted", c, st.Status)
		}
		codes = append(codes, c)
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

// TestFormErrorsInTheBrowser: a form with several wrong fields shows the error summary
// at the top, each message beside its field, links from the summary to the fields,
// the values typed kept; a missing dossier and a missing page are 404 pages.
func TestFormErrorsInTheBrowser(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	tab.Go("/thu-tuc/" + p.Code + "/nop")
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
	tab.Go("/khong-co-trang-nay")
	if tab.Status() != 404 || !strings.Contains(tab.Body(), "Về trang chủ") {
		t.Errorf("missing page: %d %s", tab.Status(), tab.Body())
	}
}
