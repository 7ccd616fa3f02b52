package httpx

import (
	"encoding/json"
	"errors"
	"net/http"

	"motcua"
	"motcua/dossiers"
)

// Problem is an RFC 9457 problem detail. Title is Vietnamese, for people; Code is the
// machine-readable motcua error code, for programs.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Code     string         `json:"code"`
	Detail   string         `json:"detail,omitempty"`
	Field    string         `json:"field,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one field error of a refused e-form.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ETOOMANY is the code of a request refused by a rate limit (HTTP 429). It is the
// HTTP layer's own: the domain has no notion of request rates.
const ETOOMANY = "too_many_requests"

// ETOOLARGE is the code of a request body over its limit (HTTP 413), the same the
// dossier service gives a file over its size.
const ETOOLARGE = dossiers.ETOOLARGE

// StatusOf maps a motcua error code to an HTTP status, in one place.
func StatusOf(code string) int {
	switch code {
	case motcua.EINVALID:
		return http.StatusUnprocessableEntity
	case motcua.ENOTFOUND:
		return http.StatusNotFound
	case motcua.ECONFLICT, dossiers.ESKIPPED:
		return http.StatusConflict
	case motcua.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case motcua.EFORBIDDEN:
		return http.StatusForbidden
	case motcua.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case ETOOMANY:
		return http.StatusTooManyRequests
	case ETOOLARGE, dossiers.EUPLOADQUOTA: // ETOOLARGE is dossiers.ETOOLARGE
		return http.StatusRequestEntityTooLarge
	case dossiers.EUPLOADRATE:
		return http.StatusTooManyRequests
	case EBADREQUEST:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// ProblemOf is err as a problem document (without the request's path).
func ProblemOf(err error) *Problem {
	code := motcua.ErrorCode(err)
	p := &Problem{Type: "https://motcua.gov.vn/problems/" + code, Title: motcua.ErrorMessage(err), Status: StatusOf(code), Code: code}
	var e *motcua.Error
	if errors.As(err, &e) {
		p.Field = e.Field
	}
	var fe dossiers.FieldErrors
	if errors.As(err, &fe) {
		for _, f := range fe {
			p.Errors = append(p.Errors, ProblemField{Field: f.Path, Code: f.Code, Message: f.Message})
		}
	}
	return p
}

// WriteError answers with err as problem+json; internal errors are logged, not shown.
func (k *Kit) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(err)
	p.Instance = r.URL.Path
	if p.Status == http.StatusInternalServerError {
		k.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(http.StatusMethodNotAllowed)
	_ = json.NewEncoder(w).Encode(Problem{Type: "https://motcua.gov.vn/problems/method_not_allowed",
		Title: "Phương thức " + r.Method + " không được hỗ trợ ở địa chỉ này.", Status: http.StatusMethodNotAllowed,
		Code: "method_not_allowed", Instance: r.URL.Path})
}

// Encode writes v as JSON with status.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Decode reads a JSON body into v, refusing unknown fields and trailing data.
func Decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &motcua.Error{Code: ETOOLARGE, Message: "Dữ liệu gửi lên quá lớn.", Err: err}
		}
		return &motcua.Error{Code: motcua.EINVALID, Message: "Dữ liệu gửi lên không đúng định dạng JSON.", Err: err}
	}
	if dec.More() {
		return motcua.Errorf(motcua.EINVALID, "Dữ liệu gửi lên chỉ được chứa một đối tượng JSON.")
	}
	return nil
}
