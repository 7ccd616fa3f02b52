// Package portaltest runs the development national portal (portal.DevServer) over real
// HTTP on a loopback port, for the tests of the adapters that talk to it.
package portaltest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/internal/portal"
)

// Portal is the development portal serving on URL until the test ends.
type Portal struct {
	*portal.DevServer
	URL   string
	token string
}

// Start runs a development portal made with opts; it is closed when the test ends.
func Start(t testing.TB, opts portal.DevOptions) *Portal {
	t.Helper()
	dev, err := portal.NewDevServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	return &Portal{DevServer: dev, URL: srv.URL, token: opts.Token}
}

// Client is a client of p with p's token, each call bounded by 5 s.
func (p *Portal) Client(t testing.TB) *portal.Client {
	t.Helper()
	c, err := portal.NewClient(portal.ClientOptions{URL: p.URL, Token: p.token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Record syncs outbox to p, a pass at a time on the clock now, until p holds the
// dossier's record, and returns it; the test fails if 30 passes do not bring it.
func (p *Portal) Record(t testing.TB, outbox portal.Outbox, now func() time.Time, code string) portal.Dossier {
	t.Helper()
	sync, err := portal.NewSyncer(portal.SyncOptions{Outbox: outbox, Portal: p.Client(t), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for range 30 {
		if _, err := sync.Pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d, ok := p.Dossier(code); ok {
			return d.Record
		}
	}
	t.Fatalf("the portal has no record of %s after 30 passes", code)
	return portal.Dossier{}
}
