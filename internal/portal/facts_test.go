package portal

import (
	"testing"

	"motcua/internal/store"
)

// TestFactsReportTheVNeIDLogin: what the dossier records of the applicant's login is
// what the portal is told.
func TestFactsReportTheVNeIDLogin(t *testing.T) {
	for _, v := range []bool{false, true} {
		if got := factsOf(store.OutboxEvent{ApplicantVNeID: v}).VNeID; got != v {
			t.Errorf("applicant_vneid %t reported as %t", v, got)
		}
	}
}

func TestFactsReportAFeePaidOnline(t *testing.T) {
	for _, v := range []bool{false, true} {
		if got := factsOf(store.OutboxEvent{PaidOnline: v}).PaidOnline; got != v {
			t.Errorf("paid online %t reported as %t", v, got)
		}
	}
}
