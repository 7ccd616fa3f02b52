package api_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"motcua"
	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/reports"
)

// form06FixtureLines are the figures of April 2025 of the reports' fixture, counted by
// hand in internal/store/reports_test.go (form06Want, form06WantTotal, the same values
// TestForm06EqualsTheHandCountedFixture checks), in the order of reports.Form06Columns:
// received, carried, new online, new at the desk | resolved, early, on time, late | open,
// in time, overdue | withdrawn, stopped, refused at intake | average working days.
var form06FixtureLines = [][]string{
	{"2", "1", "0", "1", "1", "0", "1", "0", "0", "0", "0", "0", "1", "0", "10"},    // CVTLT, Văn thư, lưu trữ
	{"6", "3", "2", "1", "3", "1", "1", "1", "2", "0", "2", "1", "0", "0", "10,3"},  // VP, Quỹ xã hội, quỹ từ thiện
	{"2", "0", "2", "0", "0", "0", "0", "0", "2", "1", "1", "0", "0", "1", "0"},     // VP, Văn thư, lưu trữ
	{"10", "4", "4", "2", "4", "1", "2", "1", "4", "1", "3", "1", "1", "1", "10,3"}, // Tổng cộng
}

// figureRun is a line's trailing run of figures in pdftotext -layout output.
var figureRun = regexp.MustCompile(`(?:\s+\d+(?:,\d)?){15}\s*$`)

// pdfFigureLines reads the table of a form 06 PDF back: every line of the layout text
// that ends with the fifteen figures of a row.
func pdfFigureLines(t *testing.T, pdf []byte) ([][]string, string) {
	t.Helper()
	bin := stacktest.Tool(t, "pdftotext")
	p := filepath.Join(t.TempDir(), "bieu-06.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	var lines [][]string
	for _, l := range strings.Split(string(out), "\n") {
		if m := figureRun.FindString(l); m != "" {
			lines = append(lines, strings.Fields(m))
		}
	}
	return lines, string(out)
}

// reportHarness serves the real API over the reports' fixture with the development
// signature service, as TestForm06JSONEqualsTheFixture does: the store's own working-time
// count, so that the average is the hand count's.
type reportHarness struct {
	t       *testing.T
	url     string
	rootPEM string
	store   *store.Store
}

func startReportHarness(t *testing.T) *reportHarness {
	t.Helper()
	st := storetest.NewSeeded(t)
	storetest.SeedForm06(t, st)
	if _, err := st.CreateUser(context.Background(), store.User{Username: "lanhdaovp", Name: "Trịnh Văn Quang",
		Title: "Chánh Văn phòng", Password: "demo", Roles: []motcua.Role{motcua.RoleLeader}}, "VP"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	creds := append(service.DevCredentials(), service.CredentialSpec{ID: "lanhdaovp", UserID: "lanhdaovp",
		Description: "Chữ ký số của Chánh Văn phòng Trịnh Văn Quang", Subject: service.Subject{Country: "VN",
			Locality: "Hà Nội", Organization: "Bộ Nội vụ", Title: "Chánh Văn phòng", CommonName: "Trịnh Văn Quang"}})
	svc, err := service.New(filepath.Join(dir, "signer"), service.Options{Token: "report-token", Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	signer := httptest.NewServer(svc.Handler())
	t.Cleanup(signer.Close)
	roots := x509.NewCertPool()
	roots.AddCert(svc.Root())
	rootPEM := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(rootPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: svc.Root().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := render.New(render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tools := dossiers.ReportSigning{Renderer: r, Signer: signing.NewClient(signer.URL+service.CSCPath, "report-token", nil),
		TSAURL: signer.URL + service.TSAPath, Place: "Hà Nội"}
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	ds := dossiers.New(dossiers.Deps{Store: st, VerifyRoots: roots, Now: func() time.Time { return storetest.Form06Now },
		ReportSigning: func() (dossiers.ReportSigning, error) { return tools, nil }})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Dossiers: ds, Sessions: sessions, DevLogin: true})))
	t.Cleanup(srv.Close)
	return &reportHarness{t: t, url: srv.URL, rootPEM: rootPEM, store: st}
}

// reportClient is a logged-in user of the harness.
type reportClient struct {
	h     *reportHarness
	token string
}

func (h *reportHarness) login(username string) *reportClient {
	h.t.Helper()
	resp, err := http.Post(h.url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"`+username+`","password":"demo"}`))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var login struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	if login.Token == "" {
		h.t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return &reportClient{h: h, token: login.Token}
}

type reportResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (c *reportClient) do(method, path string, body any) reportResponse {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.h.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reportResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// TestForm06PDFEqualsTheFixtureAndIsSignedByTheLeader signs form 06 of April 2025 over
// the hand-counted fixture through the API and the development signature service: the
// rows of the PDF read back by pdftotext are the fixture's figures, its total is the
// JSON's and the workbook's, pdfsig validates and trusts the leader's signature, qpdf
// finds it clean, POST /api/v1/verify finds it valid; a clerk and a leader of another
// unit get 403 with a reason; signing again returns the stored PDF unless a re-issue is
// asked.
func TestForm06PDFEqualsTheFixtureAndIsSignedByTheLeader(t *testing.T) {
	h := startReportHarness(t)
	leader := h.login("lanhdao1") // Thứ trưởng, leader of the ministry (G09): the fixture's scope
	const path = "/api/v1/reports/form06.pdf?period=2025-04"

	if r := leader.do("GET", path, nil); r.Status != 404 {
		t.Errorf("GET before anyone signed: %d %s", r.Status, r.Body)
	}
	if r := leader.do("POST", path, map[string]any{"pin": "000000"}); r.Status != 422 || !strings.Contains(string(r.Body), "PIN") {
		t.Errorf("a wrong PIN: %d %s", r.Status, r.Body)
	}
	if r := leader.do("POST", "/api/v1/reports/form06.pdf?period=2025-05", map[string]any{"pin": service.DefaultPIN}); r.Status != 409 {
		t.Errorf("a period still running: %d %s", r.Status, r.Body)
	}
	signed := leader.do("POST", path, map[string]any{"pin": service.DefaultPIN})
	if signed.Status != 201 || signed.Header.Get("Content-Type") != "application/pdf" || signed.Header.Get("X-Report-Issue") != "1" {
		t.Fatalf("sign: %d %s %s", signed.Status, signed.Header, signed.Body[:min(len(signed.Body), 300)])
	}
	pdf := signed.Body
	if p := os.Getenv("MOTCUA_REPORT_PDF"); p != "" { // keep it, for the screenshot in docs/reports.md
		_ = os.WriteFile(p, pdf, 0o600)
	}

	// The rows equal the hand count.
	got, text := pdfFigureLines(t, pdf)
	if fmt.Sprint(got) != fmt.Sprint(form06FixtureLines) {
		t.Errorf("PDF rows\n got %v\nwant %v\n%s", got, form06FixtureLines, text)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"BỘ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Biểu số 06/VPCP/KSTT",
		"Kỳ báo cáo: Tháng 4/2025, từ ngày 15/03/2025 đến ngày 14/04/2025", "Hà Nội, ngày 22 tháng 4 năm 2025",
		"Tổng cộng", "THỨ TRƯỞNG", "Nguyễn Thị Bích Lĩnh", "Cục Văn thư và Lưu", "Văn phòng Bộ Quỹ xã hội"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, flat)
		}
	}

	// The leader's signature: valid and trusted for pdfsig, clean for qpdf, valid for
	// the verification endpoint.
	rep := (&stacktest.Stack{RootPEM: h.rootPEM}).Pdfsig(t, pdf)
	if strings.Count(rep, "Signature is Valid") != 1 || strings.Count(rep, "Certificate is Trusted") != 1 ||
		!strings.Contains(rep, "Nguyễn Thị Bích Lĩnh") {
		t.Errorf("pdfsig:\n%s", rep)
	}
	stacktest.QPDFCheck(t, pdf)
	resp, err := http.Post(h.url+"/api/v1/verify", "application/pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	var ver struct {
		Valid      bool `json:"valid"`
		Signatures []struct {
			Name string `json:"name"`
		} `json:"signatures"`
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(body, &ver); err != nil || resp.StatusCode != 200 || !ver.Valid || len(ver.Signatures) != 1 ||
		ver.Signatures[0].Name != "Nguyễn Thị Bích Lĩnh" {
		t.Errorf("verify: %d %v %s", resp.StatusCode, err, body)
	}

	// The PDF's total is the JSON's and the workbook's.
	var f reports.Form06
	if r := leader.do("GET", "/api/v1/reports/form06?period=2025-04", nil); r.Status != 200 || json.Unmarshal(r.Body, &f) != nil {
		t.Fatalf("form 06 JSON: %d %s", r.Status, r.Body)
	}
	if want := figuresOf(f.Total); fmt.Sprint(want) != fmt.Sprint(got[len(got)-1]) {
		t.Errorf("PDF total %v, JSON total %v", got[len(got)-1], want)
	}
	wb := leader.do("GET", "/api/v1/reports/form06.xlsx?period=2025-04", nil)
	x, err := excelize.OpenReader(bytes.NewReader(wb.Body))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Biểu 06")
	if err != nil {
		t.Fatal(err)
	}
	last := sheet[len(sheet)-1]
	var xlsx []string
	for _, v := range last[3:] {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("workbook total %q: %v", last, err)
		}
		xlsx = append(xlsx, strings.Replace(strconv.FormatFloat(n, 'f', -1, 64), ".", ",", 1))
	}
	if fmt.Sprint(xlsx) != fmt.Sprint(got[len(got)-1]) {
		t.Errorf("PDF total %v, workbook total %v", got[len(got)-1], xlsx)
	}

	// Only the unit's leader signs: a clerk, and a leader of another unit, are refused
	// with a reason; neither changes what is stored.
	clerk := h.login("canbo1")
	if r := clerk.do("POST", "/api/v1/reports/form06.pdf?period=2025-04&unit=VP", map[string]any{"pin": service.DefaultPIN}); r.Status != 403 ||
		!strings.Contains(string(r.Body), "lãnh đạo") {
		t.Errorf("a clerk signs: %d %s", r.Status, r.Body)
	}
	if r := leader.do("POST", "/api/v1/reports/form06.pdf?period=2025-04&unit=VP", map[string]any{"pin": service.DefaultPIN}); r.Status != 403 ||
		!strings.Contains(string(r.Body), "Chỉ lãnh đạo của Văn phòng Bộ") {
		t.Errorf("the ministry's leader signs VP's report: %d %s", r.Status, r.Body)
	}
	vp := h.login("lanhdaovp")
	if r := vp.do("POST", "/api/v1/reports/form06.pdf?period=2025-04&unit=G09", map[string]any{"pin": service.DefaultPIN}); r.Status != 403 {
		t.Errorf("a leader of VP signs the ministry's report: %d %s", r.Status, r.Body)
	}
	if r := vp.do("POST", "/api/v1/reports/form06.pdf?period=2025-04", map[string]any{"pin": service.DefaultPIN}); r.Status != 201 {
		t.Errorf("the leader of VP signs VP's report: %d %s", r.Status, r.Body)
	} else if lines, _ := pdfFigureLines(t, r.Body); len(lines) != 3 || fmt.Sprint(lines[len(lines)-1]) != "[8 3 4 1 3 1 1 1 4 1 3 1 0 1 10,3]" {
		t.Errorf("VP's report: %v", lines) // VP's two rows of the fixture, and their total
	}

	// Signing again returns the stored PDF; a re-issue signs a new one, which GET serves.
	again := leader.do("POST", path, map[string]any{"pin": ""})
	if again.Status != 200 || !bytes.Equal(again.Body, pdf) {
		t.Errorf("signing again: %d, same bytes %v", again.Status, bytes.Equal(again.Body, pdf))
	}
	if r := leader.do("GET", path, nil); r.Status != 200 || !bytes.Equal(r.Body, pdf) {
		t.Errorf("GET the signed report: %d", r.Status)
	}
	re := leader.do("POST", path, map[string]any{"pin": service.DefaultPIN, "reissue": true})
	if re.Status != 201 || re.Header.Get("X-Report-Issue") != "2" {
		t.Errorf("re-issue: %d issue %s", re.Status, re.Header.Get("X-Report-Issue"))
	}
	if r := leader.do("GET", path, nil); r.Status != 200 || !bytes.Equal(r.Body, re.Body) || r.Header.Get("X-Report-Issue") != "2" {
		t.Errorf("GET after the re-issue: %d, issue %s", r.Status, r.Header.Get("X-Report-Issue"))
	}
}

// figuresOf writes a row's values as the PDF does.
func figuresOf(r reports.Form06Row) []string {
	var out []string
	for _, v := range r.Values() {
		out = append(out, strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1))
	}
	return out
}
