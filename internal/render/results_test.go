package render

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/fonts"
)

// sampleResult builds procedure p's result from its valid sample, as the draft-result
// activity does.
func sampleResult(t *testing.T, r *Renderer, p *forms.Procedure, now time.Time) Document {
	t.Helper()
	raw, err := forms.Sample(p.Code, p.Version)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err = formstest.Resolve(raw, now); err != nil {
		t.Fatal(err)
	}
	data, errs := p.Validate(raw)
	if len(errs) > 0 {
		t.Fatalf("sample invalid: %v", errs)
	}
	// The store keeps the data as JSON: go through it as the activity does.
	b, _ := json.Marshal(data)
	var stored map[string]any
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	h := Header{Agency: "BỘ NỘI VỤ", Place: "Hà Nội", Date: now,
		Signer:     Signer{Prefix: p.Signer.Prefix + " " + p.Signer.AuthorityTitle, Title: p.Signer.Title, Name: "Nguyễn Văn An"},
		Recipients: []string{"Như trên;", "Lưu: VT."}, VerifyURL: verifyBase + "abcdefghijklmnopqrstuvwxyz"}
	doc, err := r.Result(p.Result.Template, ResultInput{Header: h, Issuer: "BNV", F: p.Display(stored),
		Applicant: "Trần Văn Minh", Procedure: p.Name, Result: p.Result.Name, Bases: []string{"Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;"}})
	if err != nil {
		t.Fatalf("Result(%s): %v", p.Result.Template, err)
	}
	return doc
}

// TestEveryCatalogResultHasItsOwnTemplate: every result template the catalog declares
// exists, and the result of each procedure version, made from its valid sample, prints
// its own title and the applicant's data, with no dossier code in its title, in the
// Times New Roman–metric font. -preview DIR writes page 1 of each as a PNG.
func TestEveryCatalogResultHasItsOwnTemplate(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, motcua.Vietnam)
	cat, err := forms.Default(forms.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	r := newRenderer(t)
	for _, code := range cat.Codes() {
		for _, p := range cat.Versions(code) {
			t.Run(p.Key(), func(t *testing.T) {
				if _, err := r.ResultSymbol(p.Result.Template, "BNV"); err != nil {
					t.Fatalf("catalog declares result template %q, which does not exist: %v", p.Result.Template, err)
				}
				out := render(t, r, sampleResult(t, r, p, now))
				path := writePDF(t, p.Code, out.PDF)
				text := oneLine(tool(t, "pdftotext", "-layout", path, "-"))
				want, ok := formstest.ResultContent[p.Code]
				if !ok {
					t.Fatalf("no expected content for %s: add it to formstest.ResultContent", p.Code)
				}
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("result of %s does not say %q:\n%s", p.Code, w, text)
					}
				}
				if strings.Contains(text, "G09-") || strings.Contains(text, "<no value>") {
					t.Errorf("result names an internal code or a missing field:\n%s", text)
				}
				fonts := string(tool(t, "pdffonts", path))
				if !strings.Contains(fonts, "+LiberationSerif") || strings.Contains(fonts, "DejaVu") {
					t.Errorf("want Liberation Serif embedded, no DejaVu:\n%s", fonts)
				}
				if dir := *preview; dir != "" {
					png := filepath.Join(dir, "ket-qua-"+p.Result.Template)
					tool(t, "pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", "600", "-singlefile", path, png)
				}
			})
		}
	}
}

// TestAnUndeclaredResultTemplateIsAnError: the check above fails for a name the
// package does not have.
func TestAnUndeclaredResultTemplateIsAnError(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.ResultSymbol("khong-co-mau", "BNV"); motcua.ErrorCode(err) != motcua.EINTERNAL {
		t.Errorf("ResultSymbol of an unknown template: %v", err)
	}
	if _, err := r.Result("khong-co-mau", ResultInput{}); err == nil {
		t.Error("Result of an unknown template succeeded")
	}
	if len(r.ResultTemplates()) < 9 {
		t.Errorf("result templates %v", r.ResultTemplates())
	}
}

// TestTheDraftPreviewIsMarked: the preview of a draft carries "DỰ THẢO"; the document
// itself (what is signed and issued) does not.
func TestTheDraftPreviewIsMarked(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, motcua.Vietnam)
	cat, err := forms.Default(forms.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Procedure("1.013929")
	if err != nil {
		t.Fatal(err)
	}
	r := newRenderer(t)
	out := render(t, r, sampleResult(t, r, p, now))
	if text := oneLine(tool(t, "pdftotext", writePDF(t, "clean", out.PDF), "-")); strings.Contains(text, DraftMark) {
		t.Errorf("the document itself carries %q", DraftMark)
	}
	marked, err := MarkDraft(out.PDF)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, "draft", marked)
	text := oneLine(tool(t, "pdftotext", path, "-"))
	if !strings.Contains(text, DraftMark) || !strings.Contains(text, "TRẦN VĂN MINH") {
		t.Errorf("preview lacks %q or the content:\n%s", DraftMark, text)
	}
	if dir := *preview; dir != "" {
		tool(t, "pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", "600", "-singlefile", path, filepath.Join(dir, "du-thao-luu-tru-chung-chi"))
	}
}

// TestAnAgencyFontDirReplacesLiberation: documents are set in the faces of the
// configured directory. pdfcpu's font setup is process-wide, so the render runs in a
// child process of the test binary.
func TestAnAgencyFontDirReplacesLiberation(t *testing.T) {
	if dir := os.Getenv("MOTCUA_TEST_FONT_DIR"); dir != "" {
		r, err := New(Options{FontDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		out := render(t, r, samples()["decision"])
		if err := os.WriteFile(filepath.Join(dir, "out.pdf"), out.PDF, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"serif.ttf": fonts.Serif, "serifbd.ttf": fonts.SerifBold, "serifi.ttf": fonts.SerifItalic} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAnAgencyFontDirReplacesLiberation$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_FONT_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	list := string(tool(t, "pdffonts", filepath.Join(dir, "out.pdf")))
	if !strings.Contains(list, "+DejaVuSerif ") || !strings.Contains(list, "+DejaVuSerif-Bold") || strings.Contains(list, "Liberation") {
		t.Errorf("want the directory's faces only:\n%s", list)
	}

	// A directory without an italic face is refused with a clear error.
	bad := t.TempDir()
	for name, data := range map[string][]byte{"serif.ttf": fonts.Serif, "serifbd.ttf": fonts.SerifBold} {
		if err := os.WriteFile(filepath.Join(bad, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := UseFontDir(bad); motcua.ErrorCode(err) != motcua.EINVALID || !strings.Contains(err.Error(), "nghiêng") {
		t.Errorf("a directory without italic: %v", err)
	}
}

func TestDatePhraseWritesAZeroBeforeJanuaryAndFebruaryOnly(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 2, 5, 9, 0, 0, 0, motcua.Vietnam), "ngày 05 tháng 02 năm 2026"},
		{time.Date(2026, 3, 6, 9, 0, 0, 0, motcua.Vietnam), "ngày 06 tháng 3 năm 2026"},
		{time.Date(2025, 11, 20, 9, 0, 0, 0, motcua.Vietnam), "ngày 20 tháng 11 năm 2025"},
		{time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), "ngày 01 tháng 01 năm 2027"}, // Vietnam time
	} {
		if got := DatePhrase(c.t); got != c.want {
			t.Errorf("DatePhrase(%s) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestEveryResultTypeHasItsScreenshotInTheREADME: the README's section on results shows
// page 1 of every result type the catalog declares, and of the marked draft, as small
// PNGs under docs/screenshots (written by the whole-path test with
// MOTCUA_RESULT_SCREENSHOTS, see the README); a template added to the catalog without
// its picture fails here.
func TestEveryResultTypeHasItsScreenshotInTheREADME(t *testing.T) {
	const root = "../.."
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Results (Decree 30/2020 layout)\n")
	if !ok {
		t.Fatal("README has no section on results")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"du-thao-luu-tru-chung-chi.png": true}
	for _, code := range cat.Codes() {
		for _, p := range cat.Versions(code) {
			want["ket-qua-"+p.Result.Template+".png"] = true
		}
	}
	for name := range want {
		path := "docs/screenshots/" + name
		if !strings.Contains(section, "]("+path+")") {
			t.Errorf("the README's results section does not show %s", path)
		}
		b, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Errorf("screenshot of a result type: %v", err)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width > 800 || cfg.Height > 1000 || len(b) > 200<<10 {
			t.Errorf("%s: want a small PNG (≤ 800×1000 px, ≤ 200 KB), got %dx%d, %d bytes (%v)", path, cfg.Width, cfg.Height, len(b), err)
		}
	}
}
