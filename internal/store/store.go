// Package store is motcua's PostgreSQL: the connection pool, the embedded SQL migrations,
// and the records and read models the rest of the system reads and writes. SQL is plain
// SQL next to the function that runs it; there is no ORM.
//
// The store owns records, not progress: which step a dossier is at and who may act next
// is decided by its workflow; the store keeps what happened.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"motcua"
)

// Store is the PostgreSQL store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	// workingMinutes counts the working time from a receipt to a resolution for the
	// reports' average (SetWorkingTime); weekdayMinutes until the calendar is set.
	workingMinutes func(from, to time.Time) int64
}

// Open connects to the database at url. It does not migrate: call Migrate.
func Open(ctx context.Context, url string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") && cfg.MaxConns < 20 {
		// pgx's default (4 on 2 cores) is too few for an API whose requests wait on
		// Temporal while others read.
		cfg.MaxConns = 20
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &Store{pool: pool, log: log, workingMinutes: weekdayMinutes}, nil
}

// Close closes every connection.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Pool exposes the pool to the store's own tests and to benchmarks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// notFound turns pgx.ErrNoRows into a motcua ENOTFOUND error with msg.
func notFound(err error, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return &motcua.Error{Code: motcua.ENOTFOUND, Message: msg, Err: err}
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
