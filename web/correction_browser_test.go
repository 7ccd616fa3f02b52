package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/browsertest"
	"motcua/internal/stacktest"
)

// storeRow is the text of the row of the applicant's store page whose number is number.
func storeRow(t *testing.T, tab *browsertest.Tab, number string) string {
	t.Helper()
	n := tab.Count("#kho-giay-to tbody tr")
	for i := 1; i <= n; i++ {
		row := tab.Text("#kho-giay-to tbody tr:nth-child(" + stacktest.Sprintf("%d", i) + ")")
		if strings.Contains(row, number) {
			return row
		}
	}
	t.Fatalf("the store page has no row numbered %s: %s", number, tab.Body())
	return ""
}

// TestCorrectionThroughTheStaffPagesInTheBrowser (issue 15, corrections): in chromium,
// on the staff pages of congdan1's finished dossier, the unit's officer proposes to
// replace the issued certificate (without a reason first: refused on the field, nothing
// recorded), the competent leader signs with the PIN (a wrong PIN is refused on the PIN
// field, in Vietnamese, and the proposal keeps waiting), the clerical officer numbers and
// seals it. The page the old certificate's QR code links to says "đã được thay thế" with
// the date, the reason and the new number; the applicant's store page labels the old
// one replaced, and the e-form offers the new one and not the old one. Then a
// correction notice (đính chính) of the new certificate goes the same way to its issue.
// Each page passes the accessibility check.
func TestCorrectionThroughTheStaffPagesInTheBrowser(t *testing.T) {
	s := startSite(t)
	ctx := t.Context()
	p := procedure(t, s.Stack, "G09.CVTLT.01")
	code := stacktest.Submit(s.As("congdan1"), p).Code
	if end := s.Drive(code, p); !end.Status.Final() {
		t.Fatalf("ended %s", end.Status)
	}
	var oldID, oldNumber string
	if err := s.Store.Pool().QueryRow(ctx, `SELECT d.id::text, d.number FROM documents d JOIN dossiers x ON x.id = d.dossier_id
		WHERE x.code = $1 AND d.kind = 'result' AND d.number IS NOT NULL AND d.number <> '' ORDER BY d.seq LIMIT 1`, string(code)).
		Scan(&oldID, &oldNumber); err != nil {
		t.Fatal(err)
	}
	proposals := func() int {
		t.Helper()
		var n int
		if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM result_corrections`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	page := "/can-bo/ho-so/" + string(code)
	// The dossier page's preview frame loads the result's PDF, whose response the tab's
	// status would report: a refusal is told by the title ("Lỗi: ..."), as a person sees
	// it (the HTTP test checks the 422).
	refused := func(tab *browsertest.Tab) bool {
		return strings.HasPrefix(tab.Title(), "Lỗi: ") && tab.Has(".error-summary")
	}
	reason := "Chứng chỉ ghi sai ngày sinh của người được cấp."

	// The officer proposes a replacement; without a reason it is refused on the field.
	officer := s.login(t, "chuyenvien2")
	officer.Go(page)
	if !officer.Has("#dinh-chinh") || !officer.Has(`form[action="`+page+`/dinh-chinh"]`) {
		t.Fatalf("the officer's page offers no proposal: %s", officer.Body())
	}
	officer.Click("#kind-replace")
	officer.Submit(`form[action="` + page + `/dinh-chinh"] button[type=submit]`)
	if !refused(officer) || !strings.Contains(officer.Text("#correction-reason-error"), "lý do") ||
		!officer.Has(`.error-summary a[href="#correction-reason"]`) ||
		officer.Attr("#correction-reason", "aria-describedby") != "correction-reason-error" {
		t.Errorf("a proposal without a reason: %q %s", officer.Title(), officer.Body())
	}
	if officer.Count("#kind-replace:checked") != 1 {
		t.Errorf("the refused form forgot the chosen kind")
	}
	if n := proposals(); n != 0 {
		t.Fatalf("a refused proposal recorded %d rows", n)
	}
	officer.Eval(`document.getElementById("dinh-chinh").scrollIntoView()`)
	checkPage(t, officer, "correction-refused")
	officer.Click("#kind-replace")
	officer.Type("#correction-reason", reason)
	officer.Submit(`form[action="` + page + `/dinh-chinh"] button[type=submit]`)
	if refused(officer) || !strings.Contains(officer.Text("#dinh-chinh-ds"), "Chờ lãnh đạo ký") ||
		!strings.Contains(officer.Text("#dinh-chinh-ds"), reason) || !strings.Contains(officer.Text("#dinh-chinh-ds"), oldNumber) {
		t.Fatalf("proposal: %q %s", officer.Title(), officer.Body())
	}
	if officer.Has(`form[action$="/ky"]`) || officer.Has(`form[action$="/ban-hanh"]`) {
		t.Errorf("the officer is offered the leader's or the clerical office's step")
	}

	// The leader signs: a wrong PIN is refused on the PIN field and leaves it waiting.
	leader := s.login(t, "lanhdao2")
	leader.Go(page)
	sign := `form[action="` + page + `/dinh-chinh/1/ky"]`
	leader.Type(sign+" input[name=pin]", "000000")
	leader.Submit(sign + " button[type=submit]")
	pinID := leader.Attr(sign+" input[name=pin]", "id")
	if !refused(leader) || !strings.Contains(leader.Text("#"+pinID+"-error"), "PIN") ||
		!leader.Has(`.error-summary a[href="#`+pinID+`"]`) {
		t.Errorf("a wrong PIN: %q %s", leader.Title(), leader.Body())
	}
	if !strings.Contains(leader.Text("#dinh-chinh-ds"), "Chờ lãnh đạo ký") || !leader.Has(sign) {
		t.Fatalf("after a wrong PIN the proposal no longer waits for a signature: %s", leader.Body())
	}
	leader.Eval(`document.getElementById("dinh-chinh").scrollIntoView()`)
	checkPage(t, leader, "correction-wrong-pin")
	leader.Type(sign+" input[name=pin]", "123456")
	leader.Submit(sign + " button[type=submit]")
	if refused(leader) || !strings.Contains(leader.Text("#dinh-chinh-ds"), "chờ văn thư cấp số") || leader.Has(sign) {
		t.Fatalf("signature: %q %s", leader.Title(), leader.Body())
	}

	// The clerical officer numbers and seals it.
	clerical := s.login(t, "vanthu2")
	clerical.Go(page)
	clerical.Eval(`document.getElementById("dinh-chinh").scrollIntoView()`)
	checkPage(t, clerical, "correction-to-issue")
	clerical.Submit(`form[action="` + page + `/dinh-chinh/1/ban-hanh"] button[type=submit]`)
	if refused(clerical) || !strings.Contains(clerical.Text("#dinh-chinh-ds"), "Đã ban hành: số") {
		t.Fatalf("issue: %q %s", clerical.Title(), clerical.Body())
	}
	var newNumber string
	var replacedAt time.Time
	if err := s.Store.Pool().QueryRow(ctx, `SELECT n.number, r.revoked_at FROM result_revocations r
		JOIN documents n ON n.id = r.replaced_by WHERE r.document_id = $1::uuid AND r.kind = 'replaced'`, oldID).
		Scan(&newNumber, &replacedAt); err != nil {
		t.Fatalf("the old result is not marked replaced: %v", err)
	}
	if !strings.Contains(clerical.Text("#dinh-chinh-ds"), newNumber) {
		t.Errorf("the page does not show the new number %s: %s", newNumber, clerical.Text("#dinh-chinh-ds"))
	}

	// The old certificate's QR code: the page it opens says it was replaced.
	status, oldPDF := clerical.Fetch("/api/v1/dossiers/" + string(code) + "/documents/" + oldID)
	if status != 200 {
		t.Fatalf("the old certificate: %d", status)
	}
	link, err := url.Parse(stacktest.QRLink(t, oldPDF))
	if err != nil {
		t.Fatal(err)
	}
	anyone := s.browser.NewTab(t)
	anyone.Go(link.RequestURI())
	shown := anyone.Text("#hieu-luc")
	for _, want := range []string{"đã được thay thế", replacedAt.In(motcua.Vietnam).Format("15:04 02/01/2006"), reason, newNumber} {
		if !strings.Contains(shown, want) {
			t.Errorf("the old certificate's QR page lacks %q: %s", want, shown)
		}
	}
	if !strings.Contains(anyone.Text("#ket-luan"), "hợp lệ") {
		t.Errorf("the replaced certificate's signatures no longer verify: %s", anyone.Text("#ket-luan"))
	}
	checkPage(t, anyone, "verify-replaced")

	// The applicant's store: the old one labelled replaced, the new one in force; the
	// e-form of the reissue offers the new one and refuses the old one.
	citizen := s.login(t, "congdan1")
	citizen.Go("/kho-giay-to")
	if row := storeRow(t, citizen, oldNumber); !strings.Contains(row, "Đã được thay thế ngày "+replacedAt.In(motcua.Vietnam).Format("02/01/2006")) ||
		!strings.Contains(row, reason) || !strings.Contains(row, "Không dùng lại được") {
		t.Errorf("the old certificate's row: %s", row)
	}
	if row := storeRow(t, citizen, newNumber); strings.Contains(row, "thay thế") || !strings.Contains(row, "Dùng lại được") {
		t.Errorf("the new certificate's row: %s", row)
	}
	checkPage(t, citizen, "store-replaced")
	var oldDoc, newDoc string
	if err := s.Store.Pool().QueryRow(ctx, `SELECT max(id::text) FILTER (WHERE number = $1), max(id::text) FILTER (WHERE number = $2)
		FROM applicant_documents`, oldNumber, newNumber).Scan(&oldDoc, &newDoc); err != nil {
		t.Fatal(err)
	}
	reissue := procedure(t, s.Stack, "G09.CVTLT.02")
	citizen.Go("/thu-tuc/" + reissue.Code + "/nop")
	fillForm(t, citizen, reissue, reissue.Form.Sections[:1], sample(t, s.Stack, reissue))
	citizen.Submit(`button[name=action][value=continue]`)
	chooser := "#f-fileChungChiCu-reuse"
	if citizen.Count(chooser+` input[value="`+newDoc+`"]:enabled`) != 1 || citizen.Count(chooser+` input[value="`+oldDoc+`"]:disabled`) != 1 ||
		!strings.Contains(citizen.Text(chooser), "thay thế ngày") {
		t.Errorf("the e-form offers the certificates as: %s", citizen.Text(chooser))
	}

	// A correction notice of the new certificate, through the same pages.
	fix := "Tại dòng «Nơi cư trú», đã ghi «Hà Nội», nay đính chính là «Thành phố Hà Nội»"
	officer.Go(page)
	officer.Type("#correction-reason", "Ghi thiếu địa danh.")
	officer.Type("#correction-corrections", fix)
	officer.Submit(`form[action="` + page + `/dinh-chinh"] button[type=submit]`)
	if refused(officer) || !strings.Contains(officer.Text("#dinh-chinh-ds"), fix) {
		t.Fatalf("the correction's proposal: %q %s", officer.Title(), officer.Body())
	}
	leader.Go(page)
	sign = `form[action="` + page + `/dinh-chinh/2/ky"]`
	leader.Type(sign+" input[name=pin]", "123456")
	leader.Submit(sign + " button[type=submit]")
	if refused(leader) {
		t.Fatalf("the correction's signature: %q %s", leader.Title(), leader.Body())
	}
	clerical.Go(page)
	clerical.Submit(`form[action="` + page + `/dinh-chinh/2/ban-hanh"] button[type=submit]`)
	if got := clerical.Text("#dinh-chinh-ds"); refused(clerical) || strings.Count(got, "Đã ban hành: số") != 2 || !strings.Contains(got, "/QĐ-") {
		t.Fatalf("the correction's issue: %q %s", clerical.Title(), got)
	}
	clerical.Eval(`document.getElementById("dinh-chinh").scrollIntoView()`)
	checkPage(t, clerical, "correction-issued")
	citizen.Go("/kho-giay-to")
	if row := storeRow(t, citizen, newNumber); !strings.Contains(row, "đã được đính chính") || !strings.Contains(row, "Dùng lại được") {
		t.Errorf("the corrected certificate's row: %s", row)
	}
}
