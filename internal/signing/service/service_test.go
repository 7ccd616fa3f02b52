package service

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/signing"
)

// template is a data directory made once per test binary and copied by each test, so
// that tests do not pay for RSA key generation again and again.
var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
}

// devDir returns a fresh copy of a data directory already holding the development CA.
func devDir(t testing.TB) string {
	t.Helper()
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "motcua-signer-template-")
		if templateErr == nil {
			_, templateErr = New(templateDir, Options{Token: "t"})
		}
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	dst := t.TempDir()
	err := filepath.WalkDir(templateDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(templateDir, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const testToken = "test-service-token"

// start runs a Service over real HTTP and returns it with a client for it.
func start(t *testing.T, dir string, opts Options) (*Service, *httptest.Server, *signing.Client) {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	svc, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return svc, srv, signing.NewClient(srv.URL+CSCPath, opts.Token, srv.Client())
}

func TestFirstStartMakesTheCAWith0600FilesAndTheSecondReusesIt(t *testing.T) {
	dir := t.TempDir()
	first, err := New(dir, Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"root-ca.key", "root-ca.crt", "intermediate-ca.key", "intermediate-ca.crt", "tsa.key", "tsa.crt",
		"credentials/lanhdao1.key", "credentials/lanhdao1.crt", "credentials/lanhdao2.key", "credentials/lanhdao2.crt",
		"credentials/lanhdao3.key", "credentials/lanhdao3.crt", "credentials/G09-seal.key", "credentials/G09-seal.crt",
		"credentials/CVTLT-seal.key", "credentials/CVTLT-seal.crt"}
	if got := len(first.Created()); got != 8 {
		t.Errorf("first start created %d keys (%v), want 8", got, first.Created())
	}
	for _, f := range wantFiles {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", f, fi.Mode().Perm())
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, "credentials")} {
		fi, _ := os.Stat(d)
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %04o, want 0700", d, fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	second, err := New(dir, Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if c := second.Created(); len(c) != 0 {
		t.Errorf("second start created %v, want nothing", c)
	}
	if !first.Root().Equal(second.Root()) || !first.TSACertificate().Equal(second.TSACertificate()) {
		t.Error("second start has a different root or TSA certificate")
	}
	for _, id := range []string{"lanhdao1", "G09-seal"} {
		a, b := first.creds[id], second.creds[id]
		if !a.key.cert.Equal(b.key.cert) {
			t.Errorf("%s: certificate changed across restart", id)
		}
		// The reloaded key is the same key: it signs what the first certificate verifies.
		digest := sha256.Sum256([]byte("motcua"))
		sig, err := b.key.key.Sign(nil, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.key.cert.CheckSignature(x509.SHA256WithRSA, []byte("motcua"), sig); err != nil {
			t.Errorf("%s: reloaded key does not match the first certificate: %v", id, err)
		}
	}
}

func TestAKeyFileReadableByOthersIsRefused(t *testing.T) {
	dir := devDir(t)
	if err := os.Chmod(filepath.Join(dir, "credentials", "lanhdao1.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(dir, Options{Token: "t"})
	if err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("New with a 0644 key = %v, want a refusal naming 0600", err)
	}
}

func TestACertificateNotIssuedByTheCAOnDiskIsRefused(t *testing.T) {
	dir := devDir(t)
	// Another CA's intermediate, dropped into dir: the credentials no longer chain to it.
	other := t.TempDir()
	if _, err := New(other, Options{Token: "t", Credentials: []CredentialSpec{}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"intermediate-ca.key", "intermediate-ca.crt"} {
		data, err := os.ReadFile(filepath.Join(other, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := New(dir, Options{Token: "t"})
	if !errors.Is(err, errDataDirInconsistent) {
		t.Fatalf("New over a mixed-up CA = %v, want errDataDirInconsistent", err)
	}
}

// attrTags returns the ASN.1 string tag of each subject attribute, by OID.
func attrTags(t *testing.T, raw []byte) map[string]asn1.RawValue {
	t.Helper()
	var rawRDNs asn1.RawValue
	if _, err := asn1.Unmarshal(raw, &rawRDNs); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]asn1.RawValue)
	rest := rawRDNs.Bytes
	for len(rest) > 0 {
		var set asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &set); err != nil {
			t.Fatal(err)
		}
		var atv struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue
		}
		if _, err := asn1.Unmarshal(set.Bytes, &atv); err != nil {
			t.Fatal(err)
		}
		out[atv.Type.String()] = atv.Value
	}
	return out
}

func TestTheLeaderCertificateNamesHerInUTF8(t *testing.T) {
	svc, err := New(devDir(t), Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	cert := svc.creds["lanhdao1"].key.cert
	tags := attrTags(t, cert.RawSubject)
	want := []struct {
		oid, value string
		tag        int
	}{
		{"2.5.4.3", "Nguyễn Thị Bích Lĩnh", asn1.TagUTF8String},
		{"2.5.4.12", "Thứ trưởng", asn1.TagUTF8String},
		{"2.5.4.10", "Bộ Nội vụ", asn1.TagUTF8String},
		{"2.5.4.6", "VN", asn1.TagPrintableString},
	}
	for _, w := range want {
		v, ok := tags[w.oid]
		if !ok {
			t.Errorf("subject lacks %s", w.oid)
			continue
		}
		if v.Tag != w.tag {
			t.Errorf("%s is tagged %d, want %d", w.oid, v.Tag, w.tag)
		}
		if got := string(v.Bytes); got != w.value || !norm.NFC.IsNormalString(got) {
			t.Errorf("%s = %q, want %q in NFC", w.oid, got, w.value)
		}
	}
	if cert.Subject.CommonName != "Nguyễn Thị Bích Lĩnh" || len(cert.Subject.Organization) != 1 || cert.Subject.Organization[0] != "Bộ Nội vụ" {
		t.Errorf("crypto/x509 reads the subject as %v", cert.Subject)
	}
	if got, want := DN(cert.Subject), "CN=Nguyễn Thị Bích Lĩnh,T=Thứ trưởng,O=Bộ Nội vụ,L=Hà Nội,C=VN"; got != want {
		t.Errorf("DN = %q, want %q", got, want)
	}
}

func TestDNEscapesRFC4514Specials(t *testing.T) {
	n := pkix.Name{Names: []pkix.AttributeTypeAndValue{
		{Type: oidOrganization, Value: "Sở A, B + C"},
		{Type: oidCommonName, Value: " x "},
		{Type: oidTitle, Value: "#1"},
	}}
	if got, want := DN(n), `T=\#1,CN=\ x\ ,O=Sở A\, B \+ C`; got != want {
		t.Errorf("DN = %q, want %q", got, want)
	}
}

func TestSignerCertificatesAreForDocumentSigning(t *testing.T) {
	svc, err := New(devDir(t), Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"lanhdao1", "G09-seal"} {
		t.Run(id, func(t *testing.T) {
			cert := svc.creds[id].key.cert
			if want := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment; cert.KeyUsage != want {
				t.Errorf("key usage %b, want digitalSignature+nonRepudiation %b", cert.KeyUsage, want)
			}
			if cert.IsCA {
				t.Error("a signing certificate must not be a CA")
			}
			found := false
			for _, o := range cert.UnknownExtKeyUsage {
				found = found || o.Equal(OIDKPDocumentSigning)
			}
			if !found {
				t.Errorf("no id-kp-documentSigning in %v", cert.UnknownExtKeyUsage)
			}
			roots, inter := x509.NewCertPool(), x509.NewCertPool()
			roots.AddCert(svc.Root())
			inter.AddCert(svc.Intermediate())
			for _, ekus := range [][]x509.ExtKeyUsage{
				{x509.ExtKeyUsageAny},
				{x509.ExtKeyUsageEmailProtection},
				// What the pinned pdfsign verifier asks for (verify/keyusage.go).
				{x509.ExtKeyUsage(36), x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth},
			} {
				if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: ekus}); err != nil {
					t.Errorf("verify with EKUs %v: %v", ekus, err)
				}
			}
			if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
				t.Error("a signing certificate verifies for TLS server auth")
			}
		})
	}
}

func TestWrongPINsLockTheCredentialAcrossARestartUntilUnlocked(t *testing.T) {
	dir := devDir(t)
	_, _, client := start(t, dir, Options{})
	ctx := context.Background()
	digest := sha256.Sum256([]byte("văn bản"))
	authorize := func(c *signing.Client, pin string) error {
		_, err := c.Authorize(ctx, signing.CredentialsAuthorizeRequest{
			CredentialID: "lanhdao1", NumSignatures: 1,
			Hashes: []string{signing.EncodeBase64(digest[:])}, HashAlgorithmOID: signing.OIDSHA256,
			AuthData: []signing.AuthData{{ID: signing.AuthDataPIN, Value: pin}},
		})
		return err
	}
	for range 5 {
		if err := authorize(client, "000000"); !errors.Is(err, signing.ErrInvalidPIN) {
			t.Fatalf("wrong PIN: %v, want ErrInvalidPIN", err)
		}
	}
	// A new process over the same directory: still locked, even with the right PIN.
	svc2, _, client2 := start(t, dir, Options{})
	if !svc2.Locked("lanhdao1") {
		t.Fatal("the lock did not survive the restart")
	}
	if err := authorize(client2, DefaultPIN); !errors.Is(err, signing.ErrPINLocked) {
		t.Fatalf("right PIN on a locked credential after restart: %v, want ErrPINLocked", err)
	}
	if err := svc2.Unlock("lanhdao1"); err != nil {
		t.Fatal(err)
	}
	if err := authorize(client2, DefaultPIN); err != nil {
		t.Fatalf("right PIN after unlock: %v", err)
	}
	svc3, err := New(dir, Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if svc3.Locked("lanhdao1") {
		t.Error("the unlock did not survive a restart")
	}
	if err := svc3.Unlock("nobody"); err == nil {
		t.Error("unlocking an unknown credential succeeded")
	}
}

func TestOptionsAreChecked(t *testing.T) {
	dir := devDir(t)
	cases := []struct {
		name string
		opts Options
	}{
		{"no token", Options{}},
		{"letters in PIN", Options{Token: "t", PIN: "12ab56"}},
		{"short PIN", Options{Token: "t", PIN: "123"}},
		{"PIN for unknown credential", Options{Token: "t", PINs: map[string]string{"nobody": "1234"}}},
		{"bad credential id", Options{Token: "t", Credentials: []CredentialSpec{{ID: "../x"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(dir, c.opts); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	svc, err := New(dir, Options{Token: "t", PIN: "2468", PINs: map[string]string{"G09-seal": "97531"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range svc.Credentials() {
		got[c.ID] = c.DevPIN
	}
	if got["lanhdao1"] != "2468" || got["G09-seal"] != "97531" {
		t.Errorf("dev PINs %v", got)
	}
}

func TestRootCertificateIsServed(t *testing.T) {
	_, srv, _ := start(t, devDir(t), Options{})
	resp, err := srv.Client().Get(srv.URL + RootPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if !strings.Contains(buf.String(), "BEGIN CERTIFICATE") {
		t.Fatalf("GET %s: %q", RootPath, buf.String())
	}
}

func newBenchServer(b *testing.B, svc *Service) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(svc.Handler())
	b.Cleanup(srv.Close)
	return srv
}
