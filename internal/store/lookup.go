package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// LookupDossier finds a dossier for the public lookup: by its code and a personal ID
// number written in its form (the applicant's, or another person's the dossier names).
// Either wrong and the answer is the same ENOTFOUND, so the lookup tells nothing about
// which codes exist.
func (s *Store) LookupDossier(ctx context.Context, code motcua.DossierCode, idNumber string) (DossierSummary, error) {
	notFound := motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy hồ sơ với mã và số định danh đã nhập. Hãy kiểm tra lại cả hai.")
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil || !twelveDigits(idNumber) {
		return DossierSummary{}, notFound
	}
	var d DossierSummary
	err := s.pool.QueryRow(ctx, `SELECT d.code, d.procedure_code, p.name, d.status, d.submitted_at, d.received_at,
			d.due_at, d.finished_at, coalesce(hu.name, '')
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		LEFT JOIN units hu ON hu.id = d.holder_unit_id
		WHERE d.code = $1 AND jsonb_path_exists(d.form_data, '$.** ? (@ == $id)', jsonb_build_object('id', $2::text))`,
		code, idNumber).Scan(&d.Code, &d.ProcedureCode, &d.ProcedureName, &d.Status, &d.SubmittedAt, &d.ReceivedAt,
		&d.DueAt, &d.FinishedAt, &d.HolderUnit)
	if errors.Is(err, pgx.ErrNoRows) {
		return DossierSummary{}, notFound
	}
	if err != nil {
		return DossierSummary{}, fmt.Errorf("look up dossier %s: %w", code, err)
	}
	return d, nil
}

// DocumentByVerifyCode finds the document a verification link names: the dossier
// code, the document's kind and its sequence, as the QR code on every notice and
// result writes them ("000.00.01.G09-261123-0001-result-14").
func (s *Store) DocumentByVerifyCode(ctx context.Context, v string) (Document, motcua.DossierCode, error) {
	bad := motcua.Errorf(motcua.EINVALID, "Mã xác thực %q không đúng dạng.", v)
	rest, seqText, ok := cutLast(v, "-")
	if !ok {
		return Document{}, "", bad
	}
	code, kind, ok := cutLast(rest, "-")
	seq, err := strconv.Atoi(seqText)
	if !ok || err != nil || kind == "" {
		return Document{}, "", bad
	}
	if _, _, _, err := motcua.ParseDossierCode(code); err != nil {
		return Document{}, "", bad
	}
	// A result carries the code of the draft it was rendered from: the leader signs the
	// draft, the clerical office numbers and seals it. The code names the newest of
	// those versions, the one the applicant received; before any, the draft itself.
	query := `SELECT ` + documentColumns + ` FROM documents d
		JOIN blobs b ON b.sha256 = d.sha256 JOIN dossiers x ON x.id = d.dossier_id
		WHERE x.code = $1 AND d.kind = $2 AND d.seq = $3`
	if kind == "draft_result" {
		query = `SELECT ` + documentColumns + ` FROM documents d
			JOIN blobs b ON b.sha256 = d.sha256 JOIN dossiers x ON x.id = d.dossier_id
			WHERE x.code = $1 AND ((d.kind = $2 AND d.seq = $3) OR (d.kind = 'result' AND d.seq > $3))
			ORDER BY d.seq DESC LIMIT 1`
	}
	doc, err := scanDocument(s.pool.QueryRow(ctx, query, code, kind, seq))
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, "", motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản có mã xác thực %s.", v)
	}
	if err != nil {
		return Document{}, "", fmt.Errorf("find document %s: %w", v, err)
	}
	return doc, motcua.DossierCode(code), nil
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// twelveDigits: only a personal ID number (12 digits) may find a dossier; any other
// value written in its form would let a stranger read its status.
func twelveDigits(v string) bool {
	if len(v) != 12 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
