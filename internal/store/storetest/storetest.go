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
