package pades

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var updateAttacks = flag.Bool("update-attacks", false, "rewrite testdata/attacks from freshly built files")

const attackDir = "testdata/attacks"

// attack is one manipulated file and the problem code Verify must report for it.
type attack struct {
	name string
	want string
	pdf  []byte
}

// mustUpdate appends an incremental update made by change to pdf.
func mustUpdate(t testing.TB, pdf []byte, change func(f *File, u *incremental)) []byte {
	t.Helper()
	f, err := Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	u, err := newIncremental(f)
	if err != nil {
		t.Fatal(err)
	}
	change(f, u)
	out, _, err := u.write()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// page1 returns page 1's reference and dictionary in the newest revision.
func page1(t testing.TB, f *File) (Ref, Dict) {
	t.Helper()
	refs, err := f.pageRefs(len(f.revs) - 1)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := f.Resolve(refs[0]).(Dict)
	return refs[0], d
}

// sameLength replaces the first occurrence of old after from with repl padded by
// spaces to the same length, so no offset moves (as an attacker editing in place does).
func sameLength(t testing.TB, pdf []byte, from int, old, repl string) []byte {
	t.Helper()
	i := indexOf(pdf, from, old)
	if i < 0 {
		t.Fatalf("%q not found", old)
	}
	if len(repl) > len(old) {
		t.Fatalf("replacement %q longer than %q", repl, old)
	}
	out := append([]byte(nil), pdf...)
	copy(out[i:], repl+strings.Repeat(" ", len(old)-len(repl)))
	return out
}

// lastSigDict returns the offset of the last signature dictionary's placeholder area.
func lastSig(pdf []byte) int { return bytes.LastIndex(pdf, []byte("/Type/Sig/")) }

// contentsSpan returns the [start, end) of the last /Contents<...> hex string.
func contentsSpan(t testing.TB, pdf []byte) (int, int) {
	t.Helper()
	s := indexOf(pdf, lastSig(pdf), "/Contents<") + len("/Contents")
	e := indexOf(pdf, s, ">") + 1
	return s, e
}

// buildAttacks builds the corpus from a freshly signed result.
func buildAttacks(t testing.TB) []attack {
	t.Helper()
	p := newPKI(t)
	ctx := context.Background()
	unsigned := smallPDF(t)
	leader := leaderSign(t, p, unsigned, "")
	filled, err := FillFields(leader, map[string]string{"motcua.number": "123/QĐ-BNV", "motcua.date": "Hà Nội, ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatal(err)
	}
	sealed := sealSign(t, p, filled, "")
	var out []attack
	add := func(name, want string, pdf []byte) { out = append(out, attack{name, want, pdf}) }

	add("valid_leader_number_seal", "", sealed)

	// A byte changed inside a signed range (the date of the creation in the Info).
	// The middle of the original file lies inside the embedded font's stream: the
	// structure still parses, only the digest can tell.
	tampered := append([]byte(nil), leader...)
	tampered[len(unsigned)/2] ^= 0x01
	add("tamper_byte_in_signed_range", CodeDigestMismatch, tampered)

	// ISA: an incremental update after the leader's signature replaces the page's
	// content stream.
	add("isa_content_stream_replaced", CodeContentModified, mustUpdate(t, leader, func(f *File, u *incremental) {
		_, pg := page1(t, f)
		cref, ok := pg["Contents"].(Ref)
		if !ok {
			arr := pg["Contents"].(Array)
			cref = arr[0].(Ref)
		}
		u.set(cref, &Stream{Dict: Dict{}, Data: []byte("BT /F0 24 Tf 60 700 Td (PAID 1000000000 VND) Tj ET")})
	}))
	// ISA: the page itself changes (a new content stream, a new MediaBox).
	add("isa_page_changed", CodePageModified, mustUpdate(t, leader, func(f *File, u *incremental) {
		ref, pg := page1(t, f)
		np := pg.clone()
		np["Contents"] = u.add(&Stream{Dict: Dict{}, Data: []byte("BT /F0 24 Tf 60 700 Td (Forged) Tj ET")})
		u.set(ref, np)
	}))
	// ISA: a new page tree behind an unchanged-looking catalog.
	add("isa_catalog_pages_replaced", CodeCatalogModified, mustUpdate(t, leader, func(f *File, u *incremental) {
		cat, cref, _ := f.catalog(len(f.revs) - 1)
		pref, pg := page1(t, f)
		kids := u.add(nil)
		np := pg.clone()
		np["Parent"] = kids
		np["Contents"] = u.add(&Stream{Dict: Dict{}, Data: []byte("BT /F0 24 Tf 60 700 Td (Other document) Tj ET")})
		newPage := u.add(np)
		u.set(kids, Dict{"Type": Name("Pages"), "Kids": Array{newPage}, "Count": int64(1)})
		nc := cat.clone()
		nc["Pages"] = kids
		u.set(cref, nc)
		_ = pref
	}))
	// ISA without xref: objects appended after %%EOF, for viewers that repair files.
	{
		f, _ := Open(leader)
		_, pg := page1(t, f)
		cref, _ := pg["Contents"].(Ref)
		evil := fmt.Sprintf("\n%d 0 obj\n<</Length 44>>\nstream\nBT /F0 24 Tf 60 700 Td (Forged text) Tj ET\nendstream\nendobj\n", cref.Num)
		add("isa_objects_after_eof", CodeTrailingData, append(append([]byte(nil), leader...), evil...))
	}
	// ISA: a free-text annotation drawn over the signed page (Evil Annotation).
	add("isa_annotation_added", CodeAnnotationAdded, mustUpdate(t, leader, func(f *File, u *incremental) {
		ref, pg := page1(t, f)
		annot := u.add(Dict{"Type": Name("Annot"), "Subtype": Name("FreeText"), "Rect": Array{60.0, 600.0, 500.0, 720.0},
			"Contents": textString("Số tiền: 1.000.000.000 đồng"), "DA": textString("/Helv 20 Tf 1 0 0 rg")})
		np := pg.clone()
		np["Annots"] = append(append(Array{}, pg["Annots"].(Array)...), annot)
		u.set(ref, np)
	}))
	// Sneaky signature: an unsigned signature widget with an appearance over the page.
	add("isa_unsigned_signature_widget", CodeUnsignedSigField, mustUpdate(t, leader, func(f *File, u *incremental) {
		ref, pg := page1(t, f)
		ap := u.add(&Stream{Dict: Dict{"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{0.0, 0.0, 400.0, 100.0}},
			Data: []byte("1 g 0 0 400 100 re f")})
		w := u.add(Dict{"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Sig"), "T": textString("Sneaky"),
			"Rect": Array{60.0, 600.0, 460.0, 700.0}, "AP": Dict{"N": ap}, "P": ref})
		np := pg.clone()
		np["Annots"] = append(append(Array{}, pg["Annots"].(Array)...), w)
		u.set(ref, np)
	}))

	// USF: the signature object made unverifiable in place (offsets unchanged).
	sig := lastSig(leader)
	add("usf_contents_missing", CodeContentsMissing, sameLength(t, leader, sig, "/Contents<", "/Contentz<"))
	cs, ce := contentsSpan(t, leader)
	nullContents := append([]byte(nil), leader...)
	copy(nullContents[cs:ce], " null"+strings.Repeat(" ", ce-cs-5))
	add("usf_contents_null", CodeContentsMissing, nullContents)
	zeros := append([]byte(nil), leader...)
	for j := cs + 1; j < ce-1; j++ {
		zeros[j] = '0'
	}
	add("usf_contents_zeros", CodeCMSInvalid, zeros)
	add("usf_byterange_missing", CodeByteRangeInvalid, sameLength(t, leader, sig, "/ByteRange[", "/ByteRangX["))
	brStart := indexOf(leader, sig, "/ByteRange[") + len("/ByteRange")
	brEnd := indexOf(leader, brStart, "]") + 1
	add("usf_byterange_null", CodeByteRangeInvalid, sameLength(t, leader, brStart, string(leader[brStart:brEnd]), " null"))
	add("usf_byterange_garbage", CodeByteRangeGap, sameLength(t, leader, brStart, string(leader[brStart:brEnd]), "[0 1 2 3]"))

	// SWA: content hidden inside the gap. The padding zeros of /Contents are replaced by
	// '>' and an object: the signed ranges are untouched, so the digest still matches,
	// but the gap is no longer exactly the /Contents string.
	{
		w := append([]byte(nil), leader...)
		der := derLength(mustHex(t, w[cs+1:ce-1]))
		inject := []byte(">>>\nendobj\n999 0 obj\n(hidden in the gap)\nendobj\n%")
		pos := cs + 1 + 2*der
		if pos+len(inject) >= ce-1 {
			t.Fatal("no room in the placeholder")
		}
		copy(w[pos:], inject)
		add("swa_content_in_gap", CodeByteRangeGap, w)
	}
	// SWA: a later revision redefines the signature dictionary, copying its CMS and
	// byte range, while it changes the page: the signature "moves" to new bytes.
	{
		f, _ := Open(leader)
		fl, _ := f.signatureFields(len(f.revs) - 1)
		vref := fl[0].dict["V"].(Ref)
		sigDict := f.Resolve(vref).(Dict)
		add("swa_signature_dictionary_moved", CodeByteRangeGap, mustUpdate(t, leader, func(f *File, u *incremental) {
			nd := sigDict.clone()
			nd["Reason"] = textString("moved")
			u.set(vref, nd)
			ref, pg := page1(t, f)
			np := pg.clone()
			np["Contents"] = u.add(&Stream{Dict: Dict{}, Data: []byte("BT /F0 24 Tf 60 700 Td (Forged) Tj ET")})
			u.set(ref, np)
		}))
	}

	// Shadow attacks: the attacker prepares the document before it is signed.
	// Hide: a white overlay (a form XObject) covers text; after signing the overlay's
	// stream is emptied to reveal it.
	{
		prepared := mustUpdate(t, unsigned, func(f *File, u *incremental) {
			ref, pg := page1(t, f)
			overlay := u.add(&Stream{Dict: Dict{"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{0.0, 0.0, 595.0, 842.0}},
				Data: []byte("1 g 50 640 500 50 re f")})
			np := pg.clone()
			res, _ := f.Resolve(pg["Resources"]).(Dict)
			res = res.clone()
			res["XObject"] = Dict{"Shadow": overlay}
			np["Resources"] = res
			np["Contents"] = Array{pg["Contents"], u.add(&Stream{Dict: Dict{}, Data: []byte("q /Shadow Do Q")})}
			u.set(ref, np)
		})
		signedShadow := leaderSign(t, p, prepared, "")
		add("shadow_hide", CodeContentModified, mustUpdate(t, signedShadow, func(f *File, u *incremental) {
			_, pg := page1(t, f)
			res, _ := f.Resolve(pg["Resources"]).(Dict)
			xo, _ := res["XObject"].(Dict)
			u.set(xo["Shadow"].(Ref), &Stream{Dict: Dict{"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": Array{0.0, 0.0, 595.0, 842.0}}})
		}))
		// Hide-and-replace: the prepared document also carries a second definition of
		// the page's content stream that no xref lists; after signing, an update made
		// of one xref entry and nothing else makes it the page's content.
		f, _ := Open(unsigned)
		_, pg := page1(t, f)
		cref, ok := pg["Contents"].(Ref)
		if !ok {
			t.Fatal("page contents is not a single stream")
		}
		withHidden, off := withOrphan(t, unsigned, cref.Num, "BT /F0 24 Tf 60 700 Td (Hidden contract terms) Tj ET")
		signed2 := leaderSign(t, p, withHidden, "")
		add("shadow_hide_and_replace_xref_only", CodeContentModified, xrefOnlyRedirect(t, signed2, cref.Num, off))
	}
	// Replace: a field prepared by the attacker, filled after signing with other text.
	{
		prepared := mustUpdate(t, unsigned, func(f *File, u *incremental) {
			ref, pg := page1(t, f)
			cat, cref, _ := f.catalog(len(f.revs) - 1)
			w := u.add(Dict{"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Tx"), "T": textString("amount"),
				"Rect": Array{60.0, 640.0, 500.0, 690.0}, "P": ref, "DA": textString("/F0 12 Tf 0 g")})
			np := pg.clone()
			np["Annots"] = append(append(Array{}, pg["Annots"].(Array)...), w)
			u.set(ref, np)
			acro, _ := f.Resolve(cat["AcroForm"]).(Dict)
			acro = acro.clone()
			fields, _ := f.Resolve(acro["Fields"]).(Array)
			if fr, ok := acro["Fields"].(Ref); ok {
				u.set(fr, append(append(Array{}, fields...), w))
			} else {
				acro["Fields"] = append(append(Array{}, fields...), w)
			}
			nc := cat.clone()
			nc["AcroForm"] = acro
			u.set(cref, nc)
		})
		signed3 := leaderSign(t, p, prepared, "")
		replaced, err := FillFields(signed3, map[string]string{"amount": "Số tiền: 1.000.000.000 đồng"})
		if err != nil {
			t.Fatal(err)
		}
		add("shadow_replace_form_field", CodeFieldNotAllowed, replaced)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	_ = ctx
	return out
}

func mustHex(t testing.TB, h []byte) []byte {
	t.Helper()
	out := make([]byte, len(h)/2)
	for i := range out {
		a, _ := hexVal(h[2*i])
		b, _ := hexVal(h[2*i+1])
		out[i] = a<<4 | b
	}
	return out
}

// withOrphan appends, after the last %%EOF of pdf, a definition of object num that no
// xref lists: readers ignore it, the signer will sign it.
func withOrphan(t testing.TB, pdf []byte, num int, content string) ([]byte, int64) {
	t.Helper()
	var b bytes.Buffer
	b.Write(pdf)
	off := int64(b.Len())
	fmt.Fprintf(&b, "%d 0 obj\n", num)
	writeObject(&b, &Stream{Dict: Dict{}, Data: []byte(content)})
	b.WriteString("\nendobj\n")
	return b.Bytes(), off
}

// xrefOnlyRedirect appends an update with no object at all: only an xref section whose
// one entry gives object num the offset off (a definition hidden in the signed bytes).
func xrefOnlyRedirect(t testing.TB, pdf []byte, num int, off int64) []byte {
	t.Helper()
	f, err := Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	last := f.revs[len(f.revs)-1]
	var b bytes.Buffer
	b.Write(pdf)
	x := int64(b.Len())
	tr := Dict{"Size": int64(f.size()), "Prev": last.xrefPos, "Root": last.trailer["Root"]}
	if v, ok := last.trailer["ID"]; ok {
		tr["ID"] = v
	}
	if last.stream {
		xn := f.size()
		tr["Size"] = int64(xn + 1)
		tr["Type"] = Name("XRef")
		tr["W"] = Array{int64(1), int64(4), int64(2)}
		tr["Index"] = Array{int64(num), int64(1), int64(xn), int64(1)}
		row := func(o int64) []byte { return []byte{1, byte(o >> 24), byte(o >> 16), byte(o >> 8), byte(o), 0, 0} }
		fmt.Fprintf(&b, "%d 0 obj\n", xn)
		writeObject(&b, &Stream{Dict: tr, Data: append(row(off), row(x)...)})
		b.WriteString("\nendobj\n")
	} else {
		fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n\r\ntrailer\n", num, off)
		writeObject(&b, tr)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}

func hasCode(ps []Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func reportHas(rep *Report, code string) bool {
	if hasCode(rep.Problems, code) {
		return true
	}
	for _, s := range rep.Signatures {
		if hasCode(s.Problems, code) {
			return true
		}
	}
	return false
}

func checkAttack(t *testing.T, a attack, opts VerifyOptions) {
	t.Helper()
	rep, err := Verify(a.pdf, opts)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if a.want == "" {
		if !rep.Valid {
			t.Fatalf("untouched file is not valid: %+v", rep)
		}
		return
	}
	if rep.Valid || rep.Verdict != "invalid" {
		t.Fatalf("attack %s verified as %s", a.name, rep.Verdict)
	}
	if !reportHas(rep, a.want) {
		t.Fatalf("attack %s: want problem %s, got %+v", a.name, a.want, rep)
	}
}

// Acceptance 2: every attack built here, and every file of the stored corpus, is
// reported invalid with the reason it was built to show.
func TestAttacksAreDetected(t *testing.T) {
	p := newPKI(t)
	attacks := buildAttacks(t)
	if *updateAttacks {
		writeCorpus(t, p, attacks)
	}
	for _, a := range attacks {
		t.Run("fresh/"+a.name, func(t *testing.T) { checkAttack(t, a, verifyOpts(p)) })
	}
	stored, roots := readCorpus(t)
	if len(stored) < len(attacks) {
		t.Fatalf("stored corpus has %d files, %d built; run go test -run TestAttacksAreDetected -update-attacks", len(stored), len(attacks))
	}
	for _, a := range stored {
		t.Run("stored/"+a.name, func(t *testing.T) {
			checkAttack(t, a, VerifyOptions{Roots: roots, AllowedFields: []string{"motcua.number", "motcua.date"}})
		})
	}
}

func writeCorpus(t *testing.T, p *testPKI, attacks []attack) {
	t.Helper()
	if err := os.MkdirAll(attackDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(attackDir, "*.pdf"))
	for _, f := range old {
		os.Remove(f)
	}
	var idx strings.Builder
	for _, a := range attacks {
		name := a.name + ".pdf"
		if err := os.WriteFile(filepath.Join(attackDir, name), a.pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		want := a.want
		if want == "" {
			want = "valid"
		}
		fmt.Fprintf(&idx, "%s %s\n", name, want)
	}
	if err := os.WriteFile(filepath.Join(attackDir, "expected.txt"), []byte(idx.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(attackDir, "ca.pem"), p.rootPEM, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readCorpus(t testing.TB) ([]attack, *x509.CertPool) {
	t.Helper()
	idx, err := os.ReadFile(filepath.Join(attackDir, "expected.txt"))
	if err != nil {
		t.Fatalf("read corpus index: %v", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(attackDir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	blk, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(ca)
	var out []attack
	for _, line := range strings.Split(strings.TrimSpace(string(idx)), "\n") {
		name, want, _ := strings.Cut(line, " ")
		data, err := os.ReadFile(filepath.Join(attackDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if want == "valid" {
			want = ""
		}
		out = append(out, attack{strings.TrimSuffix(name, ".pdf"), want, data})
	}
	return out, roots
}
