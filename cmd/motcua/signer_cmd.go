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
	"strings"
	"text/tabwriter"
	"time"

	"motcua/internal/signing/service"
)

// signerCmd runs the development signature service (CSC API v2 subset and RFC 3161 TSA)
// until ctx is done. It is the only process that loads the leaders' and seals' keys.
//
//	motcua signer [-addr 127.0.0.1:8090] [-data .data/signer] [-token TOKEN]
//	              [-pin 123456] [-pins ID=PIN,...] [-key rsa2048|ecdsa-p256] [-unlock ID]
func signerCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("signer", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", signerEnvOr(env, "MOTCUA_SIGNER_ADDR", "127.0.0.1:8090"), "listen address (env MOTCUA_SIGNER_ADDR)")
	dir := fs.String("data", signerEnvOr(env, "MOTCUA_SIGNER_DATA", filepath.Join(".data", "signer")),
		"directory of the development CA and keys, made on first start (env MOTCUA_SIGNER_DATA)")
	token := fs.String("token", env.Getenv("MOTCUA_SIGNER_TOKEN"),
		"bearer token callers must present; a random one is made and printed when empty (env MOTCUA_SIGNER_TOKEN)")
	pin := fs.String("pin", signerEnvOr(env, "MOTCUA_SIGNER_PIN", service.DefaultPIN), "development PIN of every credential (env MOTCUA_SIGNER_PIN)")
	pins := fs.String("pins", env.Getenv("MOTCUA_SIGNER_PINS"), "per-credential PINs, ID=PIN,ID=PIN (env MOTCUA_SIGNER_PINS)")
	keyAlg := fs.String("key", string(service.RSA2048), "algorithm of keys made on this start: rsa2048 or ecdsa-p256")
	var unlock signerList
	fs.Var(&unlock, "unlock", "credential to unlock before serving, after too many wrong PINs (repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("signer: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("signer: unexpected argument %q", fs.Arg(0))
	}
	alg := service.KeyAlgorithm(*keyAlg)
	if alg != service.RSA2048 && alg != service.ECDSAP256 {
		return usageError("signer: -key must be rsa2048 or ecdsa-p256, not %q", *keyAlg)
	}
	perCred, err := parseSignerPINs(*pins)
	if err != nil {
		return usageError("signer: -pins: %v", err)
	}
	tokenNote := "from -token / MOTCUA_SIGNER_TOKEN"
	if *token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		*token = hex.EncodeToString(b)
		tokenNote = *token + "  (generated; set MOTCUA_SIGNER_TOKEN to keep one)"
	}

	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	svc, err := service.New(*dir, service.Options{
		Token: *token, PIN: *pin, PINs: perCred, KeyAlgorithm: alg, Logger: logger,
	})
	if err != nil {
		return err
	}
	for _, id := range unlock {
		if err := svc.Unlock(id); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("signer: listen: %w", err)
	}
	if host, _, _ := net.SplitHostPort(*addr); !signerLoopback(host) {
		fmt.Fprintln(env.Stderr, "motcua signer: WARNING: serving development keys on a non-loopback address", *addr)
	}
	base := "http://" + ln.Addr().String()
	printSignerBanner(env, svc, base, *dir, tokenNote)

	srv := &http.Server{
		Handler:           svc.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("signer: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("signer: shutdown: %w", err)
	}
	return nil
}

func printSignerBanner(env *Env, svc *service.Service, base, dir, tokenNote string) {
	w := env.Stdout
	fmt.Fprintln(w, "motcua signer: DEVELOPMENT signature service – signatures have no legal value")
	fmt.Fprintf(w, "  CSC API:  %s%s\n", base, service.CSCPath)
	fmt.Fprintf(w, "  TSA:      %s%s\n", base, service.TSAPath)
	fmt.Fprintf(w, "  root CA:  %s%s  (file %s)\n", base, service.RootPath, filepath.Join(dir, "root-ca.crt"))
	made := "reused"
	if c := svc.Created(); len(c) > 0 {
		made = "made now: " + strings.Join(c, ", ")
	}
	fmt.Fprintf(w, "  data:     %s (%s)\n", dir, made)
	fmt.Fprintf(w, "  token:    %s\n", tokenNote)
	fmt.Fprintln(w, "  credentials (development PINs):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range svc.Credentials() {
		state := ""
		if c.Locked {
			state = "  LOCKED: restart with -unlock " + c.ID
		}
		fmt.Fprintf(tw, "    %s\tuser %s\t%s\tPIN %s\t%s%s\n", c.ID, c.UserID, c.KeyAlgorithm, c.DevPIN, c.Subject, state)
	}
	tw.Flush()
}

func signerEnvOr(env *Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

func signerLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseSignerPINs reads "ID=PIN,ID=PIN".
func parseSignerPINs(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := make(map[string]string)
	for _, kv := range strings.Split(s, ",") {
		id, pin, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || id == "" || pin == "" {
			return nil, fmt.Errorf("%q is not ID=PIN", kv)
		}
		out[id] = pin
	}
	return out, nil
}

// signerList is a repeatable string flag.
type signerList []string

func (l *signerList) String() string     { return strings.Join(*l, ",") }
func (l *signerList) Set(v string) error { *l = append(*l, v); return nil }
