package workflows

import (
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/activities"
)

// changePayment is the GetVersion change ID of the fee path: a dossier that owes a fee
// waits for its payment before it reaches the desk. Workflows started before it (and
// dossiers without a fee, which never ask) keep the old path.
const changePayment = "payment-at-submission"

// UpdateConfirmPayment is sent by the dossier service once the payment platform's
// notice (callback or poll) is verified and its amount equals the fee. Its update ID
// is the payment's reference, so the callback and the poll of one payment are one
// update.
const UpdateConfirmPayment = "confirm-payment"

// ConfirmPaymentInput is a verified, paid payment.
type ConfirmPaymentInput struct {
	Reference string
	Amount    int64 // VND
}

// awaitPayment: the dossier is stored and waits, in status "awaiting payment" (the
// portal's code 6), until the fee is paid; then the e-receipt is issued and the dossier
// goes on to the desk. The submit update answers as soon as the wait begins.
func (d *dossier) awaitPayment(ctx workflow.Context) error {
	if workflow.GetVersion(ctx, changePayment, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	paid := false
	check := func(in ConfirmPaymentInput) error {
		switch {
		case paid || d.status != motcua.StatusAwaitingPayment:
			return reject(motcua.ECONFLICT, "Hồ sơ không ở trạng thái chờ thanh toán.")
		case in.Amount != d.in.Fee:
			return reject(motcua.EINVALID, "Số tiền đã thanh toán không khớp với số phí, lệ phí phải nộp.")
		}
		return nil
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateConfirmPayment,
		func(ctx workflow.Context, in ConfirmPaymentInput) (Outcome, error) {
			out, err := d.locked(ctx, func() error { return check(in) }, func(ctx workflow.Context) error {
				if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocEReceipt, Seal: true}); err != nil {
					return err
				}
				return d.record(ctx, motcua.Transition{Action: motcua.EventPay, Status: motcua.StatusSubmitted,
					ActorID: d.in.ApplicantID, Data: map[string]any{"reference": in.Reference, "amount": in.Amount}})
			})
			if err == nil {
				paid = true
			}
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ConfirmPaymentInput) error { return check(in) }},
	); err != nil {
		return err
	}
	if err := d.withLock(ctx, func(ctx workflow.Context) error {
		return d.record(ctx, motcua.Transition{Action: motcua.EventAwaitPayment, Status: motcua.StatusAwaitingPayment,
			Data: map[string]any{"amount": d.in.Fee}})
	}); err != nil {
		return err
	}
	d.recorded = true
	d.changes++
	return workflow.Await(ctx, func() bool { return paid })
}
