package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"motcua"
)

// problem is an RFC 9457 problem detail. Title is Vietnamese, for people; Code is the
// machine-readable motcua error code, for programs.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Code     string         `json:"code"`
	Detail   string         `json:"detail,omitempty"`
	Field    string         `json:"field,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ETOOMANY is the code of a request refused by a rate limit (HTTP 429). It is the
// HTTP layer's own: the domain has no notion of request rates.
const ETOOMANY = "too_many_requests"

// ETOOLARGE is the code of a request body over its limit (HTTP 413).
const ETOOLARGE = "too_large"

// statusOf maps a motcua error code to an HTTP status, in one place.
func statusOf(code string) int {
	switch code {
	case motcua.EINVALID:
		return http.StatusUnprocessableEntity
	case motcua.ENOTFOUND:
		return http.StatusNotFound
	case motcua.ECONFLICT:
		return http.StatusConflict
	case motcua.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case motcua.EFORBIDDEN:
		return http.StatusForbidden
	case motcua.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case ETOOMANY:
		return http.StatusTooManyRequests
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// writeError answers with err as problem+json; internal errors are logged, not shown.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := motcua.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := problem{
		Type:     "https://motcua.gov.vn/problems/" + code,
		Title:    motcua.ErrorMessage(err),
		Status:   status,
		Code:     code,
		Instance: r.URL.Path,
	}
	var e *motcua.Error
	if errors.As(err, &e) {
		p.Field = e.Field
	}
	var fe fieldErrors
	if errors.As(err, &fe) {
		for _, f := range fe {
			p.Errors = append(p.Errors, problemField{Field: f.Path, Code: f.Code, Message: f.Message})
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.showError(w, r, errNotFoundPage(r.URL.Path))
		return
	}
	s.writeError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy địa chỉ %s.", r.URL.Path))
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(http.StatusMethodNotAllowed)
	_ = json.NewEncoder(w).Encode(problem{Type: "https://motcua.gov.vn/problems/method_not_allowed",
		Title: "Phương thức " + r.Method + " không được hỗ trợ ở địa chỉ này.", Status: http.StatusMethodNotAllowed,
		Code: "method_not_allowed", Instance: r.URL.Path})
}

// encode writes v as JSON with status.
func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &motcua.Error{Code: motcua.EINVALID, Message: "Dữ liệu gửi lên không đúng định dạng JSON.", Err: err}
	}
	if dec.More() {
		return motcua.Errorf(motcua.EINVALID, "Dữ liệu gửi lên chỉ được chứa một đối tượng JSON.")
	}
	return nil
}
