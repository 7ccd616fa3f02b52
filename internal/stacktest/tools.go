package stacktest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool finds an external checker (pdfsig, pdftotext, qpdf, certutil). Missing, it skips
// the test on a laptop and fails it in CI, where .ci/run installs them.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it (apt-get install poppler-utils qpdf libnss3-tools)", name)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils qpdf libnss3-tools)", name)
	}
	return p
}

// Pdfsig runs pdfsig on pdf with an NSS database that trusts only the stack's CA and
// returns its report.
func (s *Stack) Pdfsig(t testing.TB, pdf []byte) string {
	t.Helper()
	pdfsig, certutil := Tool(t, "pdfsig"), Tool(t, "certutil")
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + dir, "--empty-password"},
		{"-A", "-n", "ca", "-t", "CT,C,C", "-i", s.RootPEM, "-d", "sql:" + dir},
	} {
		if b, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, b)
		}
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(pdfsig, "-nssdir", "sql:"+dir, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, b)
	}
	return string(b)
}

// PDFText runs pdftotext on pdf (layout kept) and returns the text.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin := Tool(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(bin, "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, b)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// QPDFCheck runs qpdf --check on pdf and fails the test on any problem.
func QPDFCheck(t testing.TB, pdf []byte) {
	t.Helper()
	bin := Tool(t, "qpdf")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := exec.Command(bin, "--check", path).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check: %v\n%s", err, b)
	}
}

// QRLink reads the QR code on the first page of pdf, as a phone would: poppler draws the
// page, zbar reads the code.
func QRLink(t testing.TB, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(Tool(t, "pdftoppm"), "-r", "200", "-f", "1", "-l", "1", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 1 {
		t.Fatalf("pdftoppm made %d pages", len(pages))
	}
	out, err := exec.Command(Tool(t, "zbarimg"), "-q", "--raw", pages[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code: %v", err)
	}
	return strings.TrimSpace(string(out))
}
