// Package load takes dossiers through their whole path over HTTP, as citizens, clerks
// and leaders do, against any deployment, and measures it: dossiers per second and the
// median and 99th percentile of every call (upload, submit, each decision). It is the
// logic of `motcua load`; it talks only to the address it is given, drives at most N
// dossiers, C at once, and stops by itself when they are done or the duration passes.
//
// A call interrupted by a dependency (503 with Retry-After, 504 unknown outcome, 429,
// or no answer) is tried again as a careful client must: a submission with the same
// Idempotency-Key and body, a decision with the same requestId, so that a retry is the
// same request, never a second one. Only a call's last, successful attempt is timed.
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
)

// DefaultStaff are the demo users who act at a unit in a role ("UNIT/role"), and who
// answers a consultation of a unit ("consult/UNIT"). Reader reads dossiers for the tool.
var DefaultStaff = map[string]string{
	"VP/clerk": "canbo1", "VP/clerical": "vanthu1", "VP/leader": "lanhdao1",
	"G09/clerk": "canbo1", "G09/clerical": "vanthu1", "G09/leader": "lanhdao1",
	"TCPCP/clerk": "chuyenvien1", "TCPCP/clerical": "vanthu1", "TCPCP/leader": "lanhdao1",
	"CVTLT/clerk": "chuyenvien2", "CVTLT/clerical": "vanthu2", "CVTLT/leader": "lanhdao2",
	"CCVC/clerk": "chuyenvien3", "CCVC/clerical": "vanthu1", "CCVC/leader": "lanhdao1",
	"TDKT/clerk": "chuyenvien4", "TDKT/clerical": "vanthu1", "TDKT/leader": "lanhdao1",
	"consult/VP": "canbo1", "consult/G09": "canbo1", "consult/TCPCP": "chuyenvien1",
	"consult/CVTLT": "chuyenvien2", "consult/CCVC": "chuyenvien3", "consult/TDKT": "chuyenvien4",
	"reader": "lanhdao1",
}

// Config says what to drive and where.
type Config struct {
	URL        string            // the deployment's base URL; several, comma-separated: dossier i goes to the i-th in turn (API replicas)
	Citizens   []string          // who submit, in turn (default daidien.hoi1, the demo association's representative)
	Staff      map[string]string // overrides of DefaultStaff
	Password   string            // of every account (default "demo")
	Procedures []string          // procedure codes, taken in turn (default G09.TCPCP.01)
	PIN        string            // the signing PIN (default the development signer's)
	N, C       int               // dossiers, and how many at once
	Duration   time.Duration     // the bound of the whole run (default 10 minutes)
	Progress   io.Writer         // a progress line, rewritten in place (nil: none)
	HTTP       *http.Client      // default: a client with a 60 s timeout
	Now        func() time.Time  // the clock of the samples' relative dates (default time.Now)
	// Engine, when set, reads one finished dossier's history (PerDossier) and, with
	// Engine.Bare, then runs the bare and the floor workflows, N of each, C at once,
	// each phase bounded by Duration.
	Engine *Engine
	// StopAfter, when set, stops each dossier after this call ("submit", or a decision
	// such as "receive"), leaving its workflow open where that call left it: a received
	// dossier waits in review holding its SLA timers. No history is read (nothing
	// finishes); the path's rate is then of dossiers taken that far.
	StopAfter string
}

// Result is what a run measured. Its JSON names are the ones other tools read.
type Result struct {
	Path       Path        `json:"path"`
	Bare       *Twin       `json:"bare,omitempty"`  // the same updates and activities, which do nothing
	Floor      *Twin       `json:"floor,omitempty"` // the same updates, no activity: the engine's floor
	PerDossier *PerDossier `json:"perDossier,omitempty"`
	Load       float64     `json:"load"` // the machine's 1-minute load average at the end (0 where unknown)
	// LoadStart is the load average when the run began.
	LoadStart float64 `json:"loadStart"`
	// Errors are what kept the engine's figures (perDossier, bare, floor) from being made.
	Errors []string `json:"errors,omitempty"`
}

// Path is the whole path's figures.
type Path struct {
	Rate     float64            `json:"rate"` // finished dossiers per second of the run
	Dossiers int                `json:"dossiers"`
	Failed   int                `json:"failed"`
	Seconds  float64            `json:"seconds"`
	P50      map[string]float64 `json:"p50"` // per call, in milliseconds
	P99      map[string]float64 `json:"p99"`
	Calls    map[string]int     `json:"calls"`
	Retries  int                `json:"retries"`  // attempts answered 503, 504, 429 or not at all
	Accounts int                `json:"accounts"` // the accounts the run logged in as, each once (calls["login"])
	Errors   []string           `json:"errors,omitempty"`
	Load     float64            `json:"load"` // load average when the path ended
}

// Run drives cfg.N dossiers and returns what it measured. It returns an error only when
// it cannot start (bad configuration, a procedure it cannot drive); a dossier that fails
// is counted in Failed, its error in Errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	d, err := newDriver(cfg)
	if err != nil {
		return Result{}, err
	}
	loadStart := loadAverage()
	pctx, cancel := context.WithTimeout(ctx, d.cfg.Duration)
	defer cancel()

	var next, done, failed atomic.Int64
	var errMu sync.Mutex
	var errs []string
	start := time.Now()
	stopProgress := d.progress(start, &done, &failed)
	var wg sync.WaitGroup
	for range d.cfg.C {
		wg.Go(func() {
			for pctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= d.cfg.N {
					return
				}
				if err := d.drive(pctx, i); err != nil {
					failed.Add(1)
					errMu.Lock()
					if len(errs) < 10 {
						errs = append(errs, err.Error())
					}
					errMu.Unlock()
					continue
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopProgress()

	p := Path{Dossiers: int(done.Load()), Failed: int(failed.Load()), Seconds: elapsed.Seconds(),
		P50: map[string]float64{}, P99: map[string]float64{}, Calls: map[string]int{}, Errors: errs}
	if unstarted := d.cfg.N - p.Dossiers - p.Failed; unstarted > 0 {
		p.Errors = append(p.Errors, fmt.Sprintf("%d dossiers not finished when the bound of %s passed", unstarted, d.cfg.Duration))
	}
	if elapsed > 0 {
		p.Rate = float64(p.Dossiers) / elapsed.Seconds()
	}
	d.mu.Lock()
	for call, ds := range d.times {
		p.P50[call], p.P99[call], p.Calls[call] = quantile(ds, 0.50), quantile(ds, 0.99), len(ds)
	}
	p.Retries = d.retries
	p.Accounts = len(d.tokens)
	first := d.finished
	d.mu.Unlock()
	p.Load = loadAverage()
	res := Result{Path: p, LoadStart: loadStart}
	if e := d.cfg.Engine; e != nil && e.Client != nil && d.cfg.StopAfter == "" {
		d.engine(ctx, e, first, &res)
	}
	res.Load = loadAverage()
	return res, nil
}

// engine reads the first finished dossier's history and runs the twins of its shape.
func (d *driver) engine(ctx context.Context, e *Engine, first motcua.DossierCode, res *Result) {
	if first == "" {
		res.Errors = append(res.Errors, "no dossier finished: no history to read, no shape for the bare workflow")
		return
	}
	pd, err := ReadPerDossier(ctx, e.Client, first)
	if err != nil {
		res.Errors = append(res.Errors, "perDossier: "+err.Error())
		return
	}
	res.PerDossier = &pd
	if !e.Bare {
		return
	}
	stop, err := startBenchWorker(e.Client)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	defer stop()
	bare := runTwin(ctx, e.Client, BareWorkflowName, d.run, pd.Shape, d.cfg.N, d.cfg.C, d.cfg.Duration)
	res.Bare = &bare
	floor := runTwin(ctx, e.Client, FloorWorkflowName, d.run, floorOf(pd.Shape), d.cfg.N, d.cfg.C, d.cfg.Duration)
	res.Floor = &floor
}

// driver is one run's shared state.
type driver struct {
	cfg   Config
	urls  []string // the deployment's base URLs
	procs []*forms.Procedure
	forms map[string][]byte // each procedure's valid sample, its dates resolved
	run   string            // this run's ID, in idempotency keys and request IDs

	mu       sync.Mutex
	tokens   map[string]string
	logins   map[string]*sync.Mutex // one login at a time per account: the others wait for its token
	times    map[string][]time.Duration
	retries  int
	finished motcua.DossierCode // the first dossier that finished its path
}

func newDriver(cfg Config) (*driver, error) {
	var urls []string
	for _, u := range strings.Split(cfg.URL, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil, errors.New("no URL")
	}
	if len(cfg.Citizens) == 0 {
		cfg.Citizens = []string{"daidien.hoi1"} // the default procedure is for organizations
	}
	staff := maps(DefaultStaff)
	for k, v := range cfg.Staff {
		staff[k] = v
	}
	cfg.Staff = staff
	if cfg.Password == "" {
		cfg.Password = "demo"
	}
	if len(cfg.Procedures) == 0 {
		cfg.Procedures = []string{"G09.TCPCP.01"}
	}
	if cfg.PIN == "" {
		cfg.PIN = "123456"
	}
	if cfg.N <= 0 || cfg.C <= 0 {
		return nil, fmt.Errorf("need at least one dossier and one at once (n %d, c %d)", cfg.N, cfg.C)
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Minute
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cat, err := forms.Default()
	if err != nil {
		return nil, err
	}
	d := &driver{cfg: cfg, urls: urls, forms: map[string][]byte{}, run: strconv.FormatInt(time.Now().UnixNano(), 36),
		tokens: map[string]string{}, logins: map[string]*sync.Mutex{}, times: map[string][]time.Duration{}}
	for _, code := range cfg.Procedures {
		p, err := cat.At(code, cfg.Now())
		if err != nil {
			return nil, err
		}
		raw, err := forms.Sample(p.Code, p.Version)
		if err != nil {
			return nil, err
		}
		sample, err := formstest.Resolve(raw, cfg.Now())
		if err != nil {
			return nil, err
		}
		d.procs = append(d.procs, p)
		d.forms[p.Key()] = sample
	}
	return d, nil
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// state is what a decision's answer says of the dossier (workflows.State's JSON).
type state struct {
	Code       motcua.DossierCode
	Status     motcua.Status
	Step       string
	Consulting []string
	Allowed    []string
}

// drive takes dossier i from its files to its result.
func (d *driver) drive(ctx context.Context, i int) error {
	p := d.procs[i%len(d.procs)]
	citizen := d.cfg.Citizens[i%len(d.cfg.Citizens)]
	base := d.urls[i%len(d.urls)]
	var data map[string]any
	if err := json.Unmarshal(d.forms[p.Key()], &data); err != nil {
		return err
	}
	if err := d.attach(ctx, base, p, citizen, data); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"procedure": p.Code, "formData": data})
	var st state
	if err := d.call(ctx, base, "submit", "/api/v1/dossiers", citizen, "application/json", body,
		map[string]string{"Idempotency-Key": fmt.Sprintf("load-%s-%d", d.run, i)}, &st); err != nil {
		return err
	}
	if st.Step == "" {
		st.Step = p.Steps[0].ID
	}
	if d.cfg.StopAfter == "submit" {
		return nil
	}
	consulted := false
	for n := range 60 {
		user, decision, done, err := d.next(p, st, consulted)
		if err != nil {
			return fmt.Errorf("%s: %w", st.Code, err)
		}
		if done {
			d.mu.Lock()
			if d.finished == "" {
				d.finished = st.Code
			}
			d.mu.Unlock()
			return nil
		}
		action := decision["action"].(string)
		decision["requestId"] = fmt.Sprintf("load-%s/%s/%d", d.run, st.Code, n)
		raw, _ := json.Marshal(decision)
		var next state
		if err := d.call(ctx, base, action, "/api/v1/dossiers/"+string(st.Code)+"/actions", user, "application/json", raw, nil, &next); err != nil {
			return fmt.Errorf("%s: %w", st.Code, err)
		}
		st, consulted = next, consulted || action == motcua.DecideConsult
		if action == d.cfg.StopAfter {
			return nil
		}
	}
	return fmt.Errorf("%s: not finished after 60 decisions", st.Code)
}

// next is the happy path's next decision for a dossier of p in state st: who takes it
// and the body of POST /api/v1/dossiers/{code}/actions; done once the result is
// returned (or the dossier ended otherwise).
func (d *driver) next(p *forms.Procedure, st state, consulted bool) (user string, body map[string]any, done bool, err error) {
	if st.Status.Final() || st.Status == motcua.StatusReturned {
		return "", nil, true, nil
	}
	i := slices.IndexFunc(p.Steps, func(s forms.Step) bool { return s.ID == st.Step })
	if i < 0 {
		return "", nil, false, fmt.Errorf("step %q not in %s", st.Step, p.Key())
	}
	step := p.Steps[i]
	user = d.cfg.Staff[step.Unit+"/"+string(step.Role)]
	switch st.Status {
	case motcua.StatusSubmitted:
		body = map[string]any{"action": motcua.DecideReceive}
	case motcua.StatusInReview:
		switch {
		case len(st.Consulting) > 0:
			user = d.cfg.Staff["consult/"+st.Consulting[0]]
			body = map[string]any{"action": motcua.DecideAnswerConsult, "answer": "Nhất trí với đề nghị."}
		case len(step.Consult) > 0 && slices.Contains(st.Allowed, motcua.DecideConsult) && !consulted:
			body = map[string]any{"action": motcua.DecideConsult, "units": step.Consult, "note": "Đề nghị cho ý kiến."}
		case slices.Contains(st.Allowed, motcua.DecideSubmitForSigning):
			body = map[string]any{"action": motcua.DecideSubmitForSigning, "note": "Kính trình lãnh đạo."}
		default:
			body = map[string]any{"action": motcua.DecideCompleteStep, "note": "Đủ điều kiện."}
		}
	case motcua.StatusAwaitingSignature:
		body = map[string]any{"action": motcua.DecideSign, "pin": d.cfg.PIN}
	case motcua.StatusSigned:
		body = map[string]any{"action": motcua.DecideIssue}
	case motcua.StatusResultReady:
		body = map[string]any{"action": motcua.DecideReturnResult}
	default:
		return "", nil, false, fmt.Errorf("cannot drive from %s", st.Status)
	}
	if user == "" {
		return "", nil, false, fmt.Errorf("no account acts at %s/%s", step.Unit, step.Role)
	}
	return user, body, false, nil
}

// attach uploads, as the citizen, one sample file for every file the sample lists (in
// groups too) and puts their IDs in data.
func (d *driver) attach(ctx context.Context, base string, p *forms.Procedure, citizen string, data map[string]any) error {
	return AttachSampleFiles(p, data, func(name string, content []byte) (string, error) {
		return d.upload(ctx, base, citizen, name, content)
	})
}

func (d *driver) upload(ctx context.Context, base, citizen, name string, content []byte) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	var f struct{ ID string }
	if err := d.call(ctx, base, "upload", "/api/v1/files", citizen, mw.FormDataContentType(), buf.Bytes(), nil, &f); err != nil {
		return "", err
	}
	return f.ID, nil
}

// call POSTs body as user until it is answered 2xx (decoded into out, its time recorded
// under name) or refused; a 503, 504, 429 or no answer is tried again, the same request,
// after Retry-After (at most 5 s) or half a second to a second and a half.
func (d *driver) call(ctx context.Context, base, name, path, user, ctype string, body []byte, hdr map[string]string, out any) error {
	for {
		tok, err := d.token(ctx, base, user)
		if err != nil {
			return err
		}
		status, took, retryAfter, err := d.post(ctx, base+path, tok, ctype, body, hdr, out)
		switch {
		case status/100 == 2 && err == nil:
			d.mu.Lock()
			d.times[name] = append(d.times[name], took)
			d.mu.Unlock()
			return nil
		case status == http.StatusUnauthorized && user != "":
			d.forget(base, user, tok)
		case status == 0 || status == 503 || status == 504 || status == 429:
			d.mu.Lock()
			d.retries++
			d.mu.Unlock()
		default:
			return fmt.Errorf("%s %s as %q: %w", name, path, user, err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: the bound passed", name, path)
		}
		wait := time.Duration(500+rand.IntN(1000)) * time.Millisecond
		if s, err := strconv.Atoi(retryAfter); err == nil && s > 0 {
			wait = min(time.Duration(s)*time.Second, 5*time.Second)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// post sends one request. A non-2xx answer other than the retried ones comes back as an
// error naming its status and the start of its body.
func (d *driver) post(ctx context.Context, url, tok, ctype string, body []byte, hdr map[string]string, out any) (int, time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, "", err
	}
	req.Header.Set("Content-Type", ctype)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := d.cfg.HTTP.Do(req)
	if err != nil {
		return 0, 0, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return 0, 0, "", err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, took, resp.Header.Get("Retry-After"), fmt.Errorf("%d %s", resp.StatusCode, b[:min(len(b), 300)])
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, took, "", fmt.Errorf("decode the answer: %w", err)
		}
	}
	return resp.StatusCode, took, "", nil
}

// token logs user in once at each base URL (again after a 401). The dossiers that
// start together wait for one login of their account instead of each logging in: a
// crowd of password checks at the start would be measured as the submissions' time.
func (d *driver) token(ctx context.Context, base, user string) (string, error) {
	if user == "" {
		return "", nil
	}
	d.mu.Lock()
	one, ok := d.logins[base+" "+user]
	if !ok {
		one = &sync.Mutex{}
		d.logins[base+" "+user] = one
	}
	d.mu.Unlock()
	one.Lock()
	defer one.Unlock()
	d.mu.Lock()
	tok, ok := d.tokens[base+" "+user]
	d.mu.Unlock()
	if ok {
		return tok, nil
	}
	body, _ := json.Marshal(map[string]string{"username": user, "password": d.cfg.Password})
	var out struct{ Token string }
	if err := d.call(ctx, base, "login", "/api/v1/auth/login", "", "application/json", body, nil, &out); err != nil {
		return "", err
	}
	d.mu.Lock()
	d.tokens[base+" "+user] = out.Token
	d.mu.Unlock()
	return out.Token, nil
}

func (d *driver) forget(base, user, tok string) {
	d.mu.Lock()
	if d.tokens[base+" "+user] == tok {
		delete(d.tokens, base+" "+user)
	}
	d.mu.Unlock()
}

// progress rewrites one line on cfg.Progress every half second until stopped.
func (d *driver) progress(start time.Time, done, failed *atomic.Int64) (stop func()) {
	if d.cfg.Progress == nil {
		return func() {}
	}
	line := func() {
		n, f := int(done.Load()), int(failed.Load())
		width := 30
		bar := strings.Repeat("#", width*(n+f)/d.cfg.N) + strings.Repeat(".", width-width*(n+f)/d.cfg.N)
		el := time.Since(start)
		fmt.Fprintf(d.cfg.Progress, "\r[%s] %d/%d dossiers, %d failed, %.2f/s, %s ", bar, n, d.cfg.N, f,
			float64(n)/max(el.Seconds(), 1e-9), el.Round(time.Second))
	}
	quit, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				line()
				fmt.Fprintln(d.cfg.Progress)
				return
			case <-t.C:
				line()
			}
		}
	}()
	return func() { close(quit); <-ended }
}

// quantile is the q-quantile of ds in milliseconds (nearest rank).
func quantile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(q*float64(len(s))+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// loadAverage is the machine's 1-minute load average, from /proc/loadavg (0 elsewhere).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
