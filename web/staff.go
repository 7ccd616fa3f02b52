package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"

	"motcua"
)

// Helpers the staff pages share.

// errorsOf turns a service's error into the error summary's entry, linking it to the
// input named by ids[the error's field], if any.
func errorsOf(err error, ids map[string]string) []pageError {
	var e *motcua.Error
	field := ""
	if errors.As(err, &e) {
		field = ids[e.Field]
	}
	return []pageError{{Field: field, Message: motcua.ErrorMessage(err)}}
}

// shownError reports whether err is one a page shows in its error summary (the person
// can do something about it) rather than on the error page.
func shownError(err error) bool {
	switch motcua.ErrorCode(err) {
	case motcua.EINVALID, motcua.ECONFLICT, motcua.EFORBIDDEN:
		return true
	}
	return false
}

// newRequestID names a form's decision, so that a form sent twice (a double click, a
// reload) is one decision: it becomes the Update's ID.
func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "page-" + base64.RawURLEncoding.EncodeToString(b)
}

// selectOption is an <option> or a checkbox.
type selectOption struct {
	ID, Value, Label string
	Selected         bool
}
