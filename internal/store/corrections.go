package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"motcua"
)

// Correction is a proposal to correct (đính chính) or replace (thay thế) a dossier's
// issued result, and what became of it (Decree 30/2020 art. 18).
type Correction struct {
	ID             int64              `json:"id"`
	DossierID      int64              `json:"-"`
	Code           motcua.DossierCode `json:"dossier"`
	DocumentID     string             `json:"document"` // the issued result concerned
	Number         string             `json:"number,omitempty"`
	Kind           string             `json:"kind"` // CorrectionCorrect or CorrectionReplace
	Reason         string             `json:"reason"`
	Corrections    string             `json:"corrections,omitempty"`
	State          string             `json:"state"`  // proposed, issued
	Signed         bool               `json:"signed"` // the leader signed it
	ProposedBy     int64              `json:"proposedBy"`
	ProposedAt     time.Time          `json:"proposedAt"`
	SignedBy       int64              `json:"signedBy,omitempty"`
	IssuedDocument string             `json:"issuedDocument,omitempty"`
	IssuedNumber   string             `json:"issuedNumber,omitempty"`
	IssuedAt       *time.Time         `json:"issuedAt,omitempty"`
}

// The kinds and states of a correction.
const (
	CorrectionCorrect  = "correct"
	CorrectionReplace  = "replace"
	CorrectionProposed = "proposed"
	CorrectionIssued   = "issued"
)

// CorrectionSeq is the sequence of the documents a correction makes: the leader's
// signed copy at CorrectionSeq(id), the issued one at CorrectionSeq(id)+1, above every
// transition's sequence.
func CorrectionSeq(id int64) int { return 1_000_000 + 2*int(id) }

// ErrCorrectionOpen answers a second proposal for a result that has one open.
var ErrCorrectionOpen = motcua.Errorf(motcua.ECONFLICT, "Kết quả này đang có một đề nghị đính chính hoặc thay thế chưa được ban hành.")

// ProposeCorrection records a clerk's proposal for the dossier's newest issued result,
// refused when that result is revoked or replaced, or has an open proposal.
func (s *Store) ProposeCorrection(ctx context.Context, c Correction) (Correction, error) {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var kind *string
		err := tx.QueryRow(ctx, `SELECT d.id::text, d.number, r.kind FROM documents d
			LEFT JOIN result_revocations r ON r.document_id = d.id
			WHERE d.dossier_id = $1 AND d.kind = $2 AND d.number IS NOT NULL ORDER BY d.seq DESC LIMIT 1`,
			c.DossierID, motcua.DocResult).Scan(&c.DocumentID, &c.Number, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return motcua.Errorf(motcua.ECONFLICT, "Hồ sơ chưa có kết quả đã ban hành nên không có gì để đính chính hoặc thay thế.")
		}
		if err != nil {
			return err
		}
		if kind != nil && *kind != RevocationCorrected {
			return ErrAlreadyRevoked
		}
		err = tx.QueryRow(ctx, `INSERT INTO result_corrections (dossier_id, document_id, kind, reason, corrections, proposed_by, proposed_at)
			VALUES ($1, $2::uuid, $3, $4, $5, $6, $7) RETURNING id, state`,
			c.DossierID, c.DocumentID, c.Kind, c.Reason, c.Corrections, c.ProposedBy, c.ProposedAt.UTC()).Scan(&c.ID, &c.State)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return ErrCorrectionOpen
		}
		if err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: c.ProposedBy, Action: "result.correction_proposed", ObjectType: "dossier",
			ObjectID: string(c.Code), Detail: map[string]any{"correction": c.ID, "kind": c.Kind, "reason": c.Reason}})
	})
	if err != nil {
		return Correction{}, fmt.Errorf("propose a correction of %s: %w", c.Code, err)
	}
	return c, nil
}

const correctionColumns = `c.id, c.dossier_id, x.code, c.document_id::text, coalesce(o.number, ''), c.kind, c.reason, c.corrections,
	c.state, c.proposed_by, c.proposed_at, coalesce(c.signed_by, 0), coalesce(c.issued_document::text, ''),
	coalesce(n.number, ''), c.issued_at,
	EXISTS (SELECT 1 FROM documents s WHERE s.dossier_id = c.dossier_id AND s.seq = 1000000 + 2 * c.id)`

const correctionFrom = `result_corrections c JOIN dossiers x ON x.id = c.dossier_id JOIN documents o ON o.id = c.document_id
	LEFT JOIN documents n ON n.id = c.issued_document`

func scanCorrection(row pgx.Row) (Correction, error) {
	var c Correction
	err := row.Scan(&c.ID, &c.DossierID, &c.Code, &c.DocumentID, &c.Number, &c.Kind, &c.Reason, &c.Corrections,
		&c.State, &c.ProposedBy, &c.ProposedAt, &c.SignedBy, &c.IssuedDocument, &c.IssuedNumber, &c.IssuedAt, &c.Signed)
	return c, err
}

// Correction returns one correction.
func (s *Store) Correction(ctx context.Context, id int64) (Correction, error) {
	c, err := scanCorrection(s.pool.QueryRow(ctx, `SELECT `+correctionColumns+` FROM `+correctionFrom+` WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Correction{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy đề nghị đính chính, thay thế này.")
	}
	if err != nil {
		return Correction{}, fmt.Errorf("correction %d: %w", id, err)
	}
	return c, nil
}

// CorrectionsOf lists a dossier's corrections, oldest first.
func (s *Store) CorrectionsOf(ctx context.Context, dossierID int64) ([]Correction, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+correctionColumns+` FROM `+correctionFrom+` WHERE c.dossier_id = $1 ORDER BY c.id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("corrections of dossier %d: %w", dossierID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Correction, error) { return scanCorrection(r) })
	if err != nil {
		return nil, fmt.Errorf("corrections of dossier %d: %w", dossierID, err)
	}
	if out == nil {
		out = []Correction{}
	}
	return out, nil
}

// FinishCorrection records an issued correction: the proposal is issued with its
// document, and the result it concerns is marked corrected or replaced with the reason
// and a link to the new document (so that the portal is told), in one transaction. A
// repeated call changes nothing.
func (s *Store) FinishCorrection(ctx context.Context, id int64, signedBy int64, issued string, at time.Time) error {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var c Correction
		err := tx.QueryRow(ctx, `SELECT c.dossier_id, x.code, c.document_id::text, c.kind, c.reason, c.state
			FROM result_corrections c JOIN dossiers x ON x.id = c.dossier_id WHERE c.id = $1 FOR UPDATE OF c`, id).
			Scan(&c.DossierID, &c.Code, &c.DocumentID, &c.Kind, &c.Reason, &c.State)
		if err != nil {
			return err
		}
		if c.State == CorrectionIssued {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE result_corrections SET state = 'issued', signed_by = $2, issued_document = $3::uuid,
			issued_at = $4 WHERE id = $1`, id, signedBy, issued, at.UTC()); err != nil {
			return err
		}
		kind := RevocationReplaced
		if c.Kind == CorrectionCorrect {
			kind = RevocationCorrected
		}
		err = revokeResult(ctx, tx, &Revocation{DossierID: c.DossierID, Code: c.Code, DocumentID: c.DocumentID, Kind: kind,
			Reason: c.Reason, At: at, ByID: signedBy, ReplacedBy: issued})
		if errors.Is(err, ErrAlreadyRevoked) {
			// Revoked by a leader while the correction was being signed: the revocation
			// stands; the new document is issued all the same.
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("finish correction %d: %w", id, err)
	}
	return nil
}

// RevocationNotice is a withdrawal (revocation, replacement, correction) of an issued
// result that the national portal has not acknowledged.
type RevocationNotice struct {
	DocumentID  string
	Attempts    int
	Kind        string
	Reason      string
	At          time.Time
	Dossier     motcua.DossierCode
	Number      string
	ReplacedBy  string
	NewNumber   string
	ApplicantID string // the applicant's ID number, "" when none
}

// PendingRevocationNotices returns up to limit withdrawals the portal has not
// acknowledged whose retry time has come, oldest first.
func (s *Store) PendingRevocationNotices(ctx context.Context, now time.Time, limit int) ([]RevocationNotice, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.document_id::text, r.portal_attempts, r.kind, r.reason, r.revoked_at, x.code,
			coalesce(d.number, ''), coalesce(r.replaced_by::text, ''), coalesce(n.number, ''), coalesce(u.id_number, '')
		FROM result_revocations r JOIN dossiers x ON x.id = r.dossier_id JOIN documents d ON d.id = r.document_id
		JOIN users u ON u.id = x.applicant_id LEFT JOIN documents n ON n.id = r.replaced_by
		WHERE r.portal_told_at IS NULL AND (r.portal_next_attempt_at IS NULL OR r.portal_next_attempt_at <= $1)
		ORDER BY r.revoked_at, r.document_id LIMIT $2`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("pending revocation notices: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RevocationNotice, error) {
		var n RevocationNotice
		err := r.Scan(&n.DocumentID, &n.Attempts, &n.Kind, &n.Reason, &n.At, &n.Dossier, &n.Number, &n.ReplacedBy, &n.NewNumber, &n.ApplicantID)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("pending revocation notices: %w", err)
	}
	return out, nil
}

// SettleRevocationNotice records an attempt to tell the portal: told (failure "") or
// failed, to retry at next.
func (s *Store) SettleRevocationNotice(ctx context.Context, documentID string, now time.Time, failure string, next time.Time) error {
	var err error
	if failure == "" {
		_, err = s.pool.Exec(ctx, `UPDATE result_revocations SET portal_attempts = portal_attempts + 1, portal_told_at = $2,
			portal_next_attempt_at = NULL, portal_last_error = NULL WHERE document_id = $1::uuid`, documentID, now)
	} else {
		_, err = s.pool.Exec(ctx, `UPDATE result_revocations SET portal_attempts = portal_attempts + 1, portal_next_attempt_at = $2,
			portal_last_error = $3 WHERE document_id = $1::uuid`, documentID, next, failure)
	}
	if err != nil {
		return fmt.Errorf("settle the revocation notice of %s: %w", documentID, err)
	}
	return nil
}

// DocumentValidity returns an issued document's validity (nil: none recorded, or no
// end).
func (s *Store) DocumentValidity(ctx context.Context, id string) (from, until *time.Time, err error) {
	err = s.pool.QueryRow(ctx, `SELECT valid_from::timestamptz, valid_until::timestamptz FROM documents WHERE id = $1::uuid`, id).
		Scan(&from, &until)
	if err != nil {
		return nil, nil, fmt.Errorf("validity of document %s: %w", id, err)
	}
	if from != nil {
		f := from.UTC()
		from = &f
	}
	if until != nil {
		u := until.UTC()
		until = &u
	}
	return from, until, nil
}
