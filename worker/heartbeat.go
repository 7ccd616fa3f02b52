package worker

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// Heartbeats is the worker interceptor that heartbeats every activity with a heartbeat
// timeout while it runs, three times per timeout. A heartbeat says the worker is alive,
// not that the activity progresses: an activity lost with a killed worker stops
// heartbeating and Temporal retries it elsewhere after the heartbeat timeout (seconds)
// instead of its start-to-close timeout; an activity that is slow but alive (render,
// sign, seal and time-stamp a result, mail, archive) keeps its attempt. One place, so
// that no activity is cut off for lack of a heartbeat call in its steps.
type Heartbeats struct {
	interceptor.WorkerInterceptorBase
}

// InterceptActivity implements interceptor.WorkerInterceptor.
func (*Heartbeats) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &heartbeating{}
	i.Next = next
	return i
}

type heartbeating struct {
	interceptor.ActivityInboundInterceptorBase
}

func (h *heartbeating) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	info := activity.GetInfo(ctx)
	if info.IsLocalActivity || info.HeartbeatTimeout <= 0 {
		return h.Next.ExecuteActivity(ctx, in)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(info.HeartbeatTimeout / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	defer func() {
		close(stop)
		<-done
	}()
	return h.Next.ExecuteActivity(ctx, in)
}
