package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"motcua/internal/app"
	"motcua/internal/portal"
)

// portalCmd runs the development national portal alone until ctx is done: the dossier
// sync API that motcua's worker drains the status outbox to, with a control endpoint
// to make it fail, hang, answer slowly or refuse.
//
//	motcua portal [-addr 127.0.0.1:8092] [-data .data/portal] [-token TOKEN]
func portalCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", signerEnvOr(env, "MOTCUA_PORTAL_ADDR", "127.0.0.1:8092"), "listen address (env MOTCUA_PORTAL_ADDR)")
	dir := fs.String("data", signerEnvOr(env, "MOTCUA_PORTAL_DATA", filepath.Join(".data", "portal")),
		"directory of the journal of accepted calls, replayed on start; empty: memory only (env MOTCUA_PORTAL_DATA)")
	token := fs.String("token", env.Getenv("PORTAL_TOKEN"),
		"bearer token callers must present; a random one is made and printed when empty (env PORTAL_TOKEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("portal: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("portal: unexpected argument %q", fs.Arg(0))
	}
	tokenNote := "from -token / PORTAL_TOKEN"
	if *token == "" {
		*token = randomToken()
		tokenNote = *token + "  (generated; set PORTAL_TOKEN to keep one)"
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	dev, err := portal.NewDevServer(portal.DevOptions{Token: *token, Journal: journalPath(*dir), Log: logger})
	if err != nil {
		return err
	}
	defer dev.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("portal: cannot listen on %s: %v", *addr, app.RootCause(err))}
	}
	base := "http://" + ln.Addr().String()
	w := env.Stdout
	fmt.Fprintln(w, "motcua portal: DEVELOPMENT national public-service portal (dossier sync API)")
	fmt.Fprintf(w, "  sync API:  %s  (PORTAL_URL for the worker)\n", base)
	fmt.Fprintf(w, "  control:   PUT %s/dev/control {\"mode\":\"ok|fail|hang|slow|refuse\",\"code\":\"\",\"delay_ms\":0,\"reason\":\"\"}\n", base)
	fmt.Fprintf(w, "  calls:     GET %s/dev/calls[?code=MA_HO_SO]   dossier: GET %s/dev/dossiers/MA_HO_SO\n", base, base)
	fmt.Fprintf(w, "  journal:   %s\n", firstNonEmptyString(journalPath(*dir), "none (memory only)"))
	fmt.Fprintf(w, "  token:     %s\n", tokenNote)

	srv := &http.Server{Handler: dev.Handler(), ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("portal: %w", err)
	case <-ctx.Done():
	}
	dev.Close() // releases calls told to hang
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("portal: shutdown: %w", err)
	}
	return nil
}

func journalPath(dir string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "journal.jsonl")
}

func firstNonEmptyString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// portalConfig is the worker's portal: PORTAL_URL, or run's development portal.
func (p *process) portalConfig() (app.PortalConfig, error) {
	pc := app.PortalConfig{URL: p.cfg.PortalURL, Token: p.cfg.PortalToken}
	if p.cfg.PortalTimeout != "" {
		d, err := time.ParseDuration(p.cfg.PortalTimeout)
		if err != nil || d <= 0 {
			return pc, &exitError{code: 1, msg: fmt.Sprintf("PORTAL_TIMEOUT %q is not a positive duration (e.g. 10s)", p.cfg.PortalTimeout)}
		}
		pc.Timeout = d
	}
	return pc, nil
}

// startPortal runs the development portal in this process (run only, when PORTAL_URL
// is unset), its journal under the data directory, and points the status sync at it.
func (p *process) startPortal() error {
	if p.cfg.PortalURL != "" {
		return nil
	}
	token := firstNonEmptyString(p.cfg.PortalToken, randomToken())
	dev, err := portal.NewDevServer(portal.DevOptions{Token: token, Journal: journalPath(filepath.Join(p.cfg.DataDir, "portal")),
		Log: p.log.With("component", "dev-portal")})
	if err != nil {
		return fmt.Errorf("start the development portal: %w", err)
	}
	l, err := net.Listen("tcp", p.cfg.PortalAddr)
	if err != nil {
		dev.Close()
		return &exitError{code: 1, msg: fmt.Sprintf("the development portal cannot listen on %s: %v; choose another with -portal-addr", p.cfg.PortalAddr, app.RootCause(err))}
	}
	srv := &http.Server{Handler: dev.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	p.onStop(func() { dev.Close(); _ = srv.Close() })
	p.portal, p.portalTok = "http://"+l.Addr().String(), token
	return p.app.SetPortal(p.portal, token)
}
