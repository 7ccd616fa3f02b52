package axis

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/partnertest"
)

// TestAHungAxisIsCutOffByTheTimeout: an axis that never answers costs a call no more
// than the client's timeout: a send ends "outcome unknown" (look at Sent, or send again
// with the same key), a read "unavailable", and the axis sees each call abandoned.
func TestAHungAxisIsCutOffByTheTimeout(t *testing.T) {
	url, gone := partnertest.Hung(t)
	c, err := NewClient(ClientConfig{URL: url, AgencyID: "000.00.00.G09", Secret: "s", Timeout: 200 * time.Millisecond})
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
		if err := partnertest.Within(t, call.name, call.f); motcua.ErrorCode(err) != call.want {
			t.Errorf("%s: %v, want %s", call.name, err, call.want)
		}
		partnertest.Abandoned(t, call.name, gone)
	}
}
