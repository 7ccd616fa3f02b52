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
	"time"

	"motcua/internal/payment"
)

// paymentCmd runs the development payment gateway alone until ctx is done: it takes
// INIT messages, shows a pay / cancel page, posts signed notices and answers status
// checks. motcua's API reaches it with PAYMENT_URL and PAYMENT_SECRET.
//
//	motcua payment [-addr 127.0.0.1:8093] [-partner motcua] [-secret SECRET]
func paymentCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("payment", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", signerEnvOr(env, "MOTCUA_PAYMENT_ADDR", "127.0.0.1:8093"), "listen address (env MOTCUA_PAYMENT_ADDR)")
	partner := fs.String("partner", signerEnvOr(env, "PAYMENT_PARTNER", "motcua"), "partner code motcua sends (env PAYMENT_PARTNER)")
	secret := fs.String("secret", env.Getenv("PAYMENT_SECRET"), "secret shared with motcua; a random one is made and printed when empty (env PAYMENT_SECRET)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("payment: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("payment: unexpected argument %q", fs.Arg(0))
	}
	if *secret == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		*secret = hex.EncodeToString(b)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("payment: listen: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	g := &payment.DevGateway{Partner: *partner, Secret: *secret, PublicURL: "http://" + ln.Addr().String(), Log: logger}
	fmt.Fprintln(env.Stdout, "motcua payment: DEVELOPMENT payment gateway – no money moves")
	fmt.Fprintf(env.Stdout, "  PAYMENT_URL=%s\n  PAYMENT_PARTNER=%s\n  PAYMENT_SECRET=%s\n", g.PublicURL, *partner, *secret)
	srv := &http.Server{Handler: g.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("payment: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
