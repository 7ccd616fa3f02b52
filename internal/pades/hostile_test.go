package pades

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// pdfWithCatalog builds a well-formed one-object PDF whose catalog carries extra, with a
// correct cross-reference table, so that the parser reaches extra.
func pdfWithCatalog(extra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	off1 := b.Len()
	b.WriteString("1 0 obj<</Type/Catalog/Pages 2 0 R/X " + extra + ">>endobj\n")
	off2 := b.Len()
	b.WriteString("2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 3\n0000000000 65535 f\r\n%010d 00000 n\r\n%010d 00000 n\r\n", off1, off2)
	fmt.Fprintf(&b, "trailer<</Size 3/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// TestHostileNestingIsRefusedInBoundedMemory: a catalog nested a million deep once
// overflowed the stack (arrays recursed without the depth check dictionaries had) and
// took the whole process down; 400,000 deep grew it by half a gigabyte. Each must now be
// refused as a syntax error, with little memory.
func TestHostileNestingIsRefusedInBoundedMemory(t *testing.T) {
	const deep = 1_000_000
	for _, tc := range []struct{ name, extra string }{
		{"arrays", strings.Repeat("[", deep) + strings.Repeat("]", deep)},
		{"arrays unclosed", strings.Repeat("[", deep)},
		{"dictionaries", strings.Repeat("<</A ", deep) + strings.Repeat(">>", deep)},
		{"arrays of dictionaries", strings.Repeat("[<</A ", deep/2) + "1" + strings.Repeat(">>]", deep/2)},
		{"just over the limit", strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := pdfWithCatalog(tc.extra)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rep, err := Verify(in, VerifyOptions{MaxSize: 20 << 20})
			runtime.ReadMemStats(&after)
			if err == nil && (rep == nil || rep.Valid) {
				t.Fatalf("hostile nesting: report %+v, want a refusal", rep)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("verifying a %d-byte file allocated %d MB", len(in), grew>>20)
			}
		})
	}
	// Nesting within the limit is ordinary PDF and still reads.
	ok := pdfWithCatalog(strings.Repeat("[", maxDepth-2) + strings.Repeat("]", maxDepth-2))
	if rep, err := Verify(ok, VerifyOptions{}); err != nil || rep.Verdict != "unsigned" {
		t.Errorf("nesting within the limit: %v %+v", err, rep)
	}
}
