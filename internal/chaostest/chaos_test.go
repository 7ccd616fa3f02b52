//go:build chaos

package chaostest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/store"
)

// config is the suite's knobs, from the environment (the Makefile passes them).
type config struct {
	N           int           // CHAOS_N: dossiers driven
	Concurrency int           // CHAOS_CONCURRENCY: dossiers in flight at most
	Citizens    int           // CHAOS_CITIZENS: citizens who submit, in turn
	Think       time.Duration // CHAOS_THINK: mean pause before a decision
	Rounds      int           // CHAOS_ROUNDS: times the fault list runs
	Faults      []fault       // CHAOS_FAULTS: comma-separated names
	Procedure   string        // CHAOS_PROCEDURE: the procedure of the dossiers
	Freeze      time.Duration // CHAOS_FREEZE: how long the process stays frozen
	PGStop      time.Duration // CHAOS_PG_STOP: how long PostgreSQL stays stopped
	Recovery    time.Duration // CHAOS_RECOVERY: bound on a fault's recovery
	Settle      time.Duration // CHAOS_SETTLE: bound on a dossier's end after the faults
	Strict      bool          // CHAOS_STRICT: interim answers fail too
}

func readConfig(t *testing.T) config {
	t.Helper()
	num := func(k string, def int) int {
		if v := os.Getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a positive number", k, v)
			}
			return n
		}
		return def
	}
	dur := func(k string, def time.Duration) time.Duration {
		if v := os.Getenv(k); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				t.Fatalf("%s=%q: want a duration such as 20s", k, v)
			}
			return d
		}
		return def
	}
	c := config{N: num("CHAOS_N", 40), Concurrency: num("CHAOS_CONCURRENCY", 32),
		Think: dur("CHAOS_THINK", 2*time.Second), Citizens: num("CHAOS_CITIZENS", 10), Rounds: num("CHAOS_ROUNDS", 1),
		Procedure: os.Getenv("CHAOS_PROCEDURE"), Freeze: dur("CHAOS_FREEZE", 30*time.Second),
		PGStop: dur("CHAOS_PG_STOP", 20*time.Second), Recovery: dur("CHAOS_RECOVERY", 2*time.Minute),
		Settle: dur("CHAOS_SETTLE", 3*time.Minute), Strict: os.Getenv("CHAOS_STRICT") == "1"}
	if c.Procedure == "" {
		// Six steps, no consultation: desk, unit clerk, unit leader, the minister's
		// leader signs, the clerical office numbers and seals, the desk returns.
		c.Procedure = "G09.TCPCP.01"
	}
	names := os.Getenv("CHAOS_FAULTS")
	if names == "" {
		names = "kill,pg-fast,pg-immediate,pg-stop,freeze,worker"
	}
	for _, n := range strings.Split(names, ",") {
		f, err := faultNamed(strings.TrimSpace(n))
		if err != nil {
			t.Fatal(err)
		}
		c.Faults = append(c.Faults, f)
	}
	return c
}

// faultResult is what one fault did and how long the system took to recover.
type faultResult struct {
	fault                 fault
	start, end            time.Time
	inFlight              int           // dossiers being driven when it ended
	firstOK, allProgress  time.Duration // from its end to the first 2xx; to every dossier in flight moving again
	recovered, progressed bool
	window                window
}

// TestChaos drives dossiers over HTTP against `motcua run` and a second worker while
// faults hit them, then checks that nothing was lost, duplicated or left stuck, that
// each outage was answered as allowedDuringOutage says, and that the audit chain holds.
func TestChaos(t *testing.T) {
	cfg := readConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	dir, err := os.MkdirTemp("", "motcua-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	// The private cluster runs as the postgres user when the suite runs as root.
	_ = os.Chmod(dir, 0o755)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs and data kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	logFile, err := os.Create(filepath.Join(dir, "suite.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, nil))

	begun := time.Now()
	bin, err := buildBinary(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s in %s", bin, time.Since(begun).Round(time.Second))
	sys, err := startSystem(ctx, dir, bin, log)
	if sys != nil {
		t.Cleanup(sys.stop)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("motcua run at %s, a second worker, PostgreSQL private at %s; ready in %s",
		sys.base, sys.pg.URL(), time.Since(begun).Round(time.Second))

	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Procedure(cfg.Procedure)
	if err != nil {
		t.Fatal(err)
	}
	template, err := formstest.Valid(p.Code, p.Version, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	runID := fmt.Sprintf("chaos-%d", time.Now().Unix())
	d := &driver{base: sys.base, rec: rec, p: p, template: template, run: runID, think: cfg.Think, tokens: map[string]string{},
		http: &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}

	// A process that dies by itself fails the suite; it is started again so that the
	// checks still run.
	monitorCtx, stopMonitor := context.WithCancel(ctx)
	var unasked []string
	var unaskedMu sync.Mutex
	go monitor(monitorCtx, sys, func(what string) {
		unaskedMu.Lock()
		unasked = append(unasked, fmt.Sprintf("%s at %s", what, time.Now().Format("15:04:05")))
		unaskedMu.Unlock()
	})

	probeCtx, stopProbe := context.WithCancel(ctx)
	go d.probe(probeCtx)

	// The load: submissions spread over the faults' expected span, at most
	// cfg.Concurrency dossiers in flight; after the last fault the rest start at once.
	var estimate time.Duration
	for _, f := range cfg.Faults {
		estimate += f.estimate
	}
	estimate *= time.Duration(cfg.Rounds)
	interval := estimate / time.Duration(cfg.N)
	xs := make([]*dossier, cfg.N)
	cancels := make([]context.CancelFunc, cfg.N)
	citizens, err := createCitizens(ctx, sys.dbURL, cfg.Citizens, cfg.Procedure)
	if err != nil {
		t.Fatal(err)
	}
	for i := range xs {
		xs[i] = &dossier{key: fmt.Sprintf("%s-%04d", runID, i), citizen: citizens[i%len(citizens)]}
	}
	faultsDone := make(chan struct{})
	launched := make(chan struct{})
	var wg sync.WaitGroup
	sem := make(chan struct{}, cfg.Concurrency)
	loadStart := time.Now()
	go func() {
		defer close(launched)
		for i, x := range xs {
			select {
			case <-time.After(time.Until(loadStart.Add(time.Duration(i) * interval))):
			case <-faultsDone:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			dctx, cancel := context.WithCancel(ctx)
			x.step(func() { x.started = time.Now() })
			cancels[i] = cancel
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				err := d.drive(dctx, x)
				x.step(func() {
					x.err = err
					if err == nil && x.finished.IsZero() {
						x.finished = time.Now()
					}
				})
			}()
		}
	}()

	// The faults, one after another, each while dossiers are in flight.
	var results []faultResult
	for round := range cfg.Rounds {
		for _, f := range cfg.Faults {
			waitFor(ctx, time.Minute, func() bool { return countInFlight(xs, time.Now()) > 0 })
			sleep(ctx, 2*time.Second)
			r := faultResult{fault: f, start: time.Now()}
			end, err := f.inject(ctx, sys, cfg)
			r.end = end
			if err != nil {
				t.Errorf("fault %s (round %d): %v", f.name, round+1, err)
			}
			r.measure(ctx, rec, xs, cfg.Recovery)
			results = append(results, r)
			t.Logf("fault %-12s lasted %5.1fs; %2d dossiers in flight; first 2xx after %s; all moving after %s",
				f.name, r.end.Sub(r.start).Seconds(), r.inFlight, since(r.firstOK, r.recovered), since(r.allProgress, r.progressed))
		}
	}
	close(faultsDone)
	faultsEnd := time.Now()
	<-launched

	// Every dossier must end within cfg.Settle of the later of its start and the
	// faults' end; one that does not is stuck.
	var stuck []string
	for {
		open := 0
		for i, x := range xs {
			x.mu.Lock()
			started, ended := x.started, !x.finished.IsZero() || x.err != nil
			x.mu.Unlock()
			if ended || started.IsZero() {
				continue
			}
			open++
			if time.Now().After(later(started, faultsEnd).Add(cfg.Settle)) {
				stuck = append(stuck, x.key)
				cancels[i]()
			}
		}
		if open == 0 || ctx.Err() != nil {
			break
		}
		sleep(ctx, time.Second)
	}
	wg.Wait()
	stopProbe()
	stopMonitor()
	elapsed := time.Since(loadStart)

	// The records, read from PostgreSQL.
	check := checkRecords(ctx, t, sys.dbURL, xs)

	// The answers.
	windows := make([]window, len(results))
	for i, r := range results {
		windows[i] = r.window
	}
	answers := rec.all()
	var wrongs []string
	interims := map[string]int{}
	kinds := map[string]int{}
	for _, a := range answers {
		v, where := judge(a, windows)
		switch v {
		case wrong:
			wrongs = append(wrongs, fmt.Sprintf("%s %s %s (%s, %s): %s %s", a.Start.Format("15:04:05.000"), a.Method, a.Path, a.Op, where, a.kind(), a.Body))
		case interim:
			interims[fmt.Sprintf("%s during %s: %s", a.Op, where, a.kind())]++
		}
		if !a.ok() {
			kinds[a.kind()]++
		}
	}

	// The report.
	var b strings.Builder
	fmt.Fprintf(&b, "\nmotcua fault suite: %d dossiers of %s, %d faults, %d requests, %s of load\n",
		cfg.N, p.Code, len(results), len(answers), elapsed.Round(time.Second))
	fmt.Fprintf(&b, "%-13s %7s %9s %10s %11s %8s  %s\n", "fault", "lasted", "in flight", "first 2xx", "all moving", "slowest", "answers other than 2xx in its window")
	for _, r := range results {
		fmt.Fprintf(&b, "%-13s %6.1fs %9d %10s %11s %7.1fs  %s\n", r.fault.name, r.end.Sub(r.start).Seconds(), r.inFlight,
			since(r.firstOK, r.recovered), since(r.allProgress, r.progressed), slowest(answers, r.window).Seconds(), tally(answers, r.window))
	}
	fmt.Fprintf(&b, "finished %d of %d; lost %d, duplicated %d, stuck %d, decisions applied twice %d; audit chain %s\n",
		check.Finished, cfg.N, len(check.Lost), len(check.Duplicated), len(stuck)+len(check.NotFinal), len(check.Twice), check.Audit)
	if len(kinds) > 0 {
		fmt.Fprintf(&b, "answers other than 2xx, all the run: %s\n", formatCounts(kinds))
	}
	t.Log(b.String())

	for _, r := range results {
		if !r.recovered || !r.progressed {
			t.Errorf("fault %s: no recovery within %s (first 2xx: %v, all moving: %v)", r.fault.name, cfg.Recovery, r.recovered, r.progressed)
		}
	}
	report := func(what string, items []string) {
		if len(items) > 0 {
			t.Errorf("%s: %d\n  %s", what, len(items), strings.Join(items[:min(len(items), 30)], "\n  "))
		}
	}
	report("processes that exited by themselves", unasked)
	report("lost (answered 2xx, then missing or not finished)", check.Lost)
	report("duplicated", check.Duplicated)
	report("stuck (not finished within CHAOS_SETTLE after the faults)", stuck)
	report("not in a final status", check.NotFinal)
	report("decisions applied twice", check.Twice)
	report("dossiers the driver could not finish", check.DriverErrs)
	report("answers not allowed", wrongs)
	if check.Audit != "verified" {
		t.Errorf("audit chain: %s", check.Audit)
	}
	if len(interims) > 0 {
		msg := fmt.Sprintf("answers allowed only until the outage work lands (interim rows of allowedDuringOutage):\n  %s",
			strings.ReplaceAll(formatCounts(interims), ", ", "\n  "))
		if cfg.Strict {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// measure waits for the system to recover from fault r (bounded) and fills in the times.
func (r *faultResult) measure(ctx context.Context, rec *recorder, xs []*dossier, bound time.Duration) {
	var moving []*dossier
	for _, x := range xs {
		if x.inFlight(r.end) {
			moving = append(moving, x)
		}
	}
	r.inFlight = len(moving)
	r.recovered = waitFor(ctx, bound, func() bool {
		at, ok := rec.firstOKAfter(r.end)
		if ok {
			r.firstOK = at.Sub(r.end)
		}
		return ok
	})
	var last time.Time
	r.progressed = waitFor(ctx, bound, func() bool {
		for _, x := range moving {
			at, ok := x.progressAfter(r.end)
			x.mu.Lock()
			failed := x.err != nil
			x.mu.Unlock()
			if !ok && !failed {
				return false
			}
			if at.After(last) {
				last = at
			}
		}
		return true
	})
	if r.progressed {
		r.allProgress = max(last.Sub(r.end), r.firstOK)
	}
	r.window = window{Fault: r.fault.name, Start: r.start, End: later(last, r.end.Add(r.firstOK)).Add(2 * time.Second)}
	if !r.progressed || !r.recovered {
		r.window.End = time.Now().Add(2 * time.Second)
	}
}

// checkRecords reads motcua's records from PostgreSQL and compares them with what the
// driver was told (compare), and verifies the audit hash chain.
func checkRecords(ctx context.Context, t *testing.T, url string, xs []*dossier) verdict {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to motcua's database: %v", err)
	}
	defer conn.Close(context.Background())
	r := records{Status: map[motcua.DossierCode]motcua.Status{}, Keys: map[string][]string{}, Actions: map[motcua.DossierCode][]string{}}
	query := func(sql string, each func(a, b string)) {
		rows, _ := conn.Query(ctx, sql)
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			each(a, b)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	query("SELECT code, status FROM dossiers", func(code, st string) {
		r.Status[motcua.DossierCode(code)] = motcua.Status(st)
	})
	query("SELECT key, coalesce(dossier_code, '') FROM idempotency_keys", func(key, code string) {
		r.Keys[key] = append(r.Keys[key], code)
	})
	query(`SELECT d.code, e.action FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id ORDER BY d.code, e.seq`,
		func(code, action string) {
			r.Actions[motcua.DossierCode(code)] = append(r.Actions[motcua.DossierCode(code)], action)
		})
	subs := make([]submission, len(xs))
	for i, x := range xs {
		subs[i] = submission{Key: x.key, Code: x.code}
		if x.err != nil {
			subs[i].Err = x.err.Error()
		}
	}
	v := compare(subs, r)

	s, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	switch bad, err := s.VerifyAudit(ctx); {
	case err != nil:
		v.Audit = "not verified: " + err.Error()
	case bad != 0:
		v.Audit = fmt.Sprintf("broken at row %d", bad)
	default:
		v.Audit = "verified"
	}
	return v
}

// createCitizens creates n applicant accounts (password "demo") to submit the load of
// procedure: one applicant's uploads are limited per minute, a ministry's are not.
// Where citizens may not apply to procedure, they are representatives of the demo
// organization or agency that may.
func createCitizens(ctx context.Context, url string, n int, procedure string) ([]string, error) {
	s, err := store.Open(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cat, err := forms.Default()
	if err != nil {
		return nil, err
	}
	p, err := cat.Procedure(procedure)
	if err != nil {
		return nil, err
	}
	represents := store.DemoOrganizationFor(p.ApplicantKinds)
	var names []string
	for i := range n {
		u := store.User{Username: fmt.Sprintf("chaos%02d", i+1), Name: fmt.Sprintf("Công dân thử tải %02d", i+1),
			Roles: []motcua.Role{motcua.RoleCitizen}, Password: store.DemoPassword, Represents: represents}
		if _, err := s.CreateUser(ctx, u, ""); err != nil {
			return nil, fmt.Errorf("create citizen %s: %w", u.Username, err)
		}
		names = append(names, u.Username)
	}
	return names, nil
}

// monitor reports a child that exits without the suite killing it, and starts it again.
func monitor(ctx context.Context, s *system, report func(string)) {
	for ctx.Err() == nil {
		sleep(ctx, time.Second)
		run, worker := s.current()
		if run.exitedUnasked() {
			report("motcua run exited")
			run.killed.Store(true) // reported once
			if err := s.startRun(ctx); err != nil && ctx.Err() == nil {
				report("motcua run did not start again: " + err.Error())
			}
		}
		if worker.exitedUnasked() {
			report("motcua worker exited")
			worker.killed.Store(true)
			if err := s.startWorker(ctx); err != nil && ctx.Err() == nil {
				report("motcua worker did not start again: " + err.Error())
			}
		}
	}
}

func countInFlight(xs []*dossier, t time.Time) int {
	n := 0
	for _, x := range xs {
		if x.inFlight(t) {
			n++
		}
	}
	return n
}

// waitFor polls cond every 100 ms until it holds (true) or bound passes (false).
func waitFor(ctx context.Context, bound time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(bound)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		sleep(ctx, 100*time.Millisecond)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func since(d time.Duration, ok bool) string {
	if !ok {
		return "none"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}
