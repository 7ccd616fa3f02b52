package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// config is motcua's configuration: flags, whose defaults come from environment
// variables, whose defaults are the values below. README.md lists them all.
type config struct {
	Addr              string // -addr, MOTCUA_ADDR
	DataDir           string // -data, MOTCUA_DATA
	DatabaseURL       string // DATABASE_URL
	LocalDatabaseURL  string // MOTCUA_LOCAL_DATABASE_URL: the local server tried without DATABASE_URL
	Database          string // MOTCUA_DATABASE: app database when DATABASE_URL is unset
	TemporalAddress   string // TEMPORAL_ADDRESS: an external Temporal; embedded when empty (run)
	TemporalNamespace string // TEMPORAL_NAMESPACE
	TemporalPort      int    // -temporal-port: embedded server's frontend port
	TemporalDB        string // TEMPORAL_DB
	TemporalTuning    string // MOTCUA_TEMPORAL_TUNING: embedded server's tuning, "shards=4,partitions=1,conns=20,cache=4096" (to measure)
	WorkerTuning      string // MOTCUA_WORKER_TUNING: the worker's pollers and activity slots, "wfpollers=N,actpollers=N,activities=N" (to measure)
	TemporalVisDB     string // TEMPORAL_VISIBILITY_DB
	PublicURL         string // MOTCUA_PUBLIC_URL
	DevLogin          bool   // MOTCUA_DEV_LOGIN
	SecureCookies     bool   // MOTCUA_SECURE_COOKIES
	OIDCIssuer        string // OIDC_ISSUER
	OIDCClientID      string // OIDC_CLIENT_ID
	OIDCClientSecret  string // OIDC_CLIENT_SECRET
	LogLevel          string // MOTCUA_LOG_LEVEL
	LogFormat         string // MOTCUA_LOG_FORMAT: text, json or auto
	SeedDemo          bool   // -seed-demo
	SignerAddr        string // -signer-addr, MOTCUA_SIGNER_ADDR: run's in-process signature service
	AxisAddr          string // -axis-addr, MOTCUA_AXIS_ADDR: run's in-process development axis
	AxisURL           string // MOTCUA_AXIS_URL: root URL of the document axis (api, worker)
	AxisAgency        string // MOTCUA_AXIS_AGENCY: this agency's OrganId on the axis
	AxisSecret        string // MOTCUA_AXIS_SECRET: its secret
	TrustRoots        string // MOTCUA_TRUST_ROOTS: PEM file of the CAs whose signatures are trusted
	PayloadKeys       string // MOTCUA_PAYLOAD_KEYS: base64 AES-256 keys of the payload codec, first encrypts
	SignerURL         string // MOTCUA_SIGNER_URL: root URL of the signature service (worker)
	SignerToken       string // MOTCUA_SIGNER_TOKEN: its bearer token
	PortalURL         string // PORTAL_URL: the national portal's sync API (worker); run: its development portal when empty
	PortalToken       string // PORTAL_TOKEN: its bearer token
	PortalTimeout     string // PORTAL_TIMEOUT: bound of each call to the portal (Go duration, default 10s)
	PortalAddr        string // -portal-addr, MOTCUA_PORTAL_ADDR: run's in-process development portal
	PaymentURL        string // PAYMENT_URL: the payment platform; run starts the development gateway when empty
	PaymentPartner    string // PAYMENT_PARTNER: motcua's partner code at the platform
	PaymentSecret     string // PAYMENT_SECRET: the secret shared with the platform
	PaymentAddr       string // MOTCUA_PAYMENT_ADDR: listen address of run's development payment gateway
	Population        string // MOTCUA_POPULATION: the population database the desk asks: "development" (run's default) or "none"
	PopulationTimeout string // POPULATION_TIMEOUT: bound of each question to it (Go duration, default 10s)
	SealCredential    string // MOTCUA_SEAL_CREDENTIAL: credential of the organization's seal
	SealPIN           string // MOTCUA_SEAL_PIN: its PIN
	FontDir           string // MOTCUA_FONT_DIR: the agency's licensed Times New Roman files; empty uses Liberation Serif
	SMTPAddr          string // MOTCUA_SMTP_ADDR: host:port of the SMTP server; empty keeps notifications on the pages only
	SMTPFrom          string // MOTCUA_SMTP_FROM: the sender's address
	SMTPUsername      string // MOTCUA_SMTP_USERNAME
	SMTPPassword      string // MOTCUA_SMTP_PASSWORD
	TrustedProxies    string // MOTCUA_TRUSTED_PROXIES: comma-separated addresses or CIDRs of reverse proxies
	MetricsAddr       string // -metrics-addr, MOTCUA_METRICS_ADDR: internal listener of /metrics; empty: none
	PProf             bool   // -pprof, MOTCUA_PPROF: serve net/http/pprof at /debug/pprof/ on the internal listener too
	UploadsPerMinute  int    // -uploads-per-minute, MOTCUA_UPLOADS_PER_MINUTE: each person's upload rate (0: 30)
	DecisionsInFlight int    // -decisions-in-flight, MOTCUA_DECISIONS_IN_FLIGHT: staff decisions sent at once (0: 4 per core; -1: no bound)
	TemporalTLSCert   string // TEMPORAL_TLS_CERT: client certificate (PEM) for mTLS with the Temporal frontend
	TemporalTLSKey    string // TEMPORAL_TLS_KEY: its private key (PEM)
	TemporalTLSCA     string // TEMPORAL_TLS_CA: CA (PEM) of the frontend's certificate
	TemporalTLSServer string // TEMPORAL_TLS_SERVER_NAME: name in the frontend's certificate
}

// flags declares the flags of a server subcommand on fs with defaults from env.
func (c *config) flags(fs *flag.FlagSet, env *Env, devDefaults bool) {
	get := func(k, def string) string {
		if v := env.Getenv(k); v != "" {
			return v
		}
		return def
	}
	getBool := func(k string, def bool) bool {
		switch strings.ToLower(env.Getenv(k)) {
		case "1", "true", "yes", "on":
			return true
		case "0", "false", "no", "off":
			return false
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", get("MOTCUA_ADDR", "127.0.0.1:8080"), "HTTP listen address `HOST:PORT` (env MOTCUA_ADDR)")
	fs.StringVar(&c.DataDir, "data", get("MOTCUA_DATA", ".data"), "data `directory`: private PostgreSQL, files, signer keys (env MOTCUA_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env.Getenv("DATABASE_URL"), "PostgreSQL `URL` of motcua's database (env DATABASE_URL; default: localhost:5432, else a private cluster under -data)")
	c.LocalDatabaseURL = get("MOTCUA_LOCAL_DATABASE_URL", "postgres://localhost:5432/postgres?sslmode=disable")
	fs.StringVar(&c.Database, "database", get("MOTCUA_DATABASE", "motcua"), "database `name` used when DATABASE_URL is unset (env MOTCUA_DATABASE)")
	fs.StringVar(&c.TemporalAddress, "temporal-address", env.Getenv("TEMPORAL_ADDRESS"), "Temporal frontend `HOST:PORT` (env TEMPORAL_ADDRESS; run: embedded server when empty)")
	fs.StringVar(&c.TemporalNamespace, "temporal-namespace", get("TEMPORAL_NAMESPACE", "default"), "Temporal `namespace` (env TEMPORAL_NAMESPACE)")
	fs.IntVar(&c.TemporalPort, "temporal-port", 7233, "frontend `port` of the embedded Temporal server (0: any free port)")
	c.TemporalDB = get("TEMPORAL_DB", "temporal")
	c.TemporalTuning = env.Getenv("MOTCUA_TEMPORAL_TUNING")
	c.WorkerTuning = env.Getenv("MOTCUA_WORKER_TUNING")
	c.TemporalVisDB = get("TEMPORAL_VISIBILITY_DB", "temporal_visibility")
	fs.StringVar(&c.PublicURL, "public-url", env.Getenv("MOTCUA_PUBLIC_URL"), "public base `URL` of the pages (env MOTCUA_PUBLIC_URL; default http://ADDR)")
	fs.BoolVar(&c.DevLogin, "dev-login", getBool("MOTCUA_DEV_LOGIN", devDefaults), "allow password login with motcua's own accounts (env MOTCUA_DEV_LOGIN)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", getBool("MOTCUA_SECURE_COOKIES", !devDefaults), "mark cookies Secure, for HTTPS (env MOTCUA_SECURE_COOKIES)")
	c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret = env.Getenv("OIDC_ISSUER"), env.Getenv("OIDC_CLIENT_ID"), env.Getenv("OIDC_CLIENT_SECRET")
	fs.StringVar(&c.LogLevel, "log-level", get("MOTCUA_LOG_LEVEL", "info"), "log `level`: debug, info, warn, error (env MOTCUA_LOG_LEVEL)")
	c.LogFormat = get("MOTCUA_LOG_FORMAT", "auto")
	fs.StringVar(&c.SignerAddr, "signer-addr", get("MOTCUA_SIGNER_ADDR", "127.0.0.1:8090"), "listen address of run's development signature service (env MOTCUA_SIGNER_ADDR)")
	fs.StringVar(&c.AxisAddr, "axis-addr", get("MOTCUA_AXIS_ADDR", "127.0.0.1:8091"), "listen address of run's development document axis (env MOTCUA_AXIS_ADDR)")
	c.AxisURL, c.AxisAgency, c.AxisSecret = env.Getenv("MOTCUA_AXIS_URL"), env.Getenv("MOTCUA_AXIS_AGENCY"), env.Getenv("MOTCUA_AXIS_SECRET")
	fs.StringVar(&c.TrustRoots, "trust-roots", env.Getenv("MOTCUA_TRUST_ROOTS"), "PEM `file` of the root CAs whose signatures verify as trusted (env MOTCUA_TRUST_ROOTS; run adds its development CA)")
	c.PayloadKeys = env.Getenv("MOTCUA_PAYLOAD_KEYS")
	c.PortalURL, c.PortalToken, c.PortalTimeout = env.Getenv("PORTAL_URL"), env.Getenv("PORTAL_TOKEN"), env.Getenv("PORTAL_TIMEOUT")
	fs.StringVar(&c.PortalAddr, "portal-addr", get("MOTCUA_PORTAL_ADDR", "127.0.0.1:0"), "listen address of run's development national portal, when PORTAL_URL is unset (env MOTCUA_PORTAL_ADDR; default: any free loopback port, shown in the banner)")
	c.SignerURL, c.SignerToken = env.Getenv("MOTCUA_SIGNER_URL"), env.Getenv("MOTCUA_SIGNER_TOKEN")
	c.PaymentURL, c.PaymentPartner, c.PaymentSecret = env.Getenv("PAYMENT_URL"), get("PAYMENT_PARTNER", "motcua"), env.Getenv("PAYMENT_SECRET")
	c.PaymentAddr = get("MOTCUA_PAYMENT_ADDR", "127.0.0.1:8093")
	population := "none"
	if devDefaults {
		population = "development"
	}
	c.Population, c.PopulationTimeout = get("MOTCUA_POPULATION", population), env.Getenv("POPULATION_TIMEOUT")
	// Empty, the seal and the sender are the organization's (app.HomeAffairs).
	c.SealCredential, c.SealPIN = env.Getenv("MOTCUA_SEAL_CREDENTIAL"), env.Getenv("MOTCUA_SEAL_PIN")
	c.FontDir = env.Getenv("MOTCUA_FONT_DIR")
	c.SMTPAddr, c.SMTPFrom = env.Getenv("MOTCUA_SMTP_ADDR"), env.Getenv("MOTCUA_SMTP_FROM")
	c.SMTPUsername, c.SMTPPassword = env.Getenv("MOTCUA_SMTP_USERNAME"), env.Getenv("MOTCUA_SMTP_PASSWORD")
	c.TrustedProxies = env.Getenv("MOTCUA_TRUSTED_PROXIES")
	// Metrics name routes, traffic and errors: never on the public listener. run serves
	// them on a loopback port of its own; api only where MOTCUA_METRICS_ADDR says.
	metricsDefault := ""
	if devDefaults {
		metricsDefault = "127.0.0.1:0"
	}
	fs.StringVar(&c.MetricsAddr, "metrics-addr", get("MOTCUA_METRICS_ADDR", metricsDefault), "internal listen address `HOST:PORT` of /metrics, never the public one (env MOTCUA_METRICS_ADDR; empty: no metrics)")
	fs.BoolVar(&c.PProf, "pprof", getBool("MOTCUA_PPROF", false), "serve net/http/pprof at /debug/pprof/ on the internal metrics listener, never the public one (env MOTCUA_PPROF; needs -metrics-addr)")
	uploads, _ := strconv.Atoi(get("MOTCUA_UPLOADS_PER_MINUTE", "0"))
	decisions, _ := strconv.Atoi(get("MOTCUA_DECISIONS_IN_FLIGHT", "0"))
	fs.IntVar(&c.DecisionsInFlight, "decisions-in-flight", decisions, "staff decisions the API sends to the workflows at once; more wait their turn, submissions never do (env MOTCUA_DECISIONS_IN_FLIGHT; 0: 4 per core; -1: no bound)")
	fs.IntVar(&c.UploadsPerMinute, "uploads-per-minute", uploads, "files one person may upload a minute (env MOTCUA_UPLOADS_PER_MINUTE; 0: 30); raise it only to measure with few accounts")
	fs.StringVar(&c.TemporalTLSCert, "temporal-tls-cert", env.Getenv("TEMPORAL_TLS_CERT"), "client certificate `file` (PEM) for mutual TLS with the Temporal frontend (env TEMPORAL_TLS_CERT)")
	fs.StringVar(&c.TemporalTLSKey, "temporal-tls-key", env.Getenv("TEMPORAL_TLS_KEY"), "its private key `file` (PEM) (env TEMPORAL_TLS_KEY)")
	fs.StringVar(&c.TemporalTLSCA, "temporal-tls-ca", env.Getenv("TEMPORAL_TLS_CA"), "CA `file` (PEM) the Temporal frontend's certificate must chain to (env TEMPORAL_TLS_CA)")
	fs.StringVar(&c.TemporalTLSServer, "temporal-tls-server-name", env.Getenv("TEMPORAL_TLS_SERVER_NAME"), "`name` the Temporal frontend's certificate must carry (env TEMPORAL_TLS_SERVER_NAME; default: the host of TEMPORAL_ADDRESS)")
	fs.BoolVar(&c.SeedDemo, "seed-demo", getBool("MOTCUA_SEED_DEMO", devDefaults), "create the demo units and accounts (env MOTCUA_SEED_DEMO)")
}

// parse parses args for subcommand name; -h prints the flags and returns errHelp.
func parse(fs *flag.FlagSet, name, summary string, args []string, env *Env) error {
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: motcua %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError("%s: %v", name, err)
	}
	if fs.NArg() > 0 {
		return usageError("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return nil
}

// errHelp ends a subcommand after -h with status 0.
var errHelp = &exitError{code: 0}

// logger builds the process logger: text on a terminal, JSON otherwise.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError("bad log level %q: use debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := c.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}

// trustedProxies parses MOTCUA_TRUSTED_PROXIES: addresses ("10.0.0.5") or networks
// ("10.0.0.0/8"), comma-separated.
func (c *config) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("MOTCUA_TRUSTED_PROXIES: %q is neither an address nor a network (CIDR)", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
