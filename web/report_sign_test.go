package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
	"motcua/internal/store/storetest"
	"motcua/web"
)

// TestReportPageSignsForm06AsTheLeader signs form 06 of April 2025 from /bao-cao: the
// leader of the ministry sees the form, a wrong PIN is shown on the PIN field, the right
// one signs and the page then links the signed PDF; a clerk sees no form and a clerk's
// post is refused with the reason.
func TestReportPageSignsForm06AsTheLeader(t *testing.T) {
	st := storetest.NewSeeded(t)
	storetest.SeedForm06(t, st)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(filepath.Join(t.TempDir(), "signer"), service.Options{Token: "page-token"})
	if err != nil {
		t.Fatal(err)
	}
	signer := httptest.NewServer(svc.Handler())
	t.Cleanup(signer.Close)
	r, err := render.New(render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tools := dossiers.ReportSigning{Renderer: r, Signer: signing.NewClient(signer.URL+service.CSCPath, "page-token", nil), Place: "Hà Nội"}
	now := func() time.Time { return storetest.Form06Now }
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	ds := dossiers.New(dossiers.Deps{Store: st, Catalog: cat, Now: now,
		ReportSigning: func() (dossiers.ReportSigning, error) { return tools, nil }})
	srv := httptest.NewServer(web.New(web.Deps{HTTP: kit, Dossiers: ds, Store: st, Catalog: cat, Sessions: sessions,
		DevLogin: true, Now: now}).Handler())
	t.Cleanup(srv.Close)

	leader := pageLogin(t, srv.URL, "lanhdao1")
	p := leader.get("/bao-cao?period=2025-04")
	if !strings.Contains(p.Body, `action="/bao-cao/ky"`) || !strings.Contains(p.Body, "chưa được lãnh đạo đơn vị ký số") {
		t.Fatalf("the leader is not offered to sign:\n%s", p.Body)
	}
	bad := leader.post("/bao-cao/ky", url.Values{"period": {"2025-04"}, "pin": {"000000"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, "Mã PIN không đúng") || !strings.Contains(bad.Body, `href="#pin"`) {
		t.Errorf("a wrong PIN: %d", bad.Status)
	}
	ok := leader.post("/bao-cao/ky", url.Values{"period": {"2025-04"}, "pin": {service.DefaultPIN}})
	if ok.Status != 200 || ok.URL.Query().Get("ok") != "signed" || !strings.Contains(ok.Body, `href="/api/v1/reports/form06.pdf?period=2025-04"`) ||
		!strings.Contains(ok.Body, "lần ban hành 1") {
		t.Errorf("after signing: %d %s", ok.Status, ok.URL)
	}
	u, err := st.UnitByCode(context.Background(), "G09")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := st.LatestSignedReport(context.Background(), "form06", "2025-04", u.ID); err != nil || rep.Issue != 1 {
		t.Errorf("stored: %+v %v", rep.Issue, err)
	}

	clerk := pageLogin(t, srv.URL, "canbo1")
	if p := clerk.get("/bao-cao?period=2025-04"); strings.Contains(p.Body, `action="/bao-cao/ky"`) {
		t.Errorf("a clerk is offered to sign")
	}
	refused := clerk.post("/bao-cao/ky", url.Values{"period": {"2025-04"}, "pin": {service.DefaultPIN}})
	if refused.Status != 403 || !strings.Contains(refused.Body, "Chỉ lãnh đạo đơn vị mới được ký báo cáo") {
		t.Errorf("a clerk signs: %d", refused.Status)
	}
	var n int
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM signed_reports`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d signed reports after the clerk's try (%v)", n, err)
	}
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'report.sign'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries of a signed report (%v)", n, err)
	}
}
