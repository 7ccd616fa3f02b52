package workflows

import (
	"strconv"

	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// Names of the correction workflow and its update.
const (
	CorrectionWorkflowName = "ResultCorrectionWorkflow"
	UpdateSignCorrection   = "sign-correction"
	UpdateIssueCorrection  = "issue-correction"
)

// CorrectionWorkflowID names the workflow of a correction.
func CorrectionWorkflowID(id int64) string { return "correction/" + strconv.FormatInt(id, 10) }

// CorrectionInput starts a correction's workflow; the proposal is recorded already.
type CorrectionInput struct{ CorrectionID int64 }

// SignCorrectionDecision is the competent leader's signature on a correction notice or
// a replacing result, under the block the authority rules gave them.
type SignCorrectionDecision struct {
	LeaderID  int64
	PIN       string
	Signature motcua.SignatureBlock
}

// IssueCorrectionDecision is the clerical office's: number the signed document in the
// register and apply the seal.
type IssueCorrectionDecision struct {
	ClericalID int64
}

// CorrectionState is what the updates answer.
type CorrectionState struct {
	State    string
	Document string // the signed document
}

// ResultCorrectionWorkflow carries a correction (đính chính) or a replacement (thay
// thế) of an issued result through the result's signing path: the leader signs
// (update; a refused signature leaves it waiting), then the clerical office (update)
// has the register number it and the issuer's seal applied, and the old result is
// marked corrected or replaced with a link to the new document (from which the portal
// is told).
func ResultCorrectionWorkflow(ctx workflow.Context, in CorrectionInput) (CorrectionState, error) {
	var acts *activities.Activities
	ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
	st := CorrectionState{State: "proposed"}
	var leaderID int64
	var signed activities.DocumentRef
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSignCorrection,
		func(ctx workflow.Context, d SignCorrectionDecision) (CorrectionState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			st.State = "signing"
			err := workflow.ExecuteActivity(ctx, acts.SignCorrection, activities.CorrectionSignInput{CorrectionID: in.CorrectionID,
				LeaderID: d.LeaderID, PIN: d.PIN, At: workflow.Now(ctx), Signature: d.Signature}).Get(ctx, &signed)
			if err != nil {
				st.State = "proposed"
				return CorrectionState{}, err
			}
			leaderID, st.State, st.Document = d.LeaderID, "signed", signed.ID
			return st, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d SignCorrectionDecision) error {
			if st.State != "proposed" {
				return reject(motcua.ECONFLICT, "Văn bản đã được ký hoặc đang được ký.")
			}
			if d.LeaderID == 0 || d.PIN == "" {
				return reject(motcua.EINVALID, "Cần người ký và mã PIN.")
			}
			return nil
		}}); err != nil {
		return st, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateIssueCorrection,
		func(ctx workflow.Context, d IssueCorrectionDecision) (CorrectionState, error) {
			ctx = workflow.WithActivityOptions(ctx, exchangeActivityOptions)
			st.State = "issuing"
			var issued activities.DocumentRef
			err := workflow.ExecuteActivity(ctx, acts.IssueCorrection, activities.CorrectionIssueInput{CorrectionID: in.CorrectionID,
				Document: signed, At: workflow.Now(ctx)}).Get(ctx, &issued)
			if err == nil {
				err = workflow.ExecuteActivity(ctx, acts.FinishCorrection, activities.CorrectionFinishInput{CorrectionID: in.CorrectionID,
					LeaderID: leaderID, Document: issued, At: workflow.Now(ctx)}).Get(ctx, nil)
			}
			if err != nil {
				st.State = "signed"
				return CorrectionState{}, err
			}
			st.State, st.Document = "issued", issued.ID
			return st, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d IssueCorrectionDecision) error {
			if st.State != "signed" {
				return reject(motcua.ECONFLICT, "Chỉ cấp số, đóng dấu được văn bản đã được lãnh đạo ký và chưa ban hành.")
			}
			if d.ClericalID == 0 {
				return reject(motcua.EINVALID, "Cần người cấp số.")
			}
			return nil
		}}); err != nil {
		return st, err
	}
	if err := workflow.Await(ctx, func() bool { return st.State == "issued" }); err != nil {
		return st, err
	}
	return st, nil
}
