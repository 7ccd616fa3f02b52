package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/authority"
	"motcua/internal/stacktest"
)

var ict = time.FixedZone("ICT", 7*3600)

// dossierJSON is what GET /api/v1/dossiers/{code} answers.
type dossierJSON struct {
	Code     motcua.DossierCode `json:"code"`
	Status   motcua.Status      `json:"status"`
	DueAt    *time.Time         `json:"dueAt"`
	Expected string             `json:"expected"`
	Missing  []string           `json:"missing"`
	Allowed  []string           `json:"allowed"`
	History  []struct {
		Seq    int           `json:"seq"`
		Action string        `json:"action"`
		Status motcua.Status `json:"status"`
	} `json:"history"`
	Documents []struct {
		ID     string `json:"id"`
		Kind   string `json:"kind"`
		Seq    int    `json:"seq"`
		Number string `json:"number"`
	} `json:"documents"`
	ControlSheet []struct {
		Step    string `json:"step"`
		Outcome string `json:"outcome"`
	} `json:"controlSheet"`
}

func (d dossierJSON) latest(kind string) string {
	id, seq := "", -1
	for _, doc := range d.Documents {
		if doc.Kind == kind && doc.Seq > seq {
			id, seq = doc.ID, doc.Seq
		}
	}
	return id
}

// number is the number and symbol of the document id ("" when it has none).
func (d dossierJSON) number(id string) string {
	for _, doc := range d.Documents {
		if doc.ID == id {
			return doc.Number
		}
	}
	return ""
}

// TestEveryProcedureThroughTheWholePath submits one dossier of every procedure in force
// over HTTP and takes it through receipt, review (with consultation where the procedure
// asks), the leader's signature, numbering and sealing, return and archiving; the
// result carries two signatures pdfsig validates and trusts, and the receipt shows the
// appointment date the calendar gives.
func TestEveryProcedureThroughTheWholePath(t *testing.T) {
	root := stacktest.Start(t)
	for _, p := range root.Catalog.Procedures() {
		t.Run(p.Code, func(t *testing.T) {
			t.Parallel()
			s := root.For(t)
			citizen := s.As(stacktest.ApplicantFor(p))
			sub := stacktest.Submit(citizen, p) // pays the fee, if any
			if sub.Status != motcua.StatusSubmitted {
				t.Fatalf("status after submission %s", sub.Status)
			}
			if r := citizen.Get(sub.Receipt); r.Status != 409 {
				t.Errorf("receipt before receipt: %d %s", r.Status, r.Body)
			}
			end := s.Drive(sub.Code, p)
			if end.Status != motcua.StatusArchived {
				t.Fatalf("ended %s, want archived", end.Status)
			}
			var d dossierJSON
			citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
			if d.Status != motcua.StatusArchived || d.DueAt == nil {
				t.Fatalf("citizen sees %s, due %v", d.Status, d.DueAt)
			}
			for i, e := range d.History {
				if e.Seq != i+1 {
					t.Fatalf("history out of sequence at %d: %+v", i, e)
				}
			}

			// The receipt: the appointment the calendar gives, counted from receipt.
			var received time.Time
			if err := s.Store.Pool().QueryRow(t.Context(), `SELECT received_at FROM dossiers WHERE code = $1`, sub.Code).Scan(&received); err != nil {
				t.Fatal(err)
			}
			limit := p.TimeLimit.For(true)
			minutes := int(limit * 480)
			if p.TimeLimit.Unit == "working_hours" {
				minutes = int(limit * 60)
			}
			want := s.Time.Due(s.Time.Start(received), minutes, nil)
			if !d.DueAt.Equal(want) {
				t.Errorf("due %s, calendar says %s", d.DueAt, want)
			}
			receipt := citizen.Get(sub.Receipt)
			if receipt.Status != 200 || receipt.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("receipt: %d %s", receipt.Status, receipt.Header.Get("Content-Type"))
			}
			text := stacktest.PDFText(t, receipt.Body)
			if day := want.In(ict).Format("02/01/2006"); !strings.Contains(text, day) {
				t.Errorf("receipt does not show the appointment %s:\n%s", day, text)
			}
			if !strings.Contains(text, string(sub.Code)) {
				t.Errorf("receipt does not show the dossier code %s", sub.Code)
			}

			// The result: leader's signature and the organization's seal, both valid.
			id := d.latest("result")
			if id == "" {
				t.Fatalf("no result among %+v", d.Documents)
			}
			res := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + id)
			if res.Status != 200 {
				t.Fatalf("result: %d %s", res.Status, res.Body)
			}
			report := s.Pdfsig(t, res.Body)
			if n := strings.Count(report, "Signature is Valid"); n != 2 {
				t.Errorf("%d valid signatures, want 2:\n%s", n, report)
			}
			if n := strings.Count(report, "Certificate is Trusted"); n != 2 {
				t.Errorf("%d trusted certificates, want 2:\n%s", n, report)
			}
			stacktest.QPDFCheck(t, res.Body)
			checkResultContent(t, s, p, d, id, res.Body)
			checkAuthorityAgrees(t, s, p.Code, p.Version, res.Body, report, d.number(id))

			// One archive package, and the citizen cannot read the draft.
			var packages int
			if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM archive_packages a JOIN dossiers d ON d.id = a.dossier_id
				WHERE d.code = $1`, sub.Code).Scan(&packages); err != nil || packages != 1 {
				t.Errorf("%d archive packages (%v)", packages, err)
			}
			if draft := d.latest("draft_result"); draft != "" {
				if r := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + draft); r.Status != 404 {
					t.Errorf("citizen reads the draft: %d", r.Status)
				}
			}
		})
	}
}

// numberRE is a result's number and symbol as Decree 30/2020 writes it: a leading zero
// under 10 ("01/QĐ-BNV", "12/TTr-BNV", "03/CCHN-VTLTNN").
var numberRE = regexp.MustCompile(`^(0[1-9]|[1-9][0-9]+)/[^/ ]+-[A-ZĐ]+$`)

// issuerAbbreviations are the abbreviations of the issuing agencies' names in their
// symbols, by deciding unit: the ministry's, and the Cục Văn thư và Lưu trữ nhà nước's
// (VTLTNN, as in its Công văn 425/VTLTNN-NVTW).
var issuerAbbreviations = map[string]string{"G09": "BNV", "CVTLT": "VTLTNN"}

// checkResultContent checks the issued result of procedure p: it prints the document
// the catalog declares and the applicant's own data from the form
// (formstest.ResultContent, and every name and ID number in the sample), its number
// has the leading zero, the Times New Roman–metric font is embedded, the QR code names
// the verification ID of this very document; the draft the leader previews carries
// "DỰ THẢO" and the issued copy does not.
func checkResultContent(t *testing.T, s *stacktest.Stack, p *forms.Procedure, d dossierJSON, id string, pdf []byte) {
	t.Helper()
	text := strings.Join(strings.Fields(stacktest.PDFText(t, pdf)), " ")
	// The declared result as the document titles it, and the applicant's own content:
	// the same table the render package's catalog test reads.
	want, ok := formstest.ResultContent[p.Code]
	if !ok {
		t.Fatalf("no expected content for %s: add it to formstest.ResultContent", p.Code)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("result of %s (declared %q) does not print %q:\n%s", p.Code, p.Result.Name, w, text)
		}
	}
	raw, err := forms.Sample(p.Code, p.Version)
	if err != nil {
		t.Fatal(err)
	}
	var sample map[string]any
	if err := json.Unmarshal(raw, &sample); err != nil {
		t.Fatal(err)
	}
	var own []string
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "fullName" || k == "fundName" || k == "newName" || k == "idNumber" || k == "name") {
					own = append(own, strings.TrimSpace(s))
				} else {
					collect(e)
				}
			}
		case []any:
			for _, e := range x {
				collect(e)
			}
		}
	}
	collect(sample)
	if len(own) == 0 {
		t.Fatalf("sample of %s has no name or ID to look for", p.Code)
	}
	upper := strings.ToUpper(text)
	for _, w := range own {
		if !strings.Contains(upper, strings.ToUpper(w)) {
			t.Errorf("result does not name %q from the form:\n%s", w, text)
		}
	}
	if strings.Contains(text, string(d.Code)) {
		t.Errorf("result prints the internal dossier code %s", d.Code)
	}
	number := d.number(id)
	// pdftotext puts a space between the number's field and the printed symbol.
	if !numberRE.MatchString(number) || !strings.Contains(strings.ReplaceAll(text, " /", "/"), "Số: "+number) {
		t.Errorf("result number %q: want %s, printed on the document", number, numberRE)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "result.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	fonts, err := exec.Command(stacktest.Tool(t, "pdffonts"), path).Output()
	// The body's subsets, and the date filled at issue drawn with the italic one (the
	// date line is wholly italic), the number with the regular one; nothing else.
	if err != nil || strings.Count(string(fonts), "LiberationSerif-Italic") < 2 || strings.Count(string(fonts), "LiberationSerif ") < 2 ||
		strings.Contains(string(fonts), "DejaVu") {
		t.Errorf("pdffonts: %v\n%s", err, fonts)
	}

	// MOTCUA_RESULT_SCREENSHOTS=DIR writes page 1 of each issued result as a small PNG
	// (the README's gallery: docs/screenshots).
	if shots := os.Getenv("MOTCUA_RESULT_SCREENSHOTS"); shots != "" {
		out := filepath.Join(shots, "ket-qua-"+p.Result.Template)
		if b, err := exec.Command(stacktest.Tool(t, "pdftoppm"), "-png", "-f", "1", "-l", "1", "-scale-to", "600", "-singlefile", path, out).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v %s", err, b)
		}
	}

	link, err := url.Parse(stacktest.QRLink(t, pdf))
	if err != nil {
		t.Fatal(err)
	}
	verified, _, err := s.Store.DocumentByVerifyID(t.Context(), link.Query().Get("ma"))
	if err != nil || verified.ID != id || verified.Kind != motcua.DocResult {
		t.Errorf("QR code %s names %s %s (%v), want the issued result %s", link, verified.Kind, verified.ID, err, id)
	}
	if strings.Contains(text, "DỰ THẢO") {
		t.Errorf("the issued result carries DỰ THẢO")
	}
	var staff dossierJSON
	s.As("lanhdao1").MustDo(200, "GET", "/api/v1/dossiers/"+string(d.Code), nil, &staff)
	draft := staff.latest("draft_result")
	if draft == "" {
		t.Fatalf("no draft among %+v", staff.Documents)
	}
	leader := s.As("lanhdao1").Get("/api/v1/dossiers/" + string(d.Code) + "/documents/" + draft)
	if leader.Status != 200 || !strings.Contains(stacktest.PDFText(t, leader.Body), "DỰ THẢO") {
		t.Errorf("the draft the leader previews: %d, no DỰ THẢO", leader.Status)
	}
}

// checkAuthorityAgrees checks that a signed result's authority line and signature block
// are the catalog's for its deciding unit, that pdfsig names as its first signer the
// one person who holds that authority, with the title the block prints, and as its
// second (the seal) the issuing agency the header names, and that the number's symbol
// is that agency's.
func checkAuthorityAgrees(t *testing.T, s *stacktest.Stack, code string, version int, pdf []byte, report, number string) {
	t.Helper()
	b, holders, err := authority.Resolver{Store: s.Store, Catalog: s.Catalog}.Default(context.Background(), code, version)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Catalog.Version(code, version)
	if err != nil {
		t.Fatal(err)
	}
	if len(holders) != 1 {
		t.Fatalf("%d holders of the signing authority of %s, want 1 in the demo", len(holders), code)
	}
	text := strings.Join(strings.Fields(stacktest.PDFText(t, pdf)), " ")
	wants := b.Lines()
	if !strings.Contains(text, "TỜ TRÌNH") {
		// A submission (tờ trình) is addressed up to who decides; it has no authority
		// line of its own, only the block.
		wants = append([]string{b.Authority}, wants...)
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the result does not print %q:\n%s", want, text)
		}
	}
	first, _, _ := strings.Cut(report, "Signature #2")
	if !strings.Contains(first, "Signer Certificate Common Name: "+holders[0].Name) {
		t.Errorf("first signature is not %s's:\n%s", holders[0].Name, first)
	}
	if !strings.Contains(first, holders[0].Title) || !motcua.SameTitle(holders[0].Title, b.SignerTitle) {
		t.Errorf("signer's certificate does not carry the block's title %q (account: %q):\n%s", b.SignerTitle, holders[0].Title, first)
	}

	// The seal is the issuing agency's: the agency line of the header (b.Agency, printed
	// above) is the organization the seal's certificate names.
	_, seal, _ := strings.Cut(report, "Signature #2")
	if !strings.Contains(text, b.Agency) || !motcua.SameTitle(pdfsigField(seal, "Signer Certificate Common Name"), b.Agency) {
		t.Errorf("the seal is not the issuing agency %q's:\n%s", b.Agency, seal)
	}
	if dn := pdfsigField(seal, "Signer full Distinguished Name"); !strings.Contains(strings.ToUpper(dn), "O="+b.Agency) {
		t.Errorf("the seal's certificate names another organization than %q: %s", b.Agency, dn)
	}
	abbr, ok := issuerAbbreviations[p.DecidingUnit]
	if !ok {
		t.Fatalf("no abbreviation known for the deciding unit %s", p.DecidingUnit)
	}
	if !strings.HasSuffix(number, "-"+abbr) {
		t.Errorf("number %q: the symbol is not the issuing agency's (%s, %s)", number, b.Agency, abbr)
	}
}

// pdfsigField is the value of the first line "  - name: value" of a pdfsig report.
func pdfsigField(report, name string) string {
	for line := range strings.Lines(report) {
		if v, ok := strings.CutPrefix(strings.TrimLeft(line, " -"), name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
