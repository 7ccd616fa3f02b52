package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"motcua"
	"motcua/internal/devstack"
	"motcua/internal/load"
	"motcua/internal/store/storetest"
)

// TestMain lets the test binary be `motcua` itself when MOTCUA_TEST_AS_MOTCUA=1, so
// that a test can start a second motcua process (a `motcua worker`) without building
// the binary again.
func TestMain(m *testing.M) {
	if os.Getenv("MOTCUA_TEST_AS_MOTCUA") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestRunIsTheFrontendOfAnExtraWorker scales the engine out: `motcua run` serves its
// embedded Temporal frontend on the stable port -temporal-port, and a second process,
// `motcua worker` with TEMPORAL_ADDRESS set to it (and run's database, payload key and
// signature service), polls the same task queue. Dossiers driven over HTTP through
// their whole path all complete, and their histories show tasks taken by the extra
// worker's process (the SDK's identity is PID@host) as well as by run's own worker.
func TestRunIsTheFrontendOfAnExtraWorker(t *testing.T) {
	admin := storetest.AdminURL(t)
	db := storetest.NewDatabase(t)
	suffix := make([]byte, 5)
	_, _ = rand.Read(suffix)
	tdb, vdb := "temporal_test_"+hex.EncodeToString(suffix), "temporal_vis_test_"+hex.EncodeToString(suffix)
	t.Cleanup(func() {
		for _, name := range []string{tdb, vdb} {
			if err := devstack.DropDatabase(context.Background(), admin, name); err != nil {
				t.Errorf("drop %s: %v", name, err)
			}
		}
	})
	key := make([]byte, 32)
	token := make([]byte, 16)
	_, _ = rand.Read(key)
	_, _ = rand.Read(token)
	httpPort, temporalPort, signerPort := freePort(t), freePort(t), freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	frontend := fmt.Sprintf("127.0.0.1:%d", temporalPort)
	signer := fmt.Sprintf("127.0.0.1:%d", signerPort)
	vars := map[string]string{"DATABASE_URL": db, "MOTCUA_LOCAL_DATABASE_URL": admin, "TEMPORAL_DB": tdb, "TEMPORAL_VISIBILITY_DB": vdb,
		"MOTCUA_PAYLOAD_KEYS": base64.StdEncoding.EncodeToString(key), "MOTCUA_SIGNER_TOKEN": hex.EncodeToString(token)}
	r := startRun(t, vars, "-addr", fmt.Sprintf("127.0.0.1:%d", httpPort), "-data", t.TempDir(), "-temporal-port", fmt.Sprint(temporalPort),
		"-signer-addr", signer, "-axis-addr", "127.0.0.1:0", "-log-level", "warn")
	defer r.stop(t)
	waitReady(t, r, url)

	// The extra worker: another process, on run's frontend.
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || strings.HasPrefix(k, "MOTCUA_") || strings.HasPrefix(k, "TEMPORAL_") {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	env = append(env, "MOTCUA_TEST_AS_MOTCUA=1", "TEMPORAL_ADDRESS="+frontend, "MOTCUA_SIGNER_URL=http://"+signer)
	var wout syncBuffer
	cmd := exec.Command(os.Args[0], "worker", "-data", t.TempDir(), "-log-level", "info")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &wout, &wout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(wout.String(), "worker running"); {
		select {
		case <-exited:
			t.Fatalf("motcua worker exited while starting:\n%s", wout.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("motcua worker not running within 2 minutes:\n%s", wout.String())
		}
	}

	const n = 6
	res, err := load.Run(context.Background(), load.Config{URL: url, N: n, C: 3, Duration: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path.Dossiers != n {
		t.Fatalf("%d of %d dossiers finished: %v\nworker:\n%s", res.Path.Dossiers, n, res.Path.Errors, wout.String())
	}

	// Who took the tasks: the histories name the poller of every task started.
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `SELECT code FROM dossiers ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(codes) != n {
		t.Fatalf("dossiers in the database: %v %v", codes, err)
	}
	c, err := client.Dial(client.Options{HostPort: frontend, Logger: sdklog.NewStructuredLogger(devnull())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	extra := fmt.Sprintf("%d@", cmd.Process.Pid)
	own := fmt.Sprintf("%d@", os.Getpid())
	tasks := map[string]int{}
	for _, code := range codes {
		id := motcua.DossierCode(code).WorkflowID()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := c.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
			cancel()
			t.Fatalf("%s did not complete: %v", id, err)
		}
		it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			var who string
			if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
				who = a.GetIdentity()
			} else if w := e.GetWorkflowTaskStartedEventAttributes(); w != nil {
				who = w.GetIdentity()
			} else {
				continue
			}
			switch {
			case strings.HasPrefix(who, extra):
				tasks["extra worker"]++
			case strings.HasPrefix(who, own):
				tasks["run's worker"]++
			default:
				tasks[who]++
			}
		}
		cancel()
	}
	t.Logf("tasks started, by process: %v", tasks)
	if tasks["extra worker"] == 0 {
		t.Errorf("the extra motcua worker took no task of %d dossiers: %v", n, tasks)
	}
	if tasks["run's worker"] == 0 {
		t.Errorf("run's own worker took no task: %v", tasks)
	}
}
