package activities

import (
	"time"

	"motcua"
)

// MinutesPerDay is the length of a working day: two sessions, 8 working hours.
const MinutesPerDay = 8 * 60

// PlanInput asks for the plan of a procedure version.
type PlanInput struct {
	ProcedureCode    string
	ProcedureVersion int
	Online           bool
	// Channel chooses the channel's time limit and step budgets; "" (inputs recorded
	// before channels) means online or desk by Online.
	Channel motcua.Channel
}

// Plan is what the workflow needs of a procedure version: units, steps and their
// budgets, the time limit and the supplement policy. It is read once by an activity
// and kept in the workflow's history, so a later catalog version never changes a
// dossier already received.
type Plan struct {
	ProcedureName     string
	AgencyCode        string // identifier of the receiving agency, for dossier codes
	ReceivingUnit     Unit
	DecidingUnit      Unit
	ClericalUnit      Unit
	TimeLimitMinutes  int // working minutes for this channel
	Steps             []PlanStep
	SupplementPolicy  motcua.SupplementPolicy
	ApplicantDeadline Span // how long the applicant has to supply documents
}

// Unit is a unit's code and scope path.
type Unit struct {
	Code string
	Path string
}

// PlanStep is one step of the procedure.
type PlanStep struct {
	ID            string
	Name          string
	Unit          Unit
	Role          motcua.Role
	Action        motcua.StepAction
	BudgetMinutes int
	Consult       []Unit
	// ConsultExternal are the agencies outside the ministry the step may consult
	// through the document axis.
	ConsultExternal []Agency `json:",omitempty"`
}

// Agency is an agency outside the ministry: its identifier on the document axis and name.
type Agency struct {
	OrganID string
	Name    string
}

// Span is an amount of time: working minutes, or calendar time.
type Span struct {
	WorkingMinutes int
	Calendar       time.Duration
}

// Interval is a span of wall time, e.g. while the applicant owed a supplement.
type Interval struct {
	From, To time.Time
}

// DueInput asks when an amount of working time, counted from From, runs out.
type DueInput struct {
	From time.Time
	Span Span
	// Paused intervals do not count (pause-and-extend supplements).
	Paused []Interval
	// AfterCutOff applies the receipt rule: received after the cut-off (15:00) or
	// outside working hours, the count starts at the next working session.
	AfterCutOff bool
}

// DueResult is the counting start and the due time.
type DueResult struct {
	Start time.Time
	Due   time.Time
}

// DatesInput asks for several due dates at once: every date one transition needs.
type DatesInput struct {
	Due []DueInput
}

// DatesResult holds the due dates in the order asked.
type DatesResult struct {
	Due []DueResult
}

// Change is everything one decision writes, in one activity: the notice it produces
// (rendered and stored first, so that it shows the dossier as it was decided), its
// transitions (recorded in one transaction, each keyed by dossier and sequence), and
// the notifications it sends (each keyed). Every part is idempotent, so a retry
// writes nothing twice.
type Change struct {
	Code        motcua.DossierCode
	Notice      *NoticeInput
	Transitions []motcua.Transition
	Notify      []NotifyInput
}

// ChangeResult is the notice the change rendered, if it asked for one.
type ChangeResult struct {
	Notice DocumentRef
}

// NoticeInput asks for a notice of Circular 03/2025 (or the draft result) to be
// rendered and stored.
type NoticeInput struct {
	Code    motcua.DossierCode
	Kind    motcua.DocumentKind
	Seq     int
	At      time.Time
	Reason  string
	Missing []string
	DueAt   time.Time // appointment, or the new one (apology)
	// SupplementDeadline is when the applicant must have supplied the documents.
	SupplementDeadline time.Time
	ActorID            int64
	// Seal signs the notice with the organization's seal, as the one-stop desk issues it.
	Seal bool
	// PreviousDueAt is the appointment an apology moves (dossier-async-notices on: the
	// apology is rendered after its decision is recorded, when the records already
	// hold the new one). Zero before: the records' appointment is the previous one.
	PreviousDueAt time.Time
}

// DocumentRef names a stored document and, for one still to be signed, where the
// signatures go (PDF points: x1, y1, x2, y2 on Page).
type DocumentRef struct {
	ID         string
	Page       int
	SignerRect [4]float64
	SealRect   [4]float64
}

// SignInput asks for the leader's signature on the draft result.
type SignInput struct {
	Code     motcua.DossierCode
	Seq      int
	Document DocumentRef
	LeaderID int64
	PIN      string
	At       time.Time
	// Signature is the block the leader signs under (nil: the catalog's signer).
	Signature *motcua.SignatureBlock
}

// IssueInput asks the clerical office to number the signed result and apply the seal.
type IssueInput struct {
	Code       motcua.DossierCode
	Seq        int
	Document   DocumentRef
	ClericalID int64
	At         time.Time
}

// NotifyInput asks for a notification; Key makes it idempotent.
type NotifyInput struct {
	Key         string
	Code        motcua.DossierCode
	RecipientID int64  // a person, or
	UnitCode    string // every member of a unit with Role
	Role        motcua.Role
	Subject     string
	Body        string
}

// ArchiveInput asks for the dossier's archive package.
type ArchiveInput struct {
	Code motcua.DossierCode
	At   time.Time
	// Change is written first (dossier-async-notices on: the control sheet and the
	// notification of the return, made after the click), so the package holds the
	// sheet. Nil before.
	Change *Change
}
