package dossiers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua"
	"motcua/internal/payment"
	"motcua/internal/store"
	"motcua/workflows"
)

// PaymentGateway is the payment platform as the service uses it (payment.Client).
type PaymentGateway interface {
	Initiate(ctx context.Context, o payment.Order) (string, error)
	Status(ctx context.Context, ref string) (payment.Notice, error)
	ParseNotice(body []byte) (payment.Notice, error)
}

// PaymentView is a payment as the applicant and the desk see it.
type PaymentView struct {
	Reference   string     `json:"reference"`
	Amount      int64      `json:"amount"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"statusLabel"`
	PayURL      string     `json:"payUrl,omitempty"`
	PaidAmount  *int64     `json:"paidAmount,omitempty"`
	Transaction string     `json:"transaction,omitempty"`
	ConfirmedAt *time.Time `json:"confirmedAt,omitempty"`
}

var paymentLabels = map[string]string{
	store.PaymentPending:   "Chờ thanh toán",
	store.PaymentPaid:      "Đã thanh toán",
	store.PaymentCancelled: "Đã hủy giao dịch",
	store.PaymentMismatch:  "Số tiền đã trả không khớp với phí, lệ phí: Bộ phận Một cửa sẽ liên hệ để xử lý",
}

func paymentView(p store.Payment) PaymentView {
	v := PaymentView{Reference: p.Reference, Amount: p.Amount, Status: p.Status, StatusLabel: paymentLabels[p.Status],
		PaidAmount: p.PaidAmount, Transaction: p.Transaction, ConfirmedAt: p.ConfirmedAt}
	if p.Status == store.PaymentPending {
		v.PayURL = p.PayURL
	}
	return v
}

var errNoPayments = &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Chức năng thanh toán trực tuyến chưa được cấu hình."}

// payable checks that a may pay dossier code: its applicant, while it waits for payment.
func (s *Service) payable(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.Submission, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.Submission{}, err
	}
	if !ActsAsApplicant(a, acc.ApplicantID, acc.OrganizationID) {
		return store.Submission{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới thanh toán được phí, lệ phí của hồ sơ.")
	}
	if acc.Status != motcua.StatusAwaitingPayment {
		return store.Submission{}, motcua.Errorf(motcua.ECONFLICT, "Hồ sơ không ở trạng thái chờ thanh toán.")
	}
	return s.Store.Submission(ctx, code)
}

// Payments lists the dossier's payments for a reader of the dossier.
func (s *Service) Payments(ctx context.Context, a motcua.Actor, code motcua.DossierCode) ([]PaymentView, error) {
	if _, err := s.readable(ctx, a, code); err != nil {
		return nil, err
	}
	ps, err := s.Store.Payments(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]PaymentView, 0, len(ps))
	for _, p := range ps {
		out = append(out, paymentView(p))
	}
	return out, nil
}

// StartPayment asks the platform for the dossier's fee and answers where the applicant
// pays. Asked again while a payment is pending, it answers the same payment.
func (s *Service) StartPayment(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (PaymentView, error) {
	if s.PaymentGateway == nil {
		return PaymentView{}, errNoPayments
	}
	sub, err := s.payable(ctx, a, code)
	if err != nil {
		return PaymentView{}, err
	}
	ps, err := s.Store.Payments(ctx, code)
	if err != nil {
		return PaymentView{}, err
	}
	var p store.Payment
	switch {
	case len(ps) > 0 && ps[0].Status == store.PaymentPending && ps[0].PayURL != "":
		return paymentView(ps[0]), nil
	case len(ps) > 0 && ps[0].Status == store.PaymentPending:
		p = ps[0] // asked before, the platform did not answer: ask again with the same reference
	default:
		p = store.Payment{Reference: fmt.Sprintf("%s-%d", code, len(ps)+1), DossierCode: code, Amount: sub.Fee,
			Status: store.PaymentPending, CreatedAt: s.Now()}
		if err := s.Store.CreatePayment(ctx, p); err != nil {
			return PaymentView{}, err
		}
	}
	pr, err := s.Catalog.Version(sub.ProcedureCode, sub.ProcedureVersion)
	if err != nil {
		return PaymentView{}, err
	}
	// The payer is the applicant: the organization an organization's dossier was filed for.
	payer := sub.ApplicantID
	if sub.OrganizationID != 0 {
		payer = sub.OrganizationID
	}
	applicant, err := s.Store.Actor(ctx, payer)
	if err != nil {
		return PaymentView{}, err
	}
	url, err := s.PaymentGateway.Initiate(ctx, payment.Order{Reference: p.Reference, Amount: p.Amount, At: s.Now(),
		ReturnURL: s.PublicURL + "/ho-so/" + string(code) + "/thanh-toan/ket-qua",
		NotifyURL: s.PublicURL + "/api/v1/payments/notify",
		Receipt: payment.Receipt{Service: "1", ProcedureCode: sub.ProcedureCode, UnitCode: sub.UnitCode,
			DossierCode: string(code), PayerName: applicant.Name, FeeName: pr.Fee.Description}})
	if err != nil {
		return PaymentView{}, err
	}
	if err := s.Store.SetPayURL(ctx, p.Reference, url); err != nil {
		return PaymentView{}, err
	}
	p.PayURL = url
	return paymentView(p), nil
}

// PaymentNotice takes the platform's notice (callback): a forged one is refused
// (EFORBIDDEN) and changes nothing.
func (s *Service) PaymentNotice(ctx context.Context, body []byte) (PaymentView, error) {
	if s.PaymentGateway == nil {
		return PaymentView{}, errNoPayments
	}
	n, err := s.PaymentGateway.ParseNotice(body)
	if err != nil {
		s.Log.WarnContext(ctx, "payment notice refused", "err", err)
		return PaymentView{}, err
	}
	return s.settle(ctx, n, "callback")
}

// CheckPayment asks the platform the status of the dossier's pending payment (polling)
// and settles it as a callback would. The latest payment is answered.
func (s *Service) CheckPayment(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (PaymentView, error) {
	// Who may see the dossier is answered first: an unknown dossier is 404 whether or
	// not the payment platform is configured.
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return PaymentView{}, err
	}
	if !ActsAsApplicant(a, acc.ApplicantID, acc.OrganizationID) && !IsStaff(a) {
		return PaymentView{}, notFound(code)
	}
	ps, err := s.Store.Payments(ctx, code)
	if err != nil {
		return PaymentView{}, err
	}
	if len(ps) == 0 {
		return PaymentView{}, motcua.Errorf(motcua.ENOTFOUND, "Hồ sơ chưa có giao dịch thanh toán nào.")
	}
	for _, p := range ps {
		if p.Status == store.PaymentPending {
			if s.PaymentGateway == nil {
				return PaymentView{}, errNoPayments
			}
			n, err := s.PaymentGateway.Status(ctx, p.Reference)
			if err != nil {
				return PaymentView{}, err
			}
			return s.settle(ctx, n, "poll")
		}
		if p.Status == store.PaymentPaid {
			// Paid but perhaps not yet told to the workflow (a crash in between).
			return s.confirm(ctx, p)
		}
	}
	return paymentView(ps[0]), nil
}

// settle records a verified notice once and, for a payment of the right amount, tells
// the dossier's workflow (once: the update's ID is the reference). An amount that
// differs from the fee is flagged, never accepted.
func (s *Service) settle(ctx context.Context, n payment.Notice, by string) (PaymentView, error) {
	p, err := s.Store.PaymentByReference(ctx, n.Reference)
	if err != nil {
		return PaymentView{}, err
	}
	o := store.PaymentOutcome{PaidAmount: n.Amount, Transaction: n.Transaction, By: by, At: s.Now()}
	switch n.Status {
	case payment.StatusPending:
		return paymentView(p), nil
	case payment.StatusCancelled:
		o.Status = store.PaymentCancelled
	case payment.StatusPaid:
		o.Status = store.PaymentPaid
		if n.Amount != p.Amount {
			o.Status = store.PaymentMismatch
		}
	}
	p, changed, err := s.Store.SettlePayment(ctx, n.Reference, o)
	if err != nil {
		return PaymentView{}, err
	}
	if changed && p.Status == store.PaymentMismatch {
		s.Log.WarnContext(ctx, "payment amount differs from the fee", "ref", p.Reference, "fee", p.Amount, "paid", n.Amount)
	}
	if p.Status != store.PaymentPaid {
		return paymentView(p), nil
	}
	return s.confirm(ctx, p)
}

// confirm tells the workflow that payment p is paid; told twice, it is one update.
func (s *Service) confirm(ctx context.Context, p store.Payment) (PaymentView, error) {
	_, err := s.update(ctx, p.DossierCode, Update{Name: workflows.UpdateConfirmPayment, ID: "payment/" + p.Reference,
		Arg: workflows.ConfirmPaymentInput{Reference: p.Reference, Amount: *p.PaidAmount}})
	var me *motcua.Error
	if errors.As(err, &me) && me.Code == motcua.ECONFLICT {
		err = nil // the workflow has it already: the dossier has gone on
	}
	if err != nil {
		return PaymentView{}, err
	}
	return paymentView(p), nil
}
