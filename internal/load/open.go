package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// What -open starts: workflows that stay open on the deployment's Temporal server,
// each holding one timer, as a dossier waiting at a step holds the timer of its next
// SLA date (reminder, warning or due time: one at a time, the earliest). They run on
// BenchQueue, so the deployment's worker never sees them: the load tool's own worker
// runs their first workflow task (which starts the timer) and then leaves; what stays
// is the server's part of an open workflow (its mutable state, history and timer in
// PostgreSQL). A dossier's own part in the worker (its cached state) is measured with
// real dossiers: the path with -stop-after (docs/PERFORMANCE.md, "Scale up").
const (
	// HoldWorkflowName holds one timer of its input's length, then ends.
	HoldWorkflowName = "motcua.load.Hold"
	// HeldUpdate completes once the hold's timer is started (Update-With-Start: the
	// start is answered when the timer is in the server's persistence).
	HeldUpdate = "held"
	// holdMargin: past its timer, a hold workflow is closed by the server's run
	// timeout even when no worker polls BenchQueue any more (the load tool has left).
	holdMargin = time.Hour
)

// OpenConfig says how many hold workflows to start.
type OpenConfig struct {
	N, C int
	// Hold is each workflow's timer; 0 makes workflows that close at once (closed
	// workflows, to show what does not grow with them).
	Hold     time.Duration
	Duration time.Duration // bound of the run (default 1 hour)
	Progress io.Writer     // a progress line, rewritten in place (nil: none)
	// Run names the run in the workflow IDs (motcua-load/RUN/Hold/i); default the time.
	Run string
}

// Open is what -open did.
type Open struct {
	Run       string             `json:"run"`       // the workflow IDs are motcua-load/RUN/Hold/0 … N-1
	Workflows int                `json:"workflows"` // started and holding their timer (closed, with hold 0)
	Failed    int                `json:"failed"`
	Seconds   float64            `json:"seconds"`
	Rate      float64            `json:"rate"` // workflows a second
	Hold      string             `json:"hold"`
	P50       map[string]float64 `json:"p50"` // ms of the Update-With-Start ("held")
	P99       map[string]float64 `json:"p99"`
	Load      float64            `json:"load"`
	LoadStart float64            `json:"loadStart"`
	Errors    []string           `json:"errors,omitempty"`
}

// holdWorkflow starts one timer of length hold and waits for it; with hold 0 it ends
// at once.
func holdWorkflow(ctx workflow.Context, hold time.Duration) error {
	held := false
	if err := workflow.SetUpdateHandler(ctx, HeldUpdate, func(ctx workflow.Context) error {
		return workflow.Await(ctx, func() bool { return held })
	}); err != nil {
		return err
	}
	if hold <= 0 {
		held = true
		return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	}
	timer := workflow.NewTimer(ctx, hold)
	held = true
	return timer.Get(ctx, nil)
}

// OpenWorkflows starts cfg.N hold workflows on BenchQueue, cfg.C at once, each with
// Update-With-Start on HeldUpdate (answered once its timer is set), with the load
// tool's own worker running their first tasks; it returns when all are held or the
// bound passed.
func OpenWorkflows(ctx context.Context, c client.Client, cfg OpenConfig) (Open, error) {
	if cfg.N <= 0 || cfg.C <= 0 {
		return Open{}, errors.New("-open wants N > 0 workflows, C > 0 at once")
	}
	if cfg.Duration <= 0 {
		cfg.Duration = time.Hour
	}
	if cfg.Run == "" {
		cfg.Run = time.Now().UTC().Format("20060102T150405.000")
	}
	w := sdkworker.New(c, BenchQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(holdWorkflow, workflow.RegisterOptions{Name: HoldWorkflowName})
	if err := w.Start(); err != nil {
		return Open{}, fmt.Errorf("start the bench worker on %s: %w", BenchQueue, err)
	}
	defer w.Stop()

	o := Open{Run: cfg.Run, Hold: cfg.Hold.String(), LoadStart: loadAverage(), P50: map[string]float64{}, P99: map[string]float64{}}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var mu sync.Mutex
	var times []time.Duration
	var next, done, failed atomic.Int64
	start := time.Now()
	stop := progressLine(cfg.Progress, "workflows open", cfg.N, start, &done, &failed)
	var wg sync.WaitGroup
	for range cfg.C {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= cfg.N {
					return
				}
				t0 := time.Now()
				err := startHold(ctx, c, fmt.Sprintf("motcua-load/%s/Hold/%d", cfg.Run, i), cfg.Hold)
				mu.Lock()
				if err != nil {
					failed.Add(1)
					if len(o.Errors) < 10 {
						o.Errors = append(o.Errors, err.Error())
					}
				} else {
					done.Add(1)
					times = append(times, time.Since(t0))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	stop()
	el := time.Since(start)
	o.Workflows, o.Failed, o.Seconds = int(done.Load()), int(failed.Load()), el.Seconds()
	if unstarted := cfg.N - o.Workflows - o.Failed; unstarted > 0 {
		o.Errors = append(o.Errors, fmt.Sprintf("%d workflows not started when the bound of %s passed", unstarted, cfg.Duration))
	}
	if el > 0 {
		o.Rate = float64(o.Workflows) / el.Seconds()
	}
	if len(times) > 0 {
		o.P50[HeldUpdate], o.P99[HeldUpdate] = quantile(times, 0.50), quantile(times, 0.99)
	}
	o.Load = loadAverage()
	return o, nil
}

func startHold(ctx context.Context, c client.Client, id string, hold time.Duration) error {
	err := startWithUpdate(ctx, c, client.StartWorkflowOptions{ID: id,
		WorkflowRunTimeout: hold + holdMargin, // closed by the server if no worker is left to end it
	}, HoldWorkflowName, hold, HeldUpdate)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	return nil
}

// progressLine rewrites "done/n what" on w every second until stopped.
func progressLine(w io.Writer, what string, n int, start time.Time, done, failed *atomic.Int64) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	line := func() {
		el := time.Since(start).Seconds()
		d := done.Load()
		fmt.Fprintf(w, "\r%d/%d %s, %d failed, %.0f s, %.1f/s   ", d, n, what, failed.Load(), el, float64(d)/max(el, 1e-9))
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				line()
				fmt.Fprintln(w)
				return
			case <-t.C:
				line()
			}
		}
	}()
	return func() { close(quit); <-finished }
}
