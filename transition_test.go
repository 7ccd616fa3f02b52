package motcua_test

import (
	"testing"

	"motcua"
)

func TestEveryDecisionHasOneRowWithKnownStatuses(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range motcua.Decisions {
		if seen[r.Decision] {
			t.Errorf("%s has two rows", r.Decision)
		}
		seen[r.Decision] = true
		if len(r.From) == 0 {
			t.Errorf("%s is allowed from no status", r.Decision)
		}
		for _, s := range append(append([]motcua.Status{}, r.From...), r.Next, r.NextAtIntake) {
			if s != "" && !s.Valid() {
				t.Errorf("%s names the unknown status %q", r.Decision, s)
			}
		}
		for _, s := range r.From {
			if s.Final() {
				t.Errorf("%s is allowed from the final status %s", r.Decision, s)
			}
		}
		if r.Who != motcua.TheApplicant && r.Who != motcua.AtHolderStepRole && len(r.Roles) == 0 {
			t.Errorf("%s: nobody may take it", r.Decision)
		}
	}
	for _, d := range []string{motcua.DecideReceive, motcua.DecideRefuse, motcua.DecideRequestSupplement, motcua.DecideSupplement,
		motcua.DecideWithdraw, motcua.DecideCompleteStep, motcua.DecideConsult, motcua.DecideAnswerConsult, motcua.DecideSendBack,
		motcua.DecideRecall, motcua.DecideSubmitForSigning, motcua.DecideSign, motcua.DecideReturnForRework, motcua.DecideIssue,
		motcua.DecideReturnResult, motcua.DecideStop, motcua.DecideApologize} {
		if !seen[d] {
			t.Errorf("%s has no row", d)
		}
	}
}

func TestMayDecideByStatusRoleAndHolderUnit(t *testing.T) {
	clerkVP := motcua.Actor{UserID: 1, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/VP/"}
	clerkTC := motcua.Actor{UserID: 2, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TCPCP/"}
	leaderTC := motcua.Actor{UserID: 3, Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/TCPCP/"}
	minister := motcua.Actor{UserID: 4, Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	clerical := motcua.Actor{UserID: 5, Roles: []motcua.Role{motcua.RoleClerical}, UnitPath: "/G09/VP/"}
	desk := motcua.Holder{UnitPath: "/G09/VP/", StepRole: motcua.RoleClerk}
	appraise := motcua.Holder{UnitPath: "/G09/TCPCP/", StepRole: motcua.RoleClerk}
	review := motcua.Holder{UnitPath: "/G09/TCPCP/", StepRole: motcua.RoleLeader}
	sign := motcua.Holder{UnitPath: "/G09/", StepRole: motcua.RoleLeader}
	issue := motcua.Holder{UnitPath: "/G09/VP/", StepRole: motcua.RoleClerical}
	for _, tc := range []struct {
		decision string
		status   motcua.Status
		a        motcua.Actor
		h        motcua.Holder
		want     string // "" allowed, else the error code
	}{
		{motcua.DecideReceive, motcua.StatusSubmitted, clerkVP, desk, ""},
		{motcua.DecideReceive, motcua.StatusSubmitted, clerkTC, desk, motcua.EFORBIDDEN},  // another unit
		{motcua.DecideReceive, motcua.StatusSubmitted, minister, desk, motcua.EFORBIDDEN}, // a leader does not receive
		{motcua.DecideReceive, motcua.StatusInReview, clerkVP, desk, motcua.ECONFLICT},
		{motcua.DecideCompleteStep, motcua.StatusInReview, clerkTC, appraise, ""},
		{motcua.DecideCompleteStep, motcua.StatusInReview, clerkTC, review, motcua.EFORBIDDEN}, // the leader's step
		{motcua.DecideCompleteStep, motcua.StatusInReview, leaderTC, review, ""},
		{motcua.DecideStop, motcua.StatusInReview, clerkTC, review, ""},
		{motcua.DecideStop, motcua.StatusInReview, leaderTC, review, ""},
		{motcua.DecideStop, motcua.StatusInReview, leaderTC, appraise, motcua.EFORBIDDEN}, // a clerk's step: the clerk stops
		{motcua.DecideAnswerConsult, motcua.StatusInReview, clerkVP, appraise, ""},        // any unit; the workflow narrows it
		{motcua.DecideRecall, motcua.StatusAwaitingSignature, leaderTC, sign, ""},
		{motcua.DecideRecall, motcua.StatusAwaitingSignature, clerical, sign, motcua.EFORBIDDEN},
		{motcua.DecideSign, motcua.StatusAwaitingSignature, minister, sign, ""},
		{motcua.DecideSign, motcua.StatusAwaitingSignature, leaderTC, sign, motcua.EFORBIDDEN}, // below the holder unit
		{motcua.DecideIssue, motcua.StatusSigned, clerical, issue, ""},
		{motcua.DecideIssue, motcua.StatusSigned, clerkVP, issue, motcua.EFORBIDDEN},
		{motcua.DecideApologize, motcua.StatusSupplementRequested, clerkTC, appraise, motcua.ECONFLICT},
		{"approve", motcua.StatusInReview, clerkTC, appraise, motcua.EINVALID},
	} {
		err := motcua.MayDecide(tc.decision, tc.status, tc.a, tc.h)
		if got := motcua.ErrorCode(err); (err == nil) != (tc.want == "") || err != nil && got != tc.want {
			t.Errorf("%s in %s by %d at %s: %v, want %q", tc.decision, tc.status, tc.a.UserID, tc.h.UnitPath, err, tc.want)
		}
	}
}

func TestNextStatusOfARefusalDependsOnReceipt(t *testing.T) {
	r, _ := motcua.RuleOf(motcua.DecideRefuse)
	if got := r.NextStatus(motcua.StatusSubmitted, false); got != motcua.StatusRefused {
		t.Errorf("refused at the desk: %s", got)
	}
	if got := r.NextStatus(motcua.StatusInReview, true); got != motcua.StatusRejected {
		t.Errorf("refused in review: %s", got)
	}
	a, _ := motcua.RuleOf(motcua.DecideApologize)
	if got := a.NextStatus(motcua.StatusSigned, true); got != motcua.StatusSigned {
		t.Errorf("an apology moved the dossier to %s", got)
	}
}
