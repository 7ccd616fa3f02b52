package dossiers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"motcua"
)

// TestWhatTemporalAnswersIsMappedToTheTruth: the workflow's refusals keep their codes; a
// frontend that cannot serve (unreachable, too slow, or unable to read its namespace
// while its database is down, as the fault suite found) is an outage, not an internal
// error; an update whose answer did not come says its outcome is unknown.
func TestWhatTemporalAnswersIsMappedToTheTruth(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		update bool
		want   string
	}{
		{"a refusal", temporal.NewApplicationError("Không được.", motcua.ECONFLICT), false, motcua.ECONFLICT},
		{"frontend unreachable", serviceerror.NewUnavailable("connection refused"), false, motcua.EUNAVAILABLE},
		{"frontend too slow", serviceerror.NewDeadlineExceeded("late"), false, motcua.EUNAVAILABLE},
		{"namespace unreadable while its database is down",
			fmt.Errorf("failed workflow start: %w", serviceerror.NewNamespaceNotFound("default")), false, motcua.EUNAVAILABLE},
		{"no such workflow", serviceerror.NewNotFound("workflow not found"), false, motcua.ENOTFOUND},
		{"an update's answer did not come", context.DeadlineExceeded, true, motcua.EUNKNOWNOUTCOME},
		{"an update that never reached the frontend", fmt.Errorf("%w: %w", context.DeadlineExceeded,
			serviceerror.NewUnavailable("dial tcp: connection refused")), true, motcua.EUNAVAILABLE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got error
			if tc.update {
				got = updateError(context.Background(), tc.err)
			} else {
				got = workflowError(tc.err)
			}
			var e *motcua.Error
			if !errors.As(got, &e) || e.Code != tc.want {
				t.Errorf("%v mapped to %v, want code %s", tc.err, got, tc.want)
			}
		})
	}
}
