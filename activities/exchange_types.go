package activities

import (
	"time"

	"motcua/internal/store"
)

// SignOutgoingInput asks the leader's signature on an outgoing document's files.
type SignOutgoingInput struct {
	OutgoingID int64
	LeaderID   int64
	PIN        string
	At         time.Time
}

// RegisterOutgoingInput numbers an outgoing document in the outgoing register and
// seals its files.
type RegisterOutgoingInput struct {
	OutgoingID int64
	Key        string // the registration's idempotency key
	At         time.Time
}

// RegisterOutgoingResult is the number given.
type RegisterOutgoingResult struct {
	Number     int
	Year       int
	DocumentID string
}

// SendOutgoingInput sends an outgoing document through the axis.
type SendOutgoingInput struct {
	OutgoingID int64
	Key        string // the axis idempotency key: workflow ID + activity
	At         time.Time
}

// SendOutgoingResult is the axis message that carries it.
type SendOutgoingResult struct {
	AxisMessageID string
	Duplicate     bool // the axis held it already: a retry after a crash sent nothing
	// Recipients are the OrganIds it went to, in the record's order (empty in the
	// results of executions recorded before this field).
	Recipients []string
}

// RecallOutgoingInput sends a recall (thu hồi, status 13) of a sent document.
type RecallOutgoingInput struct {
	OutgoingID int64
	Reason     string
	Key        string
	At         time.Time
}

// ReceiveIncomingInput fetches, checks and records one document that arrived.
type ReceiveIncomingInput struct {
	AxisMessageID string
	WorkflowID    string
	At            time.Time
}

// ReceiveIncomingResult says what was found.
type ReceiveIncomingResult struct {
	IncomingID int64
	State      string // store.IncomingArrived, IncomingRefused, IncomingDuplicate or IncomingRecall
	Reason     string
	Priority   int
	// For a recall: the workflow of the document it recalls ("" if none is known).
	RecalledWorkflowID string
	RecallReason       string
	// For a reply to a dossier's consultation of this agency (its ResponseFor names
	// the outgoing document that asked): the dossier's workflow and the reply.
	AnswersDossier string
	Reply          *ConsultReply
}

// IncomingStatusInput sends a status about an incoming document to its issuer.
type IncomingStatusInput struct {
	IncomingID  int64
	Code        string
	Description string
	Key         string
	At          time.Time
}

// RegisterIncomingInput registers an incoming document in the incoming register.
type RegisterIncomingInput struct {
	IncomingID int64
	Key        string
	At         time.Time
}

// RegisterIncomingResult is the number given and when the document must be before the
// leader.
type RegisterIncomingResult struct {
	Number    int
	Year      int
	LeaderDue time.Time
}

// ChangeIncomingInput records a change of an incoming document.
type ChangeIncomingInput struct {
	IncomingID int64
	Change     store.IncomingChange
}

// IncomingChange is a change of an incoming document's record.
type IncomingChange = store.IncomingChange

// The states of an incoming document, for the workflow.
const (
	IncomingArrived    = store.IncomingArrived
	IncomingRefused    = store.IncomingRefused
	IncomingDuplicate  = store.IncomingDuplicate
	IncomingRegistered = store.IncomingRegistered
	IncomingAssigned   = store.IncomingAssigned
	IncomingProcessing = store.IncomingProcessing
	IncomingDone       = store.IncomingDone
	IncomingRevoked    = store.IncomingRevoked
	IncomingRecall     = store.IncomingRecall
)
