package service

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// postTSA sends a DER time-stamp request and returns the DER reply.
func postTSA(t *testing.T, url string, req []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("POST %s: %s, Content-Type %q", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestTSAAnswersAnRFC3161RequestWithATokenThatVerifiesToTheDevRoot(t *testing.T) {
	svc, srv, _ := start(t, devDir(t), Options{})
	document := []byte("Quyết định cấp giấy phép thành lập quỹ xã hội")
	nonce := big.NewInt(0x5eed1234abcd)
	req, err := timestamp.CreateRequest(bytes.NewReader(document), &timestamp.RequestOptions{
		Hash: crypto.SHA256, Certificates: true, Nonce: nonce,
	})
	if err != nil {
		t.Fatal(err)
	}
	reply := postTSA(t, srv.URL+TSAPath, req)

	ts, err := timestamp.ParseResponse(reply)
	if err != nil {
		t.Fatalf("parse reply: %v", err)
	}
	want := crypto.SHA256.New()
	want.Write(document)
	if !bytes.Equal(ts.HashedMessage, want.Sum(nil)) || ts.HashAlgorithm != crypto.SHA256 {
		t.Error("the token does not stamp the document's hash")
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		t.Errorf("nonce %v, want %v", ts.Nonce, nonce)
	}
	if !ts.Policy.Equal(defaultTSAPolicyOID) {
		t.Errorf("policy %v", ts.Policy)
	}
	if d := time.Since(ts.Time); d < -2*time.Second || d > time.Minute {
		t.Errorf("genTime %v is not now", ts.Time)
	}

	// The CMS signature verifies and chains to the development root, for timestamping.
	p7, err := pkcs7.Parse(ts.RawToken)
	if err != nil {
		t.Fatal(err)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(svc.Root())
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	if err := p7.VerifyWithOpts(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
		t.Fatalf("token does not verify to the dev root: %v", err)
	}
	signer := p7.GetOnlySigner()
	if signer == nil || !signer.Equal(svc.TSACertificate()) {
		t.Fatal("the token is not signed by the TSA certificate")
	}
	critical := false
	for _, e := range signer.Extensions {
		if e.Id.Equal(oidExtKeyUsage) {
			critical = e.Critical
		}
	}
	if !critical || len(signer.ExtKeyUsage) != 1 || signer.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping {
		t.Errorf("TSA certificate EKU %v critical=%v, want only timeStamping, critical", signer.ExtKeyUsage, critical)
	}

	t.Run("openssl ts -verify", func(t *testing.T) {
		openssl, err := exec.LookPath("openssl")
		if err != nil {
			if os.Getenv("CI") != "" { // CI installs it: missing there is a failure, not a skip
				t.Fatal("openssl is not installed")
			}
			t.Skip("openssl is not installed")
		}
		dir := t.TempDir()
		write := func(name string, data []byte) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		root := write("root.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: svc.Root().Raw}))
		query := write("req.tsq", req)
		resp := write("resp.tsr", reply)
		data := write("document.txt", document)
		for _, args := range [][]string{
			{"ts", "-verify", "-in", resp, "-queryfile", query, "-CAfile", root},
			{"ts", "-verify", "-in", resp, "-data", data, "-CAfile", root},
		} {
			out, err := exec.Command(openssl, args...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Verification: OK") {
				t.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		// And a different document must not verify.
		other := write("other.txt", []byte("một văn bản khác"))
		out, err := exec.Command(openssl, "ts", "-verify", "-in", resp, "-data", other, "-CAfile", root).CombinedOutput()
		if err == nil || strings.Contains(string(out), "Verification: OK") {
			t.Errorf("openssl accepted the token for another document:\n%s", out)
		}
	})
}

func TestTSAWithoutCertReqLeavesTheCertificatesOut(t *testing.T) {
	_, srv, _ := start(t, devDir(t), Options{})
	req, err := timestamp.CreateRequest(strings.NewReader("x"), &timestamp.RequestOptions{Hash: crypto.SHA512})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := timestamp.ParseResponse(postTSA(t, srv.URL+TSAPath, req))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.Certificates) != 0 || ts.HashAlgorithm != crypto.SHA512 {
		t.Errorf("certificates %d, hash %v", len(ts.Certificates), ts.HashAlgorithm)
	}
}

func TestTSARefusesWhatItCannotStampWithAnRFC3161Rejection(t *testing.T) {
	_, srv, _ := start(t, devDir(t), Options{})
	sha1Req, err := (&timestamp.Request{HashAlgorithm: crypto.SHA1, HashedMessage: make([]byte, 20)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	shortReq, _ := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: make([]byte, 10)}).Marshal()
	policyReq, _ := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: make([]byte, 32),
		TSAPolicyOID: asn1.ObjectIdentifier{1, 2, 3}}).Marshal()
	cases := []struct {
		name string
		req  []byte
		want string
	}{
		{"SHA-1", sha1Req, "unsupported Algorithm"},
		{"hash of the wrong length", shortReq, "wrong format"},
		{"another policy", policyReq, "policy is not supported"},
		{"garbage", []byte("not DER"), "wrong format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := timestamp.ParseResponse(postTSA(t, srv.URL+TSAPath, c.req))
			if err == nil || !strings.Contains(err.Error(), "rejected") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("reply: %v, want a rejection for %q", err, c.want)
			}
		})
	}
	resp, err := http.Post(srv.URL+TSAPath, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("wrong media type: %s", resp.Status)
	}
}
