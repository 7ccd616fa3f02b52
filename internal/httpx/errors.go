package httpx

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/store"
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
	case motcua.EINVALID, dossiers.EREFUSED:
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
	case motcua.EUNKNOWNOUTCOME:
		// The request went on to the engine and its answer did not come back in time:
		// this server, a gateway to the engine, timed out. Not 202: nothing says the
		// engine accepted it; and a 5xx tells a program to look before it repeats.
		return http.StatusGatewayTimeout
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

// RetryAfter is how long a client should wait before trying again when a dependency
// is down (the Retry-After of a 503): PostgreSQL restarting or Temporal reconnecting
// take seconds.
const RetryAfter = 5 * time.Second

// unavailableMessage is a dependency's outage as people read it.
const unavailableMessage = "Hệ thống đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút."

// Classify gives an error that carries no code of its own the code of what happened:
// a PostgreSQL outage (store.Unavailable) is EUNAVAILABLE, not EINTERNAL. It is the one
// place where a dependency's failure becomes an answer: the API's problem documents
// (ProblemOf) and the pages' error page both call it. Temporal's outages are
// classified where Temporal is called (dossiers' engine).
func Classify(err error) error {
	if err == nil || motcua.ErrorCode(err) != motcua.EINTERNAL {
		return err
	}
	if store.Unavailable(err) {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: unavailableMessage, Err: err}
	}
	return err
}

// SetRetryAfter tells the client of a 503 when to try again.
func SetRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	}
}

// ProblemOf is err as a problem document (without the request's path).
func ProblemOf(err error) *Problem {
	err = Classify(err)
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
	switch p.Status {
	case http.StatusInternalServerError:
		k.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// The answer hides the cause; the operator needs it.
		k.Log.WarnContext(r.Context(), "request not served", "method", r.Method, "path", r.URL.Path, "code", p.Code, "err", err)
	}
	SetRetryAfter(w, p.Status)
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
