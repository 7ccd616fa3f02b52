package service

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Paths of the service, relative to its root URL.
const (
	CSCPath  = "/csc/v2"      // the CSC base URI; give root+CSCPath to signing.NewClient
	TSAPath  = "/tsa"         // RFC 3161 over HTTP
	RootPath = "/ca/root.pem" // the development root certificate, to trust in verifiers
)

// DefaultPIN is the development PIN of every credential unless Options say otherwise.
const DefaultPIN = "123456"

// Options configure a Service. Only Token is required.
type Options struct {
	// Token is the bearer token callers (the worker) must present.
	Token string
	// PIN is the PIN of every credential not named in PINs; DefaultPIN when empty.
	PIN string
	// PINs overrides the PIN of some credentials, by credential ID.
	PINs map[string]string
	// KeyAlgorithm is used for end-entity keys made on this start; RSA2048 when empty.
	KeyAlgorithm KeyAlgorithm
	// Credentials are the credentials to hold; DevCredentials() when nil.
	Credentials []CredentialSpec
	// SADLifetime is how long a SAD stays usable; 5 minutes when zero.
	SADLifetime time.Duration
	// MaxPINFailures is how many wrong PINs in a row lock a credential; 5 when zero.
	MaxPINFailures int
	// TSAPolicy is the policy OID of the timestamps; 2.999.1.1 (the "example" arc: this
	// TSA asserts nothing) when nil.
	TSAPolicy asn1.ObjectIdentifier
	// Logger receives one line per call (never a PIN, SAD or hash); discarded when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil. Tests move it to expire SADs.
	Now func() time.Time
}

// maxSignaturesPerSAD is the CSC "multisign" of every credential: how many hashes one
// authorization may cover (a leader approving a batch of documents).
const maxSignaturesPerSAD = 20

// credential is one signing key the service holds.
type credential struct {
	spec CredentialSpec
	key  *issued
	pin  [32]byte // SHA-256 of the PIN, compared in constant time
	// chain is the end-entity certificate, the intermediate and the root.
	chain []*x509.Certificate
}

// pinState is what is persisted about a credential's PIN tries, so that a restart does
// not unlock a locked credential.
type pinState struct {
	Failures int  `json:"failures"`
	Locked   bool `json:"locked"`
}

// authorization is what a SAD stands for: some hashes of one credential, until expiry.
type authorization struct {
	credentialID string
	hash         string         // hash algorithm OID
	remaining    map[string]int // hash (raw bytes as string) → signatures still allowed
	expires      time.Time
}

// Service is the development signature service. It is safe for concurrent use.
type Service struct {
	dir       string
	token     [32]byte
	pki       *pki
	creds     map[string]*credential
	order     []string
	sadLife   time.Duration
	maxFail   int
	tsaPolicy asn1.ObjectIdentifier
	log       *slog.Logger
	now       func() time.Time
	devPINs   map[string]string // for the start-up banner only

	mu    sync.Mutex
	state map[string]*pinState
	sads  map[string]*authorization
}

// New opens the service whose CA, keys and lock state live under dir (made on first
// start; reused afterwards).
func New(dir string, opts Options) (*Service, error) {
	if opts.Token == "" {
		return nil, errors.New("signer: a service token is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Credentials == nil {
		opts.Credentials = DevCredentials()
	}
	if opts.PIN == "" {
		opts.PIN = DefaultPIN
	}
	if opts.SADLifetime <= 0 {
		opts.SADLifetime = 5 * time.Minute
	}
	if opts.MaxPINFailures <= 0 {
		opts.MaxPINFailures = 5
	}
	if opts.TSAPolicy == nil {
		opts.TSAPolicy = defaultTSAPolicyOID
	}
	p, err := loadOrCreatePKI(dir, opts.Credentials, opts.KeyAlgorithm, opts.Now())
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	s := &Service{
		dir:       dir,
		token:     sha256.Sum256([]byte(opts.Token)),
		pki:       p,
		creds:     make(map[string]*credential),
		sadLife:   opts.SADLifetime,
		maxFail:   opts.MaxPINFailures,
		tsaPolicy: opts.TSAPolicy,
		log:       opts.Logger,
		now:       opts.Now,
		devPINs:   make(map[string]string),
		state:     make(map[string]*pinState),
		sads:      make(map[string]*authorization),
	}
	for _, spec := range opts.Credentials {
		pin := opts.PIN
		if v, ok := opts.PINs[spec.ID]; ok {
			pin = v
		}
		if err := validPIN(pin); err != nil {
			return nil, fmt.Errorf("signer: PIN of %s: %w", spec.ID, err)
		}
		s.creds[spec.ID] = &credential{
			spec:  spec,
			key:   p.creds[spec.ID],
			pin:   sha256.Sum256([]byte(pin)),
			chain: []*x509.Certificate{p.creds[spec.ID].cert, p.intermediate.cert, p.root.cert},
		}
		s.order = append(s.order, spec.ID)
		s.devPINs[spec.ID] = pin
		s.state[spec.ID] = &pinState{}
	}
	for id := range opts.PINs {
		if _, ok := s.creds[id]; !ok {
			return nil, fmt.Errorf("signer: a PIN is set for unknown credential %q", id)
		}
	}
	if err := s.loadState(); err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	return s, nil
}

// validPIN accepts what CSC auth object format "N" announces: digits, 4 to 12 of them.
func validPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 {
		return errors.New("must be 4 to 12 digits")
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("must be digits only")
		}
	}
	return nil
}

func (s *Service) statePath() string { return filepath.Join(s.dir, "state.json") }

func (s *Service) loadState() error {
	data, err := os.ReadFile(s.statePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var saved map[string]pinState
	if err := json.Unmarshal(data, &saved); err != nil {
		return fmt.Errorf("read %s: %w", s.statePath(), err)
	}
	for id, st := range saved {
		if cur, ok := s.state[id]; ok {
			*cur = st
		}
	}
	return nil
}

// saveState writes the PIN state; the caller holds s.mu.
func (s *Service) saveState() error {
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return err
	}
	return writeFile0600(s.statePath(), data)
}

// Unlock clears a credential's lock and its count of wrong PINs. It is the
// administrator's action after a holder locked their credential; it is not reachable over
// HTTP (run `motcua signer -unlock ID`, or call it from an admin tool in-process).
func (s *Service) Unlock(credentialID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[credentialID]
	if !ok {
		return fmt.Errorf("signer: no credential %q", credentialID)
	}
	st.Failures, st.Locked = 0, false
	if err := s.saveState(); err != nil {
		return fmt.Errorf("signer: unlock %s: %w", credentialID, err)
	}
	s.log.Info("csc credential unlocked", "credential", credentialID)
	return nil
}

// Locked reports whether a credential is locked.
func (s *Service) Locked(credentialID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[credentialID]
	return ok && st.Locked
}

// Root returns the development root certificate: the trust anchor a verifier needs.
func (s *Service) Root() *x509.Certificate { return s.pki.root.cert }

// Intermediate returns the CA certificate that issued the credentials and the TSA.
func (s *Service) Intermediate() *x509.Certificate { return s.pki.intermediate.cert }

// TSACertificate returns the timestamping certificate.
func (s *Service) TSACertificate() *x509.Certificate { return s.pki.tsa.cert }

// Created lists the keys made on this start (empty when everything was reused).
func (s *Service) Created() []string { return append([]string(nil), s.pki.created...) }

// CredentialSummary describes a credential for the start-up banner of the development
// service, dev PIN included.
type CredentialSummary struct {
	ID, UserID, Description string
	Seal                    bool
	Subject                 string
	KeyAlgorithm            string
	DevPIN                  string
	Locked                  bool
}

// Credentials lists the credentials in their configured order.
func (s *Service) Credentials() []CredentialSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CredentialSummary, 0, len(s.order))
	for _, id := range s.order {
		c := s.creds[id]
		alg, bits := keyAlg(c.key.cert.PublicKey)
		out = append(out, CredentialSummary{
			ID: id, UserID: c.spec.UserID, Description: c.spec.Description, Seal: c.spec.Seal,
			Subject:      DN(c.key.cert.Subject),
			KeyAlgorithm: fmt.Sprintf("%s-%d", alg, bits),
			DevPIN:       s.devPINs[id],
			Locked:       s.state[id].Locked,
		})
	}
	return out
}

// Handler returns the service's HTTP handler: the CSC API under CSCPath (bearer token
// required, except info), the timestamp endpoint at TSAPath and the root certificate at
// RootPath.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+CSCPath+"/info", http.HandlerFunc(s.handleInfo))
	mux.Handle("POST "+CSCPath+"/credentials/list", s.auth(s.handleList))
	mux.Handle("POST "+CSCPath+"/credentials/info", s.auth(s.handleCredentialInfo))
	mux.Handle("POST "+CSCPath+"/credentials/authorize", s.auth(s.handleAuthorize))
	mux.Handle("POST "+CSCPath+"/signatures/signHash", s.auth(s.handleSignHash))
	mux.Handle("POST "+TSAPath, http.HandlerFunc(s.handleTSA))
	mux.Handle("GET "+RootPath, http.HandlerFunc(s.handleRoot))
	mux.Handle(CSCPath+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request", "Unknown method or not POST", nil)
	}))
	return mux
}

// auth checks the bearer token in constant time.
func (s *Service) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "Bearer "
		h := r.Header.Get("Authorization")
		if len(h) <= len(prefix) || h[:len(prefix)] != prefix {
			w.Header().Set("WWW-Authenticate", `Bearer realm="motcua-signer"`)
			writeError(w, http.StatusUnauthorized, "invalid_token", "Missing bearer token", nil)
			return
		}
		got := sha256.Sum256([]byte(h[len(prefix):]))
		if subtle.ConstantTimeCompare(got[:], s.token[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="motcua-signer", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "invalid_token", "Invalid bearer token", nil)
			return
		}
		next(w, r)
	})
}

func (s *Service) handleRoot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	data, err := os.ReadFile(filepath.Join(s.dir, "root-ca.crt"))
	if err != nil {
		http.Error(w, "root certificate unavailable", http.StatusInternalServerError)
		return
	}
	w.Write(data)
}

// newSAD returns 32 random bytes, URL-safe Base64.
func newSAD() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// pruneSADs drops expired authorizations; the caller holds s.mu.
func (s *Service) pruneSADs(now time.Time) {
	for k, a := range s.sads {
		if !now.Before(a.expires) {
			delete(s.sads, k)
		}
	}
}
