package signing_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"motcua"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
)

// The tests of this file run the real development service over real HTTP
// (httptest.Server) and drive it only through the client, as the worker does.

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

// devDir returns a copy of a signer data directory made once per test binary: RSA key
// generation is too slow to repeat in every test.
func devDir(t testing.TB) string {
	t.Helper()
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "motcua-signing-template-")
		if templateErr == nil {
			_, templateErr = service.New(templateDir, service.Options{Token: "t"})
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
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

const svcToken = "worker-svcToken"

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startService runs the development service in dir behind an httptest.Server.
func startService(t testing.TB, dir string, opts service.Options) (*service.Service, *httptest.Server, *signing.Client) {
	t.Helper()
	opts.Token = svcToken
	svc, err := service.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return svc, srv, signing.NewClient(srv.URL+service.CSCPath, svcToken, srv.Client())
}

// verifyChain checks the signer's chain up to the service's root, for any EKU.
func verifyChain(t *testing.T, svc *service.Service, chain []*x509.Certificate) {
	t.Helper()
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(svc.Root())
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Fatalf("chain does not verify to the dev root: %v", err)
	}
	docSigning := false
	for _, o := range chain[0].UnknownExtKeyUsage {
		docSigning = docSigning || o.Equal(service.OIDKPDocumentSigning)
	}
	if !docSigning {
		t.Error("the credential certificate lacks id-kp-documentSigning")
	}
}

func TestRemoteSignerSignaturesVerifyWithTheCredentialCertificate(t *testing.T) {
	ctx := context.Background()
	rsaSvc, _, rsaClient := startService(t, devDir(t), service.Options{})
	ecSvc, _, ecClient := startService(t, t.TempDir(), service.Options{KeyAlgorithm: service.ECDSAP256})
	cases := []struct {
		name   string
		svc    *service.Service
		client *signing.Client
		cred   string
		hash   crypto.Hash
	}{
		{"leader RSA SHA-256", rsaSvc, rsaClient, "lanhdao1", crypto.SHA256},
		{"leader RSA SHA-384", rsaSvc, rsaClient, "lanhdao1", crypto.SHA384},
		{"seal RSA SHA-512", rsaSvc, rsaClient, "G09-seal", crypto.SHA512},
		{"leader ECDSA P-256 SHA-256", ecSvc, ecClient, "lanhdao1", crypto.SHA256},
		{"seal ECDSA P-256 SHA-384", ecSvc, ecClient, "G09-seal", crypto.SHA384},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.client.Signer(ctx, c.cred, signing.PIN(service.DefaultPIN))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var _ crypto.Signer = s
			h := c.hash.New()
			h.Write([]byte("Quyết định số 123/QĐ-BNV"))
			digest := h.Sum(nil)
			sig, err := s.Sign(nil, digest, c.hash)
			if err != nil {
				t.Fatal(err)
			}
			switch pub := s.Certificate().PublicKey.(type) {
			case *rsa.PublicKey:
				if err := rsa.VerifyPKCS1v15(pub, c.hash, digest, sig); err != nil {
					t.Errorf("PKCS #1 v1.5 signature does not verify: %v", err)
				}
				if pub.N.BitLen() != 2048 {
					t.Errorf("RSA key of %d bits", pub.N.BitLen())
				}
			case *ecdsa.PublicKey:
				if !ecdsa.VerifyASN1(pub, digest, sig) {
					t.Error("ASN.1 ECDSA signature does not verify")
				}
			default:
				t.Fatalf("key type %T", pub)
			}
			if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Certificate().PublicKey) {
				t.Error("Public() is not the certificate's key")
			}
			chain := s.Chain()
			if len(chain) != 3 || !chain[2].Equal(c.svc.Root()) {
				t.Fatalf("chain of %d certificates, want leaf, intermediate, root", len(chain))
			}
			verifyChain(t, c.svc, chain)
		})
	}
}

func TestRemoteSignerMakesACMSSignatureThatVerifies(t *testing.T) {
	// What internal/pades does with the Signer, in miniature: a detached CMS signature
	// made by a library that only sees a crypto.Signer and a chain.
	svc, _, client := startService(t, devDir(t), service.Options{})
	s, err := client.Signer(context.Background(), "lanhdao1", signing.PIN(service.DefaultPIN))
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("%PDF byte ranges would go here")
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	chain := s.Chain()
	if err := sd.AddSignerChain(chain[0], s, chain[1:2], pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	p7.Content = content
	roots := x509.NewCertPool()
	roots.AddCert(svc.Root())
	inter := x509.NewCertPool()
	inter.AddCert(chain[1])
	if err := p7.VerifyWithOpts(x509.VerifyOptions{Roots: roots, Intermediates: inter}); err != nil {
		t.Fatalf("CMS signature does not verify: %v", err)
	}
}

func digestOf(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

func TestWrongPINsAreRefusedAndFiveInARowLockUntilAnAdminUnlocks(t *testing.T) {
	ctx := context.Background()
	svc, _, client := startService(t, devDir(t), service.Options{})
	sign := func(pin string) error {
		s, err := client.Signer(ctx, "lanhdao1", signing.PIN(pin))
		if err != nil {
			return err
		}
		defer s.Close()
		_, err = s.Sign(nil, digestOf("tờ trình"), crypto.SHA256)
		return err
	}

	// Four wrong PINs, then the right one: the count starts again.
	for i := range 4 {
		err := sign("999999")
		var e *signing.Error
		if !errors.Is(err, signing.ErrInvalidPIN) || !errors.As(err, &e) || e.RemainingAttempts != 4-i {
			t.Fatalf("wrong PIN %d: %v, want ErrInvalidPIN with %d attempts left", i+1, err, 4-i)
		}
		if motcua.ErrorCode(err) != motcua.EINVALID {
			t.Errorf("wrong PIN maps to %q, want %q", motcua.ErrorCode(err), motcua.EINVALID)
		}
	}
	if err := sign(service.DefaultPIN); err != nil {
		t.Fatalf("right PIN after four wrong ones: %v", err)
	}

	for i := range 5 {
		if err := sign("111111"); !errors.Is(err, signing.ErrInvalidPIN) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	if !svc.Locked("lanhdao1") {
		t.Fatal("five wrong PINs in a row did not lock the credential")
	}
	err := sign(service.DefaultPIN)
	if !errors.Is(err, signing.ErrPINLocked) {
		t.Fatalf("right PIN on a locked credential: %v, want ErrPINLocked", err)
	}
	if motcua.ErrorCode(err) != motcua.EFORBIDDEN || motcua.ErrorMessage(err) == "" {
		t.Errorf("locked maps to %q %q", motcua.ErrorCode(err), motcua.ErrorMessage(err))
	}
	info, err := client.CredentialInfo(ctx, signing.CredentialsInfoRequest{CredentialID: "lanhdao1"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Key.Status != signing.KeyDisabled {
		t.Errorf("locked credential key status %q, want disabled", info.Key.Status)
	}
	// The seal is not affected by the leader's lock.
	if s, err := client.Signer(ctx, "G09-seal", signing.PIN(service.DefaultPIN)); err != nil {
		t.Fatal(err)
	} else if _, err := s.Sign(nil, digestOf("x"), crypto.SHA256); err != nil {
		t.Errorf("the seal is locked too: %v", err)
	}

	if err := svc.Unlock("lanhdao1"); err != nil {
		t.Fatal(err)
	}
	if err := sign(service.DefaultPIN); err != nil {
		t.Fatalf("right PIN after unlock: %v", err)
	}
}

// authorize gets a SAD for hashes of lanhdao1 with the right PIN.
func authorize(t *testing.T, client *signing.Client, cred string, hashes ...[]byte) string {
	t.Helper()
	req := signing.CredentialsAuthorizeRequest{
		CredentialID: cred, NumSignatures: len(hashes), HashAlgorithmOID: signing.OIDSHA256,
		AuthData: []signing.AuthData{{ID: signing.AuthDataPIN, Value: service.DefaultPIN}},
	}
	for _, h := range hashes {
		req.Hashes = append(req.Hashes, signing.EncodeBase64(h))
	}
	res, err := client.Authorize(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExpiresIn != 300 {
		t.Errorf("expiresIn %d, want 300", res.ExpiresIn)
	}
	return res.SAD
}

func signHash(client *signing.Client, cred, sad string, hashes ...[]byte) error {
	req := signing.SignHashRequest{CredentialID: cred, SAD: sad, HashAlgorithmOID: signing.OIDSHA256,
		SignAlgo: signing.OIDRSAEncryption}
	for _, h := range hashes {
		req.Hashes = append(req.Hashes, signing.EncodeBase64(h))
	}
	_, err := client.SignHash(context.Background(), req)
	return err
}

func TestASADSignsOnlyItsHashesOnlyOnceAndOnlyBeforeItExpires(t *testing.T) {
	clk := &testClock{t: time.Now()}
	_, _, client := startService(t, devDir(t), service.Options{Now: clk.Now})
	a, b := digestOf("văn bản A"), digestOf("văn bản B")

	t.Run("single use per hash", func(t *testing.T) {
		sad := authorize(t, client, "lanhdao1", a)
		if err := signHash(client, "lanhdao1", sad, a); err != nil {
			t.Fatal(err)
		}
		if err := signHash(client, "lanhdao1", sad, a); !errors.Is(err, signing.ErrSADRejected) {
			t.Fatalf("second use: %v, want ErrSADRejected", err)
		}
	})
	t.Run("two hashes, each once", func(t *testing.T) {
		sad := authorize(t, client, "lanhdao1", a, b)
		if err := signHash(client, "lanhdao1", sad, b); err != nil {
			t.Fatal(err)
		}
		if err := signHash(client, "lanhdao1", sad, b); !errors.Is(err, signing.ErrSADRejected) {
			t.Fatalf("b twice: %v", err)
		}
		if err := signHash(client, "lanhdao1", sad, a); err != nil {
			t.Fatalf("a after b: %v", err)
		}
	})
	t.Run("not another hash", func(t *testing.T) {
		sad := authorize(t, client, "lanhdao1", a)
		if err := signHash(client, "lanhdao1", sad, b); !errors.Is(err, signing.ErrSADRejected) {
			t.Fatalf("other hash: %v, want ErrSADRejected", err)
		}
		if err := signHash(client, "lanhdao1", sad, a, b); !errors.Is(err, signing.ErrSADRejected) {
			t.Fatalf("authorized plus other hash: %v, want ErrSADRejected", err)
		}
		// A refused request consumes nothing.
		if err := signHash(client, "lanhdao1", sad, a); err != nil {
			t.Fatalf("authorized hash after refusals: %v", err)
		}
	})
	t.Run("not another credential", func(t *testing.T) {
		sad := authorize(t, client, "lanhdao1", a)
		if err := signHash(client, "G09-seal", sad, a); !errors.Is(err, signing.ErrSADRejected) {
			t.Fatalf("leader's SAD on the seal: %v, want ErrSADRejected", err)
		}
	})
	t.Run("expires", func(t *testing.T) {
		sad := authorize(t, client, "lanhdao1", a)
		clk.Add(5*time.Minute + time.Second)
		err := signHash(client, "lanhdao1", sad, a)
		var e *signing.Error
		if !errors.As(err, &e) || e.Description != signing.DescExpiredSAD {
			t.Fatalf("expired SAD: %v, want %q", err, signing.DescExpiredSAD)
		}
	})
	t.Run("not after the credential locks", func(t *testing.T) {
		sad := authorize(t, client, "G09-seal", a)
		for range 5 {
			_, err := client.Authorize(context.Background(), signing.CredentialsAuthorizeRequest{
				CredentialID: "G09-seal", NumSignatures: 1, Hashes: []string{signing.EncodeBase64(b)},
				HashAlgorithmOID: signing.OIDSHA256, AuthData: []signing.AuthData{{ID: "PIN", Value: "000000"}}})
			if !errors.Is(err, signing.ErrInvalidPIN) {
				t.Fatal(err)
			}
		}
		if err := signHash(client, "G09-seal", sad, a); !errors.Is(err, signing.ErrPINLocked) {
			t.Fatalf("SAD issued before the lock: %v, want ErrPINLocked", err)
		}
	})
	t.Run("no SAD", func(t *testing.T) {
		for _, sad := range []string{"", "made-up-sad"} {
			err := signHash(client, "lanhdao1", sad, a)
			var e *signing.Error
			if !errors.As(err, &e) || e.StatusCode != http.StatusBadRequest {
				t.Errorf("signHash with SAD %q: %v, want a 400", sad, err)
			}
		}
	})
}

func TestCallsWithoutTheServiceTokenAre401(t *testing.T) {
	_, srv, good := startService(t, devDir(t), service.Options{})
	ctx := context.Background()
	for _, tok := range []string{"", "wrong-svcToken"} {
		c := signing.NewClient(srv.URL+service.CSCPath, tok, srv.Client())
		calls := map[string]func() error{
			"credentials/list": func() error {
				_, err := c.ListCredentials(ctx, signing.CredentialsListRequest{UserID: "lanhdao1"})
				return err
			},
			"credentials/info": func() error {
				_, err := c.CredentialInfo(ctx, signing.CredentialsInfoRequest{CredentialID: "lanhdao1"})
				return err
			},
			"credentials/authorize": func() error {
				_, err := c.Authorize(ctx, signing.CredentialsAuthorizeRequest{CredentialID: "lanhdao1", NumSignatures: 1})
				return err
			},
			"signatures/signHash": func() error {
				return signHash(c, "lanhdao1", "x", digestOf("a"))
			},
			"signer": func() error {
				_, err := c.Signer(ctx, "lanhdao1", signing.PIN(service.DefaultPIN))
				return err
			},
		}
		for name, call := range calls {
			err := call()
			var e *signing.Error
			if !errors.Is(err, signing.ErrUnauthorized) || !errors.As(err, &e) || e.StatusCode != 401 || e.Code != signing.ErrCodeInvalidToken {
				t.Errorf("%s with svcToken %q: %v, want 401 invalid_token", name, tok, err)
			}
		}
	}
	// info is public, as in CSC.
	c := signing.NewClient(srv.URL+service.CSCPath, "", srv.Client())
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Specs != signing.SpecVersion || !slices.Contains(info.Methods, "signatures/signHash") {
		t.Errorf("info %+v", info)
	}
	if _, err := good.Info(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCredentialsAreListedByUserAndDescribedForExplicitPINAuthorization(t *testing.T) {
	_, _, client := startService(t, devDir(t), service.Options{})
	ctx := context.Background()
	cases := []struct {
		user string
		want []string
	}{
		{"lanhdao1", []string{"lanhdao1"}},
		{"G09", []string{"G09-seal"}},
		{"CVTLT", []string{"CVTLT-seal"}},
		{"congdan1", []string{}},
	}
	for _, c := range cases {
		res, err := client.ListCredentials(ctx, signing.CredentialsListRequest{UserID: c.user, CredentialInfo: true,
			Certificates: signing.CertificatesChain, CertInfo: true, AuthInfo: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.CredentialIDs, c.want) || len(res.CredentialInfos) != len(c.want) {
			t.Errorf("list %s: %v (%d infos), want %v", c.user, res.CredentialIDs, len(res.CredentialInfos), c.want)
		}
		for _, info := range res.CredentialInfos {
			if info.CredentialID == "" || info.Cert == nil || len(info.Cert.Certificates) != 3 {
				t.Errorf("list %s: info %+v", c.user, info)
			}
		}
	}
	if _, err := client.ListCredentials(ctx, signing.CredentialsListRequest{}); err == nil {
		t.Error("list without userID succeeded")
	}

	info, err := client.CredentialInfo(ctx, signing.CredentialsInfoRequest{CredentialID: "lanhdao1",
		Certificates: signing.CertificatesChain, CertInfo: true, AuthInfo: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Auth == nil || info.Auth.Mode != signing.AuthModeExplicit || len(info.Auth.Objects) != 1 ||
		info.Auth.Objects[0].ID != "PIN" || info.Auth.Objects[0].Type != "Password" {
		t.Errorf("auth %+v, want explicit with a PIN object", info.Auth)
	}
	if info.Key.Status != signing.KeyEnabled || info.Key.Len != 2048 || !slices.Contains(info.Key.Algo, signing.OIDRSAEncryption) {
		t.Errorf("key %+v", info.Key)
	}
	if info.SCAL != "2" || info.Cert.SubjectDN == "" || info.Cert.ValidTo == "" || info.Cert.Status != "valid" {
		t.Errorf("info %+v cert %+v", info, info.Cert)
	}
	der, err := signing.DecodeBase64(info.Cert.Certificates[0])
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "Nguyễn Thị Bích Lĩnh" {
		t.Errorf("leader certificate CN %q", cert.Subject.CommonName)
	}
	single, err := client.CredentialInfo(ctx, signing.CredentialsInfoRequest{CredentialID: "lanhdao1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(single.Cert.Certificates) != 1 || single.Auth != nil {
		t.Errorf("default info: %d certificates, auth %+v; want the leaf only and no auth", len(single.Cert.Certificates), single.Auth)
	}
	if _, err := client.CredentialInfo(ctx, signing.CredentialsInfoRequest{CredentialID: "nobody"}); err == nil {
		t.Error("info of an unknown credential succeeded")
	}
}

func TestAClosedSignerNoLongerSigns(t *testing.T) {
	_, _, client := startService(t, devDir(t), service.Options{})
	s, err := client.Signer(context.Background(), "lanhdao1", signing.PIN(service.DefaultPIN))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := s.Sign(nil, digestOf("x"), crypto.SHA256); !errors.Is(err, signing.ErrClosed) {
		t.Fatalf("Sign after Close: %v", err)
	}
}

func TestSignRefusesWhatCryptoSignerCallersMustNotAsk(t *testing.T) {
	_, _, client := startService(t, devDir(t), service.Options{})
	s, err := client.Signer(context.Background(), "lanhdao1", signing.PIN(service.DefaultPIN))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
	}{
		{"SHA-1", make([]byte, 20), crypto.SHA1},
		{"digest of the wrong length", make([]byte, 31), crypto.SHA256},
		{"RSA-PSS", make([]byte, 32), &rsa.PSSOptions{Hash: crypto.SHA256}},
	}
	for _, c := range cases {
		if _, err := s.Sign(nil, c.digest, c.opts); err == nil {
			t.Errorf("%s: signed", c.name)
		}
	}
}

func TestAnUnreachableServiceIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := signing.NewClient(url+service.CSCPath, svcToken, nil)
	_, err := c.Signer(context.Background(), "lanhdao1", signing.PIN("123456"))
	if motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
		t.Fatalf("unreachable service: %v (code %q), want %q", err, motcua.ErrorCode(err), motcua.EUNAVAILABLE)
	}
}
