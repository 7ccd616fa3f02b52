package portal_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/partnertest"
	"motcua/internal/portal"
)

// TestEveryOtherPortalCallIsCutOffByTheTimeout: beside the status sync
// (TestAHungPortalHoldsACallNoLongerThanTheTimeout), the portal's files by reference
// and its national document store (fetch, push a result, tell a status) end after the
// client's timeout when the portal never answers, with an error and the call abandoned.
func TestEveryOtherPortalCallIsCutOffByTheTimeout(t *testing.T) {
	url, gone := partnertest.Hung(t)
	c, err := portal.NewClient(portal.ClientOptions{URL: url, Token: "t", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The callers' own context has no deadline: only the client's timeout can end a call.
	ctx := context.Background()
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"a file by reference", func() error { _, err := c.FetchFile(ctx, url+portal.FilesPath+"/don.pdf", 1<<20); return err }},
		{"the national store's documents", func() error { _, err := c.FetchDocuments(ctx, "001090000001", ""); return err }},
		{"a result pushed to the national store", func() error {
			return c.PushResult(ctx, "k/push", portal.NationalDocument{ID: "1", Owner: "001090000001", Name: "Giấy"})
		}},
		{"a result's status told to the national store", func() error {
			return c.TellStatus(ctx, "k/status", portal.StatusChange{ID: "1", Status: "thu_hoi", Reason: "Sai."})
		}},
	} {
		t.Run(call.name, func(t *testing.T) {
			if err := partnertest.Within(t, call.name, call.f); err == nil {
				t.Fatal("a call the portal never answered succeeded")
			}
			partnertest.Abandoned(t, call.name, gone)
		})
	}
}
