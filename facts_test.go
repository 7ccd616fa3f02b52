package motcua

import (
	"strings"
	"testing"
)

// TestAwaitedAgenciesHoldTheStep: while an agency outside the ministry has not replied,
// the step neither moves on nor goes to signing, and the refusal names the agency; a
// step that only consults outside agencies still offers the consultation.
func TestAwaitedAgenciesHoldTheStep(t *testing.T) {
	base := Facts{Status: StatusInReview, StepIndex: 2, Step: StepAppraise, CanConsult: true}
	cases := []struct {
		name     string
		next     StepAction
		decision string
		awaiting []string
		ok       bool
	}{
		{"complete, nobody awaited", StepReview, DecideCompleteStep, nil, true},
		{"complete, an agency awaited", StepReview, DecideCompleteStep, []string{"000.00.00.T01"}, false},
		{"signing, nobody awaited", StepDecide, DecideSubmitForSigning, nil, true},
		{"signing, an agency awaited", StepDecide, DecideSubmitForSigning, []string{"000.00.00.T01"}, false},
		{"consult again while waiting", StepReview, DecideConsult, []string{"000.00.00.T01"}, true},
		{"send back while waiting", StepReview, DecideSendBack, []string{"000.00.00.T01"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base
			f.Next, f.AwaitingAgencies = c.next, c.awaiting
			err := f.Possible(c.decision)
			if (err == nil) != c.ok {
				t.Fatalf("Possible(%s) = %v, want ok %v", c.decision, err, c.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "000.00.00.T01") {
				t.Fatalf("the refusal does not name the agency: %v", err)
			}
		})
	}
}
