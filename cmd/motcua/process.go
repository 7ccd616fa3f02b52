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
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"motcua/dossiers"
	"motcua/internal/app"
	"motcua/internal/auth"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/devstack"
	"motcua/internal/mail"
	"motcua/internal/payload"
	"motcua/internal/payment"
	"motcua/internal/signing/service"
	"motcua/worker"
)

// process is a running server subcommand: its configuration, what it started around
// the system (a private PostgreSQL, the embedded Temporal server, run's development
// signature service), the system itself (internal/app), and how to stop it all in
// reverse order.
type process struct {
	cfg       config
	log       *slog.Logger
	roots     *x509.CertPool
	proxies   []netip.Prefix // the reverse proxies in front of the HTTP server
	pg        *devstack.Postgres
	embedded  string // address of the embedded Temporal server, when run without TEMPORAL_ADDRESS
	metrics   string // URL of /metrics on the internal listener, when there is one
	signer    string // base URL of run's development signature service
	signerTok string // its bearer token
	axis      string // root URL of run's development axis
	portal    string // base URL of run's development portal
	portalTok string // its bearer token
	payment   string // run's development payment gateway, when started
	app       *app.App
	stops     []func()
}

func (p *process) onStop(f func()) { p.stops = append(p.stops, f) }

// close stops everything started, last first.
func (p *process) close() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
}

// configErr turns a configuration mistake found by devstack into a one-line exit.
func configErr(err error) error {
	var ce *devstack.ConfigError
	if errors.As(err, &ce) {
		return &exitError{code: 1, msg: ce.Msg}
	}
	return err
}

// open finds PostgreSQL (DATABASE_URL, else the local server, else a private cluster
// under the data directory), connects Temporal when asked (embedded, for devMode,
// unless TEMPORAL_ADDRESS) and builds the system on them.
func (p *process) open(ctx context.Context, temporal, devMode bool) error {
	pg, err := devstack.StartPostgres(ctx, devstack.PostgresOptions{
		DatabaseURL: p.cfg.DatabaseURL, LocalURL: p.cfg.LocalDatabaseURL, DataDir: p.cfg.DataDir, Logger: p.log})
	if err != nil {
		return configErr(err)
	}
	p.pg = pg
	p.onStop(func() {
		if err := pg.Stop(); err != nil {
			p.log.Error("stop private PostgreSQL", "err", err)
		}
	})
	url := p.cfg.DatabaseURL
	if url == "" {
		if err := devstack.EnsureDatabase(ctx, pg.URL, p.cfg.Database); err != nil {
			return err
		}
		url = pg.DatabaseURL(p.cfg.Database)
	}
	wt, err := parseWorkerTuning(p.cfg.WorkerTuning)
	if err != nil {
		return usageError("MOTCUA_WORKER_TUNING: %v", err)
	}
	ac := app.Config{DatabaseURL: url, SeedDemo: p.cfg.SeedDemo, PublicURL: p.publicURL(), Worker: wt,
		DevLogin: p.cfg.DevLogin, SecureCookies: p.cfg.SecureCookies, TrustedProxies: p.proxies, Roots: p.roots,
		OIDC: auth.OIDCConfig{Issuer: p.cfg.OIDCIssuer, ClientID: p.cfg.OIDCClientID, ClientSecret: p.cfg.OIDCClientSecret,
			ProvisionCitizens: true},
		Axis:      axis.ClientConfig{URL: p.cfg.AxisURL, AgencyID: p.cfg.AxisAgency, Secret: p.cfg.AxisSecret},
		SignerURL: p.signerURL(), SignerToken: p.signerToken(), SealCredential: p.cfg.SealCredential, SealPIN: p.cfg.SealPIN,
		FontDir: p.cfg.FontDir, DecisionsInFlight: p.cfg.DecisionsInFlight,
		Mail: mail.Config{Addr: p.cfg.SMTPAddr, From: p.cfg.SMTPFrom, Username: p.cfg.SMTPUsername, Password: p.cfg.SMTPPassword},
		Log:  p.log}
	if devMode && ac.Axis.URL != "" {
		// run against another development axis: the demo agency and secret by default.
		if ac.Axis.AgencyID == "" {
			ac.Axis.AgencyID = server.DemoAgencies()[0].ID
		}
		if ac.Axis.Secret == "" {
			ac.Axis.Secret = server.DemoSecret
		}
	}
	if ac.Portal, err = p.portalConfig(); err != nil {
		return err
	}
	if p.cfg.PaymentURL == "" && devMode {
		if err := p.startPaymentGateway(); err != nil {
			return err
		}
	}
	if p.cfg.PaymentURL != "" {
		ac.Payment = payment.Config{URL: p.cfg.PaymentURL, Partner: p.cfg.PaymentPartner, Secret: p.cfg.PaymentSecret}
	}
	if ac.Population, ac.PopulationTimeout, err = p.populationConfig(); err != nil {
		return err
	}
	if n := p.cfg.UploadsPerMinute; n > 0 {
		ac.Uploads = dossiers.DefaultUploadLimits
		ac.Uploads.PerWindow = n
	}
	if temporal {
		ac.TemporalTLS = app.TemporalTLS{CertFile: p.cfg.TemporalTLSCert, KeyFile: p.cfg.TemporalTLSKey,
			CAFile: p.cfg.TemporalTLSCA, ServerName: p.cfg.TemporalTLSServer}
		if ac.TemporalTLS.Enabled() && p.cfg.TemporalAddress == "" && devMode {
			return &exitError{code: 1, msg: "TEMPORAL_TLS_* is set without TEMPORAL_ADDRESS: the embedded server speaks no TLS"}
		}
		if ac.TemporalAddress, ac.TemporalNamespace, err = p.temporal(ctx, devMode); err != nil {
			return err
		}
		if ac.PayloadKeys, err = p.payloadKeys(devMode); err != nil {
			return err
		}
	}
	a, err := app.New(ctx, ac)
	if err != nil {
		return err
	}
	p.app = a
	p.onStop(a.Close)
	p.log.Info("database ready", "postgres", pg.Source, "url", devstack.Redact(url))
	return nil
}

// temporal returns the address and namespace of Temporal: TEMPORAL_ADDRESS, or the
// embedded server started now when embedded is true and no address is configured.
func (p *process) temporal(ctx context.Context, embedded bool) (addr, namespace string, err error) {
	addr, namespace = p.cfg.TemporalAddress, p.cfg.TemporalNamespace
	if addr == "" && embedded {
		if addr, namespace, err = p.embeddedTemporal(ctx); err != nil {
			return "", "", err
		}
		p.embedded, p.cfg.TemporalNamespace = addr, namespace
	}
	if addr == "" {
		addr = "127.0.0.1:7233"
	}
	return addr, namespace, nil
}

// listen opens the HTTP listener early, so a port in use is a clear one-line error.
func (p *process) listen() (net.Listener, error) {
	l, err := net.Listen("tcp", p.cfg.Addr)
	if err != nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s: %v; stop what uses it or choose another with -addr", p.cfg.Addr, app.RootCause(err))}
	}
	return l, nil
}

// listenMetrics opens the internal listener of /metrics, when MOTCUA_METRICS_ADDR names one.
func (p *process) listenMetrics() (net.Listener, error) {
	if p.cfg.MetricsAddr == "" {
		return nil, nil
	}
	l, err := net.Listen("tcp", p.cfg.MetricsAddr)
	if err != nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s for metrics: %v; choose another with -metrics-addr (MOTCUA_METRICS_ADDR)", p.cfg.MetricsAddr, app.RootCause(err))}
	}
	p.metrics = "http://" + l.Addr().String() + "/metrics"
	return l, nil
}

func (p *process) publicURL() string {
	if p.cfg.PublicURL != "" {
		return p.cfg.PublicURL
	}
	return "http://" + p.cfg.Addr
}

// loadTrustRoots adds the CAs of MOTCUA_TRUST_ROOTS to the pool signatures are verified
// against.
func (p *process) loadTrustRoots() error {
	if p.roots == nil {
		p.roots = x509.NewCertPool()
	}
	if p.cfg.TrustRoots == "" {
		return nil
	}
	pem, err := os.ReadFile(p.cfg.TrustRoots)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot read MOTCUA_TRUST_ROOTS: %v", app.RootCause(err))}
	}
	if !p.roots.AppendCertsFromPEM(pem) {
		return &exitError{code: 1, msg: fmt.Sprintf("MOTCUA_TRUST_ROOTS (%s) holds no PEM certificate", p.cfg.TrustRoots)}
	}
	return nil
}

// startSigner runs the development signature service in this process (run only), with
// its CA under the data directory; its root is trusted by the verification endpoint.
// Its bearer token is MOTCUA_SIGNER_TOKEN when set, so that a `motcua worker` started
// beside run can sign through it (the fault suite kills such a worker), else random.
func (p *process) startSigner() error {
	p.signerTok = p.cfg.SignerToken
	if p.signerTok == "" {
		token := make([]byte, 24)
		_, _ = rand.Read(token)
		p.signerTok = hex.EncodeToString(token)
	}
	svc, err := service.New(filepath.Join(p.cfg.DataDir, "signer"), service.Options{Token: p.signerTok,
		Logger: p.log.With("component", "signer")})
	if err != nil {
		return fmt.Errorf("start the development signature service: %w", err)
	}
	l, err := net.Listen("tcp", p.cfg.SignerAddr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("the signature service cannot listen on %s: %v; choose another with -signer-addr", p.cfg.SignerAddr, app.RootCause(err))}
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	p.onStop(func() { _ = srv.Close() })
	p.roots.AddCert(svc.Root())
	p.signer = "http://" + l.Addr().String()
	return nil
}

// startPaymentGateway starts the development payment gateway (run only) and points
// PAYMENT_URL at it, with a secret made now.
func (p *process) startPaymentGateway() error {
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	l, err := net.Listen("tcp", p.cfg.PaymentAddr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("the development payment gateway cannot listen on %s: %v; choose another with MOTCUA_PAYMENT_ADDR", p.cfg.PaymentAddr, app.RootCause(err))}
	}
	g := &payment.DevGateway{Partner: p.cfg.PaymentPartner, Secret: hex.EncodeToString(secret),
		PublicURL: "http://" + l.Addr().String(), Log: p.log.With("component", "payment")}
	srv := &http.Server{Handler: g.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	p.onStop(func() { _ = srv.Close() })
	p.cfg.PaymentURL, p.cfg.PaymentSecret, p.payment = g.PublicURL, g.Secret, g.PublicURL
	return nil
}

// signerURL is the signature service's root URL: run's own, or MOTCUA_SIGNER_URL.
func (p *process) signerURL() string {
	if p.signer != "" {
		return p.signer
	}
	return p.cfg.SignerURL
}

func (p *process) signerToken() string {
	if p.signerTok != "" {
		return p.signerTok
	}
	return p.cfg.SignerToken
}

// payloadKeys are the keys of the codec that encrypts what workflows carry through
// Temporal: MOTCUA_PAYLOAD_KEYS; `motcua run` (devMode) keeps one in the data directory
// instead.
func (p *process) payloadKeys(devMode bool) ([][]byte, error) {
	switch {
	case p.cfg.PayloadKeys != "":
		k, err := payload.ParseKeys(p.cfg.PayloadKeys)
		if err != nil {
			return nil, &exitError{code: 1, msg: "MOTCUA_PAYLOAD_KEYS: " + err.Error()}
		}
		return k, nil
	case devMode:
		k, err := payload.LoadOrCreateKeyFile(filepath.Join(p.cfg.DataDir, "payload.key"))
		if err != nil {
			return nil, err
		}
		return [][]byte{k}, nil
	default:
		return nil, &exitError{code: 1, msg: "MOTCUA_PAYLOAD_KEYS is unset: give the API and the worker the same key (openssl rand -base64 32)"}
	}
}

// startAxis runs the development document axis in this process (run only), on a
// database of its own beside motcua's (axisDatabase), with the demo agencies and their
// secret (MOTCUA_AXIS_SECRET, else server.DemoSecret); motcua talks to it as the
// Ministry of Home Affairs (MOTCUA_AXIS_AGENCY). When MOTCUA_AXIS_URL names an axis
// (another run's, or `motcua axis`), run starts none and uses that one: two runs on one
// laptop are two agencies on one axis.
func (p *process) startAxis(ctx context.Context) error {
	if p.cfg.AxisURL != "" {
		return nil // app.New built the client from Config.Axis
	}
	if err := devstack.EnsureDatabase(ctx, p.pg.URL, axisDatabase); err != nil {
		return fmt.Errorf("create the development axis's database: %w", err)
	}
	l, err := net.Listen("tcp", p.cfg.AxisAddr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("the development axis cannot listen on %s: %v; choose another with -axis-addr", p.cfg.AxisAddr, app.RootCause(err))}
	}
	secret := p.cfg.AxisSecret
	if secret == "" {
		secret = server.DemoSecret
	}
	stop, err := serveAxis(ctx, l, p.pg.DatabaseURL(axisDatabase), server.DemoAgencies(), secret, p.log.With("component", "axis"))
	if err != nil {
		l.Close()
		return err
	}
	p.onStop(stop)
	p.axis = "http://" + l.Addr().String()
	agency := p.cfg.AxisAgency
	if agency == "" {
		agency = server.DemoAgencies()[0].ID
	}
	return p.app.SetAxis(axis.ClientConfig{URL: p.axis, AgencyID: agency, Secret: secret})
}

// parseWorkerTuning reads MOTCUA_WORKER_TUNING, "wfpollers=N,actpollers=N,activities=N" (any; the
// other keeps worker.DefaultTuning's), which exists to measure the worker's pollers
// A/B with motcua load (docs/PERFORMANCE.md).
func parseWorkerTuning(s string) (worker.Tuning, error) {
	var t worker.Tuning
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 256 {
			return t, fmt.Errorf("%q: want KEY=N with N from 1 to 256", kv)
		}
		switch k {
		case "wfpollers":
			t.WorkflowPollers = n
		case "actpollers":
			t.ActivityPollers = n
		case "activities":
			t.Activities = n
		default:
			return t, fmt.Errorf("%q: unknown setting (wfpollers, actpollers, activities)", k)
		}
	}
	return t, nil
}
