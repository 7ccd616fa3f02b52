package pades

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

func TestVerifyReportsUntrustedSignerAndWrongKeyUsage(t *testing.T) {
	p := newPKI(t)
	in := smallPDF(t)
	stranger, err := Sign(context.Background(), in, SignOptions{Key: p.stranger.key, Chain: p.stranger.chain})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(stranger, VerifyOptions{Roots: p.roots})
	if err != nil || rep.Valid || !reportHas(rep, CodeUntrusted) || !rep.Signatures[0].Checks.Integrity {
		t.Errorf("stranger's signature: %v %+v", err, rep)
	}

	// A certificate of the trusted CA that may only encipher keys.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(99), Subject: pkix.Name{CommonName: "TLS server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, p.root, key.Public(), p.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	tls, err := Sign(context.Background(), in, SignOptions{Key: key, Chain: []*x509.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Verify(tls, VerifyOptions{Roots: p.roots})
	if err != nil || rep.Valid || !reportHas(rep, CodeKeyUsage) {
		t.Errorf("TLS key's signature: %v %+v", err, rep)
	}
}

func TestTimestampIsCheckedAgainstTSARoots(t *testing.T) {
	p := newPKI(t)
	tsa := tsaServer(t, p)
	signed := leaderSign(t, p, smallPDF(t), tsa.URL)
	rep, err := Verify(signed, VerifyOptions{Roots: p.roots})
	if err != nil || !rep.Valid || !rep.Signatures[0].Checks.Timestamp {
		t.Fatalf("time-stamped signature: %v %+v", err, rep)
	}
	if ts := rep.Signatures[0].Timestamp; ts == nil || ts.TSA != "motcua test TSA" || time.Since(ts.Time) > time.Minute {
		t.Errorf("time-stamp info: %+v", ts)
	}
	rep, err = Verify(signed, VerifyOptions{Roots: p.roots, TSARoots: x509.NewCertPool()})
	if err != nil || rep.Valid || !reportHas(rep, CodeTimestampUntrusted) {
		t.Errorf("time-stamp from an untrusted TSA: %v %+v", err, rep)
	}
}

// A TSA that answers with a token over other data must not end up in a signature.
func TestSignRefusesATimestampOverOtherData(t *testing.T) {
	p := newPKI(t)
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts := timestamp.Timestamp{HashAlgorithm: crypto.SHA256, HashedMessage: make([]byte, 32), Time: time.Now(), Policy: []int{1, 2, 3}}
		resp, err := ts.CreateResponseWithOpts(p.tsa.chain[0], p.tsa.key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(resp)
	}))
	defer liar.Close()
	_, err := Sign(context.Background(), smallPDF(t), SignOptions{Key: p.org.key, Chain: p.org.chain, TSA: &TSA{URL: liar.URL}})
	if err == nil || !strings.Contains(err.Error(), "dấu thời gian") {
		t.Errorf("signing with a lying TSA: %v", err)
	}
}

func TestReportIsJSONWithVietnameseMessages(t *testing.T) {
	p := newPKI(t)
	a := buildAttacks(t)
	var isa attack
	for _, x := range a {
		if x.name == "isa_page_changed" {
			isa = x
		}
	}
	rep, err := Verify(isa.pdf, verifyOpts(p))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"verdict":"invalid"`, `"code":"page_modified"`, "Trang văn bản đã bị thay đổi sau khi ký."} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
}

func TestVerifyRefusesWhatIsNotAPDF(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("hello"), []byte("%PDF-1.7\nno xref here")} {
		if _, err := Verify(in, VerifyOptions{}); err == nil {
			t.Errorf("Verify(%q) gave no error", in)
		}
	}
	rep, err := Verify(minimalUnsigned(), VerifyOptions{})
	if err != nil || rep.Verdict != "unsigned" || rep.Valid {
		t.Errorf("unsigned PDF: %v %+v", err, rep)
	}
}

func minimalUnsigned() []byte {
	return []byte("%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"xref\n0 3\n0000000000 65535 f\r\n0000000009 00000 n\r\n0000000052 00000 n\r\ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n95\n%%EOF\n")
}
