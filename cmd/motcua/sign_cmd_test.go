package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// signTestFiles makes, in a temporary directory, a CA (ca.pem), a PKCS#12 key of a
// leader signed by it (leader.p12, password "mật khẩu"), and a one-page PDF (in.pdf).
func signTestFiles(t testing.TB) (dir string) {
	t.Helper()
	dir = t.TempDir()
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "motcua CLI test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "Nguyễn Thị Bích Lĩnh", Organization: []string{"Bộ Nội vụ"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"ca.pem":     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		"leader.p12": p12,
		"in.pdf":     minimalPDF(),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// minimalPDF is a valid one-page PDF with a classic xref table.
func minimalPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Quyet dinh) Tj ET\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

func cliEnv() (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb}, &out, &errb
}

func exitStatus(err error) int {
	var ee *exitError
	if err == nil {
		return 0
	}
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func TestSignCommandSignsAndVerifyCommandAccepts(t *testing.T) {
	dir := signTestFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	env, _, errb := cliEnv()
	err := signCmd(context.Background(), []string{"-p12", p("leader.p12"), "-pass", "mật khẩu", "-certify",
		"-visible", "1,350,100,550,180", "-reason", "Ký ban hành", p("in.pdf"), p("one.pdf")}, env)
	if err != nil {
		t.Fatalf("sign: %v\n%s", err, errb)
	}
	env, out, _ := cliEnv()
	if err := verifyCmd(context.Background(), []string{"-roots", p("ca.pem"), p("one.pdf")}, env); err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "VALID") || !strings.Contains(out.String(), "Nguyễn Thị Bích Lĩnh") {
		t.Errorf("verify output:\n%s", out)
	}
	// A second, approval signature keeps both valid (the JSON report says so).
	env, _, errb = cliEnv()
	if err := signCmd(context.Background(), []string{"-p12", p("leader.p12"), "-pass", "mật khẩu", p("one.pdf"), p("two.pdf")}, env); err != nil {
		t.Fatalf("second sign: %v\n%s", err, errb)
	}
	env, out, _ = cliEnv()
	if err := verifyCmd(context.Background(), []string{"-roots", p("ca.pem"), "-json", p("two.pdf")}, env); err != nil {
		t.Fatalf("verify two: %v\n%s", err, out)
	}
	var rep struct {
		Verdict    string
		Signatures []struct {
			Kind  string
			Valid bool
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != "valid" || len(rep.Signatures) != 2 || rep.Signatures[0].Kind != "certification" || !rep.Signatures[1].Valid {
		t.Errorf("json report:\n%s", out)
	}
}

func TestSignCommandRejectsBadUsageAndBadPassword(t *testing.T) {
	dir := signTestFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no files", []string{"-p12", p("leader.p12")}, 2},
		{"no p12", []string{p("in.pdf"), p("out.pdf")}, 2},
		{"bad visible", []string{"-p12", p("leader.p12"), "-pass", "mật khẩu", "-visible", "1,2,3", p("in.pdf"), p("out.pdf")}, 2},
		{"wrong password", []string{"-p12", p("leader.p12"), "-pass", "sai", p("in.pdf"), p("out.pdf")}, 2},
		{"missing input", []string{"-p12", p("leader.p12"), "-pass", "mật khẩu", p("nope.pdf"), p("out.pdf")}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, _ := cliEnv()
			if got := exitStatus(signCmd(context.Background(), tc.args, env)); got != tc.code {
				t.Errorf("exit %d, want %d", got, tc.code)
			}
		})
	}
	if _, err := os.Stat(p("out.pdf")); err == nil {
		t.Error("a failed sign left an output file")
	}
}
