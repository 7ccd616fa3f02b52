package embedded

import (
	"context"
	"fmt"
	"motcua/internal/devstack"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/common/config"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite" // for the comparison only
	"go.temporal.io/server/schema/sqlite"
)

// startSQLiteFile starts the same embedded server on a SQLite file, the way the Temporal
// CLI's dev server persists, for comparison with PostgreSQL.
func startSQLiteFile(ctx context.Context, t testing.TB, path string) *Server {
	t.Helper()
	sqlCfg := &config.SQL{PluginName: "sqlite", DatabaseName: path, ConnectAttributes: map[string]string{"mode": "rwc"}}
	if err := sqlite.SetupSchema(sqlCfg); err != nil {
		t.Fatal(err)
	}
	persistence := config.Persistence{DefaultStore: "sqlite", VisibilityStore: "sqlite", NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{"sqlite": {SQL: sqlCfg}}}
	port, _ := devstack.FreePort()
	srv, err := startServer(ctx, "127.0.0.1", port, persistence,
		Options{Namespace: "bench", Retention: 24 * time.Hour, pickPorts: servicePorts}, newServerLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func benchActivity(ctx context.Context, n int) (int, error) { return n + 1, nil }

// benchWorkflow runs two activities in sequence: the shape of a small real workflow.
func benchWorkflow(ctx workflow.Context, n int) (int, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	for range 2 {
		if err := workflow.ExecuteActivity(ctx, benchActivity, n).Get(ctx, &n); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// throughput starts total workflows from 16 goroutines and waits for all to finish.
func throughput(b *testing.B, hostPort, namespace string, total int) float64 {
	c, err := client.Dial(client.Options{HostPort: hostPort, Namespace: namespace, Logger: quietSDKLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "bench", worker.Options{})
	w.RegisterWorkflow(benchWorkflow)
	w.RegisterActivity(benchActivity)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	jobs := make(chan int)
	errs := make(chan error, total)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("bench-%d-%d", start.UnixNano(), i), TaskQueue: "bench"}, benchWorkflow, i)
				if err == nil {
					err = run.Get(ctx, nil)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(total) / time.Since(start).Seconds()
}

// BenchmarkEmbeddedTemporal compares the embedded server's throughput on PostgreSQL and
// on a SQLite file: workflows of two activities each, 16 at a time, completed per second.
// Run with -benchtime=1x; the figure is the wfps metric.
func BenchmarkEmbeddedTemporal(b *testing.B) {
	const total = 300
	b.Run("postgres", func(b *testing.B) {
		admin := adminURL(b)
		db, vis := randomName("b_temporal"), randomName("b_temporal_vis")
		defer devstack.DropDatabase(context.Background(), admin, db)
		defer devstack.DropDatabase(context.Background(), admin, vis)
		srv, err := Start(context.Background(), Options{AdminURL: admin, Database: db, VisibilityDatabase: vis,
			Namespace: "bench", FrontendAddr: "127.0.0.1:0"})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Stop()
		for range b.N {
			b.ReportMetric(throughput(b, srv.HostPort(), "bench", total), "wfps")
		}
	})
	b.Run("sqlite-file", func(b *testing.B) {
		srv := startSQLiteFile(context.Background(), b, filepath.Join(b.TempDir(), "temporal.db"))
		defer srv.Stop()
		for range b.N {
			b.ReportMetric(throughput(b, srv.HostPort(), "bench", total), "wfps")
		}
	})
}
