package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// Applicant is who a desk, postal or portal dossier is filed for: found by personal ID
// number, or created as a citizen account without a password (they may sign in later
// through the identity provider, which links the account by the same number).
type Applicant struct {
	IDNumber string
	Name     string
	Phone    string
	Email    string
}

// ApplicantByIDNumber returns the citizen with a personal ID number; ok is false when
// there is none.
func (s *Store) ApplicantByIDNumber(ctx context.Context, idNumber string) (u User, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT id, username, name, coalesce(email, ''), coalesce(phone, '')
		FROM users WHERE id_number = $1 AND active`, idNumber).Scan(&u.ID, &u.Username, &u.Name, &u.Email, &u.Phone)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("find applicant by ID number: %w", err)
	}
	return u, true, nil
}

// SetIDNumber records a user's personal ID number (seed data, account settings).
func (s *Store) SetIDNumber(ctx context.Context, userID int64, idNumber string) error {
	_, err := s.pool.Exec(ctx, `UPDATE users SET id_number = $2 WHERE id = $1`, userID, idNumber)
	if isUniqueViolation(err) {
		return motcua.Errorf(motcua.ECONFLICT, "Số định danh %s đã thuộc về tài khoản khác.", idNumber)
	}
	return err
}

// applicantInTx finds the applicant by ID number or creates their account, inside tx;
// two requests creating the same person at once end with one account.
func applicantInTx(ctx context.Context, tx pgx.Tx, a Applicant) (int64, error) {
	if !twelveDigits(a.IDNumber) {
		return 0, &motcua.Error{Code: motcua.EINVALID, Field: "applicant.idNumber",
			Message: "Số định danh cá nhân của người nộp phải gồm đúng 12 chữ số."}
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO users (username, name, email, phone, id_number)
		VALUES ('cd' || $1, $2, NULLIF($3, ''), NULLIF($4, ''), $1)
		ON CONFLICT (id_number) DO NOTHING RETURNING id`, a.IDNumber, a.Name, a.Email, a.Phone).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT id FROM users WHERE id_number = $1`, a.IDNumber).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("find applicant %s: %w", a.IDNumber, err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("create applicant: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, 'citizen')`, id); err != nil {
		return 0, fmt.Errorf("role of applicant: %w", err)
	}
	return id, nil
}

// IntakeSystem is a system allowed to file dossiers on the inbound endpoint, with the
// account that stands as the actor of what it files.
type IntakeSystem struct {
	ID     string
	Name   string
	UserID int64
}

// CreateIntakeSystem registers a calling system with its secret (only its SHA-256 is
// kept) and a service account of its own.
func (s *Store) CreateIntakeSystem(ctx context.Context, id, name, secret string) (IntakeSystem, error) {
	if id == "" || len(secret) < 16 {
		return IntakeSystem{}, motcua.Errorf(motcua.EINVALID, "Hệ thống cần mã và khóa bí mật dài ít nhất 16 ký tự.")
	}
	sum := sha256.Sum256([]byte(secret))
	sys := IntakeSystem{ID: id, Name: name}
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO users (username, name) VALUES ('system:' || $1, $2) RETURNING id`, id, name).
			Scan(&sys.UserID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO intake_systems (id, name, secret_hash, user_id) VALUES ($1, $2, $3, $4)`,
			id, name, sum[:], sys.UserID)
		return err
	})
	if isUniqueViolation(err) {
		return IntakeSystem{}, motcua.Errorf(motcua.ECONFLICT, "Hệ thống %s đã được đăng ký.", id)
	}
	if err != nil {
		return IntakeSystem{}, fmt.Errorf("create intake system %s: %w", id, err)
	}
	return sys, nil
}

// AuthenticateIntakeSystem checks a calling system's secret; an unknown, inactive or
// wrong one is refused alike, so a caller cannot tell which systems exist.
func (s *Store) AuthenticateIntakeSystem(ctx context.Context, id, secret string) (IntakeSystem, error) {
	refused := &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Hệ thống gọi không được xác thực."}
	var sys IntakeSystem
	var hash []byte
	err := s.pool.QueryRow(ctx, `SELECT id, name, user_id, secret_hash FROM intake_systems WHERE id = $1 AND active`, id).
		Scan(&sys.ID, &sys.Name, &sys.UserID, &hash)
	sum := sha256.Sum256([]byte(secret))
	if errors.Is(err, pgx.ErrNoRows) {
		return IntakeSystem{}, refused
	}
	if err != nil {
		return IntakeSystem{}, fmt.Errorf("authenticate intake system: %w", err)
	}
	if subtle.ConstantTimeCompare(hash, sum[:]) != 1 {
		return IntakeSystem{}, refused
	}
	return sys, nil
}

// PortalIntake is what an earlier request with the same portal code made.
type PortalIntake struct {
	RequestHash []byte
	DossierCode motcua.DossierCode
}

// SubmitFromPortal stores a portal dossier once per (system, portal code): the first
// request numbers and stores it; a later one stores nothing and gets prev, for the
// caller to answer with the same dossier (same body) or refuse (another body). An
// advisory lock on the pair makes concurrent repeats wait for the first.
func (s *Store) SubmitFromPortal(ctx context.Context, system string, hash []byte, agency string, sub Submission) (code motcua.DossierCode, prev *PortalIntake, err error) {
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\x1f' || $2, 14))`, system, sub.PortalCode); err != nil {
			return fmt.Errorf("lock portal code: %w", err)
		}
		var p PortalIntake
		err := tx.QueryRow(ctx, `SELECT request_hash, dossier_code FROM portal_intake WHERE system_id = $1 AND portal_code = $2`,
			system, sub.PortalCode).Scan(&p.RequestHash, &p.DossierCode)
		if err == nil {
			prev = &p
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read portal intake: %w", err)
		}
		if code, err = NextDossierCode(ctx, tx, agency, sub.SubmittedAt); err != nil {
			return err
		}
		sub.Code = code
		if err := CreateSubmission(ctx, tx, sub); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO portal_intake (system_id, portal_code, request_hash, dossier_code) VALUES ($1, $2, $3, $4)`,
			system, sub.PortalCode, hash, code)
		if err != nil {
			return fmt.Errorf("record portal intake: %w", err)
		}
		return Audit(ctx, tx, AuditEntry{ActorID: sub.Uploader, Action: "dossier.portal_intake", ObjectType: "dossier",
			ObjectID: string(code), Detail: map[string]any{"system": system, "portalCode": sub.PortalCode}})
	})
	if err != nil || prev != nil {
		return "", prev, err
	}
	return code, nil, nil
}
