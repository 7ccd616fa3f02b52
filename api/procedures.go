package api

import (
	"unicode"

	"encoding/json"
	"golang.org/x/text/unicode/norm"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"motcua/forms"
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
	return procedureSummary{Code: p.Code, Version: p.Version, Name: p.Name, Domain: p.Domain, TimeLimit: p.TimeLimit, Fee: p.Fee}
}

// handleProcedures lists the procedures in force, optionally filtered by a search in
// their names (q, accent-insensitive is left to the pages) and by domain.
func (s *server) handleProcedures() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items := []procedureSummary{}
		for _, p := range s.searchProcedures(r.URL.Query().Get("q"), r.URL.Query().Get("domain")) {
			items = append(items, summary(p))
		}
		encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

// handleProcedure answers one procedure (the version in force) with its form.
func (s *server) handleProcedure() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Catalog.Procedure(chi.URLParam(r, "code"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, procedureDetail{procedureSummary: summary(p), LegalBasis: p.LegalBasis,
			ApplicantKinds: p.ApplicantKinds, Components: p.Components, Result: p.Result, Form: p.Form, Schema: p.Schema()})
	}
}

// searchProcedures lists the procedures in force whose name or code contains q,
// ignoring case and Vietnamese diacritics ("cap phep" finds "cấp phép"), in domain
// if one is given.
func (s *server) searchProcedures(q, domain string) []*forms.Procedure {
	q = fold(strings.TrimSpace(q))
	var out []*forms.Procedure
	for _, p := range s.Catalog.Procedures() {
		if domain != "" && p.Domain != domain {
			continue
		}
		if q != "" && !strings.Contains(fold(p.Name), q) && !strings.Contains(fold(p.Code), q) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// fold lowercases s and strips its diacritics (đ becomes d).
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
