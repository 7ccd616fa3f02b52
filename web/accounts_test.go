package web_test

import (
	"strings"
	"testing"

	"motcua/internal/browsertest"
)

// TestCatalogOffersWhatTheApplicantMaySubmit (issue 12): logged in, a citizen is offered
// no procedure for agencies and its form refuses them (403, a Vietnamese reason); an
// agency's representative is offered the commendation and not the citizens' certificate;
// an old link under the certificate's former code leads to its national code.
func TestCatalogOffersWhatTheApplicantMaySubmit(t *testing.T) {
	s := startSite(t)
	citizen, agency := s.login(t, "congdan1"), s.login(t, "daidien.cq1")
	for _, tc := range []struct {
		name      string
		who       *browsertest.Tab
		offered   []string
		unoffered []string
	}{
		{"citizen", citizen, []string{"1.013929", "1.014936"}, []string{"G09.TDKT.01", "G09.CCVC.01", "1.014937"}},
		{"agency", agency, []string{"G09.TDKT.01", "G09.CCVC.02"}, []string{"1.013929", "1.014936"}},
	} {
		tc.who.Go("/thu-tuc")
		for _, c := range tc.offered {
			if !tc.who.Has(`a[href="/thu-tuc/` + c + `"]`) {
				t.Errorf("%s is not offered %s", tc.name, c)
			}
		}
		for _, c := range tc.unoffered {
			if tc.who.Has(`a[href="/thu-tuc/` + c + `"]`) {
				t.Errorf("%s is offered %s, which it may not submit", tc.name, c)
			}
		}
	}

	citizen.Go("/thu-tuc/G09.TDKT.01/nop")
	if body := citizen.Body(); citizen.Status() != 403 || !strings.Contains(body, "chỉ dành cho cơ quan nhà nước") {
		t.Errorf("the commendation's form for a citizen: %d %s", citizen.Status(), body)
	}
	agency.Go("/thu-tuc/G09.TDKT.01/nop")
	if agency.Status() != 200 || !strings.Contains(agency.URL(), "/thu-tuc/G09.TDKT.01/nop") {
		t.Errorf("the commendation's form for the agency's representative: %d %s", agency.Status(), agency.URL())
	}

	citizen.Go("/thu-tuc/G09.CVTLT.01")
	if !strings.HasSuffix(citizen.URL(), "/thu-tuc/1.013929") || !strings.Contains(citizen.Body(), "Mã 1.013929") {
		t.Errorf("the former code's page: %s %s", citizen.URL(), citizen.Body())
	}
}
