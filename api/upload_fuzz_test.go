package api

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// FuzzReadUpload: the upload's multipart reader, on any body and boundary: no panic,
// no more read than the limit, a 4xx refusal or the "file" part's bytes, in bounded
// time. Run longer with: go test -run XXX -fuzz FuzzReadUpload -fuzztime 5m ./api/
func FuzzReadUpload(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("note", "x")
	fw, _ := mw.CreateFormFile("file", "\u202Efdp.exe")
	_, _ = fw.Write([]byte("%PDF-1.7\n"))
	_ = mw.Close()
	f.Add(buf.Bytes(), mw.Boundary())
	f.Add([]byte(strings.Repeat("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n", 500)+"--b--\r\n"), "b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n"+strings.Repeat("X-A: b\r\n", 2000)+"\r\n"), "b")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r := httptest.NewRequest("POST", "/api/v1/files", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		start := time.Now()
		_, data, err := readUpload(r)
		if err != nil {
			if s := httpx.StatusOf(motcua.ErrorCode(err)); s < 400 || s >= 500 {
				t.Fatalf("error %v answers %d", err, s)
			}
		} else if len(data) > dossiers.MaxUpload+1 || len(data) > len(body) {
			t.Fatalf("read %d bytes of a %d-byte body", len(data), len(body))
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d bytes took %v", len(body), d)
		}
	})
}
