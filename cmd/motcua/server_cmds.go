package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"golang.org/x/sync/errgroup"

	"motcua/activities"
	"motcua/internal/devstack"
	"motcua/internal/store"
	"motcua/worker"
)

// runCmd runs everything in one process, for a laptop or a demo: PostgreSQL (found or
// private), the embedded Temporal server (unless TEMPORAL_ADDRESS), migrations, demo
// data, the worker, the API and the pages.
func runCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	cfg.flags(fs, env, true)
	if err := parse(fs, "run", "Run everything in one process: PostgreSQL, embedded Temporal, worker, API and pages.", args, env); err != nil {
		return err
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	a := &app{cfg: cfg, log: log}
	defer a.close()
	l, err := a.listen()
	if err != nil {
		return err
	}
	defer l.Close()
	if err := a.openStore(ctx); err != nil {
		return err
	}
	if err := a.connectTemporal(ctx, true); err != nil {
		return err
	}
	w := worker.New(a.client, &activities.Activities{Store: a.store})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.onStop(w.Stop)
	if err := worker.StartHousekeeping(ctx, a.client); err != nil {
		return err
	}
	h, err := a.handler(ctx)
	if err != nil {
		return err
	}
	printBanner(env.Stdout, a)
	return a.serve(ctx, l, h)
}

// apiCmd runs the API and the pages only (production: several replicas).
func apiCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("api", flag.ContinueOnError)
	cfg.flags(fs, env, false)
	if err := parse(fs, "api", "Serve the JSON API and the pages; needs PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS).", args, env); err != nil {
		return err
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	a := &app{cfg: cfg, log: log}
	defer a.close()
	l, err := a.listen()
	if err != nil {
		return err
	}
	defer l.Close()
	if err := a.openStore(ctx); err != nil {
		return err
	}
	if err := a.connectTemporal(ctx, false); err != nil {
		return err
	}
	h, err := a.handler(ctx)
	if err != nil {
		return err
	}
	log.Info("API listening", "addr", l.Addr().String())
	return a.serve(ctx, l, h)
}

// workerCmd runs the Temporal worker only (production: several replicas).
func workerCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	cfg.flags(fs, env, false)
	if err := parse(fs, "worker", "Run the Temporal worker: motcua's workflows and activities; needs DATABASE_URL and TEMPORAL_ADDRESS.", args, env); err != nil {
		return err
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	a := &app{cfg: cfg, log: log}
	defer a.close()
	if err := a.openStore(ctx); err != nil {
		return err
	}
	if err := a.connectTemporal(ctx, false); err != nil {
		return err
	}
	w := worker.New(a.client, &activities.Activities{Store: a.store})
	if err := worker.StartHousekeeping(ctx, a.client); err != nil {
		return err
	}
	log.Info("worker running", "task_queue", "motcua")
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return w.Run(stopOn(gctx)) })
	return g.Wait()
}

// stopOn adapts a context to the worker's interrupt channel.
func stopOn(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

// migrateCmd applies the database migrations and exits.
func migrateCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.flags(fs, env, false)
	if err := parse(fs, "migrate", "Apply motcua's database migrations (idempotent; safe to run from several processes at once).", args, env); err != nil {
		return err
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	cfg.SeedDemo = false
	a := &app{cfg: cfg, log: log}
	defer a.close()
	pg, err := devstack.StartPostgres(ctx, devstack.PostgresOptions{DatabaseURL: cfg.DatabaseURL, LocalURL: cfg.LocalDatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return configErr(err)
	}
	a.onStop(func() { _ = pg.Stop() })
	url := cfg.DatabaseURL
	if url == "" {
		if err := devstack.EnsureDatabase(ctx, pg.URL, cfg.Database); err != nil {
			return err
		}
		url = pg.DatabaseURL(cfg.Database)
	}
	st, err := store.Open(ctx, url, log)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot open motcua's database %s: %v", devstack.Redact(url), err)}
	}
	defer st.Close()
	done, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrations applied: %d\n", len(done))
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
	if a.temporal != nil {
		fmt.Fprintf(tw, "  Temporal\t%s (embedded, namespace %s)\n", a.temporal.HostPort(), a.temporal.Namespace())
	} else {
		fmt.Fprintf(tw, "  Temporal\t%s (namespace %s)\n", a.cfg.TemporalAddress, a.cfg.TemporalNamespace)
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
