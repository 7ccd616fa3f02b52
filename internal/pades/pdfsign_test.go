package pades

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// motcua writes its own signatures instead of calling the pinned pdfsign, because of the
// defects this test shows on a result with the clerical office's fields. If an upgrade
// makes it fail, pdfsign may be fit again: see docs/signing.md.
func TestPinnedPdfsignStillUnfitForResults(t *testing.T) {
	p := newPKI(t)
	in := smallPDF(t)
	run := func(data sign.SignData) ([]byte, error) {
		rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		err = sign.Sign(bytes.NewReader(in), &out, rdr, int64(len(in)), data)
		return out.Bytes(), err
	}
	base := sign.SignData{Signer: p.leader.key, Certificate: p.leader.chain[0], CertificateChains: [][]*x509.Certificate{p.leader.chain}}
	base.Signature.Info.Date = time.Now()

	// 1. The leader's visible certification signature is refused.
	visible := base
	visible.Signature.CertType = sign.CertificationSignature
	visible.Signature.DocMDPPerm = sign.AllowFillingExistingFormFieldsAndSignaturesPerms
	visible.Appearance = sign.Appearance{Visible: true, Page: 1, LowerLeftX: 300, LowerLeftY: 200, UpperRightX: 450, UpperRightY: 260}
	if _, err := run(visible); err == nil {
		t.Error("pdfsign now signs visible certification signatures")
	}

	// 2. Its new AcroForm keeps only signature fields: motcua.number and motcua.date
	// drop out of the form, so they could not be filled in the next revision.
	approval := base
	approval.Signature.CertType = sign.ApprovalSignature
	out, err := run(approval)
	if err != nil {
		t.Fatalf("pdfsign approval: %v", err)
	}
	f, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := f.fields(len(f.revs) - 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range fields {
		if fl.name == "motcua.number" {
			t.Error("pdfsign now keeps the text fields in the AcroForm")
		}
	}
}
