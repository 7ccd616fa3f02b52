package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"

	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/httpx"
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
// (sessions, and OIDC when configured), with /readyz and /metrics.
func (a *App) Handler(ctx context.Context) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sessions := &auth.Sessions{Store: a.Store}
	sh := httpShared{sessions: sessions, auth: auth.Chain{sessions}, metrics: reg,
		ready: map[string]func(context.Context) error{"postgres": a.Store.Ping}}
	if a.Config.OIDC.Issuer != "" {
		oidc, err := auth.NewOIDC(ctx, a.Config.OIDC, a.Store)
		if err != nil {
			return nil, fmt.Errorf("cannot use OIDC issuer %s: %v; check OIDC_ISSUER", a.Config.OIDC.Issuer, rootCause(err))
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

// httpHandler is the one place that builds the HTTP layer: the shared plumbing
// (httpx), the dossier service, and over it the JSON API and the pages.
func (a *App) httpHandler(sh httpShared) http.Handler {
	ready := make(map[string]httpx.Pinger, len(sh.ready))
	for name, f := range sh.ready {
		ready[name] = httpx.PingFunc(f)
	}
	kit := httpx.New(httpx.Deps{Sessions: a.Store, Auth: sh.auth, SecureCookies: a.Config.SecureCookies,
		TrustedProxies: a.Config.TrustedProxies, Metrics: sh.metrics, Log: a.Log, Now: a.Config.Now})
	svc := dossiers.New(dossiers.Deps{Store: a.Store, Catalog: a.Catalog, Engine: dossiers.Temporal(a.Temporal),
		WorkingTime: a.Time, VerifyRoots: a.Roots, Uploads: a.Config.Uploads, Now: a.Config.Now, Log: a.Log})
	return kit.Handler(ready,
		api.New(api.Deps{HTTP: kit, Dossiers: svc, Catalog: a.Catalog, Sessions: sh.sessions, DevLogin: a.Config.DevLogin}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Catalog: a.Catalog, Store: a.Store, Sessions: sh.sessions, OIDC: sh.oidc,
			DevLogin: a.Config.DevLogin, Now: a.Config.Now, Log: a.Log}))
}

// Serve serves h on l until ctx is done, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
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
