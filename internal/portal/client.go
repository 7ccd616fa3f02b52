package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Paths are the portal's endpoints under its base URL (the settings URLThemMoi,
// URLCapNhat and URLDongBoTienTrinh of the provincial systems that sync today).
type Paths struct {
	Add, Update, Progress string
	// Rate is where ratings go (our choice of path: the real endpoint is not public).
	Rate string
}

// DefaultPaths are the development portal's, and the default of the real one's.
var DefaultPaths = Paths{Add: "/dvcqg/hoso/themmoi", Update: "/dvcqg/hoso/capnhat", Progress: "/dvcqg/hoso/tientrinh",
	Rate: "/dvcqg/hoso/danhgia"}

// DefaultTimeout bounds every call to the portal.
const DefaultTimeout = 10 * time.Second

// maxAnswer bounds what is read of the portal's answer.
const maxAnswer = 64 << 10

// ClientOptions configure a Client.
type ClientOptions struct {
	URL   string // base URL, e.g. https://dichvucong.gov.vn/api (required)
	Token string // bearer token; none when empty
	Paths Paths  // zero: DefaultPaths
	// Timeout bounds each call, connection to last byte of the answer (default
	// DefaultTimeout): a hung portal holds a caller no longer than this.
	Timeout time.Duration
	// HTTP is the transport (default: a client with Timeout).
	HTTP *http.Client
}

// Client is the Portal over HTTP with JSON bodies: each call carries an Idempotency-Key
// header and is bounded by a timeout; the answer is {"error_code": "0", "message": ...}.
type Client struct {
	opts ClientOptions
}

var _ Portal = (*Client)(nil)

// NewClient returns a client of the portal at opts.URL.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.URL == "" {
		return nil, errors.New("portal client: no URL")
	}
	opts.URL = strings.TrimRight(opts.URL, "/")
	if opts.Paths == (Paths{}) {
		opts.Paths = DefaultPaths
	}
	if opts.Paths.Rate == "" {
		opts.Paths.Rate = DefaultPaths.Rate
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: opts.Timeout}
	}
	return &Client{opts: opts}, nil
}

// Timeout is the bound of each call.
func (c *Client) Timeout() time.Duration { return c.opts.Timeout }

// Add implements Portal.
func (c *Client) Add(ctx context.Context, key string, d Dossier) error {
	code, err := c.call(ctx, c.opts.Paths.Add, key, d)
	if err != nil {
		return err
	}
	switch code {
	case "3", "-3":
		return ErrExists
	}
	return nil
}

// Update implements Portal.
func (c *Client) Update(ctx context.Context, key string, d Dossier) error {
	code, err := c.call(ctx, c.opts.Paths.Update, key, d)
	if err != nil {
		return err
	}
	switch code {
	case "4", "-4":
		return ErrUnknown
	}
	return nil
}

// Progress implements Portal.
func (c *Client) Progress(ctx context.Context, key string, p Progress) error {
	_, err := c.call(ctx, c.opts.Paths.Progress, key, p)
	return err
}

// Rate sends a rating.
func (c *Client) Rate(ctx context.Context, key string, r Rating) error {
	_, err := c.call(ctx, c.opts.Paths.Rate, key, r)
	return err
}

// Answer is the portal's answer to every call.
type Answer struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
}

// call posts body and returns the portal's error_code when it is 0 or one the caller
// turns into another call (exists, unknown); other codes are refusals.
func (c *Client) call(ctx context.Context, path, key string, body any) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opts.URL+path, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	if c.opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.Token)
	}
	resp, err := c.opts.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("portal %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("portal %s: read answer: %w", path, err)
	}
	return classify(path, resp.StatusCode, raw)
}

// classify turns the HTTP status and the answer into an error_code the caller acts on
// or an error: transient (retry later) for 5xx, 408, 429, 401 and 403 (a credential
// being rotated is fixed by configuration, not by dropping events) and unreadable 2xx
// answers; a RefusedError for other 4xx and error codes.
func classify(path string, status int, raw []byte) (string, error) {
	ans, decodeErr := DecodeAnswer(raw)
	switch {
	case status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests,
		status == http.StatusUnauthorized, status == http.StatusForbidden:
		return "", fmt.Errorf("portal %s: HTTP %d: %s", path, status, snippet(raw))
	case status >= 400:
		return "", &RefusedError{Status: status, Code: ans.ErrorCode, Message: firstNonEmpty(ans.Message, snippet(raw))}
	case status < 200 || status >= 300:
		return "", fmt.Errorf("portal %s: unexpected HTTP %d", path, status)
	}
	if decodeErr != nil {
		return "", fmt.Errorf("portal %s: %w", path, decodeErr)
	}
	switch ans.ErrorCode {
	case "0", "3", "-3", "4", "-4":
		return ans.ErrorCode, nil
	}
	return "", &RefusedError{Status: status, Code: ans.ErrorCode, Message: ans.Message}
}

// DecodeAnswer reads the portal's answer: a JSON object with error_code as a string or
// a number. The bytes are the partner's: bounded, never trusted.
func DecodeAnswer(raw []byte) (Answer, error) {
	if len(raw) > maxAnswer {
		return Answer{}, errors.New("answer too long")
	}
	var a struct {
		ErrorCode json.RawMessage `json:"error_code"`
		Message   string          `json:"message"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return Answer{}, fmt.Errorf("unreadable answer: %w", err)
	}
	code := strings.TrimSpace(string(a.ErrorCode))
	if s, err := unquote(code); err == nil {
		code = s
	}
	if code == "" || code == "null" || len(code) > 16 {
		return Answer{}, errors.New("answer without error_code")
	}
	return Answer{ErrorCode: code, Message: a.Message}, nil
}

func unquote(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
