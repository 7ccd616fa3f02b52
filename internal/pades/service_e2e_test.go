package pades_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
)

// The tests of this file sign the way the worker does in production: the keys stay in
// the signature service (here the development one behind a real HTTP server), pades
// sees only a signing.Signer, and the time-stamp comes from the service's TSA.

const e2eToken = "worker-e2e-token"

// devService starts the development signature service over HTTP and returns it with
// its root URL.
func devService(t *testing.T) (*service.Service, string) {
	t.Helper()
	svc, err := service.New(t.TempDir(), service.Options{Token: e2eToken})
	if err != nil {
		t.Fatalf("start signature service: %v", err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return svc, srv.URL
}

// e2eDecision renders a real decision of the demo ministry.
func e2eDecision(t *testing.T) render.Output {
	t.Helper()
	r, err := render.New(render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(context.Background(), &render.Decision{
		Header: render.Header{Agency: "BỘ NỘI VỤ", Place: "Hà Nội", Date: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			Signer:     render.Signer{Prefix: "KT. BỘ TRƯỞNG", Title: "THỨ TRƯỞNG", Name: "Nguyễn Thị Bích Lĩnh"},
			Recipients: []string{"Như Điều 3;", "Lưu: VT, TCPCP."}, VerifyURL: "https://motcua.example/tra-cuu/000.00.00.G09-261120-0001"},
		Symbol: "QĐ-BNV", Subject: "Về việc công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động", Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Bases:    []string{"Căn cứ Nghị định số 93/2019/NĐ-CP;"},
		Articles: []string{"Công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động.", "Quyết định này có hiệu lực kể từ ngày ký./."},
	})
	if err != nil {
		t.Fatalf("render decision: %v", err)
	}
	return out
}

// serviceSigner opens a signing session on credentialID with pin, as the worker does
// when a leader or clerk submits a PIN.
func serviceSigner(t *testing.T, rootURL, credentialID string, pin signing.PIN) *signing.Signer {
	t.Helper()
	c := signing.NewClient(rootURL+service.CSCPath, e2eToken, nil)
	s, err := c.Signer(context.Background(), credentialID, pin)
	if err != nil {
		t.Fatalf("open signer %s: %v", credentialID, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func pdfRect(r render.Rect) [4]float64 { return [4]float64{r.X, r.Y, r.X + r.W, r.Y + r.H} }

// The whole production path: a rendered decision, the leader's certification through the
// service with its TSA, the clerical office's number and date, the seal through the
// service. motcua's verifier, poppler's pdfsig (trusting only the service's root) and
// qpdf all accept the result.
func TestDecisionSignedThroughServiceIsValidInMotcuaPdfsigAndQpdf(t *testing.T) {
	svc, rootURL := devService(t)
	out := e2eDecision(t)
	l := out.Layout
	ctx := context.Background()

	leader := serviceSigner(t, rootURL, "lanhdao1", service.DefaultPIN)
	sigImg, err := pades.SignatureImage("Nguyễn Thị Bích Lĩnh")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pades.Sign(ctx, out.PDF, pades.SignOptions{
		Kind: pades.Certification, DocMDP: pades.FormFillAndSign,
		Key: leader, Chain: leader.Chain(),
		Appearance: &pades.Appearance{Page: l.Page, Rect: pdfRect(l.SignerImage), Image: sigImg},
		Name:       "Nguyễn Thị Bích Lĩnh", Reason: "Ký ban hành (Thứ trưởng)", Location: "Hà Nội",
		FieldName: "motcua.leader",
		TSA:       &pades.TSA{URL: rootURL + service.TSAPath},
	})
	if err != nil {
		t.Fatalf("leader sign: %v", err)
	}
	filled, err := pades.FillFields(signed, map[string]string{render.FieldNumber: "125", render.FieldDate: "ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatalf("fill number and date: %v", err)
	}
	seal := serviceSigner(t, rootURL, "G09-seal", service.DefaultPIN)
	sealImg, err := pades.SealImage("Bộ Nội vụ", "", l.Seal.W/pades.PointsPerMM)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := pades.Sign(ctx, filled, pades.SignOptions{
		Kind: pades.Approval, LockFields: true,
		Key: seal, Chain: seal.Chain(),
		Appearance: &pades.Appearance{Page: l.Page, Rect: pdfRect(l.Seal), Image: sealImg},
		Name:       "Bộ Nội vụ", Reason: "Đóng dấu (Văn thư)", FieldName: "motcua.seal",
		TSA: &pades.TSA{URL: rootURL + service.TSAPath},
	})
	if err != nil {
		t.Fatalf("seal sign: %v", err)
	}

	t.Run("motcua verify", func(t *testing.T) {
		roots := rootPool(svc)
		rep, err := pades.Verify(sealed, pades.VerifyOptions{Roots: roots, TSARoots: roots,
			AllowedFields: []string{render.FieldNumber, render.FieldDate}})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Valid || len(rep.Signatures) != 2 {
			t.Fatalf("want 2 valid signatures: %+v", rep)
		}
		for _, s := range rep.Signatures {
			if !s.Valid || !s.Checks.Trusted || !s.Checks.Timestamp {
				t.Errorf("signature %s: valid=%v checks=%+v problems=%+v", s.Field, s.Valid, s.Checks, s.Problems)
			}
		}
		if got := rep.Signatures[0].Signer; got == nil || got.CommonName != leader.Certificate().Subject.CommonName {
			t.Errorf("first signer %+v, want the leader %q", got, leader.Certificate().Subject.CommonName)
		}
	})

	path := filepath.Join(t.TempDir(), "decision.pdf")
	if err := os.WriteFile(path, sealed, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("pdfsig", func(t *testing.T) {
		pdfsig := lookTool(t, "pdfsig")
		db := serviceNSSDB(t, svc)
		b, err := exec.Command(pdfsig, "-nssdir", "sql:"+db, path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfsig: %v\n%s", err, b)
		}
		s := string(b)
		if n := strings.Count(s, "Signature is Valid"); n != 2 {
			t.Errorf("%d valid signatures, want 2\n%s", n, s)
		}
		if n := strings.Count(s, "Certificate is Trusted"); n != 2 {
			t.Errorf("%d trusted certificates, want 2\n%s", n, s)
		}
	})
	t.Run("qpdf", func(t *testing.T) {
		qpdf := lookTool(t, "qpdf")
		b, err := exec.Command(qpdf, "--check", path).CombinedOutput()
		if err != nil || !strings.Contains(string(b), "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check: %v\n%s", err, b)
		}
	})
}

// A wrong PIN is refused by the service at the first signature, and pades returns the
// signing package's error and no document.
func TestWrongPINFailsSigningWithInvalidPINAndNoOutput(t *testing.T) {
	_, rootURL := devService(t)
	out := e2eDecision(t)
	leader := serviceSigner(t, rootURL, "lanhdao1", "000000")
	signed, err := pades.Sign(context.Background(), out.PDF, pades.SignOptions{
		Kind: pades.Certification, DocMDP: pades.FormFillAndSign,
		Key: leader, Chain: leader.Chain(), FieldName: "motcua.leader",
	})
	if !errors.Is(err, signing.ErrInvalidPIN) {
		t.Fatalf("sign with a wrong PIN: %v, want signing.ErrInvalidPIN", err)
	}
	if signed != nil {
		t.Errorf("sign with a wrong PIN returned %d bytes", len(signed))
	}
}

// rootPool trusts only the service's development root.
func rootPool(svc *service.Service) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(svc.Root())
	return p
}

// lookTool skips the test when an external tool is missing (CI installs them).
func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" { // CI installs it: missing there is a failure, not a skip
			t.Fatalf("%s not installed (apt-get install poppler-utils qpdf libnss3-tools)", name)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils qpdf libnss3-tools)", name)
	}
	return p
}

// serviceNSSDB makes an NSS database that trusts only the service's root CA.
func serviceNSSDB(t *testing.T, svc *service.Service) string {
	t.Helper()
	lookTool(t, "certutil")
	dir := t.TempDir()
	ca := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: svc.Root().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + dir, "--empty-password"},
		{"-A", "-n", "ca", "-t", "CT,C,C", "-i", ca, "-d", "sql:" + dir},
	} {
		if b, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, b)
		}
	}
	return dir
}
