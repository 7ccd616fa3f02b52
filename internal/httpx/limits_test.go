package httpx_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/httpx"
)

// routes is a part with a JSON answer, a body decoder and a static file.
type routes struct{}

func (routes) Routes(r chi.Router) {
	r.Get("/json", func(w http.ResponseWriter, r *http.Request) {
		httpx.Encode(w, 200, map[string]string{"q": r.URL.Query().Get("q")})
	})
	r.With(httpx.LimitBody(1<<10)).Post("/decode", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := httpx.Decode(r, &v); err != nil {
			httpx.New(httpx.Deps{}).WriteError(w, r, err)
			return
		}
		w.WriteHeader(204)
	})
	r.Get("/static/site.css", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("body{}")) })
}

func serve(k *httpx.Kit, method, target, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	k.Handler(nil, routes{}).ServeHTTP(w, r)
	return w
}

// TestHSTSOnlyBehindHTTPSAndNoStoreButStatic: HSTS is sent when cookies are secure (the
// site is behind HTTPS) and only then; every answer but the static files says no-store;
// the other security headers are on every answer, errors included.
func TestHSTSOnlyBehindHTTPSAndNoStoreButStatic(t *testing.T) {
	secure := httpx.New(httpx.Deps{SecureCookies: true})
	plain := httpx.New(httpx.Deps{})
	for _, path := range []string{"/json", "/nowhere", "/healthz"} {
		w := serve(secure, "GET", path, "")
		if got := w.Header().Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=31536000") {
			t.Errorf("%s behind HTTPS: HSTS %q", path, got)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
		checkSecurityHeaders(t, path, w.Header())
		if got := serve(plain, "GET", path, "").Header().Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s over plain HTTP: HSTS %q (a local HTTP site would lock browsers out)", path, got)
		}
	}
	if got := serve(secure, "GET", "/static/site.css", "").Header().Get("Cache-Control"); got != "" {
		t.Errorf("static file: Cache-Control %q, want it cacheable", got)
	}
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("%s: nosniff %q, frame options %q", what, h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"))
	}
}

// TestQueryThatIsNotUTF8Answers400: any route, any parameter: 400 bad_request, with a
// message for people, before the handler runs.
func TestQueryThatIsNotUTF8Answers400(t *testing.T) {
	k := httpx.New(httpx.Deps{})
	for _, q := range []string{"q=%FF%FE", "%C0%AF=1", "a=1&q=%ED%A0%80"} {
		w := serve(k, "GET", "/json?"+q, "")
		var p httpx.Problem
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != 400 || p.Code != httpx.EBADREQUEST || !strings.Contains(p.Title, "UTF-8") {
			t.Errorf("?%s: %d %+v", q, w.Code, p)
		}
	}
	if w := serve(k, "GET", "/json?q=H%C3%A0%20N%E1%BB%99i", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "Hà Nội") {
		t.Errorf("a Vietnamese query: %d %s", w.Code, w.Body)
	}
}

// TestHostileJSONBodiesAnswer4xxQuickly: deep nesting, huge numbers, many fields, bodies
// over the limit, invalid UTF-8: each a 4xx in well under a second, over the limit 413.
func TestHostileJSONBodiesAnswer4xxQuickly(t *testing.T) {
	k := httpx.New(httpx.Deps{})
	many := new(strings.Builder)
	many.WriteString("{")
	for i := range 10_000 {
		if i > 0 {
			many.WriteString(",")
		}
		many.WriteString(`"f` + strings.Repeat("x", i%7) + `":1`)
	}
	many.WriteString("}")
	for _, c := range []struct {
		name, body string
		status     int
	}{
		{"nesting 100000 deep", strings.Repeat("[", 100_000), 413},
		{"nesting within the limit", strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100), 204},
		{"a huge number", `{"a":1` + strings.Repeat("0", 900) + `}`, 422},
		{"10000 fields", many.String(), 413},
		{"invalid UTF-8", "{\"a\":\"\xff\xfe\"}", 204}, // decoded as U+FFFD, never stored as bytes
		{"two objects", `{}{}`, 422},
		{"not JSON", `{"a":`, 422},
	} {
		start := time.Now()
		w := serve(k, "POST", "/decode", c.body)
		if w.Code != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.status)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v", c.name, d)
		}
	}
}

// TestAccountLockoutSaysWhenToTryAgain: failures of one account from many addresses
// lock the account (not the addresses) until its window ends, and the notice names the
// time in Vietnam; a Retry-After in seconds goes with it.
func TestAccountLockoutSaysWhenToTryAgain(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC) // 09:00 in Hà Nội
	k := httpx.New(httpx.Deps{Now: func() time.Time { return now }})
	req := func(addr string) *http.Request {
		r := httptest.NewRequest("POST", "/dang-nhap", nil)
		r.RemoteAddr = addr + ":1234"
		return r
	}
	for i := range 20 {
		if _, err := k.LoginLocked(req("203.0.113.1"), "CanBo1"); err != nil {
			t.Fatalf("refused before failure %d: %v", i+1, err)
		}
		k.LoginFailed(req("203.0.113."+string(rune('0'+i%10))), " canbo1")
	}
	retry, err := k.LoginLocked(req("198.51.100.7"), "canbo1")
	if motcua.ErrorCode(err) != httpx.ETOOMANY || !strings.Contains(motcua.ErrorMessage(err), "09:15 ngày 06/12/2026") ||
		!strings.Contains(motcua.ErrorMessage(err), "tạm thời bị khóa") || retry != "900" {
		t.Fatalf("after 20 failures from several addresses: %q %v", retry, err)
	}
	if _, err := k.LoginLocked(req("198.51.100.7"), "lanhdao1"); err != nil {
		t.Errorf("another account from the same address: %v", err)
	}
	now = now.Add(15 * time.Minute)
	if _, err := k.LoginLocked(req("198.51.100.7"), "canbo1"); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

// FuzzDecode: any body, any size up to the limit: Decode returns (an error or a value)
// without panicking, in bounded time, and a refusal is a 4xx.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":null}]}`, strings.Repeat("[", 5000), `{"a":1e999999}`, "\xff", `{"a":"\ud800"}`} {
		f.Add([]byte(s))
	}
	k := httpx.New(httpx.Deps{})
	f.Fuzz(func(t *testing.T, body []byte) {
		start := time.Now()
		w := serve(k, "POST", "/decode", string(body))
		if w.Code != 204 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("status %d for %q", w.Code, body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d bytes took %v", len(body), d)
		}
	})
}

// FuzzReadPDF: the signature check's body reader, raw or multipart: never a panic, never
// more than the limit read, a 4xx or the bytes of the "file" part.
func FuzzReadPDF(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "a.pdf")
	fw.Write([]byte("%PDF-1.7\n"))
	mw.Close()
	f.Add(buf.Bytes(), mw.Boundary(), true)
	f.Add([]byte("%PDF-1.7\n%%EOF"), "", false)
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"+strings.Repeat("A", 4096)), "x", true)
	f.Add([]byte(strings.Repeat("--x\r\n\r\n", 2000)), "x", true)
	f.Fuzz(func(t *testing.T, body []byte, boundary string, multi bool) {
		r := httptest.NewRequest("POST", "/api/v1/verify", bytes.NewReader(body))
		if multi {
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		}
		start := time.Now()
		data, err := httpx.ReadPDF(httptest.NewRecorder(), r)
		if err != nil {
			if s := httpx.StatusOf(motcua.ErrorCode(err)); s < 400 || s >= 500 {
				t.Fatalf("error %v answers %d", err, s)
			}
		} else if len(data) == 0 || len(data) > len(body) {
			t.Fatalf("read %d bytes of %d", len(data), len(body))
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d bytes took %v", len(body), d)
		}
	})
}
