package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"motcua/api"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/devstack"
	"motcua/internal/httpx"
	"motcua/internal/payload"
	"motcua/internal/signing/service"
	"motcua/internal/store"
	"motcua/web"
)

// app is a running motcua process: whatever parts of the system its subcommand needs,
// and how to stop them in reverse order.
type app struct {
	cfg       config
	log       *slog.Logger
	pg        *devstack.Postgres
	store     *store.Store
	embedded  string // address of the embedded Temporal server, when run without TEMPORAL_ADDRESS
	client    client.Client
	migrated  int // migrations applied at start
	roots     *x509.CertPool
	signer    string // base URL of run's development signature service
	signerTok string // its bearer token
	stops     []func()
}

func (a *app) onStop(f func()) { a.stops = append(a.stops, f) }

// close stops everything started, last first.
func (a *app) close() {
	for i := len(a.stops) - 1; i >= 0; i-- {
		a.stops[i]()
	}
	a.stops = nil
}

// configErr turns a configuration mistake found by devstack into a one-line exit.
func configErr(err error) error {
	var ce *devstack.ConfigError
	if errors.As(err, &ce) {
		return &exitError{code: 1, msg: ce.Msg}
	}
	return err
}

// openStore finds PostgreSQL, opens motcua's database, migrates it and, if asked,
// seeds the demo organization.
func (a *app) openStore(ctx context.Context) error {
	pg, err := devstack.StartPostgres(ctx, devstack.PostgresOptions{
		DatabaseURL: a.cfg.DatabaseURL, LocalURL: a.cfg.LocalDatabaseURL, DataDir: a.cfg.DataDir, Logger: a.log})
	if err != nil {
		return configErr(err)
	}
	a.pg = pg
	a.onStop(func() {
		if err := pg.Stop(); err != nil {
			a.log.Error("stop private PostgreSQL", "err", err)
		}
	})
	url := a.cfg.DatabaseURL
	if url == "" {
		if err := devstack.EnsureDatabase(ctx, pg.URL, a.cfg.Database); err != nil {
			return err
		}
		url = pg.DatabaseURL(a.cfg.Database)
	}
	st, err := store.Open(ctx, url, a.log)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot open motcua's database %s: %v", devstack.Redact(url), err)}
	}
	a.store = st
	a.onStop(st.Close)
	done, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	a.migrated = len(done)
	cat, err := forms.Default()
	if err != nil {
		return fmt.Errorf("load the procedure catalog: %w", err)
	}
	if err := st.SyncCatalog(ctx, cat); err != nil {
		return err
	}
	if a.cfg.SeedDemo {
		if err := st.SeedDemo(ctx); err != nil {
			return err
		}
	}
	a.log.Info("database ready", "postgres", pg.Source, "url", devstack.Redact(url))
	return nil
}

// connectTemporal connects to TEMPORAL_ADDRESS, or starts the embedded server when
// embedded is true and no address is configured.
func (a *app) connectTemporal(ctx context.Context, embedded bool) error {
	addr := a.cfg.TemporalAddress
	if addr == "" && embedded {
		hostPort, ns, err := a.embeddedTemporal(ctx)
		if err != nil {
			return err
		}
		a.embedded, a.cfg.TemporalNamespace, addr = hostPort, ns, hostPort
	}
	if addr == "" {
		addr = "127.0.0.1:7233"
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	codec, err := a.payloadCodec(embedded)
	if err != nil {
		return err
	}
	c, err := client.DialContext(dctx, client.Options{HostPort: addr, Namespace: a.cfg.TemporalNamespace,
		DataConverter: codec.DataConverter(),
		Logger:        sdklog.NewStructuredLogger(a.log.With("component", "temporal-client"))})
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf(
			"cannot reach Temporal at %s (namespace %s): %v; check TEMPORAL_ADDRESS, or unset it to run the embedded server with 'motcua run'",
			addr, a.cfg.TemporalNamespace, rootCause(err))}
	}
	a.client = c
	a.onStop(c.Close)
	return nil
}

// listen opens the HTTP listener early, so a port in use is a clear one-line error.
func (a *app) listen() (net.Listener, error) {
	l, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s: %v; stop what uses it or choose another with -addr", a.cfg.Addr, rootCause(err))}
	}
	return l, nil
}

// handler builds the HTTP handler with its dependencies.
func (a *app) handler(ctx context.Context) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sessions := &auth.Sessions{Store: a.store}
	chain := auth.Chain{sessions}
	var oidc *auth.OIDC
	if a.cfg.OIDCIssuer != "" {
		var err error
		oidc, err = auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCClientID,
			ClientSecret: a.cfg.OIDCClientSecret, RedirectURL: a.publicURL() + "/auth/oidc/callback", ProvisionCitizens: true}, a.store)
		if err != nil {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("cannot use OIDC issuer %s: %v; check OIDC_ISSUER", a.cfg.OIDCIssuer, rootCause(err))}
		}
		chain = append(chain, oidc)
	}
	ready := map[string]httpx.Pinger{"postgres": a.store}
	if a.client != nil {
		ready["temporal"] = httpx.PingFunc(func(ctx context.Context) error {
			_, err := a.client.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		})
	}
	catalog, err := forms.Default()
	if err != nil {
		return nil, fmt.Errorf("load the procedure catalog: %w", err)
	}
	wt, err := a.workingTime(ctx)
	if err != nil {
		return nil, err
	}
	proxies, err := a.cfg.trustedProxies()
	if err != nil {
		return nil, &devstack.ConfigError{Msg: err.Error()}
	}
	kit := httpx.New(httpx.Deps{Sessions: a.store, Auth: chain, SecureCookies: a.cfg.SecureCookies, TrustedProxies: proxies,
		Metrics: reg, Log: a.log})
	svc := dossiers.New(dossiers.Deps{Store: a.store, Catalog: catalog, Engine: dossiers.Temporal(a.client), WorkingTime: wt,
		VerifyRoots: a.roots, Log: a.log})
	return kit.Handler(ready,
		api.New(api.Deps{HTTP: kit, Dossiers: svc, Catalog: catalog, Sessions: sessions, DevLogin: a.cfg.DevLogin}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Catalog: catalog, Store: a.store, Sessions: sessions, OIDC: oidc,
			DevLogin: a.cfg.DevLogin, Log: a.log})), nil
}

func (a *app) publicURL() string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
	return "http://" + a.cfg.Addr
}

// serve serves HTTP on l until ctx is done, then shuts down gracefully.
func (a *app) serve(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
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

func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			return first
		}
		err = u
	}
}

// loadTrustRoots adds the CAs of MOTCUA_TRUST_ROOTS to the pool signatures are verified
// against.
func (a *app) loadTrustRoots() error {
	if a.roots == nil {
		a.roots = x509.NewCertPool()
	}
	if a.cfg.TrustRoots == "" {
		return nil
	}
	pem, err := os.ReadFile(a.cfg.TrustRoots)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot read MOTCUA_TRUST_ROOTS: %v", rootCause(err))}
	}
	if !a.roots.AppendCertsFromPEM(pem) {
		return &exitError{code: 1, msg: fmt.Sprintf("MOTCUA_TRUST_ROOTS (%s) holds no PEM certificate", a.cfg.TrustRoots)}
	}
	return nil
}

// startSigner runs the development signature service in this process (run only), with
// its CA under the data directory; its root is trusted by the verification endpoint.
func (a *app) startSigner(ctx context.Context) error {
	token := make([]byte, 24)
	_, _ = rand.Read(token)
	a.signerTok = hex.EncodeToString(token)
	svc, err := service.New(filepath.Join(a.cfg.DataDir, "signer"), service.Options{Token: a.signerTok,
		Logger: a.log.With("component", "signer")})
	if err != nil {
		return fmt.Errorf("start the development signature service: %w", err)
	}
	l, err := net.Listen("tcp", a.cfg.SignerAddr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("the signature service cannot listen on %s: %v; choose another with -signer-addr", a.cfg.SignerAddr, rootCause(err))}
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	a.onStop(func() { _ = srv.Close() })
	if a.roots == nil {
		a.roots = x509.NewCertPool()
	}
	a.roots.AddCert(svc.Root())
	a.signer = "http://" + l.Addr().String()
	return nil
}

// payloadCodec encrypts what workflows carry through Temporal. The keys come from
// MOTCUA_PAYLOAD_KEYS; `motcua run` (devMode) keeps one in the data directory instead.
func (a *app) payloadCodec(devMode bool) (*payload.Codec, error) {
	var keys [][]byte
	switch {
	case a.cfg.PayloadKeys != "":
		k, err := payload.ParseKeys(a.cfg.PayloadKeys)
		if err != nil {
			return nil, &exitError{code: 1, msg: "MOTCUA_PAYLOAD_KEYS: " + err.Error()}
		}
		keys = k
	case devMode:
		k, err := payload.LoadOrCreateKeyFile(filepath.Join(a.cfg.DataDir, "payload.key"))
		if err != nil {
			return nil, err
		}
		keys = [][]byte{k}
	default:
		return nil, &exitError{code: 1, msg: "MOTCUA_PAYLOAD_KEYS is unset: give the API and the worker the same key (openssl rand -base64 32)"}
	}
	return payload.NewCodec(keys...)
}
