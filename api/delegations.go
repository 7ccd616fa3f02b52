package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// delegationJSON is a delegation as the API writes and reads it: days as 2027-03-01.
type delegationJSON struct {
	ID          int64              `json:"id,omitempty"`
	DelegatorID int64              `json:"delegatorId"`
	Delegator   string             `json:"delegator,omitempty"`
	DelegateID  int64              `json:"delegateId"`
	Delegate    string             `json:"delegate,omitempty"`
	Kind        motcua.SigningForm `json:"kind"`
	KindLabel   string             `json:"kindLabel,omitempty"`
	Procedures  []string           `json:"procedures"`
	From        string             `json:"from"`
	Until       string             `json:"until"`
	Document    string             `json:"document"`
	RevokedAt   *time.Time         `json:"revokedAt,omitempty"`
}

func delegationOut(d motcua.Delegation) delegationJSON {
	return delegationJSON{ID: d.ID, DelegatorID: d.DelegatorID, Delegator: d.DelegatorName, DelegateID: d.DelegateID,
		Delegate: d.DelegateName, Kind: d.Kind, KindLabel: d.Kind.Label(), Procedures: d.Procedures,
		From: d.From.Format(time.DateOnly), Until: d.Until.Format(time.DateOnly), Document: d.Document, RevokedAt: d.RevokedAt}
}

// delegationIn reads a delegation's days; the service checks the rest.
func delegationIn(in delegationJSON) (motcua.Delegation, error) {
	d := motcua.Delegation{DelegatorID: in.DelegatorID, DelegateID: in.DelegateID, Kind: in.Kind,
		Procedures: in.Procedures, Document: strings.TrimSpace(in.Document)}
	for _, f := range []struct {
		name string
		v    string
		to   *time.Time
	}{{"from", in.From, &d.From}, {"until", in.Until, &d.Until}} {
		t, err := dossiers.ParseDay(f.v)
		if err != nil {
			return d, &motcua.Error{Code: motcua.EINVALID, Field: f.name, Message: "Ngày không hợp lệ (dd/mm/yyyy)."}
		}
		*f.to = t
	}
	return d, nil
}

func (s *API) handleDelegations() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		ds, err := s.Dossiers.Delegations(r.Context(), a, r.URL.Query().Get("inForce") == "true")
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		out := make([]delegationJSON, 0, len(ds))
		for _, d := range ds {
			out = append(out, delegationOut(d))
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": out})
	}
}

func (s *API) handleCreateDelegation() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var in delegationJSON
		if err := httpx.Decode(r, &in); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		d, err := delegationIn(in)
		if err == nil {
			d, err = s.Dossiers.CreateDelegation(r.Context(), a, d)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, delegationOut(d))
	}
}

func (s *API) handleRevokeDelegation() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err != nil {
			s.HTTP.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản ủy quyền."))
			return
		}
		if err := s.Dossiers.RevokeDelegation(r.Context(), a, id); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
