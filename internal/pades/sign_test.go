package pades

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestScratchSign(t *testing.T) {
	p := newPKI(t)
	in := resultPDF(t, 1)
	tsa := tsaServer(t, p)
	one := leaderSign(t, p, in, tsa.URL)
	filled, err := FillFields(one, map[string]string{"motcua.number": "123/QĐ-BNV", "motcua.date": "Hà Nội, ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatal(err)
	}
	two := sealSign(t, p, filled, "")
	os.WriteFile("/tmp/px/one.pdf", one, 0o644)
	os.WriteFile("/tmp/px/two.pdf", two, 0o644)
	db := nssDB(t, p)
	for _, f := range []string{"/tmp/px/two.pdf"} {
		out, err := exec.Command("pdfsig", "-nssdir", "sql:"+db, f).CombinedOutput()
		t.Logf("%s: %v\n%s", f, err, out)
		out, err = exec.Command("qpdf", "--check", f).CombinedOutput()
		t.Logf("qpdf %v\n%s", err, strings.TrimSpace(string(out)))
		out, err = exec.Command("pdftotext", f, "-").CombinedOutput()
		t.Logf("pdftotext %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
