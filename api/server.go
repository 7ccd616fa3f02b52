// Package api is motcua's HTTP face: the JSON API under /api/v1 for programs and the
// pages for people, over the same services. Nothing imports it: cmd/motcua wires it.
//
// Handlers decide nothing about a dossier's progress (the workflow does) and write no
// records directly except sessions; they read from PostgreSQL read models.
package api

import (
	"context"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"go.temporal.io/sdk/client"

	"motcua/activities"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/store"
)

// Pinger is something /readyz asks: PostgreSQL, Temporal.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PingFunc adapts a function to Pinger.
type PingFunc func(ctx context.Context) error

// Ping implements Pinger.
func (f PingFunc) Ping(ctx context.Context) error { return f(ctx) }

// Deps is everything the HTTP layer needs.
type Deps struct {
	Store *store.Store
	// Catalog is the procedure catalog.
	Catalog *forms.Catalog
	// Temporal reaches the dossiers' workflows; nil until it is connected.
	Temporal client.Client
	Sessions *auth.Sessions
	// Auth checks bearer tokens: Sessions, then OIDC when configured.
	Auth auth.Authenticator
	// OIDC runs the page login with single sign-on; nil when not configured.
	OIDC *auth.OIDC
	// Ready lists what must answer for /readyz to be 200, by name.
	Ready map[string]Pinger
	// Metrics is the registry /metrics serves; the API adds its own collectors.
	Metrics *prometheus.Registry
	Log     *slog.Logger
	// SecureCookies marks cookies Secure (behind HTTPS). Off only for local HTTP.
	SecureCookies bool
	// DevLogin enables POST /api/v1/auth/login and the password form.
	DevLogin bool
	// VerifyRoots are the trust anchors of POST /api/v1/verify, for signers and
	// time-stamping services alike (the national root and licensed CAs in production,
	// the development signer's root on a laptop). Nil trusts no one: every signature
	// is then reported untrusted.
	VerifyRoots *x509.CertPool
	// WorkingTime is the working-time calendar (appointments, "due soon").
	WorkingTime activities.WorkingTime
	// Now is the clock (tests may fix it).
	Now func() time.Time
	// TrustedProxies are the reverse proxies whose X-Forwarded-For / X-Real-IP name the
	// client (for the rate limits and the logs); from anyone else these headers are
	// ignored.
	TrustedProxies []netip.Prefix
}

// server holds the dependencies of the handlers.
type server struct {
	Deps
	metrics *httpMetrics
	pages   pageSet
	// Rate limits per client address: failed password logins, and the public lookup that
	// answers whether a dossier code and an ID number belong together.
	loginLimit, lookupLimit, verifyLimit *rateLimit
}

// New returns the HTTP handler of motcua.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	pages, err := parsePages()
	if err != nil {
		// The templates are embedded in the binary: a parse error is a build defect
		// that every page test reports, not a condition to run with.
		panic(err)
	}
	s := &server{Deps: d, metrics: newHTTPMetrics(d.Metrics), pages: pages,
		loginLimit: newRateLimit(10, time.Minute, d.Now), lookupLimit: newRateLimit(20, time.Minute, d.Now),
		verifyLimit: newRateLimit(30, time.Minute, d.Now)}
	return s.routes()
}
