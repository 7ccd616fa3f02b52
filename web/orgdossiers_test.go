package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// TestAnOrganizationsDossierOnThePages (issue 12): another representative of the
// association opens, on the applicant's pages, the dossier a colleague filed for it,
// sees the association as the applicant and is offered the supplement form; the staff's
// page names the association with its identifier and the representative who filed; the
// business's representative gets 404.
func TestAnOrganizationsDossierOnThePages(t *testing.T) {
	s := stacktest.Start(t)
	if _, err := s.Store.CreateUser(t.Context(), store.User{Username: "daidien2.hoi1", Name: "Phạm Thị Thu", Password: "demo",
		Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "hoi1"}, ""); err != nil {
		t.Fatal(err)
	}
	p := procedure(t, s, "1.014937")
	code := stacktest.Submit(s.As("daidien.hoi1"), p).Code
	act(t, s, "canbo1", code, map[string]any{"action": "receive"})
	reviewer, _ := s.Actor(code, p)
	act(t, s, reviewer, code, map[string]any{"action": "request-supplement", "note": "Thiếu danh sách.",
		"missing": []string{"Danh sách thành viên"}})

	byID := func(doc *html.Node, id string) string {
		n := find(doc, func(n *html.Node) bool { return attr(n, "id") == id })
		if len(n) != 1 {
			return ""
		}
		return strings.Join(strings.Fields(text(n[0])), " ")
	}
	const association = "Hội Văn thư - Lưu trữ Việt Nam (mẫu)"
	page := pageLogin(t, s.URL, "daidien2.hoi1").get("/ho-so/" + string(code))
	if page.Status != 200 {
		t.Fatalf("the other representative's dossier page: %d", page.Status)
	}
	if got := byID(page.Doc, "to-chuc"); !strings.Contains(got, association) || !strings.Contains(got, "HOI.DEMO.0001") {
		t.Errorf("the applicant's page names the organization %q", got)
	}
	if got := byID(page.Doc, "nguoi-dai-dien"); got != "Trịnh Văn Sơn" {
		t.Errorf("the applicant's page names who filed %q", got)
	}
	if len(find(page.Doc, func(n *html.Node) bool { return attr(n, "id") == "bo-sung" })) != 1 {
		t.Errorf("the other representative is not offered the supplement form")
	}
	staff := pageLogin(t, s.URL, reviewer).get("/can-bo/ho-so/" + string(code))
	if got := byID(staff.Doc, "to-chuc"); staff.Status != 200 || got != association+" (Mã định danh HOI.DEMO.0001)" {
		t.Errorf("the staff's page names the organization %q (%d)", got, staff.Status)
	}
	if got := byID(staff.Doc, "nguoi-dai-dien"); got != "Trịnh Văn Sơn" {
		t.Errorf("the staff's page names who filed %q", got)
	}
	if r := pageLogin(t, s.URL, "daidien.dn1").get("/ho-so/" + string(code)); r.Status != 404 {
		t.Errorf("the business's representative opens the association's dossier page: %d", r.Status)
	}
}
