package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// Names of the document-exchange workflows, their updates, signals and query.
const (
	OutgoingWorkflowName          = "OutgoingDocumentWorkflow"
	OutgoingRecipientWorkflowName = "OutgoingRecipientWorkflow"
	IncomingWorkflowName          = "IncomingDocumentWorkflow"

	UpdateSignOutgoing   = "sign-outgoing"
	UpdateRecallOutgoing = "recall-outgoing"
	SignalOutgoingStatus = "outgoing-status"

	UpdateRegisterIncoming = "register-incoming"
	UpdateDirectIncoming   = "direct-incoming"
	UpdateProgressIncoming = "progress-incoming"
	UpdateFinishIncoming   = "finish-incoming"
	SignalRevokeIncoming   = "revoke-incoming"

	QueryExchangeState = "exchange-state"

	// changeChildPerRecipient: after the send, one OutgoingRecipientWorkflow per
	// recipient follows its statuses (before it, the parent kept a map).
	changeChildPerRecipient = "outgoing-child-per-recipient"
)

// OutgoingWorkflowID and IncomingWorkflowID name the workflow of a document.
func OutgoingWorkflowID(key string) string { return "outgoing/" + key }

// OutgoingRecipientWorkflowID names the child that follows one recipient of an outgoing
// document.
func OutgoingRecipientWorkflowID(outgoingWorkflowID, organID string) string {
	return outgoingWorkflowID + "/to/" + organID
}
func IncomingWorkflowID(axisMessageID string) string { return "incoming/" + axisMessageID }

// OutgoingInput starts an outgoing document's workflow; the document is recorded already.
type OutgoingInput struct {
	OutgoingID int64
	// Presigned: the files carry their signatures already (a dossier's signed result
	// sent to other agencies): no leader's signature is awaited and nothing is re-signed.
	Presigned bool
}

// OutgoingResult is how it ended.
type OutgoingResult struct {
	State    string
	Statuses map[string]string // recipient OrganId → last status code
}

// SignOutgoingDecision is the leader's signature (the PIN unlocks the credential at the
// signature service).
type SignOutgoingDecision struct {
	LeaderID int64
	PIN      string
}

// RecallDecision recalls a sent document.
type RecallDecision struct {
	Reason string
}

// OutgoingStatus is a status a recipient reported, signalled after it was recorded.
type OutgoingStatus struct {
	OrganID     string
	Code        string
	Description string // the reason of a 02 or a 16, the note of the others
}

// ExchangeState is what the exchange workflows report to their query.
type ExchangeState struct {
	State    string
	Statuses map[string]string `json:",omitempty"`
}

var exchangeActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
}

// outgoingMaxWait bounds how long a sent document waits for its recipients' final
// statuses before its workflow ends (the records stay; late statuses are still recorded).
const outgoingMaxWait = 180 * 24 * time.Hour

// terminal statuses: refused, done, recall agreed.
func terminalStatus(code string) bool { return code == "02" || code == "06" || code == "15" }

// OutgoingDocumentWorkflow carries an outgoing document (văn bản đi) from its draft to
// its recipients: the leader signs (update), the clerical office's register gives it its
// number and the seal, it is sent through the axis at once, then it follows each
// recipient's status until every one is final (02, 06, or 15 after a recall).
func OutgoingDocumentWorkflow(ctx workflow.Context, in OutgoingInput) (OutgoingResult, error) {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
	o := &outgoing{state: "draft", statuses: map[string]string{}}
	if in.Presigned {
		o.state = "signed"
	}
	if err := workflow.SetQueryHandler(ctx, QueryExchangeState, func() (ExchangeState, error) {
		return ExchangeState{State: o.state, Statuses: o.statuses}, nil
	}); err != nil {
		return OutgoingResult{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSignOutgoing,
		func(ctx workflow.Context, d SignOutgoingDecision) (ExchangeState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			o.state = "signing"
			err := workflow.ExecuteActivity(ctx, acts.SignOutgoing, activities.SignOutgoingInput{OutgoingID: in.OutgoingID,
				LeaderID: d.LeaderID, PIN: d.PIN, At: workflow.Now(ctx)}).Get(ctx, nil)
			if err != nil {
				o.state = "draft"
				return ExchangeState{}, err
			}
			o.state = "signed"
			return ExchangeState{State: o.state}, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d SignOutgoingDecision) error {
			if o.state != "draft" {
				return reject(motcua.ECONFLICT, "Văn bản đã được ký hoặc đang được ký.")
			}
			if d.LeaderID == 0 || d.PIN == "" {
				return reject(motcua.EINVALID, "Cần người ký và mã PIN.")
			}
			return nil
		}}); err != nil {
		return OutgoingResult{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRecallOutgoing,
		func(ctx workflow.Context, d RecallDecision) (ExchangeState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			o.state = "recalling"
			err := workflow.ExecuteActivity(ctx, acts.RecallOutgoing, activities.RecallOutgoingInput{OutgoingID: in.OutgoingID,
				Reason: d.Reason, Key: workflow.GetInfo(ctx).WorkflowExecution.ID + "/recall", At: workflow.Now(ctx)}).Get(ctx, nil)
			if err != nil {
				o.state = "sent"
				return ExchangeState{}, err
			}
			o.state = "recalled"
			o.tellRecipients(ctx, "13") // (only executions with children have any)
			return ExchangeState{State: o.state}, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d RecallDecision) error {
			if o.state != "sent" {
				return reject(motcua.ECONFLICT, "Chỉ thu hồi được văn bản đã gửi và chưa thu hồi.")
			}
			if d.Reason == "" {
				return reject(motcua.EINVALID, "Cần nêu lý do thu hồi.")
			}
			return nil
		}}); err != nil {
		return OutgoingResult{}, err
	}
	statusCh := workflow.GetSignalChannel(ctx, SignalOutgoingStatus)

	if err := workflow.Await(ctx, func() bool { return o.state == "signed" }); err != nil {
		return OutgoingResult{}, err
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	var reg activities.RegisterOutgoingResult
	if err := workflow.ExecuteActivity(ctx, acts.RegisterOutgoing, activities.RegisterOutgoingInput{OutgoingID: in.OutgoingID,
		Key: id + "/register", At: workflow.Now(ctx)}).Get(ctx, &reg); err != nil {
		return OutgoingResult{}, err
	}
	o.state = "registered"
	var sent activities.SendOutgoingResult
	if err := workflow.ExecuteActivity(ctx, acts.SendOutgoing, activities.SendOutgoingInput{OutgoingID: in.OutgoingID,
		Key: id + "/send", At: workflow.Now(ctx)}).Get(ctx, &sent); err != nil {
		return OutgoingResult{}, err
	}
	o.state = "sent"

	if workflow.GetVersion(ctx, changeChildPerRecipient, workflow.DefaultVersion, 1) == 1 {
		o.followRecipients(ctx, in, statusCh, sent.Recipients)
	} else {
		o.followStatuses(ctx, statusCh)
	}
	if err := workflow.Await(ctx, func() bool { return o.state != "recalling" && workflow.AllHandlersFinished(ctx) }); err != nil {
		return OutgoingResult{}, err
	}
	return OutgoingResult{State: o.state, Statuses: o.statuses}, nil
}

type outgoing struct {
	state    string
	statuses map[string]string
	// to, children and running: the recipients' children (executions since
	// changeChildPerRecipient) and which of them still run.
	to       []string
	children map[string]workflow.ChildWorkflowFuture
	running  map[string]bool
}

// followStatuses is how executions before changeChildPerRecipient followed their
// recipients: a map of last statuses, until all reported are final or outgoingMaxWait.
func (o *outgoing) followStatuses(ctx workflow.Context, statusCh workflow.ReceiveChannel) {
	deadline := workflow.Now(ctx).Add(outgoingMaxWait)
	for {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(statusCh, func(c workflow.ReceiveChannel, _ bool) {
			var s OutgoingStatus
			c.Receive(ctx, &s)
			o.statuses[s.OrganID] = s.Code
		})
		timer := workflow.NewTimer(ctx, deadline.Sub(workflow.Now(ctx)))
		timedOut := false
		sel.AddFuture(timer, func(workflow.Future) { timedOut = true })
		sel.Select(ctx)
		if timedOut || o.allFinal() {
			break
		}
	}
}

// followRecipients starts one OutgoingRecipientWorkflow per recipient, hands each the
// statuses its agency reports, and returns when every child has ended (a final status,
// or outgoingMaxWait).
func (o *outgoing) followRecipients(ctx workflow.Context, in OutgoingInput, statusCh workflow.ReceiveChannel, to []string) {
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	until := workflow.Now(ctx).Add(outgoingMaxWait)
	o.to, o.children, o.running = to, map[string]workflow.ChildWorkflowFuture{}, map[string]bool{}
	for _, organ := range to {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: OutgoingRecipientWorkflowID(id, organ)})
		o.children[organ] = workflow.ExecuteChildWorkflow(cctx, OutgoingRecipientWorkflowName,
			OutgoingRecipientInput{OutgoingID: in.OutgoingID, OrganID: organ, Until: until})
		o.running[organ] = true
	}
	for len(o.running) > 0 {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(statusCh, func(c workflow.ReceiveChannel, _ bool) {
			var s OutgoingStatus
			c.Receive(ctx, &s)
			if o.running[s.OrganID] {
				o.statuses[s.OrganID] = s.Code
				// A child that ends meanwhile takes no more: the status is recorded anyway.
				o.children[s.OrganID].SignalChildWorkflow(ctx, SignalOutgoingStatus, s)
			}
		})
		for _, organ := range o.to {
			if !o.running[organ] {
				continue
			}
			sel.AddFuture(o.children[organ], func(f workflow.Future) {
				delete(o.running, organ)
				var r OutgoingRecipientResult
				if err := f.Get(ctx, &r); err == nil && r.Status != "" {
					o.statuses[organ] = r.Status
				}
			})
		}
		sel.Select(ctx)
	}
}

// tellRecipients hands a status of the sender's own (13, a recall) to every child that
// still runs.
func (o *outgoing) tellRecipients(ctx workflow.Context, code string) {
	for _, organ := range o.to {
		if o.running[organ] {
			o.children[organ].SignalChildWorkflow(ctx, SignalOutgoingStatus, OutgoingStatus{OrganID: organ, Code: code})
		}
	}
}

// allFinal: every recipient that reported has a final status. Recipients are known to
// the record; the workflow counts those it heard from, and the service signals every
// recipient's status, so an empty map is never final.
func (o *outgoing) allFinal() bool {
	if len(o.statuses) == 0 {
		return false
	}
	for _, c := range o.statuses {
		if !terminalStatus(c) {
			return false
		}
	}
	return true
}

// replyToDossierChange is the workflow.GetVersion change ID of the incoming document
// that answers a dossier's consultation of this agency's correspondent: from
// replyToDossierOn it signals the dossier (SignalConsultReply) once 01 went back.
// Documents that answer no consultation never reach the call.
const (
	replyToDossierChange = "incoming-reply-to-dossier"
	replyToDossierOn     = 1
)

// OutgoingRecipientInput starts the child that follows one recipient of an outgoing
// document.
type OutgoingRecipientInput struct {
	OutgoingID int64
	OrganID    string
	Until      time.Time // it stops waiting then
}

// OutgoingRecipientResult is where the recipient stands when the child ends.
type OutgoingRecipientResult struct {
	OrganID string
	Status  string // the last status of its progress: 01, 03–06, 02 or 15
	Recall  string // 13 asked, 16 refused (15 ends it)
	Reason  string // the recipient's reason for a 02 (refused) or a 16
	Codes   []string
}

// progressRank orders the statuses of a document's handling at the recipient (QCVN
// 102:2016): 01 arrived, 03 registered, 04 assigned, 05 processing, 06 done.
var progressRank = map[string]int{"01": 1, "03": 2, "04": 3, "05": 4, "06": 5}

// OutgoingRecipientWorkflow follows one recipient of a sent document through its
// statuses, 01 → 03 → 04 → 05 → 06, or 02 (refused, with the reason); a recall's 13
// is answered by 15 (agreed: it ends) or 16 (refused: the handling goes on). A status
// that arrives twice or late (a 03 after the 04) does not move it back. It ends on 02,
// 06 or 15, or at Until. It does no I/O: the statuses are recorded by the exchange
// service before they are signalled to the parent, which hands them on.
func OutgoingRecipientWorkflow(ctx workflow.Context, in OutgoingRecipientInput) (OutgoingRecipientResult, error) {
	r := OutgoingRecipientResult{OrganID: in.OrganID}
	if err := workflow.SetQueryHandler(ctx, QueryExchangeState, func() (ExchangeState, error) {
		return ExchangeState{State: nonEmpty(r.Status, "sent"), Statuses: map[string]string{in.OrganID: r.Status}}, nil
	}); err != nil {
		return r, err
	}
	ch := workflow.GetSignalChannel(ctx, SignalOutgoingStatus)
	wait := in.Until.Sub(workflow.Now(ctx))
	if in.Until.IsZero() {
		wait = outgoingMaxWait
	}
	timedOut := false
	timer := workflow.NewTimer(ctx, wait)
	for !timedOut && !terminalStatus(r.Status) {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(ch, func(c workflow.ReceiveChannel, _ bool) {
			var s OutgoingStatus
			c.Receive(ctx, &s)
			r.take(s)
		})
		sel.AddFuture(timer, func(workflow.Future) { timedOut = true })
		sel.Select(ctx)
	}
	return r, nil
}

// take moves the recipient by one reported status.
func (r *OutgoingRecipientResult) take(s OutgoingStatus) {
	code := s.Code
	if terminalStatus(r.Status) {
		return
	}
	r.Codes = append(r.Codes, code)
	switch code {
	case "02", "15":
		r.Status = code
		if code == "02" {
			r.Reason = s.Description
		}
	case "13", "16":
		r.Recall = code
		if code == "16" {
			r.Reason = s.Description
		}
	default:
		if progressRank[code] > progressRank[r.Status] {
			r.Status = code
		}
	}
}

// IncomingInput starts the workflow of a document that arrived through the axis.
type IncomingInput struct {
	AxisMessageID string
}

// IncomingResult is how it ended.
type IncomingResult struct {
	IncomingID int64
	State      string
	Reason     string
}

// RegisterIncomingDecision is the clerical office's registration.
type RegisterIncomingDecision struct {
	ActorID int64
}

// DirectIncomingDecision is the leader's direction (bút phê): the lead unit, the
// supporting units and the deadline.
type DirectIncomingDecision struct {
	ActorID         int64
	LeadUnit        string
	SupportingUnits []string
	Deadline        time.Time
	Note            string
}

// FinishIncomingDecision ends the handling: a reply was issued (its DocumentId, whose
// ResponseFor links the two) or the document is filed.
type FinishIncomingDecision struct {
	ActorID         int64
	ReplyDocumentID string
	Filed           bool
}

// RevokeIncoming is the issuer's recall of this document (signalled by the workflow of
// the recall message).
type RevokeIncoming struct {
	Reason string
}

// IncomingRegistered is the answer to a registration.
type IncomingRegistered struct {
	Number    int
	Year      int
	LeaderDue time.Time
}

// IncomingDocumentWorkflow carries a document that arrived through the axis: it is
// fetched and checked (envelope, addressee, each attachment's signature, duplicates);
// 01 goes back at once, or 02 with the reason, with no person involved; the clerical
// office registers it (03), the leader directs it (04), the lead unit works on it (05)
// and finishes it (06). A recall before the direction removes it (15); after, it is
// refused (16).
func IncomingDocumentWorkflow(ctx workflow.Context, in IncomingInput) (IncomingResult, error) {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	d := &incoming{state: "fetching"}
	if err := workflow.SetQueryHandler(ctx, QueryExchangeState, func() (ExchangeState, error) {
		return ExchangeState{State: d.state}, nil
	}); err != nil {
		return IncomingResult{}, err
	}
	status := func(ctx workflow.Context, code, desc string) error {
		return workflow.ExecuteActivity(ctx, acts.SendIncomingStatus, activities.IncomingStatusInput{IncomingID: d.id,
			Code: code, Description: desc, Key: id + "/status-" + code, At: workflow.Now(ctx)}).Get(ctx, nil)
	}
	// The handlers are set first: a decision sent before the document is checked is
	// refused with a reason, not left waiting.
	if err := d.handlers(ctx, acts, status); err != nil {
		return IncomingResult{}, err
	}
	var r activities.ReceiveIncomingResult
	if err := workflow.ExecuteActivity(ctx, acts.ReceiveIncoming, activities.ReceiveIncomingInput{AxisMessageID: in.AxisMessageID,
		WorkflowID: id, At: workflow.Now(ctx)}).Get(ctx, &r); err != nil {
		return IncomingResult{}, err
	}
	d.id = r.IncomingID
	if r.State != activities.IncomingArrived {
		d.state = r.State
	}
	ack := func() error {
		return workflow.ExecuteActivity(ctx, acts.AckIncoming, in.AxisMessageID).Get(ctx, nil)
	}
	switch r.State {
	case activities.IncomingRecall:
		if r.RecalledWorkflowID != "" {
			// The document may have finished its workflow; a recall of it then changes nothing.
			_ = workflow.SignalExternalWorkflow(ctx, r.RecalledWorkflowID, "", SignalRevokeIncoming,
				RevokeIncoming{Reason: r.RecallReason}).Get(ctx, nil)
		}
		return IncomingResult{IncomingID: d.id, State: d.state}, ack()
	case activities.IncomingRefused:
		if err := status(ctx, "02", r.Reason); err != nil {
			return IncomingResult{}, err
		}
		return IncomingResult{IncomingID: d.id, State: d.state, Reason: r.Reason}, ack()
	case activities.IncomingDuplicate:
		return IncomingResult{IncomingID: d.id, State: d.state, Reason: r.Reason}, ack()
	}
	if err := status(ctx, "01", ""); err != nil {
		return IncomingResult{}, err
	}
	if err := ack(); err != nil {
		return IncomingResult{}, err
	}
	d.state = activities.IncomingArrived
	if r.AnswersDossier != "" && r.Reply != nil &&
		workflow.GetVersion(ctx, replyToDossierChange, workflow.DefaultVersion, replyToDossierOn) >= replyToDossierOn {
		// A reply to a dossier's consultation: the dossier takes it as the agency's
		// answer. The document stays an incoming document the clerical office registers.
		// A dossier already closed takes nothing; the link stays in the records.
		_ = workflow.SignalExternalWorkflow(ctx, r.AnswersDossier, "", SignalConsultReply, *r.Reply).Get(ctx, nil)
	}
	revokes := workflow.GetSignalChannel(ctx, SignalRevokeIncoming)
	for d.state != activities.IncomingDone && d.state != activities.IncomingRevoked {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(revokes, func(c workflow.ReceiveChannel, _ bool) {
			var rv RevokeIncoming
			c.Receive(ctx, &rv)
			d.revokes = append(d.revokes, rv)
		})
		sel.AddReceive(d.changed(ctx), func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.Select(ctx)
		for len(d.revokes) > 0 {
			rv := d.revokes[0]
			d.revokes = d.revokes[1:]
			if err := workflow.Await(ctx, func() bool { return !d.busy }); err != nil {
				return IncomingResult{}, err
			}
			if err := d.revoke(ctx, acts, rv, status); err != nil {
				return IncomingResult{}, err
			}
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return IncomingResult{}, err
	}
	return IncomingResult{IncomingID: d.id, State: d.state}, nil
}

type incoming struct {
	id      int64
	state   string
	busy    bool
	revokes []RevokeIncoming
	wake    workflow.Channel
}

// changed is a channel the handlers post to when the state changed, so the main loop
// looks again.
func (d *incoming) changed(ctx workflow.Context) workflow.Channel {
	if d.wake == nil {
		d.wake = workflow.NewBufferedChannel(ctx, 16)
	}
	return d.wake
}

func (d *incoming) notify(ctx workflow.Context) {
	d.changed(ctx).SendAsync(true)
}

// revoke answers the issuer's recall: before the leader directed the document, it is
// removed (its metadata and the recall's kept) and 15 goes back; after, 16.
func (d *incoming) revoke(ctx workflow.Context, acts *activities.Activities, rv RevokeIncoming,
	status func(workflow.Context, string, string) error) error {
	if d.state == activities.IncomingArrived || d.state == activities.IncomingRegistered {
		if err := workflow.ExecuteActivity(ctx, acts.ChangeIncoming, activities.ChangeIncomingInput{IncomingID: d.id,
			Change: activities.IncomingChange{State: activities.IncomingRevoked, At: workflow.Now(ctx), RecallReason: nonEmpty(rv.Reason, "Thu hồi"),
				RemoveFiles: true}}).Get(ctx, nil); err != nil {
			return err
		}
		d.state = activities.IncomingRevoked
		return status(ctx, "15", "Đồng ý thu hồi: văn bản chưa được xử lý.")
	}
	return status(ctx, "16", "Từ chối thu hồi: văn bản đã được giao xử lý.")
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (d *incoming) handlers(ctx workflow.Context, acts *activities.Activities, status func(workflow.Context, string, string) error) error {
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	in := func(states ...string) error {
		if d.busy || !slices.Contains(states, d.state) {
			return reject(motcua.ECONFLICT, fmt.Sprintf("Văn bản đang ở trạng thái %q, không thực hiện được thao tác này.", d.state))
		}
		return nil
	}
	run := func(ctx workflow.Context, f func(ctx workflow.Context) error) error {
		d.busy = true
		defer func() { d.busy = false; d.notify(ctx) }()
		return f(ctx)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRegisterIncoming,
		func(ctx workflow.Context, x RegisterIncomingDecision) (IncomingRegistered, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			var out IncomingRegistered
			err := run(ctx, func(ctx workflow.Context) error {
				var r activities.RegisterIncomingResult
				if err := workflow.ExecuteActivity(ctx, acts.RegisterIncoming, activities.RegisterIncomingInput{IncomingID: d.id,
					Key: id + "/register", At: workflow.Now(ctx)}).Get(ctx, &r); err != nil {
					return err
				}
				d.state = activities.IncomingRegistered
				out = IncomingRegistered{Number: r.Number, Year: r.Year, LeaderDue: r.LeaderDue}
				return status(ctx, "03", "")
			})
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, x RegisterIncomingDecision) error {
			return in(activities.IncomingArrived)
		}}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDirectIncoming,
		func(ctx workflow.Context, x DirectIncomingDecision) (ExchangeState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			err := run(ctx, func(ctx workflow.Context) error {
				if err := workflow.ExecuteActivity(ctx, acts.ChangeIncoming, activities.ChangeIncomingInput{IncomingID: d.id,
					Change: activities.IncomingChange{State: activities.IncomingAssigned, At: workflow.Now(ctx), LeadUnit: x.LeadUnit,
						SupportingUnits: joinUnits(x.SupportingUnits), Deadline: x.Deadline}}).Get(ctx, nil); err != nil {
					return err
				}
				d.state = activities.IncomingAssigned
				return status(ctx, "04", "Giao "+x.LeadUnit+" chủ trì.")
			})
			return ExchangeState{State: d.state}, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, x DirectIncomingDecision) error {
			if x.LeadUnit == "" {
				return reject(motcua.EINVALID, "Cần chọn đơn vị chủ trì.")
			}
			return in(activities.IncomingRegistered)
		}}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateProgressIncoming,
		func(ctx workflow.Context, x RegisterIncomingDecision) (ExchangeState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			err := run(ctx, func(ctx workflow.Context) error {
				if err := workflow.ExecuteActivity(ctx, acts.ChangeIncoming, activities.ChangeIncomingInput{IncomingID: d.id,
					Change: activities.IncomingChange{State: activities.IncomingProcessing, At: workflow.Now(ctx)}}).Get(ctx, nil); err != nil {
					return err
				}
				d.state = activities.IncomingProcessing
				return status(ctx, "05", "")
			})
			return ExchangeState{State: d.state}, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, x RegisterIncomingDecision) error {
			return in(activities.IncomingAssigned)
		}}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateFinishIncoming,
		func(ctx workflow.Context, x FinishIncomingDecision) (ExchangeState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			err := run(ctx, func(ctx workflow.Context) error {
				if err := workflow.ExecuteActivity(ctx, acts.ChangeIncoming, activities.ChangeIncomingInput{IncomingID: d.id,
					Change: activities.IncomingChange{State: activities.IncomingDone, At: workflow.Now(ctx),
						ReplyDocumentID: x.ReplyDocumentID}}).Get(ctx, nil); err != nil {
					return err
				}
				d.state = activities.IncomingDone
				desc := "Đã lưu hồ sơ."
				if x.ReplyDocumentID != "" {
					desc = "Đã ban hành văn bản trả lời " + x.ReplyDocumentID + "."
				}
				return status(ctx, "06", desc)
			})
			return ExchangeState{State: d.state}, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, x FinishIncomingDecision) error {
			if x.ReplyDocumentID == "" && !x.Filed {
				return reject(motcua.EINVALID, "Cần văn bản trả lời hoặc xác nhận lưu hồ sơ.")
			}
			return in(activities.IncomingAssigned, activities.IncomingProcessing)
		}})
}

func joinUnits(us []string) string {
	out := ""
	for i, u := range us {
		if i > 0 {
			out += "; "
		}
		out += u
	}
	return out
}
