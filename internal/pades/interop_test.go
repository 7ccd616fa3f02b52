package pades

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeP12 writes id's key and certificate (with the CA) as a PKCS#12 file made by
// OpenSSL, the way a user would bring one.
func writeP12(t testing.TB, p *testPKI, id identity, name, pass string) string {
	t.Helper()
	needTool(t, "openssl")
	dir := t.TempDir()
	der, err := x509.MarshalPKCS8PrivateKey(id.key)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"key.pem":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"cert.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.chain[0].Raw}),
		"ca.pem":   p.rootPEM,
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, name+".p12")
	cmd := exec.Command("openssl", "pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-certfile", "ca.pem",
		"-name", name, "-passout", "pass:"+pass, "-out", out)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, b)
	}
	return out
}

// Acceptance 2 (interoperability): a file signed by poppler's pdfsig -add-signature, with
// a PKCS#12 key imported into NSS with pk12util, verifies as valid in motcua; and
// motcua's seal after it keeps both valid.
func TestPdfsigAddSignatureVerifiesInMotcua(t *testing.T) {
	needTool(t, "pdfsig")
	needTool(t, "pk12util")
	p := newPKI(t)
	db := nssDB(t, p)
	p12 := writeP12(t, p, p.leader, "leader", "test")
	if b, err := exec.Command("pk12util", "-i", p12, "-d", "sql:"+db, "-W", "test").CombinedOutput(); err != nil {
		t.Fatalf("pk12util: %v\n%s", err, b)
	}
	// poppler 22 refuses -etsi with -add-signature; newer ones accept it.
	for _, etsi := range []bool{false, true} {
		name := "adbe.pkcs7.detached"
		if etsi {
			name = "ETSI.CAdES.detached"
		}
		t.Run(name, func(t *testing.T) {
			in := writeTemp(t, "in.pdf", resultPDF(t, 1))
			out := filepath.Join(t.TempDir(), "out.pdf")
			args := []string{"-nssdir", "sql:" + db, "-nick", "leader", "-add-signature", "-new-signature-field-name", "pdfsig.leader", "-reason", "Ký duyệt"}
			if etsi {
				args = append(args, "-etsi")
			}
			if b, err := exec.Command("pdfsig", append(args, in, out)...).CombinedOutput(); err != nil {
				if etsi && strings.Contains(string(b), "not supported") {
					t.Skipf("this pdfsig cannot add ETSI signatures: %s", b)
				}
				t.Fatalf("pdfsig -add-signature: %v\n%s", err, b)
			}
			signed, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Verify(signed, VerifyOptions{Roots: p.roots})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Valid || len(rep.Signatures) != 1 || rep.Signatures[0].Signer.CommonName != "Nguyễn Thị Bích Lĩnh" {
				t.Fatalf("pdfsig's signature in motcua: %+v", rep)
			}
			sealed := sealSign(t, p, signed, "")
			rep, err = Verify(sealed, VerifyOptions{Roots: p.roots})
			if err != nil || !rep.Valid || len(rep.Signatures) != 2 {
				t.Fatalf("pdfsig then motcua seal: %v %+v", err, rep)
			}
		})
	}
}
