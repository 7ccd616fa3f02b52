package activities

import (
	"context"
	"fmt"
	"math"
	"time"

	"go.temporal.io/sdk/temporal"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
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
	plan := Plan{ProcedureName: p.Name, TimeLimitMinutes: minutes(p.TimeLimit.For(in.Online), p.TimeLimit.Unit),
		SupplementPolicy: PolicyPause}
	if p.Supplement.Policy == PolicyRestart {
		plan.SupplementPolicy = PolicyRestart
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
			BudgetMinutes: minutes(s.BudgetFor(in.Online), p.TimeLimit.Unit)}
		for _, c := range s.Consult {
			cu, err := unit(c)
			if err != nil {
				return Plan{}, err
			}
			ps.Consult = append(ps.Consult, cu)
		}
		if s.Action == ActionIssue {
			plan.ClericalUnit = u
		}
		plan.Steps = append(plan.Steps, ps)
	}
	return plan, nil
}

// ComputeDue counts working time on the calendar.
func (a *Activities) ComputeDue(ctx context.Context, in DueInput) (DueResult, error) {
	start := in.From
	if in.AfterCutOff {
		start = a.Time.Start(in.From)
	}
	if in.Span.Calendar > 0 {
		return DueResult{Start: start, Due: start.Add(in.Span.Calendar)}, nil
	}
	return DueResult{Start: start, Due: a.Time.Due(start, in.Span.WorkingMinutes, in.Paused)}, nil
}

// RecordTransition writes a transition; a retry of one already written writes nothing.
func (a *Activities) RecordTransition(ctx context.Context, t Transition) error {
	d, err := a.Store.DossierByCode(ctx, t.Code)
	if err != nil {
		return nonRetryable(err)
	}
	st := store.Transition{DossierID: d.ID, Seq: t.Seq, Action: t.Action, Status: t.Status, ActorID: t.ActorID,
		Note: t.Note, Data: t.Data, At: t.At, HolderUnitCode: t.HolderUnit, Step: t.Step, DueAt: t.DueAt,
		DueOriginal: t.DueOriginal, ApologyGiven: t.ApologyGiven, SupplementCount: t.SupplementCount,
		ReceivedAt: t.ReceivedAt, FinishedAt: t.FinishedAt, CloseTasks: t.CloseTasks, CloseTasksOf: t.CloseTasksOf,
		FinishHandover: t.FinishHandover, AttachFiles: t.AttachFiles}
	if t.UnitCode != "" {
		u, err := a.Store.UnitByCode(ctx, t.UnitCode)
		if err != nil {
			return nonRetryable(err)
		}
		st.UnitID = u.ID
	}
	if t.OpenTask != nil {
		st.OpenTask = &store.TaskSpec{Step: t.OpenTask.Step, UnitCode: t.OpenTask.UnitCode, DueAt: t.OpenTask.DueAt,
			BudgetMinutes: t.OpenTask.BudgetMinutes}
	}
	if t.Handover != nil {
		st.Handover = &store.HandoverSpec{Step: t.Handover.Step, FromUnitCode: t.Handover.FromUnitCode,
			FromUserID: t.Handover.FromUserID, ToUnitCode: t.Handover.ToUnitCode,
			BudgetMinutes: t.Handover.BudgetMinutes, DueAt: t.Handover.DueAt}
	}
	if _, err := a.Store.RecordTransition(ctx, st); err != nil {
		return nonRetryable(fmt.Errorf("record %s/%d %s: %w", t.Code, t.Seq, t.Action, err))
	}
	return nil
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
