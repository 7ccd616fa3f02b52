package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/dossiers"
	"motcua/exchange"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/web"
)

// The staff pages are tested over HTTP against the real server and real HTML: a person
// logs in through the password form with a cookie jar, reads the CSRF token from the
// page and posts forms as a browser without JavaScript would. Every page fetched is
// also checked for what the pages promise (see checkHTML).

// browser is one person's cookie session on the pages.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

// shown is a page as the browser got it, after redirects.
type shown struct {
	Status int
	URL    *url.URL
	Header http.Header
	Body   string
	Doc    *html.Node
}

// pageLogin logs a user in through POST /dang-nhap, with the demo password unless
// another is given.
func pageLogin(t *testing.T, base, username string, password ...string) *browser {
	t.Helper()
	pass := "demo"
	if len(password) > 0 {
		pass = password[0]
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, base: base, c: &http.Client{Jar: jar}}
	resp, err := b.c.PostForm(base+"/dang-nhap", url.Values{"username": {username}, "password": {pass}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	b.get("/")
	if b.csrf == "" {
		t.Fatalf("login %s: the page has no CSRF token", username)
	}
	return b
}

func (b *browser) do(req *http.Request) shown {
	b.t.Helper()
	req.Header.Set("Accept", "text/html")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := shown{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		doc, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			b.t.Fatalf("%s: %v", req.URL.Path, err)
		}
		p.Doc = doc
		checkHTML(b.t, resp.Request.URL.Path, p.Body, doc)
		if v := inputValue(doc, "csrf_token"); v != "" {
			b.csrf = v
		}
	}
	return p
}

func (b *browser) get(path string) shown {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

// post sends a form with the session's CSRF token.
func (b *browser) post(path string, form url.Values) shown {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// checkHTML checks what every page promises: UTF-8 in NFC, no scripts or inline styles
// (CSP forbids them), no duplicate ids, a <label for> for every input, select and
// textarea, one h1 and headings that do not skip levels. The error summary's h2 may
// come before the h1 (it opens main, as on GOV.UK), so the count starts at level 1.
func checkHTML(t *testing.T, path, body string, doc *html.Node) {
	t.Helper()
	if !utf8.ValidString(body) || !norm.NFC.IsNormalString(body) {
		t.Errorf("%s: not UTF-8 in NFC", path)
	}
	ids := map[string]int{}
	labels := map[string]bool{}
	var controls []string
	var headings []int
	var walk func(n *html.Node, inSVG bool)
	walk = func(n *html.Node, inSVG bool) {
		if n.Type == html.ElementNode {
			if n.Data == "svg" {
				inSVG = true
			}
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			if _, ok := attrOK(n, "style"); ok {
				t.Errorf("%s: inline style on <%s>", path, n.Data)
			}
			switch n.Data {
			case "script":
				t.Errorf("%s: <script>", path)
			case "label":
				if f := attr(n, "for"); f != "" {
					labels[f] = true
				}
			case "input", "select", "textarea":
				switch attr(n, "type") {
				case "hidden", "submit", "button", "reset", "image":
				default:
					controls = append(controls, n.Data+"#"+attr(n, "id"))
				}
			case "h1", "h2", "h3", "h4", "h5", "h6":
				if !inSVG {
					headings = append(headings, int(n.Data[1]-'0'))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inSVG)
		}
	}
	walk(doc, false)
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q used %d times", path, id, n)
		}
	}
	for _, c := range controls {
		_, id, _ := strings.Cut(c, "#")
		if id == "" || !labels[id] {
			t.Errorf("%s: %s has no <label for>", path, c)
		}
	}
	h1, prev := 0, 1
	for _, h := range headings {
		if h == 1 {
			h1++
		}
		if h > prev+1 {
			t.Errorf("%s: heading h%d after h%d skips a level (%v)", path, h, prev, headings)
		}
		prev = h
	}
	if h1 != 1 {
		t.Errorf("%s: %d h1 headings", path, h1)
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

// find returns the elements for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func inputValue(doc *html.Node, name string) string {
	for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == name }) {
		return attr(n, "value")
	}
	return ""
}

// text is the text content of n, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// errorSummary is the text of the page's error summary, "" when it has none.
func errorSummary(p shown) string {
	for _, n := range find(p.Doc, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "error-summary") }) {
		return text(n)
	}
	return ""
}

// summaryLinks are the targets of the error summary's links; each must be an id on the page.
func summaryLinks(t *testing.T, p shown) []string {
	t.Helper()
	var out []string
	for _, s := range find(p.Doc, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "error-summary") }) {
		for _, a := range find(s, func(n *html.Node) bool { return n.Data == "a" }) {
			id := strings.TrimPrefix(attr(a, "href"), "#")
			if len(find(p.Doc, func(n *html.Node) bool { return attr(n, "id") == id })) != 1 {
				t.Errorf("%s: the error summary links to #%s, which is not on the page", p.URL.Path, id)
			}
			out = append(out, id)
		}
	}
	return out
}

func historyLength(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) int {
	t.Helper()
	var n int
	if err := s.Store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE d.code = $1`, code).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClerkWorksADossierFromTheInboxPages: the inbox lists a submitted dossier with its
// SLA bucket in words and the counts; the clerk claims it; the dossier page shows the
// form data with the form's labels, the attachments and the receive form naming the
// notice it makes; receiving from that form changes the state and the history; a
// decision the workflow refuses (receive twice, sign by a clerk) shows the error
// summary with the status kept and changes nothing; a citizen gets the 403 page; the
// statistics page draws an accessible chart.
func TestClerkWorksADossierFromTheInboxPages(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	code := stacktest.Submit(s.As("congdan1"), p).Code
	clerk := pageLogin(t, s.URL, "canbo1")

	inbox := clerk.get("/can-bo/viec")
	if inbox.Status != 200 || !strings.Contains(inbox.Body, string(code)) {
		t.Fatalf("inbox: %d, lists %s: %v", inbox.Status, code, strings.Contains(inbox.Body, string(code)))
	}
	row := find(inbox.Doc, func(n *html.Node) bool { return n.Data == "tr" && strings.Contains(text(n), string(code)) })
	if len(row) != 1 || !strings.Contains(text(row[0]), "Chưa có người nhận") {
		t.Fatalf("inbox row: %v", row)
	}
	// The intake step's due time decides the bucket, so it depends on the hour the test
	// runs: whichever it is, the row says it in words and the counts agree.
	tags := find(row[0], func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "tag bucket-") })
	if len(tags) != 1 {
		t.Fatalf("the row shows no SLA bucket")
	}
	bucket := strings.TrimPrefix(strings.Fields(attr(tags[0], "class"))[1], "bucket-")
	labels := map[string]string{"on_time": "Trong hạn", "due_soon": "Sắp đến hạn", "overdue": "Quá hạn"}
	if text(tags[0]) != labels[bucket] {
		t.Errorf("bucket %s shown as %q", bucket, text(tags[0]))
	}
	counts := find(inbox.Doc, func(n *html.Node) bool { return n.Data == "ul" && attr(n, "class") == "counts" })
	if len(counts) != 1 {
		t.Fatalf("no counts")
	}
	for _, li := range find(counts[0], func(n *html.Node) bool { return n.Data == "li" }) {
		want := "0 "
		if attr(li, "class") == "bucket-"+bucket {
			want = "1 "
		}
		if !strings.HasPrefix(text(li), want) {
			t.Errorf("count %q, want it to start with %q", text(li), want)
		}
	}
	if links := find(row[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/can-bo/ho-so/"+string(code) }); len(links) != 1 {
		t.Errorf("the row does not link to the dossier page")
	}
	for b := range labels {
		if f := clerk.get("/can-bo/viec?bucket=" + b); strings.Contains(f.Body, string(code)) != (b == bucket) {
			t.Errorf("the %s filter and a dossier in %s", b, bucket)
		}
	}
	if ok := clerk.get("/can-bo/viec?dueBefore=31/12/2099"); ok.Status != 200 || !strings.Contains(ok.Body, string(code)) {
		t.Errorf("a day written dd/mm/yyyy: %d", ok.Status)
	}
	if bad := clerk.get("/can-bo/viec?dueBefore=31/02/2026"); bad.Status != 422 || !strings.Contains(errorSummary(bad), "YYYY-MM-DD") {
		t.Errorf("a bad filter: %d %q", bad.Status, errorSummary(bad))
	} else if links := summaryLinks(t, bad); len(links) != 1 || links[0] != "dueBefore" {
		t.Errorf("a bad filter's error links to %v", links)
	}

	// Claim the task.
	claim := find(row[0], func(n *html.Node) bool { return n.Data == "form" })
	if len(claim) != 1 {
		t.Fatalf("no claim form in the row")
	}
	claimed := clerk.post(attr(claim[0], "action"), url.Values{"q": {""}})
	if claimed.Status != 200 || claimed.URL.Query().Get("ok") != "claimed" || !strings.Contains(claimed.Body, "Đã nhận xử lý hồ sơ.") ||
		!strings.Contains(claimed.Body, "Bạn đang xử lý") {
		t.Errorf("claim: %d %s", claimed.Status, claimed.URL)
	}
	other := pageLogin(t, s.URL, "chuyenvien2")
	if again := other.post(attr(claim[0], "action"), nil); again.Status != 409 || !strings.Contains(errorSummary(again), "đã có người nhận") {
		t.Errorf("a claim by another unit: %d %q", again.Status, errorSummary(again))
	}

	// The dossier page: form data with the e-form's labels, files, the receive form.
	page := clerk.get("/can-bo/ho-so/" + string(code))
	if page.Status != 200 {
		t.Fatalf("dossier page: %d", page.Status)
	}
	for _, want := range []string{"Trần Văn Minh", "CCHNLT-2020-0421", "12/03/1985", "Tiếp nhận hồ sơ",
		"Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the dossier page lacks %q", want)
		}
	}
	if f := find(page.Doc, func(n *html.Node) bool { return n.Data == "dt" && text(n) == p.Form.Sections[0].Fields[0].Label }); len(f) != 1 {
		t.Errorf("the form data is not labelled with the e-form's labels")
	}
	files := find(page.Doc, func(n *html.Node) bool {
		return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/api/v1/dossiers/"+string(code)+"/files/")
	})
	if len(files) == 0 {
		t.Fatalf("the dossier page has no attachment links")
	}
	att := clerk.get(attr(files[0], "href"))
	if att.Status != 200 || !strings.HasPrefix(att.Body, "%PDF-") && !strings.HasPrefix(att.Body, "\x89PNG") {
		t.Errorf("attachment with the page's cookie: %d", att.Status)
	}
	if cd := att.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") {
		t.Errorf("attachment Content-Disposition = %q, want inline", cd)
	}
	before := historyLength(t, s, code)

	// A decision the workflow refuses now: the clerk tries to sign.
	refused := clerk.post("/can-bo/ho-so/"+string(code)+"/xu-ly", url.Values{"action": {"sign"}, "pin": {"123456"}})
	if refused.Status != 409 || !strings.Contains(errorSummary(refused), "không thực hiện được ở trạng thái hiện tại") {
		t.Errorf("sign by a clerk: %d %q", refused.Status, errorSummary(refused))
	}
	summaryLinks(t, refused)
	if n := historyLength(t, s, code); n != before || s.State(code).Status != motcua.StatusSubmitted {
		t.Errorf("a refused decision changed the dossier: %d events (was %d), %s", n, before, s.State(code).Status)
	}
	// A refusal without its reason: 422, the error links to the reason's field.
	noReason := clerk.post("/can-bo/ho-so/"+string(code)+"/xu-ly", url.Values{"action": {"refuse"}, "note": {"  "}})
	if noReason.Status != 422 || !strings.Contains(errorSummary(noReason), "lý do") {
		t.Errorf("refuse without a reason: %d %q", noReason.Status, errorSummary(noReason))
	} else if links := summaryLinks(t, noReason); len(links) != 1 || links[0] != "refuse-note" {
		t.Errorf("refuse without a reason links to %v", links)
	}

	// Receive from the page's form.
	rf := find(page.Doc, func(n *html.Node) bool {
		return n.Data == "form" && len(find(n, func(c *html.Node) bool { return attr(c, "name") == "action" && attr(c, "value") == "receive" })) == 1
	})
	if len(rf) != 1 {
		t.Fatalf("no receive form")
	}
	received := clerk.post(attr(rf[0], "action"), url.Values{"action": {"receive"}, "requestId": {inputValue(rf[0], "requestId")},
		"note": {"Hồ sơ đầy đủ."}})
	if received.Status != 200 || received.URL.Query().Get("ok") != "done" || !strings.Contains(received.Body, "Đã ghi nhận thao tác.") {
		t.Fatalf("receive: %d %s %q", received.Status, received.URL, errorSummary(received))
	}
	if st := s.State(code).Status; st != motcua.StatusInReview {
		t.Errorf("after receive: %s", st)
	}
	timeline := find(received.Doc, func(n *html.Node) bool { return n.Data == "ol" && attr(n, "class") == "timeline" })
	if len(timeline) != 1 || !strings.Contains(text(timeline[0]), "Tiếp nhận hồ sơ") || !strings.Contains(text(timeline[0]), "Hồ sơ đầy đủ.") {
		t.Errorf("the history does not show the receipt")
	}
	// The receipt is made after the click: it is on the page once made.
	s.Settle(code)
	received = clerk.get(received.URL.Path)
	if !strings.Contains(received.Body, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)</a>") {
		t.Errorf("the receipt is not among the documents")
	}
	if !strings.Contains(received.Body, "Phiếu kiểm soát quá trình giải quyết hồ sơ") || !strings.Contains(received.Body, "Cục Văn thư và Lưu trữ nhà nước") {
		t.Errorf("the control sheet does not show the hand-over")
	}

	// Receive again: refused, nothing changes.
	before = historyLength(t, s, code)
	twice := clerk.post("/can-bo/ho-so/"+string(code)+"/xu-ly", url.Values{"action": {"receive"}})
	if twice.Status != 409 || errorSummary(twice) == "" {
		t.Errorf("receive twice: %d %q", twice.Status, errorSummary(twice))
	}
	if n := historyLength(t, s, code); n != before {
		t.Errorf("receive twice wrote %d events", n-before)
	}
	// The clerk of the desk is not offered the reviewer's decisions.
	if strings.Contains(twice.Body, `value="submit-for-signing"`) {
		t.Errorf("the desk clerk is offered submit-for-signing at another unit's step")
	}
	reviewer := pageLogin(t, s.URL, "chuyenvien2")
	if rp := reviewer.get("/can-bo/ho-so/" + string(code)); !strings.Contains(rp.Body, `value="submit-for-signing"`) ||
		!strings.Contains(rp.Body, "Dự thảo kết quả") {
		t.Errorf("the reviewer is not offered submit-for-signing")
	}

	// A staff member of a unit that never held the dossier, and a dossier that does not exist.
	if nf := pageLogin(t, s.URL, "chuyenvien1").get("/can-bo/ho-so/" + string(code)); nf.Status != 404 {
		t.Errorf("another unit's dossier: %d", nf.Status)
	}
	if nf := clerk.get("/can-bo/ho-so/000.00.01.G09-200101-9999"); nf.Status != 404 {
		t.Errorf("a dossier that does not exist: %d", nf.Status)
	}

	// A citizen on the staff pages: the 403 page, in HTML, saying what to do.
	citizen := pageLogin(t, s.URL, "congdan1")
	for _, path := range []string{"/can-bo/viec", "/lanh-dao/trinh-ky", "/thong-ke", "/quan-tri"} {
		f := citizen.get(path)
		if f.Status != 403 || f.Doc == nil || !strings.Contains(f.Body, "Bạn không có quyền xem trang này") ||
			!strings.Contains(f.Body, "liên hệ quản trị") {
			t.Errorf("citizen on %s: %d", path, f.Status)
		}
	}
	if f := citizen.post("/can-bo/ho-so/"+string(code)+"/xu-ly", url.Values{"action": {"stop"}, "note": {"x"}}); f.Status != 403 {
		t.Errorf("citizen posts a decision: %d", f.Status)
	}
	// Without a login the pages send to the login form; without the CSRF token a form is refused.
	anon := &browser{t: t, base: s.URL, c: &http.Client{}}
	if f := anon.get("/can-bo/viec"); !strings.HasPrefix(f.URL.Path, "/dang-nhap") {
		t.Errorf("anonymous inbox: %s", f.URL)
	}
	forged := clerk.csrf
	clerk.csrf = "forged"
	if f := clerk.post("/can-bo/ho-so/"+string(code)+"/xu-ly", url.Values{"action": {"stop"}, "note": {"x"}}); f.Status != 403 {
		t.Errorf("a form without the CSRF token: %d", f.Status)
	}
	clerk.csrf = forged

	// The statistics: an SVG chart with a title, and its table.
	leader := pageLogin(t, s.URL, "lanhdao1")
	st := leader.get("/thong-ke")
	if st.Status != 200 {
		t.Fatalf("stats: %d", st.Status)
	}
	svgs := find(st.Doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "role") == "img" })
	if len(svgs) == 0 {
		t.Fatalf("the statistics page has no <svg role=img>")
	}
	for _, svg := range svgs {
		titles := find(svg, func(n *html.Node) bool { return n.Data == "title" && attr(n, "id") != "" })
		if len(titles) != 1 || !strings.Contains(attr(svg, "aria-labelledby"), attr(titles[0], "id")) || text(titles[0]) == "" {
			t.Errorf("a chart without its labelling <title>")
		}
	}
	if !strings.Contains(st.Body, "<span class=\"n\">1</span> hồ sơ tiếp nhận") {
		t.Errorf("the statistics do not count the received dossier")
	}
	if bad := leader.get("/thong-ke?from=2026-12-01&to=2026-11-01"); bad.Status != 422 || !strings.Contains(errorSummary(bad), "Kỳ thống kê") {
		t.Errorf("stats with a bad period: %d %q", bad.Status, errorSummary(bad))
	} else if links := summaryLinks(t, bad); len(links) != 1 || links[0] != "to" {
		t.Errorf("the bad period's error links to %v", links)
	}
	if f := clerk.get("/thong-ke"); f.Status != 200 {
		t.Errorf("a clerk reads the statistics: %d", f.Status)
	}
}

// TestLeaderSignsTwoDossiersFromTheQueuePage: the queue lists the dossiers awaiting
// signature with their drafts; a wrong PIN signs nothing and says so for each chosen
// dossier; the right PIN signs both; "send back" needs a comment and returns the
// dossier to the reviewer.
func TestLeaderSignsTwoDossiersFromTheQueuePage(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	citizen := s.As("congdan1")
	var codes []motcua.DossierCode
	for range 3 {
		code := stacktest.Submit(citizen, p).Code
		act(t, s, "canbo1", code, map[string]any{"action": "receive"})
		act(t, s, "chuyenvien2", code, map[string]any{"action": "submit-for-signing", "note": "Kính trình."})
		codes = append(codes, code)
	}
	leader := pageLogin(t, s.URL, "lanhdao2") // KT. CỤC TRƯỞNG: the Cục's results
	q := leader.get("/lanh-dao/trinh-ky")
	if q.Status != 200 {
		t.Fatalf("queue: %d", q.Status)
	}
	for _, c := range codes {
		boxes := find(q.Doc, func(n *html.Node) bool {
			return n.Data == "input" && attr(n, "name") == "codes" && attr(n, "value") == string(c)
		})
		if len(boxes) != 1 || attr(boxes[0], "form") != "ky-so" {
			t.Errorf("%s: no checkbox of the signing form", c)
		}
		drafts := find(q.Doc, func(n *html.Node) bool {
			return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/api/v1/dossiers/"+string(c)+"/documents/")
		})
		if len(drafts) != 1 {
			t.Fatalf("%s: no draft link", c)
		}
		if d := leader.get(attr(drafts[0], "href")); d.Status != 200 || !strings.HasPrefix(d.Body, "%PDF-") {
			t.Errorf("%s: draft %d", c, d.Status)
		}
	}
	pin := find(q.Doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "id") == "pin" })
	if len(pin) != 1 || attr(pin[0], "type") != "password" || attr(pin[0], "autocomplete") != "off" ||
		!strings.Contains(q.Body, `<label for="pin">Mã PIN chữ ký số</label>`) || !strings.Contains(q.Body, "Ký số các hồ sơ đã chọn") {
		t.Errorf("the PIN input is not as promised")
	}
	rid := inputValue(find(q.Doc, func(n *html.Node) bool { return attr(n, "id") == "ky-so" })[0], "requestId")

	// Send back the third, first without the comment it needs.
	back := "/can-bo/ho-so/" + string(codes[2]) + "/xu-ly"
	if r := leader.post(back, url.Values{"action": {"return-for-rework"}, "next": {"/lanh-dao/trinh-ky"}}); r.Status != 422 ||
		!strings.Contains(errorSummary(r), "lý do") {
		t.Errorf("send back without a comment: %d %q", r.Status, errorSummary(r))
	}
	if r := leader.post(back, url.Values{"action": {"return-for-rework"}, "next": {"/lanh-dao/trinh-ky"}, "note": {"Bổ sung căn cứ pháp lý."}}); r.URL.Path != "/lanh-dao/trinh-ky" ||
		strings.Contains(r.Body, string(codes[2])) {
		t.Errorf("send back: %d %s", r.Status, r.URL)
	}
	if st := s.State(codes[2]).Status; st != motcua.StatusInReview {
		t.Errorf("sent back: %s", st)
	}

	chosen := url.Values{"codes": {string(codes[0]), string(codes[1])}, "requestId": {rid + "-wrong"}}
	chosen.Set("pin", "999999")
	wrong := leader.post("/lanh-dao/trinh-ky", chosen)
	if wrong.Status != 422 || !strings.Contains(errorSummary(wrong), "Mã PIN không đúng") {
		t.Errorf("wrong PIN: %d %q", wrong.Status, errorSummary(wrong))
	}
	summaryLinks(t, wrong)
	for _, c := range codes[:2] {
		res := find(wrong.Doc, func(n *html.Node) bool { return attr(n, "id") == "kq-"+string(c) })
		if len(res) != 1 || strings.Contains(text(res[0]), "Đã ký số") || !strings.Contains(text(res[0]), "ký") {
			t.Errorf("%s: no error in the results", c)
		} else if !strings.Contains(text(res[0]), "Mã PIN không đúng") && !strings.Contains(text(res[0]), "Chưa thực hiện") {
			t.Errorf("%s: result %q", c, text(res[0]))
		}
		if st := s.State(c).Status; st != motcua.StatusAwaitingSignature {
			t.Errorf("%s after a wrong PIN: %s", c, st)
		}
	}
	if boxes := find(wrong.Doc, func(n *html.Node) bool {
		_, checked := attrOK(n, "checked")
		return n.Data == "input" && attr(n, "name") == "codes" && checked
	}); len(boxes) != 2 {
		t.Errorf("after a wrong PIN %d dossiers are still chosen, want 2", len(boxes))
	}

	chosen.Set("pin", "123456")
	chosen.Set("requestId", rid)
	signed := leader.post("/lanh-dao/trinh-ky", chosen)
	if signed.Status != 200 || errorSummary(signed) != "" || !strings.Contains(signed.Body, "Đã ký số 2 hồ sơ.") {
		t.Fatalf("sign: %d %q", signed.Status, errorSummary(signed))
	}
	for _, c := range codes[:2] {
		if st := s.State(c).Status; st != motcua.StatusSigned {
			t.Errorf("%s: %s after signing", c, st)
		}
		if strings.Contains(text(find(signed.Doc, func(n *html.Node) bool { return n.Data == "main" })[0]), "Xem hồ sơ "+string(c)) {
			t.Errorf("%s is still in the queue", c)
		}
	}
	if none := leader.post("/lanh-dao/trinh-ky", url.Values{"pin": {"123456"}}); none.Status != 422 || errorSummary(none) == "" {
		t.Errorf("nothing chosen: %d", none.Status)
	}
	if f := pageLogin(t, s.URL, "canbo1").get("/lanh-dao/trinh-ky"); f.Status != 403 {
		t.Errorf("a clerk opens the signing queue: %d", f.Status)
	}
}

// pagesWithoutTemporal serves the pages over a database of their own, without
// Temporal: the administration needs only PostgreSQL and the catalog.
func pagesWithoutTemporal(t *testing.T) (string, func(q string, args ...any) int, *store.Store) {
	t.Helper()
	st := storetest.NewSeeded(t)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	srv := httptest.NewServer(web.New(web.Deps{HTTP: kit, Dossiers: dossiers.New(dossiers.Deps{Store: st, Catalog: cat}),
		Exchange: exchange.New(exchange.Deps{Store: st}), Store: st, Catalog: cat, Sessions: sessions, DevLogin: true}).Handler())
	t.Cleanup(srv.Close)
	count := func(q string, args ...any) int {
		var n int
		if err := st.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return srv.URL, count, st
}

// TestAdministratorManagesUnitsUsersAndTheCalendar: the administrator creates a unit and
// a user (after the forms refuse bad input with errors linked to their fields), changes
// roles, adds and removes a holiday override, reads the procedure versions; every
// change is audited; a non-administrator gets the 403 page.
func TestAdministratorManagesUnitsUsersAndTheCalendar(t *testing.T) {
	base, count, st := pagesWithoutTemporal(t)
	admin := pageLogin(t, base, "admin")
	if p := admin.get("/quan-tri"); p.Status != 200 || !strings.Contains(p.Body, "Lịch làm việc") {
		t.Fatalf("admin index: %d", p.Status)
	}

	bad := admin.post("/quan-tri/don-vi", url.Values{"code": {"ph/ong"}, "agency": {"G09"}, "name": {""}, "parent": {"G09"}})
	if bad.Status != 422 {
		t.Errorf("bad unit: %d", bad.Status)
	}
	if links := summaryLinks(t, bad); strings.Join(links, ",") != "unit-name,unit-code,unit-agency" {
		t.Errorf("bad unit's errors link to %v: %q", links, errorSummary(bad))
	}
	unit := admin.post("/quan-tri/don-vi", url.Values{"code": {"pcc"}, "agency": {"000.00.06.G09"}, "name": {"Phòng Cải cách hành chính"},
		"parent": {"VP"}})
	if unit.Status != 200 || unit.URL.Query().Get("ok") != "saved" || !strings.Contains(unit.Body, "Phòng Cải cách hành chính") {
		t.Fatalf("create unit: %d %s %q", unit.Status, unit.URL, errorSummary(unit))
	}
	if n := count(`SELECT count(*) FROM units WHERE code = 'PCC' AND path = '/G09/VP/PCC/'`); n != 1 {
		t.Errorf("the unit is not under VP")
	}
	if dup := admin.post("/quan-tri/don-vi", url.Values{"code": {"PCC"}, "agency": {"000.00.06.G09"}, "name": {"Trùng"}, "parent": {"VP"}}); dup.Status != 422 ||
		!strings.Contains(errorSummary(dup), "đã tồn tại") {
		t.Errorf("a duplicate unit: %d %q", dup.Status, errorSummary(dup))
	}

	badUser := admin.post("/quan-tri/tai-khoan", url.Values{"username": {"Ab"}, "name": {"Nguyễn Văn An"}, "unit": {"PCC"},
		"email": {"khong-phai-thu"}, "password": {"ngan"}})
	if badUser.Status != 422 {
		t.Errorf("bad user: %d", badUser.Status)
	}
	if links := summaryLinks(t, badUser); strings.Join(links, ",") != "user-username,user-email,user-role-clerk,user-password" {
		t.Errorf("bad user's errors link to %v", links)
	}
	if v := inputValue(badUser.Doc, "name"); v != "Nguyễn Văn An" {
		t.Errorf("the refused form lost its values: %q", v)
	}
	user := admin.post("/quan-tri/tai-khoan", url.Values{"username": {"canbo9"}, "name": {"Nguyễn Văn An"}, "title": {"Chuyên viên"},
		"unit": {"PCC"}, "roles": {"clerk"}, "password": {"mat-khau-tam"}})
	if user.Status != 200 || user.URL.Query().Get("ok") != "saved" || !strings.Contains(user.Body, "canbo9") {
		t.Fatalf("create user: %d %q", user.Status, errorSummary(user))
	}
	newbie := pageLogin(t, base, "canbo9", "mat-khau-tam")
	if f := newbie.get("/can-bo/viec"); f.Status != 200 {
		t.Errorf("the new clerk's inbox: %d", f.Status)
	}
	if f := newbie.get("/quan-tri"); f.Status != 403 {
		t.Errorf("a clerk on the administration: %d", f.Status)
	}
	id := count(`SELECT id FROM users WHERE username = 'canbo9'`)
	if len(find(user.Doc, func(n *html.Node) bool { return attr(n, "action") == fmt.Sprintf("/quan-tri/tai-khoan/%d/vai-tro", id) })) != 1 {
		t.Fatalf("no roles form for canbo9")
	}
	roles := admin.post(fmt.Sprintf("/quan-tri/tai-khoan/%d/vai-tro", id), url.Values{"roles": {"clerk", "leader"}})
	if roles.Status != 200 || count(`SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username = 'canbo9'`) != 2 {
		t.Errorf("change roles: %d", roles.Status)
	}
	if f := newbie.get("/lanh-dao/trinh-ky"); f.Status != 200 {
		t.Errorf("the new leader's signing queue: %d", f.Status)
	}
	adminID := count(`SELECT id FROM users WHERE username = 'admin'`)
	self := admin.post(fmt.Sprintf("/quan-tri/tai-khoan/%d/vai-tro", adminID), url.Values{"roles": {"clerk"}})
	if self.Status != 422 || !strings.Contains(errorSummary(self), "chính mình") {
		t.Errorf("the administrator drops their own role: %d %q", self.Status, errorSummary(self))
	} else if links := summaryLinks(t, self); len(links) != 1 || links[0] != fmt.Sprintf("roles-%d-clerk", adminID) {
		t.Errorf("the roles error links to %v", links)
	}

	noDay := admin.post("/quan-tri/lich", url.Values{"day": {"2026-02-30"}, "kind": {"day_off"}, "name": {""}})
	if links := summaryLinks(t, noDay); noDay.Status != 422 || strings.Join(links, ",") != "cal-name,cal-day" {
		t.Errorf("bad override: %d %v", noDay.Status, links)
	}
	cal := admin.post("/quan-tri/lich", url.Values{"day": {"2026-12-24"}, "kind": {"day_off"}, "name": {"Nghỉ bù Giáng sinh (thử)"}})
	if cal.Status != 200 || !strings.Contains(cal.Body, "Thứ Năm, 24/12/2026") || !strings.Contains(cal.Body, "trong vòng 30 giây") {
		t.Fatalf("add override: %d %q", cal.Status, errorSummary(cal))
	}
	if n := count(`SELECT count(*) FROM calendar_overrides WHERE day = '2026-12-24' AND kind = 'day_off'`); n != 1 {
		t.Errorf("the override is not stored")
	}
	rm := find(cal.Doc, func(n *html.Node) bool {
		return n.Data == "form" && attr(n, "action") == "/quan-tri/lich/2026-12-24/xoa"
	})
	if len(rm) != 1 {
		t.Fatalf("no remove form")
	}
	if r := admin.post(attr(rm[0], "action"), nil); r.Status != 200 || count(`SELECT count(*) FROM calendar_overrides`) != 0 {
		t.Errorf("remove override: %d", r.Status)
	}
	if again := admin.post(attr(rm[0], "action"), nil); again.Status != 404 {
		t.Errorf("remove an override twice: %d", again.Status)
	}

	if procs := admin.get("/quan-tri/thu-tuc"); procs.Status != 200 || !strings.Contains(procs.Body, "G09.CVTLT.02") ||
		!strings.Contains(procs.Body, "Đang áp dụng") {
		t.Errorf("procedure versions: %d", procs.Status)
	}
	for action, want := range map[string]int{"unit.create": 1, "user.create": 1, "user.roles": 1, "calendar.set": 1, "calendar.remove": 1} {
		if n := count(`SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = $1 AND u.username = 'admin'`, action); n != want {
			t.Errorf("audit %s: %d rows, want %d", action, n, want)
		}
	}
	if broken, err := st.VerifyAudit(context.Background()); err != nil || broken != 0 {
		t.Errorf("the audit chain breaks at row %d: %v", broken, err)
	}
	clerk := pageLogin(t, base, "canbo1")
	for _, path := range []string{"/quan-tri", "/quan-tri/don-vi", "/quan-tri/tai-khoan", "/quan-tri/lich", "/quan-tri/thu-tuc"} {
		if f := clerk.get(path); f.Status != 403 || !strings.Contains(f.Body, "Bạn không có quyền xem trang này") {
			t.Errorf("a clerk on %s: %d", path, f.Status)
		}
	}
	if f := clerk.post("/quan-tri/don-vi", url.Values{"code": {"XX"}, "agency": {"000.00.07.G09"}, "name": {"X"}}); f.Status != 403 ||
		count(`SELECT count(*) FROM units WHERE code = 'XX'`) != 0 {
		t.Errorf("a clerk creates a unit: %d", f.Status)
	}
}
