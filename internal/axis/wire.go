package axis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"motcua"
)

// The HTTP protocol of the development axis, shared by the client and axis/server.
// Agencies authenticate with HTTP Basic (agency ID and secret), as VDXP's and the LGSPs'
// REST faces take a system ID and a secret key in every request.
const (
	PathPrefix     = "/axis/v1"
	HeaderIdemKey  = "Idempotency-Key"
	ContentTypeXML = "application/xml"
)

// MaxJSONResponse bounds a JSON answer of the axis (a page of MaxLimit messages with
// their deliveries fits in far less).
const MaxJSONResponse = 4 << 20

// ErrorBody is the axis's JSON error: a motcua error code and a Vietnamese message.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// MessageList is the JSON answer of the received and sent lists.
type MessageList struct {
	Messages []Message `json:"messages"`
}

// AgencyList is the JSON answer of the agency list.
type AgencyList struct {
	Agencies []Agency `json:"agencies"`
}

// maxIDLength bounds identifiers in the axis's answers: message IDs are decimal, agency
// IDs 13 characters, DocumentIds 100.
const maxIDLength = 200

// errBadAnswer is an answer of the axis that is not what the protocol says.
func errBadAnswer(format string, args ...any) error {
	return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Trục liên thông văn bản trả lời không đúng định dạng.",
		Err: fmt.Errorf(format, args...)}
}

// decodeJSON reads at most limit bytes of r into v: a longer answer is refused, not cut.
func decodeJSON(r io.Reader, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Không đọc được câu trả lời của trục liên thông văn bản.", Err: err}
	}
	if int64(len(data)) > limit {
		return errBadAnswer("answer over %d bytes", limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errBadAnswer("decode answer: %v", err)
	}
	if dec.More() {
		return errBadAnswer("trailing data after the answer")
	}
	return nil
}

// DecodeMessages reads a MessageList answer within MaxJSONResponse and checks every
// message: the client trusts nothing it has not checked.
func DecodeMessages(r io.Reader) ([]Message, error) {
	var l MessageList
	if err := decodeJSON(r, MaxJSONResponse, &l); err != nil {
		return nil, err
	}
	if len(l.Messages) > MaxLimit {
		return nil, errBadAnswer("%d messages in one page, more than %d", len(l.Messages), MaxLimit)
	}
	for i, m := range l.Messages {
		if err := m.check(); err != nil {
			return nil, errBadAnswer("message %d: %v", i, err)
		}
	}
	return l.Messages, nil
}

func (m Message) check() error {
	if m.ID == "" {
		return errors.New("no id")
	}
	if !m.Kind.Valid() {
		return fmt.Errorf("unknown kind %q", m.Kind)
	}
	for _, s := range []string{m.ID, m.From, m.Key, m.DocumentID} {
		if len(s) > maxIDLength || !utf8.ValidString(s) {
			return errors.New("identifier too long or not UTF-8")
		}
	}
	if m.Size < 0 {
		return errors.New("negative size")
	}
	if len(m.Deliveries) > 1000 {
		return errors.New("too many deliveries")
	}
	for _, d := range m.Deliveries {
		if d.To == "" || len(d.To) > maxIDLength {
			return errors.New("bad delivery")
		}
	}
	return nil
}
