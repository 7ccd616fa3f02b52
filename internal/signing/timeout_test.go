package signing_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/partnertest"
	"motcua/internal/signing"
)

// TestAHungSignatureServiceIsCutOffByTheTimeout: a signature service that never answers
// costs a call no more than the client's timeout, even with a client built without an
// HTTP client of its own (http.DefaultClient has no timeout) and a caller's context
// without a deadline: the call ends "unavailable" and the service sees it abandoned.
func TestAHungSignatureServiceIsCutOffByTheTimeout(t *testing.T) {
	url, gone := partnertest.Hung(t)
	c := signing.NewClient(url+"/csc/v2", "t", nil)
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
		if err := partnertest.Within(t, call.name, call.f); motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
			t.Errorf("%s: %v, want %s", call.name, err, motcua.EUNAVAILABLE)
		}
		partnertest.Abandoned(t, call.name, gone)
	}
}
