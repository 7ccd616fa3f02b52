package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"motcua/api"
	"motcua/internal/auth"
	"motcua/internal/httpx"
)

// TestFailedLoginsAreLimitedPerAddress: successful logins never count; after 10 wrong
// passwords in a minute from one address, the API and the login page answer 429, even
// to the right password, until the minute is over.
func TestFailedLoginsAreLimitedPerAddress(t *testing.T) {
	e := newEnv(t, true)
	for i := range 15 {
		if r, _ := e.do(t, "POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":"demo"}`); r.StatusCode != 200 {
			t.Fatalf("successful login %d: %d", i+1, r.StatusCode)
		}
	}
	for i := range 10 {
		if r, _ := e.do(t, "POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":"sai"}`); r.StatusCode != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i+1, r.StatusCode)
		}
	}
	r, body := e.do(t, "POST", "/api/v1/auth/login", "", `{"username":"canbo1","password":"demo"}`)
	if r.StatusCode != 429 || body["code"] != "too_many_requests" || r.Header.Get("Retry-After") == "" {
		t.Errorf("after 10 failures: %d %v", r.StatusCode, body)
	}
	page, err := http.PostForm(e.srv.URL+"/dang-nhap", url.Values{"username": {"canbo1"}, "password": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != 429 {
		t.Errorf("the login page after 10 failures: %d", page.StatusCode)
	}
}

// TestPublicLookupIsLimitedPerAddress: 20 lookups a minute per address, then 429.
func TestPublicLookupIsLimitedPerAddress(t *testing.T) {
	e := newEnv(t, true)
	for i := range 21 {
		r, err := http.PostForm(e.srv.URL+"/tra-cuu", url.Values{"code": {"000.00.01.G09-261123-0001"}, "id_number": {"001085012345"}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		want := http.StatusNotFound
		if i == 20 {
			want = http.StatusTooManyRequests
		}
		if r.StatusCode != want {
			t.Errorf("lookup %d: %d, want %d", i+1, r.StatusCode, want)
		}
	}
}

// TestForwardedForCountsOnlyFromTrustedProxies: a client that writes another address in
// X-Forwarded-For at each try is still limited, unless the header comes from a proxy
// the configuration trusts; then each named client has its own count.
func TestForwardedForCountsOnlyFromTrustedProxies(t *testing.T) {
	login := func(srvURL, forwarded string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", srvURL+"/api/v1/auth/login", strings.NewReader(`{"username":"canbo1","password":"sai"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwarded)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	e := newEnv(t, true) // no trusted proxies
	for i := range 10 {
		login(e.srv.URL, fmt.Sprintf("203.0.113.%d", i))
	}
	if got := login(e.srv.URL, "203.0.113.99"); got != 429 {
		t.Errorf("an untrusted X-Forwarded-For escaped the limit: %d", got)
	}

	sessions := &auth.Sessions{Store: e.st}
	kit := httpx.New(httpx.Deps{Sessions: e.st, Auth: auth.Chain{sessions},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	behindProxy := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Sessions: sessions, DevLogin: true})))
	defer behindProxy.Close()
	for range 10 {
		login(behindProxy.URL, "198.51.100.1")
	}
	if got := login(behindProxy.URL, "198.51.100.1"); got != 429 {
		t.Errorf("the client named by a trusted proxy was not limited: %d", got)
	}
	if got := login(behindProxy.URL, "198.51.100.2"); got != 401 {
		t.Errorf("another client behind the same proxy was limited too: %d", got)
	}
}

// TestVerificationIsLimitedPerAddress: 30 verifications a minute per address, by QR
// code as by upload, counted apart from lookups.
func TestVerificationIsLimitedPerAddress(t *testing.T) {
	e := newEnv(t, true)
	for i := range 31 {
		r, err := http.Get(e.srv.URL + "/tra-cuu/xac-thuc?ma=000.00.01.G09-261123-0001-result-9")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		want := http.StatusNotFound
		if i == 30 {
			want = http.StatusTooManyRequests
		}
		if r.StatusCode != want {
			t.Errorf("verification %d: %d, want %d", i+1, r.StatusCode, want)
		}
	}
	r, err := http.PostForm(e.srv.URL+"/tra-cuu", url.Values{"code": {"000.00.01.G09-261123-0001"}, "id_number": {"001085012345"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("a lookup after 30 verifications: %d, want 404 (its own limit)", r.StatusCode)
	}
}
