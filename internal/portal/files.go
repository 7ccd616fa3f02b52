package portal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
)

// FilesPath is where the development portal serves the files of the dossiers filed on
// it (GET FilesPath + "/{name}"): an inbound dossier names them by URL.
const FilesPath = "/dvcqg/files"

// Refusals of FetchFile.
var (
	// ErrFileURL: the URL is not an http(s) URL on the portal's host.
	ErrFileURL = errors.New("portal file: not an http(s) URL on the portal's host")
	// ErrFileNotFound: the portal answered 404 (or 410).
	ErrFileNotFound = errors.New("portal file: not found")
	// ErrFileTooLarge: the file is over the caller's limit.
	ErrFileTooLarge = errors.New("portal file: over the size limit")
)

// AllowedFileURL tells whether raw is an http(s) URL on the portal's host (scheme
// and host:port as in the client's base URL's host), without credentials in it.
func (c *Client) AllowedFileURL(raw string) bool {
	base, err := url.Parse(c.opts.URL)
	if err != nil {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	return strings.EqualFold(u.Host, base.Host)
}

// FetchFile reads the file at raw, a URL on the portal's host, bounded by the client's
// timeout and by max bytes: ErrFileURL for any other URL (nothing is requested),
// ErrFileNotFound on 404, ErrFileTooLarge over max. Redirects are not followed.
func (c *Client) FetchFile(ctx context.Context, raw string, max int64) ([]byte, error) {
	if !c.AllowedFileURL(raw) {
		return nil, ErrFileURL
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, ErrFileURL
	}
	if c.opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.Token)
	}
	hc := *c.opts.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("portal file: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, ErrFileNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("portal file: status %d", resp.StatusCode)
	case resp.ContentLength > max:
		return nil, ErrFileTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("portal file: read: %w", err)
	}
	if int64(len(b)) > max {
		return nil, ErrFileTooLarge
	}
	return b, nil
}

// devFiles are the files the development portal serves.
type devFiles struct {
	mu    sync.Mutex
	files map[string][]byte
}

// PutFile makes the development portal serve data at FilesPath + "/" + name.
func (s *DevServer) PutFile(name string, data []byte) {
	s.files.mu.Lock()
	defer s.files.mu.Unlock()
	if s.files.files == nil {
		s.files.files = map[string][]byte{}
	}
	s.files.files[name] = append([]byte(nil), data...)
}

func (s *DevServer) handleFile(w http.ResponseWriter, r *http.Request) {
	s.files.mu.Lock()
	b, ok := s.files.files[chi.URLParam(r, "name")]
	s.files.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, Answer{ErrorCode: "-404", Message: "Không có tệp này."})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(b)
}
