package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"motcua"
)

// User is an account: a citizen, a member of staff or an administrator.
type User struct {
	ID       int64
	Username string
	Name     string
	Email    string
	Phone    string
	Title    string
	UnitID   int64
	Roles    []motcua.Role
	// Password is only read by CreateUser: it is hashed with bcrypt, never stored.
	Password    string
	OIDCIssuer  string
	OIDCSubject string
	// Applicant is the kind of applicant an applicant account is ("" for staff; a
	// citizen account without one is a citizen). IDNumber is a citizen's personal ID
	// number (12 digits), TaxCode a business's, OrgIdentifier another organization's or
	// an agency's identifier.
	Applicant     motcua.ApplicantKind
	IDNumber      string
	TaxCode       string
	OrgIdentifier string
	// Represents is the username of the organization account this person is an
	// authorized representative of ("" for none).
	Represents string
}

// CreateUnit inserts a unit under parentCode ("" for a root) and returns it with its path.
func (s *Store) CreateUnit(ctx context.Context, code, agencyCode, name, parentCode string) (motcua.Unit, error) {
	var u motcua.Unit
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		u, err = insertUnit(ctx, tx, code, agencyCode, name, parentCode)
		return err
	})
	return u, unitError(code, err)
}

// insertUnit is CreateUnit inside tx (the administration pages audit in the same
// transaction); pass its error through unitError.
func insertUnit(ctx context.Context, tx pgx.Tx, code, agencyCode, name, parentCode string) (motcua.Unit, error) {
	u := motcua.Unit{Code: code, Agency: agencyCode, Name: name}
	path := "/" + code + "/"
	var parentID *int64
	if parentCode != "" {
		var id int64
		var ppath string
		if err := tx.QueryRow(ctx, "SELECT id, path FROM units WHERE code = $1", parentCode).Scan(&id, &ppath); err != nil {
			return u, notFound(err, fmt.Sprintf("Không có đơn vị cha %s.", parentCode))
		}
		parentID, path, u.ParentID = &id, ppath+code+"/", id
	}
	u.Path = path
	err := tx.QueryRow(ctx, `INSERT INTO units (code, agency_code, name, parent_id, path)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, code, agencyCode, name, parentID, path).Scan(&u.ID)
	return u, err
}

func unitError(code string, err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return motcua.Errorf(motcua.ECONFLICT, "Đơn vị %s đã tồn tại.", code)
	}
	return fmt.Errorf("create unit %s: %w", code, err)
}

// UnitByCode returns the unit with the given code.
func (s *Store) UnitByCode(ctx context.Context, code string) (motcua.Unit, error) {
	var u motcua.Unit
	var parent *int64
	err := s.pool.QueryRow(ctx, "SELECT id, code, agency_code, name, parent_id, path FROM units WHERE code = $1", code).
		Scan(&u.ID, &u.Code, &u.Agency, &u.Name, &parent, &u.Path)
	if err != nil {
		return u, notFound(err, fmt.Sprintf("Không có đơn vị %s.", code))
	}
	if parent != nil {
		u.ParentID = *parent
	}
	return u, nil
}

// CreateUser inserts a user with its roles. unitCode is "" for citizens.
func (s *Store) CreateUser(ctx context.Context, u User, unitCode string) (User, error) {
	hash, err := passwordHash(&u)
	if err != nil {
		return u, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return insertUser(ctx, tx, &u, hash, unitCode) })
	return u, userError(u.Username, err)
}

// passwordHash checks u's roles and hashes its password (nil for none), clearing it:
// the half of CreateUser that needs no transaction.
func passwordHash(u *User) (*string, error) {
	for _, r := range u.Roles {
		if !r.Valid() {
			return nil, motcua.Errorf(motcua.EINVALID, "Vai trò %q không hợp lệ.", r)
		}
	}
	var hash *string
	if u.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(u.Password), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("hash password of %s: %w", u.Username, err)
		}
		hs := string(h)
		hash = &hs
	}
	u.Password = ""
	return hash, nil
}

// insertUser is the other half of CreateUser, inside tx; pass its error through userError.
func insertUser(ctx context.Context, tx pgx.Tx, u *User, hash *string, unitCode string) error {
	var unitID *int64
	if unitCode != "" {
		var id int64
		if err := tx.QueryRow(ctx, "SELECT id FROM units WHERE code = $1", unitCode).Scan(&id); err != nil {
			return notFound(err, fmt.Sprintf("Không có đơn vị %s.", unitCode))
		}
		unitID, u.UnitID = &id, id
	}
	var represents *int64
	if u.Represents != "" {
		var id int64
		var kind *string
		if err := tx.QueryRow(ctx, "SELECT id, applicant_kind FROM users WHERE username = $1", u.Represents).Scan(&id, &kind); err != nil {
			return notFound(err, fmt.Sprintf("Không có tài khoản tổ chức %s.", u.Represents))
		}
		if kind == nil || motcua.ApplicantKind(*kind) == motcua.ApplicantCitizen {
			return motcua.Errorf(motcua.EINVALID, "Tài khoản %s không phải của một tổ chức hay cơ quan.", u.Represents)
		}
		represents = &id
	}
	if u.Applicant != "" && !u.Applicant.Valid() {
		return motcua.Errorf(motcua.EINVALID, "Loại người nộp %q không hợp lệ.", u.Applicant)
	}
	err := tx.QueryRow(ctx, `INSERT INTO users (username, name, email, phone, title, unit_id, password_hash, oidc_issuer, oidc_subject,
			applicant_kind, id_number, tax_code, org_identifier, represents)
		VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), NULLIF($5, ''), $6, $7, NULLIF($8, ''), NULLIF($9, ''),
			NULLIF($10, ''), NULLIF($11, ''), NULLIF($12, ''), NULLIF($13, ''), $14) RETURNING id`,
		u.Username, u.Name, u.Email, u.Phone, u.Title, unitID, hash, u.OIDCIssuer, u.OIDCSubject,
		string(u.Applicant), u.IDNumber, u.TaxCode, u.OrgIdentifier, represents).Scan(&u.ID)
	if err != nil {
		return err
	}
	for _, r := range u.Roles {
		if _, err := tx.Exec(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", u.ID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

func userError(username string, err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return motcua.Errorf(motcua.ECONFLICT, "Tài khoản %s đã tồn tại.", username)
	}
	return fmt.Errorf("create user %s: %w", username, err)
}

// EndRepresentation ends username's authorization to represent the organization it
// represents, in the name of the administrator by (audited): from then on the person
// applies as themself and no longer reads nor follows the organization's dossiers, even
// those they filed. A person who represents no organization is ENOTFOUND.
func (s *Store) EndRepresentation(ctx context.Context, by int64, username string) error {
	return s.Tx(ctx, func(tx pgx.Tx) error {
		var id, org int64
		err := tx.QueryRow(ctx, `UPDATE users u SET represents = NULL FROM users old
			WHERE old.id = u.id AND u.username = $1 AND old.represents IS NOT NULL
			RETURNING u.id, old.represents`, username).Scan(&id, &org)
		if err != nil {
			return notFound(err, fmt.Sprintf("Tài khoản %s không đại diện cho tổ chức nào.", username))
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "user.representation.end", ObjectType: "user",
			ObjectID: username, Detail: map[string]any{"user": id, "organization": org}})
	})
}

// actorQuery reads an account with its roles; a representative applies as the
// organization it represents (while that organization's account is active).
const actorQuery = `SELECT u.id, u.username, u.name, COALESCE(u.unit_id, 0), COALESCE(un.path, ''),
	COALESCE(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}'),
	COALESCE(o.applicant_kind, u.applicant_kind, ''), COALESCE(o.name, ''), COALESCE(o.id, 0)
	FROM users u LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN user_roles r ON r.user_id = u.id
	LEFT JOIN users o ON o.id = u.represents AND o.active `

// actorGroup ends an actorQuery.
const actorGroup = " GROUP BY u.id, un.path, o.id"

func scanActor(row pgx.Row) (motcua.Actor, error) {
	var a motcua.Actor
	var roles []string
	if err := row.Scan(&a.UserID, &a.Username, &a.Name, &a.UnitID, &a.UnitPath, &roles, &a.Applicant, &a.Organization, &a.OrganizationID); err != nil {
		return a, err
	}
	for _, r := range roles {
		a.Roles = append(a.Roles, motcua.Role(r))
	}
	return a, nil
}

// Actor returns the actor for user id.
func (s *Store) Actor(ctx context.Context, userID int64) (motcua.Actor, error) {
	a, err := scanActor(s.pool.QueryRow(ctx, actorQuery+"WHERE u.id = $1 AND u.active"+actorGroup, userID))
	if err != nil {
		return a, notFound(err, "Không tìm thấy tài khoản.")
	}
	return a, nil
}

// ActorByOIDC returns the actor linked to an OIDC issuer and subject.
func (s *Store) ActorByOIDC(ctx context.Context, issuer, subject string) (motcua.Actor, error) {
	a, err := scanActor(s.pool.QueryRow(ctx, actorQuery+"WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2 AND u.active"+actorGroup, issuer, subject))
	if err != nil {
		return a, notFound(err, "Tài khoản đăng nhập một lần chưa được liên kết.")
	}
	return a, nil
}

// ErrBadCredentials is returned by CheckPassword for an unknown user or a wrong password;
// the two are not told apart.
var ErrBadCredentials = &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Tên đăng nhập hoặc mật khẩu không đúng."}

// CheckPassword returns the actor whose username and password match.
func (s *Store) CheckPassword(ctx context.Context, username, password string) (motcua.Actor, error) {
	var id int64
	var hash *string
	err := s.pool.QueryRow(ctx, "SELECT id, password_hash FROM users WHERE username = $1 AND active", username).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		// Spend the same time as a real comparison, so timing does not reveal usernames.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return motcua.Actor{}, ErrBadCredentials
	}
	if err != nil {
		return motcua.Actor{}, fmt.Errorf("look up user: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(*hash), []byte(password)) != nil {
		return motcua.Actor{}, ErrBadCredentials
	}
	return s.Actor(ctx, id)
}

// dummyHash is a bcrypt hash (of a password no account has) compared against when the
// username is unknown. It is a constant: computing it at start-up would cost every
// motcua process, even "motcua verify", 70 ms.
var dummyHash = []byte("$2a$10$/.nyFsH5uupOdQ1bIolu6eAv/WwANk2YPJXsH4iM2urs/JxEiD6Bu")

// Session is a login: a secret token (given once, to the client) and a CSRF token.
type Session struct {
	Token     string
	CSRF      string
	ExpiresAt time.Time
}

// CreateSession starts a session of kind "web" (cookie) or "api" (bearer) for the user.
func (s *Store) CreateSession(ctx context.Context, userID int64, kind string, ttl time.Duration) (Session, error) {
	return s.CreateSessionVia(ctx, userID, kind, ttl, false)
}

// CreateSessionVia is CreateSession for a login that went (vneid) or did not go through
// VNeID: the session's actor says so, and the dossiers it submits record it.
func (s *Store) CreateSessionVia(ctx context.Context, userID int64, kind string, ttl time.Duration, vneid bool) (Session, error) {
	sess := Session{Token: randomToken(), CSRF: randomToken(), ExpiresAt: time.Now().Add(ttl).UTC().Truncate(time.Second)}
	h := sha256.Sum256([]byte(sess.Token))
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at, via_vneid) VALUES ($1, $2, $3, $4, $5, $6)`,
		h[:], userID, kind, sess.CSRF, sess.ExpiresAt, vneid)
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// SessionActor returns the actor and CSRF token of a live session token.
func (s *Store) SessionActor(ctx context.Context, token string) (motcua.Actor, string, error) {
	h := sha256.Sum256([]byte(token))
	var userID int64
	var csrf string
	var vneid bool
	err := s.pool.QueryRow(ctx, `SELECT user_id, csrf_token, via_vneid FROM sessions
		WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`, h[:]).Scan(&userID, &csrf, &vneid)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return motcua.Actor{}, "", &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại."}
		}
		return motcua.Actor{}, "", fmt.Errorf("look up session: %w", err)
	}
	a, err := s.Actor(ctx, userID)
	a.VNeID = vneid
	return a, csrf, err
}

// RevokeSession ends a session.
func (s *Store) RevokeSession(ctx context.Context, token string) error {
	h := sha256.Sum256([]byte(token))
	_, err := s.pool.Exec(ctx, "UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL", h[:])
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// PurgeExpired deletes sessions that ended before cutoff and idempotency keys older than
// it, and returns how many rows went.
func (s *Store) PurgeExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		t1, err := tx.Exec(ctx, "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1", cutoff)
		if err != nil {
			return err
		}
		t2, err := tx.Exec(ctx, "DELETE FROM idempotency_keys WHERE created_at < $1", cutoff)
		if err != nil {
			return err
		}
		n = t1.RowsAffected() + t2.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge expired: %w", err)
	}
	return n, nil
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CalendarOverride is a day an administrator declared off or working.
type CalendarOverride struct {
	Day  time.Time // midnight UTC of the day
	Kind string    // day_off or working_day
	Name string
}

// CalendarOverrides returns every override, by day.
func (s *Store) CalendarOverrides(ctx context.Context) ([]CalendarOverride, error) {
	rows, err := s.pool.Query(ctx, `SELECT day, kind, name FROM calendar_overrides ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CalendarOverride])
}

// LeaderOf returns the leader nearest to a unit: one of the unit itself, else of the
// unit above it, and so on (a result's signer before anyone signed it).
func (s *Store) LeaderOf(ctx context.Context, unitCode string) (motcua.Actor, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT u.id FROM units t
		JOIN units un ON t.path LIKE un.path || '%'
		JOIN users u ON u.unit_id = un.id AND u.active
		JOIN user_roles r ON r.user_id = u.id AND r.role = 'leader'
		WHERE t.code = $1 ORDER BY length(un.path) DESC, u.id LIMIT 1`, unitCode).Scan(&id)
	if err != nil {
		return motcua.Actor{}, notFound(err, "Không có lãnh đạo phụ trách đơn vị "+unitCode+".")
	}
	return s.Actor(ctx, id)
}
