package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua/activities"
)

// acts refers to the activities by method, so that names are checked by the compiler.
var acts *activities.Activities

// HousekeepingInput configures the housekeeping loop.
type HousekeepingInput struct {
	Every     time.Duration // between purges (default 1 h)
	KeepFor   time.Duration // how long ended sessions and old idempotency keys are kept (default 7 days)
	Rounds    int           // purges before continuing as new (default 24)
	Completed int           // purges done by earlier runs, for the logs
}

// Housekeeping purges ended sessions and old idempotency keys at a steady pace, for
// ever: it continues as new after a number of rounds so its history stays short.
func Housekeeping(ctx workflow.Context, in HousekeepingInput) error {
	if in.Every <= 0 {
		in.Every = time.Hour
	}
	if in.KeepFor <= 0 {
		in.KeepFor = 7 * 24 * time.Hour
	}
	if in.Rounds <= 0 {
		in.Rounds = 24
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	log := workflow.GetLogger(ctx)
	for i := 0; i < in.Rounds; i++ {
		var res activities.PurgeResult
		if err := workflow.ExecuteActivity(ctx, acts.PurgeExpired, activities.PurgeInput{OlderThan: in.KeepFor}).Get(ctx, &res); err != nil {
			// A failed round is not a reason to stop housekeeping: try again next round.
			log.Warn("housekeeping round failed", "round", in.Completed+i, "error", err)
		}
		if err := workflow.Sleep(ctx, in.Every); err != nil {
			return err
		}
	}
	in.Completed += in.Rounds
	return workflow.NewContinueAsNewError(ctx, Housekeeping, in)
}
