// Package api is motcua's JSON API under /api/v1, for programs, with its OpenAPI
// description: each handler decodes the request, calls a service (dossiers) and encodes
// the answer. It decides nothing about a dossier and reaches neither PostgreSQL nor
// Temporal itself (no pgx, no Temporal client here); the shared HTTP plumbing is
// internal/httpx. Nothing imports it but the composition code.
package api

import (
	"net/http"

	"motcua/dossiers"
	"motcua/exchange"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
)

// Deps is what the JSON API needs.
type Deps struct {
	// HTTP is the plumbing shared with the pages; New makes one when nil.
	HTTP     *httpx.Kit
	Dossiers *dossiers.Service
	// Exchange is the document-exchange service; nil answers 503 on its routes.
	Exchange *exchange.Service
	// Catalog is the procedure catalog.
	Catalog  *forms.Catalog
	Sessions *auth.Sessions
	// DevLogin enables POST /api/v1/auth/login.
	DevLogin bool
}

// API is the JSON API: its routes go on the one router (httpx.Kit.Handler).
type API struct {
	Deps
}

// New returns the JSON API.
func New(d Deps) *API {
	if d.HTTP == nil {
		d.HTTP = httpx.New(httpx.Deps{})
	}
	return &API{Deps: d}
}

// Handler is the API alone on the shared router: for tests and for a process that
// serves no pages.
func (s *API) Handler() http.Handler {
	return s.HTTP.Handler(nil, s)
}
