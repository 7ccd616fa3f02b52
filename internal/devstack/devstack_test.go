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

	"github.com/jackc/pgx/v5"
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

func TestUnreachableDatabaseURLIsAConfigError(t *testing.T) {
	port, _ := FreePort() // nothing listens there
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

// TestClusterCrashesAndStartsAgainOnItsPort: the fault suite stops its cluster (fast or
// as a crash) and starts it again; the same URL then reaches the same data.
func TestClusterCrashesAndStartsAgainOnItsPort(t *testing.T) {
	if _, err := findPostgresBin(); err != nil {
		t.Skipf("no PostgreSQL binaries: %v", err)
	}
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	c, err := StartCluster(ctx, dir+"/pg", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop("immediate")
	url := WithDatabase(c.URL(), "postgres")
	if err := ping(ctx, url); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"fast", "immediate"} {
		if err := c.Stop(mode); err != nil {
			t.Fatalf("stop -m %s: %v", mode, err)
		}
		if err := ping(ctx, url); err == nil {
			t.Fatalf("stop -m %s: the server still answers", mode)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatalf("start after stop -m %s: %v", mode, err)
		}
		if err := ping(ctx, url); err != nil {
			t.Fatalf("after stop -m %s and start, %s does not answer: %v", mode, url, err)
		}
	}
}
