package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/stacktest"
)

// issuedCertificate drives an archive practice certificate (G09.CVTLT.01) of congdan1
// to the end and returns its code and the result the citizen received.
func issuedCertificate(t *testing.T, s *stacktest.Stack) (motcua.DossierCode, []byte) {
	t.Helper()
	p, err := s.Catalog.Procedure("G09.CVTLT.01")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	sub := stacktest.Submit(citizen, p)
	s.Drive(sub.Code, p)
	var d dossierJSON
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	for _, doc := range d.Documents {
		if doc.Kind == string(motcua.DocResult) && doc.Number != "" {
			r := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + doc.ID)
			if r.Status != 200 {
				t.Fatalf("result: %d", r.Status)
			}
			return sub.Code, r.Body
		}
	}
	t.Fatalf("%s has no issued result: %+v", sub.Code, d.Documents)
	return "", nil
}

// verifyPDF posts a PDF to the public verification endpoint.
func verifyPDF(t *testing.T, s *stacktest.Stack, pdf []byte) dossiers.VerifyReport {
	t.Helper()
	resp, err := http.Post(s.URL+"/api/v1/verify", "application/pdf", strings.NewReader(string(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("verify: %d %s", resp.StatusCode, b)
	}
	var rep dossiers.VerifyReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("verify: %v\n%s", err, b)
	}
	return rep
}

// TestRevokedResultIsReportedRevokedWithValidSignatures: an issued certificate verifies
// as in force; the applicant and an officer may not revoke it; its leader revokes it
// with a reason; from then on POST /api/v1/verify reports it revoked with the date and
// the reason while its signatures stay valid, the page its QR code opens says "đã bị
// thu hồi" with the reason, and a second revocation is refused.
func TestRevokedResultIsReportedRevokedWithValidSignatures(t *testing.T) {
	s := stacktest.Start(t)
	code, pdf := issuedCertificate(t, s)

	before := verifyPDF(t, s, pdf)
	if !before.Valid || before.Issued == nil || before.Issued.Status != dossiers.IssuedInForce || before.Issued.Dossier != code {
		t.Fatalf("before revocation: valid %v, issued %+v", before.Valid, before.Issued)
	}
	// An unknown PDF is no document of ours.
	if other := verifyPDF(t, s, stacktest.SamplePDF("không phải văn bản của hệ thống")); other.Issued != nil {
		t.Errorf("a foreign PDF is reported issued: %+v", other.Issued)
	}

	path := "/api/v1/dossiers/" + string(code) + "/result/revoke"
	reason := "Chứng chỉ được cấp dựa trên hồ sơ khai không trung thực."
	for _, tc := range []struct {
		user string
		body map[string]any
		want int
	}{
		{"congdan1", map[string]any{"reason": reason}, 403},    // the applicant reads, may not revoke
		{"chuyenvien1", map[string]any{"reason": reason}, 404}, // another unit's officer does not see it
		{"lanhdao2", map[string]any{"reason": "  "}, 422},      // a reason is required
		{"lanhdao2", map[string]any{"reason": reason, "kind": "x"}, 422},
	} {
		if r := s.As(tc.user).Request("POST", path, tc.body, nil); r.Status != tc.want {
			t.Errorf("%s %v: %d %s, want %d", tc.user, tc.body, r.Status, r.Body, tc.want)
		}
	}
	if again := verifyPDF(t, s, pdf); again.Issued == nil || again.Issued.Revoked {
		t.Fatalf("refused revocations revoked it: %+v", again.Issued)
	}

	var st dossiers.IssuedStatus
	t0 := time.Now()
	s.As("lanhdao2").MustDo(200, "POST", path, map[string]any{"reason": reason}, &st)
	t1 := time.Now()
	if !st.Revoked || st.Status != dossiers.IssuedRevoked || st.RevokedAt == nil || st.RevokedAt.Before(t0.Truncate(time.Microsecond)) || st.RevokedAt.After(t1) {
		t.Fatalf("revoke answered %+v", st)
	}
	if r := s.As("lanhdao2").Request("POST", path, map[string]any{"reason": reason}, nil); r.Status != 409 {
		t.Errorf("second revocation: %d %s", r.Status, r.Body)
	}

	after := verifyPDF(t, s, pdf)
	if !after.Valid {
		t.Errorf("the revoked result's signatures no longer verify: %s", after.Message)
	}
	if after.Issued == nil || !after.Issued.Revoked || after.Issued.Status != dossiers.IssuedRevoked ||
		after.Issued.Reason != reason || after.Issued.RevokedAt == nil || !after.Issued.RevokedAt.Equal(*st.RevokedAt) {
		t.Fatalf("after revocation: %+v, revoked at %s", after.Issued, st.RevokedAt)
	}

	link, err := url.Parse(stacktest.QRLink(t, pdf))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL + link.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, "đã bị thu hồi") || !strings.Contains(page, reason) ||
		!strings.Contains(page, st.RevokedAt.In(motcua.Vietnam).Format("15:04 02/01/2006")) {
		t.Fatalf("the QR code's page: %d\n%s", resp.StatusCode, page)
	}
}
