package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"motcua/internal/app"
	"motcua/internal/devstack"
	"motcua/internal/store"
)

// auditCmd checks the audit log: `motcua audit verify` walks its hash chain and names
// the first broken row. Exit status 0: intact; 1: broken; 2: the log cannot be read.
// It only reads: it neither migrates nor seeds.
func auditCmd(ctx context.Context, args []string, env *Env) error {
	var cfg config
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	cfg.flags(fs, env, false)
	summary := "Check the audit log: 'motcua audit verify' walks its hash chain and names the first broken row (exit 0 intact, 1 broken, 2 cannot read)."
	if len(args) == 0 || args[0] != "verify" {
		if err := parse(fs, "audit verify", summary, args, env); err != nil {
			return err // -h, or an unknown action
		}
		return usageError("usage: motcua audit verify [flags]")
	}
	if err := parse(fs, "audit verify", summary, args[1:], env); err != nil {
		return err
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
		return &exitError{code: 2, msg: fmt.Sprintf("cannot read the audit log at %s: %v", devstack.Redact(url), app.RootCause(err))}
	}
	defer st.Close()
	c, err := st.CheckAudit(ctx)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("cannot read the audit log: %v", app.RootCause(err))}
	}
	if b := c.Broken; b.ID != 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("audit chain broken at row %d (%s, %s %s/%s): it was changed, or a row before it removed; %d rows checked",
			b.ID, b.At.UTC().Format(time.RFC3339), b.Action, b.ObjectType, b.ObjectID, c.Rows)}
	}
	_, err = fmt.Fprintf(env.Stdout, "audit chain intact: %d rows\n", c.Rows)
	return err
}
