package worker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"log/slog"

	"motcua/activities"
	"motcua/internal/stacktest"
	"motcua/worker"
	"motcua/workflows"
)

// TestALostActivityIsRetriedAfterItsHeartbeatTimeout is the killed worker of issue 11.
// A second worker (a "zombie" with its own connection) takes the receipt's activity
// and dies with it: it never reports and never heartbeats. The stack's worker starts
// again; the dossier proceeds once Temporal gives up on the lost attempt. The history
// shows why: the activity's second attempt started after a heartbeat timeout, not
// after the 30 s start-to-close timeout.
func TestALostActivityIsRetriedAfterItsHeartbeatTimeout(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{UpdateTimeout: 90 * time.Second})
	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	code := stacktest.Submit(s.Login("congdan1"), p).Code
	clerk := s.Login("canbo1")
	s.StopWorker()

	// The zombie: the real workflows and activities, except that the change a decision
	// records hangs, as in a worker killed mid-activity.
	zc, err := client.Dial(client.Options{HostPort: s.App.Config.TemporalAddress, Namespace: s.App.Config.TemporalNamespace,
		DataConverter: s.Codec.DataConverter(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { close(release) })
	zw := sdkworker.New(zc, workflows.TaskQueue, sdkworker.Options{})
	worker.RegisterWorkflows(zw)
	zw.RegisterActivity(s.Acts)
	zw.RegisterActivityWithOptions(func(ctx context.Context, c activities.Change) (activities.ChangeResult, error) {
		if c.Notice == nil {
			// The decision's rows (a local activity, in the click): written. What hangs
			// is the receipt, made after the click (dossier-async-notices).
			return s.Acts.RecordChange(ctx, c)
		}
		once.Do(func() { close(started) })
		<-release // dead: neither answers nor heartbeats, whatever its context says
		return activities.ChangeResult{}, context.Canceled
	}, activity.RegisterOptions{Name: "RecordChange", DisableAlreadyRegisteredCheck: true})
	if err := zw.Start(); err != nil {
		t.Fatal(err)
	}

	answered := make(chan stacktest.Response, 1)
	go func() {
		answered <- clerk.Request("POST", "/api/v1/dossiers/"+string(code)+"/actions", map[string]any{"action": "receive"}, nil)
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		t.Fatal("the zombie never took the receipt's activity")
	}
	// The zombie dies: it stops polling, its connection closes, its activity is lost.
	go zw.Stop()
	zc.Close()
	s.StartWorker()

	var r stacktest.Response
	select {
	case r = <-answered:
	case <-time.After(100 * time.Second):
		t.Fatal("the decision never completed")
	}
	if r.Status != 200 {
		t.Fatalf("receive after the lost activity: %d %s", r.Status, r.Body)
	}
	s.Settle(code) // the receipt, retried by the new worker

	// The history: the RecordChange that completed is its second attempt, started
	// after the first one's heartbeat timed out.
	ctx := context.Background()
	it := s.Temporal.GetWorkflowHistory(ctx, workflows.DossierID(code), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	scheduled := map[int64]string{}
	var retried *historypb.ActivityTaskStartedEventAttributes
	var at, done time.Time
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[e.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] == "RecordChange" && a.GetAttempt() > 1 {
			retried, at = a, e.GetEventTime().AsTime()
		}
		if a := e.GetActivityTaskCompletedEventAttributes(); a != nil && retried != nil && a.GetStartedEventId() > 0 && done.IsZero() {
			done = e.GetEventTime().AsTime()
		}
	}
	if retried == nil {
		t.Fatal("no retried RecordChange in the history")
	}
	if retried.GetAttempt() != 2 {
		t.Errorf("RecordChange completed at attempt %d, want 2", retried.GetAttempt())
	}
	tf := retried.GetLastFailure().GetTimeoutFailureInfo()
	if tf == nil || tf.GetTimeoutType() != enumspb.TIMEOUT_TYPE_HEARTBEAT {
		t.Errorf("the lost attempt ended by %v, want a heartbeat timeout (last failure %v)", tf.GetTimeoutType(), retried.GetLastFailure())
	}
	t.Logf("second attempt started at %s, completed %s later", at.Format(time.RFC3339Nano), done.Sub(at))
}
