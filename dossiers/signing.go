package dossiers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"motcua"
	"motcua/internal/authority"
	"motcua/internal/store"
)

// This file routes results to whoever may sign them today (internal/authority) and keeps
// the delegation records an administrator manages.

func (s *Service) authority() authority.Resolver {
	return authority.Resolver{Store: s.Store, Catalog: s.Catalog}
}

// SigningQueue lists the dossiers awaiting a's signature today (Vietnam time): those
// whose procedure's deciding unit a holds the signing authority of, unless a delegation
// of theirs hands it to someone else today, and those a delegation in force hands to a.
// After a delegation ends, its dossiers are back in the delegator's queue.
func (s *Service) SigningQueue(ctx context.Context, a motcua.Actor) ([]store.QueueItem, error) {
	out := []store.QueueItem{}
	if !a.Has(motcua.RoleLeader) {
		return out, nil
	}
	now := s.Now()
	procs, err := s.Store.AwaitingProcedures(ctx)
	if err != nil {
		return nil, err
	}
	dels, err := s.Store.Delegations(ctx, true, now)
	if err != nil {
		return nil, err
	}
	// Who signs is decided per procedure version: find the versions a signs today, then
	// ask only for their dossiers.
	mine := map[store.ProcedureVersion]motcua.SignatureBlock{}
	var of []store.ProcedureVersion
	// The units and the leaders are read once for all the versions (most share their
	// deciding unit): two queries for each version made most of the queue's time at
	// 1,000,000 dossiers (docs/PERFORMANCE.md).
	auth := s.authority().Snapshot()
	for _, k := range procs {
		cs, err := auth.Candidates(ctx, k.Code, k.Version, dels, now)
		if err != nil {
			return nil, fmt.Errorf("signers of %s@v%d: %w", k.Code, k.Version, err)
		}
		if i := slices.IndexFunc(cs, func(c authority.Candidate) bool { return c.Signatory.ID == a.UserID }); i >= 0 {
			mine[k] = cs[i].Block
			of = append(of, k)
		}
	}
	items, err := s.Store.AwaitingSignature(ctx, of, 200)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		b := mine[store.ProcedureVersion{Code: it.ProcedureCode, Version: it.ProcedureVersion}]
		it.SignAs = strings.Join(b.Lines(), " / ")
		out = append(out, it)
	}
	return out, nil
}

// signature is the block under which a may sign the dossier's result now, or why not.
func (s *Service) signature(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (*motcua.SignatureBlock, error) {
	acc, err := s.Store.DossierAccess(ctx, code)
	if err != nil {
		return nil, err
	}
	if acc.Status != motcua.StatusAwaitingSignature {
		return nil, nil // the workflow answers what is wrong with the state
	}
	b, err := s.authority().For(ctx, a.UserID, acc.Procedure, acc.Version, s.Now())
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// Delegations lists the delegation records (all of them, or those not ended or revoked
// by today), for the administrator.
func (s *Service) Delegations(ctx context.Context, a motcua.Actor, inForce bool) ([]motcua.Delegation, error) {
	if err := motcua.Authorize(a, motcua.PermAdminister, motcua.Scope{}); err != nil {
		return nil, err
	}
	return s.Store.Delegations(ctx, inForce, s.Now())
}

// CreateDelegation records a delegation after checking it: a kind, procedures, days and
// a document (motcua.Delegation.Check); procedures of the catalog; a delegator who
// holds each procedure's signing authority (a delegate cannot pass it on); and a
// delegate who is a leader of the deciding unit or a unit below it (where the dossier's
// workflow lets a leader sign).
func (s *Service) CreateDelegation(ctx context.Context, a motcua.Actor, d motcua.Delegation) (motcua.Delegation, error) {
	if err := motcua.Authorize(a, motcua.PermAdminister, motcua.Scope{}); err != nil {
		return d, err
	}
	if err := d.Check(); err != nil {
		return d, err
	}
	delegate, err := s.Store.Signatory(ctx, d.DelegateID)
	if err != nil {
		return d, &motcua.Error{Code: motcua.EINVALID, Field: "delegateId", Message: "Người được ủy quyền phải là lãnh đạo đang làm việc."}
	}
	units, err := s.Store.Units(ctx)
	if err != nil {
		return d, err
	}
	for _, code := range d.Procedures {
		p, err := s.Catalog.Procedure(code)
		if err != nil {
			return d, &motcua.Error{Code: motcua.EINVALID, Field: "procedures", Message: "Không có thủ tục mã " + code + "."}
		}
		_, holders, err := s.authority().Default(ctx, p.Code, p.Version)
		if err != nil {
			return d, err
		}
		if !slices.ContainsFunc(holders, func(h store.Signatory) bool { return h.ID == d.DelegatorID }) {
			return d, &motcua.Error{Code: motcua.EINVALID, Field: "delegatorId",
				Message: "Người ủy quyền không giữ thẩm quyền ký kết quả thủ tục " + code + " (người được ủy quyền không được ủy quyền lại)."}
		}
		i := slices.IndexFunc(units, func(u store.UnitRow) bool { return u.Code == p.DecidingUnit })
		if i < 0 || !strings.HasPrefix(delegate.UnitPath, units[i].Path) {
			return d, &motcua.Error{Code: motcua.EINVALID, Field: "delegateId",
				Message: "Người được ủy quyền phải thuộc đơn vị có thẩm quyền giải quyết thủ tục " + code + "."}
		}
	}
	return s.Store.CreateDelegation(ctx, a.UserID, d)
}

// RevokeDelegation ends a delegation now.
func (s *Service) RevokeDelegation(ctx context.Context, a motcua.Actor, id int64) error {
	if err := motcua.Authorize(a, motcua.PermAdminister, motcua.Scope{}); err != nil {
		return err
	}
	return s.Store.RevokeDelegation(ctx, a.UserID, id, s.Now())
}
