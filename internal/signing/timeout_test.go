package signing_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua"
	"motcua/internal/signing"
)

// TestAHungSignatureServiceIsCutOffByTheTimeout: a signature service that never answers
// costs a call no more than the client's timeout, even with a client built without an
// HTTP client of its own (http.DefaultClient has no timeout) and a caller's context
// without a deadline: the call ends "unavailable" and the service sees it abandoned.
func TestAHungSignatureServiceIsCutOffByTheTimeout(t *testing.T) {
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
	c := signing.NewClient(srv.URL+"/csc/v2", "t", nil)
	c.Timeout = 200 * time.Millisecond
	ctx := context.Background()
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"credentials/list", func() error { _, err := c.ListCredentials(ctx, signing.CredentialsListRequest{}); return err }},
		{"a signer (credentials/info)", func() error { _, err := c.Signer(ctx, "cred", signing.PIN("123456")); return err }},
		{"signatures/signHash", func() error {
			_, err := c.SignHash(ctx, signing.SignHashRequest{CredentialID: "cred", SAD: "sad", Hashes: []string{"aGFzaA=="}})
			return err
		}},
	} {
		done := make(chan error, 1)
		go func() { done <- call.f() }()
		select {
		case err := <-done:
			if motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
				t.Errorf("%s: %v, want %s", call.name, err, motcua.EUNAVAILABLE)
			}
		case <-time.After(30 * time.Second):
			// Far beyond the timeout: the call is not bounded.
			t.Fatalf("%s is still waiting for the hung service", call.name)
		}
		select {
		case <-gone:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the service did not see the call abandoned", call.name)
		}
	}
}
