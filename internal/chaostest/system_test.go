//go:build chaos

package chaostest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"motcua/internal/devstack"
)

// system is the motcua under test: its private PostgreSQL cluster, `motcua run` and a
// second `motcua worker`, each a child process with its log in dir.
type system struct {
	dir      string
	bin      string
	pg       *devstack.Cluster
	dbURL    string // motcua's database on the private cluster
	temporal string // run's embedded Temporal frontend, which the worker dials
	base     string // http://127.0.0.1:PORT of run's HTTP server
	env      []string
	runArgs  []string
	log      *slog.Logger

	mu     sync.Mutex
	run    *child
	worker *child
}

// child is a running motcua process.
type child struct {
	name   string
	cmd    *exec.Cmd
	done   chan struct{}
	killed atomic.Bool // by the suite (or reported): its exit is expected
}

// buildBinary builds cmd/motcua into dir, unless CHAOS_BIN names a binary already built.
func buildBinary(ctx context.Context, dir string) (string, error) {
	if b := os.Getenv("CHAOS_BIN"); b != "" {
		return b, nil
	}
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module root: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "motcua")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/motcua")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/motcua: %v: %s", err, b)
	}
	return bin, nil
}

// startSystem starts the private cluster, `motcua run` and `motcua worker` and waits
// until both serve.
func startSystem(ctx context.Context, dir, bin string, log *slog.Logger) (*system, error) {
	s := &system{dir: dir, bin: bin, log: log}
	pg, err := devstack.StartCluster(ctx, filepath.Join(dir, "pg"), log)
	if err != nil {
		return nil, err
	}
	s.pg = pg
	if err := devstack.EnsureDatabase(ctx, pg.URL(), "motcua"); err != nil {
		return s, err
	}
	s.dbURL = devstack.WithDatabase(pg.URL(), "motcua")
	httpPort, err1 := devstack.FreePort()
	temporalPort, err2 := devstack.FreeLowPort()
	signerPort, err3 := devstack.FreePort()
	if err := errors.Join(err1, err2, err3); err != nil {
		return s, err
	}
	s.base = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	key := make([]byte, 32)
	token := make([]byte, 16)
	_, _ = rand.Read(key)
	_, _ = rand.Read(token)
	// The environment is the suite's own: a DATABASE_URL or TEMPORAL_ADDRESS of the
	// machine must not lead the system under test to the shared servers.
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || k == "TEMPORAL_ADDRESS" || strings.HasPrefix(k, "MOTCUA_") || strings.HasPrefix(k, "TEMPORAL_") {
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env,
		"DATABASE_URL="+s.dbURL,
		"MOTCUA_LOCAL_DATABASE_URL="+pg.URL(),
		"MOTCUA_PAYLOAD_KEYS="+base64.StdEncoding.EncodeToString(key),
		"MOTCUA_SIGNER_TOKEN="+hex.EncodeToString(token),
		fmt.Sprintf("MOTCUA_SIGNER_URL=http://127.0.0.1:%d", signerPort),
		"MOTCUA_LOG_FORMAT=json",
	)
	s.temporal = fmt.Sprintf("127.0.0.1:%d", temporalPort)
	s.runArgs = []string{"run", "-data", filepath.Join(dir, "run"), "-addr", fmt.Sprintf("127.0.0.1:%d", httpPort),
		"-temporal-port", fmt.Sprint(temporalPort), "-signer-addr", fmt.Sprintf("127.0.0.1:%d", signerPort), "-axis-addr", "127.0.0.1:0"}
	if err := s.startRun(ctx); err != nil {
		return s, err
	}
	if err := s.startWorker(ctx); err != nil {
		return s, err
	}
	return s, nil
}

// spawn starts a motcua child with its output appended to dir/name.log.
func (s *system) spawn(name string, env []string, args ...string) (*child, error) {
	f, err := os.OpenFile(filepath.Join(s.dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "\n==== %s: motcua %s\n", time.Now().Format(time.RFC3339Nano), strings.Join(args, " "))
	cmd := exec.Command(s.bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Dir = s.dir
	// Its own process group, and killed if the suite dies: a child never outlives it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(c.done)
	}()
	return c, nil
}

// startRun starts `motcua run` and waits until /readyz answers 200.
func (s *system) startRun(ctx context.Context) error {
	c, err := s.spawn("run", s.env, s.runArgs...)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.run = c
	s.mu.Unlock()
	return s.waitReady(ctx, c, 3*time.Minute)
}

// startWorker starts `motcua worker` on run's Temporal and database and waits until it
// polls.
func (s *system) startWorker(ctx context.Context) error {
	env := append(append([]string{}, s.env...), "TEMPORAL_ADDRESS="+s.temporal)
	c, err := s.spawn("worker", env, "worker", "-data", filepath.Join(s.dir, "worker"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.worker = c
	s.mu.Unlock()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if logHas(filepath.Join(s.dir, "worker.log"), "worker running") {
			return nil
		}
		select {
		case <-c.done:
			return fmt.Errorf("motcua worker exited while starting: see %s", filepath.Join(s.dir, "worker.log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("motcua worker did not start within 2 minutes: see %s", filepath.Join(s.dir, "worker.log"))
}

// logHas reports whether the last start's part of a log holds text.
func logHas(path, text string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	found := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "==== ") {
			found = false
		}
		if strings.Contains(line, text) {
			found = true
		}
	}
	return found
}

// waitReady polls /readyz until it answers 200, the child exits or the bound passes.
func (s *system) waitReady(ctx context.Context, c *child, bound time.Duration) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(bound)
	for time.Now().Before(deadline) {
		if resp, err := hc.Get(s.base + "/readyz"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("motcua %s exited while starting: see %s", c.name, filepath.Join(s.dir, c.name+".log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("motcua %s was not ready within %s: see %s", c.name, bound, filepath.Join(s.dir, c.name+".log"))
}

// kill sends SIGKILL to the child's process group and waits for its end.
func (c *child) kill() {
	if c == nil {
		return
	}
	c.killed.Store(true)
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	<-c.done
}

// signal sends sig to the child alone.
func (c *child) signal(sig syscall.Signal) error { return syscall.Kill(c.cmd.Process.Pid, sig) }

// exitedUnasked reports whether the child ended without the suite killing it.
func (c *child) exitedUnasked() bool {
	select {
	case <-c.done:
		return !c.killed.Load()
	default:
		return false
	}
}

func (s *system) current() (run, worker *child) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run, s.worker
}

// stop ends everything the suite started: the children, then the cluster.
func (s *system) stop() {
	run, worker := s.current()
	worker.kill()
	run.kill()
	if s.pg != nil {
		if err := s.pg.Stop("immediate"); err != nil {
			s.log.Error("stop the private PostgreSQL", "err", err)
		}
	}
}
