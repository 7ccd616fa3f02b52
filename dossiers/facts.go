package dossiers

import (
	"slices"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// handOversForward are the history's events that hand a dossier on to a later step, and
// handOversBack those that hand it back; the last of either names who may recall it.
var (
	handOversForward = []motcua.EventKind{motcua.EventTransfer, motcua.EventCompleteStep,
		motcua.EventSubmitForSigning, motcua.EventSign, motcua.EventReady}
	handOversBack = []motcua.EventKind{motcua.EventSendBack, motcua.EventRecall, motcua.EventReturnForRework}
)

// factsOf reads from the records where a dossier stands, as the domain's decision rules
// read it: the same facts the dossier's workflow knows from its state, so that a page
// offers what the workflow's validators accept, without asking the workflow.
func factsOf(v store.DossierView, p *forms.Procedure) motcua.Facts {
	f := motcua.Facts{Status: v.Status, Holder: motcua.Holder{UnitPath: v.HolderUnitPath}, Consulting: v.Consulting,
		AwaitingAgencies: v.AwaitingAgencies, Apologized: v.ApologyGiven}
	if p != nil {
		if i := slices.IndexFunc(p.Steps, func(s forms.Step) bool { return s.ID == v.Step }); i >= 0 {
			st := p.Steps[i]
			f.StepIndex, f.Step, f.Holder.StepRole, f.CanConsult = i, st.Action, st.Role, len(st.Consult) > 0 || len(st.ConsultExternal) > 0
			if i+1 < len(p.Steps) {
				f.Next = p.Steps[i+1].Action
			}
		}
	}
	// The last hand-over: who made it, which way, and whether the step it reached has
	// decided anything since (a recall is no decision of that step).
	for i := len(v.Events) - 1; i >= 0; i-- {
		e := v.Events[i]
		fwd, back := slices.Contains(handOversForward, e.Action), slices.Contains(handOversBack, e.Action)
		if !fwd && !back {
			continue
		}
		f.HandedBy, f.HandedForward = e.ActorID, fwd
		for _, later := range v.Events[i+1:] {
			if r, ok := motcua.RuleOf(string(later.Action)); ok && r.Who != motcua.TheApplicant && later.Action != motcua.EventRecall {
				f.Acted = true
			}
		}
		break
	}
	return f
}
