package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/portal"
	"motcua/internal/stacktest"
)

// TestPortalDossierFilesByReference: a portal dossier may name its files by URL on the
// portal's host instead of carrying them inline; motcua fetches them before writing
// anything and stores them as it stores inline files. A URL on another host, a file the
// portal does not have and a file over the limit are refused, and nothing is written.
func TestPortalDossierFilesByReference(t *testing.T) {
	dev, err := portal.NewDevServer(portal.DevOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	// Another server on another port: the same machine, not the portal's host:port.
	other := httptest.NewServer(dev.Handler())
	t.Cleanup(other.Close)

	s := stacktest.Start(t, stacktest.Options{PortalURL: srv.URL})
	const secret = "khoa-bi-mat-cong-dvcqg-0001"
	if _, err := s.Store.CreateIntakeSystem(t.Context(), "dvcqg", "Cổng Dịch vụ công quốc gia", secret); err != nil {
		t.Fatal(err)
	}

	// byURL turns the inline files of a portal dossier into files on the development
	// portal; url gives each file's URL from its name there.
	byURL := func(body []byte, url func(name string) string) ([]byte, [][]byte) {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		var contents [][]byte
		for i, f := range m["files"].([]any) {
			f := f.(map[string]any)
			var data []byte
			if err := json.Unmarshal([]byte(`"`+f["content"].(string)+`"`), &data); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s-%d.bin", m["portalCode"], i)
			dev.PutFile(name, data)
			contents = append(contents, data)
			delete(f, "content")
			f["url"] = url(name)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return out, contents
	}
	onPortal := func(name string) string { return srv.URL + portal.FilesPath + "/" + name }

	t.Run("a file on the portal is fetched and stored", func(t *testing.T) {
		body, contents := byURL(portalDossier(t, s, "G22.99-261206-000101", "001090000101"), onPortal)
		if bytes.Contains(body, []byte(`"content"`)) {
			t.Fatal("the dossier still carries inline content")
		}
		before := counts(t, s)
		status, out := portalCall(t, s, "dvcqg", secret, body)
		if status != http.StatusCreated || out["channel"] != "portal" {
			t.Fatalf("post: %d %v", status, out)
		}
		after := counts(t, s)
		if after["dossiers"] != before["dossiers"]+1 || after["files"] != before["files"]+len(contents) {
			t.Errorf("rows %v -> %v: want one dossier and %d files", before, after, len(contents))
		}
		// Each stored file is byte for byte the one the portal served.
		for i, want := range contents {
			var n int
			err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM files f JOIN dossiers d ON d.id = f.dossier_id
				JOIN blobs b ON b.sha256 = f.sha256 WHERE d.code = $1 AND b.data = $2 AND f.digitized`, out["code"], want).Scan(&n)
			if err != nil || n < 1 {
				t.Errorf("file %d: %d stored copies, %v", i, n, err)
			}
		}
		// Sent again, the same files by the same URLs: the same dossier.
		if status, again := portalCall(t, s, "dvcqg", secret, body); status != http.StatusOK || again["code"] != out["code"] {
			t.Errorf("second post: %d %v", status, again)
		}
	})

	t.Run("refused references write nothing", func(t *testing.T) {
		big := append(stacktest.SamplePDF("lớn"), make([]byte, dossiers.MaxUpload)...)
		dev.PutFile("qua-lon.pdf", big)
		cases := []struct {
			name, code string
			status     int
			url        func(name string) string
		}{
			{"another host", dossiers.EREFUSED, 422, func(name string) string { return other.URL + portal.FilesPath + "/" + name }},
			{"not http", dossiers.EREFUSED, 422, func(name string) string { return "file:///etc/passwd" }},
			{"credentials in the URL", dossiers.EREFUSED, 422, func(name string) string {
				return "http://u:p@" + srv.Listener.Addr().String() + portal.FilesPath + "/" + name
			}},
			{"not on the portal", motcua.EINVALID, 422, func(string) string { return srv.URL + portal.FilesPath + "/khong-co.pdf" }},
			{"over the limit", dossiers.ETOOLARGE, 413, func(string) string { return srv.URL + portal.FilesPath + "/qua-lon.pdf" }},
		}
		for i, c := range cases {
			body, _ := byURL(portalDossier(t, s, fmt.Sprintf("G22.99-261206-%06d", 200+i), fmt.Sprintf("0010900002%02d", i)), c.url)
			before := counts(t, s)
			status, prob := portalCall(t, s, "dvcqg", secret, body)
			if status != c.status || prob["code"] != c.code {
				t.Errorf("%s: %d %v, want %d %s", c.name, status, prob, c.status, c.code)
			}
			if after := counts(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("%s: rows %v -> %v", c.name, before, after)
			}
		}
	})
}
