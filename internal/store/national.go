package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// NationalPush is an issued result the national document store has not acknowledged.
type NationalPush struct {
	DocumentID           string
	Attempts             int    // failed attempts so far
	Owner                string // the applicant's ID number
	Type                 string // the procedure code
	Name, Number, Issuer string
	IssuedOn             string // yyyy-mm-dd, Vietnam time
	ValidUntil           string // yyyy-mm-dd; "" no end
	Dossier              motcua.DossierCode
	Data                 []byte
	ContentType          string
}

// PendingNationalPushes returns up to limit issued results (the newest numbered copy of
// each dossier's result, of an applicant with an ID number) that the national store has
// not acknowledged, whose retry time has come.
func (s *Store) PendingNationalPushes(ctx context.Context, now time.Time, limit int) ([]NationalPush, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.id::text, coalesce(n.attempts, 0), u.id_number, x.procedure_code,
			coalesce(p.definition->'result'->>'name', d.name), d.number, coalesce(p.definition->>'decidingAuthority', ''),
			(d.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text, coalesce(d.valid_until::text, ''), x.code, b.data, d.content_type
		FROM documents d JOIN dossiers x ON x.id = d.dossier_id JOIN users u ON u.id = x.applicant_id
		JOIN procedures p ON p.code = x.procedure_code AND p.version = x.procedure_version
		JOIN blobs b ON b.sha256 = d.sha256
		LEFT JOIN national_pushes n ON n.document_id = d.id
		WHERE d.kind = $1 AND d.number IS NOT NULL AND u.id_number IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM documents l WHERE l.dossier_id = d.dossier_id AND l.kind = d.kind AND l.seq > d.seq)
			AND n.sent_at IS NULL AND (n.next_attempt_at IS NULL OR n.next_attempt_at <= $2)
		ORDER BY d.created_at, d.id LIMIT $3`, motcua.DocResult, now, limit)
	if err != nil {
		return nil, fmt.Errorf("pending national pushes: %w", err)
	}
	defer rows.Close()
	var out []NationalPush
	for rows.Next() {
		var e NationalPush
		if err := rows.Scan(&e.DocumentID, &e.Attempts, &e.Owner, &e.Type, &e.Name, &e.Number, &e.Issuer, &e.IssuedOn,
			&e.ValidUntil, &e.Dossier, &e.Data, &e.ContentType); err != nil {
			return nil, fmt.Errorf("pending national pushes: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SettleNationalPush records an attempt: sent (failure "") or failed, to retry at next.
func (s *Store) SettleNationalPush(ctx context.Context, documentID string, now time.Time, failure string, next time.Time) error {
	var err error
	if failure == "" {
		_, err = s.pool.Exec(ctx, `INSERT INTO national_pushes (document_id, attempts, sent_at) VALUES ($1::uuid, 1, $2)
			ON CONFLICT (document_id) DO UPDATE SET attempts = national_pushes.attempts + 1, sent_at = $2, last_error = NULL,
				next_attempt_at = NULL`, documentID, now)
	} else {
		_, err = s.pool.Exec(ctx, `INSERT INTO national_pushes (document_id, attempts, next_attempt_at, last_error) VALUES ($1::uuid, 1, $2, $3)
			ON CONFLICT (document_id) DO UPDATE SET attempts = national_pushes.attempts + 1, next_attempt_at = $2, last_error = $3`,
			documentID, next, failure)
	}
	if err != nil {
		return fmt.Errorf("settle the national push of %s: %w", documentID, err)
	}
	return nil
}

// NationalDocument is a document of the national store, to keep in an applicant's.
type NationalDocument struct {
	Ref, Type, Name, Number, Issuer string
	IssuedAt                        time.Time
	ValidUntil                      *time.Time
	Data                            []byte
	ContentType                     string
}

// IDNumberOf returns a person's ID number ("" when the account has none).
func (s *Store) IDNumberOf(ctx context.Context, userID int64) (string, error) {
	var n *string
	if err := s.pool.QueryRow(ctx, `SELECT id_number FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
		return "", fmt.Errorf("ID number of %d: %w", userID, err)
	}
	if n == nil {
		return "", nil
	}
	return *n, nil
}

// KeepNationalDocuments adds documents fetched from the national store to the holder's
// store, once each (by the national store's code), in one transaction.
func (s *Store) KeepNationalDocuments(ctx context.Context, holderID int64, docs []NationalDocument) error {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		for _, d := range docs {
			sum, err := putBlob(ctx, tx, d.Data)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO applicant_documents (holder_id, source, doc_type, name, number, issuer,
					issued_at, valid_until, national_ref, sha256, size, content_type, signed)
				SELECT $1, 'national', $2, $3, NULLIF($4, ''), $5, $6, $7::date, $8, $9, $10, $11, $12
				-- a result motcua issued and pushed comes back under its own ID: it is in the
				-- store already, as a result
				WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id::text = $8)
				ON CONFLICT (national_ref) DO NOTHING`, holderID, d.Type, d.Name, d.Number, d.Issuer, d.IssuedAt,
				d.ValidUntil, d.Ref, sum, len(d.Data), d.ContentType, bytes.Contains(d.Data, []byte("/ByteRange"))); err != nil {
				return fmt.Errorf("national document %s: %w", d.Ref, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("keep national documents of %d: %w", holderID, err)
	}
	return nil
}
