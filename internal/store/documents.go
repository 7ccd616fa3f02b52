package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// putBlob stores bytes by their SHA-256 inside tx (once) and returns the hash.
func putBlob(ctx context.Context, tx pgx.Tx, data []byte) ([]byte, error) {
	sum := sha256.Sum256(data)
	_, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
		sum[:], len(data), data)
	if err != nil {
		return nil, fmt.Errorf("store blob: %w", err)
	}
	return sum[:], nil
}

// File is an uploaded file's record.
type File struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	OwnerID     int64     `json:"-"`
	DossierID   *int64    `json:"-"`
	Component   string    `json:"component,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	// Digitized: scanned from paper at intake (số hóa); FromCopy: from a copy, not the original.
	Digitized bool `json:"digitized,omitempty"`
	FromCopy  bool `json:"fromCopy,omitempty"`
	// ReusedFrom is the document of the applicant's store the file refers to, when the
	// component was reused rather than uploaded ("" otherwise).
	ReusedFrom string `json:"reusedFrom,omitempty"`
}

// Reused reports whether the file was taken from the applicant's document store.
func (f File) Reused() bool { return f.ReusedFrom != "" }

// CreateFile stores an uploaded file of its owner (content type already decided from
// the content).
func (s *Store) CreateFile(ctx context.Context, ownerID int64, name, contentType string, data []byte) (File, error) {
	var f File
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		sum, err := putBlob(ctx, tx, data)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, storage_key)
			VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'pg:' || encode($1, 'hex'))
			RETURNING id::text, name, content_type, size, encode(sha256, 'hex'), owner_id, created_at`,
			sum, len(data), contentType, name, ownerID).
			Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.OwnerID, &f.CreatedAt)
	})
	if err != nil {
		return File{}, fmt.Errorf("store file %q: %w", name, err)
	}
	return f, nil
}

// FileWithData returns a file's record and bytes.
func (s *Store) FileWithData(ctx context.Context, id string) (File, []byte, error) {
	var f File
	var comp *string
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT f.id::text, f.name, f.content_type, f.size, encode(f.sha256, 'hex'), f.owner_id,
			f.dossier_id, f.component, f.created_at, coalesce(f.reused_from::text, ''), b.data
		FROM files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = $1::uuid`, id).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.OwnerID, &f.DossierID, &comp, &f.CreatedAt, &f.ReusedFrom, &data)
	if err != nil {
		return File{}, nil, notFound(err, "Không tìm thấy tệp.")
	}
	if comp != nil {
		f.Component = *comp
	}
	return f, data, nil
}

// Files returns a dossier's attachments.
func (s *Store) Files(ctx context.Context, dossierID int64) ([]File, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, name, content_type, size, encode(sha256, 'hex'), owner_id, dossier_id,
			coalesce(component, ''), created_at, digitized, from_copy, coalesce(reused_from::text, '')
		FROM files WHERE dossier_id = $1 ORDER BY created_at, id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("files of dossier %d: %w", dossierID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[File])
}

// Document is a stored document of a dossier.
type Document struct {
	ID          string
	DossierID   int64
	Kind        motcua.DocumentKind
	Seq         int
	Name        string
	ContentType string
	Number      string
	Signed      bool
	Data        []byte
	CreatedAt   time.Time
	// VerifyID is the random ID the document's QR code and verification link carry
	// (NewVerifyID); "" for documents that draw no QR code of their own.
	VerifyID string
	// ValidFrom and ValidUntil are an issued result's validity (Vietnam dates, UTC
	// midnight); nil ValidUntil is no end, nil ValidFrom none recorded.
	ValidFrom, ValidUntil *time.Time
}

// DocumentInfo describes a stored document without its bytes.
type DocumentInfo struct {
	ID        string              `json:"id"`
	Kind      motcua.DocumentKind `json:"kind"`
	Seq       int                 `json:"seq"`
	Name      string              `json:"name"`
	Number    string              `json:"number,omitempty"`
	Signed    bool                `json:"signed"`
	Size      int64               `json:"size"`
	CreatedAt time.Time           `json:"createdAt"`
}

// AddDocument stores a document; one already stored for the same dossier, kind and
// sequence is kept and its ID returned.
func (s *Store) AddDocument(ctx context.Context, d Document) (string, error) {
	var id string
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		sum, err := putBlob(ctx, tx, d.Data)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO documents (dossier_id, kind, seq, name, content_type, number, signed, sha256, size, verify_id,
				valid_from, valid_until)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::date, $12::date)
			ON CONFLICT (dossier_id, kind, seq) DO NOTHING RETURNING id::text`,
			d.DossierID, d.Kind, d.Seq, d.Name, d.ContentType, nullText(d.Number), d.Signed, sum, len(d.Data), nullText(d.VerifyID),
			validityDate(d.ValidFrom), validityDate(d.ValidUntil)).Scan(&id)
		if err == pgx.ErrNoRows {
			return tx.QueryRow(ctx, `SELECT id::text FROM documents WHERE dossier_id = $1 AND kind = $2 AND seq = $3`,
				d.DossierID, d.Kind, d.Seq).Scan(&id)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store %s of dossier %d: %w", d.Kind, d.DossierID, err)
	}
	return id, nil
}

const documentColumns = `d.id::text, d.dossier_id, d.kind, d.seq, d.name, d.content_type, coalesce(d.number, ''), d.signed, b.data,
	d.created_at, coalesce(d.verify_id, '')`

func scanDocument(row pgx.Row) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.DossierID, &d.Kind, &d.Seq, &d.Name, &d.ContentType, &d.Number, &d.Signed, &d.Data, &d.CreatedAt, &d.VerifyID)
	return d, err
}

// Document returns a stored document with its bytes.
func (s *Store) Document(ctx context.Context, id string) (Document, error) {
	if !isUUID(id) {
		return Document{}, &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy văn bản."}
	}
	d, err := scanDocument(s.pool.QueryRow(ctx, `SELECT `+documentColumns+`
		FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = $1::uuid`, id))
	if err != nil {
		return Document{}, notFound(err, "Không tìm thấy văn bản.")
	}
	return d, nil
}

// LatestDocument returns the dossier's newest document of a kind.
func (s *Store) LatestDocument(ctx context.Context, dossierID int64, kind motcua.DocumentKind) (Document, error) {
	d, err := scanDocument(s.pool.QueryRow(ctx, `SELECT `+documentColumns+`
		FROM documents d JOIN blobs b ON b.sha256 = d.sha256
		WHERE d.dossier_id = $1 AND d.kind = $2 ORDER BY d.seq DESC LIMIT 1`, dossierID, kind))
	if err != nil {
		return Document{}, notFound(err, "Không tìm thấy văn bản.")
	}
	return d, nil
}

// Documents lists a dossier's documents, oldest first.
func (s *Store) Documents(ctx context.Context, dossierID int64) ([]DocumentInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, kind, seq, name, coalesce(number, ''), signed, size, created_at
		FROM documents WHERE dossier_id = $1 ORDER BY seq, kind`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("documents of dossier %d: %w", dossierID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DocumentInfo])
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36])
	return err == nil && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-'
}

// NextDocumentNumber gives the dossier's result issued at the next number of the
// symbol's register for the year of at in Vietnam time: Decree 30/2020 art. 15 numbers
// from 01 on 1 January to 31 December, and each symbol ("QĐ-BNV", "GP-BNV": document type
// and issuing agency) has its own sequence, so the register starts again at 1 at 00:00
// on 1 January in Hanoi, not in UTC. Asking again for the same dossier and year returns
// the number it already has.
func (s *Store) NextDocumentNumber(ctx context.Context, symbol string, at time.Time, code motcua.DossierCode) (int, error) {
	year := at.In(motcua.Vietnam).Year()
	var n int
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		// Serialize numbering of a symbol and year so numbers have no gaps or twins.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1), $2)`, symbol, year); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT number FROM document_numbers WHERE symbol = $1 AND year = $2 AND dossier_code = $3`,
			symbol, year, code).Scan(&n)
		if err != pgx.ErrNoRows {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO document_numbers (symbol, year, dossier_code, number)
			SELECT $1, $2, $3, coalesce(max(number), 0) + 1 FROM document_numbers WHERE symbol = $1 AND year = $2
			RETURNING number`, symbol, year, code).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("number for %s/%d: %w", symbol, year, err)
	}
	return n, nil
}

// Notification is a message to a person about a dossier.
type Notification struct {
	ID          int64      `json:"id"`
	Key         string     `json:"-"`
	DossierID   int64      `json:"-"`
	DossierCode string     `json:"dossierCode,omitempty"`
	RecipientID int64      `json:"-"`
	Channel     string     `json:"channel"`
	Subject     string     `json:"subject"`
	Body        string     `json:"body"`
	CreatedAt   time.Time  `json:"createdAt"`
	SentAt      *time.Time `json:"sentAt,omitempty"`
}

// QueueNotification stores a notification once per key; queued is false when the key
// was already used.
func (s *Store) QueueNotification(ctx context.Context, n Notification) (queued bool, err error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO notifications (key, dossier_id, recipient_id, channel, subject, body)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
		n.Key, nullID(n.DossierID), n.RecipientID, n.Channel, n.Subject, n.Body)
	if err != nil {
		return false, fmt.Errorf("queue notification %s: %w", n.Key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Notifications returns a person's newest notifications.
func (s *Store) Notifications(ctx context.Context, recipientID int64, limit int) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.key, coalesce(n.dossier_id, 0), coalesce(d.code, ''), n.recipient_id,
			n.channel, n.subject, n.body, n.created_at, n.sent_at
		FROM notifications n LEFT JOIN dossiers d ON d.id = n.dossier_id
		WHERE n.recipient_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2`, recipientID, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications of %d: %w", recipientID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Notification])
}

// ArchivePackage is a dossier's archive package: the manifest of hashes and its
// detached signature.
type ArchivePackage struct {
	DossierID      int64
	Manifest       []byte
	ManifestSHA256 []byte
	SignedManifest []byte
	RetentionUntil time.Time // zero: permanent
	CreatedAt      time.Time
}

// SaveArchivePackage stores the dossier's package once; saved is false when it exists.
func (s *Store) SaveArchivePackage(ctx context.Context, p ArchivePackage) (saved bool, err error) {
	var until *time.Time
	if !p.RetentionUntil.IsZero() {
		until = &p.RetentionUntil
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO archive_packages (dossier_id, manifest, manifest_sha256, signed_manifest, retention_until)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dossier_id) DO NOTHING`,
		p.DossierID, p.Manifest, p.ManifestSHA256, p.SignedManifest, until)
	if err != nil {
		return false, fmt.Errorf("archive package of dossier %d: %w", p.DossierID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ArchivePackageOf returns the dossier's archive package.
func (s *Store) ArchivePackageOf(ctx context.Context, dossierID int64) (ArchivePackage, error) {
	var p ArchivePackage
	var until *time.Time
	err := s.pool.QueryRow(ctx, `SELECT dossier_id, manifest, manifest_sha256, signed_manifest, retention_until, created_at
		FROM archive_packages WHERE dossier_id = $1`, dossierID).
		Scan(&p.DossierID, &p.Manifest, &p.ManifestSHA256, &p.SignedManifest, &until, &p.CreatedAt)
	if err != nil {
		return ArchivePackage{}, notFound(err, "Chưa có gói lưu trữ của hồ sơ.")
	}
	p.RetentionUntil = deref(until)
	return p, nil
}

// MailAddressOf is a person's e-mail address as "Name <address>", or "" when they gave
// none.
func (s *Store) MailAddressOf(ctx context.Context, userID int64) (string, error) {
	var name, email string
	err := s.pool.QueryRow(ctx, `SELECT name, coalesce(email, '') FROM users WHERE id = $1`, userID).Scan(&name, &email)
	if err != nil {
		return "", notFound(err, "Không tìm thấy người nhận thông báo.")
	}
	if email == "" {
		return "", nil
	}
	return (&netmail.Address{Name: name, Address: email}).String(), nil
}

// NotificationSent reports whether the notification with key was delivered already.
func (s *Store) NotificationSent(ctx context.Context, key string) (bool, error) {
	var sent bool
	if err := s.pool.QueryRow(ctx, `SELECT sent_at IS NOT NULL FROM notifications WHERE key = $1`, key).Scan(&sent); err != nil {
		return false, fmt.Errorf("notification %s: %w", key, err)
	}
	return sent, nil
}

// MarkNotificationSent records that the notification with key was delivered.
func (s *Store) MarkNotificationSent(ctx context.Context, key string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE notifications SET sent_at = $2 WHERE key = $1 AND sent_at IS NULL`, key, at); err != nil {
		return fmt.Errorf("mark notification %s sent: %w", key, err)
	}
	return nil
}

// DossierNotifications are the notifications a person received about one dossier,
// newest first.
func (s *Store) DossierNotifications(ctx context.Context, dossierID, recipientID int64) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.key, coalesce(n.dossier_id, 0), coalesce(d.code, ''), n.recipient_id,
			n.channel, n.subject, n.body, n.created_at, n.sent_at
		FROM notifications n LEFT JOIN dossiers d ON d.id = n.dossier_id
		WHERE n.dossier_id = $1 AND n.recipient_id = $2 ORDER BY n.created_at DESC, n.id DESC LIMIT 100`, dossierID, recipientID)
	if err != nil {
		return nil, fmt.Errorf("notifications of dossier %d: %w", dossierID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Notification])
}

// OwnFiles returns, by ID, the files among ids that ownerID uploaded; other IDs (not
// UUIDs, unknown, someone else's) are left out.
func (s *Store) OwnFiles(ctx context.Context, ownerID int64, ids []string) (map[string]File, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if isUUID(id) {
			valid = append(valid, id)
		}
	}
	out := map[string]File{}
	if len(valid) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, name, content_type, size, coalesce(reused_from::text, '') FROM files
		WHERE id = ANY($1::uuid[]) AND owner_id = $2`, valid, ownerID)
	if err != nil {
		return nil, fmt.Errorf("files of %d: %w", ownerID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.ReusedFrom); err != nil {
			return nil, fmt.Errorf("files of %d: %w", ownerID, err)
		}
		out[f.ID] = f
	}
	return out, rows.Err()
}

// AssignComponent records which component of the procedure an uploaded, not yet
// attached file of ownerID is for.
func (s *Store) AssignComponent(ctx context.Context, ownerID int64, fileID, component string) error {
	if !isUUID(fileID) {
		return &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy tệp."}
	}
	if _, err := s.pool.Exec(ctx, `UPDATE files SET component = $2 WHERE id = $1::uuid AND owner_id = $3 AND dossier_id IS NULL`,
		fileID, component, ownerID); err != nil {
		return fmt.Errorf("assign file %s to %s: %w", fileID, component, err)
	}
	return nil
}

// UploadLimits bound what one person may upload and leave unattached to a dossier.
type UploadLimits struct {
	// PendingBytes caps the total size of the person's files not yet attached.
	PendingBytes int64
	// PerWindow caps the uploads a person may make in Window.
	PerWindow int
	Window    time.Duration
}

// Errors of CreateFileWithin: the person's uploads in the window, or their unattached
// bytes, are at the limit.
var (
	ErrUploadRate  = errors.New("too many uploads in the window")
	ErrUploadQuota = errors.New("unattached uploads over the quota")
)

// CreateFileWithin stores an uploaded file like CreateFile, unless it would take its
// owner past lim (ErrUploadRate, ErrUploadQuota). The owner's uploads are counted and
// stored under a lock of the owner, so parallel uploads cannot slip past the limit
// together.
func (s *Store) CreateFileWithin(ctx context.Context, ownerID int64, name, contentType string, data []byte, lim UploadLimits) (File, error) {
	var f File
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('motcua.uploads'), $1::int)`, int32(ownerID)); err != nil {
			return err
		}
		// Every upload of the window counts for the rate, attached or not; only the
		// unattached ones count for the quota.
		var recent int
		var pending int64
		err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE created_at > now() - $2::interval),
				coalesce(sum(size) FILTER (WHERE dossier_id IS NULL), 0)
			FROM files WHERE owner_id = $1`, ownerID, lim.Window).Scan(&recent, &pending)
		if err != nil {
			return fmt.Errorf("count uploads: %w", err)
		}
		switch {
		case lim.PerWindow > 0 && recent >= lim.PerWindow:
			return ErrUploadRate
		case lim.PendingBytes > 0 && pending+int64(len(data)) > lim.PendingBytes:
			return ErrUploadQuota
		}
		sum, err := putBlob(ctx, tx, data)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, storage_key)
			VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'pg:' || encode($1, 'hex'))
			RETURNING id::text, name, content_type, size, encode(sha256, 'hex'), owner_id, created_at`,
			sum, len(data), contentType, name, ownerID).
			Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.OwnerID, &f.CreatedAt)
	})
	if errors.Is(err, ErrUploadRate) || errors.Is(err, ErrUploadQuota) {
		return File{}, err
	}
	if err != nil {
		return File{}, fmt.Errorf("store file %q: %w", name, err)
	}
	return f, nil
}

// PurgeOrphanFiles deletes the files uploaded before cutoff and never attached to a
// dossier, except those a saved draft still names (the citizen may come back to it),
// and then the stored bytes no file or document points at any more. It returns the
// number of files deleted; running it again deletes nothing more.
func (s *Store) PurgeOrphanFiles(ctx context.Context, cutoff time.Time) (int64, error) {
	var hashes [][]byte
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM files f WHERE f.dossier_id IS NULL AND f.created_at < $1
			AND NOT EXISTS (SELECT 1 FROM drafts dr WHERE dr.user_id = f.owner_id
				AND jsonb_path_exists(dr.data, '$.** ? (@ == $id)', jsonb_build_object('id', f.id::text)))
			RETURNING f.sha256`, cutoff)
		if err != nil {
			return err
		}
		hashes, err = pgx.CollectRows(rows, pgx.RowTo[[]byte])
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge orphan files: %w", err)
	}
	if len(hashes) == 0 {
		return 0, nil
	}
	// The bytes go in a second transaction that first waits for every upload and
	// document in flight (SHARE blocks their inserts until it ends): one of them may
	// be about to point at the same bytes, and its row must be seen before they go.
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE files, documents IN SHARE MODE`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM blobs b WHERE b.sha256 = ANY ($1)
			AND NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = b.sha256)
			AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = b.sha256)`, hashes)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge the bytes of orphan files: %w", err)
	}
	return int64(len(hashes)), nil
}

// validityDate is a date for a date column ("yyyy-mm-dd" of t's UTC day), nil for nil.
func validityDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.DateOnly)
	return &s
}
