package portal_test

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/internal/portal"
)

// TestFetchFileOnlyOnThePortalsHostAndBounded: the client fetches a file of the
// development portal, refuses any URL off the portal's host without requesting it,
// and answers ErrFileNotFound and ErrFileTooLarge for a missing and an oversized file.
func TestFetchFileOnlyOnThePortalsHostAndBounded(t *testing.T) {
	dev, err := portal.NewDevServer(portal.DevOptions{Token: "ma-truy-cap"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	other := httptest.NewServer(dev.Handler())
	t.Cleanup(other.Close)
	c, err := portal.NewClient(portal.ClientOptions{URL: srv.URL + "/api", Token: "ma-truy-cap", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dev.PutFile("don.pdf", []byte("%PDF-1.7 nội dung"))
	file := srv.URL + portal.FilesPath + "/don.pdf"
	if b, err := c.FetchFile(t.Context(), file, 1<<10); err != nil || string(b) != "%PDF-1.7 nội dung" {
		t.Fatalf("fetch: %q, %v", b, err)
	}
	for _, c2 := range []struct {
		name, url string
		max       int64
		want      error
	}{
		{"another port", other.URL + portal.FilesPath + "/don.pdf", 1 << 10, portal.ErrFileURL},
		{"not http", "ftp://" + srv.Listener.Addr().String() + "/don.pdf", 1 << 10, portal.ErrFileURL},
		{"credentials", "http://a:b@" + srv.Listener.Addr().String() + portal.FilesPath + "/don.pdf", 1 << 10, portal.ErrFileURL},
		{"relative", portal.FilesPath + "/don.pdf", 1 << 10, portal.ErrFileURL},
		{"missing", srv.URL + portal.FilesPath + "/khong-co.pdf", 1 << 10, portal.ErrFileNotFound},
		{"over the limit", file, 8, portal.ErrFileTooLarge},
	} {
		if _, err := c.FetchFile(t.Context(), c2.url, c2.max); !errors.Is(err, c2.want) {
			t.Errorf("%s: %v, want %v", c2.name, err, c2.want)
		}
	}
}
