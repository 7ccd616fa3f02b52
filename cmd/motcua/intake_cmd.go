package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"

	"motcua/internal/app"
	"motcua/internal/devstack"
	"motcua/internal/store"
)

// intakeCmd registers a system allowed to file dossiers on POST /api/v1/portal/dossiers:
// `motcua intake add-system -id ID -name NAME` creates it with a random secret, printed once;
// only its SHA-256 is kept (docs/INTAKE.md). It does not migrate: run `motcua migrate`
// first.
func intakeCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("intake", flag.ContinueOnError)
	cfg.flags(fs, env, false)
	id := fs.String("id", "", "the system's identifier, sent as X-System-Id (e.g. dvcqg)")
	name := fs.String("name", "", "the system's name")
	summary := "Register a calling system of the portal intake: 'motcua intake add-system -id ID -name NAME' prints its secret once."
	if len(args) == 0 || args[0] != "add-system" {
		if err := parse(fs, "intake add-system", summary, args, env); err != nil {
			return err
		}
		return usageError("usage: motcua intake add-system -id ID -name NAME [flags]")
	}
	if err := parse(fs, "intake add-system", summary, args[1:], env); err != nil {
		return err
	}
	if *id == "" || *name == "" {
		return usageError("usage: motcua intake add-system -id ID -name NAME [flags]")
	}
	url := cfg.DatabaseURL
	if url == "" {
		url = devstack.WithDatabase(cfg.LocalDatabaseURL, cfg.Database)
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url, log)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("cannot open %s: %v", devstack.Redact(url), app.RootCause(err))}
	}
	defer st.Close()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	sys, err := st.CreateIntakeSystem(ctx, *id, *name, secret)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "system %s registered; its secret (shown once):\n%s\n", sys.ID, secret)
	return err
}
