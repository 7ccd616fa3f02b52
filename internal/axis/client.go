package axis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/internal/edxml"
)

// ClientConfig is how a Client reaches the axis.
type ClientConfig struct {
	URL      string // root URL of the axis, without PathPrefix
	AgencyID string // this agency's OrganId
	Secret   string
	// Timeout bounds every call (default 30 s); ctx may bound it further.
	Timeout time.Duration
	// MaxEnvelope bounds an envelope sent or fetched (default edxml.DefaultLimits().MaxBytes).
	MaxEnvelope int64
	// HTTPClient is the HTTP client (default: a new one without its own timeout, the
	// per-call Timeout being the bound).
	HTTPClient *http.Client
}

// Client is the Transport over the axis's HTTP protocol.
type Client struct {
	cfg  ClientConfig
	base string
	http *http.Client
}

var _ Transport = (*Client)(nil)

// NewClient checks cfg and returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("axis client: URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.AgencyID == "" || cfg.Secret == "" {
		return nil, errors.New("axis client: agency ID and secret are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxEnvelope <= 0 {
		cfg.MaxEnvelope = edxml.DefaultLimits().MaxBytes
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.URL, "/") + PathPrefix, http: hc}, nil
}

// AgencyID is the agency this client speaks for.
func (c *Client) AgencyID() string { return c.cfg.AgencyID }

// Send posts the envelope with its idempotency key. When the answer does not come (a
// timeout, a broken connection), the outcome is unknown (motcua.EUNKNOWNOUTCOME): look
// at Sent with the key, or send again with the same key.
func (c *Client) Send(ctx context.Context, req SendRequest) (SendResult, error) {
	if req.Key == "" || len(req.Key) > MaxKeyLength {
		return SendResult{}, &motcua.Error{Code: motcua.EINVALID, Field: "key",
			Message: fmt.Sprintf("Khóa chống gửi trùng phải có từ 1 đến %d ký tự.", MaxKeyLength)}
	}
	if int64(len(req.Envelope)) > c.cfg.MaxEnvelope {
		return SendResult{}, &motcua.Error{Code: motcua.EINVALID, Field: "envelope",
			Message: fmt.Sprintf("Gói tin edXML vượt quá dung lượng cho phép (%d byte).", c.cfg.MaxEnvelope)}
	}
	var res SendResult
	err := c.do(ctx, http.MethodPost, "/messages", nil, req.Envelope, map[string]string{
		HeaderIdemKey: req.Key, "Content-Type": ContentTypeXML}, true,
		func(r io.Reader) error {
			if err := decodeJSON(r, MaxJSONResponse, &res); err != nil {
				return err
			}
			return res.Message.check()
		})
	if err != nil {
		return SendResult{}, fmt.Errorf("axis send %s: %w", req.Key, err)
	}
	return res, nil
}

// Received lists this agency's queue.
func (c *Client) Received(ctx context.Context, q ReceivedQuery) ([]Message, error) {
	v := url.Values{}
	if q.Kind != "" {
		v.Set("kind", string(q.Kind))
	}
	if q.All {
		v.Set("all", "1")
	}
	setPage(v, q.After, q.Limit)
	var out []Message
	err := c.do(ctx, http.MethodGet, "/received", v, nil, nil, false, func(r io.Reader) (err error) {
		out, err = DecodeMessages(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("axis received: %w", err)
	}
	return out, nil
}

// Sent lists what this agency sent.
func (c *Client) Sent(ctx context.Context, q SentQuery) ([]Message, error) {
	v := url.Values{}
	if q.Key != "" {
		v.Set("key", q.Key)
	}
	if q.DocumentID != "" {
		v.Set("documentId", q.DocumentID)
	}
	setPage(v, q.After, q.Limit)
	var out []Message
	err := c.do(ctx, http.MethodGet, "/sent", v, nil, nil, false, func(r io.Reader) (err error) {
		out, err = DecodeMessages(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("axis sent: %w", err)
	}
	return out, nil
}

// Fetch reads one message and its envelope (two calls: the metadata, then the bytes).
func (c *Client) Fetch(ctx context.Context, id string) (Fetched, error) {
	if err := checkID(id); err != nil {
		return Fetched{}, err
	}
	var f Fetched
	err := c.do(ctx, http.MethodGet, "/messages/"+id, nil, nil, nil, false, func(r io.Reader) error {
		if err := decodeJSON(r, MaxJSONResponse, &f.Message); err != nil {
			return err
		}
		return f.Message.check()
	})
	if err != nil {
		return Fetched{}, fmt.Errorf("axis fetch %s: %w", id, err)
	}
	err = c.do(ctx, http.MethodGet, "/messages/"+id+"/envelope", nil, nil, nil, false, func(r io.Reader) error {
		data, err := io.ReadAll(io.LimitReader(r, c.cfg.MaxEnvelope+1))
		if err != nil {
			return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Không đọc được gói tin từ trục liên thông văn bản.", Err: err}
		}
		if int64(len(data)) > c.cfg.MaxEnvelope {
			return &motcua.Error{Code: motcua.EINVALID,
				Message: fmt.Sprintf("Gói tin edXML vượt quá dung lượng cho phép (%d byte).", c.cfg.MaxEnvelope)}
		}
		f.Envelope = data
		return nil
	})
	if err != nil {
		return Fetched{}, fmt.Errorf("axis fetch %s envelope: %w", id, err)
	}
	return f, nil
}

// Ack acknowledges a received message to the transport.
func (c *Client) Ack(ctx context.Context, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if err := c.do(ctx, http.MethodPost, "/messages/"+id+"/ack", nil, nil, nil, false, nil); err != nil {
		return fmt.Errorf("axis ack %s: %w", id, err)
	}
	return nil
}

// Agencies lists the agencies of the axis.
func (c *Client) Agencies(ctx context.Context) ([]Agency, error) {
	var l AgencyList
	err := c.do(ctx, http.MethodGet, "/agencies", nil, nil, nil, false, func(r io.Reader) error {
		if err := decodeJSON(r, MaxJSONResponse, &l); err != nil {
			return err
		}
		for _, a := range l.Agencies {
			if a.ID == "" || len(a.ID) > maxIDLength || len(a.Name) > 1000 {
				return errBadAnswer("bad agency %q", a.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("axis agencies: %w", err)
	}
	return l.Agencies, nil
}

func setPage(v url.Values, after string, limit int) {
	if after != "" {
		v.Set("after", after)
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
}

// checkID refuses an ID that is not a message ID before it reaches a URL path.
func checkID(id string) error {
	if _, err := strconv.ParseInt(id, 10, 64); err != nil || id == "" || id[0] == '+' || id[0] == '-' {
		return &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không có thông điệp này trên trục liên thông văn bản."}
	}
	return nil
}

// do makes one call within the client's timeout and hands a 2xx body to read. A failure
// to get an answer is EUNAVAILABLE, or EUNKNOWNOUTCOME when the call changes something
// and might have been carried out (mutating).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, headers map[string]string,
	mutating bool, read func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.SetBasicAuth(c.cfg.AgencyID, c.cfg.Secret)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if mutating {
			return &motcua.Error{Code: motcua.EUNKNOWNOUTCOME, Err: err,
				Message: "Không nhận được trả lời của trục liên thông văn bản: chưa rõ gói tin đã được gửi hay chưa; hãy kiểm tra danh sách đã gửi trước khi gửi lại."}
		}
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Err: err,
			Message: "Không kết nối được trục liên thông văn bản. Vui lòng thử lại sau."}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorOf(resp, mutating)
	}
	if read == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil
	}
	if err := read(resp.Body); err != nil {
		if mutating && motcua.ErrorCode(err) == motcua.EUNAVAILABLE {
			// The axis answered 2xx: the send was carried out even if its answer is unreadable.
			return &motcua.Error{Code: motcua.EUNKNOWNOUTCOME, Err: err,
				Message: "Trục liên thông văn bản đã nhận gói tin nhưng trả lời không đọc được; hãy kiểm tra danh sách đã gửi."}
		}
		return err
	}
	return nil
}

// errorOf turns an error answer into a *motcua.Error: the axis's own code and message
// when it sent a readable one, else one made from the HTTP status.
func errorOf(resp *http.Response, mutating bool) error {
	var b ErrorBody
	_ = decodeJSON(resp.Body, 64<<10, &b)
	code := ""
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		code = motcua.EUNAUTHORIZED
	case http.StatusForbidden:
		code = motcua.EFORBIDDEN
	case http.StatusNotFound:
		code = motcua.ENOTFOUND
	case http.StatusConflict:
		code = motcua.ECONFLICT
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		code = motcua.EINVALID
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		code = motcua.EUNAVAILABLE // refused before anything was done
	default:
		// A 500 or a gateway's 502/504 may come after the axis stored the message.
		code = motcua.EUNAVAILABLE
		if mutating {
			code = motcua.EUNKNOWNOUTCOME
		}
	}
	msg := b.Message
	if msg == "" || !utf8.ValidString(msg) || len(msg) > 2000 {
		msg = fmt.Sprintf("Trục liên thông văn bản từ chối yêu cầu (HTTP %d).", resp.StatusCode)
	}
	return &motcua.Error{Code: code, Message: msg, Field: b.Field,
		Err: fmt.Errorf("axis answered HTTP %d (%s)", resp.StatusCode, b.Code)}
}
