package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// Revocation says that a dossier's issued result is no longer in force: revoked, or
// replaced by another document (Decree 30/2020 art. 18).
type Revocation struct {
	DossierID  int64
	Code       motcua.DossierCode
	DocumentID string // the issued result that was withdrawn
	Kind       string // RevocationRevoked or RevocationReplaced
	Reason     string
	At         time.Time
	ByID       int64
	ReplacedBy string // the replacing document, when there is one
}

// The kinds of revocation.
const (
	RevocationRevoked  = "revoked"
	RevocationReplaced = "replaced"
)

// ErrNotIssued answers a revocation of a dossier that has no issued result.
var ErrNotIssued = motcua.Errorf(motcua.ECONFLICT, "Hồ sơ chưa có kết quả đã ban hành nên không có gì để thu hồi.")

// ErrAlreadyRevoked answers a second revocation of the same result.
var ErrAlreadyRevoked = motcua.Errorf(motcua.ECONFLICT, "Kết quả của hồ sơ này đã bị thu hồi hoặc thay thế.")

// RevokeResult marks the dossier's newest issued result (numbered) revoked or replaced,
// in one transaction with its audit entry. A second revocation is refused.
func (s *Store) RevokeResult(ctx context.Context, r Revocation) (Revocation, error) {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT d.id::text FROM documents d WHERE d.dossier_id = $1 AND d.kind = $2
			AND d.number IS NOT NULL ORDER BY d.seq DESC LIMIT 1 FOR UPDATE`, r.DossierID, motcua.DocResult).Scan(&r.DocumentID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotIssued
		}
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO result_revocations (dossier_id, document_id, kind, reason, revoked_at, revoked_by, replaced_by)
			VALUES ($1, $2::uuid, $3, $4, $5, $6, $7::uuid) ON CONFLICT (dossier_id) DO NOTHING`,
			r.DossierID, r.DocumentID, r.Kind, r.Reason, r.At.UTC(), r.ByID, nullText(r.ReplacedBy))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrAlreadyRevoked
		}
		return Audit(ctx, tx, AuditEntry{ActorID: r.ByID, Action: "result." + r.Kind, ObjectType: "dossier",
			ObjectID: string(r.Code), Detail: map[string]any{"document": r.DocumentID, "reason": r.Reason}})
	})
	if err != nil {
		return Revocation{}, fmt.Errorf("revoke the result of %s: %w", r.Code, err)
	}
	return r, nil
}

// RevocationOf returns the revocation of a dossier's result; ok is false when the
// result is in force.
func (s *Store) RevocationOf(ctx context.Context, dossierID int64) (r Revocation, ok bool, err error) {
	var replaced *string
	err = s.pool.QueryRow(ctx, `SELECT r.dossier_id, x.code, r.document_id::text, r.kind, r.reason, r.revoked_at, r.revoked_by, r.replaced_by::text
		FROM result_revocations r JOIN dossiers x ON x.id = r.dossier_id WHERE r.dossier_id = $1`, dossierID).
		Scan(&r.DossierID, &r.Code, &r.DocumentID, &r.Kind, &r.Reason, &r.At, &r.ByID, &replaced)
	if errors.Is(err, pgx.ErrNoRows) {
		return Revocation{}, false, nil
	}
	if err != nil {
		return Revocation{}, false, fmt.Errorf("revocation of dossier %d: %w", dossierID, err)
	}
	if replaced != nil {
		r.ReplacedBy = *replaced
	}
	return r, true, nil
}

// IssuedMatch is one of our documents whose bytes are exactly a PDF someone verifies.
type IssuedMatch struct {
	DocumentID string
	DossierID  int64
	Code       motcua.DossierCode
	Kind       motcua.DocumentKind
	Number     string
}

// DocumentByContent finds the document motcua stored with exactly these bytes (the
// newest, if several dossiers hold the same bytes); ok is false when none does.
func (s *Store) DocumentByContent(ctx context.Context, data []byte) (m IssuedMatch, ok bool, err error) {
	sum := sha256.Sum256(data)
	err = s.pool.QueryRow(ctx, `SELECT d.id::text, d.dossier_id, x.code, d.kind, coalesce(d.number, '')
		FROM documents d JOIN dossiers x ON x.id = d.dossier_id WHERE d.sha256 = $1
		ORDER BY d.created_at DESC LIMIT 1`, sum[:]).
		Scan(&m.DocumentID, &m.DossierID, &m.Code, &m.Kind, &m.Number)
	if errors.Is(err, pgx.ErrNoRows) {
		return IssuedMatch{}, false, nil
	}
	if err != nil {
		return IssuedMatch{}, false, fmt.Errorf("find a document by its content: %w", err)
	}
	return m, true, nil
}
