package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"

	"motcua"
	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/payment"
	"motcua/web"
)

// httpShared is what every part of the HTTP layer shares: who is logged in, how
// requests are authenticated, what /readyz checks, where metrics go.
type httpShared struct {
	sessions *auth.Sessions
	auth     auth.Chain
	oidc     *auth.OIDC
	ready    map[string]func(context.Context) error
	metrics  *prometheus.Registry
}

// Handler builds the HTTP layer: the JSON API and the pages, behind authentication
// (sessions, and OIDC when configured), with /healthz and /readyz. The metrics it
// counts are served by MetricsHandler, on another listener.
func (a *App) Handler(ctx context.Context) (http.Handler, error) {
	sessions := &auth.Sessions{Store: a.Store}
	sh := httpShared{sessions: sessions, auth: auth.Chain{sessions}, metrics: a.registry(),
		ready: map[string]func(context.Context) error{"postgres": a.Store.Ping}}
	if a.Config.OIDC.Issuer != "" {
		oidc, err := auth.NewOIDC(ctx, a.Config.OIDC, a.Store)
		if err != nil {
			return nil, fmt.Errorf("cannot use OIDC issuer %s: %v; check OIDC_ISSUER", a.Config.OIDC.Issuer, RootCause(err))
		}
		sh.oidc = oidc
		sh.auth = append(sh.auth, oidc)
	}
	if a.Temporal != nil {
		sh.ready["temporal"] = func(ctx context.Context) error {
			_, err := a.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		}
	}
	return a.httpHandler(sh), nil
}

// registry is the process's Prometheus registry, made once (by New).
func (a *App) registry() *prometheus.Registry {
	if a.metrics == nil {
		a.metrics = prometheus.NewRegistry()
		a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return a.metrics
}

// MetricsHandler serves the process's metrics at /metrics: for an internal listener
// (MOTCUA_METRICS_ADDR) only, never for the public one.
func (a *App) MetricsHandler() http.Handler { return httpx.MetricsHandler(a.registry()) }

// httpHandler is the one place that builds the HTTP layer: the shared plumbing
// (httpx), the dossier service, and over it the JSON API and the pages.
func (a *App) httpHandler(sh httpShared) http.Handler {
	ready := make(map[string]httpx.Pinger, len(sh.ready))
	for name, f := range sh.ready {
		ready[name] = httpx.PingFunc(f)
	}
	kit := httpx.New(httpx.Deps{Sessions: a.Store, Auth: sh.auth, SecureCookies: a.Config.SecureCookies,
		TrustedProxies: a.Config.TrustedProxies, Metrics: sh.metrics, Log: a.Log, Now: a.Config.Now,
		Systems: func(ctx context.Context, id, secret string) (httpx.System, error) {
			sys, err := a.Store.AuthenticateIntakeSystem(ctx, id, secret)
			return httpx.System{ID: sys.ID, Name: sys.Name, UserID: sys.UserID}, err
		}})
	var gateway dossiers.PaymentGateway
	if a.Config.Payment.URL != "" {
		// New has checked the configuration.
		if c, err := payment.New(a.Config.Payment); err == nil {
			gateway = c
		}
	}
	var people dossiers.PopulationLookups
	if a.Population != nil { // a nil *Lookups in the interface would not read as "not connected"
		people = a.Population
	}
	svc := dossiers.New(dossiers.Deps{Store: a.Store, Catalog: a.Catalog, Engine: dossiers.Temporal(a.Temporal),
		WorkingTime: a.Time, VerifyRoots: a.Roots, UpdateTimeout: a.Config.UpdateTimeout, DecisionsInFlight: max(a.Config.DecisionsInFlight, 0), Uploads: a.Config.Uploads,
		PaymentGateway: gateway, PublicURL: a.Config.PublicURL, ReportSigning: a.reportSigning, National: a.nationalStore(), Files: a.portalFiles(), Population: people, Now: a.Config.Now, Log: a.Log})
	return kit.Handler(ready,
		api.New(api.Deps{HTTP: kit, Dossiers: svc, Exchange: a.Exchange(), Catalog: a.Catalog, Sessions: sh.sessions, DevLogin: a.Config.DevLogin}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Exchange: a.Exchange(), Catalog: a.Catalog, Store: a.Store, Sessions: sh.sessions, OIDC: sh.oidc,
			DevLogin: a.Config.DevLogin, Now: a.Config.Now, Log: a.Log}))
}

// Serve serves h on l until ctx is done, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	return Serve(ctx, l, h, a.Log)
}

// Serve serves h on l until ctx is done, then shuts down gracefully. A process serves
// a Gate from the moment it listens, before the system is built.
func Serve(ctx context.Context, l net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// Gate is the HTTP handler of a process that is starting: until Open gives it the
// system's handler, it answers every request at once, 503 with Retry-After (a problem
// document, or a short page for a browser), and /healthz 200 "starting" (the process
// is alive). A listener opened early (so that a port in use is a clear error before
// anything starts) then never leaves a request hanging while PostgreSQL, Temporal and
// the worker come up.
type Gate struct {
	h atomic.Pointer[http.Handler]
}

// Open sends every request from now on to h.
func (g *Gate) Open(h http.Handler) { g.h.Store(&h) }

// ServeHTTP implements http.Handler.
func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := g.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	if r.URL.Path == "/healthz" {
		httpx.Encode(w, http.StatusOK, map[string]string{"status": "starting"})
		return
	}
	httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
	w.Header().Set("Cache-Control", "no-store")
	if !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, startingPage)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(httpx.Problem{Type: "https://motcua.gov.vn/problems/" + motcua.EUNAVAILABLE,
		Title: startingMessage, Status: http.StatusServiceUnavailable, Code: motcua.EUNAVAILABLE, Instance: r.URL.Path})
}

const startingMessage = "Hệ thống đang khởi động. Vui lòng thử lại sau ít giây."

const startingPage = `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Hệ thống đang khởi động - Hệ thống một cửa điện tử</title></head>
<body><main><h1>Hệ thống đang khởi động</h1><p>` + startingMessage + `</p><p><a href="/">Tải lại trang</a></p></main></body></html>
`
