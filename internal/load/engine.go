package load

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"motcua"
)

// What -bare runs, on the deployment's own Temporal server but on a task queue of its
// own that only the load tool's in-process worker polls, and only while it runs.
//
// Why not the deployment's worker: a workflow type registered there is one more thing
// the production worker carries and that anyone holding the namespace could start on
// the dossiers' task queue; here nothing of it exists in a deployment, the API starts
// nothing but dossiers, and only someone who has the Temporal frontend's address (an
// operator: -temporal) can start these workflows at all. What is compared is the
// engine, the same server and persistence in both; the activities run in the load
// tool's process instead of the worker's, which on one machine shares the same cores.
const (
	// BenchQueue is the task queue of the bare and floor workflows.
	BenchQueue = "motcua-load-bench"
	// BareWorkflowName runs the twin's updates with no-op activities; FloorWorkflowName
	// the same updates with none (the engine's floor).
	BareWorkflowName  = "motcua.load.Bare"
	FloorWorkflowName = "motcua.load.Floor"
	// SubmitUpdate is the dossier workflow's first update (Update-With-Start), which
	// the API waits on until the submission is recorded.
	SubmitUpdate = "submit"
)

// Engine is how the load tool reaches the deployment's Temporal server, for -bare and
// perDossier. Client is dialled by the caller with the operator's address.
type Engine struct {
	Client client.Client
	// Bare runs the bare and the floor workflows after the path.
	Bare bool
}

// PerDossier is what one finished dossier's history holds (read through the Temporal
// client): the cost of a dossier to the engine.
type PerDossier struct {
	Code            string         `json:"code"`
	Activities      int            `json:"activities"` // ActivityTaskScheduled
	Events          int            `json:"events"`
	LocalActivities int            `json:"localActivities"` // MarkerRecorded of a local activity
	Markers         int            `json:"markers"`         // other markers (workflow.GetVersion)
	Updates         int            `json:"updates"`         // WorkflowExecutionUpdateAccepted
	Timers          int            `json:"timers"`          // TimerStarted
	WorkflowTasks   int            `json:"workflowTasks"`   // WorkflowTaskCompleted
	ByActivity      map[string]int `json:"byActivity"`
	// Shape lays out the bare twin: the activities and local activities run before the
	// submit update completes, then under each decision's update.
	Shape Shape `json:"shape"`
}

// Shape is a workflow's updates and the activities each runs, in order.
type Shape struct {
	Start   Segment   `json:"start"`
	Updates []Segment `json:"updates"`
}

// Segment is one update of the twin (Name), or the start, and what it runs.
type Segment struct {
	Name            string `json:"name,omitempty"`
	Activities      int    `json:"activities"`
	LocalActivities int    `json:"localActivities"`
}

// Twin is the rate of the bare or the floor workflow, driven like the path.
type Twin struct {
	Rate      float64            `json:"rate"` // finished workflows per second
	Workflows int                `json:"workflows"`
	Failed    int                `json:"failed"`
	Seconds   float64            `json:"seconds"`
	P50       map[string]float64 `json:"p50"` // per update ("submit" is Update-With-Start)
	P99       map[string]float64 `json:"p99"`
	Load      float64            `json:"load"` // load average when it ended
	Errors    []string           `json:"errors,omitempty"`
}

// ReadPerDossier waits for the dossier's workflow to end and counts its history.
func ReadPerDossier(ctx context.Context, c client.Client, code motcua.DossierCode) (PerDossier, error) {
	id := code.WorkflowID()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		return PerDossier{}, fmt.Errorf("wait for %s: %w", id, err)
	}
	pd := PerDossier{Code: string(code), ByActivity: map[string]int{}}
	seg := &pd.Shape.Start
	var open []int // indices in Shape.Updates of decisions accepted, not completed
	byID := map[string]int{}
	current := func() *Segment {
		if len(open) > 0 {
			return &pd.Shape.Updates[open[len(open)-1]]
		}
		return seg
	}
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return PerDossier{}, fmt.Errorf("history of %s: %w", id, err)
		}
		pd.Events++
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			pd.Activities++
			pd.ByActivity[e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()]++
			current().Activities++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() != "LocalActivity" {
				pd.Markers++ // a version marker
				break
			}
			pd.LocalActivities++
			current().LocalActivities++
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			pd.Timers++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			pd.WorkflowTasks++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			pd.Updates++
			req := e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest()
			if name := req.GetInput().GetName(); name != SubmitUpdate {
				byID[req.GetMeta().GetUpdateId()] = len(pd.Shape.Updates)
				open = append(open, len(pd.Shape.Updates))
				pd.Shape.Updates = append(pd.Shape.Updates, Segment{Name: name})
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			if i, ok := byID[e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetMeta().GetUpdateId()]; ok {
				open = slices.DeleteFunc(open, func(j int) bool { return j == i })
			}
		}
	}
	if pd.Updates == 0 {
		return PerDossier{}, fmt.Errorf("history of %s holds no update: not a dossier's workflow", id)
	}
	return pd, nil
}

// benchActivities do nothing: what is left is the engine's own cost.
type benchActivities struct{}

// Noop does nothing.
func (*benchActivities) Noop(context.Context, int) error { return nil }

// benchWorkflow has a dossier's shape: Update-With-Start on "submit", which waits for
// the start's activities, then one decision update after another, each running its
// local activities and activities; no state, no timers, no I/O. The floor workflow
// runs the same function with every count zero.
func benchWorkflow(ctx workflow.Context, in Shape) error {
	var acts *benchActivities
	run := func(ctx workflow.Context, s Segment) error {
		// An update handler's context does not inherit the workflow function's options.
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
		for i := range s.LocalActivities {
			if err := workflow.ExecuteLocalActivity(lctx, acts.Noop, i).Get(ctx, nil); err != nil {
				return err
			}
		}
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
		for i := range s.Activities {
			if err := workflow.ExecuteActivity(actx, acts.Noop, i).Get(ctx, nil); err != nil {
				return err
			}
		}
		return nil
	}
	started, next := false, 0
	if err := workflow.SetUpdateHandler(ctx, SubmitUpdate, func(ctx workflow.Context) error {
		return workflow.Await(ctx, func() bool { return started })
	}); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, u := range in.Updates { // a slice, so registration order is deterministic
		if seen[u.Name] {
			continue
		}
		seen[u.Name] = true
		name := u.Name
		err := workflow.SetUpdateHandlerWithOptions(ctx, name, func(ctx workflow.Context, i int) error {
			defer func() { next++ }()
			return run(ctx, in.Updates[i])
		}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, i int) error {
			if i != next || i >= len(in.Updates) || in.Updates[i].Name != name {
				return errors.New("update out of order")
			}
			return nil
		}})
		if err != nil {
			return err
		}
	}
	if err := run(ctx, in.Start); err != nil {
		return err
	}
	started = true
	return workflow.Await(ctx, func() bool { return next == len(in.Updates) && workflow.AllHandlersFinished(ctx) })
}

// floorOf is the shape with its updates and no activity.
func floorOf(s Shape) Shape {
	f := Shape{Updates: make([]Segment, len(s.Updates))}
	for i, u := range s.Updates {
		f.Updates[i] = Segment{Name: u.Name}
	}
	return f
}

// startBenchWorker polls BenchQueue in this process until stopped.
func startBenchWorker(c client.Client) (stop func(), err error) {
	w := sdkworker.New(c, BenchQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(benchWorkflow, workflow.RegisterOptions{Name: BareWorkflowName})
	w.RegisterWorkflowWithOptions(benchWorkflow, workflow.RegisterOptions{Name: FloorWorkflowName})
	w.RegisterActivity(&benchActivities{})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start the bench worker on %s: %w", BenchQueue, err)
	}
	return w.Stop, nil
}

// runTwin starts n workflows of the named type and shape, c at once, each with
// Update-With-Start and its updates one after another, each awaited, as the API does
// for a dossier; it stops at the bound.
func runTwin(ctx context.Context, cl client.Client, name, runID string, shape Shape, n, c int, bound time.Duration) Twin {
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	var mu sync.Mutex
	times := map[string][]time.Duration{}
	var errs []string
	var next, done, failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id := fmt.Sprintf("motcua-load/%s/%s/%d", runID, strings.TrimPrefix(name, "motcua.load."), i)
				if err := driveTwin(ctx, cl, id, name, shape, func(call string, d time.Duration) {
					mu.Lock()
					times[call] = append(times[call], d)
					mu.Unlock()
				}); err != nil {
					failed.Add(1)
					mu.Lock()
					if len(errs) < 10 {
						errs = append(errs, err.Error())
					}
					mu.Unlock()
					continue
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	t := Twin{Workflows: int(done.Load()), Failed: int(failed.Load()), Seconds: el.Seconds(),
		P50: map[string]float64{}, P99: map[string]float64{}, Load: loadAverage(), Errors: errs}
	if unstarted := n - t.Workflows - t.Failed; unstarted > 0 {
		t.Errors = append(t.Errors, fmt.Sprintf("%d workflows not finished when the bound of %s passed", unstarted, bound))
	}
	if el > 0 {
		t.Rate = float64(t.Workflows) / el.Seconds()
	}
	for call, ds := range times {
		t.P50[call], t.P99[call] = quantile(ds, 0.50), quantile(ds, 0.99)
	}
	return t
}

// startWithUpdate starts (or joins) the workflow name on the bench queue as o says,
// with arg, together with its first update, and waits for the update's outcome.
func startWithUpdate(ctx context.Context, c client.Client, o client.StartWorkflowOptions, name string, arg any, update string) error {
	o.TaskQueue = BenchQueue
	o.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	o.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: c.NewWithStartWorkflowOperation(o, name, arg),
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: update, UpdateID: update,
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return err
}

func driveTwin(ctx context.Context, c client.Client, id, name string, shape Shape, took func(string, time.Duration)) error {
	start := time.Now()
	err := startWithUpdate(ctx, c, client.StartWorkflowOptions{ID: id,
		WorkflowExecutionTimeout: 10 * time.Minute, // nothing of a run outlives it long
	}, name, shape, SubmitUpdate)
	if err != nil {
		return fmt.Errorf("%s: submit: %w", id, err)
	}
	took(SubmitUpdate, time.Since(start))
	for i, u := range shape.Updates {
		start := time.Now()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: u.Name, Args: []any{i},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", id, u.Name, err)
		}
		took(u.Name, time.Since(start))
	}
	return nil
}
