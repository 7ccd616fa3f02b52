package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"motcua/internal/browsertest"
)

const good = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tốt</title></head>
<body><h1>Trang tốt</h1><h2>Phần</h2><label for="a">Họ tên</label><input id="a"><img src="data:," alt="Ảnh"></body></html>`

const bad = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Xấu</title></head>
<body><h1>Trang xấu</h1><h3>Nhảy cấp</h3><input id="a" name="ho-ten"><p id="a" style="color:#aaa;background:#fff">Chữ mờ</p>
<img src="data:,"><div style="width:600px">rộng</div></body></html>`

// TestTheChecksFindWhatTheyLookFor: the accessibility and width checks pass a good page
// and name each fault of a bad one, so a page test that passes has been looked at.
func TestTheChecksFindWhatTheyLookFor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/bad" {
			_, _ = w.Write([]byte(bad))
			return
		}
		_, _ = w.Write([]byte(good))
	}))
	defer srv.Close()
	tab := browsertest.Start(t, srv.URL).NewTab(t)

	tab.Go("/good")
	if p := tab.Accessibility(); len(p) != 0 || tab.Status() != 200 {
		t.Errorf("the good page: status %d, problems %v", tab.Status(), p)
	}
	if over := tab.OverflowAt(360); over != 0 {
		t.Errorf("the good page overflows by %d px", over)
	}

	tab.Go("/bad")
	problems := tab.Accessibility()
	for _, want := range []string{"input without a label: ho-ten", "duplicate id: a", "heading skips from h1 to H3",
		"image without alt", "contrast"} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("the bad page's problems %q lack %q", problems, want)
		}
	}
	if over := tab.OverflowAt(360); over < 200 {
		t.Errorf("the 600 px block overflows a 360 px page by %d px", over)
	}
}
