package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// StoredDocument is a document of an applicant's store (kho quản lý dữ liệu điện tử):
// an issued result, a component a clerk accepted, or a document of the national store.
type StoredDocument struct {
	ID          string              `json:"id"`
	Source      string              `json:"source"` // result, component, national
	Type        string              `json:"type"`   // procedure code, component ID or national type
	Name        string              `json:"name"`
	Number      string              `json:"number,omitempty"`
	Issuer      string              `json:"issuer,omitempty"`
	IssuedAt    time.Time           `json:"issuedAt"`
	ValidFrom   *time.Time          `json:"validFrom,omitempty"`
	ValidUntil  *time.Time          `json:"validUntil,omitempty"`
	Dossier     motcua.DossierCode  `json:"dossier,omitempty"`
	ContentType string              `json:"contentType"`
	Size        int64               `json:"size"`
	Signed      bool                `json:"signed"`
	CopyKind    string              `json:"copyKind,omitempty"`
	Revoked     *RevocationSummary  `json:"revoked,omitempty"`
	HolderID    int64               `json:"-"`
	SHA256      []byte              `json:"-"`
	DocumentID  string              `json:"-"`
	Kind        motcua.DocumentKind `json:"-"`
}

// RevocationSummary says that a stored result was revoked or replaced.
type RevocationSummary struct {
	Kind   string    `json:"kind"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// The sources of stored documents.
const (
	SourceResult    = "result"
	SourceComponent = "component"
	SourceNational  = "national"
)

// FillDocumentStore adds to the applicant's store what their dossiers produced since
// it was last filled: each issued result (the newest numbered copy, and every numbered
// copy that was corrected, replaced or revoked) and each component
// the desk digitized and accepted (the dossier was received). Rows are keyed by their
// origin, so filling again adds nothing twice.
func (s *Store) FillDocumentStore(ctx context.Context, holderID int64) error {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO applicant_documents (holder_id, source, doc_type, name, number, issuer, issued_at,
				dossier_id, document_id, sha256, size, content_type, signed, valid_from, valid_until)
			SELECT x.applicant_id, 'result', x.procedure_code, coalesce(p.definition->'result'->>'name', d.name), d.number,
				coalesce(p.definition->>'decidingAuthority', ''), d.created_at, x.id, d.id, d.sha256, d.size, d.content_type, d.signed,
				d.valid_from, d.valid_until
			FROM dossiers x JOIN documents d ON d.dossier_id = x.id
			JOIN procedures p ON p.code = x.procedure_code AND p.version = x.procedure_version
			WHERE x.applicant_id = $1 AND d.kind = $2 AND d.number IS NOT NULL
				-- the result in force, and every one that a correction or a revocation
				-- concerns (shown not reusable, with the reason)
				AND (NOT EXISTS (SELECT 1 FROM documents n WHERE n.dossier_id = x.id AND n.kind = d.kind AND n.seq > d.seq
						AND n.number IS NOT NULL)
					OR EXISTS (SELECT 1 FROM result_revocations r WHERE r.document_id = d.id))
			ON CONFLICT (document_id) DO NOTHING`, holderID, motcua.DocResult); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO applicant_documents (holder_id, source, doc_type, name, issuer, issued_at,
				dossier_id, file_id, sha256, size, content_type, copy_kind)
			SELECT x.applicant_id, 'component', f.component, f.name, '', x.received_at, x.id, f.id, f.sha256, f.size,
				f.content_type, CASE WHEN f.from_copy THEN 'certified_copy' ELSE 'original' END
			FROM dossiers x JOIN files f ON f.dossier_id = x.id
			WHERE x.applicant_id = $1 AND f.digitized AND f.reused_from IS NULL AND x.received_at IS NOT NULL
				AND f.component IS NOT NULL
			ON CONFLICT (file_id) DO NOTHING`, holderID); err != nil {
			return fmt.Errorf("components: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("fill the document store of %d: %w", holderID, err)
	}
	return nil
}

const storedColumns = `a.id::text, a.source, a.doc_type, a.name, coalesce(a.number, ''), a.issuer, a.issued_at,
	a.valid_from::timestamptz, a.valid_until::timestamptz, coalesce(x.code, ''), a.content_type, a.size, a.signed, coalesce(a.copy_kind, ''),
	r.kind, r.reason, r.revoked_at, a.holder_id, a.sha256, coalesce(a.document_id::text, '')`

const storedFrom = `applicant_documents a LEFT JOIN dossiers x ON x.id = a.dossier_id
	LEFT JOIN result_revocations r ON a.source = 'result' AND r.document_id = a.document_id`

func scanStored(row pgx.Row) (StoredDocument, error) {
	var d StoredDocument
	var rk, rr *string
	var ra *time.Time
	err := row.Scan(&d.ID, &d.Source, &d.Type, &d.Name, &d.Number, &d.Issuer, &d.IssuedAt, &d.ValidFrom, &d.ValidUntil, &d.Dossier,
		&d.ContentType, &d.Size, &d.Signed, &d.CopyKind, &rk, &rr, &ra, &d.HolderID, &d.SHA256, &d.DocumentID)
	if err == nil && rk != nil {
		d.Revoked = &RevocationSummary{Kind: *rk, Reason: *rr, At: *ra}
	}
	if d.Source == SourceResult {
		d.Kind = motcua.DocResult
	}
	return d, err
}

// StoredDocuments lists the holder's store, newest first, optionally only the given
// types.
func (s *Store) StoredDocuments(ctx context.Context, holderID int64, types []string) ([]StoredDocument, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+storedColumns+` FROM `+storedFrom+`
		WHERE a.holder_id = $1 AND (coalesce(cardinality($2::text[]), 0) = 0 OR a.doc_type = ANY($2))
		ORDER BY a.issued_at DESC, a.id`, holderID, types)
	if err != nil {
		return nil, fmt.Errorf("document store of %d: %w", holderID, err)
	}
	defer rows.Close()
	var out []StoredDocument
	for rows.Next() {
		d, err := scanStored(rows)
		if err != nil {
			return nil, fmt.Errorf("document store of %d: %w", holderID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ErrNoStoredDocument is the one answer to an ID that names no document of the asker's
// store, whether it names someone else's or nothing.
var ErrNoStoredDocument = motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.")

// StoredDocument returns a document of the holder's store with the bytes kept in
// storage now (which may no longer be those stored: the caller checks).
func (s *Store) StoredDocument(ctx context.Context, holderID int64, id string) (StoredDocument, []byte, error) {
	if !isUUID(id) {
		return StoredDocument{}, nil, ErrNoStoredDocument
	}
	var data []byte
	d, err := scanStored(s.pool.QueryRow(ctx, `SELECT `+storedColumns+` FROM `+storedFrom+`
		WHERE a.id = $1::uuid AND a.holder_id = $2`, id, holderID))
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredDocument{}, nil, ErrNoStoredDocument
	}
	if err != nil {
		return StoredDocument{}, nil, fmt.Errorf("stored document %s: %w", id, err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT data FROM blobs WHERE sha256 = $1`, d.SHA256).Scan(&data); err != nil {
		return StoredDocument{}, nil, fmt.Errorf("content of stored document %s: %w", id, err)
	}
	return d, data, nil
}

// AttachReused makes a file of the holder that refers to a stored document (its
// content, not a copy): it is attached to a component at submission like an upload,
// and marked reused. The content must still be what was stored.
func (s *Store) AttachReused(ctx context.Context, d StoredDocument, data []byte) (File, error) {
	if sum := sha256.Sum256(data); string(sum[:]) != string(d.SHA256) {
		return File{}, fmt.Errorf("attach stored document %s: content changed in storage", d.ID)
	}
	var f File
	var reused *string
	err := s.pool.QueryRow(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, storage_key, reused_from)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'pg:' || encode($1, 'hex'), $6::uuid)
		RETURNING id::text, name, content_type, size, encode(sha256, 'hex'), owner_id, created_at, reused_from::text`,
		d.SHA256, d.Size, d.ContentType, storedFileName(d), d.HolderID, d.ID).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.OwnerID, &f.CreatedAt, &reused)
	if err != nil {
		return File{}, fmt.Errorf("attach stored document %s: %w", d.ID, err)
	}
	if reused != nil {
		f.ReusedFrom = *reused
	}
	return f, nil
}

// storedFileName names the file of a reused document: its name, with the extension
// its type has when the name lacks one.
func storedFileName(d StoredDocument) string {
	ext := map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[d.ContentType]
	if ext == "" || strings.HasSuffix(strings.ToLower(d.Name), ext) {
		return d.Name
	}
	return d.Name + ext
}
