package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// syncBuffer is a buffer that the program and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// started is a running `motcua run`.
type started struct {
	stdout, stderr *syncBuffer
	cancel         func()
	done           chan error
}

func startRun(t *testing.T, vars map[string]string, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	env := &Env{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: s.stdout, Stderr: s.stderr}
	go func() {
		s.done <- run(ctx, append([]string{"motcua", "run"}, args...), env.Getenv, env.Stdin, env.Stdout, env.Stderr)
	}()
	return s
}

func (s *started) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run ended with %v\n%s", err, s.stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("run did not stop within 60 s of Ctrl-C")
	}
}

func waitReady(t *testing.T, s *started, url string) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			t.Fatalf("run ended early: %v\nstderr:\n%s", err, s.stderr)
		default:
		}
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("/readyz not 200 within 120 s\nstderr:\n%s", s.stderr)
}

// awaitSignal is the test's own workflow: it waits for a signal, so that between start
// and signal it lives only in Temporal's persistence.
func awaitSignal(ctx workflow.Context) (string, error) {
	var v string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &v)
	return "done: " + v, nil
}

// TestRunFromScratchWithAPrivateClusterSurvivesRestart is the newcomer's path: no
// PostgreSQL where motcua looks (the local URL points at a closed port), so `run` makes
// a private cluster under the data directory, starts the embedded Temporal server, and
// answers /readyz; a workflow started before Ctrl-C is still there after a restart and
// completes.
func TestRunFromScratchWithAPrivateClusterSurvivesRestart(t *testing.T) {
	data := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{filepath.Dir(data), data} {
			_ = os.Chmod(d, 0o755) // the PostgreSQL user must reach it
		}
	}
	httpPort, temporalPort := freePort(t), freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	vars := map[string]string{"MOTCUA_LOCAL_DATABASE_URL": fmt.Sprintf("postgres://nobody@127.0.0.1:%d/postgres?connect_timeout=2", freePort(t))}
	signerAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := []string{"-addr", fmt.Sprintf("127.0.0.1:%d", httpPort), "-data", data, "-temporal-port", fmt.Sprint(temporalPort),
		"-signer-addr", signerAddr, "-axis-addr", fmt.Sprintf("127.0.0.1:%d", freePort(t)), "-log-level", "warn"}

	first := startRun(t, vars, args...)
	waitReady(t, first, url)
	out := first.stdout.String()
	for _, want := range []string{url + "/", url + "/readyz", "(private)", "/csc/v2", "/axis/v1", "congdan1", "lanhdao1", "vanthu1", `password "demo"`} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "pg", "PG_VERSION")); err != nil {
		t.Fatalf("no private cluster under the data directory: %v", err)
	}
	// /metrics is on run's own loopback listener, named in the banner, not on the public one.
	if resp, err := http.Get(url + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the public listener answers /metrics: %v %v", resp.StatusCode, err)
	}
	if m := regexp.MustCompile(`Metrics\s+(http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(out); m == nil {
		t.Errorf("banner names no internal metrics listener:\n%s", out)
	} else if resp, err := http.Get(m[1]); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET %s: %v %v", m[1], resp, err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "motcua_http_requests_total") {
			t.Errorf("the internal listener's metrics lack the HTTP counters:\n%.500s", b)
		}
	}

	// A dossier through run's own wiring (worker, calendar, renderer, signature service):
	// submitted and received before the restart, signed and returned after it.
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	proc, err := cat.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	site := &stacktest.Stack{T: t, URL: url, Now: time.Now}
	sub := stacktest.Submit(site.Login("congdan1"), proc)
	decide := func(user, action string, extra ...string) {
		t.Helper()
		body := map[string]any{"action": action}
		for i := 0; i+1 < len(extra); i += 2 {
			body[extra[i]] = extra[i+1]
		}
		site.Login(user).MustDo(200, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/actions", body, nil)
	}
	decide("canbo1", "receive")
	// The receipt is made a moment after the click (409 "đang được tạo" until then).
	r := site.Login("congdan1").Get(sub.Receipt)
	for end := time.Now().Add(time.Minute); r.Status == 409 && time.Now().Before(end); r = site.Login("congdan1").Get(sub.Receipt) {
		time.Sleep(100 * time.Millisecond)
	}
	if r.Status != 200 || !strings.HasPrefix(string(r.Body), "%PDF-") {
		t.Fatalf("receipt: %d %s", r.Status, r.Body)
	}
	// run's worker tells its development portal (named in the banner) of the receipt.
	if m := regexp.MustCompile(`Portal\s+(http://\S+) .*token (\S+)\)`).FindStringSubmatch(out); m == nil {
		t.Errorf("banner names no development portal:\n%s", out)
	} else {
		waitPortalCall(t, m[1], m[2], string(sub.Code))
	}

	hostPort := fmt.Sprintf("127.0.0.1:%d", temporalPort)
	quiet := sdklog.NewStructuredLogger(devnull())
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: "e2e-restart", TaskQueue: "e2e"}, awaitSignal)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	first.stop(t)

	// Started again with MOTCUA_SIGNER_TOKEN, run's signature service takes that token
	// (a `motcua worker` beside it signs through it), and its own worker signs with it below.
	vars["MOTCUA_SIGNER_TOKEN"] = "run-signer-token"
	second := startRun(t, vars, args...)
	defer second.stop(t)
	waitReady(t, second, url)
	for tok, want := range map[string]int{"run-signer-token": 200, "another-token": 401} {
		req, _ := http.NewRequest("POST", "http://"+signerAddr+"/csc/v2/credentials/list", strings.NewReader(`{"userID":"lanhdao1"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("run's signer with token %q: %d, want %d", tok, resp.StatusCode, want)
		}
	}
	c, err = client.Dial(client.Options{HostPort: hostPort, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "e2e", worker.Options{})
	w.RegisterWorkflow(awaitSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := c.SignalWorkflow(context.Background(), "e2e-restart", run.GetRunID(), "go", "sau khi khởi động lại"); err != nil {
		t.Fatalf("the workflow started before the restart is gone: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got string
	if err := c.GetWorkflow(ctx, "e2e-restart", run.GetRunID()).Get(ctx, &got); err != nil || got != "done: sau khi khởi động lại" {
		t.Fatalf("result %q, %v", got, err)
	}

	decide("chuyenvien2", "submit-for-signing")
	decide("lanhdao2", "sign", "pin", "123456") // the Phó Cục trưởng: KT. CỤC TRƯỞNG
	decide("vanthu1", "issue")
	decide("canbo1", "return-result")
	var d struct {
		Status    string `json:"status"`
		Documents []struct {
			ID, Kind string
		} `json:"documents"`
	}
	// The return answers once recorded; the archive package follows a moment later.
	site.Login("congdan1").MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	for end := time.Now().Add(time.Minute); d.Status == "returned" && time.Now().Before(end); {
		time.Sleep(100 * time.Millisecond)
		site.Login("congdan1").MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	}
	if d.Status != "archived" {
		t.Fatalf("after the restart the dossier ended %s", d.Status)
	}
}

// TestBadConfigurationEndsWithOneClearLine: each mistake ends run with status 1 and one
// line that says what is wrong and what to do.
func TestBadConfigurationEndsWithOneClearLine(t *testing.T) {
	db := storetest.NewDatabase(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	closed := freePort(t)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want []string
	}{
		{"unreachable DATABASE_URL", map[string]string{"DATABASE_URL": fmt.Sprintf("postgres://motcua:secret@127.0.0.1:%d/motcua?connect_timeout=2", closed)},
			nil, []string{"cannot connect to DATABASE_URL", "xxxxx", "unset DATABASE_URL"}},
		{"bad TEMPORAL_ADDRESS", map[string]string{"DATABASE_URL": db, "TEMPORAL_ADDRESS": fmt.Sprintf("127.0.0.1:%d", closed)},
			nil, []string{"cannot reach Temporal", "TEMPORAL_ADDRESS"}},
		{"HTTP port in use", map[string]string{"DATABASE_URL": db}, []string{"-addr", busy.Addr().String()},
			[]string{"cannot listen on " + busy.Addr().String(), "-addr"}},
		{"bad log level", map[string]string{"DATABASE_URL": db, "MOTCUA_LOG_LEVEL": "loud"}, nil, []string{"bad log level"}},
		{"unreadable trust roots", map[string]string{"DATABASE_URL": db, "MOTCUA_TRUST_ROOTS": "/nonexistent/roots.pem"}, nil, []string{"MOTCUA_TRUST_ROOTS"}},
		{"metrics port in use", map[string]string{"DATABASE_URL": db, "MOTCUA_METRICS_ADDR": busy.Addr().String()}, nil,
			[]string{"cannot listen on " + busy.Addr().String() + " for metrics", "MOTCUA_METRICS_ADDR"}},
		{"Temporal TLS for the embedded server", map[string]string{"DATABASE_URL": db, "TEMPORAL_TLS_CA": "/nonexistent/ca.pem"}, nil,
			[]string{"TEMPORAL_TLS_", "TEMPORAL_ADDRESS"}},
		{"a Temporal client certificate without its key", map[string]string{"DATABASE_URL": db, "TEMPORAL_ADDRESS": fmt.Sprintf("127.0.0.1:%d", closed),
			"TEMPORAL_TLS_CERT": "/nonexistent/cert.pem"}, nil, []string{"TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			env := &Env{Getenv: func(k string) string { return tt.vars[k] }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
			args := append([]string{"motcua", "run", "-addr", fmt.Sprintf("127.0.0.1:%d", freePort(t)), "-data", t.TempDir(),
				"-temporal-port", fmt.Sprint(freePort(t))}, tt.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			err := run(ctx, args, env.Getenv, env.Stdin, env.Stdout, env.Stderr)
			code := exitCode(err, &stderr)
			if code == 0 || code > 2 {
				t.Fatalf("exit status %d (err %v), want 1 or 2", code, err)
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Count(msg, "\n") != 0 {
				t.Fatalf("more than one line:\n%s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "secret") {
				t.Errorf("message shows the password: %q", msg)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands() {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			env := &Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
			err := run(context.Background(), []string{"motcua", name, "-h"}, env.Getenv, env.Stdin, env.Stdout, env.Stderr)
			if code := exitCode(err, &out); code != 0 {
				t.Fatalf("motcua %s -h: status %d: %s", name, code, out.String())
			}
			if name != "version" && !strings.Contains(out.String(), "-") {
				t.Fatalf("motcua %s -h printed no flags:\n%s", name, out.String())
			}
		})
	}
}

func devnull() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestMigrateAppliesOnceThenNothing(t *testing.T) {
	db := storetest.NewDatabase(t)
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{fmt.Sprintf("migrations applied: %d\n", len(all)), "migrations applied: 0\n"} {
		var out bytes.Buffer
		env := &Env{Getenv: func(k string) string { return map[string]string{"DATABASE_URL": db}[k] },
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard}
		if err := run(context.Background(), []string{"motcua", "migrate"}, env.Getenv, env.Stdin, env.Stdout, env.Stderr); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
		if out.String() != want {
			t.Fatalf("migrate #%d printed %q, want %q", i+1, out.String(), want)
		}
	}
}

// TestAStartingProcessAnswersAtOnce: the HTTP port is taken first, and while the
// system is still being built (here `motcua api` waits on a Temporal that accepts
// connections and never answers) every request gets an answer at once: /healthz 200
// "starting", /readyz and the API 503 `unavailable` with Retry-After, a page 503 in
// Vietnamese. None hangs.
func TestAStartingProcessAnswersAtOnce(t *testing.T) {
	db := storetest.NewDatabase(t)
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepted, never answered
		}
	}()
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	vars := map[string]string{"DATABASE_URL": db, "TEMPORAL_ADDRESS": silent.Addr().String(),
		"MOTCUA_PAYLOAD_KEYS": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stderr syncBuffer
	go func() {
		done <- run(ctx, []string{"motcua", "api", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-log-level", "error"},
			func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, &stderr)
	}()

	c := &http.Client{Timeout: 2 * time.Second}
	get := func(path, accept string) (*http.Response, string, error) {
		req, _ := http.NewRequest("GET", url+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), nil
	}
	// Wait for the port to be taken.
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the port never opened: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	asked := 0
	for time.Now().Before(deadline) {
		select {
		case <-done:
			deadline = time.Time{}
			continue
		default:
		}
		for _, tc := range []struct {
			path, accept, want string
			status             int
		}{
			{"/healthz", "", `"starting"`, 200},
			{"/readyz", "", `"unavailable"`, 503},
			{"/api/v1/me", "", `"unavailable"`, 503},
			{"/", "text/html", "Hệ thống đang khởi động", 503},
		} {
			began := time.Now()
			resp, body, err := get(tc.path, tc.accept)
			if err != nil {
				if strings.Contains(err.Error(), "refused") {
					continue // stopped meanwhile
				}
				t.Fatalf("GET %s while starting: %v (after %s)", tc.path, err, time.Since(began))
			}
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("GET %s while starting: %d %s", tc.path, resp.StatusCode, body)
			}
			if tc.status == 503 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("GET %s: 503 without Retry-After", tc.path)
			}
			asked++
		}
		if asked >= 8 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if asked < 8 {
		t.Fatalf("only %d answers while starting\n%s", asked, stderr.String())
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("api did not stop")
	}
}

// waitPortalCall waits until the development portal at base accepted a processing step
// of the dossier.
func waitPortalCall(t *testing.T, base, token, code string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequest("GET", base+"/dev/calls?code="+code, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), `"op":"progress"`) && strings.Contains(string(b), `"outcome":"applied"`) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the development portal never heard of %s", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
