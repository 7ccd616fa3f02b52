package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// adminURL is the PostgreSQL the tests create their databases on.
func adminURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	if err := ping(context.Background(), LocalURL); err != nil {
		t.Skipf("no PostgreSQL on localhost:5432 and DATABASE_URL unset: %v", err)
	}
	return LocalURL
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
}

// waitForSignal is a workflow that waits for a signal and returns its payload: its
// state between start and signal exists only in Temporal's persistence.
func waitForSignal(ctx workflow.Context) (string, error) {
	var got string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &got)
	return "got " + got, nil
}

func TestWorkflowSurvivesServerRestart(t *testing.T) {
	admin := adminURL(t)
	ctx := context.Background()
	db, vis := randomName("t_temporal"), randomName("t_temporal_vis")
	t.Cleanup(func() {
		_ = DropDatabase(context.Background(), admin, db)
		_ = DropDatabase(context.Background(), admin, vis)
	})
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := TemporalOptions{AdminURL: admin, Database: db, VisibilityDatabase: vis, Namespace: "motcua-test",
		FrontendAddr: fmt.Sprintf("127.0.0.1:%d", port), Logger: testLogger(t)}

	srv, err := StartTemporal(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(), Logger: quietSDKLogger()})
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "restart-test", TaskQueue: "q"}, waitForSignal)
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(c, "q", worker.Options{})
	w.RegisterWorkflow(waitForSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	// Let the first workflow task run, so the workflow is mid-way when the server stops.
	waitFor(t, func() bool {
		d, err := c.DescribeWorkflowExecution(ctx, "restart-test", "")
		return err == nil && d.GetPendingWorkflowTask() == nil && d.GetWorkflowExecutionInfo().GetHistoryLength() >= 4
	})
	w.Stop()
	c.Close()
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Start again on the same databases: the schema step finds nothing to do, the
	// namespace exists, and the workflow is still there.
	srv, err = StartTemporal(ctx, opts)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer srv.Stop()
	c, err = client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(), Logger: quietSDKLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w = worker.New(c, "q", worker.Options{})
	w.RegisterWorkflow(waitForSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, "restart-test", run.GetRunID(), "go", "after restart"); err != nil {
		t.Fatalf("signal after restart: %v", err)
	}
	var result string
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	if err := c.GetWorkflow(rctx, "restart-test", run.GetRunID()).Get(rctx, &result); err != nil {
		t.Fatal(err)
	}
	t.Logf("completed %v after the signal", time.Since(start))
	if result != "got after restart" {
		t.Fatalf("result = %q", result)
	}
}

func TestPortInUseIsAConfigError(t *testing.T) {
	admin := adminURL(t)
	port, _ := freePort()
	l, err := listen(port)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = StartTemporal(context.Background(), TemporalOptions{AdminURL: admin, FrontendAddr: fmt.Sprintf("127.0.0.1:%d", port)})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
}

func TestUnreachableDatabaseURLIsAConfigError(t *testing.T) {
	port, _ := freePort() // nothing listens there
	_, err := StartPostgres(context.Background(), PostgresOptions{DatabaseURL: fmt.Sprintf("postgres://x@127.0.0.1:%d/db", port)})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
}

func TestPrivateClusterStartsStopsAndRestarts(t *testing.T) {
	if _, err := findPostgresBin(); err != nil {
		t.Skipf("no PostgreSQL binaries: %v", err)
	}
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// The unprivileged PostgreSQL user must reach the directory.
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	for round := 1; round <= 2; round++ {
		c, err := startCluster(ctx, dir+"/pg", testLogger(t))
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		p := &Postgres{URL: c.url(), Source: "private", cluster: c}
		if err := EnsureDatabase(ctx, p.URL, "motcua"); err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, p.DatabaseURL("motcua"))
		if err != nil {
			t.Fatal(err)
		}
		if round == 1 {
			_, err = conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('còn đây')")
		} else {
			var v string
			err = conn.QueryRow(ctx, "SELECT v FROM kept").Scan(&v)
			if err == nil && v != "còn đây" {
				err = fmt.Errorf("v = %q", v)
			}
		}
		conn.Close(ctx)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if err := p.Stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if out, _ := exec.Command("pgrep", "-f", dir).Output(); len(out) > 0 {
			t.Fatalf("PostgreSQL processes left after stop: %s", out)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
