package store_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestUnavailableTellsAnOutageFromAFault: what PostgreSQL answers when it is away (a
// refused connection, the server terminating the session with 57P01, a connection
// closed under a query) is "unavailable", so the HTTP layer answers 503; what a wrong
// query or a missing row gives is not, so a defect still answers 500.
func TestUnavailableTellsAnOutageFromAFault(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDatabase(t)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, refused := pgx.Connect(cctx, fmt.Sprintf("postgres://motcua@%s/motcua?connect_timeout=2", closed))

	// The server ends a session (what a fast or immediate restart does to every one).
	victim, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close(ctx)
	admin, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", victim.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	_, terminated := victim.Exec(ctx, "SELECT 1")
	// And the next query on the same, now closed, connection.
	_, afterwards := victim.Exec(ctx, "SELECT 1")

	_, syntax := admin.Exec(ctx, "SELEC 1")
	var n int
	noRows := admin.QueryRow(ctx, "SELECT 1 WHERE false").Scan(&n)
	_, _ = admin.Exec(ctx, "CREATE TABLE u (k int PRIMARY KEY); INSERT INTO u VALUES (1)")
	_, dup := admin.Exec(ctx, "INSERT INTO u VALUES (1)")

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"session terminated by the server", terminated, true},
		{"query on the closed connection", afterwards, true},
		{"wrapped", fmt.Errorf("read inbox: %w", refused), true},
		{"deadline while waiting for a connection", fmt.Errorf("acquire: %w", context.DeadlineExceeded), true},
		{"syntax error", syntax, false},
		{"no rows", noRows, false},
		{"unique violation", dup, false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want && tc.err == nil {
				t.Fatal("the outage gave no error")
			}
			if got := store.Unavailable(tc.err); got != tc.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
