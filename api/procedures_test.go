package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"motcua/api"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/store/storetest"
)

func newCatalogServer(t *testing.T) *httptest.Server {
	t.Helper()
	st := storetest.NewSeeded(t)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: sessions})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Dossiers: dossiers.New(dossiers.Deps{Store: st, Catalog: cat}),
		Sessions: sessions, Catalog: cat, DevLogin: true})))
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(v)
	return resp.StatusCode
}

func TestProcedureCatalog(t *testing.T) {
	srv := newCatalogServer(t)
	var list struct {
		Items []struct{ Code, Name, Domain string }
	}
	if code := getJSON(t, srv.URL+"/api/v1/procedures", &list); code != 200 || len(list.Items) < 8 {
		t.Fatalf("list: %d, %d items", code, len(list.Items))
	}
	var found struct{ Items []struct{ Code, Name string } }
	getJSON(t, srv.URL+"/api/v1/procedures?q=qu%E1%BB%B9", &found) // "quỹ"
	if len(found.Items) == 0 {
		t.Fatal("searching 'quỹ' found nothing")
	}
	for _, p := range found.Items {
		if !strings.Contains(strings.ToLower(p.Name), "quỹ") {
			t.Errorf("search returned %q", p.Name)
		}
	}
	var detail struct {
		Code       string
		Components []struct{ Name string }
		Schema     map[string]any
		Form       struct{ Sections []any }
	}
	if code := getJSON(t, srv.URL+"/api/v1/procedures/1.014936", &detail); code != 200 {
		t.Fatalf("detail: %d", code)
	}
	if detail.Code != "1.014936" || len(detail.Components) == 0 || detail.Schema["$schema"] == nil || len(detail.Form.Sections) == 0 {
		t.Fatalf("detail lacks parts: %+v", detail)
	}
	var problem struct{ Code, Title string }
	if code := getJSON(t, srv.URL+"/api/v1/procedures/9.999999", &problem); code != 404 || problem.Code != "not_found" || problem.Title == "" {
		t.Fatalf("unknown procedure: %d %+v", code, problem)
	}
}

func TestActionsAreCheckedBeforeReachingTheWorkflow(t *testing.T) {
	srv := newCatalogServer(t)
	resp, _ := http.Post(srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"canbo1","password":"demo"}`))
	var tok struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	for _, tt := range []struct {
		name, path, body string
		status           int
	}{
		{"bad dossier code", "/api/v1/dossiers/abc/actions", `{"action":"receive"}`, 422},
		{"unknown action", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions", `{"action":"approve-all"}`, 422},
		{"no workflow engine", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions", `{"action":"receive"}`, 503},
		{"a note over 2000 characters", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions",
			`{"action":"refuse","note":"` + strings.Repeat("ư", 2001) + `"}`, 422},
		{"51 missing documents", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions",
			`{"action":"request-supplement","note":"x","missing":[` + strings.TrimSuffix(strings.Repeat(`"a",`, 51), ",") + `]}`, 422},
		{"a missing document's name over 500 characters", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions",
			`{"action":"request-supplement","note":"x","missing":["` + strings.Repeat("a", 501) + `"]}`, 422},
		{"an answer over 2000 characters", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions",
			`{"action":"answer-consult","answer":"` + strings.Repeat("a", 2001) + `"}`, 422},
		{"a note of 2000 characters is let through", "/api/v1/dossiers/000.00.00.G09-260302-0001/actions",
			`{"action":"refuse","note":"` + strings.Repeat("ư", 2000) + `"}`, 503},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

// TestTheCatalogAPIKeepsTheFeesInternalNoteFromCitizens (issue 12): the archive
// certificate's fee carries the catalog keepers' remark «chưa đối chiếu quy định mới»;
// neither the list nor the procedure's answer gives it, under the national code or the
// former one, while the fee line itself is there. The search without diacritics and in
// another word order finds the certificate through the API too.
func TestTheCatalogAPIKeepsTheFeesInternalNoteFromCitizens(t *testing.T) {
	srv := newCatalogServer(t)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Procedure("1.013929")
	if err != nil || p.Fee.InternalNote == "" {
		t.Fatalf("the archive certificate's fee has no internal note to keep back (%v)", err)
	}
	for _, path := range []string{"/api/v1/procedures", "/api/v1/procedures?q=chung+chi+luu+tru",
		"/api/v1/procedures/1.013929", "/api/v1/procedures/G09.CVTLT.01"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		_, _ = io.Copy(&body, resp.Body)
		resp.Body.Close()
		b := body.String()
		if resp.StatusCode != 200 || !strings.Contains(b, p.Fee.Description) {
			t.Errorf("GET %s: %d, without the fee line %q: %s", path, resp.StatusCode, p.Fee.Description, b)
		}
		if strings.Contains(b, p.Fee.InternalNote) || strings.Contains(b, "internalNote") {
			t.Errorf("GET %s gives citizens the fee's internal note: %s", path, b)
		}
	}
	var found struct{ Items []struct{ Code string } }
	getJSON(t, srv.URL+"/api/v1/procedures?q=luu+tru+chung+chi", &found)
	var codes []string
	for _, it := range found.Items {
		codes = append(codes, it.Code)
	}
	if !slices.Contains(codes, "1.013929") {
		t.Errorf("the API's search «luu tru chung chi» finds %v, not the archive certificate", codes)
	}
}
