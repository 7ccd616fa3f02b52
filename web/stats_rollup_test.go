package web_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"motcua/api"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/store/storetest"
	"motcua/web"
)

// TestStatisticsPageReadsForm06sRollup: /thong-ke?period=2025-04 over the reports'
// fixture (storetest.SeedForm06, counted by hand in internal/store/reports_test.go)
// shows the period's figures per receiving unit from the rollup form 06 reads, and its
// total equals the hand count and GET /api/v1/reports/form06's total.
func TestStatisticsPageReadsForm06sRollup(t *testing.T) {
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

	leader := pageLogin(t, srv.URL, "lanhdao1")
	p := leader.get("/thong-ke?period=2025-04")
	if p.Status != 200 || !strings.Contains(p.Body, "Kỳ báo cáo: Tháng 4/2025 (từ 15/03/2025 đến 14/04/2025)") {
		t.Fatalf("statistics page: %d, no period of Decree 09", p.Status)
	}
	section := find(p.Doc, func(n *html.Node) bool { return n.Data == "section" && attr(n, "id") == "ky-bao-cao" })
	if len(section) != 1 {
		t.Fatal("no section of the reporting period")
	}
	foot := find(section[0], func(n *html.Node) bool { return n.Data == "tfoot" })
	if len(foot) != 1 {
		t.Fatalf("%d totals", len(foot))
	}
	var cells []string
	for _, c := range find(foot[0], func(n *html.Node) bool { return n.Data == "th" || n.Data == "td" }) {
		cells = append(cells, text(c))
	}
	got := strings.Join(cells, " ")
	// received, new, resolved, early, on time, late, on-time rate, open, of which overdue.
	if want := "Tổng cộng 10 6 4 1 2 1 75 % 4 3"; got != want {
		t.Errorf("the period's total on /thong-ke = %q, want %q", got, want)
	}
	rows := find(section[0], func(n *html.Node) bool { return n.Data == "tbody" })
	if len(rows) != 1 || len(find(rows[0], func(n *html.Node) bool { return n.Data == "tr" })) != 2 {
		t.Errorf("want one line per receiving unit of the fixture (two)")
	}

	j := leader.get("/api/v1/reports/form06?period=2025-04")
	var form struct {
		Total struct {
			Carried, NewOnline, NewDesk, Early, OnTime, Late, OpenInTime, OpenOverdue int
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(j.Body), &form); err != nil || j.Status != 200 {
		t.Fatalf("form 06's JSON: %d %v", j.Status, err)
	}
	tt := form.Total
	api := fmt.Sprintf("Tổng cộng %d %d %d %d %d %d 75 %% %d %d", tt.Carried+tt.NewOnline+tt.NewDesk, tt.NewOnline+tt.NewDesk,
		tt.Early+tt.OnTime+tt.Late, tt.Early, tt.OnTime, tt.Late, tt.OpenInTime+tt.OpenOverdue, tt.OpenOverdue)
	if got != api {
		t.Errorf("/thong-ke's total %q differs from the API's %q", got, api)
	}
	if bad := leader.get("/thong-ke?period=2025-13"); bad.Status != 422 {
		t.Errorf("a period that is not one: %d", bad.Status)
	}
}
