//go:build !slim

package main

import (
	"context"
	"fmt"

	"motcua/internal/devstack/embedded"
)

// embeddedTemporal starts the embedded Temporal server on the private or local
// PostgreSQL and returns its address and namespace.
func (p *process) embeddedTemporal(ctx context.Context) (hostPort, namespace string, err error) {
	t, err := embedded.Start(ctx, embedded.Options{
		AdminURL: p.pg.URL, Database: p.cfg.TemporalDB, VisibilityDatabase: p.cfg.TemporalVisDB,
		Namespace: p.cfg.TemporalNamespace, FrontendAddr: fmt.Sprintf("127.0.0.1:%d", p.cfg.TemporalPort), Logger: p.log,
	})
	if err != nil {
		return "", "", configErr(err)
	}
	p.onStop(func() {
		if err := t.Stop(); err != nil {
			p.log.Error("stop embedded Temporal", "err", err)
		}
	})
	return t.HostPort(), t.Namespace(), nil
}
