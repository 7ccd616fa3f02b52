// Package app builds the whole of motcua from a Config, once: the store (migrated, the
// catalog recorded, demo data when asked), the procedure catalog, the live working-time
// calendar, the payload codec and the Temporal client, the worker's activities (renderer,
// signature service, mail) and the HTTP layer. `motcua run`, `motcua api`, `motcua worker`
// and the test harness (internal/stacktest) all call New, so tests run the production
// wiring, not a copy of it.
//
// app is the composition root, and so the documented exception to the rule that
// internal packages import neither workflows, api nor web: it must import the HTTP
// packages and the worker (which registers the workflows) to build the system. Nothing imports app but cmd/motcua and the test harnesses. What a process
// does around the system (flags and environment, signals, finding or starting PostgreSQL,
// the embedded Temporal server, run's development signature service, printing URLs)
// stays in cmd/motcua.
package app

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"motcua/activities"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/axis"
	"motcua/internal/calendar"
	"motcua/internal/devstack"
	"motcua/internal/mail"
	"motcua/internal/payload"
	"motcua/internal/payment"
	"motcua/internal/population"
	"motcua/internal/store"
	"motcua/worker"
)

// Config is everything the system is built from. The zero value of a field means its
// default, where one is given.
type Config struct {
	// DatabaseURL is motcua's PostgreSQL database (required). New migrates it and
	// records the procedure catalog in it.
	DatabaseURL string
	// SeedDemo creates the demo units and accounts.
	SeedDemo bool
	// Worker tunes the worker's pollers (zero: worker.DefaultTuning).
	Worker worker.Tuning
	// Catalog replaces the procedure catalog embedded in the binary (<code>/v<n>/procedure.json
	// files); nil: the embedded one. Tests use it for procedures the catalog does not have.
	Catalog fs.FS

	// TemporalAddress is the Temporal frontend, host:port. Empty: no Temporal client, New
	// opens the store only (what `motcua migrate` needs).
	TemporalAddress string
	// TemporalNamespace is the namespace (default "default").
	TemporalNamespace string
	// PayloadKeys are the AES-256 keys of the codec that encrypts what workflows carry
	// through Temporal; the first encrypts. Required with TemporalAddress.
	PayloadKeys [][]byte
	// TemporalTLS is how the client proves itself to the Temporal frontend (mutual TLS);
	// none when empty. Production sets it: the frontend's authorizer admits only the
	// identities of motcua's API and worker.
	TemporalTLS TemporalTLS

	// Org is the organization whose one-stop office this is (default HomeAffairs).
	Org Organization
	// PublicURL is the base URL of the pages, for links in notices and e-mails.
	PublicURL string
	// DevLogin allows password login with motcua's own accounts.
	DevLogin bool
	// SecureCookies marks cookies Secure, for HTTPS.
	SecureCookies bool
	// OIDC is the OpenID Connect provider people log in with; none when Issuer is empty.
	// RedirectURL defaults to PublicURL + "/auth/oidc/callback".
	OIDC auth.OIDCConfig
	// TrustedProxies are the reverse proxies whose forwarded client address is believed.
	TrustedProxies []netip.Prefix
	// Uploads bound each person's uploads (zero: dossiers.DefaultUploadLimits). Test
	// harnesses whose one demo citizen files many dossiers at once raise them.
	Uploads store.UploadLimits
	// Roots are the CAs whose signatures verify as trusted (default: none).
	Roots *x509.CertPool

	// SignerURL is the root URL of the signature service (CSC API v2 and its TSA), and
	// SignerToken its bearer token; without it the worker cannot sign.
	SignerURL, SignerToken string
	// SealCredential is the credential of the organization's seal at the signature
	// service (default Org.SealCredential), and SealPIN its PIN (default
	// DevelopmentSealPIN, the development signature service's).
	SealCredential, SealPIN string
	// FontDir is a directory of the agency's licensed Times New Roman files to set
	// documents in (MOTCUA_FONT_DIR); empty uses the embedded Liberation Serif.
	FontDir string

	// Axis is how this agency reaches the document axis (VDXP or the ministry's LGSP);
	// none when URL is empty. `motcua run` sets it to its development axis (SetAxis).
	Axis axis.ClientConfig
	// Mail sends the notifications by e-mail; none when Addr is empty (they stay on the
	// pages). From defaults to Org.MailFrom.
	Mail mail.Config

	// Portal is the national public-service portal the worker drains the status outbox
	// to; no sync when its URL is empty (the changes wait in the outbox).
	Portal PortalConfig
	// Payment is the payment platform fees are paid through (PAYMENT_URL, its partner
	// code and shared secret); none when URL is empty: fees cannot be paid online.
	Payment payment.Config
	// Population is the national population database the one-stop desk asks about
	// walk-in and postal applicants; nil: not connected, the desk offers no lookup.
	// `motcua run` sets population.NewDevelopment(); a production registry is an
	// implementation of population.Registry (its protocol is the ministry's to obtain),
	// set here. PopulationTimeout bounds each question to it (POPULATION_TIMEOUT,
	// default population.DefaultTimeout).
	Population        population.Registry
	PopulationTimeout time.Duration

	// UpdateTimeout is how long a submission or a decision waits for its workflow's
	// answer before answering that its outcome is unknown (default
	// dossiers.DefaultUpdateTimeout).
	UpdateTimeout time.Duration
	// DecisionsInFlight bounds the staff decisions the HTTP layer sends to the
	// workflows at once (dossiers.Deps.DecisionsInFlight): 0 means
	// DefaultDecisionsInFlight, a negative value no bound.
	DecisionsInFlight int

	// Now is the clock legal dates are judged by: the API's, and the catalog's (which
	// version is in force, a birth date not in the future). Default time.Now.
	Now func() time.Time
	// Log receives the system's logs (default: discarded).
	Log *slog.Logger
}

// App is motcua, built: its pieces, for the subcommands and the test harness to use.
type App struct {
	Config   Config // with the defaults filled in
	Log      *slog.Logger
	Store    *store.Store
	Migrated int // migrations New applied
	Catalog  *forms.Catalog
	// Calendar is the working time, with the administrator's overrides read again
	// every calendar.Refresh; Time is the same as the activities and the API count.
	Calendar *calendar.Live
	Time     activities.WorkingTime
	// Codec and Temporal are nil without Config.TemporalAddress.
	Codec    *payload.Codec
	Temporal client.Client
	Roots    *x509.CertPool
	// Axis is the document axis, nil without Config.Axis.URL.
	Axis axis.Transport
	// Population is the one way the system asks the population database (audited,
	// bounded); nil without Config.Population.
	Population *population.Lookups

	actsMu  sync.Mutex // the HTTP layer builds the activities too (reports are signed there)
	acts    *activities.Activities
	syncing bool                 // the portal's status sync runs
	metrics *prometheus.Registry // what the HTTP layer counts; see MetricsHandler
	stops   []func()
}

// New builds the system from cfg. On error, whatever it had opened is closed again.
func New(ctx context.Context, cfg Config) (_ *App, err error) {
	cfg = withDefaults(cfg)
	if cfg.Payment.URL != "" {
		if _, err := payment.New(cfg.Payment); err != nil {
			return nil, fmt.Errorf("payment platform: %w", err)
		}
	}
	a := &App{Config: cfg, Log: cfg.Log, Roots: cfg.Roots}
	a.registry()
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := a.openStore(ctx); err != nil {
		return nil, err
	}
	a.Calendar, err = calendar.NewLive(ctx, a.loadWorkingTime, calendar.Refresh, time.Now, a.Log)
	if err != nil {
		return nil, fmt.Errorf("working-time calendar: %w", err)
	}
	a.Time = activityTime{a.Calendar}
	// The reports' average resolution time counts working time by the same calendar.
	a.Store.SetWorkingTime(func(from, to time.Time) int64 { return int64(a.Calendar.Elapsed(from, to)) })

	if cfg.Population != nil {
		a.Population = &population.Lookups{Registry: cfg.Population, Store: a.Store, Log: a.Log, Timeout: cfg.PopulationTimeout}
	}
	if cfg.Axis.URL != "" {
		if err := a.SetAxis(cfg.Axis); err != nil {
			return nil, err
		}
	}
	if cfg.TemporalAddress != "" {
		if err := a.connectTemporal(ctx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// DefaultDecisionsInFlight is four staff decisions at once per core: on two cores, the
// eight at once whose p99 stays under 500 ms (docs/PERFORMANCE.md), while a crowd's
// submissions pass the ninth and later clicks.
func DefaultDecisionsInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

func withDefaults(cfg Config) Config {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Org.Name == "" {
		cfg.Org = HomeAffairs
	}
	if cfg.TemporalNamespace == "" {
		cfg.TemporalNamespace = "default"
	}
	if cfg.Roots == nil {
		cfg.Roots = x509.NewCertPool()
	}
	if cfg.SealCredential == "" {
		cfg.SealCredential = cfg.Org.SealCredential
	}
	if cfg.SealPIN == "" {
		cfg.SealPIN = DevelopmentSealPIN
	}
	if cfg.Mail.From == "" {
		cfg.Mail.From = cfg.Org.MailFrom
	}
	if cfg.DecisionsInFlight == 0 {
		cfg.DecisionsInFlight = DefaultDecisionsInFlight()
	}
	if cfg.OIDC.Issuer != "" && cfg.OIDC.RedirectURL == "" {
		cfg.OIDC.RedirectURL = cfg.PublicURL + "/auth/oidc/callback"
	}
	return cfg
}

func (a *App) onStop(f func()) { a.stops = append(a.stops, f) }

// Close stops everything New and the App's methods started, last first.
func (a *App) Close() {
	for i := len(a.stops) - 1; i >= 0; i-- {
		a.stops[i]()
	}
	a.stops = nil
}

// openStore opens motcua's database, migrates it, records the catalog and, if asked,
// seeds the demo organization.
func (a *App) openStore(ctx context.Context) error {
	st, err := store.Open(ctx, a.Config.DatabaseURL, a.Log)
	if err != nil {
		return fmt.Errorf("cannot open motcua's database %s: %v", devstack.Redact(a.Config.DatabaseURL), RootCause(err))
	}
	a.Store = st
	a.onStop(st.Close)
	done, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	a.Migrated = len(done)
	var opts []forms.Option
	if a.Config.Now != nil {
		opts = append(opts, forms.WithClock(a.Config.Now))
	}
	if a.Config.Catalog != nil {
		a.Catalog, err = forms.Load(a.Config.Catalog, opts...)
	} else {
		a.Catalog, err = forms.Default(opts...)
	}
	if err != nil {
		return fmt.Errorf("load the procedure catalog: %w", err)
	}
	if err := st.SyncCatalog(ctx, a.Catalog); err != nil {
		return err
	}
	if a.Config.SeedDemo {
		if err := st.SeedDemo(ctx); err != nil {
			return err
		}
	}
	return nil
}

// connectTemporal dials Temporal with the encrypting payload codec.
func (a *App) connectTemporal(ctx context.Context) error {
	cfg := a.Config
	if len(cfg.PayloadKeys) == 0 {
		return errors.New("no payload keys: the API and the worker need the same key to read what workflows carry")
	}
	codec, err := payload.NewCodec(cfg.PayloadKeys...)
	if err != nil {
		return err
	}
	a.Codec = codec
	tlsCfg, err := cfg.TemporalTLS.config()
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		DataConverter:     codec.DataConverter(),
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg},
		Logger:            sdklog.NewStructuredLogger(a.Log.With("component", "temporal-client"))})
	if err != nil {
		hint := "check TEMPORAL_ADDRESS, or unset it to run the embedded server with 'motcua run'"
		if tlsCfg != nil {
			hint = "check TEMPORAL_ADDRESS and the TLS settings (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME)"
		}
		return fmt.Errorf("cannot reach Temporal at %s (namespace %s): %v; %s",
			cfg.TemporalAddress, cfg.TemporalNamespace, RootCause(err), hint)
	}
	a.Temporal = c
	a.onStop(c.Close)
	return nil
}

// RootCause is the first line of the innermost error, for one-line messages.
func RootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			return first
		}
		err = u
	}
}
