package pades

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	pdfsignverify "github.com/digitorus/pdfsign/verify"
)

// signedResult is the whole pipeline of a result: leader certification (with a
// time-stamp), number and date filled, seal approval.
func signedResult(t testing.TB, pages int, tsaURL string) (leader, filled, sealed []byte) {
	t.Helper()
	p := newPKI(t)
	leader = leaderSign(t, p, resultPDF(t, pages), tsaURL)
	var err error
	filled, err = FillFields(leader, map[string]string{"motcua.number": "123/QĐ-BNV", "motcua.date": "Hà Nội, ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatalf("fill fields: %v", err)
	}
	sealed = sealSign(t, p, filled, tsaURL)
	return leader, filled, sealed
}

func verifyOpts(p *testPKI) VerifyOptions {
	return VerifyOptions{Roots: p.roots, AllowedFields: []string{"motcua.number", "motcua.date"}}
}

func TestLeaderThenSealBothValidInMotcua(t *testing.T) {
	p := newPKI(t)
	tsa := tsaServer(t, p)
	leader, filled, sealed := signedResult(t, 1, tsa.URL)
	if !bytes.HasPrefix(filled, leader) || !bytes.HasPrefix(sealed, filled) {
		t.Fatal("an update rewrote earlier bytes")
	}
	rep, err := Verify(sealed, verifyOpts(p))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("want 2 valid signatures, got %+v", rep)
	}
	l, s := rep.Signatures[0], rep.Signatures[1]
	if l.Kind != "certification" || l.DocMDP != 2 || l.Revision != 2 || l.CoversWholeFile {
		t.Errorf("leader: %+v", l)
	}
	if l.Signer.CommonName != "Nguyễn Thị Bích Lĩnh" || !l.Checks.Timestamp || l.Timestamp == nil || !l.Timestamp.Valid {
		t.Errorf("leader signer or time-stamp: %+v %+v", l.Signer, l.Timestamp)
	}
	if s.Kind != "approval" || !s.CoversWholeFile || s.Revision != 4 {
		t.Errorf("seal: %+v", s)
	}
	var filledNumber bool
	for _, c := range l.Changes {
		if c.Kind == "form_filled" && c.Field == "motcua.number" && c.Value == "123/QĐ-BNV" {
			filledNumber = true
		}
	}
	if !filledNumber {
		t.Errorf("leader's changes do not record the number: %+v", l.Changes)
	}
	if l.SubFilter != "ETSI.CAdES.detached" || s.SubFilter != "ETSI.CAdES.detached" {
		t.Errorf("SubFilter %q, %q: want PAdES baseline's ETSI.CAdES.detached", l.SubFilter, s.SubFilter)
	}
	// The appearances are images with their transparency (not pdfsign's Times-Roman
	// text, which has no Vietnamese letters).
	if !bytes.Contains(sealed[len(leader):], []byte("/SMask")) || bytes.Contains(sealed, []byte("Times-Roman")) {
		t.Error("the seal's appearance is not an image with a soft mask")
	}
	if l.Name != "Nguyễn Thị Bích Lĩnh (Phó Vụ trưởng)" {
		t.Errorf("name in the signature dictionary: %q", l.Name)
	}
}

// The pinned pdfsign writes Vietnamese names as unescaped UTF-16 in a literal string, so
// "ĩ" (0x01 0x29) ends the string. motcua writes text strings as hex: this name, with ĩ
// and parentheses, must survive both pdfsig and pdfsign's own verifier.
func TestVietnameseNameWithParenthesesSurvivesPdfsigAndPdfsignVerify(t *testing.T) {
	p := newPKI(t)
	leader := leaderSign(t, p, resultPDF(t, 1), "")
	path := writeTemp(t, "leader.pdf", leader)

	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	resp, err := pdfsignverify.VerifyFile(fh)
	if err != nil {
		t.Fatalf("pdfsign verify: %v", err)
	}
	if len(resp.Signers) != 1 || !resp.Signers[0].ValidSignature || resp.Signers[0].Name != "Nguyễn Thị Bích Lĩnh (Phó Vụ trưởng)" {
		t.Fatalf("pdfsign verify: %+v", resp.Signers)
	}

	needTool(t, "pdfsig")
	out, err := exec.Command("pdfsig", "-nssdir", "sql:"+nssDB(t, p), path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature is Valid") || strings.Contains(string(out), "Syntax Error") {
		t.Fatalf("pdfsig: %v\n%s", err, out)
	}
}

// Acceptance 1: pdfsig says valid and trusted for every signature of a result with one
// and with two signatures, and qpdf finds nothing wrong.
func TestPdfsigValidAndTrustedQpdfClean(t *testing.T) {
	pdfsig := needTool(t, "pdfsig")
	needTool(t, "qpdf")
	p := newPKI(t)
	tsa := tsaServer(t, p)
	db := nssDB(t, p)
	leader, _, sealed := signedResult(t, 1, tsa.URL)
	for _, tc := range []struct {
		name string
		pdf  []byte
		sigs int
	}{{"leader only", leader, 1}, {"leader, number, seal", sealed, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "x.pdf", tc.pdf)
			out, err := exec.Command(pdfsig, "-nssdir", "sql:"+db, path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfsig: %v\n%s", err, out)
			}
			s := string(out)
			if n := strings.Count(s, "Signature is Valid"); n != tc.sigs {
				t.Errorf("%d valid signatures, want %d\n%s", n, tc.sigs, s)
			}
			if n := strings.Count(s, "Certificate is Trusted"); n != tc.sigs {
				t.Errorf("%d trusted certificates, want %d\n%s", n, tc.sigs, s)
			}
			out, err = exec.Command("qpdf", "--check", path).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
		})
	}
}

func TestFilledNumberAndDateAppearInPdftotext(t *testing.T) {
	needTool(t, "pdftotext")
	_, _, sealed := signedResult(t, 1, "")
	out, err := exec.Command("pdftotext", writeTemp(t, "x.pdf", sealed), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{"123/QĐ-BNV", "Hà Nội, ngày 22 tháng 11 năm 2026"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, out)
		}
	}
}

func TestFillFieldsRefusesUnknownAndLockedFields(t *testing.T) {
	_, _, sealed := signedResult(t, 1, "")
	if _, err := FillFields(sealed, map[string]string{"motcua.number": "999/QĐ-BNV"}); err == nil || !strings.Contains(err.Error(), "khóa") {
		t.Errorf("filling after the seal locked the fields: err = %v", err)
	}
	leader := leaderSign(t, newPKI(t), resultPDF(t, 1), "")
	if _, err := FillFields(leader, map[string]string{"motcua.nope": "x"}); err == nil {
		t.Error("filling a missing field succeeded")
	}
}

func TestCertificationMustBeFirstAndP1ForbidsMore(t *testing.T) {
	p := newPKI(t)
	leader := leaderSign(t, p, resultPDF(t, 1), "")
	_, err := Sign(context.Background(), leader, SignOptions{Kind: Certification, Key: p.org.key, Chain: p.org.chain})
	if err == nil {
		t.Error("a second certification signature was accepted")
	}
	locked, err := Sign(context.Background(), resultPDF(t, 1), SignOptions{Kind: Certification, DocMDP: NoChanges, Key: p.leader.key, Chain: p.leader.chain})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(context.Background(), locked, SignOptions{Kind: Approval, Key: p.org.key, Chain: p.org.chain}); err == nil {
		t.Error("signing a P=1 certified document was accepted")
	}
	if _, err := FillFields(locked, map[string]string{"motcua.number": "1"}); err == nil {
		t.Error("filling a P=1 certified document was accepted")
	}
}

func TestInvisibleCopySignatureWithTopRightText(t *testing.T) {
	p := newPKI(t)
	img, w, h, err := TextBlockImage([]string{"Sao y: 45/SY-VP", "Bộ Nội vụ", "2026-11-22T14:30:00+07:00"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Top right of an A4 page, 20 mm from the edges.
	x2, y2 := 595-20*PointsPerMM, 842-20*PointsPerMM
	out, err := Sign(context.Background(), resultPDF(t, 2), SignOptions{
		Kind: Approval, Key: p.org.key, Chain: p.org.chain, LockFields: true,
		Appearance: &Appearance{Page: 1, Rect: [4]float64{x2 - w, y2 - h, x2, y2}, Image: img},
		Name:       "Bộ Nội vụ", Reason: "Sao y bản chính",
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(out, verifyOpts(p))
	if err != nil || !rep.Valid {
		t.Fatalf("copy signature: %v %+v", err, rep)
	}
	if w < 60 || h < 25 || h > 60 {
		t.Errorf("10 pt text block of 3 lines is %.0f x %.0f pt", w, h)
	}
}
