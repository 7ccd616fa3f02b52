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
	Kind       string // RevocationRevoked, RevocationReplaced or RevocationCorrected
	Reason     string
	At         time.Time
	ByID       int64
	ReplacedBy string // the replacing document or the correction notice, when there is one
	// NewNumber and NewIssuedAt are the replacing document's (or notice's) number and
	// date, read back with the revocation.
	NewNumber   string
	NewIssuedAt *time.Time
}

// The kinds of revocation.
const (
	RevocationRevoked  = "revoked"
	RevocationReplaced = "replaced"
	// RevocationCorrected: a correction notice (đính chính) amends the result, which
	// stays in force.
	RevocationCorrected = "corrected"
)

// ErrNotIssued answers a revocation of a dossier that has no issued result.
var ErrNotIssued = motcua.Errorf(motcua.ECONFLICT, "Hồ sơ chưa có kết quả đã ban hành nên không có gì để thu hồi.")

// ErrAlreadyRevoked answers a second revocation of the same result.
var ErrAlreadyRevoked = motcua.Errorf(motcua.ECONFLICT, "Kết quả của hồ sơ này đã bị thu hồi hoặc thay thế.")

// RevokeResult marks the dossier's newest issued result (numbered) revoked or replaced
// (or r.DocumentID, when set), in one transaction with its audit entry. A second
// revocation is refused; a corrected result may still be revoked or replaced.
func (s *Store) RevokeResult(ctx context.Context, r Revocation) (Revocation, error) {
	err := s.Tx(ctx, func(tx pgx.Tx) error { return revokeResult(ctx, tx, &r) })
	if err != nil {
		return Revocation{}, fmt.Errorf("revoke the result of %s: %w", r.Code, err)
	}
	return r, nil
}

func revokeResult(ctx context.Context, tx pgx.Tx, r *Revocation) error {
	if r.DocumentID == "" {
		err := tx.QueryRow(ctx, `SELECT d.id::text FROM documents d WHERE d.dossier_id = $1 AND d.kind = $2
			AND d.number IS NOT NULL ORDER BY d.seq DESC LIMIT 1 FOR UPDATE`, r.DossierID, motcua.DocResult).Scan(&r.DocumentID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotIssued
		}
		if err != nil {
			return err
		}
	}
	tag, err := tx.Exec(ctx, `INSERT INTO result_revocations (dossier_id, document_id, kind, reason, revoked_at, revoked_by, replaced_by)
		VALUES ($1, $2::uuid, $3, $4, $5, $6, $7::uuid)
		ON CONFLICT (document_id) DO UPDATE SET kind = EXCLUDED.kind, reason = EXCLUDED.reason, revoked_at = EXCLUDED.revoked_at,
			revoked_by = EXCLUDED.revoked_by, replaced_by = EXCLUDED.replaced_by, portal_told_at = NULL, portal_attempts = 0,
			portal_next_attempt_at = NULL, portal_last_error = NULL
		WHERE result_revocations.kind = 'corrected' AND EXCLUDED.kind <> 'corrected'`,
		r.DossierID, r.DocumentID, r.Kind, r.Reason, r.At.UTC(), r.ByID, nullText(r.ReplacedBy))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrAlreadyRevoked
	}
	return Audit(ctx, tx, AuditEntry{ActorID: r.ByID, Action: "result." + r.Kind, ObjectType: "dossier",
		ObjectID: string(r.Code), Detail: map[string]any{"document": r.DocumentID, "reason": r.Reason, "replacedBy": r.ReplacedBy}})
}

// RevocationOf returns what became of the issued result that a document of a dossier
// at sequence seq stands for (a draft, the signed or the numbered copy: the first
// numbered result at or after seq); ok is false when that result is in force (or
// none was issued yet).
func (s *Store) RevocationOf(ctx context.Context, dossierID int64, seq int) (r Revocation, ok bool, err error) {
	var replaced, newNumber *string
	err = s.pool.QueryRow(ctx, `WITH target AS (SELECT id FROM documents WHERE dossier_id = $1 AND kind = $2
			AND number IS NOT NULL AND seq >= $3 ORDER BY seq LIMIT 1)
		SELECT r.dossier_id, x.code, r.document_id::text, r.kind, r.reason, r.revoked_at, r.revoked_by, r.replaced_by::text,
			n.number, n.created_at
		FROM target t JOIN result_revocations r ON r.document_id = t.id JOIN dossiers x ON x.id = r.dossier_id
		LEFT JOIN documents n ON n.id = r.replaced_by`, dossierID, motcua.DocResult, seq).
		Scan(&r.DossierID, &r.Code, &r.DocumentID, &r.Kind, &r.Reason, &r.At, &r.ByID, &replaced, &newNumber, &r.NewIssuedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Revocation{}, false, nil
	}
	if err != nil {
		return Revocation{}, false, fmt.Errorf("revocation of dossier %d: %w", dossierID, err)
	}
	if replaced != nil {
		r.ReplacedBy = *replaced
	}
	if newNumber != nil {
		r.NewNumber = *newNumber
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
	Seq        int
}

// DocumentByContent finds the document motcua stored with exactly these bytes (the
// newest, if several dossiers hold the same bytes); ok is false when none does.
func (s *Store) DocumentByContent(ctx context.Context, data []byte) (m IssuedMatch, ok bool, err error) {
	sum := sha256.Sum256(data)
	err = s.pool.QueryRow(ctx, `SELECT d.id::text, d.dossier_id, x.code, d.kind, coalesce(d.number, ''), d.seq
		FROM documents d JOIN dossiers x ON x.id = d.dossier_id WHERE d.sha256 = $1
		ORDER BY d.created_at DESC LIMIT 1`, sum[:]).
		Scan(&m.DocumentID, &m.DossierID, &m.Code, &m.Kind, &m.Number, &m.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return IssuedMatch{}, false, nil
	}
	if err != nil {
		return IssuedMatch{}, false, fmt.Errorf("find a document by its content: %w", err)
	}
	return m, true, nil
}
