package pades

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzVerify feeds Verify mutations of the attack corpus and of small hand-made files:
// it must never panic, and the limits in parse.go keep time and memory bounded.
func FuzzVerify(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(attackDir, "*.pdf"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\nxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer<</Size 2/Root 1 0 R>>\nstartxref\n52\n%%EOF\n"))
	f.Add([]byte("%PDF-1.7\nstartxref\n9\n%%EOF"))
	f.Add(pdfWithCatalog(strings.Repeat("[", 10000)))
	f.Add([]byte("%PDF-1.7\n1 0 obj<</Type/XRef/W[1 4 2]/Size 1/Prev 9>>stream\nx\nendstream endobj startxref 9 %%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Verify(data, VerifyOptions{MaxSize: 8 << 20})
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
		}
		if err == nil && rep.Valid {
			t.Fatal("a file signed by nobody we trust verified as valid")
		}
	})
}
