package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"motcua/internal/devstack"
	"motcua/internal/store/storetest"
)

func adminURL(t testing.TB) string { return storetest.AdminURL(t) }

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
		_ = devstack.DropDatabase(context.Background(), admin, db)
		_ = devstack.DropDatabase(context.Background(), admin, vis)
	})
	port, err := devstack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{AdminURL: admin, Database: db, VisibilityDatabase: vis, Namespace: "motcua-test",
		FrontendAddr: fmt.Sprintf("127.0.0.1:%d", port), Logger: testLogger(t)}

	srv, err := Start(ctx, opts)
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
	srv, err = Start(ctx, opts)
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
	port, _ := devstack.FreePort()
	l, err := devstack.Listen(port)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Start(context.Background(), Options{AdminURL: admin, FrontendAddr: fmt.Sprintf("127.0.0.1:%d", port)})
	var ce *devstack.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
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

// TestStartTriesOtherPortsWhenOneIsTaken: a service port taken between being found
// free and being bound (here, held by the test) makes the membership library call the
// logger's Fatal; the start is tried again on other ports and the server runs.
func TestStartTriesOtherPortsWhenOneIsTaken(t *testing.T) {
	admin := adminURL(t)
	db, vis := randomName("t_temporal"), randomName("t_temporal_vis")
	t.Cleanup(func() {
		_ = devstack.DropDatabase(context.Background(), admin, db)
		_ = devstack.DropDatabase(context.Background(), admin, vis)
	})
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	picks := 0
	opts := Options{AdminURL: admin, Database: db, VisibilityDatabase: vis, Namespace: "motcua-test",
		FrontendAddr: "127.0.0.1:0", Logger: testLogger(t),
		pickPorts: func() ([]int, error) {
			picks++
			ports, err := servicePorts()
			if picks == 1 && err == nil {
				ports[0] = held.Addr().(*net.TCPAddr).Port // the frontend's membership port
			}
			return ports, err
		}}
	srv, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start with a taken port: %v", err)
	}
	defer srv.Stop()
	if picks != 2 {
		t.Errorf("ports were picked %d times, want 2 (the first set had a taken port)", picks)
	}
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(), Logger: quietSDKLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WorkflowService().DescribeNamespace(context.Background(), &workflowservice.DescribeNamespaceRequest{Namespace: srv.Namespace()}); err != nil {
		t.Errorf("the server started on the second try does not answer: %v", err)
	}
}
