// Package partnertest holds what the adapters' tests share to show that a partner that
// never answers (a hung portal, axis, signature service or time-stamp authority) costs
// a call no more than the adapter's timeout. Tests only.
package partnertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Far is how long a test waits before it calls a call unbounded: far beyond any
// timeout under test (they are a fraction of a second).
const Far = 30 * time.Second

// Hung starts an HTTP server that reads each request and never answers it until the
// caller hangs up; gone receives one value for each request abandoned, so a test sees
// the partner freed too. The server stops when the test ends.
func Hung(t testing.TB) (url string, gone <-chan struct{}) {
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

// Within runs call and returns its error; the test fails when it has not returned
// after Far.
func Within(t testing.TB, what string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(Far):
		t.Fatalf("%s is still waiting for the hung partner", what)
		return nil
	}
}

// Abandoned waits until the hung server has seen one more request abandoned; the test
// fails when it has not after Far.
func Abandoned(t testing.TB, what string, gone <-chan struct{}) {
	t.Helper()
	select {
	case <-gone:
	case <-time.After(Far):
		t.Fatalf("%s: the partner did not see the call abandoned", what)
	}
}
