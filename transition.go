package motcua

import (
	"fmt"
	"slices"
	"time"
)

// The decisions people take on a dossier (the names of the dossier workflow's updates).
const (
	DecideReceive           = "receive"            // tiếp nhận
	DecideRefuse            = "refuse"             // từ chối (tiếp nhận / giải quyết)
	DecideRequestSupplement = "request-supplement" // yêu cầu bổ sung, hoàn thiện
	DecideSupplement        = "supplement"         // công dân bổ sung
	DecideWithdraw          = "withdraw"           // công dân rút hồ sơ
	DecideCompleteStep      = "complete-step"      // chuyển bước tiếp theo
	DecideConsult           = "consult"            // xin ý kiến đơn vị khác
	DecideAnswerConsult     = "answer-consult"     // đơn vị được hỏi trả lời
	DecideSendBack          = "send-back"          // trả lại bước trước
	DecideRecall            = "recall"             // thu hồi
	DecideSubmitForSigning  = "submit-for-signing" // trình ký
	DecideSign              = "sign"               // lãnh đạo ký số
	DecideReturnForRework   = "return-for-rework"  // lãnh đạo trả lại để làm lại
	DecideIssue             = "issue"              // văn thư cấp số, đóng dấu
	DecideReturnResult      = "return-result"      // trả kết quả
	DecideStop              = "stop"               // dừng giải quyết
	DecideApologize         = "apologize"          // xin lỗi, hẹn lại ngày trả (một lần)
)

// Who says who may take a decision.
type Who int

const (
	// TheApplicant: only the person who submitted the dossier.
	TheApplicant Who = iota
	// AtHolder: a person with one of the roles, in the unit that holds the dossier (or
	// above it).
	AtHolder
	// AtHolderStepRole: a person with the role the current step asks for (the leader's
	// permission for a leader's step, the clerk's otherwise), at the holder unit.
	AtHolderStepRole
	// AnyUnit: a person with one of the roles, in any unit; the workflow narrows it
	// (the consulted unit answers; who handed the dossier on recalls it).
	AnyUnit
)

// DecisionRule is one row of the transition table: from which statuses a decision may be
// taken, by whom, what it produces and where it leaves the dossier.
type DecisionRule struct {
	Decision string
	From     []Status
	Who      Who
	// Roles whose permissions allow the decision (AtHolder, AnyUnit). With
	// AtHolderStepRole, LeaderStep also lets a leader decide when the step is a leader's.
	Roles      []Role
	LeaderStep bool
	// Delegable: a person with one of the roles outside the holder unit may take the
	// decision when a delegation record names them (the signature by TUQ., TL. or Q.:
	// the dossier service finds the record, the signing activity checks the block).
	Delegable bool
	// Produces is the notice or document the decision makes ("" none): a notice of
	// Circular 03/2025 (receipt 01, supplement_request 02, refusal 03, apology 04,
	// stop_notice 05, control_sheet 06), the draft or the result.
	Produces DocumentKind
	// Next is the status the decision leaves the dossier in ("" unchanged). NextAtIntake,
	// when set, replaces it for a dossier the desk has not received (see NextStatus).
	Next, NextAtIntake Status
}

// Decisions is the transition table. The workflow's validators read it; pages read it
// (through MayDecide) to offer only what the validator would accept. Conditions on the
// workflow's own state (a consultation pending, the kind of the current step, one apology
// only, who handed the dossier on) are checked by the workflow on top of it.
var Decisions = []DecisionRule{
	{Decision: DecideReceive, From: []Status{StatusSubmitted}, Who: AtHolder, Roles: []Role{RoleClerk},
		Produces: DocReceipt, Next: StatusInReview},
	{Decision: DecideRefuse, From: []Status{StatusSubmitted, StatusInReview}, Who: AtHolder, Roles: []Role{RoleClerk},
		Produces: DocRefusal, Next: StatusRejected, NextAtIntake: StatusRefused},
	{Decision: DecideRequestSupplement, From: []Status{StatusSubmitted, StatusInReview}, Who: AtHolder, Roles: []Role{RoleClerk},
		Produces: DocSupplementRequest, Next: StatusSupplementRequested},
	{Decision: DecideSupplement, From: []Status{StatusSupplementRequested}, Who: TheApplicant,
		Next: StatusInReview, NextAtIntake: StatusSubmitted},
	{Decision: DecideWithdraw, From: []Status{StatusSubmitted, StatusReceived, StatusInReview, StatusSupplementRequested},
		Who: TheApplicant, Next: StatusWithdrawn},
	{Decision: DecideCompleteStep, From: []Status{StatusInReview}, Who: AtHolderStepRole, Next: StatusInReview},
	{Decision: DecideConsult, From: []Status{StatusInReview}, Who: AtHolderStepRole},
	{Decision: DecideAnswerConsult, From: []Status{StatusInReview}, Who: AnyUnit, Roles: []Role{RoleClerk}},
	{Decision: DecideSendBack, From: []Status{StatusInReview}, Who: AtHolderStepRole, Next: StatusInReview},
	{Decision: DecideRecall, From: []Status{StatusInReview, StatusAwaitingSignature}, Who: AnyUnit,
		Roles: []Role{RoleClerk, RoleLeader}, Next: StatusInReview},
	{Decision: DecideSubmitForSigning, From: []Status{StatusInReview}, Who: AtHolderStepRole,
		Produces: DocDraftResult, Next: StatusAwaitingSignature},
	{Decision: DecideSign, From: []Status{StatusAwaitingSignature}, Who: AtHolder, Roles: []Role{RoleLeader},
		Delegable: true, Produces: DocResult, Next: StatusSigned},
	{Decision: DecideReturnForRework, From: []Status{StatusAwaitingSignature}, Who: AtHolder, Roles: []Role{RoleLeader},
		Next: StatusInReview},
	{Decision: DecideIssue, From: []Status{StatusSigned}, Who: AtHolder, Roles: []Role{RoleClerical},
		Produces: DocResult, Next: StatusResultReady},
	{Decision: DecideReturnResult, From: []Status{StatusResultReady}, Who: AtHolder, Roles: []Role{RoleClerk},
		Produces: DocControlSheet, Next: StatusArchived},
	{Decision: DecideStop, From: []Status{StatusReceived, StatusInReview, StatusSupplementRequested, StatusAwaitingSignature},
		Who: AtHolder, Roles: []Role{RoleClerk}, LeaderStep: true, Produces: DocStopNotice, Next: StatusStopped},
	{Decision: DecideApologize, From: []Status{StatusInReview, StatusAwaitingSignature, StatusSigned, StatusIssued},
		Who: AtHolder, Roles: []Role{RoleClerk}, LeaderStep: true, Produces: DocApology},
}

// RuleOf returns the row of decision, or false.
func RuleOf(decision string) (DecisionRule, bool) {
	i := slices.IndexFunc(Decisions, func(r DecisionRule) bool { return r.Decision == decision })
	if i < 0 {
		return DecisionRule{}, false
	}
	return Decisions[i], true
}

// Allowed reports whether the decision may be taken from status, whoever asks.
func (r DecisionRule) Allowed(status Status) bool { return slices.Contains(r.From, status) }

// Holder is where a dossier stands: the unit that holds it and the role its current
// step asks for.
type Holder struct {
	UnitPath string
	StepRole Role
}

// permission is what a role lets one do to a dossier.
var permission = map[Role]Permission{RoleClerk: PermActOnDossier, RoleLeader: PermSign, RoleClerical: PermIssue}

// Authorize says whether actor a may take the decision on a dossier held by h, by the
// table's Who and Roles: nil, or an *Error (EFORBIDDEN). A decision of the applicant
// (supplement, withdraw) is the workflow's to check against the dossier's applicant.
func (r DecisionRule) Authorize(a Actor, h Holder) error {
	scope := Scope{UnitPath: h.UnitPath}
	roles := r.Roles
	switch r.Who {
	case TheApplicant:
		return nil
	case AnyUnit:
		scope = Scope{}
	case AtHolderStepRole:
		roles = []Role{RoleClerk}
		if h.StepRole == RoleLeader {
			roles = []Role{RoleLeader}
		}
	}
	if r.LeaderStep && h.StepRole == RoleLeader {
		roles = append(slices.Clone(roles), RoleLeader)
	}
	var err error
	for _, role := range roles {
		if err = Authorize(a, permission[role], scope); err == nil {
			return nil
		}
	}
	if err == nil {
		err = Errorf(EFORBIDDEN, "Tài khoản của bạn không có quyền thực hiện thao tác này.")
	}
	return err
}

// MayDecide says whether actor a may take decision on a dossier in status held by h:
// nil, or an *Error (EINVALID unknown decision, ECONFLICT not in this status, EFORBIDDEN
// not for this person). It is the table's answer, the same the workflow's validators
// give before they look at the workflow's own state (consultations pending, the step's
// kind, one apology only, who handed the dossier on), so a page that offers what it
// allows offers no decision the validator refuses for status, role or unit.
func MayDecide(decision string, status Status, a Actor, h Holder) error {
	r, ok := RuleOf(decision)
	if !ok {
		return Errorf(EINVALID, "Thao tác không được hỗ trợ.")
	}
	if !r.Allowed(status) {
		return Errorf(ECONFLICT, "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")
	}
	return r.Authorize(a, h)
}

// NextStatus is the status the decision leaves a dossier in, now in status current;
// received says whether the desk has received it (a refusal before that is a refusal to
// receive; a supplement asked at the desk returns the dossier there).
func (r DecisionRule) NextStatus(current Status, received bool) Status {
	switch {
	case r.NextAtIntake != "" && !received:
		return r.NextAtIntake
	case r.Next == "":
		return current
	}
	return r.Next
}

// Transition is one recorded state change of a dossier: the dossier's status and clock,
// its history event, the tasks it closes and opens and its row of the process control
// sheet, written in one transaction keyed by dossier and sequence number. The workflow
// builds it and the store writes it; it travels in workflow histories, so its fields
// keep their names.
type Transition struct {
	Code     DossierCode
	Seq      int
	Action   EventKind
	Status   Status
	ActorID  int64
	UnitCode string // acting unit
	Note     string
	// NotePublic: the note's author marked it for the applicant to read. Other notes are
	// internal between units, unless the event's kind addresses its note to the applicant
	// (EventKind.NoteForApplicant).
	NotePublic      bool
	At              time.Time
	HolderUnit      string // unit that must act next ("" = unchanged)
	Step            string
	DueAt           *time.Time
	DueOriginal     *time.Time
	ReceivedAt      *time.Time
	FinishedAt      *time.Time
	ApologyGiven    bool
	SupplementCount *int
	CloseTasks      bool
	// CloseTasksOf closes only the open tasks of this unit (a consulted unit answered).
	CloseTasksOf   string
	OpenTask       *TaskSpec
	Handover       *HandoverSpec
	FinishHandover bool
	// AttachFiles attaches the applicant's uploaded files to the dossier (a supplement).
	AttachFiles []string
	Data        map[string]any
}

// String names the transition in errors.
func (t Transition) String() string { return fmt.Sprintf("%s/%d %s", t.Code, t.Seq, t.Action) }

// TaskSpec opens a task in a unit's inbox.
type TaskSpec struct {
	Step          string
	UnitCode      string
	DueAt         *time.Time
	BudgetMinutes int
}

// HandoverSpec opens a row of the process control sheet.
type HandoverSpec struct {
	Step          string
	FromUnitCode  string
	FromUserID    int64
	ToUnitCode    string
	BudgetMinutes int
	DueAt         *time.Time
}
