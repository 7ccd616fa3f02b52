package web_test

import (
	"net/url"
	"strings"
	"testing"

	"motcua"
	"motcua/internal/stacktest"
)

// TestCorrectionFromTheStaffPages: on a finished dossier's page, the unit's officer
// proposes a correction (a proposal without what it corrects is refused with the reason,
// nothing recorded); the leader's page offers the signature (a wrong PIN is refused and
// says so), the clerical officer's the numbering and seal; then the page shows the
// notice's number.
func TestCorrectionFromTheStaffPages(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.01")
	code := stacktest.Submit(s.As("congdan1"), p).Code
	if end := s.Drive(code, p); !end.Status.Final() && end.Status != motcua.StatusReturned {
		t.Fatalf("ended %s", end.Status)
	}
	page := "/can-bo/ho-so/" + string(code)
	officer := pageLogin(t, s.URL, "chuyenvien2")
	if r := officer.get(page); r.Status != 200 || !strings.Contains(r.Body, "Đính chính, thay thế kết quả") ||
		!strings.Contains(r.Body, `action="`+page+`/dinh-chinh"`) {
		t.Fatalf("the officer's page offers no proposal: %d", r.Status)
	}
	if r := officer.post(page+"/dinh-chinh", url.Values{"kind": {"correct"}, "reason": {"Ghi sai ngày sinh."}}); r.Status != 422 ||
		!strings.Contains(errorSummary(r), "nội dung được đính chính") {
		t.Errorf("a correction without what it corrects: %d %q", r.Status, errorSummary(r))
	}
	if r := officer.post(page+"/dinh-chinh", url.Values{"kind": {"correct"}, "reason": {"Ghi sai ngày sinh."},
		"corrections": {"Tại dòng «Ngày sinh», đã ghi «12/03/1985», nay đính chính là «21/03/1985»"}}); r.Status != 200 ||
		!strings.Contains(r.Body, "Chờ lãnh đạo ký") {
		t.Fatalf("proposal: %d %q", r.Status, errorSummary(r))
	}
	leader := pageLogin(t, s.URL, "lanhdao2")
	r := leader.get(page)
	if !strings.Contains(r.Body, "/dinh-chinh/1/ky") {
		t.Fatalf("the leader's page offers no signature")
	}
	if r := leader.post(page+"/dinh-chinh/1/ky", url.Values{"pin": {"000000"}}); r.Status != 422 || !strings.Contains(errorSummary(r), "PIN") {
		t.Errorf("a wrong PIN: %d %q", r.Status, errorSummary(r))
	}
	if r := leader.post(page+"/dinh-chinh/1/ky", url.Values{"pin": {"123456"}}); r.Status != 200 || !strings.Contains(r.Body, "chờ văn thư cấp số") {
		t.Fatalf("signature: %d %q", r.Status, errorSummary(r))
	}
	clerical := pageLogin(t, s.URL, "vanthu2")
	r = clerical.post(page+"/dinh-chinh/1/ban-hanh", nil)
	if r.Status != 200 || !strings.Contains(r.Body, "Đã ban hành: số") || !strings.Contains(r.Body, "/QĐ-") {
		t.Fatalf("issue: %d %q", r.Status, errorSummary(r))
	}
	if r := officer.post(page+"/dinh-chinh/1/ban-hanh", nil); r.Status != 403 && r.Status != 409 {
		t.Errorf("an officer issues: %d", r.Status)
	}
}
