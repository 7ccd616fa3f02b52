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

// changePaymentAfterReceipt is the GetVersion change ID of the fee paid after receipt
// (the procedure's fee.when is "receipt"): the desk receives the dossier, then it waits
// for the payment before review starts, the legal time limit paused meanwhile
// (docs/payment.md). Dossiers started before it never carry FeeAfterReceipt.
const changePaymentAfterReceipt = "payment-after-receipt"

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

// registerPayment sets the confirm-payment handler. It is called once, by whichever
// path makes the dossier wait first; the handler settles the fee once, with onPaid.
func (d *dossier) registerPayment(ctx workflow.Context, onPaid func(workflow.Context, ConfirmPaymentInput) error) error {
	check := func(in ConfirmPaymentInput) error {
		switch {
		case d.paid || d.status != motcua.StatusAwaitingPayment:
			return reject(motcua.ECONFLICT, "Hồ sơ không ở trạng thái chờ thanh toán.")
		case in.Amount != d.in.Fee:
			return reject(motcua.EINVALID, "Số tiền đã thanh toán không khớp với số phí, lệ phí phải nộp.")
		}
		return nil
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateConfirmPayment,
		func(ctx workflow.Context, in ConfirmPaymentInput) (Outcome, error) {
			out, err := d.locked(ctx, func() error { return check(in) }, func(ctx workflow.Context) error {
				if err := d.render(ctx, activities.NoticeInput{Kind: motcua.DocEReceipt, Seal: true}); err != nil {
					return err
				}
				return onPaid(ctx, in)
			})
			if err == nil {
				d.paid = true
			}
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in ConfirmPaymentInput) error { return check(in) }},
	)
}

// awaitPayment: the dossier is stored and waits, in status "awaiting payment" (the
// portal's code 6), until the fee is paid; then the e-receipt is issued and the dossier
// goes on to the desk. The submit update answers as soon as the wait begins.
func (d *dossier) awaitPayment(ctx workflow.Context) error {
	if workflow.GetVersion(ctx, changePayment, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	if err := d.registerPayment(ctx, func(ctx workflow.Context, in ConfirmPaymentInput) error {
		return d.record(ctx, motcua.Transition{Action: motcua.EventPay, Status: motcua.StatusSubmitted,
			ActorID: d.in.ApplicantID, Data: map[string]any{"reference": in.Reference, "amount": in.Amount}})
	}); err != nil {
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
	return workflow.Await(ctx, func() bool { return d.paid })
}

// payAfterReceipt reports whether the dossier, just received, must wait for its fee
// before review (the procedure asks for the fee after receipt).
func (d *dossier) payAfterReceipt(ctx workflow.Context) bool {
	if d.in.Fee <= 0 || !d.in.FeeAfterReceipt {
		return false
	}
	return workflow.GetVersion(ctx, changePaymentAfterReceipt, workflow.DefaultVersion, 1) != workflow.DefaultVersion
}

// awaitPaymentAfterReceipt: the desk has received the dossier (the receipt with its
// appointment is issued); the dossier now waits for the fee in status "awaiting
// payment" (portal code 6), held by nobody, with the legal time limit paused. When the
// fee is paid the e-receipt is issued, the appointment moves by the pause, and the
// first review step gets the dossier as if the clerk had handed it on then.
func (d *dossier) awaitPaymentAfterReceipt(ctx workflow.Context, clerk Actor) error {
	if err := d.registerPayment(ctx, func(ctx workflow.Context, in ConfirmPaymentInput) error {
		now := workflow.Now(ctx)
		d.paused = append(d.paused, activities.Interval{From: d.pausedSince, To: now})
		d.pausedSince = now
		r, err := d.dates(ctx, activities.DueInput{From: d.countStart, Span: activities.Span{WorkingMinutes: d.plan.TimeLimitMinutes}, Paused: d.paused})
		if err != nil {
			return err
		}
		if err := d.setDue(ctx, r[0].Due); err != nil {
			return err
		}
		if err := d.record(ctx, motcua.Transition{Action: motcua.EventPay, Status: motcua.StatusReceived,
			ActorID: d.in.ApplicantID, DueAt: &d.due, Data: map[string]any{"reference": in.Reference, "amount": in.Amount}}); err != nil {
			return err
		}
		return d.handTo(ctx, 1, clerk, motcua.EventTransfer, motcua.StatusInReview, "")
	}); err != nil {
		return err
	}
	d.pausedSince = workflow.Now(ctx)
	if err := d.record(ctx, motcua.Transition{Action: motcua.EventAwaitPayment, Status: motcua.StatusAwaitingPayment,
		ActorID: clerk.UserID, UnitCode: d.step().Unit.Code, CloseTasks: true, FinishHandover: true,
		Data: map[string]any{"amount": d.in.Fee}}); err != nil {
		return err
	}
	return d.notifyApplicant(ctx, "awaiting-payment", "Hồ sơ đã được tiếp nhận, vui lòng thanh toán phí, lệ phí trực tuyến để hồ sơ được giải quyết")
}
