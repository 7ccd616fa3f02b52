package payment

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

	"motcua"
)

// MaxMessageBytes bounds every message read from the platform or posted to the notify
// URL: a notice is a few hundred bytes.
const MaxMessageBytes = 16 << 10

// DefaultTimeout bounds each call to the platform.
const DefaultTimeout = 10 * time.Second

// Config is how to reach the platform.
type Config struct {
	// URL is the platform's base URL: POST URL/init, POST URL/status.
	URL string
	// Partner is motcua's partner code (MaDoiTac) and Secret the key shared with the
	// platform that authenticates messages both ways.
	Partner, Secret string
	// Timeout bounds each call (default DefaultTimeout).
	Timeout time.Duration
}

// Client talks to the payment platform.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client; it needs URL, Partner and Secret.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" || cfg.Partner == "" || cfg.Secret == "" {
		return nil, errors.New("payment: URL, partner and secret are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	return &Client{cfg: cfg, http: &http.Client{Timeout: cfg.Timeout}}, nil
}

// Order is one payment to ask for.
type Order struct {
	Reference string
	Amount    int64 // VND
	At        time.Time
	ReturnURL string
	NotifyURL string
	Receipt   Receipt
}

var errUnavailable = "Cổng thanh toán trực tuyến đang không phản hồi. Vui lòng thử lại sau ít phút."

// Initiate asks the platform for the payment and returns where the applicant pays.
func (c *Client) Initiate(ctx context.Context, o Order) (string, error) {
	if o.Amount <= 0 {
		return "", motcua.Errorf(motcua.EINVALID, "Số tiền thanh toán phải lớn hơn 0.")
	}
	req := InitRequest{Message: MessageInit, Version: Version, Partner: c.cfg.Partner, Reference: o.Reference,
		Amount: o.Amount, Kind: KindPay, Time: o.At.In(motcua.Vietnam).Format("20060102150405"),
		ReturnURL: o.ReturnURL, NotifyURL: o.NotifyURL, Receipt: o.Receipt}
	req.Hash = sign(c.cfg.Secret, req.fields())
	var res InitResponse
	if err := c.post(ctx, "/init", req, &res); err != nil {
		return "", err
	}
	if !verify(c.cfg.Secret, res.fields(), res.Hash) || res.Reference != o.Reference {
		return "", &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable,
			Err: fmt.Errorf("payment init %s: answer not authenticated", o.Reference)}
	}
	if res.Code != "00" || res.PayURL == "" {
		return "", &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable,
			Err: fmt.Errorf("payment init %s: refused %s %s", o.Reference, res.Code, res.Description)}
	}
	return res.PayURL, nil
}

// Status asks the platform the status of payment ref (polling); the answer is verified.
func (c *Client) Status(ctx context.Context, ref string) (Notice, error) {
	req := StatusRequest{Partner: c.cfg.Partner, Reference: ref}
	req.Hash = sign(c.cfg.Secret, req.fields())
	var n Notice
	if err := c.post(ctx, "/status", req, &n); err != nil {
		return Notice{}, err
	}
	if err := c.Verify(n); err != nil || n.Reference != ref {
		return Notice{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable,
			Err: fmt.Errorf("payment status %s: answer not authenticated", ref)}
	}
	return n, nil
}

// ParseNotice reads a notice the platform posted (at most MaxMessageBytes) and verifies
// its hash: a forged or malformed notice is refused (EFORBIDDEN, EINVALID).
func (c *Client) ParseNotice(body []byte) (Notice, error) {
	n, err := DecodeNotice(body)
	if err != nil {
		return Notice{}, err
	}
	return n, c.Verify(n)
}

// DecodeNotice decodes a notice without verifying it; bounded.
func DecodeNotice(body []byte) (Notice, error) {
	var n Notice
	if len(body) > MaxMessageBytes {
		return Notice{}, motcua.Errorf(motcua.EINVALID, "Thông báo thanh toán quá lớn.")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&n); err != nil {
		return Notice{}, &motcua.Error{Code: motcua.EINVALID, Message: "Thông báo thanh toán không đúng định dạng.", Err: err}
	}
	if n.Reference == "" || len(n.Reference) > 64 || n.Amount < 0 ||
		(n.Status != StatusPending && n.Status != StatusPaid && n.Status != StatusCancelled) {
		return Notice{}, motcua.Errorf(motcua.EINVALID, "Thông báo thanh toán thiếu hoặc sai thông tin.")
	}
	return n, nil
}

// Verify checks a notice's hash.
func (c *Client) Verify(n Notice) error {
	if !verify(c.cfg.Secret, n.fields(), n.Hash) {
		return motcua.Errorf(motcua.EFORBIDDEN, "Mã xác thực của thông báo thanh toán không đúng.")
	}
	return nil
}

func (c *Client) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable, Err: fmt.Errorf("payment %s: %w", path, err)}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxMessageBytes+1))
	if err != nil || res.StatusCode != http.StatusOK || len(b) > MaxMessageBytes {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable,
			Err: fmt.Errorf("payment %s: status %d, %d bytes, %v", path, res.StatusCode, len(b), err)}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: errUnavailable, Err: fmt.Errorf("payment %s: %w", path, err)}
	}
	return nil
}
