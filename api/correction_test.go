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
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// resultDocuments returns the dossier's numbered documents of a kind, oldest first, with
// their bytes, as the applicant receives them.
func resultDocuments(t *testing.T, s *stacktest.Stack, code motcua.DossierCode, kind motcua.DocumentKind) (numbers []string, pdfs [][]byte) {
	t.Helper()
	citizen := s.As("congdan1")
	var d dossierJSON
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &d)
	for _, doc := range d.Documents {
		if doc.Kind == string(kind) && doc.Number != "" {
			r := citizen.Get("/api/v1/dossiers/" + string(code) + "/documents/" + doc.ID)
			if r.Status != 200 {
				t.Fatalf("%s %s: %d", kind, doc.ID, r.Status)
			}
			numbers, pdfs = append(numbers, doc.Number), append(pdfs, r.Body)
		}
	}
	return numbers, pdfs
}

// qrPage opens the verification page the QR code of pdf links to.
func qrPage(t *testing.T, s *stacktest.Stack, pdf []byte) string {
	t.Helper()
	link, err := url.Parse(stacktest.QRLink(t, pdf))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL + link.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("QR page: %d\n%s", resp.StatusCode, body)
	}
	return string(body)
}

// TestReplacementAndCorrectionGoThroughTheSigningPath: the archive certificate of
// congdan1 is replaced (the unit's officer proposes with the reason, the competent
// leader signs, the clerical office numbers and seals): the new certificate is a PAdES
// PDF (pdfsig) that says what it replaces; the old one verifies with valid signatures
// but "đã được thay thế" with the date, reason and the new number, by API and by its QR
// page; the applicant's store offers the new one and refuses the old one. Then the new
// one is corrected by a notice (đính chính) through the same path: it stays in force,
// reported corrected with the notice's number. Finally the development portal is told of
// both, after a failing portal delayed it, once each.
func TestReplacementAndCorrectionGoThroughTheSigningPath(t *testing.T) {
	s := stacktest.Start(t)
	code, oldPDF := issuedCertificate(t, s)
	oldNumbers, _ := resultDocuments(t, s, code, motcua.DocResult)
	path := "/api/v1/dossiers/" + string(code) + "/result/corrections"
	reason := "Chứng chỉ ghi sai ngày sinh của người được cấp."

	for _, tc := range []struct {
		user string
		body map[string]any
		want int
	}{
		{"congdan1", map[string]any{"kind": "replace", "reason": reason}, 403},    // the applicant reads, may not propose
		{"chuyenvien1", map[string]any{"kind": "replace", "reason": reason}, 404}, // another unit's officer does not see it
		{"chuyenvien2", map[string]any{"kind": "replace", "reason": " "}, 422},
		{"chuyenvien2", map[string]any{"kind": "x", "reason": reason}, 422},
		{"chuyenvien2", map[string]any{"kind": "correct", "reason": reason}, 422}, // a correction says what it corrects
	} {
		if r := s.As(tc.user).Request("POST", path, tc.body, nil); r.Status != tc.want {
			t.Errorf("%s %v: %d %s, want %d", tc.user, tc.body, r.Status, r.Body, tc.want)
		}
	}
	var c store.Correction
	s.As("chuyenvien2").MustDo(201, "POST", path, map[string]any{"kind": "replace", "reason": reason}, &c)
	if c.State != store.CorrectionProposed || c.Number != oldNumbers[len(oldNumbers)-1] {
		t.Fatalf("proposal: %+v (issued %v)", c, oldNumbers)
	}
	if r := s.As("chuyenvien2").Request("POST", path, map[string]any{"kind": "replace", "reason": reason}, nil); r.Status != 409 {
		t.Errorf("a second open proposal: %d %s", r.Status, r.Body)
	}
	step := func(user, what string, body map[string]any, want int) dossiers.CorrectionStep {
		t.Helper()
		var st dossiers.CorrectionStep
		r := s.As(user).Request("POST", path+"/"+stacktest.Sprintf("%d", c.ID)+"/"+what, body, nil)
		if r.Status != want {
			t.Fatalf("%s %s: %d %s, want %d", user, what, r.Status, r.Body, want)
		}
		if want == 200 {
			if err := json.Unmarshal(r.Body, &st); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	step("chuyenvien2", "sign", map[string]any{"pin": "123456"}, 403) // an officer does not sign
	// A leader without the procedure's signing authority today (no delegation) does not.
	if r := s.As("lanhdao3").Request("POST", path+"/"+stacktest.Sprintf("%d", c.ID)+"/sign", map[string]any{"pin": "123456"}, nil); r.Status != 403 && r.Status != 404 {
		t.Errorf("a leader without the authority signs: %d %s", r.Status, r.Body)
	}
	step("vanthu2", "issue", nil, 409) // not signed yet
	if st := step("lanhdao2", "sign", map[string]any{"pin": "123456"}, 200); st.State != "signed" {
		t.Fatalf("signed: %+v", st)
	}
	step("lanhdao2", "issue", nil, 403) // the leader does not number
	if st := step("vanthu2", "issue", nil, 200); st.State != "issued" {
		t.Fatalf("issued: %+v", st)
	}

	numbers, pdfs := resultDocuments(t, s, code, motcua.DocResult)
	if len(numbers) != 2 || numbers[1] == numbers[0] {
		t.Fatalf("results after replacement: %v", numbers)
	}
	newNumber, newPDF := numbers[1], pdfs[1]
	if sig := s.Pdfsig(t, newPDF); strings.Count(sig, "Signature is Valid") != 2 {
		t.Errorf("pdfsig of the replacement:\n%s", sig)
	}
	stacktest.QPDFCheck(t, newPDF)
	text := strings.Join(strings.Fields(stacktest.PDFText(t, newPDF)), " ")
	if !strings.Contains(text, "này thay thế") || !strings.Contains(text, oldNumbers[0]) ||
		!strings.Contains(strings.ReplaceAll(text, " ", ""), newNumber) {
		t.Errorf("the replacement's text does not name what it replaces (%s) or its number (%s):\n%s", oldNumbers[0], newNumber, text)
	}

	old := verifyPDF(t, s, oldPDF)
	if !old.Valid || old.Issued == nil || old.Issued.Status != dossiers.IssuedReplaced || !old.Issued.Revoked ||
		old.Issued.Reason != reason || old.Issued.RevokedAt == nil || old.Issued.By == nil || old.Issued.By.Number != newNumber {
		t.Fatalf("the replaced result verifies as %+v (valid %v)", old.Issued, old.Valid)
	}
	if cur := verifyPDF(t, s, newPDF); !cur.Valid || cur.Issued == nil || cur.Issued.Status != dossiers.IssuedInForce {
		t.Fatalf("the replacement verifies as %+v (valid %v, %s)", cur.Issued, cur.Valid, cur.Message)
	}
	if page := qrPage(t, s, oldPDF); !strings.Contains(page, "đã được thay thế") || !strings.Contains(page, reason) ||
		!strings.Contains(page, newNumber) || !strings.Contains(page, old.Issued.RevokedAt.In(motcua.Vietnam).Format("15:04 02/01/2006")) {
		t.Errorf("the old result's QR page:\n%s", page)
	}
	if page := qrPage(t, s, newPDF); !strings.Contains(page, "đang có hiệu lực") || !strings.Contains(page, newNumber) {
		t.Errorf("the replacement's QR page:\n%s", page)
	}

	// The store: the new one reusable, the old one not, with the reason.
	citizen := s.As("congdan1")
	reuse := map[string]any{"procedure": "G09.CVTLT.02", "component": "chung-chi-cu"}
	var oldDoc, newDoc store.StoredDocument
	for _, d := range myDocuments(t, citizen, "1.013929") {
		switch d.Number {
		case oldNumbers[0]:
			oldDoc = d
		case newNumber:
			newDoc = d
		}
	}
	if oldDoc.Revoked == nil || oldDoc.Revoked.Kind != store.RevocationReplaced || newDoc.ID == "" || newDoc.Revoked != nil {
		t.Fatalf("the store: old %+v, new %+v", oldDoc, newDoc)
	}
	if r := citizen.Request("POST", "/api/v1/my-documents/"+oldDoc.ID+"/reuse", reuse, nil); r.Status != 409 ||
		r.Problem().Field != dossiers.ReuseRevoked || !strings.Contains(r.Problem().Title, "thay thế") {
		t.Errorf("reuse of the replaced result: %d %s", r.Status, r.Body)
	}
	citizen.MustDo(201, "POST", "/api/v1/my-documents/"+newDoc.ID+"/reuse", reuse, nil)

	// A correction notice for the replacement: the same path.
	fix := "Tại dòng «Nơi cư trú», đã ghi «Hà Nội», nay đính chính là «Thành phố Hà Nội»"
	s.As("chuyenvien2").MustDo(201, "POST", path, map[string]any{"kind": "correct", "reason": "Ghi thiếu địa danh.", "corrections": fix}, &c)
	step("lanhdao2", "sign", map[string]any{"pin": "123456"}, 200)
	step("vanthu2", "issue", nil, 200)
	noticeNumbers, notices := resultDocuments(t, s, code, motcua.DocCorrection)
	if len(notices) != 1 || !strings.Contains(noticeNumbers[0], "/QĐ-") {
		t.Fatalf("correction notices: %v", noticeNumbers)
	}
	if sig := s.Pdfsig(t, notices[0]); strings.Count(sig, "Signature is Valid") != 2 {
		t.Errorf("pdfsig of the notice:\n%s", sig)
	}
	ntext := strings.Join(strings.Fields(stacktest.PDFText(t, notices[0])), " ")
	for _, want := range []string{"đính chính", newNumber, "Thành phố Hà Nội", "giữ nguyên giá trị"} {
		if !strings.Contains(ntext, want) {
			t.Errorf("the notice lacks %q:\n%s", want, ntext)
		}
	}
	cur := verifyPDF(t, s, newPDF)
	if !cur.Valid || cur.Issued == nil || cur.Issued.Status != dossiers.IssuedCorrected || cur.Issued.Revoked ||
		cur.Issued.By == nil || cur.Issued.By.Number != noticeNumbers[0] {
		t.Fatalf("the corrected result verifies as %+v", cur.Issued)
	}
	if page := qrPage(t, s, newPDF); !strings.Contains(page, "đã được đính chính") || !strings.Contains(page, noticeNumbers[0]) {
		t.Errorf("the corrected result's QR page:\n%s", page)
	}
	if n := verifyPDF(t, s, notices[0]); !n.Valid || n.Issued == nil || n.Issued.Status != dossiers.IssuedInForce {
		t.Errorf("the notice verifies as %+v", n.Issued)
	}
	// A corrected result is still reusable.
	citizen.MustDo(201, "POST", "/api/v1/my-documents/"+newDoc.ID+"/reuse", reuse, nil)

	// The portal is told: first it fails (nothing lost, retried later), then both
	// changes arrive once each, over real HTTP.
	dev := portaltest.Start(t, portal.DevOptions{})
	client := dev.Client(t)
	now := s.Now()
	pusher := &portal.Pusher{Outbox: s.Store, Store: client, Now: func() time.Time { return now }}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeFail}); err != nil {
		t.Fatal(err)
	}
	if _, err := pusher.Pass(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := dev.StatusChanges(); len(got) != 0 {
		t.Fatalf("a failing portal recorded %+v", got)
	}
	var untold, attempts int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*), sum(portal_attempts) FROM result_revocations
		WHERE portal_told_at IS NULL`).Scan(&untold, &attempts); err != nil || untold != 2 || attempts != 2 {
		t.Fatalf("after a failed pass: %d untold, %d attempts (%v)", untold, attempts, err)
	}
	if err := dev.SetControl(portal.Control{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pusher.Pass(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := dev.StatusChanges(); len(got) != 0 {
		t.Fatalf("told before the retry time: %+v", got)
	}
	now = now.Add(time.Minute)
	for range 2 {
		if _, err := pusher.Pass(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]portal.StatusChange{}
	for _, ch := range dev.StatusChanges() {
		if _, dup := got[ch.Status]; dup {
			t.Errorf("told twice: %+v", ch)
		}
		got[ch.Status] = ch
	}
	if r := got["thay_the"]; r.Number != oldNumbers[0] || r.NewNumber != newNumber || r.Reason != reason || r.ReplacedBy == "" {
		t.Errorf("the replacement as told: %+v", r)
	}
	if r := got["dinh_chinh"]; r.Number != newNumber || r.NewNumber != noticeNumbers[0] {
		t.Errorf("the correction as told: %+v", r)
	}
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM result_revocations WHERE portal_told_at IS NULL`).
		Scan(&untold); err != nil || untold != 0 {
		t.Errorf("%d withdrawals still untold (%v)", untold, err)
	}
	// The same change told again with its key is accepted once.
	if err := client.TellStatus(t.Context(), "kho/x/replaced", portal.StatusChange{ID: "x", Status: "thay_the"}); err != nil {
		t.Fatal(err)
	}
	if err := client.TellStatus(t.Context(), "kho/x/replaced", portal.StatusChange{ID: "x", Status: "thay_the"}); err != nil {
		t.Fatal(err)
	}
	if n := len(dev.StatusChanges()); n != 3 {
		t.Errorf("a repeated call recorded twice: %d changes", n)
	}
}
