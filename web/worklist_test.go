package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"motcua/internal/stacktest"
)

// TestInboxSearchCommentsAndSavedFilters: the inbox page finds a dossier by the
// applicant's name typed without diacritics and shows the applicant and both deadlines
// by name; a too short search is a field error; the filter is saved and listed as a
// link; a colleague's comment shows on the staff dossier page and never on the
// applicant's; the holder releases a claimed task from the inbox.
func TestInboxSearchCommentsAndSavedFilters(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	code := stacktest.Submit(s.As("congdan1"), p).Code
	clerk := pageLogin(t, s.URL, "canbo1")

	found := clerk.get("/can-bo/viec?q=" + url.QueryEscape("tran van minh")) // Trần Văn Minh
	row := find(found.Doc, func(n *html.Node) bool { return n.Data == "tr" && strings.Contains(text(n), string(code)) })
	if found.Status != 200 || len(row) != 1 || !strings.Contains(text(row[0]), "Trần Văn Minh") {
		t.Fatalf("search by name: %d, row %v", found.Status, row)
	}
	for _, head := range []string{"Người nộp", "Hạn của bước", "Hạn trả kết quả hồ sơ"} {
		if !strings.Contains(found.Body, ">"+head+"<") {
			t.Errorf("no column %q", head)
		}
	}
	if none := clerk.get("/can-bo/viec?q=" + url.QueryEscape("khong co ai")); strings.Contains(none.Body, string(code)) {
		t.Errorf("a search for nobody lists %s", code)
	}
	if short := clerk.get("/can-bo/viec?q=ab"); short.Status != 422 || !strings.Contains(errorSummary(short), "từ 3 đến 100 ký tự") {
		t.Errorf("a short search: %d %q", short.Status, errorSummary(short))
	}

	saved := clerk.post("/can-bo/viec/bo-loc", url.Values{"name": {"Hồ sơ của ông Minh"}, "q": {"q=tran+van+minh"}})
	if saved.Status != 200 || !strings.Contains(saved.Body, "Đã lưu bộ lọc.") {
		t.Fatalf("save filter: %d %s", saved.Status, saved.URL)
	}
	links := find(saved.Doc, func(n *html.Node) bool { return n.Data == "a" && text(n) == "Hồ sơ của ông Minh" })
	if len(links) != 1 {
		t.Fatalf("saved filter links: %d", len(links))
	}
	if u, err := url.Parse(attr(links[0], "href")); err != nil || u.Path != "/can-bo/viec" || u.Query().Get("q") != "tran van minh" {
		t.Fatalf("saved filter link %q", attr(links[0], "href"))
	}

	// Claim, then release from the inbox.
	claim := find(row[0], func(n *html.Node) bool { return n.Data == "form" })
	if len(claim) != 1 {
		t.Fatal("no claim form")
	}
	claimed := clerk.post(attr(claim[0], "action"), url.Values{"q": {"q=tran+van+minh"}})
	mine := find(claimed.Doc, func(n *html.Node) bool { return n.Data == "tr" && strings.Contains(text(n), string(code)) })
	if len(mine) != 1 || !strings.Contains(text(mine[0]), "Bạn đang xử lý") {
		t.Fatalf("after the claim: %d %v", claimed.Status, mine)
	}
	release := find(mine[0], func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/tra-lai") })
	if len(release) != 1 {
		t.Fatal("no release form on the holder's row")
	}
	released := clerk.post(attr(release[0], "action"), url.Values{"q": {"q=tran+van+minh"}})
	if released.Status != 200 || !strings.Contains(released.Body, "Đã trả lại việc cho đơn vị.") {
		t.Fatalf("release: %d %s", released.Status, released.URL)
	}

	// A colleague's comment: on the staff page, not on the applicant's.
	const note = "Đề nghị đối chiếu bản gốc chứng chỉ."
	commented := clerk.post("/can-bo/ho-so/"+string(code)+"/y-kien", url.Values{"body": {note}})
	if commented.Status != 200 || !strings.Contains(commented.Body, note) || !strings.Contains(commented.Body, "Lê Thị Hoa") {
		t.Fatalf("comment: %d", commented.Status)
	}
	if empty := clerk.post("/can-bo/ho-so/"+string(code)+"/y-kien", url.Values{"body": {"  "}}); empty.Status != 422 {
		t.Errorf("an empty comment: %d", empty.Status)
	}
	citizen := pageLogin(t, s.URL, "congdan1")
	if own := citizen.get("/ho-so/" + string(code)); own.Status != 200 || strings.Contains(own.Body, note) {
		t.Errorf("the applicant's page: %d, shows the comment: %v", own.Status, strings.Contains(own.Body, note))
	}
	if r := s.As("congdan1").Get("/api/v1/dossiers/" + string(code) + "/comments"); r.Status != 403 {
		t.Errorf("the applicant reads comments over the API: %d", r.Status)
	}
}
