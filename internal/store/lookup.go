package store

import (
	"context"
	"errors"
	"fmt"

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
