package payment

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua"
)

// TestHungGatewayIsCutOffByTheTimeout: a platform that never answers costs a call no
// more than the timeout: the call ends EUNAVAILABLE and the platform sees it cancelled.
func TestHungGatewayIsCutOffByTheTimeout(t *testing.T) {
	release := make(chan struct{})
	gone := make(chan struct{}, 2)
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the request, so the server watches the connection and cancels the
		// request's context when the client hangs up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			gone <- struct{}{}
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)
	c, err := New(Config{URL: hung.URL, Partner: "p", Secret: "s", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The caller's own context has no deadline: only the client's timeout can end it.
	// Without one the call would hang: the test gives up long after the timeout.
	bounded := func(what string, call func() error) {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- call() }()
		select {
		case err := <-done:
			if motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
				t.Fatalf("%s: %v, want %s", what, err, motcua.EUNAVAILABLE)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: a hung platform still holds the call long after the timeout", what)
		}
	}
	bounded("initiate", func() error {
		_, err := c.Initiate(context.Background(), Order{Reference: "R-1", Amount: 1000, At: time.Unix(0, 0)})
		return err
	})
	<-gone // the platform saw the call abandoned
	bounded("status", func() error {
		_, err := c.Status(context.Background(), "R-1")
		return err
	})
}

// TestNoticeHashAuthenticates: a notice verifies with the shared secret only, and any
// changed field breaks it.
func TestNoticeHashAuthenticates(t *testing.T) {
	c, _ := New(Config{URL: "http://x", Partner: "p", Secret: "secret"})
	n := Sign("secret", Notice{Reference: "R", Transaction: "T", Amount: 90000, Status: StatusPaid, Time: "20260101000000"})
	if err := c.Verify(n); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]func(*Notice){
		"amount": func(n *Notice) { n.Amount++ }, "status": func(n *Notice) { n.Status = StatusCancelled },
		"reference": func(n *Notice) { n.Reference = "R2" }, "secret": func(n *Notice) { *n = Sign("other", *n) },
	} {
		f := n
		m(&f)
		if err := c.Verify(f); motcua.ErrorCode(err) != motcua.EFORBIDDEN {
			t.Errorf("%s changed: %v", name, err)
		}
	}
}

// FuzzParseNotice: whatever is posted to the notify URL, the parser answers an error or
// a verified notice, never a panic.
func FuzzParseNotice(f *testing.F) {
	c, _ := New(Config{URL: "http://x", Partner: "p", Secret: "secret"})
	f.Add([]byte(`{"MaThamChieu":"R","SoTien":1,"TrangThai":"1","MaXacThuc":"00"}`))
	f.Add([]byte(`{"SoTien":1e99}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := c.ParseNotice(b)
		if err == nil && c.Verify(n) != nil {
			t.Fatal("an unverified notice was accepted")
		}
	})
}
