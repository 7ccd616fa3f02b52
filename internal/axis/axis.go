// Package axis is motcua's adapter to the national document axis (VDXP, "trục liên
// thông văn bản quốc gia") or a ministry's LGSP: the Transport interface with the
// operations those systems offer (send an envelope, list what arrived, fetch one,
// acknowledge it to the transport, list what this agency sent, list agencies), an HTTP
// client implementing it, and, in axis/server, the development axis that `motcua run`
// starts and `motcua axis` runs alone.
//
// The transport carries edXML envelopes (internal/edxml), documents and status messages
// alike, through one queue per agency. Its acknowledgement (Ack) only says "I have
// taken this message off the queue": it is not a business status. Business statuses
// (01 Đã đến, 03 Đã tiếp nhận, …) are status messages sent back like any envelope.
//
// It knows nothing of workflows or registers: the exchange service and its activities
// use it. docs/exchange.md describes the guarantees.
package axis

import (
	"context"
	"time"
)

// Kind is what a message on the axis carries.
type Kind string

// The kinds of message (VDXP's messagetype).
const (
	KindDocument Kind = "edoc"   // an edXML document (MessageHeader)
	KindStatus   Kind = "status" // an edXML status message (Status)
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k == KindDocument || k == KindStatus }

// Agency is one agency connected to the axis: its electronic identifier (OrganId, QĐ
// 20/2020/QĐ-TTg, for example 000.00.00.G09) and its name.
type Agency struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SendRequest is one envelope to send.
type SendRequest struct {
	// Key is the sender's idempotency key (its message ID): the axis stores one message
	// per sender and key, so a retried send is stored once. An activity uses its
	// workflow ID and activity ID. Required, at most MaxKeyLength characters.
	Key string
	// Envelope is the edXML envelope, sent verbatim (it may be signed). The axis reads
	// its recipients from it: MessageHeader/To for a document, Status/ResponseFor/OrganId
	// for a status message.
	Envelope []byte
}

// MaxKeyLength bounds an idempotency key.
const MaxKeyLength = 200

// SendResult is what the axis recorded for a send.
type SendResult struct {
	Message Message `json:"message"`
	// Duplicate is true when the axis already held a message with this key (the send was
	// a retry): nothing new was queued.
	Duplicate bool `json:"duplicate"`
}

// Message is one message as the axis lists it, without its envelope.
type Message struct {
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	From       string    `json:"from"`
	Key        string    `json:"key"`
	DocumentID string    `json:"documentId"` // MessageHeader/DocumentId, or Status/ResponseFor/DocumentId
	Size       int64     `json:"size"`       // of the envelope, in bytes
	SentAt     time.Time `json:"sentAt"`
	// Deliveries are the recipients and whether each acknowledged the message. A
	// recipient sees only its own.
	Deliveries []Delivery `json:"deliveries"`
}

// Delivery is one recipient of a message and its transport acknowledgement.
type Delivery struct {
	To      string     `json:"to"`
	AckedAt *time.Time `json:"ackedAt,omitempty"`
}

// ReceivedQuery selects messages of this agency's queue.
type ReceivedQuery struct {
	Kind Kind // "" for both kinds
	// All includes acknowledged messages; by default only pending ones are listed.
	All bool
	// After lists messages after this ID (a cursor: the last ID of the previous page).
	After string
	Limit int // 0: DefaultLimit; at most MaxLimit
}

// SentQuery selects messages this agency sent, for reconciliation after a crash.
type SentQuery struct {
	Key        string // the idempotency key of the send
	DocumentID string
	After      string
	Limit      int
}

// Limits of one page of a list.
const (
	DefaultLimit = 100
	MaxLimit     = 500
)

// Fetched is one message with its envelope, as the recipient (or the sender) reads it.
type Fetched struct {
	Message  Message
	Envelope []byte // verbatim; parse it with edxml.Parse
}

// Transport is the document axis as motcua uses it. Implementations must be safe for
// concurrent use; every method is bounded in time by the implementation, and by ctx.
type Transport interface {
	// Send queues an envelope for its recipients. A send with a key already used by this
	// agency returns the stored message (Duplicate true) when the envelope is the same,
	// and a conflict (motcua.ECONFLICT) when it differs.
	Send(ctx context.Context, req SendRequest) (SendResult, error)
	// Received lists this agency's queue, oldest first.
	Received(ctx context.Context, q ReceivedQuery) ([]Message, error)
	// Fetch reads one message addressed to (or sent by) this agency.
	Fetch(ctx context.Context, id string) (Fetched, error)
	// Ack acknowledges a received message to the transport: it leaves the pending queue.
	// Acknowledging twice is not an error. It is not a business status.
	Ack(ctx context.Context, id string) error
	// Sent lists what this agency sent, oldest first: a client that does not know whether
	// a send reached the axis (it crashed, or the answer was lost) looks for its key.
	Sent(ctx context.Context, q SentQuery) ([]Message, error)
	// Agencies lists the agencies connected to the axis.
	Agencies(ctx context.Context) ([]Agency, error)
}

// SendOnce sends req unless the axis already holds a message of this agency with its
// key: it looks at the sent list first, so that a caller retrying after a crash between
// the send and its own database write learns the message's ID without sending anything
// again. The axis is idempotent on the key too; the look-up makes the answer the same
// even from a transport that is not.
func SendOnce(ctx context.Context, t Transport, req SendRequest) (SendResult, error) {
	sent, err := t.Sent(ctx, SentQuery{Key: req.Key, Limit: 1})
	if err != nil {
		return SendResult{}, err
	}
	if len(sent) > 0 {
		return SendResult{Message: sent[0], Duplicate: true}, nil
	}
	return t.Send(ctx, req)
}
