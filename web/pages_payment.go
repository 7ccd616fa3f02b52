package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/httpx"
)

// pagePay starts the payment of the dossier's fee and sends the applicant to the payment
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
		http.Redirect(w, r, p.PayURL, http.StatusSeeOther)
	}
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
