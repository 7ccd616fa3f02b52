package signing

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

// Client calls a CSC API v2 signature service. It authenticates with a service token
// (the worker's), not with the signer's identity: the signer proves presence with the
// PIN at each credentials/authorize.
type Client struct {
	// BaseURL is the CSC base URI, e.g. "http://127.0.0.1:8090/csc/v2".
	BaseURL string
	// Token is the bearer token of the calling service.
	Token string
	// HTTPClient is used for every call; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Timeout bounds each call, connection to last byte of the answer, whatever
	// HTTPClient is (default DefaultTimeout): a hung service holds a signing activity's
	// worker slot no longer than this.
	Timeout time.Duration
}

// DefaultTimeout bounds a call to the signature service when Client.Timeout is not set.
const DefaultTimeout = 30 * time.Second

// NewClient returns a client for the service at baseURL (the CSC base URI).
func NewClient(baseURL, token string, hc *http.Client) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTPClient: hc}
}

// Error is an error answer of the service, in CSC form. It unwraps to a *motcua.Error
// with a message for the person signing, so motcua.ErrorCode and motcua.ErrorMessage work
// on it, and it matches ErrInvalidPIN, ErrPINLocked, ErrUnauthorized and ErrSADRejected
// with errors.Is.
type Error struct {
	StatusCode  int
	Code        string // CSC "error"
	Description string // CSC "error_description"
	// RemainingAttempts is the number of PIN tries left after a wrong PIN, or -1.
	RemainingAttempts int
	// Path is the method called, e.g. "/credentials/authorize".
	Path string
}

// Sentinel errors, for errors.Is.
var (
	ErrInvalidPIN   = errors.New("signing: invalid PIN")
	ErrPINLocked    = errors.New("signing: credential locked after too many wrong PINs")
	ErrUnauthorized = errors.New("signing: the service refused the service token")
	ErrSADRejected  = errors.New("signing: signature activation data refused")
)

func (e *Error) Error() string {
	return fmt.Sprintf("csc %s: %d %s: %s", e.Path, e.StatusCode, e.Code, e.Description)
}

// Is reports whether e is one of the sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidPIN:
		return e.Code == ErrCodeInvalidRequest && strings.HasPrefix(e.Description, DescInvalidPIN)
	case ErrPINLocked:
		return e.Code == ErrCodeInvalidRequest && strings.HasPrefix(e.Description, DescPINLocked)
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrSADRejected:
		return e.Code == ErrCodeInvalidRequest &&
			(strings.HasPrefix(e.Description, DescInvalidSAD) || strings.HasPrefix(e.Description, DescExpiredSAD))
	}
	return false
}

// Unwrap returns the user-facing error: what the leader or clerk should read.
func (e *Error) Unwrap() error {
	switch {
	case e.Is(ErrInvalidPIN):
		msg := "Mã PIN không đúng."
		if e.RemainingAttempts > 0 {
			msg = fmt.Sprintf("Mã PIN không đúng. Bạn còn %d lần nhập trước khi khóa ký số bị tạm khóa.", e.RemainingAttempts)
		} else if e.RemainingAttempts == 0 {
			msg = "Mã PIN không đúng. Khóa ký đã bị khóa; liên hệ quản trị viên để mở khóa."
		}
		return &motcua.Error{Code: motcua.EINVALID, Field: "pin", Message: msg}
	case e.Is(ErrPINLocked):
		return &motcua.Error{Code: motcua.EFORBIDDEN, Field: "pin",
			Message: "Khóa ký đã bị khóa do nhập sai mã PIN nhiều lần liên tiếp. Liên hệ quản trị viên để mở khóa."}
	case e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests:
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ ký số tạm thời không phản hồi. Vui lòng thử lại sau."}
	}
	// A refused token, SAD or parameter is a defect or a misconfiguration of ours, not
	// something the signer can fix.
	return &motcua.Error{Code: motcua.EINTERNAL, Message: "Không ký được văn bản do lỗi hệ thống ký số."}
}

// Info calls info, which needs no token.
func (c *Client) Info(ctx context.Context) (*InfoResponse, error) {
	var out InfoResponse
	if err := c.call(ctx, PathInfo, InfoRequest{}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCredentials calls credentials/list.
func (c *Client) ListCredentials(ctx context.Context, req CredentialsListRequest) (*CredentialsListResponse, error) {
	var out CredentialsListResponse
	if err := c.call(ctx, PathCredentialsList, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CredentialInfo calls credentials/info.
func (c *Client) CredentialInfo(ctx context.Context, req CredentialsInfoRequest) (*CredentialInfo, error) {
	var out CredentialInfo
	if err := c.call(ctx, PathCredentialsInfo, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Authorize calls credentials/authorize. req carries a PIN: the caller must not log it.
func (c *Client) Authorize(ctx context.Context, req CredentialsAuthorizeRequest) (*CredentialsAuthorizeResponse, error) {
	var out CredentialsAuthorizeResponse
	if err := c.call(ctx, PathCredentialsAuthorize, req, &out); err != nil {
		return nil, err
	}
	if out.SAD == "" {
		return nil, fmt.Errorf("csc %s: answer has no SAD", PathCredentialsAuthorize)
	}
	return &out, nil
}

// SignHash calls signatures/signHash.
func (c *Client) SignHash(ctx context.Context, req SignHashRequest) (*SignHashResponse, error) {
	var out SignHashResponse
	if err := c.call(ctx, PathSignHash, req, &out); err != nil {
		return nil, err
	}
	if len(out.Signatures) != len(req.Hashes) {
		return nil, fmt.Errorf("csc %s: %d signatures for %d hashes", PathSignHash, len(out.Signatures), len(req.Hashes))
	}
	return &out, nil
}

// maxResponse bounds what the client reads from the service: a chain of a few
// certificates, or a few signatures, is far smaller.
const maxResponse = 1 << 20

// call posts in as JSON to path and decodes the answer into out. Errors never include
// the request body, which may hold a PIN.
func (c *Client) call(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("csc %s: encode request: %w", path, err)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("csc %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Không kết nối được dịch vụ ký số. Vui lòng thử lại sau.",
			Err: fmt.Errorf("csc %s: %w", path, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ ký số trả lời không trọn vẹn. Vui lòng thử lại.",
			Err: fmt.Errorf("csc %s: read answer: %w", path, err)}
	}
	if resp.StatusCode != http.StatusOK {
		e := &Error{StatusCode: resp.StatusCode, Path: path, RemainingAttempts: -1}
		var er ErrorResponse
		if json.Unmarshal(data, &er) == nil && er.Error != "" {
			e.Code, e.Description = er.Error, er.ErrorDescription
			if er.RemainingAttempts != nil {
				e.RemainingAttempts = *er.RemainingAttempts
			}
		} else {
			e.Code, e.Description = http.StatusText(resp.StatusCode), "answer is not a CSC error"
		}
		return e
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("csc %s: decode answer: %w", path, err)
	}
	return nil
}
