package api_test

import (
	"strings"
	"testing"

	"motcua"
	"motcua/activities"
	"motcua/internal/stacktest"
)

// TestIssuingRefusesASealNotTheIssuingAgencys is the issue's seal: a Cục's result,
// signed «KT. CỤC TRƯỞNG», is not sealed with the ministry's seal. Configured with the
// ministry's seal for the Cục, the issuing activity refuses before it takes a number and
// stores nothing; with the Cục's own seal the result is numbered 01/…-VTLTNN, the
// register's first number of the Cục's symbol, and sealed by the Cục.
func TestIssuingRefusesASealNotTheIssuingAgencys(t *testing.T) {
	s := stacktest.Start(t)
	p, err := s.Catalog.Procedure("G09.CVTLT.01")
	if err != nil {
		t.Fatal(err)
	}
	code := toSigning(t, s, p)
	user, body, _, err := stacktest.NextDecision(p, s.State(code), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(user, code, body); r.Status != 200 || s.State(code).Status != motcua.StatusSigned {
		t.Fatalf("sign as %s: %d %s", user, r.Status, r.Body)
	}
	d, err := s.Store.DossierByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Store.LatestDocument(t.Context(), d.ID, motcua.DocResult)
	if err != nil {
		t.Fatal(err)
	}

	issuers := map[string]activities.Issuer{}
	for k, v := range s.Acts.Issuers {
		issuers[k] = v
	}
	issuers["CVTLT"] = activities.Issuer{Abbreviation: "VTLTNN", SealCredential: issuers["G09"].SealCredential}
	wrong := &activities.Activities{Store: s.Acts.Store, Catalog: s.Acts.Catalog, Renderer: s.Acts.Renderer,
		Signer: s.Acts.Signer, Signing: s.Acts.Signing, OrgName: s.Acts.OrgName, Issuers: issuers, PublicURL: s.Acts.PublicURL}
	_, err = wrong.Issue(t.Context(), activities.IssueInput{Code: code, Seq: 99, Document: activities.DocumentRef{ID: signed.ID},
		At: s.Now()})
	if motcua.ErrorCode(err) != motcua.EFORBIDDEN || !strings.Contains(err.Error(), "Bộ Nội vụ") ||
		!strings.Contains(err.Error(), "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC") {
		t.Fatalf("issuing the Cục's result under the ministry's seal: %v", err)
	}
	var numbers int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM document_numbers WHERE dossier_code = $1`, code).Scan(&numbers); err != nil || numbers != 0 {
		t.Errorf("the refused seal took %d numbers (%v)", numbers, err)
	}
	if latest, err := s.Store.LatestDocument(t.Context(), d.ID, motcua.DocResult); err != nil || latest.ID != signed.ID {
		t.Errorf("the refused seal stored a result: %v %v", latest.ID, err)
	}

	user, body, _, err = stacktest.NextDecision(p, s.State(code), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(user, code, body); r.Status != 200 {
		t.Fatalf("issue as %s: %d %s", user, r.Status, r.Body)
	}
	issued, err := s.Store.LatestDocument(t.Context(), d.ID, motcua.DocResult)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(issued.Number, "01/") || !strings.HasSuffix(issued.Number, "-VTLTNN") {
		t.Errorf("issued number %q, want 01/…-VTLTNN", issued.Number)
	}
	report := s.Pdfsig(t, issued.Data)
	_, seal, _ := strings.Cut(report, "Signature #2")
	if !strings.Contains(seal, "Signer Certificate Common Name: Cục Văn thư và Lưu trữ nhà nước") {
		t.Errorf("the seal is not the Cục's:\n%s", seal)
	}
}
