package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/auth/oidctest"
	"motcua/internal/httpx"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/web"
)

type env struct {
	srv     *httptest.Server
	st      *store.Store
	iss     *oidctest.Issuer
	metrics http.Handler // what the internal listener serves
}

func newEnv(t *testing.T, temporalUp bool) *env {
	t.Helper()
	st := storetest.NewSeeded(t)
	iss := oidctest.New("motcua")
	t.Cleanup(iss.Close)
	e := &env{st: st, iss: iss}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	o, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: iss.URL(), ClientID: "motcua",
		RedirectURL: e.srv.URL + "/auth/oidc/callback", ProvisionCitizens: true}, st)
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: st}
	temporal := httpx.PingFunc(func(context.Context) error {
		if !temporalUp {
			return errors.New("connection refused")
		}
		return nil
	})
	// The whole HTTP surface, as the composition code builds it: these tests cover the
	// plumbing the API shares with the pages (sessions, CSRF, the login limit).
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: auth.Chain{sessions, o}})
	svc := dossiers.New(dossiers.Deps{Store: st})
	e.metrics = httpx.MetricsHandler(kit.Metrics)
	mux.Handle("/", kit.Handler(map[string]httpx.Pinger{"postgres": st, "temporal": temporal},
		api.New(api.Deps{HTTP: kit, Dossiers: svc, Sessions: sessions, DevLogin: true}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Store: st, Sessions: sessions, OIDC: o, DevLogin: true})))
	return e
}

func (e *env) do(t *testing.T, method, path, token string, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp, m
}

func (e *env) login(t *testing.T, user string) string {
	t.Helper()
	resp, m := e.do(t, "POST", "/api/v1/auth/login", "", `{"username":"`+user+`","password":"demo"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %v", user, resp.StatusCode, m)
	}
	if _, err := time.Parse(time.RFC3339, m["expiresAt"].(string)); err != nil {
		t.Fatalf("expiresAt: %v", err)
	}
	return m["token"].(string)
}

func TestAuthenticationAndAuthorization(t *testing.T) {
	e := newEnv(t, true)
	citizen, clerk := e.login(t, "congdan1"), e.login(t, "canbo1")
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"no credentials", "GET", "/api/v1/me", "", "", 401, motcua.EUNAUTHORIZED},
		{"unknown token", "GET", "/api/v1/me", "nope", "", 401, motcua.EUNAUTHORIZED},
		{"citizen reads me", "GET", "/api/v1/me", citizen, "", 200, ""},
		{"citizen calls a clerk endpoint", "GET", "/api/v1/inbox", citizen, "", 403, motcua.EFORBIDDEN},
		{"clerk reads the inbox", "GET", "/api/v1/inbox", clerk, "", 200, ""},
		{"no credentials on the inbox", "GET", "/api/v1/inbox", "", "", 401, motcua.EUNAUTHORIZED},
		{"wrong password", "POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":"x"}`, 401, motcua.EUNAUTHORIZED},
		{"login body not JSON", "POST", "/api/v1/auth/login", "", `{"username":`, 422, motcua.EINVALID},
		{"login with an unknown field", "POST", "/api/v1/auth/login", "", `{"user":"a","password":"b"}`, 422, motcua.EINVALID},
		{"login without password", "POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":""}`, 422, motcua.EINVALID},
		{"OIDC ID token as bearer", "GET", "/api/v1/me", e.iss.IDToken("sso-1", map[string]any{"name": "Đặng Thị Thu"}, time.Hour), "", 200, ""},
		{"expired OIDC token", "GET", "/api/v1/me", e.iss.IDToken("sso-1", nil, -time.Hour), "", 401, motcua.EUNAUTHORIZED},
		{"unknown route", "GET", "/api/v1/nothing", clerk, "", 404, motcua.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, m := e.do(t, tt.method, tt.path, tt.token, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (%v)", resp.StatusCode, tt.status, m)
			}
			if tt.code != "" {
				if m["code"] != tt.code || m["title"] == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Fatalf("problem = %v (%s)", m, resp.Header.Get("Content-Type"))
				}
			}
		})
	}
	// Logging out ends the token.
	if resp, _ := e.do(t, "POST", "/api/v1/auth/logout", citizen, ""); resp.StatusCode != 204 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, "GET", "/api/v1/me", citizen, ""); resp.StatusCode != 401 {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}

func TestReadiness(t *testing.T) {
	for _, up := range []bool{true, false} {
		e := newEnv(t, up)
		resp, m := e.do(t, "GET", "/readyz", "", "")
		want := 200
		if !up {
			want = 503
		}
		if resp.StatusCode != want {
			t.Fatalf("temporal up=%v: /readyz = %d %v", up, resp.StatusCode, m)
		}
		if resp, _ := e.do(t, "GET", "/healthz", "", ""); resp.StatusCode != 200 {
			t.Fatalf("/healthz = %d", resp.StatusCode)
		}
	}
}

// TestMetricsCountRequestsByRouteOnTheInternalListenerOnly: the metrics count each
// request by route, and are served on the internal listener only: the public router
// answers /metrics 404 (issue 11: it answered anyone).
func TestMetricsCountRequestsByRouteOnTheInternalListenerOnly(t *testing.T) {
	e := newEnv(t, true)
	e.do(t, "GET", "/api/v1/me", "", "")
	if resp, _ := e.do(t, "GET", "/metrics", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the public router answers /metrics with %d", resp.StatusCode)
	}
	internal := httptest.NewServer(e.metrics)
	defer internal.Close()
	resp, err := http.Get(internal.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `motcua_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1`) {
		t.Fatalf("metrics lack the request:\n%s", b)
	}
}

func TestPageLoginWithOIDCAndCSRF(t *testing.T) {
	e := newEnv(t, true)
	e.iss.LoginAs("sso-citizen", map[string]any{"name": "Ngô Thị Ánh"})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(e.srv.URL + "/auth/oidc/login") // redirects to the issuer and back
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Ngô Thị Ánh") {
		t.Fatalf("after SSO: %d\n%s", resp.StatusCode, b)
	}
	// The session cookie is HttpOnly and SameSite.
	u, _ := url.Parse(e.srv.URL)
	if len(jar.Cookies(u)) == 0 {
		t.Fatal("no session cookie")
	}
	// A form post without the CSRF token is refused; with it, it works.
	resp, _ = c.PostForm(e.srv.URL+"/dang-xuat", url.Values{})
	if resp.StatusCode != 403 {
		t.Fatalf("logout without CSRF token: %d", resp.StatusCode)
	}
	resp.Body.Close()
	csrf := between(string(b), `name="csrf_token" value="`, `"`)
	resp, _ = c.PostForm(e.srv.URL+"/dang-xuat", url.Values{"csrf_token": {csrf}})
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(b), "Ngô Thị Ánh") {
		t.Fatalf("logout with CSRF token: %d", resp.StatusCode)
	}
	// A callback with a forged state is refused.
	resp, _ = c.Get(e.srv.URL + "/auth/oidc/callback?code=x&state=forged")
	if resp.StatusCode != 401 {
		t.Fatalf("forged state: %d", resp.StatusCode)
	}
}

func TestPagePasswordLogin(t *testing.T) {
	e := newEnv(t, true)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, _ := c.PostForm(e.srv.URL+"/dang-nhap", url.Values{"username": {"canbo1"}, "password": {"sai"}})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "Tên đăng nhập hoặc mật khẩu không đúng.") {
		t.Fatalf("wrong password page: %d\n%s", resp.StatusCode, b)
	}
	resp, _ = c.PostForm(e.srv.URL+"/dang-nhap", url.Values{"username": {"canbo1"}, "password": {"demo"}})
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Lê Thị Hoa") {
		t.Fatalf("logged-in page lacks the name:\n%s", b)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP = %q", csp)
	}
}

func between(s, a, b string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, b)
	return v
}
