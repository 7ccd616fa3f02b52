//go:build chaos

package chaostest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// driver takes dossiers through their whole path over HTTP as the demo citizen, clerks
// and leaders do, and retries whatever a fault interrupts the way a careful client
// must: an upload afresh, a submission with the same Idempotency-Key and body, a
// decision with the same requestId (the Update's ID), so that a retry after a lost
// answer is the same request, never a second one.
type driver struct {
	base     string
	http     *http.Client
	rec      *recorder
	p        *forms.Procedure
	template []byte        // the catalog's valid sample of p, its dates relative to today
	run      string        // this run's ID, in idempotency keys and request IDs
	think    time.Duration // mean pause before each decision, as a person reads the dossier

	mu     sync.Mutex
	tokens map[string]string
}

// reader is the demo user who reads dossiers for the driver: the ministry's leader
// reads every unit's.
const reader = "lanhdao1"

// do sends one request as user (anonymous when empty), decodes a 2xx answer into out
// and records the answer. A request cut by the suite's own end is not recorded.
func (d *driver) do(ctx context.Context, op, method, path, user, ctype string, body []byte, hdr map[string]string, out any) answer {
	a := answer{Op: op, Method: method, Path: path}
	var tok string
	if user != "" {
		var err error
		if tok, err = d.token(ctx, user); err != nil {
			a.Err = err.Error()
			return a
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, bytes.NewReader(body))
	if err != nil {
		a.Err = err.Error()
		return a
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	a.Start = time.Now()
	resp, err := d.http.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			a.Status, a.RetryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
			if a.ok() {
				if out != nil {
					if err := json.Unmarshal(b, out); err != nil {
						a.Status, a.Body = 0, "decode: "+err.Error()
					}
				}
			} else {
				var p struct{ Code string }
				_ = json.Unmarshal(b, &p)
				a.Code, a.Body = p.Code, string(b[:min(len(b), 400)])
			}
		}
	}
	a.End = time.Now()
	if err != nil {
		if ctx.Err() != nil {
			a.Err = "cancelled"
			return a
		}
		a.Err = err.Error()
	}
	if a.Status == http.StatusUnauthorized && user != "" {
		d.forget(user, tok)
	}
	d.rec.add(a)
	return a
}

// retry repeats call until it answers 2xx or a refusal (a 4xx other than 401 and 429),
// or ctx ends. It waits as Retry-After says (at most 5 s), else 0.5 to 1.5 s.
func retry(ctx context.Context, call func() answer) (answer, error) {
	for {
		a := call()
		if a.ok() || (a.Err == "" && a.Status/100 == 4 && a.Status != 429 && a.Status != 401) {
			return a, nil
		}
		wait := time.Duration(500+rand.IntN(1000)) * time.Millisecond
		if s, err := strconv.Atoi(a.RetryAfter); err == nil && s > 0 {
			wait = min(time.Duration(s)*time.Second, 5*time.Second)
		}
		select {
		case <-ctx.Done():
			return a, fmt.Errorf("%s %s: still failing when the bound passed (last: %s %s)", a.Method, a.Path, a.kind(), a.Body)
		case <-time.After(wait):
		}
	}
}

// token logs user in once (again after a 401).
func (d *driver) token(ctx context.Context, user string) (string, error) {
	d.mu.Lock()
	tok, ok := d.tokens[user]
	d.mu.Unlock()
	if ok {
		return tok, nil
	}
	body, _ := json.Marshal(map[string]string{"username": user, "password": store.DemoPassword})
	var out struct{ Token string }
	a, err := retry(ctx, func() answer {
		return d.do(ctx, "login", "POST", "/api/v1/auth/login", "", "application/json", body, nil, &out)
	})
	if err != nil {
		return "", err
	}
	if !a.ok() {
		return "", fmt.Errorf("login %s: %d %s", user, a.Status, a.Body)
	}
	d.mu.Lock()
	d.tokens[user] = out.Token
	d.mu.Unlock()
	return out.Token, nil
}

func (d *driver) forget(user, tok string) {
	d.mu.Lock()
	if d.tokens[user] == tok {
		delete(d.tokens, user)
	}
	d.mu.Unlock()
}

// dossier is one dossier the driver takes through its path, and what happened to it.
type dossier struct {
	key     string // its Idempotency-Key
	citizen string // who submits it

	mu        sync.Mutex
	started   time.Time
	submitted time.Time // the first 2xx answer to its submission
	finished  time.Time
	progress  []time.Time // every decision answered 2xx
	code      motcua.DossierCode
	err       error
}

func (x *dossier) step(f func()) {
	x.mu.Lock()
	f()
	x.mu.Unlock()
}

// inFlight says whether the dossier was being driven at t.
func (x *dossier) inFlight(t time.Time) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return !x.started.IsZero() && x.started.Before(t) && (x.finished.IsZero() || x.finished.After(t)) && x.err == nil
}

// progressAfter is the first time after t the dossier moved (a submission or a decision
// answered, or its end), if it did.
func (x *dossier) progressAfter(t time.Time) (time.Time, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.submitted.After(t) {
		return x.submitted, true
	}
	for _, p := range x.progress {
		if p.After(t) {
			return p, true
		}
	}
	if x.finished.After(t) {
		return x.finished, true
	}
	return time.Time{}, false
}

// drive takes x from its submission to the returned result.
func (d *driver) drive(ctx context.Context, x *dossier) error {
	var data map[string]any
	if err := json.Unmarshal(d.template, &data); err != nil {
		return err
	}
	err := stacktest.AttachSampleFiles(d.p, data, func(name string, content []byte) (string, error) {
		return d.upload(ctx, x.citizen, name, content)
	})
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"procedure": d.p.Code, "formData": data})
	var sub stacktest.Submitted
	a, err := retry(ctx, func() answer {
		return d.do(ctx, "submit", "POST", "/api/v1/dossiers", x.citizen, "application/json", body,
			map[string]string{"Idempotency-Key": x.key}, &sub)
	})
	if err != nil {
		return err
	}
	if !a.ok() {
		return fmt.Errorf("submission refused: %d %s", a.Status, a.Body)
	}
	x.step(func() { x.code, x.submitted = sub.Code, a.End })

	st := workflows.State{Code: sub.Code, Status: sub.Status, Step: d.p.Steps[0].ID}
	consulted := false
	path := "/api/v1/dossiers/" + string(sub.Code) + "/actions"
	for n := range 60 {
		user, decision, done, err := stacktest.NextDecision(d.p, st, consulted)
		if err != nil {
			return err
		}
		if done {
			x.step(func() { x.finished = time.Now() })
			return nil
		}
		sleep(ctx, d.think/2+rand.N(d.think+1))
		action := decision["action"].(string)
		decision["requestId"] = fmt.Sprintf("%s/%s/%d", d.run, sub.Code, n)
		raw, _ := json.Marshal(decision)
		var next workflows.State
		a, err := retry(ctx, func() answer {
			return d.do(ctx, "decide/"+action, "POST", path, user, "application/json", raw, nil, &next)
		})
		if err != nil {
			return err
		}
		if a.ok() {
			st = next
			consulted = consulted || action == workflows.UpdateConsult
			x.step(func() { x.progress = append(x.progress, a.End) })
			continue
		}
		// Refused: the answer is judged with the others; go on from where the dossier is.
		if st, consulted, err = d.read(ctx, sub.Code); err != nil {
			return err
		}
	}
	return fmt.Errorf("%s: not finished after 60 decisions", sub.Code)
}

// upload stores a file as the citizen, trying again until it is stored.
func (d *driver) upload(ctx context.Context, citizen, name string, content []byte) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	var f struct{ ID string }
	a, err := retry(ctx, func() answer {
		return d.do(ctx, "upload", "POST", "/api/v1/files", citizen, mw.FormDataContentType(), buf.Bytes(), nil, &f)
	})
	if err != nil {
		return "", err
	}
	if !a.ok() {
		return "", fmt.Errorf("upload refused: %d %s", a.Status, a.Body)
	}
	return f.ID, nil
}

// read reads where a dossier stands, as the staff pages do, waiting until the workflow
// answers with the decisions it allows.
func (d *driver) read(ctx context.Context, code motcua.DossierCode) (workflows.State, bool, error) {
	for {
		var v struct {
			Status  motcua.Status
			Step    string
			Allowed []string
			History []struct{ Action string }
		}
		a, err := retry(ctx, func() answer {
			return d.do(ctx, "read", "GET", "/api/v1/dossiers/"+string(code), reader, "", nil, nil, &v)
		})
		if err != nil {
			return workflows.State{}, false, err
		}
		if !a.ok() {
			return workflows.State{}, false, fmt.Errorf("read %s: %d %s", code, a.Status, a.Body)
		}
		consulted := false
		for _, e := range v.History {
			consulted = consulted || e.Action == workflows.UpdateConsult
		}
		if v.Status.Final() || v.Status == motcua.StatusReturned || len(v.Allowed) > 0 {
			return workflows.State{Code: code, Status: v.Status, Step: v.Step, Allowed: v.Allowed}, consulted, nil
		}
		select {
		case <-ctx.Done():
			return workflows.State{}, false, fmt.Errorf("read %s: the workflow did not answer before the bound", code)
		case <-time.After(time.Second):
		}
	}
}

// probe asks for /api/v1/me every 250 ms until ctx ends, so that recovery is seen even
// when no dossier happens to be calling.
func (d *driver) probe(ctx context.Context) {
	for ctx.Err() == nil {
		d.do(ctx, "probe", "GET", "/api/v1/me", "canbo1", "", nil, nil, nil)
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}
