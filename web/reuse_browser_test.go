package web_test

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/stacktest"
)

// TestCitizenReusesTheCertificateOnTheEForm (issue 15, acceptance 1 and the refusal of
// acceptance 2, through the pages): congdan1's archive practice certificate is issued in
// a first dossier, with nothing put in his store then (it is filled when read). On the
// e-form of the reissue (G09.CVTLT.02) he chooses it from his store above the
// certificate's number: the number and date are filled from it, on the server, and held
// read-only; the component needs no upload; the dossier's component refers to the
// stored document and the staff page says "tái sử dụng". Once the certificate is
// revoked, the form shows it disabled with the reason, and a forged post of its ID is
// refused with that reason, nothing attached.
func TestCitizenReusesTheCertificateOnTheEForm(t *testing.T) {
	s := startSite(t)
	ctx := t.Context()
	first := procedure(t, s.Stack, "G09.CVTLT.01")
	issued := stacktest.Submit(s.As("congdan1"), first)
	s.Drive(issued.Code, first)
	stored := func() int {
		t.Helper()
		var n int
		if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM applicant_documents`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	reusedFiles := func() int {
		t.Helper()
		var n int
		if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM files WHERE reused_from IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d stored documents before anyone read the store: it is filled at read", n)
	}

	tab := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "G09.CVTLT.02")
	data := sample(t, s.Stack, p)
	tab.Go("/thu-tuc/" + p.Code + "/nop")
	fillForm(t, tab, p, p.Form.Sections[:1], data)
	tab.Submit(`button[name=action][value=continue]`)
	if !tab.Has("#muc-chung-chi") {
		t.Fatalf("not on the certificate's part: %s", tab.Body())
	}
	// Reading the form filled the store, once however often it is read.
	tab.Go("/thu-tuc/" + p.Code + "/nop?muc=2")
	if n := stored(); n != 1 {
		t.Fatalf("%d stored documents after the form was read twice, want the one certificate", n)
	}
	var docID, number string
	var issuedAt time.Time
	if err := s.Store.Pool().QueryRow(ctx, `SELECT a.id::text, a.number, a.issued_at FROM applicant_documents a
		JOIN dossiers x ON x.id = a.dossier_id WHERE x.code = $1 AND a.source = 'result'`, string(issued.Code)).
		Scan(&docID, &number, &issuedAt); err != nil {
		t.Fatal(err)
	}
	radio := `#f-fileChungChiCu-reuse input[value="` + docID + `"]`
	if !tab.Has(radio) || !strings.Contains(tab.Text("#f-fileChungChiCu-reuse"), number) {
		t.Fatalf("the certificate is not offered above its number: %s", tab.Body())
	}
	tab.Type("#f-certificateNumber", "999/SAI")
	tab.Click(radio)
	tab.Submit(`button[name=action][value=reuse]`)
	wantDate := issuedAt.In(motcua.Vietnam).Format("02/01/2006")
	if got := tab.Value("#f-certificateNumber"); got != number {
		t.Errorf("certificate number %q, want %q from the stored certificate", got, number)
	}
	if got := tab.Value("#f-issuedOn"); got != wantDate {
		t.Errorf("issue date %q, want %q", got, wantDate)
	}
	if tab.Count("#f-certificateNumber[readonly]") != 1 || tab.Count("#f-issuedOn[readonly]") != 1 {
		t.Errorf("the filled number and date can be changed")
	}
	checkPage(t, tab, "form-reuse")
	tab.Set("#f-reason", "bi_hong")
	tab.Submit(`button[name=action][value=continue]`)
	if tab.Has(".error-summary") {
		t.Fatalf("part 2 refused: %s", tab.Text(".error-summary"))
	}
	// The files' part: the certificate is chosen; no file is uploaded for it.
	if tab.Count(radio+":checked") != 1 {
		t.Fatalf("the files' part does not show the chosen certificate: %s", tab.Body())
	}
	rest := map[string]any{}
	for k, v := range data {
		if k != "fileChungChiCu" {
			rest[k] = v
		}
	}
	fillForm(t, tab, p, p.Form.Sections[2:], rest)
	tab.Submit(`button[name=action][value=continue]`)
	if !strings.HasSuffix(tab.URL(), "/kiem-tra") {
		t.Fatalf("not on the check page: %s\n%s", tab.URL(), tab.Body())
	}
	tab.Submit("form button[type=submit]:not(.link)")
	code := motcua.DossierCode(strings.TrimSpace(tab.Text("#ma-ho-so")))
	var reused, uploadsForIt int
	if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE f.reused_from = $2::uuid),
			count(*) FILTER (WHERE f.reused_from IS NULL AND f.component = 'chung-chi-cu')
		FROM files f JOIN dossiers x ON x.id = f.dossier_id WHERE x.code = $1`, string(code), docID).Scan(&reused, &uploadsForIt); err != nil {
		t.Fatal(err)
	}
	if reused != 1 || uploadsForIt != 0 {
		t.Errorf("dossier %s: %d files refer to the certificate, %d uploaded for it; want 1 and 0", code, reused, uploadsForIt)
	}
	var form map[string]any
	if err := s.Store.Pool().QueryRow(ctx, `SELECT form_data FROM submissions WHERE code = $1`, string(code)).Scan(&form); err != nil {
		t.Fatal(err)
	}
	if form["certificateNumber"] != number || form["issuedOn"] != issuedAt.In(motcua.Vietnam).Format("2006-01-02") {
		t.Errorf("submitted number and date: %v, %v", form["certificateNumber"], form["issuedOn"])
	}
	act(t, s.Stack, "canbo1", code, map[string]any{"action": "receive"})
	staff := s.login(t, "canbo1")
	staff.Go("/can-bo/ho-so/" + string(code))
	if staff.Count("strong.tai-su-dung") != 1 || !strings.Contains(staff.Body(), "tái sử dụng") {
		t.Errorf("the staff page does not mark the reused component: %s", staff.Body())
	}

	// Revoked, it is shown disabled with its reason; a forged post of it is refused.
	s.As("lanhdao2").MustDo(200, "POST", "/api/v1/dossiers/"+string(issued.Code)+"/result/revoke",
		map[string]any{"reason": "Cấp sai đối tượng."}, nil)
	tab.Go("/thu-tuc/" + p.Code + "/nop?muc=2")
	if tab.Count(radio+":disabled") != 1 || !strings.Contains(tab.Text("#f-fileChungChiCu-reuse"), "đã bị thu hồi") ||
		!strings.Contains(tab.Text("#f-fileChungChiCu-reuse"), "Cấp sai đối tượng.") {
		t.Fatalf("the revoked certificate is not shown disabled with its reason: %s", tab.Body())
	}
	before := reusedFiles()
	tab.Eval(`const r = document.querySelector('` + radio + `'); r.disabled = false; r.checked = true;`)
	tab.Submit(`button[name=action][value=reuse]`)
	if tab.Status() != 422 || !strings.Contains(tab.Text("#f-fileChungChiCu-reuse-error"), "đã bị thu hồi") ||
		!tab.Has(`.error-summary a[href="#f-fileChungChiCu-reuse"]`) {
		t.Errorf("the forged choice of a revoked certificate: %d %s", tab.Status(), tab.Body())
	}
	if after := reusedFiles(); after != before {
		t.Errorf("a refused reuse attached %d files", after-before)
	}
	if tab.Count("#f-certificateNumber[readonly]") != 0 {
		t.Errorf("the number is held to a refused document")
	}
}
