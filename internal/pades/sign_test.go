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
	two := sealSign(t, p, one, "")
	os.WriteFile("/tmp/px/one.pdf", one, 0o644)
	os.WriteFile("/tmp/px/two.pdf", two, 0o644)
	db := nssDB(t, p)
	for _, f := range []string{"/tmp/px/one.pdf", "/tmp/px/two.pdf"} {
		out, err := exec.Command("pdfsig", "-nssdir", "sql:"+db, f).CombinedOutput()
		t.Logf("%s: %v\n%s", f, err, out)
		out, err = exec.Command("qpdf", "--check", f).CombinedOutput()
		t.Logf("qpdf %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
