package workflows

import (
	"time"

	"motcua"
)

// Update, query and workflow names of the dossier workflow. People's decisions arrive as
// Updates with validators: a decision that is not allowed now, or not for this person,
// is rejected before anything is written. The decisions' names, and who may take which
// in which status, are the domain's transition table (motcua.Decisions).
const (
	DossierWorkflowName = "DossierWorkflow"

	UpdateSubmit            = "submit" // the API, right after start: wait until recorded
	UpdateReceive           = motcua.DecideReceive
	UpdateRefuse            = motcua.DecideRefuse
	UpdateRequestSupplement = motcua.DecideRequestSupplement
	UpdateSupplement        = motcua.DecideSupplement
	UpdateWithdraw          = motcua.DecideWithdraw
	UpdateCompleteStep      = motcua.DecideCompleteStep
	UpdateConsult           = motcua.DecideConsult
	UpdateAnswerConsult     = motcua.DecideAnswerConsult
	UpdateSendBack          = motcua.DecideSendBack
	UpdateRecall            = motcua.DecideRecall
	UpdateSubmitForSigning  = motcua.DecideSubmitForSigning
	UpdateSign              = motcua.DecideSign
	UpdateReturnForRework   = motcua.DecideReturnForRework
	UpdateIssue             = motcua.DecideIssue
	UpdateReturnResult      = motcua.DecideReturnResult
	UpdateStop              = motcua.DecideStop
	UpdateApologize         = motcua.DecideApologize

	QueryState = "state"
)

// Actions are the decisions a person can take; the API's actions endpoint names them.
var Actions = []string{UpdateReceive, UpdateRefuse, UpdateRequestSupplement, UpdateCompleteStep, UpdateConsult,
	UpdateAnswerConsult, UpdateSendBack, UpdateRecall, UpdateSubmitForSigning, UpdateSign, UpdateReturnForRework,
	UpdateIssue, UpdateReturnResult, UpdateStop, UpdateApologize}

// DossierID is the workflow ID of a dossier.
func DossierID(code motcua.DossierCode) string { return code.WorkflowID() }

// DossierInput starts a dossier's workflow. It carries codes and IDs only: the form data
// and the applicant's personal data stay in PostgreSQL.
type DossierInput struct {
	Code             motcua.DossierCode
	ProcedureCode    string
	ProcedureVersion int
	ApplicantID      int64
	Online           bool
	// Channel is how the dossier arrived; it chooses the time limit. Histories started
	// before it existed carry "" and fall back to Online (motcua.ChannelOf).
	Channel     motcua.Channel
	SubmittedAt time.Time
	// Fee is what the dossier owes in VND (0: nothing): it waits for the payment before
	// the desk gets it (payment.go).
	Fee int64
	// FeeAfterReceipt: the procedure asks for the fee after receipt, not at submission
	// (forms.Fee.When): the desk receives the dossier first and review waits for the
	// payment (payment.go). Histories started before it carry false.
	FeeAfterReceipt bool
}

// DossierResult is what a dossier's workflow ends with.
type DossierResult struct {
	Status     motcua.Status
	FinishedAt time.Time
}

// Actor is who takes a decision, as the workflow sees it: IDs and scope, no names.
type Actor struct {
	UserID   int64
	Roles    []motcua.Role
	UnitPath string
}

// DomainActor converts to the domain type for authorization.
func (a Actor) DomainActor() motcua.Actor {
	return motcua.Actor{UserID: a.UserID, Roles: a.Roles, UnitPath: a.UnitPath}
}

// ActorOf converts a domain actor (from the API's authentication) to the workflow's.
func ActorOf(a motcua.Actor) Actor {
	return Actor{UserID: a.UserID, Roles: a.Roles, UnitPath: a.UnitPath}
}

// Decision is a staff decision as the API receives it, one shape for every decision;
// DecisionArg turns it into the decision's own input. Histories of the workflow's
// first version carry it as the argument of every decision update: each input below
// names its fields as Decision does, so both shapes decode into it.
type Decision struct {
	Actor Actor
	// Note is the reason or comment the decision needs (refusal, supplement request, stop,
	// send back, apology); shown to the applicant where the notice says so.
	Note string
	// NotePublic: the author marked the note for the applicant to read; other notes of
	// decisions that do not address the applicant stay between units.
	NotePublic bool
	// Missing lists what the applicant must supply (request-supplement).
	Missing []string
	// Units are the unit codes consulted (consult).
	Units []string
	// Agencies are the outside agencies consulted through the document axis, by
	// organ ID (consult, on a step with ConsultExternal).
	Agencies []string
	// Answer is a consulted unit's opinion (answer-consult).
	Answer string
	// PIN authorizes the leader's signature at the signature service (sign). It travels
	// only through the encrypting payload codec and is never logged or recorded.
	PIN string
	// NewDue is the new appointment date (apologize).
	NewDue time.Time
	// Signature is the block the leader signs under (sign), found by the dossier
	// service from the catalog and the delegations in force that day.
	Signature *motcua.SignatureBlock
}

// DecisionArg is the argument of the update named decision, built from the API's
// request: the one place that knows which input each decision takes. A name that is
// no decision gets d itself, which the workflow refuses.
func DecisionArg(decision string, d Decision) any {
	mark := noteMark{NotePublic: d.NotePublic}
	switch decision {
	case UpdateReceive:
		return ReceiveInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateRefuse:
		return RefuseInput{Actor: d.Actor, Note: d.Note}
	case UpdateRequestSupplement:
		return RequestSupplementInput{Actor: d.Actor, Note: d.Note, Missing: d.Missing}
	case UpdateCompleteStep:
		return CompleteStepInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateConsult:
		return ConsultInput{Actor: d.Actor, Note: d.Note, noteMark: mark, Units: d.Units, Agencies: d.Agencies}
	case UpdateAnswerConsult:
		return AnswerConsultInput{Actor: d.Actor, Answer: d.Answer}
	case UpdateSendBack:
		return SendBackInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateRecall:
		return RecallInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateSubmitForSigning:
		return SubmitForSigningInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateSign:
		return SignInput{Actor: d.Actor, Note: d.Note, noteMark: mark, PIN: d.PIN, Signature: d.Signature}
	case UpdateReturnForRework:
		return ReturnForReworkInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateIssue:
		return IssueInput{Actor: d.Actor}
	case UpdateReturnResult:
		return ReturnResultInput{Actor: d.Actor, Note: d.Note, noteMark: mark}
	case UpdateStop:
		return StopInput{Actor: d.Actor, Note: d.Note}
	case UpdateApologize:
		return ApologizeInput{Actor: d.Actor, Note: d.Note, NewDue: d.NewDue}
	}
	return d
}

// The inputs of the staff decisions, one per update. Note is the comment or reason
// the decision carries (required where the notice states a reason).
type (
	// ReceiveInput: the desk receives the dossier (tiếp nhận).
	ReceiveInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// RefuseInput: the desk refuses to receive, or the reviewing unit refuses to decide.
	RefuseInput struct {
		Actor Actor
		Note  string
	}
	// RequestSupplementInput asks the applicant for what is Missing.
	RequestSupplementInput struct {
		Actor   Actor
		Note    string
		Missing []string
	}
	// CompleteStepInput hands the dossier to the next review step.
	CompleteStepInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// ConsultInput asks the Units (codes) and the outside Agencies (organ IDs) for an
	// opinion.
	ConsultInput struct {
		Actor Actor
		Note  string
		noteMark
		Units    []string
		Agencies []string `json:",omitempty"`
	}
	// AnswerConsultInput is a consulted unit's opinion.
	AnswerConsultInput struct {
		Actor  Actor
		Answer string
	}
	// SendBackInput returns the dossier to the previous step.
	SendBackInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// RecallInput takes the dossier back from the step it was handed to.
	RecallInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// SubmitForSigningInput submits the draft result to the leader.
	SubmitForSigningInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// SignInput: the leader signs; PIN authorizes the signature at the signature
	// service, travels only through the encrypting payload codec and is never recorded.
	SignInput struct {
		Actor Actor
		Note  string
		noteMark
		PIN string
		// Signature is the block to sign under; nil in updates sent before it was
		// (the activity then uses the catalog's own signer).
		Signature *motcua.SignatureBlock
	}
	// ReturnForReworkInput: the leader returns the draft to the step before.
	ReturnForReworkInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// IssueInput: the clerical office numbers and seals the result.
	IssueInput struct {
		Actor Actor
	}
	// ReturnResultInput: the desk returns the result to the applicant.
	ReturnResultInput struct {
		Actor Actor
		Note  string
		noteMark
	}
	// StopInput stops the dossier (dừng giải quyết).
	StopInput struct {
		Actor Actor
		Note  string
	}
	// ApologizeInput gives the apology (form 04) with a NewDue appointment, once.
	ApologizeInput struct {
		Actor  Actor
		Note   string
		NewDue time.Time
	}
)

// noteMark is what a decision whose note is internal by default carries: whether its
// author marked the note public. Embedded, its field travels as "NotePublic" beside the
// input's own; histories recorded before it decode to false (internal).
type noteMark struct {
	NotePublic bool
}

func (m noteMark) publicNote() bool { return m.NotePublic }

// SupplementInput is the applicant's answer to a supplement request: the uploaded files
// and the changed form data are already stored by the API; this carries their IDs.
type SupplementInput struct {
	// ApplicantID is the dossier's applicant (who filed it); By, when not 0, is who
	// answered for it: another person of the organization the dossier was filed for
	// (its account or a current representative), whom the API authorized.
	ApplicantID int64
	By          int64
	FileIDs     []string
	Note        string
}

// WithdrawInput is the applicant's withdrawal; ApplicantID and By as in SupplementInput.
type WithdrawInput struct {
	ApplicantID int64
	By          int64
	Note        string
}

// Outcome is what every update answers: the dossier's state after the decision.
type Outcome struct {
	State State
}

// State is the live state of a dossier, for the Query and the API.
type State struct {
	Code        motcua.DossierCode
	Status      motcua.Status
	Seq         int
	Step        string // current step ID
	StepName    string
	HolderUnit  string // code of the unit that must act
	ReceivedAt  time.Time
	DueAt       time.Time // appointment (may move: supplement, apology)
	StepDueAt   time.Time
	Paused      bool
	Apologized  bool
	Supplements int
	// Consulting lists units asked for an opinion that have not answered.
	Consulting []string
	// AwaitingAgencies says which outside agencies the dossier waits for, in
	// Vietnamese ("Đang chờ ý kiến của Bộ Công an").
	AwaitingAgencies []string `json:",omitempty"`
	// Allowed lists the decisions possible now (for the actions menu); each still goes
	// through its validator.
	Allowed []string
	// Facts are where the dossier stands as the domain's decision rules read it; the
	// validators decide by them (and the pages by the same facts read from the records).
	Facts motcua.Facts
	// Documents produced so far, by kind (receipt, result, …) → document ID.
	Documents map[motcua.DocumentKind]string
	// Making lists the notices of recorded decisions still being rendered and sealed
	// (dossier-async-notices): they appear in Documents when ready.
	Making []motcua.DocumentKind `json:",omitempty"`
}
