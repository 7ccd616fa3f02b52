package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/internal/app"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/devstack"
)

// axisDatabase is the development axis's own database on the PostgreSQL server, when
// no URL is given: never motcua's, since the axis is another party that several motcua
// instances share.
const axisDatabase = "motcua_axis"

// axisCmd runs the development document axis until ctx is done.
//
//	motcua axis [-addr 127.0.0.1:8091] [-database-url URL] [-secret S] [-agency ID=NAME ...]
func axisCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("axis", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", signerEnvOr(env, "MOTCUA_AXIS_ADDR", "127.0.0.1:8091"), "listen address (env MOTCUA_AXIS_ADDR)")
	dbURL := fs.String("database-url", env.Getenv("MOTCUA_AXIS_DATABASE_URL"),
		"PostgreSQL URL of the axis's own database (env MOTCUA_AXIS_DATABASE_URL; default: database "+axisDatabase+" on localhost:5432, created if missing)")
	secret := fs.String("secret", signerEnvOr(env, "MOTCUA_AXIS_SECRET", server.DemoSecret), "secret of the agencies set on this start (env MOTCUA_AXIS_SECRET)")
	var agencies signerList
	fs.Var(&agencies, "agency", "agency to create, ID=NAME (repeatable; default: the demo agencies)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("axis: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("axis: unexpected argument %q", fs.Arg(0))
	}
	list := server.DemoAgencies()
	if len(agencies) > 0 {
		list = nil
		for _, a := range agencies {
			id, name, ok := strings.Cut(a, "=")
			if !ok || id == "" || name == "" || len(id) > 13 {
				return usageError("axis: -agency %q is not ID=NAME with an ID of at most 13 characters", a)
			}
			list = append(list, axis.Agency{ID: id, Name: name})
		}
	}
	url := *dbURL
	if url == "" {
		if err := devstack.EnsureDatabase(ctx, devstack.LocalURL, axisDatabase); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("axis: no PostgreSQL on localhost:5432 (%v); give one with -database-url", app.RootCause(err))}
		}
		url = devstack.WithDatabase(devstack.LocalURL, axisDatabase)
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("axis: cannot listen on %s: %v; choose another with -addr", *addr, app.RootCause(err))}
	}
	defer ln.Close()
	stop, err := serveAxis(ctx, ln, url, list, *secret, logger)
	if err != nil {
		return err
	}
	defer stop()
	if host, _, _ := net.SplitHostPort(*addr); !signerLoopback(host) {
		fmt.Fprintln(env.Stderr, "motcua axis: WARNING: serving the development axis on a non-loopback address", *addr)
	}
	printAxisBanner(env.Stdout, "http://"+ln.Addr().String(), devstack.Redact(url), list, *secret)
	<-ctx.Done()
	return nil
}

// serveAxis opens the development axis on its database, sets the agencies' secret and
// serves it on ln until stop is called.
func serveAxis(ctx context.Context, ln net.Listener, url string, agencies []axis.Agency, secret string, log *slog.Logger) (func(), error) {
	srv, err := server.Open(ctx, url, server.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("start the development axis: %w", err)
	}
	if err := srv.EnsureAgencies(ctx, agencies, secret); err != nil {
		srv.Close()
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { _ = hs.Serve(ln) }()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		srv.Close()
	}, nil
}

func printAxisBanner(w io.Writer, base, db string, agencies []axis.Agency, secret string) {
	fmt.Fprintln(w, "motcua axis: DEVELOPMENT document axis – not the national axis")
	fmt.Fprintf(w, "  URL:       %s%s (HTTP Basic: agency ID and secret)\n", base, axis.PathPrefix)
	fmt.Fprintf(w, "  database:  %s\n", db)
	fmt.Fprintf(w, "  secret:    %s (every agency below)\n", secret)
	fmt.Fprintln(w, "  agencies:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range agencies {
		fmt.Fprintf(tw, "    %s\t%s\n", a.ID, a.Name)
	}
	tw.Flush()
}
