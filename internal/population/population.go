// Package population looks people up in the national population database (Cơ sở dữ
// liệu quốc gia về dân cư) through an adapter: Registry is the database, Development
// stands in for it, and Lookups is the one way motcua asks, which refuses a lookup
// without a reason and records who looked up whom and why before it asks. Every
// question to the registry carries a timeout (Lookups.Timeout).
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
	Sex       string // "Nam" or "Nữ"
	Residence Address
}

// Address is a place of residence (nơi cư trú), in the two levels of local government
// since July 2025: a commune, ward or special zone within a province or city.
type Address struct {
	Street   string // house number, street, hamlet, group
	Ward     string
	Province string
}

// String is the address on one line.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{a.Street, a.Ward, a.Province} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Answer is a lookup's answer: the person, and the audit row the lookup wrote (so that
// the dossier it served can be named on it once registered).
type Answer struct {
	Person
	LookupID int64
}

// Registry is the national population database.
type Registry interface {
	// Person returns the citizen with a personal ID number, or ErrNotFound. It should
	// stop when ctx is done (Lookups gives it a deadline).
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

// DefaultTimeout bounds each question to the registry when Lookups.Timeout is not set.
const DefaultTimeout = 10 * time.Second

// Lookups asks the Registry and keeps the audit trail in the store.
type Lookups struct {
	Registry Registry
	Store    *store.Store
	Log      *slog.Logger
	// Timeout bounds each question to the registry (default DefaultTimeout): a hung
	// registry never holds the caller longer, even one that ignores its context.
	Timeout time.Duration
}

// Lookup checks the request, records it, then asks the registry. A lookup without a
// reason, by someone who is not staff, or about a malformed number is refused before
// anything is recorded or asked; once recorded, the row says whether the person was
// found, and the answer carries the row's ID (also beside ENOTFOUND).
func (l *Lookups) Lookup(ctx context.Context, req Request) (Answer, error) {
	if err := motcua.Authorize(req.Actor, motcua.PermActOnDossier, motcua.Scope{}); err != nil {
		return Answer{}, err
	}
	reason := strings.TrimSpace(req.Reason)
	switch {
	case reason == "":
		return Answer{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason",
			Message: "Phải nêu lý do tra cứu cơ sở dữ liệu quốc gia về dân cư."}
	case utf8.RuneCountInString(reason) > maxReason || !utf8.ValidString(reason):
		return Answer{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason",
			Message: fmt.Sprintf("Lý do tra cứu dài quá %d ký tự.", maxReason)}
	case !motcua.ValidPersonalID(req.IDNumber):
		return Answer{}, &motcua.Error{Code: motcua.EINVALID, Field: "idNumber",
			Message: "Số định danh cá nhân phải gồm 12 chữ số."}
	}
	id, err := l.Store.RecordPopulationLookup(ctx, req.Actor.UserID, req.IDNumber, reason, req.Dossier)
	if err != nil {
		return Answer{}, err
	}
	p, err := l.ask(ctx, req.IDNumber)
	if err != nil && !errors.Is(err, ErrNotFound) {
		// The row stays without an answer (found NULL): asked, not answered.
		return Answer{LookupID: id}, &motcua.Error{Code: motcua.EUNAVAILABLE,
			Message: "Cơ sở dữ liệu quốc gia về dân cư đang không phản hồi. Vui lòng thử lại sau ít phút.",
			Err:     fmt.Errorf("population lookup %d: %w", id, err)}
	}
	found := err == nil
	if ferr := l.Store.FinishPopulationLookup(ctx, id, found); ferr != nil && l.Log != nil {
		l.Log.WarnContext(ctx, "finish population lookup", "id", id, "err", ferr)
	}
	if !found {
		return Answer{LookupID: id}, &motcua.Error{Code: motcua.ENOTFOUND, Field: "idNumber",
			Message: "Không tìm thấy công dân có số định danh cá nhân này trong cơ sở dữ liệu quốc gia về dân cư.", Err: err}
	}
	return Answer{Person: p, LookupID: id}, nil
}

// ask asks the registry within the timeout. The answer is awaited in a goroutine so
// that a registry which ignores its context still costs the caller no more than the
// timeout; its late answer is dropped.
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
		return Person{}, fmt.Errorf("ask the population registry: %w", context.Cause(ctx))
	}
}

// Development is the development registry: a fixed set of made-up people.
type Development map[string]Person

// DevelopmentWalkIn is a person the development registry knows and the demo data has
// no account for: the walk-in applicant a desk clerk finds only by asking the
// population database.
const DevelopmentWalkIn = "001178003456"

// NewDevelopment returns the development registry: the demo citizens, and
// DevelopmentWalkIn.
func NewDevelopment() Development {
	return Development{
		store.DemoCitizenIDNumber: {IDNumber: store.DemoCitizenIDNumber, Name: "Trần Văn Minh", BirthDate: "12/03/1990", Sex: "Nam",
			Residence: Address{Street: "Số 12 phố Đội Cấn", Ward: "Phường Ba Đình", Province: "Thành phố Hà Nội"}},
		"079185004321": {IDNumber: "079185004321", Name: "Lý Thị Mai", BirthDate: "05/06/1985", Sex: "Nữ",
			Residence: Address{Street: "Số 45 đường Lê Lợi", Ward: "Phường Sài Gòn", Province: "Thành phố Hồ Chí Minh"}},
		DevelopmentWalkIn: {IDNumber: DevelopmentWalkIn, Name: "Hoàng Thị Lan", BirthDate: "21/09/1978", Sex: "Nữ",
			Residence: Address{Street: "Số 8 ngõ 92 Trần Duy Hưng", Ward: "Phường Yên Hòa", Province: "Thành phố Hà Nội"}},
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
