package workflows

import (
	"fmt"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// consultExternalChange is the workflow.GetVersion change ID of the consultation of
// agencies outside the ministry (issue 13): from consultExternalOn, the consult decision
// may name agencies of the step's ConsultExternal; each gets an outgoing document,
// carried by an OutgoingDocumentWorkflow started as a child, and the step waits for
// their replies (SignalConsultReply). Executions that never consult an agency never
// reach the GetVersion call, so their histories replay unchanged.
const (
	consultExternalChange = "consult-external"
	consultExternalOn     = 1
)

// SignalConsultReply tells a dossier that an agency it consulted replied: the incoming
// document workflow of a document whose ResponseFor names the outgoing document that
// asked sends it, with an activities.ConsultReply.
const SignalConsultReply = "consult-reply"

// ConsultOutgoingWorkflowID names the outgoing document that asks agency organID at
// the dossier's transition seq.
func ConsultOutgoingWorkflowID(code motcua.DossierCode, seq int, organID string) string {
	return OutgoingWorkflowID(fmt.Sprintf("xin-y-kien/%s/%d/%s", code, seq, organID))
}

// awaitingAgency is an outside agency asked at the current step, not yet replied.
type awaitingAgency struct {
	OrganID, Name string
	OutgoingID    int64
}

// askAgencies sends a request for an opinion to each agency of ids not already asked.
func (d *dossier) askAgencies(ctx workflow.Context, in ConsultInput) error {
	if workflow.GetVersion(ctx, consultExternalChange, workflow.DefaultVersion, consultExternalOn) < consultExternalOn {
		return reject(motcua.ECONFLICT, "Phiên bản quy trình của hồ sơ này chưa hỗ trợ xin ý kiến cơ quan ngoài Bộ.")
	}
	st := d.step()
	for _, id := range in.Agencies {
		if slices.ContainsFunc(d.agencies, func(a awaitingAgency) bool { return a.OrganID == id }) {
			continue
		}
		i := slices.IndexFunc(st.ConsultExternal, func(a activities.Agency) bool { return a.OrganID == id })
		ag := st.ConsultExternal[i]
		wfID := ConsultOutgoingWorkflowID(d.in.Code, d.seq+1, id)
		var asked activities.AskAgencyResult
		if err := d.call(ctx, acts.AskAgency, activities.AskAgencyInput{Code: d.in.Code, Step: st.ID, OrganID: ag.OrganID,
			OrganName: ag.Name, ActorID: in.Actor.UserID, Note: in.Note, OutgoingWorkflowID: wfID, At: workflow.Now(ctx)}, &asked); err != nil {
			return err
		}
		// The outgoing document outlives the dossier if it must (statuses keep coming):
		// the child is abandoned, not ended, when the dossier closes.
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: wfID, TaskQueue: TaskQueue,
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON})
		child := workflow.ExecuteChildWorkflow(cctx, OutgoingWorkflowName, OutgoingInput{OutgoingID: asked.OutgoingID})
		// A decision that failed after the start and is taken again finds the document's
		// workflow running: that is the one that asks.
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			return err
		}
		if err := d.record(ctx, motcua.Transition{Action: motcua.EventConsultAgency, ActorID: in.Actor.UserID, UnitCode: st.Unit.Code,
			Note: in.Note, Data: map[string]any{"agency": ag.OrganID, "agencyName": ag.Name, "outgoing": asked.OutgoingID,
				"outgoingWorkflow": wfID}}); err != nil {
			return err
		}
		d.agencies = append(d.agencies, awaitingAgency{OrganID: ag.OrganID, Name: ag.Name, OutgoingID: asked.OutgoingID})
	}
	return nil
}

// receiveReplies records each reply of a consulted agency as it is signalled: the
// reply's subject and files become the agency's answer, and the step may move on once
// no agency is awaited. A reply from an agency not awaited (asked at an earlier step,
// or twice) is recorded all the same, as the answer it is.
func (d *dossier) receiveReplies(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalConsultReply)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var r activities.ConsultReply
			ch.Receive(ctx, &r)
			err := d.withLock(ctx, func(ctx workflow.Context) error {
				if err := d.record(ctx, motcua.Transition{Action: motcua.EventAgencyReply, UnitCode: d.step().Unit.Code,
					Note: r.Subject, Data: map[string]any{"agency": r.OrganID, "agencyName": r.OrganName, "incoming": r.IncomingID,
						"documentId": r.DocumentID, "files": r.Files}}); err != nil {
					return err
				}
				d.agencies = slices.DeleteFunc(d.agencies, func(a awaitingAgency) bool { return a.OrganID == r.OrganID })
				return nil
			})
			if err != nil {
				workflow.GetLogger(ctx).Error("record an agency's reply", "agency", r.OrganID, "error", err)
				continue
			}
			d.changes++
		}
	})
}

// awaitingLabels say, in Vietnamese, which agencies the dossier waits for.
func (d *dossier) awaitingLabels() []string {
	var out []string
	for _, a := range d.agencies {
		out = append(out, "Đang chờ ý kiến của "+a.Name)
	}
	return out
}
