package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAdministratorRecordsAndRevokesADelegation: the administration page records a
// TUQ. delegation (a refused form keeps its values and links its errors to the fields;
// a delegate who does not hold the authority cannot pass it on), lists it in force, and
// revokes it; each change is audited, and a clerk gets the 403 page.
func TestAdministratorRecordsAndRevokesADelegation(t *testing.T) {
	base, count, _ := pagesWithoutTemporal(t)
	admin := pageLogin(t, base, "admin")
	if p := admin.get("/quan-tri"); p.Status != 200 || !strings.Contains(p.Body, "Ủy quyền ký") {
		t.Fatalf("admin index: %d", p.Status)
	}
	deputy := fmt.Sprint(count(`SELECT id FROM users WHERE username = 'lanhdao1'`))
	chief := fmt.Sprint(count(`SELECT id FROM users WHERE username = 'lanhdao3'`))

	bad := admin.post("/quan-tri/uy-quyen", url.Values{"delegatorId": {deputy}, "delegateId": {chief}, "kind": {"TUQ."},
		"from": {"2027-03-05"}, "until": {"2027-03-01"}, "document": {""}})
	if links := summaryLinks(t, bad); bad.Status != 422 || strings.Join(links, ",") != "uq-document" {
		t.Errorf("empty document: %d %v %q", bad.Status, links, errorSummary(bad))
	}
	bad = admin.post("/quan-tri/uy-quyen", url.Values{"delegatorId": {deputy}, "delegateId": {chief}, "kind": {"TUQ."},
		"procedures": {"1.014936"}, "from": {"2027-03-05"}, "until": {"2027-03-01"}, "document": {"Quyết định số 15/QĐ-BNV"}})
	if links := summaryLinks(t, bad); bad.Status != 422 || strings.Join(links, ",") != "uq-until" {
		t.Errorf("until before from: %d %v %q", bad.Status, links, errorSummary(bad))
	}
	if v := inputValue(bad.Doc, "document"); v != "Quyết định số 15/QĐ-BNV" {
		t.Errorf("the refused form lost its values: %q", v)
	}
	passOn := admin.post("/quan-tri/uy-quyen", url.Values{"delegatorId": {chief}, "delegateId": {deputy}, "kind": {"TUQ."},
		"procedures": {"1.014936"}, "from": {"2027-03-01"}, "until": {"2027-03-05"}, "document": {"x"}})
	if links := summaryLinks(t, passOn); passOn.Status != 422 || strings.Join(links, ",") != "uq-delegator" ||
		!strings.Contains(errorSummary(passOn), "không được ủy quyền lại") {
		t.Errorf("a delegate passes it on: %d %v %q", passOn.Status, links, errorSummary(passOn))
	}

	ok := admin.post("/quan-tri/uy-quyen", url.Values{"delegatorId": {deputy}, "delegateId": {chief}, "kind": {"TUQ."},
		"procedures": {"1.014936", "G09.TCPCP.01"}, "from": {"01/03/2099"}, "until": {"2099-03-05"},
		"document": {"Quyết định số 15/QĐ-BNV ngày 25/02/2099 của Bộ trưởng"}})
	if ok.Status != 200 || ok.URL.Query().Get("ok") != "saved" || !strings.Contains(ok.Body, "01/03/2099 – 05/03/2099") ||
		!strings.Contains(ok.Body, "Chưa đến ngày hiệu lực") || !strings.Contains(ok.Body, "Thừa ủy quyền (TUQ.)") {
		t.Fatalf("record a delegation: %d %q", ok.Status, errorSummary(ok))
	}
	id := count(`SELECT id FROM delegations`)
	rm := find(ok.Doc, func(n *html.Node) bool {
		return n.Data == "form" && attr(n, "action") == fmt.Sprintf("/quan-tri/uy-quyen/%d/thu-hoi", id)
	})
	if len(rm) != 1 {
		t.Fatalf("no revoke form")
	}
	if r := admin.post(attr(rm[0], "action"), nil); r.Status != 200 || !strings.Contains(r.Body, "Đã thu hồi") ||
		count(`SELECT count(*) FROM delegations WHERE revoked_at IS NOT NULL`) != 1 {
		t.Errorf("revoke: %d", r.Status)
	}
	if again := admin.post(attr(rm[0], "action"), nil); again.Status != 409 {
		t.Errorf("revoke twice: %d", again.Status)
	}
	for action, want := range map[string]int{"delegation.create": 1, "delegation.revoke": 1} {
		if n := count(`SELECT count(*) FROM audit_log WHERE action = $1`, action); n != want {
			t.Errorf("audit %s: %d rows, want %d", action, n, want)
		}
	}
	clerk := pageLogin(t, base, "canbo1")
	if f := clerk.get("/quan-tri/uy-quyen"); f.Status != 403 {
		t.Errorf("a clerk on the delegations: %d", f.Status)
	}
}
