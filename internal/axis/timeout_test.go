package axis

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua"
)

// TestAHungAxisIsCutOffByTheTimeout: an axis that never answers costs a call no more
// than the client's timeout: a send ends "outcome unknown" (look at Sent, or send again
// with the same key), a read "unavailable", and the axis sees each call abandoned.
func TestAHungAxisIsCutOffByTheTimeout(t *testing.T) {
	release := make(chan struct{})
	gone := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server watches the connection
		select {
		case <-r.Context().Done():
			gone <- struct{}{}
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(ClientConfig{URL: srv.URL, AgencyID: "000.00.00.G09", Secret: "s", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The caller's own context has no deadline: only the client's timeout can end a call.
	ctx := context.Background()
	for _, call := range []struct {
		name string
		f    func() error
		want string
	}{
		{"send", func() error {
			_, err := c.Send(ctx, SendRequest{Key: "wf/1", Envelope: []byte("<edXMLEnvelope/>")})
			return err
		}, motcua.EUNKNOWNOUTCOME},
		{"received", func() error { _, err := c.Received(ctx, ReceivedQuery{}); return err }, motcua.EUNAVAILABLE},
		{"fetch", func() error { _, err := c.Fetch(ctx, "1"); return err }, motcua.EUNAVAILABLE},
		{"agencies", func() error { _, err := c.Agencies(ctx); return err }, motcua.EUNAVAILABLE},
	} {
		done := make(chan error, 1)
		go func() { done <- call.f() }()
		select {
		case err := <-done:
			if motcua.ErrorCode(err) != call.want {
				t.Errorf("%s: %v, want %s", call.name, err, call.want)
			}
		case <-time.After(30 * time.Second):
			// Far beyond the timeout: the call is not bounded.
			t.Fatalf("%s is still waiting for the hung axis", call.name)
		}
		select {
		case <-gone:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the axis did not see the call abandoned", call.name)
		}
	}
}
