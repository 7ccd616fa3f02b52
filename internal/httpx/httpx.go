// Package httpx is the HTTP plumbing that the JSON API (api) and the pages (web) share:
// authentication of a request (bearer token or page session), the session cookie, CSRF,
// rate limits, security headers, request IDs and client addresses behind trusted proxies,
// logging and metrics, and the one mapping of motcua's error codes to HTTP statuses.
// Handler assembles the whole HTTP surface from the parts api and web register.
//
// It holds plumbing only: no page, no JSON resource, no decision about a dossier. It
// must not import api or web (they import it), so that both stay leaves that only the
// composition code imports.
package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"motcua"
	"motcua/internal/auth"
)

// SessionStore finds the actor of a page session and ends sessions (internal/store).
type SessionStore interface {
	SessionActor(ctx context.Context, token string) (motcua.Actor, string, error)
	RevokeSession(ctx context.Context, token string) error
}

// Pinger is something /readyz asks: PostgreSQL, Temporal.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PingFunc adapts a function to Pinger.
type PingFunc func(ctx context.Context) error

// Ping implements Pinger.
func (f PingFunc) Ping(ctx context.Context) error { return f(ctx) }

// Deps is what the shared plumbing needs.
type Deps struct {
	// Sessions reads page sessions (the cookie); nil answers every cookie as no session.
	Sessions SessionStore
	// Auth checks bearer tokens: sessions, then OIDC when configured.
	Auth auth.Authenticator
	// Systems checks the credentials of calling systems (RequireSystem); nil refuses
	// every system-to-system call.
	Systems SystemAuthenticator
	// SecureCookies marks cookies Secure (behind HTTPS). Off only for local HTTP.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For / X-Real-IP name the
	// client (for the rate limits and the logs); from anyone else these headers are
	// ignored.
	TrustedProxies []netip.Prefix
	// Metrics is the registry /metrics serves; the HTTP layer adds its own collectors.
	Metrics *prometheus.Registry
	Log     *slog.Logger
	// Now is the clock of the rate limits (tests may fix it).
	Now func() time.Time
}

// Kit is the shared plumbing, built once per process and given to api and web.
type Kit struct {
	Deps
	// LoginLimit counts failed password logins per client address: the API's login and
	// the login page share it, so that one cannot be used to get around the other.
	LoginLimit *RateLimit
	// AccountLimit counts failed password logins per account, whatever the address:
	// spreading guesses of one password over many addresses gets no further than one.
	// An account that reaches it is locked out until its window turns, and the notice
	// says until when.
	AccountLimit *RateLimit
	// VerifyLimit counts signature checks per client address: every check parses and
	// verifies a whole PDF, and the API's check and the verification page share it.
	VerifyLimit *RateLimit
	metrics     *httpMetrics
}

// New builds the shared plumbing.
func New(d Deps) *Kit {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	return &Kit{Deps: d, LoginLimit: NewRateLimit(10, time.Minute, d.Now),
		AccountLimit: NewRateLimit(20, 15*time.Minute, d.Now),
		VerifyLimit:  NewRateLimit(30, time.Minute, d.Now), metrics: newHTTPMetrics(d.Metrics)}
}

// Part is one face of the HTTP surface (api.API, web.Site): it registers its routes,
// each group with its own middleware, on the one router.
type Part interface {
	Routes(r chi.Router)
}

// Handler is motcua's whole HTTP surface on one router: the middleware every answer
// goes through, the probes (/healthz, /readyz with ready), then each part's routes. A
// part may set the router's NotFound (the pages answer a browser's 404 with a page).
// /metrics is not on it: MetricsHandler is served on an internal listener only.
func (k *Kit) Handler(ready map[string]Pinger, parts ...Part) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, k.realIP, k.recoverer, k.logRequests, k.measure, k.securityHeaders, k.validQuery)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		k.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy địa chỉ %s.", r.URL.Path))
	})
	r.MethodNotAllowed(methodNotAllowed)

	r.Get("/healthz", handleHealthz())      // process up
	r.Get("/readyz", k.handleReadyz(ready)) // PostgreSQL and Temporal answer
	for _, p := range parts {
		p.Routes(r)
	}
	return r
}

// MetricsHandler serves reg's metrics (Prometheus) at /metrics, and nothing else. They
// tell whoever reads them the routes, their traffic and errors and the process's
// insides, so they belong on an internal listener (MOTCUA_METRICS_ADDR), never on the
// public router.
func MetricsHandler(reg prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

func handleHealthz() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz answers 200 only when every dependency answers within two seconds. It
// names the dependency that failed ("down") and nothing more: the error's text (user,
// host, port, database) goes to the log, since anyone may ask.
func (k *Kit) handleReadyz(ready map[string]Pinger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{}
		status := http.StatusOK
		for name, p := range ready {
			if err := p.Ping(ctx); err != nil {
				k.Log.WarnContext(r.Context(), "not ready", "dependency", name, "err", err)
				checks[name] = "down"
				status = http.StatusServiceUnavailable
				continue
			}
			checks[name] = "ok"
		}
		SetRetryAfter(w, status)
		Encode(w, status, map[string]any{"ready": status == http.StatusOK, "checks": checks})
	}
}
