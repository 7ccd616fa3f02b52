// Package storetest gives each test its own PostgreSQL database, migrated, and drops it
// when the test ends, so tests never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"motcua/internal/devstack"
	"motcua/internal/store"
)

// AdminURL is the PostgreSQL server tests create databases on: DATABASE_URL, else
// localhost:5432. The test is skipped when neither answers, unless CI is set, where a
// missing database is a failure.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		u = devstack.LocalURL
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s: %v", devstack.Redact(u), err)
		}
		t.Skipf("no PostgreSQL at %s: %v", devstack.Redact(u), err)
	}
	conn.Close(context.Background())
	return u
}

// NewDatabase creates an empty database with a random name and returns its URL; it is
// dropped at the end of the test.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "motcua_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if err := devstack.EnsureDatabase(ctx, admin, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := devstack.DropDatabase(context.Background(), admin, name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return devstack.WithDatabase(admin, name)
}

// New returns a Store on a new, migrated database of its own.
func New(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, NewDatabase(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// NewSeeded returns New with the demo organization and accounts.
func NewSeeded(t testing.TB) *store.Store {
	t.Helper()
	s := New(t)
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// Kept returns a Store on the database name, migrated, which is not dropped at the end
// of the test: benchmarks keep a large load between runs with it. fresh says the
// database was created now (seeded with the demo organization, to be loaded).
func Kept(t testing.TB, name string) (s *store.Store, fresh bool) {
	t.Helper()
	admin := AdminURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := devstack.EnsureDatabase(ctx, admin, name); err != nil {
		t.Fatal(err)
	}
	if s, err = store.Open(ctx, devstack.WithDatabase(admin, name), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if !exists {
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return s, !exists
}
