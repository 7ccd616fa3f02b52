package pades

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
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

// pdfOf lays out numbered objects with a correct cross-reference table and a trailer
// (extra trailer entries in trailerExtra; xrefAt names the trailer's /Prev when >= 0).
func pdfOf(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj%sendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	extra := strings.ReplaceAll(trailerExtra, "XREF", fmt.Sprint(xref))
	fmt.Fprintf(&b, "trailer<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, extra, xref)
	return b.Bytes()
}

// TestHostileLoopsAndBombsAreRefusedInBoundedTimeAndMemory: reference loops (an xref
// chain whose /Prev points at itself, a page tree and a form field that are their own
// kids) and a compression bomb (a cross-reference stream that inflates to 256 MB) each end
// in a refusal or a report, quickly and in little memory, never a hang or a crash.
func TestHostileLoopsAndBombsAreRefusedInBoundedTimeAndMemory(t *testing.T) {
	var bomb bytes.Buffer
	zw := zlib.NewWriter(&bomb)
	zeros := make([]byte, 1<<20)
	for range 256 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	var xrefBomb bytes.Buffer
	xrefBomb.WriteString("%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n")
	at := xrefBomb.Len()
	fmt.Fprintf(&xrefBomb, "3 0 obj<</Type/XRef/Size 4/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>stream\n", bomb.Len())
	xrefBomb.Write(bomb.Bytes())
	fmt.Fprintf(&xrefBomb, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", at)

	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"xref chain whose /Prev is itself", pdfOf([]string{"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[]/Count 0>>"}, "/Prev XREF")},
		{"page tree that is its own kid", pdfOf([]string{"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[2 0 R]/Count 1>>"}, "")},
		{"form field that is its own kid", pdfOf([]string{"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[3 0 R]>>>>",
			"<</Type/Pages/Kids[]/Count 0>>", "<</FT/Sig/T(a)/Kids[3 0 R]/Parent 3 0 R>>"}, "")},
		{"objects that refer to each other", pdfOf([]string{"<</Type/Catalog/Pages 2 0 R/X 3 0 R>>",
			"<</Type/Pages/Kids[]/Count 0>>", "<</Y 4 0 R>>", "<</Z 3 0 R>>"}, "")},
		{"cross-reference stream bomb (256 MB inflated)", xrefBomb.Bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			rep, err := Verify(tc.in, VerifyOptions{MaxSize: 20 << 20})
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil && (rep == nil || rep.Valid) {
				t.Fatalf("report %+v, want a refusal or an unsigned/invalid verdict", rep)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 128<<20 {
				t.Errorf("verifying a %d-byte file allocated %d MB", len(tc.in), grew>>20)
			}
			// A bound, not a speed measurement: a loop would run until the test's timeout.
			if took > 20*time.Second {
				t.Errorf("verifying took %v", took)
			}
		})
	}
}
