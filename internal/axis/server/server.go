// Package server is the development document axis: a real HTTP service speaking
// internal/axis's protocol, with agencies that log in with a secret (stored as a bcrypt
// hash), one queue per agency, and everything persisted in PostgreSQL, so that two
// motcua instances (two agencies, two databases) exchange documents for real.
// `motcua run` starts it in-process and `motcua axis` runs it alone.
//
// It keeps its tables in a database of its own, never in motcua's: the axis is another
// party. Two motcua instances share one axis, and production motcua has no axis tables
// at all. It is not the national axis: no signatures are checked, and an agency's secret
// is its only credential.
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"motcua/internal/axis"
	"motcua/internal/edxml"
)

//go:embed schema.sql
var schema string

// schemaLock is the advisory lock that serializes two servers creating the schema.
const schemaLock = 0x61786973 // "axis"

// Options configure a Server. The zero value is usable.
type Options struct {
	// Limits bound the envelopes the axis accepts (zero: edxml.DefaultLimits()).
	Limits edxml.Limits
	// Logger receives one line per refused or failed call; discarded when nil.
	Logger *slog.Logger
	// Now is the clock of sent and acknowledged times; time.Now when nil.
	Now func() time.Time
}

// Server is the development axis over its database. Safe for concurrent use.
type Server struct {
	pool   *pgxpool.Pool
	limits edxml.Limits
	log    *slog.Logger
	now    func() time.Time

	// verified remembers, per agency, the SHA-256 of the last secret bcrypt accepted, so
	// that an agency polling its queue pays bcrypt once, not on every call.
	mu       sync.Mutex
	verified map[string][32]byte
}

// Open connects to the axis's database at url and creates its tables when missing.
func Open(ctx context.Context, url string, o Options) (*Server, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("axis: open database: %w", err)
	}
	s := &Server{pool: pool, limits: o.Limits, log: o.Logger, now: o.Now, verified: map[string][32]byte{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limits == (edxml.Limits{}) {
		s.limits = edxml.DefaultLimits()
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", schemaLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, schema)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("axis: create schema: %w", err)
	}
	return s, nil
}

// Close closes the database connections.
func (s *Server) Close() { s.pool.Close() }

// EnsureAgency creates the agency, or renames it and sets its secret.
func (s *Server) EnsureAgency(ctx context.Context, a axis.Agency, secret string) error {
	if a.ID == "" || len(a.ID) > 13 || a.Name == "" || secret == "" {
		return fmt.Errorf("axis: agency %q: ID (at most 13 characters), name and secret are required", a.ID)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("axis: hash secret of %s: %w", a.ID, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO axis_agencies (id, name, secret_hash) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash`, a.ID, a.Name, h)
	if err != nil {
		return fmt.Errorf("axis: save agency %s: %w", a.ID, err)
	}
	s.mu.Lock()
	delete(s.verified, a.ID)
	s.mu.Unlock()
	return nil
}

// Agencies lists the agencies, by ID.
func (s *Server) Agencies(ctx context.Context) ([]axis.Agency, error) {
	rows, _ := s.pool.Query(ctx, "SELECT id, name FROM axis_agencies ORDER BY id")
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[axis.Agency])
	if err != nil {
		return nil, fmt.Errorf("axis: list agencies: %w", err)
	}
	return out, nil
}

// dummyHash is compared against when the agency is unknown, so that an unknown agency
// takes as long to refuse as a wrong secret.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such agency"), bcrypt.MinCost)

// authenticate checks an agency's secret.
func (s *Server) authenticate(ctx context.Context, id, secret string) (bool, error) {
	sum := sha256.Sum256([]byte(secret))
	s.mu.Lock()
	known, ok := s.verified[id]
	s.mu.Unlock()
	if ok && subtle.ConstantTimeCompare(known[:], sum[:]) == 1 {
		return true, nil
	}
	var hash []byte
	err := s.pool.QueryRow(ctx, "SELECT secret_hash FROM axis_agencies WHERE id = $1", id).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(secret))
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("axis: read agency %s: %w", id, err)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(secret)) != nil {
		return false, nil
	}
	s.mu.Lock()
	s.verified[id] = sum
	s.mu.Unlock()
	return true, nil
}
