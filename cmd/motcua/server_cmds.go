package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"motcua/internal/devstack"
	"motcua/internal/signing/service"
	"motcua/internal/store"
	"motcua/worker"
	"motcua/workflows"
)

// newApp parses a server subcommand's flags and builds its logger. devDefaults turns
// on what a laptop wants (password login, demo data, plain-HTTP cookies).
func newApp(name, summary string, args []string, env *Env, devDefaults bool) (*app, error) {
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
	a := &app{cfg: cfg, log: log}
	if err := a.loadTrustRoots(); err != nil {
		return nil, err
	}
	return a, nil
}

// runCmd runs everything in one process, for a laptop or a demo: PostgreSQL (found or
// private), the embedded Temporal server (unless TEMPORAL_ADDRESS), migrations, demo
// data, the worker, the API and the pages.
func runCmd(ctx context.Context, args []string, env *Env) error {
	a, err := newApp("run", "Run everything in one process: PostgreSQL, embedded Temporal, worker, API and pages.", args, env, true)
	if err != nil {
		return err
	}
	defer a.close()
	return a.serveHTTP(ctx, true, func() error {
		if err := a.startSigner(ctx); err != nil {
			return err
		}
		if err := a.startWorker(ctx); err != nil {
			return err
		}
		printBanner(env.Stdout, a)
		return nil
	})
}

// apiCmd runs the API and the pages only (production: several replicas).
func apiCmd(ctx context.Context, args []string, env *Env) error {
	a, err := newApp("api", "Serve the JSON API and the pages; needs PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS).", args, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	return a.serveHTTP(ctx, false, func() error {
		a.log.Info("API listening", "addr", a.cfg.Addr)
		return nil
	})
}

// serveHTTP takes the HTTP port first (so a port in use fails before anything starts),
// opens the store, connects to Temporal (embedded when asked), builds the handler, runs
// ready (the rest of the subcommand's start), then serves until ctx is done.
func (a *app) serveHTTP(ctx context.Context, embedded bool, ready func() error) error {
	l, err := a.listen()
	if err != nil {
		return err
	}
	defer l.Close()
	if err := a.openStore(ctx); err != nil {
		return err
	}
	if err := a.connectTemporal(ctx, embedded); err != nil {
		return err
	}
	h, err := a.handler(ctx)
	if err != nil {
		return err
	}
	if err := ready(); err != nil {
		return err
	}
	return a.serve(ctx, l, h)
}

// workerCmd runs the Temporal worker only (production: several replicas).
func workerCmd(ctx context.Context, args []string, env *Env) error {
	a, err := newApp("worker", "Run the Temporal worker: motcua's workflows and activities; needs DATABASE_URL and TEMPORAL_ADDRESS.", args, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.openStore(ctx); err != nil {
		return err
	}
	if err := a.connectTemporal(ctx, false); err != nil {
		return err
	}
	if err := a.startWorker(ctx); err != nil {
		return err
	}
	a.log.Info("worker running", "task_queue", workflows.TaskQueue)
	<-ctx.Done()
	return nil
}

// startWorker starts the worker and the housekeeping workflow.
func (a *app) startWorker(ctx context.Context) error {
	acts, err := a.activities(ctx)
	if err != nil {
		return err
	}
	w := worker.New(a.client, acts)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.onStop(w.Stop)
	return worker.StartHousekeeping(ctx, a.client)
}

// migrateCmd applies the database migrations and exits.
func migrateCmd(ctx context.Context, args []string, env *Env) error {
	a, err := newApp("migrate", "Apply motcua's database migrations (idempotent; safe to run from several processes at once).", args, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	a.cfg.SeedDemo = false
	if err := a.openStore(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrations applied: %d\n", a.migrated)
	return nil
}

// printBanner tells the person who started motcua where everything is.
func printBanner(w io.Writer, a *app) {
	var b strings.Builder
	pub := a.publicURL()
	fmt.Fprintf(&b, "\nmotcua is running.\n\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  Pages\t%s/\n", pub)
	fmt.Fprintf(tw, "  JSON API\t%s/api/v1\n", pub)
	fmt.Fprintf(tw, "  Health\t%s/healthz  %s/readyz  %s/metrics\n", pub, pub, pub)
	if a.embedded != "" {
		fmt.Fprintf(tw, "  Temporal\t%s (embedded, namespace %s)\n", a.embedded, a.cfg.TemporalNamespace)
	} else {
		fmt.Fprintf(tw, "  Temporal\t%s (namespace %s)\n", a.cfg.TemporalAddress, a.cfg.TemporalNamespace)
	}
	if a.signer != "" {
		fmt.Fprintf(tw, "  Signer\t%s%s (development CA; PIN %s)\n", a.signer, service.CSCPath, service.DefaultPIN)
	}
	fmt.Fprintf(tw, "  PostgreSQL\t%s (%s)\n", devstack.Redact(a.pg.URL), a.pg.Source)
	abs, _ := filepath.Abs(a.cfg.DataDir)
	fmt.Fprintf(tw, "  Data\t%s\n", abs)
	tw.Flush()
	if a.cfg.SeedDemo {
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
