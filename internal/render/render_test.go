package render

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

var (
	update  = flag.Bool("update", false, "rewrite the golden text files in testdata/golden")
	preview = flag.String("preview", "", "write a PNG of page 1 of every sample into this directory")
)

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New(Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func render(t testing.TB, r *Renderer, d Document) Output {
	t.Helper()
	out, err := r.Render(context.Background(), d)
	if err != nil {
		t.Fatalf("Render(%s): %v", d.Kind(), err)
	}
	return out
}

// tool runs an external program (poppler, qpdf, zbar) and skips the test when the
// program is not installed here; CI installs them.
func tool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" { // CI installs it: missing there is a failure, not a skip
			t.Fatalf("%s is not installed (apt-get install poppler-utils qpdf zbar-tools)", name)
		}
		t.Skipf("%s is not installed (apt-get install poppler-utils qpdf zbar-tools)", name)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func writePDF(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sortedSamples() []string {
	var names []string
	for n := range samples() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking the change)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// keyStrings are texts that must come out of each document verbatim.
func keyStrings(name string) []string {
	common := []string{nationalHeading, motto}
	switch name {
	case "01-receipt":
		return append(common, "VĂN PHÒNG BỘ", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
			"Mã hồ sơ: 000.00.00.G09-251120-0012", "Trần Văn Minh", "Hà Nội, ngày 20 tháng 11 năm 2025",
			"09 giờ 15 phút, ngày 20/11/2025", "16 giờ 30 phút, ngày 06/01/2026",
			"Phiếu lý lịch tư pháp của các sáng lập viên", "Bản sao chứng thực", "30 ngày làm việc",
			"NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Thị Hoa")
	case "02-supplement-request":
		return append(common, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "000.00.00.G09-251120-0013",
			"Phiếu lý lịch tư pháp của sáng lập viên Phạm Thị Lan", "không có xác nhận của ngân hàng",
			"17 giờ 00 phút, ngày 05/12/2025")
	case "03-refusal":
		return append(common, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "không thuộc thẩm quyền giải quyết của Bộ Nội vụ")
	case "04-apology":
		return append(common, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ", "Số: 05/VP-MC",
			"Hà Nội, ngày 02 tháng 01 năm 2026", "16 giờ 30 phút, ngày 20/01/2026", "TL. BỘ TRƯỞNG",
			"CHÁNH VĂN PHÒNG", "Đỗ Thu Trang", "Nơi nhận:", "- Lưu: VT, MC.")
	case "05-stop-notice":
		return append(common, "THÔNG BÁO", "Dừng giải quyết hồ sơ", "Số: 07/TB-VP", "28/11/2025")
	case "06-control-sheet":
		return append(common, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Trước hạn", "Đúng hạn",
			"Quá hạn", "Nguyễn Thị Bích Lĩnh", "20/11/2025", "0,5", "16 ngày")
	case "decision":
		return append(common, "BỘ NỘI VỤ", "Số:", "/QĐ-BNV", "Hà Nội,", "QUYẾT ĐỊNH", "QUYẾT ĐỊNH:",
			"BỘ TRƯỞNG BỘ NỘI VỤ", "Căn cứ Nghị định số 25/2025/NĐ-CP", "Điều 1.", "Điều 3.",
			"KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Thị Bích Lĩnh", "Nơi nhận:", "- Lưu: VT, TCPCP.")
	case "licence":
		return append(common, "CHỨNG CHỈ HÀNH NGHỀ LƯU TRỮ", "/CCHN-BNV", "Ông/Bà: Trần Văn Minh",
			"CẤP CHỨNG CHỈ HÀNH NGHỀ LƯU TRỮ CHO:", "Điều 2.", "Nguyễn Thị Bích Lĩnh")
	}
	return common
}

// oneLine joins wrapped text so phrases broken across lines can be found.
var spaces = regexp.MustCompile(`\s+`)

func oneLine(b []byte) string { return spaces.ReplaceAllString(string(b), " ") }

func TestEveryKindExtractsItsVietnameseTextExactly(t *testing.T) {
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		t.Run(name, func(t *testing.T) {
			out := render(t, r, docs[name])
			p := writePDF(t, name, out.PDF)
			layout := tool(t, "pdftotext", "-layout", p, "-")
			plain := tool(t, "pdftotext", p, "-")
			golden(t, name+".layout.txt", layout)
			golden(t, name+".txt", plain)
			if !utf8.Valid(plain) || !norm.NFC.IsNormalString(string(plain)) {
				t.Error("extracted text is not valid NFC UTF-8")
			}
			text := oneLine(plain)
			for _, s := range keyStrings(name) {
				if !strings.Contains(text, s) {
					t.Errorf("extracted text lacks %q", s)
				}
			}
			// The URL may be wrapped anywhere under the QR code.
			if url := docs[name].head().VerifyURL; !strings.Contains(strings.ReplaceAll(text, " ", ""), url) {
				t.Errorf("extracted text lacks the verification URL %q", url)
			}
		})
	}
}

// pdfcpu v0.15.0 writes at most 100 ToUnicode entries per font; a decision uses far more
// distinct glyphs, so this proves the renderer's own CMap is in place.
func TestTextWithMoreThanAHundredGlyphsIsExtractable(t *testing.T) {
	r := newRenderer(t)
	d := sampleDecision()
	out := render(t, r, d)
	plain := oneLine(tool(t, "pdftotext", writePDF(t, "decision", out.PDF), "-"))
	distinct := map[rune]bool{}
	for _, a := range d.Articles {
		for _, c := range a {
			distinct[c] = true
		}
	}
	for _, b := range d.Bases {
		for _, c := range b {
			distinct[c] = true
		}
	}
	if len(distinct) < 60 {
		t.Fatalf("fixture too small to prove anything: %d distinct characters", len(distinct))
	}
	for _, a := range d.Articles {
		for _, part := range strings.Split(a, "\n") {
			if !strings.Contains(plain, part) {
				t.Errorf("article text not extracted verbatim: %q", part)
			}
		}
	}
}

func TestDocumentFontsAreEmbeddedAndQPDFFindsNoError(t *testing.T) {
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		t.Run(name, func(t *testing.T) {
			p := writePDF(t, name, render(t, r, docs[name]).PDF)
			fonts := string(tool(t, "pdffonts", p))
			lines := strings.Split(strings.TrimSpace(fonts), "\n")
			if len(lines) < 3 {
				t.Fatalf("pdffonts lists no font:\n%s", fonts)
			}
			for _, l := range lines[2:] {
				f := strings.Fields(l)
				// name type... encoding emb sub uni object ID
				if !strings.Contains(f[0], "+LiberationSerif") || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
					t.Errorf("font not an embedded Liberation Serif subset with ToUnicode: %s", l)
				}
			}
			if !strings.Contains(fonts, "+LiberationSerif ") && !strings.Contains(fonts, "+LiberationSerif\t") {
				t.Errorf("regular LiberationSerif missing:\n%s", fonts)
			}
			check := string(tool(t, "qpdf", "--check", p))
			if !strings.Contains(check, "No syntax or stream encoding errors found") || strings.Contains(check, "WARNING") {
				t.Errorf("qpdf --check:\n%s", check)
			}
		})
	}
}

func TestQRCodeDecodesToTheVerificationURL(t *testing.T) {
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		t.Run(name, func(t *testing.T) {
			d := docs[name]
			out := render(t, r, d)
			p := writePDF(t, name, out.PDF)
			png := filepath.Join(filepath.Dir(p), "page")
			tool(t, "pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", p, png)
			got := strings.TrimSpace(string(tool(t, "zbarimg", "--raw", "-q", png+".png")))
			if want := d.head().VerifyURL; got != want {
				t.Errorf("QR code decodes to %q, want %q", got, want)
			}
			if !out.Layout.QR.Inside(Rect{contentLeft, marginBottom, contentWidth, pageHeight - marginTop - marginBottom}) {
				t.Errorf("QR %+v is not inside the margins", out.Layout.QR)
			}
			if w := out.Layout.QR.W / mm; w < 24 || w > 26 {
				t.Errorf("QR is %.1f mm wide, want about 25", w)
			}
		})
	}
}

// acroFields reads the AcroForm fields of a PDF with qpdf --json.
type acroField struct {
	Name, Type, DA string
	Value          any
	Rect           Rect
	Page           int
}

func acroFields(t *testing.T, p string) []acroField {
	t.Helper()
	var doc struct {
		Acroform struct {
			Fields []struct {
				Fullname     string `json:"fullname"`
				Fieldtype    string `json:"fieldtype"`
				Value        any    `json:"value"`
				Object       string `json:"object"`
				Pageposfrom1 int    `json:"pageposfrom1"`
			} `json:"fields"`
		} `json:"acroform"`
		QPDF []json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(tool(t, "qpdf", "--json", p), &doc); err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var objects map[string]struct {
		Value any `json:"value"`
	}
	if len(doc.QPDF) < 2 || json.Unmarshal(doc.QPDF[1], &objects) != nil {
		t.Fatal("qpdf --json: no objects")
	}
	var out []acroField
	for _, f := range doc.Acroform.Fields {
		obj, _ := objects["obj:"+f.Object].Value.(map[string]any)
		rect, _ := obj["/Rect"].([]any)
		var r [4]float64
		for i := range rect {
			r[i], _ = rect[i].(float64)
		}
		da, _ := obj["/DA"].(string)
		out = append(out, acroField{Name: f.Fullname, Type: f.Fieldtype, DA: da, Value: f.Value,
			Rect: Rect{r[0], r[1], r[2] - r[0], r[3] - r[1]}, Page: f.Pageposfrom1})
	}
	return out
}

func TestResultsHaveEmptyNumberAndDateFieldsWhereLayoutSays(t *testing.T) {
	r := newRenderer(t)
	for _, d := range []Document{sampleDecision(), sampleLicence()} {
		t.Run(string(d.Kind()), func(t *testing.T) {
			out := render(t, r, d)
			fields := acroFields(t, writePDF(t, string(d.Kind()), out.PDF))
			if len(fields) != 2 || len(out.Layout.Fields) != 2 {
				t.Fatalf("fields in PDF %+v, in layout %+v; want motcua.number and motcua.date", fields, out.Layout.Fields)
			}
			for i, want := range []string{FieldNumber, FieldDate} {
				f, lf := fields[i], out.Layout.Fields[i]
				if f.Name != want || lf.Name != want {
					t.Errorf("field %d named %q (layout %q), want %q", i, f.Name, lf.Name, want)
				}
				if f.Type != "/Tx" || f.Value != nil {
					t.Errorf("%s: type %s value %v, want an empty text field", want, f.Type, f.Value)
				}
				// The number in the regular face, the date in italics like its line.
				if face := map[string]string{FieldNumber: "LiberationSerif", FieldDate: "LiberationSerif-Italic"}[want]; !strings.HasPrefix(f.DA, "u:/"+face+" 13") {
					t.Errorf("%s: DA %q, want %s 13 pt", want, f.DA, face)
				}
				if f.Page != lf.Page || !near(f.Rect, lf.Rect) {
					t.Errorf("%s: PDF puts it on page %d at %+v, layout says page %d at %+v", want, f.Page, f.Rect, lf.Page, lf.Rect)
				}
			}
		})
	}
	t.Run("notices have no fields", func(t *testing.T) {
		out := render(t, r, sampleReceipt())
		if fs := acroFields(t, writePDF(t, "receipt", out.PDF)); len(fs) != 0 || len(out.Layout.Fields) != 0 {
			t.Errorf("receipt has fields %+v / %+v", fs, out.Layout.Fields)
		}
	})
}

// inset shrinks r by d on every side, so boxes that only touch do not count as overlapping
// through rounding in pdftotext's output.
func inset(r Rect, d float64) Rect { return Rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

func near(a, b Rect) bool {
	d := func(x, y float64) bool { return x-y < 0.02 && y-x < 0.02 }
	return d(a.X, b.X) && d(a.Y, b.Y) && d(a.W, b.W) && d(a.H, b.H)
}

// words reads word boxes of one page with pdftotext -bbox, converted to PDF user space.
type wordBox struct {
	Text string
	Rect Rect
}

func pageWords(t *testing.T, p string, page int) []wordBox {
	t.Helper()
	n := strconv.Itoa(page)
	raw := tool(t, "pdftotext", "-bbox", "-f", n, "-l", n, p, "-")
	var doc struct {
		Pages []struct {
			Words []struct {
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
				Text string  `xml:",chardata"`
			} `xml:"word"`
		} `xml:"body>doc>page"`
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("parse pdftotext -bbox: %v", err)
	}
	var out []wordBox
	for _, pg := range doc.Pages {
		for _, w := range pg.Words {
			out = append(out, wordBox{w.Text, Rect{w.XMin, pageHeight - w.YMax, w.XMax - w.XMin, w.YMax - w.YMin}})
		}
	}
	return out
}

func TestSignerAndSealBoxesLieOnThePageClearOfText(t *testing.T) {
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		t.Run(name, func(t *testing.T) {
			d := docs[name]
			out := render(t, r, d)
			l := out.Layout
			page := Rect{0, 0, pageWidth, pageHeight}
			if l.Page < 1 || l.Page > l.PageCount {
				t.Fatalf("signer page %d of %d", l.Page, l.PageCount)
			}
			for label, rc := range map[string]Rect{"SignerImage": l.SignerImage, "Seal": l.Seal, "SignerBlock": l.SignerBlock, "QR": l.QR} {
				if rc.W <= 0 || rc.H <= 0 || !rc.Inside(page) {
					t.Errorf("%s %+v is empty or off the page", label, rc)
				}
			}
			if !l.SignerImage.Inside(l.SignerBlock) {
				t.Errorf("signature box %+v is outside the signer block %+v", l.SignerImage, l.SignerBlock)
			}
			// The seal covers the left third of the signature image.
			if right := l.Seal.X + l.Seal.W; right < l.SignerImage.X+l.SignerImage.W/4 || right > l.SignerImage.X+l.SignerImage.W/2.5 {
				t.Errorf("seal %+v does not cover about the left third of %+v", l.Seal, l.SignerImage)
			}
			p := writePDF(t, name, out.PDF)
			words := pageWords(t, p, l.Page)
			if len(words) == 0 {
				t.Fatal("no words found on the signer's page")
			}
			name := d.head().Signer.Name
			var nameBox *Rect
			for _, w := range words {
				for label, rc := range map[string]Rect{"SignerImage": l.SignerImage, "Seal": l.Seal} {
					if inset(w.Rect, 0.1).Overlaps(rc) {
						t.Errorf("%s %+v overlaps the word %q at %+v", label, rc, w.Text, w.Rect)
					}
				}
				if strings.HasPrefix(name, w.Text) && nameBox == nil && w.Rect.Inside(l.SignerBlock) {
					rc := w.Rect
					nameBox = &rc
				}
			}
			if nameBox == nil || nameBox.Y+nameBox.H > l.SignerImage.Y {
				t.Errorf("the signer's name %v is not under the signature box %+v", nameBox, l.SignerImage)
			}
			if l.Page == 1 {
				for _, w := range words {
					if inset(w.Rect, 0.1).Overlaps(l.QR) {
						t.Errorf("QR %+v overlaps the word %q", l.QR, w.Text)
					}
				}
			}
			for _, f := range l.Fields {
				for _, w := range pageWords(t, p, f.Page) {
					if inset(w.Rect, 0.1).Overlaps(f.Rect) {
						t.Errorf("field %s %+v overlaps the word %q at %+v", f.Name, f.Rect, w.Text, w.Rect)
					}
				}
			}
		})
	}
}

func TestTheTemplateInForceOnTheDocumentDateIsUsed(t *testing.T) {
	r := newRenderer(t)
	old := sampleReceipt()
	old.Date = at(2024, 5, 10, 9, 0)
	old.DossierCode = "000.00.00.G09-240510-0003"
	cases := []struct {
		name     string
		doc      Document
		act      string
		text     string
		notText  string
		wantCode string
	}{
		{"receipt after 15/09/2025 follows Circular 03/2025", sampleReceipt(), "Thông tư số 03/2025/TT-VPCP", "Hình thức nhận kết quả:", "Đăng ký nhận kết quả tại:", ""},
		{"receipt of 2024 follows Circular 01/2018", old, "Thông tư số 01/2018/TT-VPCP", "Đăng ký nhận kết quả tại:", "Hình thức nhận kết quả:", ""},
		{"apology of 2024 has the 2018 title", func() Document {
			a := sampleApology()
			a.Date = at(2024, 5, 10, 9, 0)
			return a
		}(), "Thông tư số 01/2018/TT-VPCP", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "ĐỀ NGHỊ GIA HẠN", ""},
		{"stop notice before Circular 03/2025 has no form", func() Document {
			s := sampleStop()
			s.Date = at(2025, 9, 14, 9, 0)
			return s
		}(), "", "", "", motcua.EINVALID},
		{"stop notice on the effective day uses it", func() Document {
			s := sampleStop()
			s.Date = at(2025, 9, 15, 0, 0)
			return s
		}(), "Thông tư số 03/2025/TT-VPCP", "Dừng giải quyết hồ sơ", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := r.Render(context.Background(), tc.doc)
			if tc.wantCode != "" {
				if motcua.ErrorCode(err) != tc.wantCode {
					t.Fatalf("err = %v, want code %s", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.Template.Act != tc.act {
				t.Errorf("template act %q, want %q", out.Template.Act, tc.act)
			}
			text := oneLine(tool(t, "pdftotext", writePDF(t, "doc", out.PDF), "-"))
			if !strings.Contains(text, tc.text) {
				t.Errorf("text lacks %q", tc.text)
			}
			if tc.notText != "" && strings.Contains(text, tc.notText) {
				t.Errorf("text has %q from the other version", tc.notText)
			}
			info := string(tool(t, "pdfinfo", writePDF(t, "info", out.PDF)))
			if !strings.Contains(info, tc.act) {
				t.Errorf("pdfinfo does not name the act:\n%s", info)
			}
		})
	}
}

func TestVersionPickingAtTheBoundary(t *testing.T) {
	v1 := `{"kind":"refusal","form":"Mẫu số 03","act":"Act A","effective":"2020-01-01","title":["A"],"body":[{"text":"a"}]}`
	v2 := `{"kind":"refusal","form":"Mẫu số 03","act":"Act B","effective":"2025-09-15","title":["B"],"body":[{"text":"b"}]}`
	cat := catalog{}
	for i, src := range []string{v2, v1} {
		c, err := compile("t"+strconv.Itoa(i), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		cat[c.file.Kind] = append(cat[c.file.Kind], c)
	}
	sort.Slice(cat[KindRefusal], func(i, j int) bool {
		return cat[KindRefusal][i].effective.Before(cat[KindRefusal][j].effective)
	})
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{at(2025, 9, 14, 23, 59), "Act A"},
		{at(2025, 9, 15, 0, 0), "Act B"},
		// 17:30 UTC on 14/09 is 00:30 on 15/09 in Vietnam.
		{time.Date(2025, 9, 14, 17, 30, 0, 0, time.UTC), "Act B"},
		{at(2020, 1, 1, 8, 0), "Act A"},
	} {
		c, err := cat.pick(KindRefusal, tc.at)
		if err != nil || c.file.Act != tc.want {
			t.Errorf("pick(%v) = %v, %v; want %s", tc.at, c, err, tc.want)
		}
	}
	if _, err := cat.pick(KindRefusal, at(2019, 12, 31, 12, 0)); motcua.ErrorCode(err) != motcua.EINVALID {
		t.Errorf("before any version: err = %v, want EINVALID", err)
	}
}

func TestBadInputIsRefusedWithEINVALIDNamingTheField(t *testing.T) {
	r := newRenderer(t)
	cases := []struct {
		name  string
		doc   Document
		field string
	}{
		{"missing applicant", func() Document { d := sampleReceipt(); d.Applicant.Name = "  "; return d }(), "Applicant.Name"},
		{"bad dossier code", func() Document { d := sampleReceipt(); d.DossierCode = "G09/2025/12"; return d }(), "DossierCode"},
		{"no components", func() Document { d := sampleReceipt(); d.Components = nil; return d }(), "Components"},
		{"zero copies", func() Document { d := sampleReceipt(); d.Components[1].Count = 0; return d }(), "Components[1].Count"},
		{"appointment before receipt", func() Document { d := sampleReceipt(); d.DueAt = d.ReceivedAt.Add(-time.Hour); return d }(), "DueAt"},
		{"missing verification URL", func() Document { d := sampleRefusal(); d.VerifyURL = ""; return d }(), "VerifyURL"},
		{"verification URL not http", func() Document { d := sampleRefusal(); d.VerifyURL = "javascript:alert(1)"; return d }(), "VerifyURL"},
		{"signer name too long for one line", func() Document {
			d := sampleRefusal()
			d.Signer.Name = strings.Repeat("Nguyễn Thị Bích Lĩnh ", 4)
			return d
		}(), "Signer.Name"},
		{"agency name too long for the heading", func() Document {
			d := sampleRefusal()
			d.Agency = strings.Repeat("CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC ", 4)
			return d
		}(), "Agency"},
		{"reason too long", func() Document { d := sampleRefusal(); d.Reason = strings.Repeat("lý do ", 1000); return d }(), "Reason"},
		{"character the font cannot draw", func() Document { d := sampleRefusal(); d.Applicant.Name = "Trần Văn Minh 🙂"; return d }(), "Applicant.Name"},
		{"missing reason for each missing item", func() Document { d := sampleSupplement(); d.Items[0].Why = ""; return d }(), "Items[0].Why"},
		{"new appointment not later", func() Document { d := sampleApology(); d.NewDueAt = d.DueAt; return d }(), "NewDueAt"},
		{"unknown timeliness", func() Document { d := sampleControlSheet(); d.Handovers[0].Result = "soon"; return d }(), "Handovers[0].Result"},
		{"decision without articles", func() Document { d := sampleDecision(); d.Articles = nil; return d }(), "Articles"},
		{"decision symbol too long for the number line", func() Document {
			d := sampleDecision()
			d.Symbol = "QĐ-BNV-VPB-TCPCP-CVTLT-TDKT"
			return d
		}(), "Symbol"},
		{"missing signer", func() Document { d := sampleDecision(); d.Signer.Name = ""; return d }(), "Signer.Name"},
		{"missing date", func() Document { d := sampleDecision(); d.Date = time.Time{}; return d }(), "Date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Render(context.Background(), tc.doc)
			var me *motcua.Error
			if !errors.As(err, &me) || me.Code != motcua.EINVALID {
				t.Fatalf("err = %v, want a motcua.Error EINVALID", err)
			}
			if me.Field != tc.field {
				t.Errorf("field = %q, want %q (message %q)", me.Field, tc.field, me.Message)
			}
			if me.Message == "" || !utf8.ValidString(me.Message) {
				t.Errorf("message %q", me.Message)
			}
		})
	}
	t.Run("nil document", func(t *testing.T) {
		var d *Receipt
		if _, err := r.Render(context.Background(), d); motcua.ErrorCode(err) != motcua.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := r.Render(ctx, sampleReceipt()); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestDecomposedInputIsNormalizedNotRefusedAndInputIsUnchanged(t *testing.T) {
	r := newRenderer(t)
	d := sampleRefusal()
	nfd := norm.NFD.String("Nguyễn Thị Bích Lĩnh")
	d.Applicant.Name = nfd + "  \t"
	d.Reason = norm.NFD.String("Hồ sơ không thuộc thẩm quyền.") + "\u200b\x07"
	out := render(t, r, d)
	if d.Applicant.Name != nfd+"  \t" {
		t.Error("Render changed the caller's document")
	}
	text := oneLine(tool(t, "pdftotext", writePDF(t, "nfd", out.PDF), "-"))
	for _, want := range []string{"Nguyễn Thị Bích Lĩnh", "Hồ sơ không thuộc thẩm quyền."} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks the NFC form %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\u0303") || strings.Contains(text, "\u0323") {
		t.Error("combining marks reached the PDF")
	}
}

func TestLongDocumentFlowsOntoNumberedPagesWithTheSignerAtTheEnd(t *testing.T) {
	r := newRenderer(t)
	d := sampleDecision()
	for i := 0; i < 25; i++ {
		d.Articles = append(d.Articles, "Các cơ quan, đơn vị thuộc Bộ Nội vụ có trách nhiệm phối hợp với Quỹ trong việc thực hiện các nhiệm vụ được giao theo quy định của pháp luật.")
	}
	out := render(t, r, d)
	if out.Layout.PageCount < 2 || out.Layout.Page != out.Layout.PageCount {
		t.Fatalf("pages %d, signer on page %d", out.Layout.PageCount, out.Layout.Page)
	}
	p := writePDF(t, "long", out.PDF)
	for pg := 2; pg <= out.Layout.PageCount; pg++ {
		n := strconv.Itoa(pg)
		first := strings.Fields(string(tool(t, "pdftotext", "-f", n, "-l", n, p, "-")))
		if len(first) == 0 || first[0] != n {
			t.Errorf("page %d does not start with its number: %q", pg, first[:min(3, len(first))])
		}
	}
	page1 := string(tool(t, "pdftotext", "-f", "1", "-l", "1", p, "-"))
	if strings.HasPrefix(strings.TrimSpace(page1), "1") {
		t.Error("page 1 must not be numbered")
	}
	text := oneLine(tool(t, "pdftotext", p, "-"))
	if !strings.Contains(text, "Điều 28.") {
		t.Error("the last article is missing")
	}
	if f := out.Layout.Fields; len(f) != 2 || f[0].Page != 1 || f[1].Page != 1 {
		t.Errorf("number and date fields must stay on page 1: %+v", f)
	}
}

func TestDatesAndBudgetsAreWrittenTheVietnameseWay(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{longDate(at(2026, 2, 5, 9, 0)), "ngày 05 tháng 02 năm 2026"},
		{longDate(at(2025, 11, 20, 9, 0)), "ngày 20 tháng 11 năm 2025"},
		{longDate(at(2026, 3, 1, 9, 0)), "ngày 01 tháng 3 năm 2026"},
		// 20:00 UTC on 31/12 is already 01/01 in Hà Nội.
		{longDate(time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC)), "ngày 01 tháng 01 năm 2026"},
		{formatHours(4), "0,5 ngày"},
		{formatHours(16), "2 ngày"},
		{formatHours(3), "3 giờ"},
		{formatHours(0), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestEmbeddedTemplatesAllCompileAndCoverEveryKind(t *testing.T) {
	cat, err := loadCatalog(embeddedTemplates)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []Kind{KindReceipt, KindSupplementRequest, KindRefusal, KindApology, KindStopNotice,
		KindControlSheet, KindDecision, KindLicence, KindEReceipt, KindLetter} {
		if _, err := cat.pick(k, at(2026, 1, 1, 0, 0)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	bad := []string{
		`{"kind":"receipt","act":"A","effective":"2025-13-01","body":[{"text":"x"}]}`,
		`{"kind":"nope","act":"A","effective":"2025-01-01"}`,
		`{"kind":"receipt","act":"A","effective":"2025-01-01","body":[{"text":"{{.Oops"}]}`,
		`{"kind":"receipt","act":"A","effective":"2025-01-01","body":[{"style":"fancy","text":"x"}]}`,
		`{"kind":"receipt","act":"A","effective":"2025-01-01","unknown":1}`,
	}
	for _, src := range bad {
		if _, err := compile("bad", []byte(src)); err == nil {
			t.Errorf("compile accepted %s", src)
		}
	}
}

func TestConcurrentRendersProduceTheSameText(t *testing.T) {
	r := newRenderer(t)
	var wg sync.WaitGroup
	outs := make([][]byte, 6)
	errs := make([]error, 6)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d Document = sampleReceipt()
			if i%2 == 1 {
				d = sampleDecision()
			}
			o, err := r.Render(context.Background(), d)
			outs[i], errs[i] = o.PDF, err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
	}
	for i := 2; i < len(outs); i++ {
		a := tool(t, "pdftotext", writePDF(t, "a", outs[i%2]), "-")
		b := tool(t, "pdftotext", writePDF(t, "b", outs[i]), "-")
		if !bytes.Equal(a, b) {
			t.Errorf("render %d differs from render %d", i, i%2)
		}
	}
}

// TestWritePreviews writes a PNG of page 1 of every sample for people to look at:
// go test ./internal/render -run Previews -preview DIR
func TestWritePreviews(t *testing.T) {
	if *preview == "" {
		t.Skip("set -preview DIR to write PNG previews")
	}
	if err := os.MkdirAll(*preview, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		p := writePDF(t, name, render(t, r, docs[name]).PDF)
		tool(t, "pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", "-singlefile", p, filepath.Join(*preview, name))
	}
}

// TestDocumentsShareTheCommonSubsetAndRareGlyphsGetTheirOwn: two documents in
// Vietnamese embed the same font program (one subset, made once per Renderer), and a
// document with a glyph outside it (Greek, here) gets a subset of its own whose text
// still extracts exactly.
func TestDocumentsShareTheCommonSubsetAndRareGlyphsGetTheirOwn(t *testing.T) {
	r := newRenderer(t)
	fontFile := func(pdf []byte) string {
		t.Helper()
		// The longest stream is the font program.
		longest := ""
		for _, part := range strings.Split(string(pdf), "stream\n")[1:] {
			body, _, _ := strings.Cut(part, "endstream")
			if len(body) > len(longest) {
				longest = body
			}
		}
		return longest
	}
	// Refusals: notices without form fields, whose own subsets would hold only the
	// letters they use; the second uses letters the first does not.
	one, two := sampleRefusal(), sampleRefusal()
	two.Reason += " Ghi chú: Ỹ ỹ Ẵ ẵ Ỵ ỵ Ẳ ẳ Ễ ễ."
	a, b := render(t, r, one), render(t, r, two)
	if fa, fb := fontFile(a.PDF), fontFile(b.PDF); fa == "" || fa != fb {
		t.Errorf("two Vietnamese documents embed different font programs (%d and %d bytes)", len(fa), len(fb))
	}
	rare := sampleRefusal()
	rare.Reason += " Hệ số Ω = 1,5 theo phụ lục."
	c := render(t, r, rare)
	if fontFile(c.PDF) == fontFile(a.PDF) {
		t.Error("a document with Ω shares the common subset, which has no Ω")
	}
	plain := oneLine(tool(t, "pdftotext", writePDF(t, "rare", c.PDF), "-"))
	if !strings.Contains(plain, "Hệ số Ω = 1,5") {
		t.Errorf("the rare glyph's text is not extracted: %q", plain)
	}
	tool(t, "qpdf", "--check", writePDF(t, "shared", a.PDF))
}

// TestNoticesAddressAnOrganizationByItsName: the notices speak to a person as "Ông/Bà"
// and to an organization by its name and as "Quý cơ quan, tổ chức", never "Ông/Bà".
func TestNoticesAddressAnOrganizationByItsName(t *testing.T) {
	r := newRenderer(t)
	org := Applicant{Name: "Hội Văn thư - Lưu trữ Việt Nam", IDNumber: "HOI.DEMO.0001", Representative: "Trịnh Văn Sơn", Organization: true}
	supplement, refusal, apology, stop := sampleSupplement(), sampleRefusal(), sampleApology(), sampleStop()
	supplement.Applicant, refusal.Applicant, apology.Applicant, stop.Applicant = org, org, org, org
	refusal.Reason, stop.Reason = "Hồ sơ không thuộc thẩm quyền giải quyết của Bộ Nội vụ.", "Tổ chức đề nghị dừng giải quyết hồ sơ."
	for name, c := range map[string]struct {
		d    Document
		want []string
	}{
		"supplement-request": {supplement, []string{"đề nghị Quý cơ quan, tổ chức bổ sung"}},
		"refusal":            {refusal, []string{"để Quý cơ quan, tổ chức được biết"}},
		"apology":            {apology, []string{"Kính gửi: Hội Văn thư - Lưu trữ Việt Nam", "xin lỗi Quý cơ quan, tổ chức"}},
		"stop-notice":        {stop, []string{"Kính gửi: Hội Văn thư - Lưu trữ Việt Nam", "hồ sơ của Quý cơ quan, tổ chức"}},
	} {
		t.Run(name, func(t *testing.T) {
			plain := oneLine(tool(t, "pdftotext", writePDF(t, name, render(t, r, c.d).PDF), "-"))
			for _, w := range c.want {
				if !strings.Contains(plain, w) {
					t.Errorf("does not say %q:\n%s", w, plain)
				}
			}
			if strings.Contains(plain, "Ông/Bà") {
				t.Errorf("calls the organization Ông/Bà:\n%s", plain)
			}
		})
	}
}
