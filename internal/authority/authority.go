// Package authority answers who may sign a dossier's result on a given day and under
// which signature block: the catalog names the deciding unit, its head's title and the
// signing form (the head, or a deputy KT.); the leaders of that unit whose title is the
// form's hold the authority; a delegation record (TUQ., TL., Q.) in force that day hands
// it to its delegate. The dossier service routes the signing queue and refuses a
// signature with it; the signing activity renders the block it returns and refuses a
// certificate whose title does not match. It reads, never writes.
package authority

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// Resolver finds the signers of results.
type Resolver struct {
	Store   *store.Store
	Catalog *forms.Catalog

	read *reads // set by Snapshot: the units and leaders read once
}

// reads holds what a Snapshot has read.
type reads struct {
	units       []store.UnitRow
	signatories map[string][]store.Signatory // by deciding unit's code
}

// Snapshot returns a resolver that reads the units and each deciding unit's leaders
// once and answers from them afterwards, for a caller that asks about many procedure
// versions at one moment: the signing queue asks about every version awaiting a
// signature, most of them decided by the same unit. It is not safe for concurrent use.
func (r Resolver) Snapshot() Resolver {
	r.read = &reads{signatories: map[string][]store.Signatory{}}
	return r
}

func (r Resolver) units(ctx context.Context) ([]store.UnitRow, error) {
	if r.read == nil {
		return r.Store.Units(ctx)
	}
	if r.read.units == nil {
		units, err := r.Store.Units(ctx)
		if err != nil {
			return nil, err
		}
		r.read.units = units
	}
	return r.read.units, nil
}

func (r Resolver) signatories(ctx context.Context, unitCode string) ([]store.Signatory, error) {
	if r.read == nil {
		return r.Store.Signatories(ctx, unitCode)
	}
	if sg, ok := r.read.signatories[unitCode]; ok {
		return sg, nil
	}
	sg, err := r.Store.Signatories(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	r.read.signatories[unitCode] = sg
	return sg, nil
}

// Default is the block of a procedure version's result as its catalog signer signs
// it, and the people who hold that authority (the deciding unit's leaders with the
// block's signer title), by user ID.
func (r Resolver) Default(ctx context.Context, procedure string, version int) (motcua.SignatureBlock, []store.Signatory, error) {
	p, err := r.Catalog.Version(procedure, version)
	if err != nil {
		return motcua.SignatureBlock{}, nil, err
	}
	units, err := r.units(ctx)
	if err != nil {
		return motcua.SignatureBlock{}, nil, err
	}
	var name, parent string
	for _, u := range units {
		if u.Code == p.DecidingUnit {
			name = u.Name
			if i := slices.IndexFunc(units, func(x store.UnitRow) bool { return x.Code == u.ParentCode }); i >= 0 {
				parent = units[i].Name
			}
		}
	}
	if name == "" {
		return motcua.SignatureBlock{}, nil, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy đơn vị %s có thẩm quyền ký.", p.DecidingUnit)
	}
	b := p.Signature(name, parent)
	all, err := r.signatories(ctx, p.DecidingUnit)
	if err != nil {
		return b, nil, err
	}
	var holders []store.Signatory
	for _, s := range all {
		if motcua.SameTitle(s.Title, b.SignerTitle) {
			holders = append(holders, s)
		}
	}
	return b, holders, nil
}

// Candidate is one person who may sign a result at a time, and the block they sign
// under.
type Candidate struct {
	Signatory store.Signatory
	Block     motcua.SignatureBlock
}

// Candidates lists who may sign a result of the procedure version at t, given the
// delegations in force (store.Delegations): each holder of the authority, or the
// delegate of a delegation of theirs that covers the procedure on t's day in Vietnam.
func (r Resolver) Candidates(ctx context.Context, procedure string, version int, delegations []motcua.Delegation, t time.Time) ([]Candidate, error) {
	def, holders, err := r.Default(ctx, procedure, version)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(holders))
	for _, h := range holders {
		ids = append(ids, h.ID)
	}
	var out []Candidate
	for id, delegation := range motcua.Signers(ids, delegations, procedure, t) {
		b := def
		var sg store.Signatory
		if delegation == 0 {
			sg = holders[slices.IndexFunc(holders, func(h store.Signatory) bool { return h.ID == id })]
		} else {
			i := slices.IndexFunc(delegations, func(d motcua.Delegation) bool { return d.ID == delegation })
			if sg, err = r.Store.Signatory(ctx, id); err != nil {
				continue // the delegate is no longer an active leader: the delegation cannot be used
			}
			b.Form, b.SignerTitle, b.DelegationID = delegations[i].Kind, strings.ToUpper(sg.Title), delegation
		}
		b.SignerID, b.SignerName = sg.ID, sg.Name
		out = append(out, Candidate{Signatory: sg, Block: b})
	}
	slices.SortFunc(out, func(a, b Candidate) int { return int(a.Signatory.ID - b.Signatory.ID) })
	return out, nil
}

// For returns the block under which userID may sign a result of the procedure version
// at t, or an EFORBIDDEN error naming who may.
func (r Resolver) For(ctx context.Context, userID int64, procedure string, version int, t time.Time) (motcua.SignatureBlock, error) {
	dels, err := r.Store.Delegations(ctx, true, t)
	if err != nil {
		return motcua.SignatureBlock{}, err
	}
	cs, err := r.Candidates(ctx, procedure, version, dels, t)
	if err != nil {
		return motcua.SignatureBlock{}, err
	}
	var names []string
	for _, c := range cs {
		if c.Signatory.ID == userID {
			return c.Block, nil
		}
		names = append(names, c.Signatory.Name+" ("+strings.Join(c.Block.Lines(), " / ")+")")
	}
	if len(names) == 0 {
		return motcua.SignatureBlock{}, motcua.Errorf(motcua.EFORBIDDEN,
			"Chưa có người có thẩm quyền ký kết quả thủ tục %s vào ngày %s.", procedure, motcua.Day(t).Format("02/01/2006"))
	}
	return motcua.SignatureBlock{}, &motcua.Error{Code: motcua.EFORBIDDEN,
		Message: fmt.Sprintf("Bạn không có thẩm quyền ký kết quả này vào ngày %s. Người ký: %s.",
			motcua.Day(t).Format("02/01/2006"), strings.Join(names, "; "))}
}
