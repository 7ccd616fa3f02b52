package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua/api"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/web"
)

// TestSignatureChecksAreLimitedPerAddress: POST /api/v1/verify counts against the
// caller's address, 30 a minute, shared with the verification page: the 31st check,
// by the API or the page, answers 429 with Retry-After.
func TestSignatureChecksAreLimitedPerAddress(t *testing.T) {
	e := newEnv(t, true)
	pdf := stacktest.SamplePDF("kiểm tra")
	for i := range 30 {
		r, err := http.Post(e.srv.URL+"/api/v1/verify", "application/pdf", bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("check %d: %d", i+1, r.StatusCode)
		}
	}
	r, body := e.do(t, "POST", "/api/v1/verify", "", "")
	if r.StatusCode != 429 || body["code"] != httpx.ETOOMANY || r.Header.Get("Retry-After") == "" {
		t.Errorf("the 31st check: %d %v (Retry-After %q)", r.StatusCode, body, r.Header.Get("Retry-After"))
	}
	page, err := http.Get(e.srv.URL + "/tra-cuu/xac-thuc?ma=" + store.NewVerifyID())
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != 429 {
		t.Errorf("the page after 30 checks by the API: %d", page.StatusCode)
	}
}

// TestLoginIsLimitedPerAccount: wrong passwords for one account spread over many
// addresses (each under its own limit) lock the account: even the right password is
// then refused with 429 and a notice in Vietnamese saying when to try again; other
// accounts log in.
func TestLoginIsLimitedPerAccount(t *testing.T) {
	e := newEnv(t, true)
	sessions := &auth.Sessions{Store: e.st}
	kit := httpx.New(httpx.Deps{Sessions: e.st, Auth: auth.Chain{sessions},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Sessions: sessions, DevLogin: true}),
		web.New(web.Deps{HTTP: kit, Store: e.st, Sessions: sessions, DevLogin: true})))
	defer srv.Close()
	login := func(from, user, password string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/auth/login",
			strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", from)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b), r.Header
	}
	for i := range 20 {
		if status, body, _ := login(fmt.Sprintf("198.51.100.%d", i), "canbo1", "sai"); status != 401 {
			t.Fatalf("wrong password %d: %d %s", i+1, status, body)
		}
	}
	status, body, h := login("203.0.113.50", "canbo1", "demo")
	if status != 429 || !strings.Contains(body, "tạm thời bị khóa") || !strings.Contains(body, "thử lại sau") || h.Get("Retry-After") == "" {
		t.Errorf("the right password after 20 failures from 20 addresses: %d %s", status, body)
	}
	page, err := http.PostForm(srv.URL+"/dang-nhap", url.Values{"username": {"CanBo1"}, "password": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 429 || !strings.Contains(string(b), "tạm thời bị khóa") {
		t.Errorf("the login page for the locked account: %d", page.StatusCode)
	}
	if status, body, _ := login("203.0.113.50", "lanhdao1", "demo"); status != 200 {
		t.Errorf("another account: %d %s", status, body)
	}
}

// TestPersonalJSONIsNotStored: /api/v1/me and the login's token say no-store.
func TestPersonalJSONIsNotStored(t *testing.T) {
	e := newEnv(t, true)
	r, _ := e.do(t, "POST", "/api/v1/auth/login", "", `{"username":"congdan1","password":"demo"}`)
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("login: Cache-Control %q", cc)
	}
	r, _ = e.do(t, "GET", "/api/v1/me", e.login(t, "congdan1"), "")
	if cc := r.Header.Get("Cache-Control"); r.StatusCode != 200 || cc != "no-store" {
		t.Errorf("/api/v1/me: %d, Cache-Control %q", r.StatusCode, cc)
	}
}

// TestFiltersThatAreNotUTF8Answer400: the inbox, the statistics, their pages: a filter
// that is not UTF-8 is 400 with a message, never 500.
func TestFiltersThatAreNotUTF8Answer400(t *testing.T) {
	e := newEnv(t, true)
	for _, c := range []struct{ user, path string }{
		{"canbo1", "/api/v1/inbox?procedure=%FF%FE"},
		{"canbo1", "/api/v1/inbox?status=%C0%AF"},
		{"lanhdao1", "/api/v1/stats?procedure=%FF%FE"},
		{"lanhdao1", "/api/v1/stats?by=%ED%A0%80"},
	} {
		r, body := e.do(t, "GET", c.path, e.login(t, c.user), "")
		if title, _ := body["title"].(string); r.StatusCode != 400 || body["code"] != httpx.EBADREQUEST || !strings.Contains(title, "UTF-8") {
			t.Errorf("%s: %d %v", c.path, r.StatusCode, body)
		}
	}
	for _, c := range []struct{ user, path string }{
		{"canbo1", "/can-bo/viec?procedure=%FF%FE"},
		{"lanhdao1", "/thong-ke?procedure=%FF%FE"},
	} {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		if r, err := client.PostForm(e.srv.URL+"/dang-nhap", url.Values{"username": {c.user}, "password": {"demo"}}); err != nil {
			t.Fatal(err)
		} else {
			r.Body.Close()
		}
		req, _ := http.NewRequest("GET", e.srv.URL+c.path, nil)
		req.Header.Set("Accept", "text/html")
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", c.path, r.StatusCode)
		}
	}
}

func upload(t *testing.T, srvURL, token, name string, data []byte) (int, map[string]any) {
	t.Helper()
	ct, body := multipartBody(t, "file", name, data)
	req, _ := http.NewRequest("POST", srvURL+"/api/v1/files", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	return r.StatusCode, m
}

// TestUploadsAreBoundedPerPerson: 30 uploads a minute, then 429 upload_rate; past the
// quota of bytes waiting for a dossier, 413 upload_quota; a body over the limit 413;
// each with a Vietnamese reason. Another person is not affected.
func TestUploadsAreBoundedPerPerson(t *testing.T) {
	e := newEnv(t, true)
	token := e.login(t, "congdan1")
	pdf := stacktest.SamplePDF("giấy tờ")
	for i := range 30 {
		if status, body := upload(t, e.srv.URL, token, "a.pdf", pdf); status != 201 {
			t.Fatalf("upload %d: %d %v", i+1, status, body)
		}
	}
	status, body := upload(t, e.srv.URL, token, "a.pdf", pdf)
	if title, _ := body["title"].(string); status != 429 || body["code"] != dossiers.EUPLOADRATE || !strings.Contains(title, "mỗi phút") {
		t.Errorf("the 31st upload in a minute: %d %v", status, body)
	}
	if status, body := upload(t, e.srv.URL, e.login(t, "canbo1"), "a.pdf", pdf); status != 201 {
		t.Errorf("another person's upload: %d %v", status, body)
	}

	// The quota, with a smaller one than the default's 200 MB.
	sessions := &auth.Sessions{Store: e.st}
	kit := httpx.New(httpx.Deps{Sessions: e.st, Auth: sessions})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Sessions: sessions,
		Dossiers: dossiers.New(dossiers.Deps{Store: e.st, Uploads: store.UploadLimits{PendingBytes: 3 << 20, PerWindow: 1000, Window: time.Minute}})})))
	defer srv.Close()
	big := append(stacktest.SamplePDF("lớn"), bytes.Repeat([]byte(" "), 2<<20)...)
	clerk := e.login(t, "chuyenvien1")
	if status, body := upload(t, srv.URL, clerk, "a.pdf", big); status != 201 {
		t.Fatalf("2 MB of 3: %d %v", status, body)
	}
	status, body = upload(t, srv.URL, clerk, "b.pdf", big)
	if title, _ := body["title"].(string); status != 413 || body["code"] != dossiers.EUPLOADQUOTA || !strings.Contains(title, "chưa nộp") {
		t.Errorf("4 MB of 3: %d %v", status, body)
	}
	huge := append(stacktest.SamplePDF("quá lớn"), bytes.Repeat([]byte(" "), 22<<20)...)
	if status, body := upload(t, srv.URL, clerk, "c.pdf", huge); status != 413 || body["code"] != httpx.ETOOLARGE {
		t.Errorf("22 MB: %d %v", status, body)
	}
}

// TestFileNamesWithBidiControlsAreNeutralised: "‮fdp.exe" (U+202E first) is stored,
// listed and downloaded as "fdp.exe.pdf": no override, the type's extension last.
func TestFileNamesWithBidiControlsAreNeutralised(t *testing.T) {
	e := newEnv(t, true)
	status, body := upload(t, e.srv.URL, e.login(t, "congdan1"), "\u202Efdp.exe", stacktest.SamplePDF("x"))
	if status != 201 || body["name"] != "fdp.exe.pdf" {
		t.Errorf("stored as %d %v", status, body)
	}
}

// TestHostileRequestBodiesAnswer4xxQuickly: the API's JSON and multipart readers,
// attacked: nesting far deeper than any form, huge numbers, 10,000 fields, invalid
// UTF-8, 10,000 multipart parts, a body over the limit: each a 4xx in under a second.
func TestHostileRequestBodiesAnswer4xxQuickly(t *testing.T) {
	e := newEnv(t, true)
	token := e.login(t, "congdan1")
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SyncCatalog(t.Context(), cat); err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: e.st}
	kit := httpx.New(httpx.Deps{Sessions: e.st, Auth: sessions})
	svc := dossiers.New(dossiers.Deps{Store: e.st, Catalog: cat})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Sessions: sessions, Dossiers: svc, Catalog: cat}),
		web.New(web.Deps{HTTP: kit, Dossiers: svc, Catalog: cat, Store: e.st, Sessions: sessions, DevLogin: true})))
	defer srv.Close()
	proc := cat.Procedures()[0].Code
	fields := new(strings.Builder)
	fields.WriteString(`{"procedure":"` + proc + `","formData":{`)
	for i := range 10_000 {
		if i > 0 {
			fields.WriteString(",")
		}
		fmt.Fprintf(fields, `"f%d":%d`, i, i)
	}
	fields.WriteString("}}")
	parts := new(strings.Builder)
	for range 10_000 {
		parts.WriteString("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n")
	}
	parts.WriteString("--b--\r\n")
	for _, c := range []struct {
		name, path, ctype, body string
	}{
		{"nesting 500,000 deep", "/api/v1/dossiers", "application/json", `{"procedure":"` + proc + `","formData":` + strings.Repeat("[", 500_000)},
		{"nesting 9,000 deep", "/api/v1/dossiers", "application/json", `{"procedure":"` + proc + `","formData":{"a":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "}}"},
		{"a huge number", "/api/v1/dossiers", "application/json", `{"procedure":"` + proc + `","formData":{"a":1e999999}}`},
		{"a long number", "/api/v1/dossiers", "application/json", `{"procedure":"` + proc + `","formData":{"a":` + strings.Repeat("9", 500_000) + `}}`},
		{"10,000 fields", "/api/v1/dossiers", "application/json", fields.String()},
		{"invalid UTF-8", "/api/v1/dossiers", "application/json", "{\"procedure\":\"\xff\xfe\",\"formData\":{\"a\":\"\xc0\xaf\"}}"},
		{"over the 1 MB limit", "/api/v1/dossiers", "application/json", `{"procedure":"` + strings.Repeat("a", 2<<20) + `"}`},
		{"10,000 multipart parts", "/api/v1/files", "multipart/form-data; boundary=b", parts.String()},
		{"a supplement nested deep", "/api/v1/dossiers/000.00.01.G09-261206-0001/supplement", "application/json", strings.Repeat(`{"a":`, 200_000)},
	} {
		req, _ := http.NewRequest("POST", srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if d := time.Since(start); r.StatusCode < 400 || r.StatusCode >= 500 || d > time.Second {
			t.Errorf("%s: %d in %v: %.300s", c.name, r.StatusCode, d, b)
		}
	}
	// A page's form with 10,000 fields.
	form := url.Values{}
	for i := range 10_000 {
		form.Set(fmt.Sprint("f", i), "x")
	}
	start := time.Now()
	r, err := http.PostForm(srv.URL+"/dang-nhap", form)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if d := time.Since(start); r.StatusCode < 400 || r.StatusCode >= 500 || d > time.Second {
		t.Errorf("a login form with 10,000 fields: %d in %v", r.StatusCode, d)
	}
}
