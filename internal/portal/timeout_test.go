package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/internal/portal"
)

// hungServer never answers a request until the caller hangs up; gone receives one value
// per abandoned request, so a test sees the partner freed too.
func hungServer(t *testing.T) (url string, gone <-chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	g := make(chan struct{}, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server watches the connection
		select {
		case <-r.Context().Done():
			g <- struct{}{}
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees any handler still waiting
	return srv.URL, g
}

// within runs call and fails the test when it has not returned long after the timeout.
func within(t *testing.T, what string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		// Far beyond the timeout: the call is not bounded.
		t.Fatalf("%s is still waiting for the hung partner", what)
		return nil
	}
}

// TestEveryOtherPortalCallIsCutOffByTheTimeout: beside the status sync
// (TestAHungPortalHoldsACallNoLongerThanTheTimeout), the portal's files by reference
// and its national document store (fetch, push a result, tell a status) end after the
// client's timeout when the portal never answers, with an error and the call abandoned.
func TestEveryOtherPortalCallIsCutOffByTheTimeout(t *testing.T) {
	url, gone := hungServer(t)
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
			if err := within(t, call.name, call.f); err == nil {
				t.Fatal("a call the portal never answered succeeded")
			}
			select {
			case <-gone: // the portal saw the call abandoned
			case <-time.After(30 * time.Second):
				t.Fatal("the call was not abandoned")
			}
		})
	}
}
