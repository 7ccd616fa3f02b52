// Package dossiers is the dossier service: what the JSON API (api) and the pages (web)
// both call to submit a dossier, decide on it, answer a supplement request, withdraw it,
// read it with its documents, and list the inbox, the signing queue and the statistics.
//
// It decides nothing about a dossier's progress: the workflow does, through the updates
// this service sends it over Engine. It checks input, numbers and stores submissions
// and reads the read models, all through internal/store: no SQL here, and no HTTP. Who
// may read a dossier is decided here, from PostgreSQL, never from a Temporal Query.
// Errors are *motcua.Error with a code; the HTTP layer maps codes to statuses.
package dossiers

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"time"

	"motcua"
	"motcua/activities"
	"motcua/forms"
	"motcua/internal/store"
)

// Deps is what the service needs.
type Deps struct {
	Store *store.Store
	// Catalog is the procedure catalog.
	Catalog *forms.Catalog
	// Engine reaches the dossiers' workflows; nil until Temporal is connected, and
	// every submission and decision is then refused as unavailable (503).
	Engine Engine
	// WorkingTime is the working-time calendar (appointments, "due soon").
	WorkingTime activities.WorkingTime
	// VerifyRoots are the trust anchors of a signature check, for signers and
	// time-stamping services alike (the national root and licensed CAs in production,
	// the development signer's root on a laptop). Nil trusts no one: every signature
	// is then reported untrusted.
	VerifyRoots *x509.CertPool
	// UpdateTimeout is how long a submission or a decision waits for the workflow's
	// answer (default DefaultUpdateTimeout). When it runs out the request answers
	// EUNKNOWNOUTCOME: the update may still be carried out once a worker takes it.
	UpdateTimeout time.Duration
	// DecisionsInFlight bounds the staff decisions this process has before the
	// workflows at once; more wait their turn, for at most UpdateTimeout, and are then
	// refused as unavailable (503, nothing sent). The applicants' submissions, answers
	// and payments are never held: a crowd of clicks in the inbox does not slow the
	// submissions of the people outside (issue 17). Zero: no bound.
	DecisionsInFlight int
	// Uploads bound each person's uploads; the zero value means DefaultUploadLimits.
	Uploads store.UploadLimits
	// PaymentGateway is the payment platform; nil: fees cannot be paid online.
	PaymentGateway PaymentGateway
	// PublicURL is the base URL of the pages and the API, for the platform's return and
	// notify addresses.
	PublicURL string
	// ReportSigning gives what signing a report needs (the renderer, the signature
	// service); called at the first signature, as `motcua run` starts its signature
	// service after the HTTP layer is built. Nil: reports cannot be signed (503).
	ReportSigning func() (ReportSigning, error)
	// National is the national portal's document store; nil: not connected.
	National NationalStore
	// Files fetches a portal dossier's files by reference; nil: refused as unavailable.
	Files FileFetcher
	// Population is the national population database the desk asks about walk-in and
	// postal applicants; nil: not connected (the clerk types their details).
	Population PopulationLookups
	// Now is the clock (tests may fix it).
	Now func() time.Time
	Log *slog.Logger
}

// DefaultUpdateTimeout is how long a person waits for a decision's outcome by default:
// well over what the slowest decision takes (render, sign, seal and time-stamp a
// result), well under the HTTP server's write timeout, so that the answer says so
// rather than the connection dropping.
const DefaultUpdateTimeout = 30 * time.Second

// Service is the dossier service.
type Service struct {
	Deps
	decisions chan struct{} // the DecisionsInFlight slots; nil: no bound
}

// New returns the dossier service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.UpdateTimeout <= 0 {
		d.UpdateTimeout = DefaultUpdateTimeout
	}
	s := &Service{Deps: d}
	if d.DecisionsInFlight > 0 {
		s.decisions = make(chan struct{}, d.DecisionsInFlight)
	}
	return s
}

// errBusy refuses a decision that waited its whole UpdateTimeout for a slot: it was
// never sent, so trying again is safe.
var errBusy = &motcua.Error{Code: motcua.EUNAVAILABLE,
	Message: "Hệ thống đang bận xử lý nhiều thao tác; thao tác chưa được thực hiện. Vui lòng thử lại sau ít phút."}

// decisionSlot waits for one of the DecisionsInFlight slots and returns its release.
func (s *Service) decisionSlot(ctx context.Context) (release func(), err error) {
	if s.decisions == nil {
		return func() {}, nil
	}
	wait := time.NewTimer(s.UpdateTimeout)
	defer wait.Stop()
	select {
	case s.decisions <- struct{}{}:
		return func() { <-s.decisions }, nil
	case <-wait.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a decision slot: %w", ctx.Err())
	}
}

// errUnavailable answers a submission or decision while Temporal is not connected.
var errUnavailable = &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống xử lý hồ sơ chưa sẵn sàng. Vui lòng thử lại sau."}

// IsStaff tells the ministry's people from applicants.
func IsStaff(a motcua.Actor) bool {
	return a.Has(motcua.RoleClerk) || a.Has(motcua.RoleLeader) || a.Has(motcua.RoleClerical) || a.Has(motcua.RoleAdmin)
}
