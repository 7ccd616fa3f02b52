package motcua

import (
	"errors"
	"fmt"
)

// Error codes. They are machine-readable and stable: the API returns them to programs and
// maps them to HTTP statuses in one place.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says what to fix
	ENOTFOUND     = "not_found"    // no such thing, or not visible to this actor
	ECONFLICT     = "conflict"     // not allowed in the current state, or already done
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, but not allowed
	EUNAVAILABLE  = "unavailable"  // a dependency does not answer; try again later
	// EUNKNOWNOUTCOME: the request was sent on, but its answer did not come in time; it
	// may have been carried out. Look again before repeating it.
	EUNKNOWNOUTCOME = "unknown_outcome"
	EINTERNAL       = "internal" // a defect or an unexpected failure
)

// Error is an application error: a code for programs and a message, in Vietnamese, for the
// person who will read it. Internal errors keep their cause for logs but never show it.
type Error struct {
	Code    string
	Message string
	// Field names the input field at fault, when there is one (JSON path).
	Field string
	// Err is the underlying cause, for logs; it is not shown to users.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("motcua %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("motcua %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a generic
// message so that nothing about the system's inside leaks to users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Hệ thống gặp lỗi ngoài dự kiến. Vui lòng thử lại sau."
}
