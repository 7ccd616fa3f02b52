package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// pagePay starts the payment of the dossier's fee and shows the way to the payment
// platform's page.
func (s *Site) pagePay() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		p, err := s.Dossiers.StartPayment(r.Context(), a, code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		// A link, not a redirect: the pages' CSP lets forms post to this site only.
		d := s.page(r, "Thanh toán phí, lệ phí")
		d.Data = paymentPage{Code: code, Payment: p}
		s.show(w, http.StatusOK, "payment", d)
	}
}

// paymentPage is the step before the payment platform's page.
type paymentPage struct {
	Code    motcua.DossierCode
	Payment dossiers.PaymentView
}

// formatVND prints whole đồng with dots between thousands: 90.000.
func formatVND(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// pagePaid is where the payment platform sends the applicant back: it asks the platform
// how the payment stands (the callback may not have come) and shows the dossier.
func (s *Site) pagePaid() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		p, err := s.Dossiers.CheckPayment(r.Context(), a, code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(code))+"?ok=payment-"+p.Status, http.StatusSeeOther)
	}
}
