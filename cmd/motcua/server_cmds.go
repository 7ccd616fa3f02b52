package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	httppprof "net/http/pprof"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"motcua/internal/app"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/devstack"
	"motcua/internal/population"
	"motcua/internal/signing/service"
	"motcua/internal/store"
	"motcua/workflows"
)

// newProcess parses a server subcommand's flags and builds its logger. devDefaults
// turns on what a laptop wants (password login, demo data, plain-HTTP cookies).
func newProcess(name, summary string, args []string, env *Env, devDefaults bool) (*process, error) {
	var cfg config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.flags(fs, env, devDefaults)
	if err := parse(fs, name, summary, args, env); err != nil {
		return nil, err
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return nil, err
	}
	p := &process{cfg: cfg, log: log}
	if err := p.loadTrustRoots(); err != nil {
		return nil, err
	}
	return p, nil
}

// runCmd runs everything in one process, for a laptop or a demo: PostgreSQL (found or
// private), the embedded Temporal server (unless TEMPORAL_ADDRESS), the development
// signature service and national portal, migrations, demo data, the worker (with the
// portal's status sync), the API and the pages.
func runCmd(ctx context.Context, args []string, env *Env) error {
	p, err := newProcess("run", "Run everything in one process: PostgreSQL, embedded Temporal, worker, API and pages.", args, env, true)
	if err != nil {
		return err
	}
	defer p.close()
	return p.serveHTTP(ctx, true, func() error {
		// The signature service starts last, so that a mistake elsewhere is reported
		// before it takes its port.
		if err := p.startSigner(); err != nil {
			return err
		}
		if err := p.app.SetSigner(p.signer, p.signerTok); err != nil {
			return err
		}
		if err := p.startAxis(ctx); err != nil {
			return err
		}
		if err := p.startPortal(); err != nil {
			return err
		}
		if err := p.app.StartWorker(ctx); err != nil {
			return err
		}
		printBanner(env.Stdout, p)
		return nil
	})
}

// apiCmd runs the API and the pages only (production: several replicas).
func apiCmd(ctx context.Context, args []string, env *Env) error {
	p, err := newProcess("api", "Serve the JSON API and the pages; needs PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS).", args, env, false)
	if err != nil {
		return err
	}
	defer p.close()
	return p.serveHTTP(ctx, false, func() error {
		p.log.Info("API listening", "addr", p.cfg.Addr)
		return nil
	})
}

// serveHTTP takes the HTTP port first (so a port in use fails before anything starts)
// and answers on it at once, 503 with Retry-After, while it builds the system on
// PostgreSQL and Temporal (embedded in devMode), builds the handler and runs ready (the
// rest of the subcommand's start); then it serves the system until ctx is done. A
// request during the start never hangs on a port that cannot serve yet.
func (p *process) serveHTTP(ctx context.Context, devMode bool, ready func() error) error {
	l, err := p.listen()
	if err != nil {
		return err
	}
	defer l.Close()
	if p.cfg.PProf && p.cfg.MetricsAddr == "" {
		return usageError("-pprof (MOTCUA_PPROF) needs an internal listener: set -metrics-addr (MOTCUA_METRICS_ADDR)")
	}
	ml, err := p.listenMetrics()
	if err != nil {
		return err
	}
	if ml != nil {
		defer ml.Close()
	}
	if p.proxies, err = p.cfg.trustedProxies(); err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	gate := &app.Gate{}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- app.Serve(sctx, l, gate, p.log) }()
	drained := false
	defer func() {
		if !drained {
			stop()
			<-served
		}
	}()
	if err := p.open(ctx, true, devMode); err != nil {
		return err
	}
	h, err := p.app.Handler(ctx)
	if err != nil {
		return err
	}
	if err := ready(); err != nil {
		return err
	}
	if ml != nil {
		go func() {
			if err := p.app.Serve(ctx, ml, internalHandler(p.app.MetricsHandler(), p.cfg.PProf)); err != nil {
				p.log.Error("metrics listener", "err", err)
			}
		}()
		p.log.Info("metrics listening", "addr", ml.Addr().String(), "pprof", p.cfg.PProf)
	}
	gate.Open(h)
	drained = true
	select {
	case <-ctx.Done():
		stop()
		return <-served
	case err := <-served:
		return err
	}
}

// workerCmd runs the Temporal worker only (production: several replicas).
func workerCmd(ctx context.Context, args []string, env *Env) error {
	p, err := newProcess("worker", "Run the Temporal worker: motcua's workflows and activities; needs DATABASE_URL and TEMPORAL_ADDRESS.", args, env, false)
	if err != nil {
		return err
	}
	defer p.close()
	if err := p.open(ctx, true, false); err != nil {
		return err
	}
	if err := p.app.StartWorker(ctx); err != nil {
		return err
	}
	p.log.Info("worker running", "task_queue", workflows.TaskQueue)
	<-ctx.Done()
	return nil
}

// migrateCmd applies the database migrations and exits.
func migrateCmd(ctx context.Context, args []string, env *Env) error {
	p, err := newProcess("migrate", "Apply motcua's database migrations (idempotent; safe to run from several processes at once).", args, env, false)
	if err != nil {
		return err
	}
	defer p.close()
	p.cfg.SeedDemo = false
	if err := p.open(ctx, false, false); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrations applied: %d\n", p.app.Migrated)
	return nil
}

// printBanner tells the person who started motcua where everything is.
func printBanner(w io.Writer, p *process) {
	var b strings.Builder
	pub := p.publicURL()
	fmt.Fprintf(&b, "\nmotcua is running.\n\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  Pages\t%s/\n", pub)
	fmt.Fprintf(tw, "  JSON API\t%s/api/v1\n", pub)
	fmt.Fprintf(tw, "  Health\t%s/healthz  %s/readyz\n", pub, pub)
	if p.metrics != "" {
		fmt.Fprintf(tw, "  Metrics\t%s (internal listener)\n", p.metrics)
	}
	if p.embedded != "" {
		fmt.Fprintf(tw, "  Temporal\t%s (embedded, namespace %s)\n", p.embedded, p.cfg.TemporalNamespace)
	} else {
		fmt.Fprintf(tw, "  Temporal\t%s (namespace %s)\n", p.cfg.TemporalAddress, p.cfg.TemporalNamespace)
	}
	if p.signer != "" {
		fmt.Fprintf(tw, "  Signer\t%s%s (development CA; PIN %s)\n", p.signer, service.CSCPath, service.DefaultPIN)
	}
	if p.axis != "" {
		secret := p.cfg.AxisSecret
		if secret == "" {
			secret = server.DemoSecret
		}
		fmt.Fprintf(tw, "  Axis\t%s%s (development; agencies %s; secret %s)\n", p.axis, axis.PathPrefix,
			strings.Join(demoAgencyIDs(), ", "), secret)
	} else if c := p.app.Config.Axis; c.URL != "" {
		fmt.Fprintf(tw, "  Axis\t%s%s (as agency %s)\n", c.URL, axis.PathPrefix, c.AgencyID)
	}
	if p.portal != "" {
		fmt.Fprintf(tw, "  Portal\t%s (development national portal; calls at %s/dev/calls; token %s)\n", p.portal, p.portal, p.portalTok)
	}
	if p.payment != "" {
		fmt.Fprintf(tw, "  Payment\t%s (development gateway: pay / cancel page)\n", p.payment)
	}
	if p.cfg.Population == "development" {
		fmt.Fprintf(tw, "  Population\tdevelopment registry (made-up people; a walk-in to look up at the desk: %s)\n", population.DevelopmentWalkIn)
	}
	fmt.Fprintf(tw, "  PostgreSQL\t%s (%s)\n", devstack.Redact(p.pg.URL), p.pg.Source)
	abs, _ := filepath.Abs(p.cfg.DataDir)
	fmt.Fprintf(tw, "  Data\t%s\n", abs)
	tw.Flush()
	if p.cfg.SeedDemo {
		fmt.Fprintf(&b, "\nDemo accounts (password %q):\n", store.DemoPassword)
		tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, d := range store.DemoAccounts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", d.User.Username, d.User.Name, d.What)
		}
		tw.Flush()
	}
	b.WriteString("\nPress Ctrl-C to stop.\n")
	io.WriteString(w, b.String())
}

// internalHandler is what the internal listener serves: the metrics, and with pprof the
// profiles of net/http/pprof at /debug/pprof/ (CPU, heap, goroutines, traces), so that an
// operator sees where the time goes without a rebuild. Never on the public router.
func internalHandler(metrics http.Handler, pprof bool) http.Handler {
	if !pprof {
		return metrics
	}
	mux := http.NewServeMux()
	mux.Handle("/", metrics)
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", httppprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", httppprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	return mux
}

func demoAgencyIDs() []string {
	var ids []string
	for _, a := range server.DemoAgencies() {
		ids = append(ids, a.ID)
	}
	return ids
}
