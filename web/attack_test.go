package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/store/storetest"
	"motcua/web"
)

// pageRoutes lists the GET routes of the pages, walked from their router, so that a
// new page is checked without anyone remembering to add it.
func pageRoutes(t *testing.T) []string {
	t.Helper()
	r := chi.NewRouter()
	web.New(web.Deps{}).Routes(r)
	var out []string
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == "GET" {
			out = append(out, strings.Replace(route, "/*/", "/", 1))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestEveryPageCarriesTheSecurityHeaders: every page, for the public and for each kind
// of account, answers with the CSP (frame-ancestors 'none'), nosniff, no framing and
// no-store (a page shows who is logged in, and most show personal data); only the
// static files may be cached; no page answers 5xx.
func TestEveryPageCarriesTheSecurityHeaders(t *testing.T) {
	base, _, _ := pagesWithoutTemporal(t)
	routes := pageRoutes(t)
	if len(routes) < 20 {
		t.Fatalf("walked only %d page routes: %v", len(routes), routes)
	}
	fill := strings.NewReplacer("{code}", "000.00.01.G09-261206-0001", "{task}", "1", "{id}", "1", "{day}", "2026-12-24", "*", "site.css")
	anonymous := &browser{t: t, base: base, c: &http.Client{}}
	visitors := map[string]*browser{"anonymous": anonymous}
	for _, u := range []string{"congdan1", "canbo1", "lanhdao1", "vanthu1", "admin"} {
		visitors[u] = pageLogin(t, base, u)
	}
	for who, b := range visitors {
		for _, route := range routes {
			path := fill.Replace(route)
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Accept", "text/html")
			// No redirects: the headers of the answer itself (a login redirect too).
			resp, err := (&http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			what := path + " as " + who
			if resp.StatusCode >= 500 {
				t.Errorf("%s: %d", what, resp.StatusCode)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("%s: CSP %q", what, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: nosniff %q, X-Frame-Options %q", what, h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"))
			}
			cc := h.Get("Cache-Control")
			if static := strings.HasPrefix(path, "/static/"); static == strings.Contains(cc, "no-store") {
				t.Errorf("%s: Cache-Control %q", what, cc)
			}
		}
	}
}

// TestPagesBehindHTTPSSendHSTS: with secure cookies (behind HTTPS) every page sends
// Strict-Transport-Security; on plain HTTP none does.
func TestPagesBehindHTTPSSendHSTS(t *testing.T) {
	st := storetest.NewSeeded(t)
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, secure := range []bool{true, false} {
		sessions := &auth.Sessions{Store: st}
		kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions}, SecureCookies: secure})
		srv := httptest.NewServer(web.New(web.Deps{HTTP: kit, Dossiers: dossiers.New(dossiers.Deps{Store: st, Catalog: cat}),
			Store: st, Catalog: cat, Sessions: sessions, DevLogin: true}).Handler())
		for _, path := range []string{"/", "/thu-tuc", "/tra-cuu/xac-thuc", "/dang-nhap", "/khong-co"} {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			hsts := resp.Header.Get("Strict-Transport-Security")
			if secure != strings.Contains(hsts, "max-age=") {
				t.Errorf("%s, secure cookies %v: HSTS %q", path, secure, hsts)
			}
		}
		// A login over a secure site sets a Secure, __Host- cookie.
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.PostForm(srv.URL+"/dang-nhap", url.Values{"username": {"congdan1"}, "password": {"demo"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if secure && !strings.Contains(resp.Header.Get("Set-Cookie"), "__Host-motcua") {
			t.Errorf("secure login cookie: %q", resp.Header.Get("Set-Cookie"))
		}
		srv.Close()
	}
}
