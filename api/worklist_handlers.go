package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// idParam reads a numeric path parameter; anything else is the notFound answer.
func idParam(r *http.Request, name, notFound string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil {
		return 0, motcua.Errorf(motcua.ENOTFOUND, "%s", notFound)
	}
	return id, nil
}

func (s *API) handleRelease() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := idParam(r, "task", "Không tìm thấy việc.")
		if err == nil {
			err = s.Dossiers.Release(r.Context(), a, id)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *API) handleAssign() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var as dossiers.Assignment
		if err := httpx.Decode(r, &as); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		changes, err := s.Dossiers.Assign(r.Context(), a, as)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": changes})
	}
}

func (s *API) handleSubstitutes() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.Substitutions(r.Context(), a)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func (s *API) handleDeclareAbsence() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var ab dossiers.Absence
		if err := httpx.Decode(r, &ab); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		sub, err := s.Dossiers.DeclareAbsence(r.Context(), a, ab)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, sub)
	}
}

func (s *API) handleCancelAbsence() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := idParam(r, "id", "Không tìm thấy người thay thế này.")
		if err == nil {
			err = s.Dossiers.CancelAbsence(r.Context(), a, id)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *API) handleComments() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.Comments(r.Context(), a, motcua.DossierCode(chi.URLParam(r, "code")))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func (s *API) handleAddComment() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var in struct {
			Body string `json:"body"`
		}
		if err := httpx.Decode(r, &in); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		id, err := s.Dossiers.AddComment(r.Context(), a, motcua.DossierCode(chi.URLParam(r, "code")), in.Body)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, map[string]any{"id": id})
	}
}

func (s *API) handleFilters() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.SavedFilters(r.Context(), a)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func (s *API) handleSaveFilter() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var in struct {
			Name  string `json:"name"`
			Query string `json:"query"`
		}
		if err := httpx.Decode(r, &in); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		q, err := url.ParseQuery(in.Query)
		if err != nil {
			s.HTTP.WriteError(w, r, &motcua.Error{Code: motcua.EINVALID, Field: "query", Message: "Bộ lọc không đọc được.", Err: err})
			return
		}
		f, err := s.Dossiers.SaveFilter(r.Context(), a, in.Name, q)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, f)
	}
}

func (s *API) handleDeleteFilter() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := idParam(r, "id", "Không tìm thấy bộ lọc.")
		if err == nil {
			err = s.Dossiers.DeleteFilter(r.Context(), a, id)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
