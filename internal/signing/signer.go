package signing

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"sync"
)

// PIN is the secret a signer types to authorize one signing session. Its value prints,
// formats, logs and marshals as "[redacted]" whatever the verb, so that it cannot leak
// through fmt, log/slog or encoding/json; only this package reads it, to put it in
// credentials/authorize.
type PIN string

const redacted = "[redacted]"

func (PIN) String() string                { return redacted }
func (PIN) GoString() string              { return redacted }
func (PIN) Format(f fmt.State, verb rune) { io.WriteString(f, redacted) }
func (PIN) LogValue() slog.Value          { return slog.StringValue(redacted) }
func (PIN) MarshalText() ([]byte, error)  { return []byte(redacted), nil }
func (p PIN) empty() bool                 { return len(p) == 0 }

// pinBox holds the PIN for a Signer. The bytes sit behind two pointers: fmt, even with
// a wrong verb, dereferences at most one level of an unexported field, so printing a
// Signer (or a struct holding one) shows addresses, never digits. Close wipes them.
type pinBox struct {
	mu     sync.Mutex
	secret *[]byte
}

func (b *pinBox) String() string             { return redacted }
func (b *pinBox) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

func (b *pinBox) get() (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.secret == nil {
		return "", false
	}
	return string(*b.secret), true
}

func (b *pinBox) wipe() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.secret != nil {
		clear(*b.secret)
		b.secret = nil
	}
}

func newPINBox(p PIN) *pinBox {
	b := []byte(p)
	return &pinBox{secret: &b}
}

// Signer is a crypto.Signer whose private key stays in the signature service. Each Sign
// authorizes exactly that one digest with the PIN (credentials/authorize, numSignatures 1,
// the digest as the only hash) and then signs it (signatures/signHash): there is never a
// signature without a fresh PIN authorization, and a SAD cannot be reused for another
// document.
//
// A Signer lives for one signing session: make it when the leader submits the PIN, use it
// for the documents of that action, then Close it.
type Signer struct {
	client       *Client
	ctx          context.Context
	credentialID string
	chain        []*x509.Certificate
	algos        map[string]bool
	pin          *pinBox
}

// Signer returns a crypto.Signer for credentialID authorized by pin. It reads the
// credential's certificate chain (credentials/info) and checks that it can be used; it
// does not check the PIN, which the service checks at the first Sign.
//
// ctx bounds every call the Signer makes, Sign included (crypto.Signer.Sign takes no
// context): cancel it to abandon the session.
func (c *Client) Signer(ctx context.Context, credentialID string, pin PIN) (*Signer, error) {
	if pin.empty() {
		return nil, &Error{StatusCode: 400, Code: ErrCodeInvalidRequest, Description: DescInvalidPIN + ": empty", Path: PathCredentialsAuthorize, RemainingAttempts: -1}
	}
	info, err := c.CredentialInfo(ctx, CredentialsInfoRequest{
		CredentialID: credentialID, Certificates: CertificatesChain, CertInfo: true, AuthInfo: true,
	})
	if err != nil {
		return nil, fmt.Errorf("signer for %s: %w", credentialID, err)
	}
	if info.Cert == nil || len(info.Cert.Certificates) == 0 {
		return nil, fmt.Errorf("signer for %s: credentials/info returned no certificate", credentialID)
	}
	chain := make([]*x509.Certificate, 0, len(info.Cert.Certificates))
	for i, s := range info.Cert.Certificates {
		der, err := DecodeBase64(s)
		if err != nil {
			return nil, fmt.Errorf("signer for %s: certificate %d: %w", credentialID, i, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("signer for %s: certificate %d: %w", credentialID, i, err)
		}
		chain = append(chain, cert)
	}
	switch chain[0].PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("signer for %s: unsupported key type %T", credentialID, chain[0].PublicKey)
	}
	algos := make(map[string]bool, len(info.Key.Algo))
	for _, a := range info.Key.Algo {
		algos[a] = true
	}
	return &Signer{
		client:       c,
		ctx:          ctx,
		credentialID: credentialID,
		chain:        chain,
		algos:        algos,
		pin:          newPINBox(pin),
	}, nil
}

// Format prints the credential only, whatever the verb.
func (s Signer) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "signing.Signer{credential: %s, pin: %s}", s.credentialID, redacted)
}

// LogValue logs the credential only.
func (s *Signer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("credential", s.credentialID))
}

// Public returns the public key of the credential's certificate.
func (s *Signer) Public() crypto.PublicKey { return s.chain[0].PublicKey }

// Certificate returns the credential's (end-entity) certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.chain[0] }

// Chain returns the certificate chain as the service gave it: the end-entity certificate
// first, then its issuers up to and including the root. Callers embed it in the CMS
// signature (usually without the root, which verifiers must already trust).
func (s *Signer) Chain() []*x509.Certificate { return append([]*x509.Certificate(nil), s.chain...) }

// CredentialID returns the credential this Signer signs with.
func (s *Signer) CredentialID() string { return s.credentialID }

// Close forgets the PIN; later calls to Sign fail.
func (s *Signer) Close() error {
	s.pin.wipe()
	return nil
}

// ErrClosed is returned by Sign after Close.
var ErrClosed = errors.New("signing: signer closed")

// Sign signs digest, which must be the hash named by opts. The service draws its own
// randomness; rand is ignored. The result is what crypto.Signer promises: a PKCS #1 v1.5
// signature for an RSA key, an ASN.1 DER ECDSA-Sig-Value for an ECDSA key. RSA-PSS is
// not supported. The signature is verified against the certificate before it is returned,
// so a wrong key or hash on the service's side cannot slip into a document.
func (s *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, ok := opts.(*rsa.PSSOptions); ok {
		return nil, errors.New("signing: RSA-PSS is not supported")
	}
	h := opts.HashFunc()
	hashOID := HashOID(h)
	if hashOID == "" {
		return nil, fmt.Errorf("signing: hash %v is not supported", h)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("signing: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
	}
	var signAlgo string
	switch s.Public().(type) {
	case *rsa.PublicKey:
		signAlgo = OIDRSAEncryption
		if !s.algos[signAlgo] && s.algos[RSAOID(h)] {
			signAlgo = RSAOID(h)
		}
	case *ecdsa.PublicKey:
		signAlgo = ECDSAOID(h)
	}
	if len(s.algos) > 0 && !s.algos[signAlgo] {
		return nil, fmt.Errorf("signing: credential %s does not offer algorithm %s", s.credentialID, signAlgo)
	}
	pin, ok := s.pin.get()
	if !ok {
		return nil, ErrClosed
	}
	hash := EncodeBase64(digest)
	auth, err := s.client.Authorize(s.ctx, CredentialsAuthorizeRequest{
		CredentialID:     s.credentialID,
		NumSignatures:    1,
		Hashes:           []string{hash},
		HashAlgorithmOID: hashOID,
		AuthData:         []AuthData{{ID: AuthDataPIN, Value: pin}},
	})
	if err != nil {
		return nil, fmt.Errorf("authorize %s: %w", s.credentialID, err)
	}
	res, err := s.client.SignHash(s.ctx, SignHashRequest{
		CredentialID:     s.credentialID,
		SAD:              auth.SAD,
		Hashes:           []string{hash},
		HashAlgorithmOID: hashOID,
		SignAlgo:         signAlgo,
	})
	if err != nil {
		return nil, fmt.Errorf("sign hash with %s: %w", s.credentialID, err)
	}
	sig, err := DecodeBase64(res.Signatures[0])
	if err != nil {
		return nil, fmt.Errorf("sign hash with %s: signature: %w", s.credentialID, err)
	}
	switch pub := s.Public().(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(pub, h, digest, sig); err != nil {
			return nil, fmt.Errorf("sign hash with %s: service returned a signature that does not verify: %w", s.credentialID, err)
		}
	case *ecdsa.PublicKey:
		sig = ecdsaToASN1(pub, sig)
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return nil, fmt.Errorf("sign hash with %s: service returned a signature that does not verify", s.credentialID)
		}
	}
	return sig, nil
}

// ecdsaToASN1 converts a raw r||s signature, which some CSC providers return, to the
// ASN.1 form crypto.Signer promises; an ASN.1 signature is returned unchanged.
func ecdsaToASN1(pub *ecdsa.PublicKey, sig []byte) []byte {
	n := (pub.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*n {
		return sig
	}
	var probe struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &probe); err == nil && len(rest) == 0 {
		return sig
	}
	r := new(big.Int).SetBytes(sig[:n])
	ss := new(big.Int).SetBytes(sig[n:])
	out, err := asn1.Marshal(struct{ R, S *big.Int }{r, ss})
	if err != nil {
		return sig
	}
	return out
}

var _ crypto.Signer = (*Signer)(nil)
