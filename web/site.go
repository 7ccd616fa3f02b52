// Package web is motcua's pages for people, in Vietnamese: server-rendered
// html/template with no JavaScript, for citizens and the public (catalog, e-form,
// my dossiers, lookup, verification) and for staff (inbox, dossier, signing queue,
// statistics, administration). Each page parses the request, calls a service (dossiers)
// and renders; what a page may show of a dossier is decided from PostgreSQL by the
// service, never by asking the workflow.
//
// It reaches neither PostgreSQL nor Temporal itself (no pgx, no Temporal client here);
// the shared HTTP plumbing is internal/httpx. Nothing imports it but the composition code.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"motcua/dossiers"
	"motcua/exchange"
	"motcua/forms"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// Deps is what the pages need.
type Deps struct {
	// HTTP is the plumbing shared with the JSON API; New makes one when nil.
	HTTP     *httpx.Kit
	Dossiers *dossiers.Service
	// Exchange is the document-exchange service; nil answers 503 on its pages.
	Exchange *exchange.Service
	// Catalog is the procedure catalog.
	Catalog *forms.Catalog
	// Store serves the administration pages (units, accounts, roles, the calendar's
	// overrides), which no service holds yet.
	Store    *store.Store
	Sessions *auth.Sessions
	// OIDC runs the page login with single sign-on; nil when not configured.
	OIDC *auth.OIDC
	// DevLogin enables the password form.
	DevLogin bool
	// Now is the clock (tests may fix it).
	Now func() time.Time
	Log *slog.Logger
}

// Site is the pages: their routes go on the one router (httpx.Kit.Handler).
type Site struct {
	Deps
	pages pageSet
	// The rate limit per client address of the public lookup that answers whether a
	// dossier code and an ID number belong together (the verification page shares the
	// API's, httpx.Kit.VerifyLimit).
	lookupLimit *httpx.RateLimit
}

// New returns the pages.
func New(d Deps) *Site {
	if d.HTTP == nil {
		d.HTTP = httpx.New(httpx.Deps{})
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		// The templates are embedded in the binary: a parse error is a build defect
		// that every page test reports, not a condition to run with.
		panic(err)
	}
	return &Site{Deps: d, pages: pages, lookupLimit: httpx.NewRateLimit(20, time.Minute, d.Now)}
}

// Handler is the pages alone on the shared router, for tests.
func (s *Site) Handler() http.Handler {
	return s.HTTP.Handler(nil, s)
}
