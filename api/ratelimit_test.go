package api_test

import (
	"net/http"
	"net/url"
	"testing"
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
		r, err := http.PostForm(e.srv.URL+"/tra-cuu", url.Values{"code": {"000.00.01.G09-261123-0001"}, "id_number": {"001090000001"}})
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
