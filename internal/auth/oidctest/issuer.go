// Package oidctest runs a small OpenID Connect issuer for tests: discovery, keys, an
// authorization endpoint that logs in a chosen subject without asking, and a token
// endpoint. It signs real RS256 ID tokens, so the code under test verifies them exactly
// as it would a production provider's.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Issuer is a running test issuer.
type Issuer struct {
	Server   *httptest.Server
	ClientID string
	key      *rsa.PrivateKey

	mu      sync.Mutex
	subject string            // who the authorization endpoint logs in
	claims  map[string]any    // extra claims of that subject
	codes   map[string]string // code -> nonce
}

// New starts an issuer for clientID; Close it when done.
func New(clientID string) *Issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	iss := &Issuer{ClientID: clientID, key: key, codes: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", iss.discovery)
	mux.HandleFunc("GET /keys", iss.keys)
	mux.HandleFunc("GET /authorize", iss.authorize)
	mux.HandleFunc("POST /token", iss.token)
	iss.Server = httptest.NewServer(mux)
	return iss
}

// URL is the issuer identifier.
func (i *Issuer) URL() string { return i.Server.URL }

// Close stops the server.
func (i *Issuer) Close() { i.Server.Close() }

// LoginAs makes the authorization endpoint log in subject with the given claims.
func (i *Issuer) LoginAs(subject string, claims map[string]any) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.subject, i.claims = subject, claims
}

// IDToken signs an ID token for subject, valid for ttl (negative for an expired one).
func (i *Issuer) IDToken(subject string, claims map[string]any, ttl time.Duration) string {
	return i.sign(i.key, subject, "", claims, ttl)
}

// ForeignIDToken is an ID token signed by a key the issuer does not publish.
func (i *Issuer) ForeignIDToken(subject string) string {
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	return i.sign(other, subject, "", nil, time.Hour)
}

func (i *Issuer) sign(key *rsa.PrivateKey, subject, nonce string, extra map[string]any, ttl time.Duration) string {
	now := time.Now()
	c := map[string]any{"iss": i.URL(), "sub": subject, "aud": i.ClientID,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	if nonce != "" {
		c["nonce"] = nonce
	}
	for k, v := range extra {
		c[k] = v
	}
	payload, _ := json.Marshal(c)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "test"))
	if err != nil {
		panic(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

func (i *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{
		"issuer": i.URL(), "authorization_endpoint": i.URL() + "/authorize", "token_endpoint": i.URL() + "/token",
		"jwks_uri": i.URL() + "/keys", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (i *Issuer) keys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &i.key.PublicKey, KeyID: "test", Algorithm: "RS256", Use: "sig"}}})
}

func (i *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != i.ClientID || q.Get("response_type") != "code" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	i.mu.Lock()
	i.codes[code] = q.Get("nonce")
	i.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	i.mu.Lock()
	nonce, ok := i.codes[r.PostForm.Get("code")]
	delete(i.codes, r.PostForm.Get("code"))
	subject, claims := i.subject, i.claims
	i.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	writeJSON(w, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 3600,
		"id_token": i.sign(i.key, subject, nonce, claims, time.Hour)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
