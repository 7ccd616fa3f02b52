package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/store/storetest"
	"motcua/reports"
)

// TestForm06JSONEqualsTheFixture reads GET /api/v1/reports/form06 for April 2025 over
// the reports' fixture (counted by hand in internal/store/reports_test.go) with a
// bearer token, and the workbook's headers.
func TestForm06JSONEqualsTheFixture(t *testing.T) {
	st := storetest.NewSeeded(t)
	storetest.SeedForm06(t, st)
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}})
	svc := dossiers.New(dossiers.Deps{Store: st, Now: func() time.Time { return storetest.Form06Now }})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Dossiers: svc, Sessions: sessions, DevLogin: true})))
	t.Cleanup(srv.Close)

	resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"lanhdao1","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if login.Token == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+login.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get("/api/v1/reports/form06?period=2025-04")
	if resp.StatusCode != 200 {
		t.Fatalf("form06: %d %s", resp.StatusCode, body)
	}
	var f reports.Form06
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	want := reports.Form06Row{Carried: 4, NewOnline: 4, NewDesk: 2, Early: 1, OnTime: 2, Late: 1, OpenInTime: 1,
		OpenOverdue: 3, Withdrawn: 1, Stopped: 1, RefusedAtIntake: 1, ResolutionMinutes: 19680}
	got := f.Total
	got.UnitCode, got.UnitName, got.Domain = "", "", ""
	if got != want || len(f.Rows) != 3 || f.Period.Key() != "2025-04" {
		t.Errorf("form 06 JSON: %d rows, total %+v, want %+v", len(f.Rows), got, want)
	}
	if resp, body := get("/api/v1/reports/form06?period=2025-13"); resp.StatusCode != 422 {
		t.Errorf("a period that does not exist: %d %s", resp.StatusCode, body)
	}
	resp, body = get("/api/v1/reports/form06.xlsx?period=2025-04")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.HasPrefix(string(body), "PK") {
		t.Errorf("workbook: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = get("/api/v1/reports/indicators-766?period=2025-04")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"code":"on-time"`) {
		t.Errorf("indicators: %d %s", resp.StatusCode, body)
	}
}
