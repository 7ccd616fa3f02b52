package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

const (
	// benchWorkers is how many citizens, clerks and leaders act at the same time.
	benchWorkers = 8
	// benchProcedure is the procedure of the dossiers driven: six steps, no consultation
	// (desk, unit clerk, unit leader, minister's leader signs, clerical office, desk).
	benchProcedure = "G09.TCPCP.01"
	// benchLoad is how many dossiers Latency100k loads before it measures.
	benchLoad = 100_000

	bareQueue        = "motcua-bench-bare"
	bareWorkflowName = "BareDossierWorkflow"
)

// BenchmarkLifecycle is the lifecycle's benchmark (acceptance point 7 of the lifecycle
// issue). Run it with
//
//	go test ./api/ -run XXX -bench BenchmarkLifecycle -benchtime 100x -timeout 30m
//
// (MOTCUA_BENCH_LOAD=5000 loads fewer dossiers, to try the benchmark itself quickly;
// MOTCUA_BENCH_PROCEDURE drives another procedure.)
//
// Its sub-benchmarks share one stack (one PostgreSQL database, one Temporal server):
//
//   - DossierPath: dossiers of benchProcedure taken over HTTP through the whole path
//     (uploads, submission, receipt, review, signature, numbering and seal, return,
//     archive) by benchWorkers simulated people at once; dossiers/s and the latency of
//     every call.
//   - BareWorkflow: a workflow that runs as many no-op activities and takes as many
//     updates as one real dossier's history holds, driven through the Temporal client at
//     the same concurrency; workflows/s, and the path's rate as a share of it.
//   - Latency100k: with benchLoad realistic dossiers bulk-loaded, the latency of the
//     inbox (desk clerk, reviewer, leader), the signing queue, the statistics, and of a
//     submission and a receipt.
//
// Nothing here asserts on time; docs/PERFORMANCE.md records the figures.
func BenchmarkLifecycle(b *testing.B) {
	s := stacktest.Start(b)
	code := benchProcedure
	if v := os.Getenv("MOTCUA_BENCH_PROCEDURE"); v != "" {
		code = v
	}
	p, err := s.Catalog.Procedure(code)
	if err != nil {
		b.Fatal(err)
	}
	d := newPathDriver(b, s, p)

	// One dossier first: it warms the stack up, and its history says how many activities
	// and updates the bare workflow must have.
	first, err := d.dossier(nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Temporal.GetWorkflow(ctx, workflows.DossierID(first), "").Get(ctx, nil); err != nil {
		b.Fatalf("%s: %v", first, err)
	}
	shape, err := historyShape(ctx, s.Temporal, workflows.DossierID(first))
	if err != nil {
		b.Fatal(err)
	}

	w := sdkworker.New(s.Temporal, bareQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(bareWorkflow, workflow.RegisterOptions{Name: bareWorkflowName})
	w.RegisterActivity(&bareActivities{})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Stop)

	var pathRate, bareRate float64
	var pathN int
	b.Run("DossierPath", func(b *testing.B) {
		lat := newLatencies()
		b.ResetTimer()
		start := time.Now()
		err := runPool(b.N, benchWorkers, func(int) error {
			_, err := d.dossier(lat)
			return err
		})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		pathRate, pathN = float64(b.N)/elapsed.Seconds(), b.N
		b.ReportMetric(pathRate, "dossiers/s")
		lat.report(b)
	})
	var round atomic.Int64
	logged := false
	b.Run("BareWorkflow", func(b *testing.B) {
		lat := newLatencies()
		r := round.Add(1)
		b.ResetTimer()
		start := time.Now()
		err := runPool(b.N, benchWorkers, func(i int) error {
			return runBare(ctx, s.Temporal, fmt.Sprintf("bench-bare/%d/%d", r, i), shape.Bare, lat)
		})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		bareRate = float64(b.N) / elapsed.Seconds()
		b.ReportMetric(bareRate, "workflows/s")
		b.ReportMetric(float64(shape.Activities), "activities/wf")
		b.ReportMetric(float64(shape.Updates), "updates/wf")
		lat.report(b)
		// A sub-benchmark's log is printed; its parent's is not.
		if !logged {
			logged = true
			b.Logf("one %s dossier's history: %d events, %d activities scheduled, %d updates accepted (submit included), %d timers started",
				p.Code, shape.Events, shape.Activities, shape.Updates, shape.Timers)
			b.Logf("its activities: %v", shape.ActivityTypes)
			b.Logf("bare workflow: %d activities before the submit update completes, then %v", shape.Bare.Start, shape.Bare.Updates)
		}
		// Compared only at the same count: the first, one-iteration round of each is a
		// warm-up the testing package runs.
		if pathN == b.N {
			b.ReportMetric(100*pathRate/bareRate, "path-pct-of-bare")
			b.Logf("path %.2f dossiers/s, bare %.2f workflows/s: the path runs at %.0f%% of the bare rate (target: 70%%)",
				pathRate, bareRate, 100*pathRate/bareRate)
		}
	})

	loaded := false
	b.Run("Latency100k", func(b *testing.B) {
		if !loaded {
			n := benchLoad
			if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_LOAD")); err == nil && v > 0 {
				n = v // a quick try of the benchmark itself
			}
			start := time.Now()
			sum, err := loadDossiers(ctx, s, n, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			loaded = true
			b.Logf("loaded %s in %s", sum, time.Since(start).Round(time.Second))
		}
		reads := []struct{ name, user, path string }{
			{"inbox-clerk", "canbo1", "/api/v1/inbox"},             // the desk (VP)
			{"inbox-reviewer", "chuyenvien1", "/api/v1/inbox"},     // a reviewing unit (TCPCP)
			{"inbox-leader", "lanhdao1", "/api/v1/inbox"},          // the ministry: every unit
			{"signing-queue", "lanhdao1", "/api/v1/signing-queue"}, // every unit
			{"stats", "lanhdao1", "/api/v1/stats"},                 // this month, every unit
		}
		lat := newLatencies()
		b.ResetTimer()
		for range b.N {
			for range 5 {
				for _, r := range reads {
					status, body, took, err := d.call("GET", r.path, r.user, nil, nil)
					if err != nil || status != 200 {
						b.Fatalf("%s as %s: %d %s %v", r.path, r.user, status, body, err)
					}
					lat.add(r.name, took)
				}
			}
			code, err := d.submit(lat)
			if err != nil {
				b.Fatal(err)
			}
			status, body, took, err := d.call("POST", "/api/v1/dossiers/"+string(code)+"/actions", "canbo1",
				map[string]any{"action": workflows.UpdateReceive}, nil)
			if err != nil || status != 200 {
				b.Fatalf("receive %s: %d %s %v", code, status, body, err)
			}
			lat.add("receive", took)
		}
		b.StopTimer()
		lat.report(b)
	})
}

// pathDriver takes dossiers through the path over HTTP as the demo users. It is safe
// for concurrent use and reports failures as errors: it runs on goroutines where
// stacktest's helpers (which stop the test) must not be called.
type pathDriver struct {
	s        *stacktest.Stack
	p        *forms.Procedure
	http     *http.Client
	tokens   map[string]string // username → bearer token
	template []byte            // the catalog's valid sample of p, as JSON
}

func newPathDriver(b *testing.B, s *stacktest.Stack, p *forms.Procedure) *pathDriver {
	b.Helper()
	d := &pathDriver{s: s, p: p, tokens: map[string]string{},
		http: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for _, u := range append(slices.Collect(maps.Values(stacktest.Staff)), stacktest.ApplicantFor(p)) {
		if _, ok := d.tokens[u]; !ok {
			d.tokens[u] = s.As(u).Token
		}
	}
	var err error
	d.template, err = formstest.Valid(p.Code, p.Version, s.Now())
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// call sends a request as user, decodes a 2xx answer into out and says how long the
// round trip took.
func (d *pathDriver) call(method, path, user string, body, out any) (int, []byte, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, d.s.URL+path, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return d.send(req, user, out)
}

func (d *pathDriver) send(req *http.Request, user string, out any) (int, []byte, time.Duration, error) {
	req.Header.Set("Authorization", "Bearer "+d.tokens[user])
	start := time.Now()
	resp, err := d.http.Do(req)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, b, took, fmt.Errorf("%s %s: decode: %w", req.Method, req.URL.Path, err)
		}
	}
	return resp.StatusCode, b, took, nil
}

// upload stores a file as the citizen and returns its ID.
func (d *pathDriver) upload(name string, data []byte) (string, time.Duration, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", d.s.URL+"/api/v1/files", &buf)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var f struct {
		ID string `json:"id"`
	}
	status, body, took, err := d.send(req, stacktest.ApplicantFor(d.p), &f)
	if err == nil && status != 201 {
		err = fmt.Errorf("upload %s: %d %s", name, status, body)
	}
	return f.ID, took, err
}

// form is the sample form with freshly uploaded files in its file fields, as
// stacktest.SampleForm makes it.
func (d *pathDriver) form(lat *latencies) (map[string]any, error) {
	var data map[string]any
	if err := json.Unmarshal(d.template, &data); err != nil {
		return nil, err
	}
	err := stacktest.AttachSampleFiles(d.p, data, func(name string, content []byte) (string, error) {
		id, took, err := d.upload(name, content)
		if err == nil {
			lat.add("upload", took)
		}
		return id, err
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// submit uploads the attachments and submits a dossier as the citizen.
func (d *pathDriver) submit(lat *latencies) (motcua.DossierCode, error) {
	data, err := d.form(lat)
	if err != nil {
		return "", err
	}
	var sub stacktest.Submitted
	status, body, took, err := d.call("POST", "/api/v1/dossiers", stacktest.ApplicantFor(d.p), map[string]any{"procedure": d.p.Code, "formData": data}, &sub)
	if err == nil && status != 201 {
		err = fmt.Errorf("submit: %d %s", status, body)
	}
	if err != nil {
		return "", err
	}
	lat.add("submit", took)
	return sub.Code, nil
}

// dossier takes one dossier from submission to archive. The simulated clerks and
// leaders decide as stacktest's Drive does, from the state each decision answers with
// (what the staff pages show), without asking the workflow in between.
func (d *pathDriver) dossier(lat *latencies) (motcua.DossierCode, error) {
	code, err := d.submit(lat)
	if err != nil {
		return "", err
	}
	st := workflows.State{Code: code, Status: motcua.StatusSubmitted, Step: d.p.Steps[0].ID}
	consulted := false
	for range 40 {
		user, body, done, err := stacktest.NextDecision(d.p, st, consulted)
		if err != nil {
			return code, fmt.Errorf("%s: %w", code, err)
		}
		if done {
			return code, nil
		}
		if body["action"] == workflows.UpdateConsult {
			consulted = true
		}
		var next workflows.State
		status, raw, took, err := d.call("POST", "/api/v1/dossiers/"+string(code)+"/actions", user, body, &next)
		if err == nil && status != 200 {
			err = fmt.Errorf("%s: %s as %s at %s (%s): %d %s", code, body["action"], user, st.Step, st.Status, status, raw)
		}
		if err != nil {
			return code, err
		}
		lat.add(body["action"].(string), took)
		st = next
	}
	return code, fmt.Errorf("%s: did not finish", code)
}

// runPool calls fn(0) … fn(n-1) on workers goroutines and returns the first error; after
// one, no new call starts.
func runPool(n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var failed atomic.Bool
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// latencies collects the duration of calls by name.
type latencies struct {
	mu sync.Mutex
	m  map[string][]time.Duration
}

func newLatencies() *latencies { return &latencies{m: map[string][]time.Duration{}} }

func (l *latencies) add(name string, d time.Duration) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.m[name] = append(l.m[name], d)
	l.mu.Unlock()
}

// report reports the 50th and 99th percentiles of every call, in milliseconds.
func (l *latencies) report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	names := make([]string, 0, len(l.m))
	for name := range l.m {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ds := l.m[name]
		slices.Sort(ds)
		b.ReportMetric(ms(percentile(ds, 50)), name+"-p50-ms")
		b.ReportMetric(ms(percentile(ds, 99)), name+"-p99-ms")
	}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// historyCounts is what one workflow's history holds.
type historyCounts struct {
	Events, Activities, Updates, Timers int
	ActivityTypes                       map[string]int
	Bare                                bareInput
}

// historyShape counts the activities, updates and timers of a closed workflow's
// history, and lays out a bare workflow with the same activities under the same updates:
// an activity scheduled while a decision's update is in progress belongs to it, any
// other (the submission's records, which the submit update waits for) to the start.
func historyShape(ctx context.Context, c client.Client, id string) (historyCounts, error) {
	h := historyCounts{ActivityTypes: map[string]int{}}
	var open []int // indices in h.Bare.Updates of updates accepted, not completed
	byID := map[string]int{}
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return h, fmt.Errorf("history of %s: %w", id, err)
		}
		h.Events++
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			h.Activities++
			h.ActivityTypes[e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()]++
			if len(open) > 0 {
				h.Bare.Updates[open[len(open)-1]].Activities++
			} else {
				h.Bare.Start++
			}
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			h.Timers++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			h.Updates++
			req := e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest()
			if name := req.GetInput().GetName(); name != workflows.UpdateSubmit {
				byID[req.GetMeta().GetUpdateId()] = len(h.Bare.Updates)
				open = append(open, len(h.Bare.Updates))
				h.Bare.Updates = append(h.Bare.Updates, bareUpdate{Name: name})
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			if i, ok := byID[e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetMeta().GetUpdateId()]; ok {
				open = slices.DeleteFunc(open, func(j int) bool { return j == i })
			}
		}
	}
	if h.Updates == 0 || h.Activities == 0 {
		return h, fmt.Errorf("history of %s: %d updates, %d activities", id, h.Updates, h.Activities)
	}
	return h, nil
}

// bareInput lays out the bare workflow: Start activities, which the "submit" update
// waits for, then one update after another, each running its activities.
type bareInput struct {
	Start   int
	Updates []bareUpdate
}

type bareUpdate struct {
	Name       string
	Activities int
}

// bareActivities do nothing: what is left is Temporal's own cost.
type bareActivities struct{}

// BareNoop does nothing.
func (*bareActivities) BareNoop(context.Context, int) error { return nil }

// bareWorkflow has the shape of a dossier's workflow (Update-With-Start on "submit",
// then one decision update after another, each running activities) and does nothing
// else: no state, no timers, no I/O in its activities.
func bareWorkflow(ctx workflow.Context, in bareInput) error {
	var acts *bareActivities
	run := func(ctx workflow.Context, n int) error {
		// An update handler's context does not inherit the workflow function's options.
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
		for i := range n {
			if err := workflow.ExecuteActivity(ctx, acts.BareNoop, i).Get(ctx, nil); err != nil {
				return err
			}
		}
		return nil
	}
	started, next := false, 0
	if err := workflow.SetUpdateHandler(ctx, workflows.UpdateSubmit, func(ctx workflow.Context) error {
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
			return run(ctx, in.Updates[i].Activities)
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

// runBare starts a bare workflow with Update-With-Start and sends its updates one after
// another, each waited for, as the API does for a dossier.
func runBare(ctx context.Context, c client.Client, id string, in bareInput, lat *latencies) error {
	start := time.Now()
	op := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                bareQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, bareWorkflowName, in)
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSubmit, UpdateID: workflows.UpdateSubmit,
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("%s: submit: %w", id, err)
	}
	lat.add("submit", time.Since(start))
	for i, u := range in.Updates {
		start := time.Now()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: u.Name, Args: []any{i},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", id, u.Name, err)
		}
		lat.add(u.Name, time.Since(start))
	}
	return nil
}
