package activities

import (
	"context"
	"fmt"
	"math"
	"time"

	"go.temporal.io/sdk/temporal"

	"motcua"
	"motcua/forms"
)

// nonRetryable marks an error no retry can fix (bad input, a missing record, a wrong
// PIN), carrying the motcua code as its type so the workflow and the API can read it.
func nonRetryable(err error) error {
	if err == nil {
		return nil
	}
	code := motcua.ErrorCode(err)
	if code == motcua.EINTERNAL || code == motcua.EUNAVAILABLE {
		return err
	}
	return temporal.NewApplicationErrorWithOptions(motcua.ErrorMessage(err), code,
		temporal.ApplicationErrorOptions{NonRetryable: true, Cause: err})
}

// LoadPlan reads the procedure version's plan from the catalog, with the units' scope
// paths from PostgreSQL.
func (a *Activities) LoadPlan(ctx context.Context, in PlanInput) (Plan, error) {
	p, err := a.Catalog.Version(in.ProcedureCode, in.ProcedureVersion)
	if err != nil {
		return Plan{}, nonRetryable(err)
	}
	unit := func(code string) (Unit, error) {
		u, err := a.Store.UnitByCode(ctx, code)
		if err != nil {
			return Unit{}, nonRetryable(fmt.Errorf("plan of %s v%d: %w", in.ProcedureCode, in.ProcedureVersion, err))
		}
		return Unit{Code: u.Code, Path: u.Path}, nil
	}
	minutes := func(v float64, u forms.TimeUnit) int {
		if u == forms.WorkingHours {
			return int(math.Round(v * 60))
		}
		return int(math.Round(v * MinutesPerDay))
	}
	channel := motcua.ChannelOf(in.Channel, in.Online)
	plan := Plan{ProcedureName: p.Name, TimeLimitMinutes: minutes(p.TimeLimit.ForChannel(channel), p.TimeLimit.Unit),
		SupplementPolicy: motcua.SupplementPause}
	if p.Supplement.Policy == motcua.SupplementRestart {
		plan.SupplementPolicy = motcua.SupplementRestart
	}
	switch dl := p.Supplement.ApplicantDeadline; dl.Unit {
	case forms.WorkingDays, forms.WorkingHours:
		plan.ApplicantDeadline = Span{WorkingMinutes: minutes(dl.Value, dl.Unit)}
	default: // calendar days
		plan.ApplicantDeadline = Span{Calendar: time.Duration(dl.Value*24) * time.Hour}
	}
	if plan.ApplicantDeadline == (Span{}) {
		plan.ApplicantDeadline = Span{Calendar: 30 * 24 * time.Hour}
	}
	if plan.ReceivingUnit, err = unit(p.ReceivingUnit); err != nil {
		return Plan{}, err
	}
	if plan.DecidingUnit, err = unit(p.DecidingUnit); err != nil {
		return Plan{}, err
	}
	agency, err := a.Store.UnitByCode(ctx, p.ReceivingUnit)
	if err != nil {
		return Plan{}, nonRetryable(err)
	}
	plan.AgencyCode = agency.Agency
	for _, s := range p.Steps {
		u, err := unit(s.Unit)
		if err != nil {
			return Plan{}, err
		}
		ps := PlanStep{ID: s.ID, Name: s.Name, Unit: u, Role: s.Role, Action: s.Action,
			BudgetMinutes: minutes(s.BudgetForChannel(channel), p.TimeLimit.Unit)}
		for _, c := range s.Consult {
			cu, err := unit(c)
			if err != nil {
				return Plan{}, err
			}
			ps.Consult = append(ps.Consult, cu)
		}
		for _, ag := range s.ConsultExternal {
			ps.ConsultExternal = append(ps.ConsultExternal, Agency{OrganID: ag.OrganID, Name: ag.Name})
		}
		if s.Action == motcua.StepIssue {
			plan.ClericalUnit = u
		}
		plan.Steps = append(plan.Steps, ps)
	}
	return plan, nil
}

// ComputeDue counts working time on the calendar. Version 1 of the dossier workflow
// asks it once per date; later versions call ComputeDates as a local activity.
func (a *Activities) ComputeDue(ctx context.Context, in DueInput) (DueResult, error) {
	return a.due(in), nil
}

// ComputeDates counts every date a transition needs in one call. The calendar is a
// pure function of its data, so the workflow runs it as a local activity: no round
// trip through the server, one marker in the history.
func (a *Activities) ComputeDates(ctx context.Context, in DatesInput) (DatesResult, error) {
	out := DatesResult{Due: make([]DueResult, len(in.Due))}
	for i, d := range in.Due {
		out.Due[i] = a.due(d)
	}
	return out, nil
}

func (a *Activities) due(in DueInput) DueResult {
	start := in.From
	if in.AfterCutOff {
		start = a.Time.Start(in.From)
	}
	if in.Span.Calendar > 0 {
		return DueResult{Start: start, Due: start.Add(in.Span.Calendar)}
	}
	return DueResult{Start: start, Due: a.Time.Due(start, in.Span.WorkingMinutes, in.Paused)}
}

// RecordTransition writes a transition; a retry of one already written writes nothing.
// Version 1 of the dossier workflow calls it once per transition; later versions call
// RecordChange.
func (a *Activities) RecordTransition(ctx context.Context, t motcua.Transition) error {
	if _, err := a.Store.RecordTransition(ctx, t); err != nil {
		return nonRetryable(fmt.Errorf("record %s: %w", t, err))
	}
	return nil
}

// RecordChange writes one decision: its notice, its transitions in one transaction,
// then its notifications. A retry finds the notice stored, the transitions written
// and the notifications queued, and adds nothing.
func (a *Activities) RecordChange(ctx context.Context, c Change) (ChangeResult, error) {
	var out ChangeResult
	if c.Notice != nil {
		ref, err := a.RenderNotice(ctx, *c.Notice)
		if err != nil {
			return ChangeResult{}, err
		}
		out.Notice = ref
	}
	if len(c.Transitions) > 0 {
		if _, err := a.Store.RecordTransitions(ctx, c.Transitions); err != nil {
			return ChangeResult{}, nonRetryable(fmt.Errorf("record change of %s: %w", c.Code, err))
		}
	}
	for _, n := range c.Notify {
		if err := a.Notify(ctx, n); err != nil {
			return ChangeResult{}, err
		}
	}
	return out, nil
}

// SubmissionInput names the submission to record.
type SubmissionInput struct {
	Code motcua.DossierCode
}

// RecordSubmission turns the submission the API kept into the dossier's records (its
// form data never travels through Temporal). It is the workflow's first activity: the
// API answers the citizen only once it has run. Recording again writes nothing.
func (a *Activities) RecordSubmission(ctx context.Context, in SubmissionInput) error {
	if _, err := a.Store.RecordSubmission(ctx, in.Code); err != nil {
		return nonRetryable(fmt.Errorf("record submission %s: %w", in.Code, err))
	}
	return nil
}
