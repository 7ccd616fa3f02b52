package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ActorID    int64 // 0 for the system
	Action     string
	ObjectType string
	ObjectID   string
	Detail     map[string]any
}

// auditLock serializes writers of the hash chain.
const auditLock = 0x61756469 // "audi"

// Audit appends an entry to the audit log inside tx. Each entry's hash covers its
// content and the previous entry's hash, so that removing or changing a row breaks the
// chain (VerifyAudit finds it).
func Audit(ctx context.Context, tx pgx.Tx, e AuditEntry) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", auditLock); err != nil {
		return fmt.Errorf("audit %s: lock: %w", e.Action, err)
	}
	prev := make([]byte, sha256.Size)
	if err := tx.QueryRow(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&prev); err != nil && err != pgx.ErrNoRows {
		return fmt.Errorf("audit %s: read chain: %w", e.Action, err)
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	var actor *int64
	if e.ActorID != 0 {
		actor = &e.ActorID
	}
	// The detail is hashed as stored (jsonb normalizes it), so read it back canonical.
	var canonical string
	if err := tx.QueryRow(ctx, "SELECT $1::jsonb::text", string(detail)).Scan(&canonical); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	h := auditHash(prev, at, e.ActorID, e.Action, e.ObjectType, e.ObjectID, canonical)
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, action, object_type, object_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, at, actor, e.Action, e.ObjectType, e.ObjectID, canonical, prev, h)
	if err != nil {
		return fmt.Errorf("audit %s: insert: %w", e.Action, err)
	}
	return nil
}

func auditHash(prev []byte, at time.Time, actor int64, action, objType, objID, detail string) []byte {
	h := sha256.New()
	h.Write(prev)
	fmt.Fprintf(h, "\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s", at.UTC().Format(time.RFC3339Nano), actor, action, objType, objID, detail)
	return h.Sum(nil)
}

// VerifyAudit walks the whole audit log and returns the id of the first row whose hash
// does not follow from its content and its predecessor, or 0 if the chain is intact.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	c, err := s.CheckAudit(ctx)
	return c.Broken.ID, err
}

// AuditRow names one row of the audit log.
type AuditRow struct {
	ID         int64
	At         time.Time
	Action     string
	ObjectType string
	ObjectID   string
}

// AuditCheck is what a walk of the audit log's hash chain found: how many rows were
// checked, and the first broken one (ID 0 when the chain is intact).
type AuditCheck struct {
	Rows   int64
	Broken AuditRow
}

// CheckAudit walks the whole audit log, as `motcua audit verify` and the
// administration page do, and names the first row whose hash does not follow from its
// content and its predecessor: that row was changed, or one before it removed.
func (s *Store) CheckAudit(ctx context.Context) (AuditCheck, error) {
	var c AuditCheck
	rows, err := s.pool.Query(ctx, `SELECT id, at, COALESCE(actor_id, 0), action, object_type, object_id, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return AuditCheck{}, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	prev := make([]byte, sha256.Size)
	for rows.Next() {
		var id, actor int64
		var at time.Time
		var action, ot, oid, detail string
		var ph, h []byte
		if err := rows.Scan(&id, &at, &actor, &action, &ot, &oid, &detail, &ph, &h); err != nil {
			return AuditCheck{}, fmt.Errorf("verify audit: %w", err)
		}
		c.Rows++
		if string(ph) != string(prev) || string(h) != string(auditHash(prev, at, actor, action, ot, oid, detail)) {
			c.Broken = AuditRow{ID: id, At: at, Action: action, ObjectType: ot, ObjectID: oid}
			return c, nil
		}
		prev = h
	}
	if err := rows.Err(); err != nil {
		return AuditCheck{}, fmt.Errorf("verify audit: %w", err)
	}
	return c, nil
}

// Tx runs fn in a transaction.
func (s *Store) Tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}
