package service_test

import (
	"slices"
	"testing"

	"motcua"
	"motcua/internal/signing/service"
	"motcua/internal/store"
)

// Every demo leader has a credential whose certificate carries the leader's title, so
// that the signature block printed for them (motcua.SignatureBlock) matches it; a
// credential for someone who is not a demo account is a stray.
func TestDemoLeadersCertificatesCarryTheirTitles(t *testing.T) {
	creds := map[string]service.CredentialSpec{}
	for _, c := range service.DevCredentials() {
		if !c.Seal {
			creds[c.UserID] = c
		}
	}
	leaders := 0
	for _, a := range store.DemoAccounts {
		if !slices.Contains(a.User.Roles, motcua.RoleLeader) {
			continue
		}
		leaders++
		c, ok := creds[a.User.Username]
		if !ok {
			t.Errorf("leader %s has no signing credential", a.User.Username)
			continue
		}
		if !motcua.SameTitle(c.Subject.Title, a.User.Title) || c.Subject.CommonName != a.User.Name {
			t.Errorf("%s: certificate %q, %q; account %q, %q", a.User.Username, c.Subject.CommonName, c.Subject.Title, a.User.Name, a.User.Title)
		}
	}
	if leaders != len(creds) {
		t.Errorf("%d personal credentials for %d demo leaders", len(creds), leaders)
	}
}
