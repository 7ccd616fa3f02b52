package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"motcua/dossiers"
	"motcua/internal/httpx"
)

// handleMyDocuments lists the caller's document store (kho dữ liệu điện tử); ?type=
// (repeatable) keeps the types a component accepts.
func (s *API) handleMyDocuments() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var types []string
		for _, t := range r.URL.Query()["type"] {
			if t != "" {
				types = append(types, t)
			}
		}
		docs, err := s.Dossiers.MyDocuments(r.Context(), a, types)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, docs)
	}
}

// handleMyDocument sends one stored document's content; another person's is 404.
func (s *API) handleMyDocument() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		d, data, err := s.Dossiers.MyDocument(r.Context(), a, chi.URLParam(r, "id"))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		writeDocument(w, r, d.Name, d.ContentType, data, d.IssuedAt)
	}
}

// handleReuseDocument attaches a stored document to a component by reference: the
// answer is a file (201), as an upload's, to put in the e-form.
func (s *API) handleReuseDocument() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.ReuseRequest
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		f, err := s.Dossiers.ReuseDocument(r.Context(), a, chi.URLParam(r, "id"), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, f)
	}
}

// handleFetchNational brings the caller's documents of a type from the national
// portal's store into their own, and lists their store of that type.
func (s *API) handleFetchNational() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req struct {
			Type string `json:"type"`
		}
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		docs, err := s.Dossiers.FetchNational(r.Context(), a, req.Type)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, docs)
	}
}
