package api

import (
	"io"
	"net/http"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
	"motcua/internal/payment"
)

// handlePayments lists the dossier's payments.
func (s *API) handlePayments() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		ps, err := s.Dossiers.Payments(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, ps)
	}
}

// handleStartPayment asks the payment platform for the dossier's fee; the answer's
// payUrl is where the applicant pays.
func (s *API) handleStartPayment() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.StartPayment(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, p)
	}
}

// handleCheckPayment polls the platform for the dossier's pending payment.
func (s *API) handleCheckPayment() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.CheckPayment(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, p)
	}
}

// handlePaymentNotify takes the platform's notice (callback). It needs no session:
// the notice's hash authenticates it; a forged one is answered 403 and changes nothing.
func (s *API) handlePaymentNotify() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, payment.MaxMessageBytes))
		if err != nil {
			s.HTTP.WriteError(w, r, &motcua.Error{Code: motcua.EINVALID, Message: "Thông báo thanh toán quá lớn.", Err: err})
			return
		}
		p, err := s.Dossiers.PaymentNotice(r.Context(), body)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, p)
	}
}

// handleRate records the applicant's rating of the dossier's handling.
func (s *API) handleRate() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.RateRequest
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		rt, err := s.Dossiers.Rate(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, rt)
	}
}

// handleRating reads the dossier's rating (404 when not rated).
func (s *API) handleRating() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		rt, ok, err := s.Dossiers.Rating(r.Context(), a, codeParam(r))
		if err == nil && !ok {
			err = motcua.Errorf(motcua.ENOTFOUND, "Hồ sơ chưa được đánh giá.")
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, rt)
	}
}
