package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// verifyAlphabet is RFC 4648 base32 in lower case: no characters a phone's QR reader or
// a person typing the link could confuse with punctuation.
var verifyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// verifyIDLen is the length of a verification ID: 128 random bits in base32.
const verifyIDLen = 26

// NewVerifyID returns a fresh verification ID: 128 bits from the system's random source,
// so that an ID can be neither guessed nor derived from another document's.
func NewVerifyID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics if the source is broken)
	return verifyEncoding.EncodeToString(b)
}

// ValidVerifyID reports whether v has the shape of a verification ID.
func ValidVerifyID(v string) bool {
	if len(v) != verifyIDLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// ErrNoVerifiedDocument is the one answer to a verification ID that names no document,
// whatever the reason (ill-formed, unknown, from before the IDs): the page must not tell
// a guessed ID from a real one that has gone.
var ErrNoVerifiedDocument = motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản với mã xác thực này. Hãy kiểm tra lại đường dẫn trong mã QR trên văn bản.")

// DocumentByVerifyID finds the document a verification link names. A result's QR code
// is drawn on the draft the leader signs; the clerical office numbers and seals it later,
// so the ID of a draft result (or of a signed correction or replacement) names the
// issued version made from it: numbered and sealed, the one the applicant received.
// Until it is issued the ID names nothing: the link never shows a draft, nor the copy
// carrying the leader's signature alone.
func (s *Store) DocumentByVerifyID(ctx context.Context, v string) (Document, motcua.DossierCode, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if !ValidVerifyID(v) {
		return Document{}, "", ErrNoVerifiedDocument
	}
	var code motcua.DossierCode
	var d Document
	err := s.pool.QueryRow(ctx, `SELECT `+documentColumns+`, x.code FROM documents v
		JOIN documents d ON d.dossier_id = v.dossier_id AND (
			(v.kind NOT IN ('draft_result', 'result', 'correction') AND d.id = v.id)
			OR (v.kind IN ('draft_result', 'result', 'correction') AND d.kind = CASE WHEN v.kind = 'correction' THEN 'correction' ELSE 'result' END
			AND d.number IS NOT NULL AND d.seq > v.seq AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.dossier_id = v.dossier_id
				AND n.kind = 'draft_result' AND n.seq > v.seq AND n.seq < d.seq)
			-- up to the first numbered copy: a result that replaced it later has its own code
			AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.dossier_id = v.dossier_id
				AND n.kind = d.kind AND n.number IS NOT NULL AND n.seq > v.seq AND n.seq < d.seq)))
		JOIN blobs b ON b.sha256 = d.sha256 JOIN dossiers x ON x.id = d.dossier_id
		WHERE v.verify_id = $1 ORDER BY d.seq DESC LIMIT 1`, v).
		Scan(&d.ID, &d.DossierID, &d.Kind, &d.Seq, &d.Name, &d.ContentType, &d.Number, &d.Signed, &d.Data, &d.CreatedAt, &d.VerifyID, &code)
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, "", ErrNoVerifiedDocument
	}
	if err != nil {
		return Document{}, "", fmt.Errorf("find the document of a verification ID: %w", err)
	}
	return d, code, nil
}
