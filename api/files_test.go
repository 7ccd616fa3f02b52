package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"motcua/internal/stacktest"
)

// TestUploadsAreTypedByContent: a file's type comes from its bytes, not its name; other
// types, empty files and files over the limit are refused with a Vietnamese reason (a
// file over the limit with 413, issue 11), and nothing is stored for them.
func TestUploadsAreTypedByContent(t *testing.T) {
	s := stacktest.Start(t)
	c := s.As("congdan1")
	cases := []struct {
		name   string
		data   []byte
		status int
		typ    string
	}{
		{"giay-to.png", stacktest.SamplePDF("x"), 201, "application/pdf"}, // a PDF named .png
		{"anh.pdf", stacktest.SamplePNG(), 201, "image/png"},
		{"virus.pdf", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 600)...), 422, ""},
		{"trang.pdf", nil, 422, ""},
		{"script.pdf", []byte("<html><script>alert(1)</script></html>"), 422, ""},
		{"lon.pdf", append(stacktest.SamplePDF("x"), bytes.Repeat([]byte(" "), 21<<20)...), 413, ""},
	}
	for _, tc := range cases {
		id, r := c.Upload(tc.name, tc.data)
		if r.Status != tc.status {
			t.Errorf("%s: status %d, want %d: %.200s", tc.name, r.Status, tc.status, r.Body)
			continue
		}
		if tc.status != 201 {
			code := "invalid"
			if tc.status == 413 {
				code = "too_large"
			}
			if p := r.Problem(); p.Code != code || p.Title == "" || !strings.ContainsAny(p.Title, "ệàáảạ") {
				t.Errorf("%s: problem %+v", tc.name, p)
			}
			continue
		}
		var f struct {
			ContentType string `json:"contentType"`
			Size        int    `json:"size"`
		}
		_ = json.Unmarshal(r.Body, &f)
		if id == "" || f.ContentType != tc.typ || f.Size != len(tc.data) {
			t.Errorf("%s: stored as %+v (id %q)", tc.name, f, id)
		}
	}
	var n int
	_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM files`).Scan(&n)
	if n != 2 {
		t.Errorf("%d files stored, want 2", n)
	}
	if _, r := (&stacktest.Client{S: s, HTTP: c.HTTP}).Upload("a.pdf", stacktest.SamplePDF("x")); r.Status != 401 {
		t.Errorf("anonymous upload: %d", r.Status)
	}
}
