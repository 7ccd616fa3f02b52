package workflows

import (
	"time"

	"motcua"
)

// Update, query and workflow names of the dossier workflow. People's decisions arrive as
// Updates with validators: a decision that is not allowed now, or not for this person,
// is rejected before anything is written.
const (
	DossierWorkflowName = "DossierWorkflow"

	UpdateSubmit            = "submit"             // the API, right after start: wait until recorded
	UpdateReceive           = "receive"            // tiếp nhận
	UpdateRefuse            = "refuse"             // từ chối (tiếp nhận / giải quyết)
	UpdateRequestSupplement = "request-supplement" // yêu cầu bổ sung, hoàn thiện
	UpdateSupplement        = "supplement"         // công dân bổ sung
	UpdateWithdraw          = "withdraw"           // công dân rút hồ sơ
	UpdateCompleteStep      = "complete-step"      // chuyển bước tiếp theo
	UpdateConsult           = "consult"            // xin ý kiến đơn vị khác
	UpdateAnswerConsult     = "answer-consult"     // đơn vị được hỏi trả lời
	UpdateSendBack          = "send-back"          // trả lại bước trước
	UpdateRecall            = "recall"             // thu hồi
	UpdateSubmitForSigning  = "submit-for-signing" // trình ký
	UpdateSign              = "sign"               // lãnh đạo ký số
	UpdateReturnForRework   = "return-for-rework"  // lãnh đạo trả lại để làm lại
	UpdateIssue             = "issue"              // văn thư cấp số, đóng dấu
	UpdateReturnResult      = "return-result"      // trả kết quả
	UpdateStop              = "stop"               // dừng giải quyết
	UpdateApologize         = "apologize"          // xin lỗi, hẹn lại ngày trả (một lần)

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
	SubmittedAt      time.Time
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

// Decision is the argument of every decision update.
type Decision struct {
	Actor Actor
	// Note is the reason or comment the decision needs (refusal, supplement request, stop,
	// send back, apology); shown to the applicant where the notice says so.
	Note string
	// Missing lists what the applicant must supply (request-supplement).
	Missing []string
	// Units are the unit codes consulted (consult).
	Units []string
	// Answer is a consulted unit's opinion (answer-consult).
	Answer string
	// PIN authorizes the leader's signature at the signature service (sign). It travels
	// only through the encrypting payload codec and is never logged or recorded.
	PIN string
	// NewDue is the new appointment date (apologize).
	NewDue time.Time
}

// SupplementInput is the applicant's answer to a supplement request: the uploaded files
// and the changed form data are already stored by the API; this carries their IDs.
type SupplementInput struct {
	ApplicantID int64
	FileIDs     []string
	Note        string
}

// WithdrawInput is the applicant's withdrawal.
type WithdrawInput struct {
	ApplicantID int64
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
	// Allowed lists the decisions possible now (for the actions menu); each still goes
	// through its validator.
	Allowed []string
	// Documents produced so far, by kind (receipt, result, …) → document ID.
	Documents map[string]string
}
