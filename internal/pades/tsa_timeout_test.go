package pades

import (
	"context"
	"crypto"
	"net/http"
	"testing"
	"time"

	"motcua/internal/partnertest"
)

// TestAHungTimeStampAuthorityIsCutOffByTheTimeout: a time-stamp authority that never
// answers costs the signature no more than the TSA's timeout, even with an HTTP client
// of its own without one, and a caller's context without a deadline.
func TestAHungTimeStampAuthorityIsCutOffByTheTimeout(t *testing.T) {
	url, gone := partnertest.Hung(t)
	err := partnertest.Within(t, "the signature's time-stamp", func() error {
		_, err := fetchTimestamp(context.Background(), &TSA{URL: url, Client: &http.Client{}, Timeout: 200 * time.Millisecond},
			crypto.SHA256, []byte("chữ ký"))
		return err
	})
	if err == nil {
		t.Fatal("a time-stamp the authority never gave was accepted")
	}
	partnertest.Abandoned(t, "the signature's time-stamp", gone)
}
