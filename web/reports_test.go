package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"motcua/api"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/browsertest"
	"motcua/internal/httpx"
	"motcua/internal/store/storetest"
	"motcua/web"
)

// TestReportPageShowsForm06OfTheFixture reads /bao-cao for April 2025 over the reports'
// fixture (storetest.SeedForm06, counted by hand in internal/store/reports_test.go):
// the total line of form 06 equals the hand count, each chart has its title, and the
// indicators' table says 75 % on time.
func TestReportPageShowsForm06OfTheFixture(t *testing.T) {
	st := storetest.NewSeeded(t)
	storetest.SeedForm06(t, st)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return storetest.Form06Now }
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	srv := httptest.NewServer(web.New(web.Deps{HTTP: kit, Dossiers: dossiers.New(dossiers.Deps{Store: st, Catalog: cat, Now: now}),
		Store: st, Catalog: cat, Sessions: sessions, DevLogin: true, Now: now}).Handler())
	t.Cleanup(srv.Close)

	leader := pageLogin(t, srv.URL, "lanhdao1")
	p := leader.get("/bao-cao?period=2025-04")
	if p.Status != 200 {
		t.Fatalf("report page: %d", p.Status)
	}
	foot := find(p.Doc, func(n *html.Node) bool { return n.Data == "tfoot" })
	if len(foot) != 1 {
		t.Fatalf("form 06 has %d totals", len(foot))
	}
	var got []string
	for _, td := range find(foot[0], func(n *html.Node) bool { return n.Data == "td" }) {
		got = append(got, text(td))
	}
	// received, carried, new online, new desk, resolved, early, on time, late, open, in
	// time, overdue, withdrawn, stopped, refused at intake, average working days.
	want := "10 4 4 2 4 1 2 1 4 1 3 1 1 1 10,3"
	if strings.Join(got, " ") != want {
		t.Errorf("form 06's total on the page = %q, want %q", strings.Join(got, " "), want)
	}
	if !strings.Contains(p.Body, "Tháng 4/2025 (từ 15/03/2025 đến 14/04/2025)") {
		t.Errorf("the page does not name the period of Decree 09")
	}
	for _, svg := range find(p.Doc, func(n *html.Node) bool { return n.Data == "svg" }) {
		titles := find(svg, func(n *html.Node) bool { return n.Data == "title" && attr(n, "id") != "" })
		if len(titles) != 1 || !strings.Contains(text(titles[0]), "Tháng 4/2025") {
			t.Errorf("a chart that does not follow the period: %v", titles)
		}
	}
	rows := find(p.Doc, func(n *html.Node) bool {
		return n.Data == "tr" && strings.Contains(text(n), "trước hạn, đúng hạn")
	})
	if len(rows) != 1 || !strings.Contains(text(rows[0]), "75%") {
		t.Errorf("the on-time indicator is not 75%%")
	}
	if bad := leader.get("/bao-cao?period=2025-13"); bad.Status != 422 {
		t.Errorf("a period that does not exist: %d", bad.Status)
	}
}

// TestReportPageInABrowser opens /bao-cao for April 2025 over the reports' fixture in
// chromium: the page passes the accessibility checks, fits a 360 px phone (the wide
// form scrolls inside its frame), shows the hand-counted total, and its workbook link
// answers the XLSX through the reader's session.
func TestReportPageInABrowser(t *testing.T) {
	if _, err := browsertest.ExecPath(); err != nil {
		t.Skip(err)
	}
	st := storetest.NewSeeded(t)
	storetest.SeedForm06(t, st)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return storetest.Form06Now }
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	svc := dossiers.New(dossiers.Deps{Store: st, Catalog: cat, Now: now})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Dossiers: svc, Sessions: sessions, DevLogin: true}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Store: st, Catalog: cat, Sessions: sessions, DevLogin: true, Now: now})))
	t.Cleanup(srv.Close)

	tab := browsertest.Start(t, srv.URL).NewTab(t)
	tab.Go("/dang-nhap")
	tab.Type("#username", "lanhdao1")
	tab.Type("#password", "demo")
	tab.Submit("form.card button[type=submit]")
	tab.Go("/bao-cao?period=2025-04")
	if tab.Status() != 200 {
		t.Fatalf("report page: %d", tab.Status())
	}
	if got := strings.Join(strings.Fields(tab.Text("#bieu-06 tfoot")), " "); got != "Tổng cộng 10 4 4 2 4 1 2 1 4 1 3 1 1 1 10,3" {
		t.Errorf("form 06's total in the browser: %q", got)
	}
	for _, p := range tab.Accessibility() {
		t.Errorf("/bao-cao: %s", p)
	}
	if over := tab.OverflowAt(360); over > 0 {
		t.Errorf("/bao-cao is %d px too wide for a 360 px phone", over)
	}
	tab.Screenshot("reports")
	status, body := tab.Fetch(tab.Attr("a[download]", "href"))
	if status != 200 || !strings.HasPrefix(string(body), "PK") {
		t.Errorf("the workbook link: %d, %d bytes", status, len(body))
	}
}
