package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// This file is what the administration pages read and write: units, staff accounts and
// their roles, and the working-day calendar's overrides. Every change is written with
// its audit record in one transaction, so the audit log never misses a change that
// happened nor records one that did not.

// UnitRow is a unit as the administration lists it.
type UnitRow struct {
	ID         int64
	Code       string
	Agency     string
	Name       string
	ParentCode string
	Path       string
	Depth      int // 0 for a root
	Staff      int // active accounts of the unit
}

// Units lists every unit in tree order (each unit after its parent).
func (s *Store) Units(ctx context.Context) ([]UnitRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.code, u.agency_code, u.name, coalesce(p.code, ''), u.path,
			length(u.path) - length(replace(u.path, '/', '')) - 2,
			(SELECT count(*) FROM users m WHERE m.unit_id = u.id AND m.active)
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		ORDER BY u.path`)
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[UnitRow])
}

// CreateUnitAudited creates a unit as CreateUnit does, recording that the administrator
// by did it.
func (s *Store) CreateUnitAudited(ctx context.Context, by int64, code, agencyCode, name, parentCode string) (motcua.Unit, error) {
	var u motcua.Unit
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if u, err = insertUnit(ctx, tx, code, agencyCode, name, parentCode); err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "unit.create", ObjectType: "unit", ObjectID: code,
			Detail: map[string]any{"agency": agencyCode, "name": name, "parent": parentCode, "path": u.Path}})
	})
	return u, unitError(code, err)
}

// StaffRow is a staff account as the administration lists it.
type StaffRow struct {
	ID       int64
	Username string
	Name     string
	Title    string
	Email    string
	UnitCode string
	UnitName string
	Roles    []motcua.Role
	Active   bool
}

// Staff lists the accounts that belong to a unit (staff and administrators; citizens
// have none), by unit and username.
func (s *Store) Staff(ctx context.Context, limit int) ([]StaffRow, error) {
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.username, u.name, coalesce(u.title, ''), coalesce(u.email, ''),
			un.code, un.name,
			coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}'), u.active
		FROM users u JOIN units un ON un.id = u.unit_id LEFT JOIN user_roles r ON r.user_id = u.id
		GROUP BY u.id, un.code, un.name, un.path
		ORDER BY un.path, u.username LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("staff: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (StaffRow, error) {
		var r StaffRow
		var roles []string
		err := row.Scan(&r.ID, &r.Username, &r.Name, &r.Title, &r.Email, &r.UnitCode, &r.UnitName, &roles, &r.Active)
		for _, x := range roles {
			r.Roles = append(r.Roles, motcua.Role(x))
		}
		return r, err
	})
}

// CreateUserAudited creates an account as CreateUser does, recording that the
// administrator by did it (never the password).
func (s *Store) CreateUserAudited(ctx context.Context, by int64, u User, unitCode string) (User, error) {
	hash, err := passwordHash(&u)
	if err != nil {
		return u, err
	}
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		if err := insertUser(ctx, tx, &u, hash, unitCode); err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "user.create", ObjectType: "user", ObjectID: u.Username,
			Detail: map[string]any{"name": u.Name, "unit": unitCode, "roles": u.Roles}})
	})
	return u, userError(u.Username, err)
}

// SetRoles replaces the roles of a staff account, recording the change. An
// administrator cannot take the administrator role from themselves, so that the
// system is never left without one by mistake.
func (s *Store) SetRoles(ctx context.Context, by, userID int64, roles []motcua.Role) error {
	if len(roles) == 0 {
		return &motcua.Error{Code: motcua.EINVALID, Field: "roles", Message: "Hãy chọn ít nhất một vai trò."}
	}
	for _, r := range roles {
		if !r.Valid() || r == motcua.RoleCitizen {
			return &motcua.Error{Code: motcua.EINVALID, Field: "roles", Message: fmt.Sprintf("Vai trò %q không dùng cho tài khoản cán bộ.", r)}
		}
	}
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var username string
		err := tx.QueryRow(ctx, `SELECT username FROM users WHERE id = $1 AND unit_id IS NOT NULL FOR UPDATE`, userID).Scan(&username)
		if err != nil {
			return notFound(err, "Không tìm thấy tài khoản cán bộ.")
		}
		var before []string
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(role ORDER BY role), '{}') FROM user_roles WHERE user_id = $1`,
			userID).Scan(&before); err != nil {
			return err
		}
		if userID == by && !containsRole(roles, motcua.RoleAdmin) {
			return &motcua.Error{Code: motcua.EINVALID, Field: "roles",
				Message: "Bạn không thể tự bỏ vai trò quản trị hệ thống của chính mình."}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, r := range roles {
			if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, string(r)); err != nil {
				return err
			}
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "user.roles", ObjectType: "user", ObjectID: username,
			Detail: map[string]any{"before": before, "after": roles}})
	})
	if err != nil && motcua.ErrorCode(err) == motcua.EINTERNAL {
		return fmt.Errorf("set roles of user %d: %w", userID, err)
	}
	return err
}

func containsRole(rs []motcua.Role, r motcua.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Calendar override kinds.
const (
	DayOff     = "day_off"
	WorkingDay = "working_day"
)

// SetCalendarOverride declares a day off or a working day (replacing what the day had),
// recording the change. day is a date: only its year, month and day count.
func (s *Store) SetCalendarOverride(ctx context.Context, by int64, day time.Time, kind, name string) error {
	if kind != DayOff && kind != WorkingDay {
		return &motcua.Error{Code: motcua.EINVALID, Field: "kind", Message: "Loại ngày phải là ngày nghỉ hoặc ngày làm việc."}
	}
	d := dateOnly(day)
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_overrides (day, kind, name, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, updated_by = EXCLUDED.updated_by,
				updated_at = EXCLUDED.updated_at`, d, kind, name, nullID(by)); err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "calendar.set", ObjectType: "calendar_override",
			ObjectID: d.Format(time.DateOnly), Detail: map[string]any{"kind": kind, "name": name}})
	})
	if err != nil {
		return fmt.Errorf("set calendar override %s: %w", d.Format(time.DateOnly), err)
	}
	return nil
}

// RemoveCalendarOverride removes a day's override, recording the change; the day goes
// back to what the rules and the government's announcements make it.
func (s *Store) RemoveCalendarOverride(ctx context.Context, by int64, day time.Time) error {
	d := dateOnly(day)
	return s.Tx(ctx, func(tx pgx.Tx) error {
		var kind, name string
		err := tx.QueryRow(ctx, `DELETE FROM calendar_overrides WHERE day = $1 RETURNING kind, name`, d).Scan(&kind, &name)
		if err != nil {
			return notFound(err, "Ngày "+d.Format("02/01/2006")+" không có trong danh sách điều chỉnh lịch.")
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "calendar.remove", ObjectType: "calendar_override",
			ObjectID: d.Format(time.DateOnly), Detail: map[string]any{"kind": kind, "name": name}})
	})
}

// dateOnly is the calendar date of t as PostgreSQL's date takes it (midnight UTC).
func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
