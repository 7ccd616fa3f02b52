// Package population looks people up in the national population database (Cơ sở dữ
// liệu quốc gia về dân cư) through an adapter: Registry is the database, Development
// stands in for it, and Lookups is the one way motcua asks, which refuses a lookup
// without a reason and records who looked up whom and why before it asks.
package population

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
)

// Person is what the population database answers about a citizen.
type Person struct {
	IDNumber  string
	Name      string
	BirthDate string // dd/mm/yyyy
	Sex       string
	Residence string
}

// Registry is the national population database.
type Registry interface {
	// Person returns the citizen with a personal ID number, or ErrNotFound.
	Person(ctx context.Context, idNumber string) (Person, error)
}

// ErrNotFound is a Registry's answer for a number it does not know.
var ErrNotFound = errors.New("no such person")

// Request is a lookup: who asks, about whom, why (required), for which dossier.
type Request struct {
	Actor    motcua.Actor
	IDNumber string
	Reason   string
	Dossier  string
}

// maxReason bounds the reason written in the audit row.
const maxReason = 500

// DefaultTimeout bounds a lookup in the registry when Lookups.Timeout is not set.
const DefaultTimeout = 10 * time.Second

// Lookups asks the Registry and keeps the audit trail in the store.
type Lookups struct {
	Registry Registry
	Store    *store.Store
	Log      *slog.Logger
	// Timeout bounds each question to the registry (default DefaultTimeout), whether
	// or not the Registry honours its context: a hung database holds the caller no
	// longer than this.
	Timeout time.Duration
}

// Lookup checks the request, records it, then asks the registry. A lookup without a
// reason, by someone who is not staff, or about a malformed number is refused before
// anything is recorded or asked; once recorded, the row says whether the person was
// found.
func (l *Lookups) Lookup(ctx context.Context, req Request) (Person, error) {
	if err := motcua.Authorize(req.Actor, motcua.PermActOnDossier, motcua.Scope{}); err != nil {
		return Person{}, err
	}
	reason := strings.TrimSpace(req.Reason)
	switch {
	case reason == "":
		return Person{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason",
			Message: "Phải nêu lý do tra cứu cơ sở dữ liệu quốc gia về dân cư."}
	case utf8.RuneCountInString(reason) > maxReason || !utf8.ValidString(reason):
		return Person{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason",
			Message: fmt.Sprintf("Lý do tra cứu dài quá %d ký tự.", maxReason)}
	case !motcua.ValidPersonalID(req.IDNumber):
		return Person{}, &motcua.Error{Code: motcua.EINVALID, Field: "idNumber",
			Message: "Số định danh cá nhân phải gồm 12 chữ số."}
	}
	id, err := l.Store.RecordPopulationLookup(ctx, req.Actor.UserID, req.IDNumber, reason, req.Dossier)
	if err != nil {
		return Person{}, err
	}
	p, err := l.ask(ctx, req.IDNumber)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("population lookup %d: %w", id, err)
	}
	found := err == nil
	if ferr := l.Store.FinishPopulationLookup(ctx, id, found); ferr != nil && l.Log != nil {
		l.Log.WarnContext(ctx, "finish population lookup", "id", id, "err", ferr)
	}
	if !found {
		return Person{}, &motcua.Error{Code: motcua.ENOTFOUND, Field: "idNumber",
			Message: "Không tìm thấy công dân có số định danh cá nhân này trong cơ sở dữ liệu quốc gia về dân cư.", Err: err}
	}
	return p, nil
}

// ask puts one question to the registry, bounded by the timeout: an answer that does
// not come in time is EUNAVAILABLE, and the caller is released even if the Registry
// ignores its context (its goroutine ends when it answers; the answer is dropped).
func (l *Lookups) ask(ctx context.Context, idNumber string) (Person, error) {
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		p   Person
		err error
	}
	done := make(chan answer, 1)
	go func() {
		p, err := l.Registry.Person(ctx, idNumber)
		done <- answer{p, err}
	}()
	select {
	case a := <-done:
		return a.p, a.err
	case <-ctx.Done():
		return Person{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Err: ctx.Err(),
			Message: "Cơ sở dữ liệu quốc gia về dân cư không trả lời kịp. Vui lòng thử lại sau."}
	}
}

// Development is the development registry: a fixed set of made-up people.
type Development map[string]Person

// NewDevelopment returns the development registry with the demo citizens.
func NewDevelopment() Development {
	return Development{
		store.DemoCitizenIDNumber: {IDNumber: store.DemoCitizenIDNumber, Name: "Trần Văn Minh", BirthDate: "12/03/1990", Sex: "Nam", Residence: "Hà Nội"},
		"079185004321":            {IDNumber: "079185004321", Name: "Lý Thị Mai", BirthDate: "05/06/1985", Sex: "Nữ", Residence: "Thành phố Hồ Chí Minh"},
	}
}

// Person implements Registry.
func (d Development) Person(_ context.Context, idNumber string) (Person, error) {
	p, ok := d[idNumber]
	if !ok {
		return Person{}, ErrNotFound
	}
	return p, nil
}
