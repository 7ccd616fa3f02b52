//go:build !slim

package main

import (
	"context"
	"fmt"

	"motcua/internal/devstack/embedded"
)

// embeddedTemporal starts the embedded Temporal server on the private or local
// PostgreSQL and returns its address and namespace.
func (a *app) embeddedTemporal(ctx context.Context) (hostPort, namespace string, err error) {
	t, err := embedded.Start(ctx, embedded.Options{
		AdminURL: a.pg.URL, Database: a.cfg.TemporalDB, VisibilityDatabase: a.cfg.TemporalVisDB,
		Namespace: a.cfg.TemporalNamespace, FrontendAddr: fmt.Sprintf("127.0.0.1:%d", a.cfg.TemporalPort), Logger: a.log,
	})
	if err != nil {
		return "", "", configErr(err)
	}
	a.onStop(func() {
		if err := t.Stop(); err != nil {
			a.log.Error("stop embedded Temporal", "err", err)
		}
	})
	return t.HostPort(), t.Namespace(), nil
}
