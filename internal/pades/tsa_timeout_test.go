package pades

import (
	"context"
	"crypto"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestAHungTimeStampAuthorityIsCutOffByTheTimeout: a time-stamp authority that never
// answers costs the signature no more than the TSA's timeout, even with an HTTP client
// of its own without one, and a caller's context without a deadline.
func TestAHungTimeStampAuthorityIsCutOffByTheTimeout(t *testing.T) {
	release := make(chan struct{})
	gone := make(chan struct{}, 1)
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
	done := make(chan error, 1)
	go func() {
		_, err := fetchTimestamp(context.Background(), &TSA{URL: srv.URL, Client: &http.Client{}, Timeout: 200 * time.Millisecond},
			crypto.SHA256, []byte("chữ ký"))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a time-stamp the authority never gave was accepted")
		}
	case <-time.After(30 * time.Second):
		// Far beyond the timeout: the request is not bounded.
		t.Fatal("the signature is still waiting for the hung authority")
	}
	select {
	case <-gone:
	case <-time.After(30 * time.Second):
		t.Fatal("the authority did not see the request abandoned")
	}
}
