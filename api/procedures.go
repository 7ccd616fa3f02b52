package api

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"motcua/forms"
	"motcua/internal/httpx"
)

// procedureSummary is a catalog entry as the list shows it.
type procedureSummary struct {
	Code      string          `json:"code"`
	Version   int             `json:"version"`
	Name      string          `json:"name"`
	Domain    string          `json:"domain"`
	TimeLimit forms.TimeLimit `json:"timeLimit"`
	Fee       forms.Fee       `json:"fee"`
}

// procedureDetail is one procedure with what a citizen needs to apply: the documents,
// the e-form's layout and the JSON Schema that validates it.
type procedureDetail struct {
	procedureSummary
	LegalBasis     []forms.LegalDoc      `json:"legalBasis"`
	ApplicantKinds []forms.ApplicantKind `json:"applicantKinds"`
	Components     []forms.Component     `json:"components"`
	Result         forms.Result          `json:"result"`
	Form           forms.Form            `json:"form"`
	Schema         json.RawMessage       `json:"schema"`
}

func summary(p *forms.Procedure) procedureSummary {
	fee := p.Fee
	fee.InternalNote = "" // the catalog keepers' remark is not for the public
	return procedureSummary{Code: p.Code, Version: p.Version, Name: p.Name, Domain: p.Domain, TimeLimit: p.TimeLimit, Fee: fee}
}

// handleProcedures lists the procedures in force, optionally filtered by a search in
// their names (q, accent-insensitive) and by domain.
func (s *API) handleProcedures() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items := []procedureSummary{}
		for _, p := range s.Catalog.Search(r.URL.Query().Get("q"), r.URL.Query().Get("domain")) {
			items = append(items, summary(p))
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

// handleProcedure answers one procedure (the version in force) with its form.
func (s *API) handleProcedure() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Catalog.Procedure(chi.URLParam(r, "code"))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, procedureDetail{procedureSummary: summary(p), LegalBasis: p.LegalBasis,
			ApplicantKinds: p.ApplicantKinds, Components: p.Components, Result: p.Result, Form: p.Form, Schema: p.Schema()})
	}
}
