package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"motcua"
	"motcua/internal/httpx"
)

// TestLocalPathKeepsRedirectsOnTheSite: the login form's ?next= only ever leads to a
// page of this site, whatever browsers make of odd characters.
func TestLocalPathKeepsRedirectsOnTheSite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/ho-so/000.00.01.G09-261129-0001", "/ho-so/000.00.01.G09-261129-0001"},
		{"/thu-tuc?q=quy#ket-qua", "/thu-tuc?q=quy#ket-qua"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example/", "/"},
		{"/\n/evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"ho-so", "/"},
	} {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAPagePostOverItsLimitIs413: a page's form over the size it may have is refused
// as too large (413), saying the limit, not as malformed.
func TestAPagePostOverItsLimitIs413(t *testing.T) {
	body := strings.NewReader("note=" + strings.Repeat("a", 2<<20))
	r := httptest.NewRequest("POST", "/can-bo/ho-so/x/xu-ly", body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<20)
	err := parsePageForm(r)
	if code := motcua.ErrorCode(err); code != httpx.ETOOLARGE || httpx.StatusOf(code) != http.StatusRequestEntityTooLarge ||
		!strings.Contains(motcua.ErrorMessage(err), "tối đa 1 MB") {
		t.Errorf("over the limit: %v (%s)", err, code)
	}
	ok := httptest.NewRequest("POST", "/x", strings.NewReader("note=ngắn"))
	ok.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := parsePageForm(ok); err != nil || ok.PostFormValue("note") != "ngắn" {
		t.Errorf("a small form: %v", err)
	}
}
