package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// This file keeps the delegations of the signing authority (migration 0007) and reads
// who may sign: the leaders of a unit with a given title, and the results awaiting a
// signature with the procedure version they are signed under.

const delegationColumns = `d.id, d.delegator_id, a.name, d.delegate_id, b.name, d.kind, d.procedures, d.valid_from,
	d.valid_until, d.document, d.created_at, d.revoked_at
	FROM delegations d JOIN users a ON a.id = d.delegator_id JOIN users b ON b.id = d.delegate_id`

func scanDelegation(row pgx.Row) (motcua.Delegation, error) {
	var d motcua.Delegation
	var kind string
	err := row.Scan(&d.ID, &d.DelegatorID, &d.DelegatorName, &d.DelegateID, &d.DelegateName, &kind, &d.Procedures,
		&d.From, &d.Until, &d.Document, &d.CreatedAt, &d.RevokedAt)
	d.Kind = motcua.SigningForm(kind)
	d.From, d.Until = vietnamDay(d.From), vietnamDay(d.Until)
	return d, err
}

// vietnamDay turns a date as pgx reads it (midnight UTC) into midnight in Vietnam.
func vietnamDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, motcua.Vietnam)
}

// vnDate is the Vietnam-time date of t as PostgreSQL's date takes it.
func vnDate(t time.Time) time.Time { return dateOnly(t.In(motcua.Vietnam)) }

// CreateDelegation records a delegation the administrator by checked, with its audit
// record, and returns it as stored.
func (s *Store) CreateDelegation(ctx context.Context, by int64, d motcua.Delegation) (motcua.Delegation, error) {
	if err := d.Check(); err != nil {
		return d, err
	}
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO delegations (delegator_id, delegate_id, kind, procedures, valid_from,
				valid_until, document, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			d.DelegatorID, d.DelegateID, string(d.Kind), d.Procedures, vnDate(d.From), vnDate(d.Until), d.Document, nullID(by)).
			Scan(&d.ID); err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "delegation.create", ObjectType: "delegation",
			ObjectID: fmt.Sprint(d.ID), Detail: map[string]any{"delegator": d.DelegatorID, "delegate": d.DelegateID,
				"kind": d.Kind, "procedures": d.Procedures, "from": vnDate(d.From).Format(time.DateOnly),
				"until": vnDate(d.Until).Format(time.DateOnly), "document": d.Document}})
	})
	if err != nil {
		return d, fmt.Errorf("create delegation: %w", err)
	}
	return s.Delegation(ctx, d.ID)
}

// Delegation returns one delegation.
func (s *Store) Delegation(ctx context.Context, id int64) (motcua.Delegation, error) {
	d, err := scanDelegation(s.pool.QueryRow(ctx, `SELECT `+delegationColumns+` WHERE d.id = $1`, id))
	if err != nil {
		return d, notFound(err, "Không tìm thấy văn bản ủy quyền.")
	}
	return d, nil
}

// Delegations lists the delegations, the latest first; with inForce set only those not
// revoked that have not ended before day (Vietnam time).
func (s *Store) Delegations(ctx context.Context, inForce bool, day time.Time) ([]motcua.Delegation, error) {
	q := `SELECT ` + delegationColumns + ` ORDER BY d.valid_from DESC, d.id DESC LIMIT 1000`
	args := []any{}
	if inForce {
		q = `SELECT ` + delegationColumns + ` WHERE d.revoked_at IS NULL AND d.valid_until >= $1
			ORDER BY d.valid_from DESC, d.id DESC LIMIT 1000`
		args = append(args, vnDate(day))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("delegations: %w", err)
	}
	defer rows.Close()
	out := []motcua.Delegation{}
	for rows.Next() {
		d, err := scanDelegation(rows)
		if err != nil {
			return nil, fmt.Errorf("delegations: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeDelegation ends a delegation at once, recording who did it; a delegation
// already revoked is a conflict.
func (s *Store) RevokeDelegation(ctx context.Context, by, id int64, at time.Time) error {
	return s.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE delegations SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL`,
			id, at, nullID(by))
		if err != nil {
			return fmt.Errorf("revoke delegation %d: %w", id, err)
		}
		if tag.RowsAffected() == 0 {
			if _, err := s.Delegation(ctx, id); err != nil {
				return err
			}
			return &motcua.Error{Code: motcua.ECONFLICT, Message: "Văn bản ủy quyền này đã bị thu hồi."}
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "delegation.revoke", ObjectType: "delegation",
			ObjectID: fmt.Sprint(id)})
	})
}

// Signatory is a person who may sign results: a leader, with the title their
// certificate and the signature block print.
type Signatory struct {
	ID       int64
	Username string
	Name     string
	Title    string
	UnitCode string
	UnitPath string
}

const signatoryQuery = `SELECT u.id, u.username, u.name, coalesce(u.title, ''), un.code, un.path FROM users u
	JOIN units un ON un.id = u.unit_id
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'leader'
	WHERE u.active `

// Signatories returns the active leaders of a unit (not the units below it): those
// whose title matches title (case aside) hold the unit's signing authority.
func (s *Store) Signatories(ctx context.Context, unitCode string) ([]Signatory, error) {
	rows, err := s.pool.Query(ctx, signatoryQuery+`AND un.code = $1 ORDER BY u.id`, unitCode)
	if err != nil {
		return nil, fmt.Errorf("signatories of %s: %w", unitCode, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Signatory])
}

// Signatory returns a leader by user ID.
func (s *Store) Signatory(ctx context.Context, userID int64) (Signatory, error) {
	rows, err := s.pool.Query(ctx, signatoryQuery+`AND u.id = $1`, userID)
	if err != nil {
		return Signatory{}, fmt.Errorf("signatory %d: %w", userID, err)
	}
	sg, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Signatory])
	if err != nil {
		return sg, notFound(err, "Người này không phải lãnh đạo có thẩm quyền ký.")
	}
	return sg, nil
}

// ProcedureVersion names one version of a procedure in the catalog.
type ProcedureVersion struct {
	Code    string
	Version int
}

// AwaitingProcedures lists the procedure versions that have dossiers awaiting a
// signature: a skip scan of their partial index, one probe per version, however many
// dossiers wait.
func (s *Store) AwaitingProcedures(ctx context.Context) ([]ProcedureVersion, error) {
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE v AS (
			(SELECT procedure_code, procedure_version FROM dossiers WHERE status = 'awaiting_signature'
				ORDER BY procedure_code, procedure_version LIMIT 1)
			UNION ALL
			SELECT n.procedure_code, n.procedure_version FROM v, LATERAL (
				SELECT procedure_code, procedure_version FROM dossiers
				WHERE status = 'awaiting_signature' AND (procedure_code, procedure_version) > (v.procedure_code, v.procedure_version)
				ORDER BY procedure_code, procedure_version LIMIT 1) n)
		SELECT procedure_code, procedure_version FROM v`)
	if err != nil {
		return nil, fmt.Errorf("procedures awaiting signature: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ProcedureVersion])
	if err != nil {
		return nil, fmt.Errorf("procedures awaiting signature: %w", err)
	}
	return out, nil
}

// AwaitingSignature lists the dossiers of the given procedure versions awaiting a
// signature, due first, at most limit, with the procedure version each is signed under.
// The partial index on status gives them in due order.
func (s *Store) AwaitingSignature(ctx context.Context, of []ProcedureVersion, limit int) ([]QueueItem, error) {
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	if len(of) == 0 {
		return []QueueItem{}, nil
	}
	codes, versions := make([]string, len(of)), make([]int32, len(of))
	for i, v := range of {
		codes[i], versions[i] = v.Code, int32(v.Version)
	}
	// The first dossiers due of each version (an index range each), then the first of
	// them all: bounded by versions × limit, however many wait.
	rows, err := s.pool.Query(ctx, `WITH pick AS (
			SELECT x.id, x.due_at FROM unnest($2::text[], $3::int[]) AS v(code, version),
			LATERAL (SELECT id, due_at FROM dossiers
				WHERE status = 'awaiting_signature' AND procedure_code = v.code AND procedure_version = v.version
				ORDER BY due_at, id LIMIT $1) x
			ORDER BY x.due_at, x.id LIMIT $1)
		SELECT d.code, d.procedure_code, p.name, `+applicantSQL("a", "og")+`, hu.code, d.submitted_at, d.due_at,
			coalesce((SELECT id::text FROM documents WHERE dossier_id = d.id AND kind = 'draft_result' ORDER BY seq DESC LIMIT 1), ''),
			d.updated_at, d.procedure_version
		FROM pick
		JOIN dossiers d ON d.id = pick.id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		JOIN users a ON a.id = d.applicant_id
		LEFT JOIN users og ON og.id = d.organization_id
		JOIN units hu ON hu.id = d.holder_unit_id
		ORDER BY d.due_at, d.id`, limit, codes, versions)
	if err != nil {
		return nil, fmt.Errorf("dossiers awaiting signature: %w", err)
	}
	items, err := pgx.CollectRows(rows, pgx.RowToStructByPos[QueueItem])
	if err != nil {
		return nil, fmt.Errorf("dossiers awaiting signature: %w", err)
	}
	return items, nil
}
