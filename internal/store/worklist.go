package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// ActorByUsername returns the actor with username (active accounts only).
func (s *Store) ActorByUsername(ctx context.Context, username string) (motcua.Actor, error) {
	a, err := scanActor(s.pool.QueryRow(ctx, actorQuery+"WHERE u.username = $1 AND u.active"+actorGroup, username))
	if err != nil {
		return a, notFound(err, "Không tìm thấy tài khoản «"+username+"».")
	}
	return a, nil
}

// TaskRecord is an open task as the task rules and the audit log see it.
type TaskRecord struct {
	motcua.Task
	DossierCode motcua.DossierCode
	Step        string
}

// taskRecordSQL reads tasks with the role their step asks for: the step's role in the
// procedure version the dossier was received under, the clerk's for a consultation.
const taskRecordSQL = `SELECT t.id, un.path, CASE WHEN t.step LIKE '%` + consultStepSuffix + `' THEN 'clerk' ELSE coalesce((SELECT st->>'role'
		FROM jsonb_array_elements(p.definition->'steps') st WHERE st->>'id' = split_part(t.step, '/', 1) LIMIT 1), '') END,
		coalesce(t.assignee_id, 0), d.code, t.step
	FROM tasks t JOIN units un ON un.id = t.unit_id JOIN dossiers d ON d.id = t.dossier_id
	JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
	WHERE t.id = ANY ($1) AND t.state = 'open'`

// TaskChange is one task's change of holder, as ChangeTasks made it.
type TaskChange struct {
	TaskID      int64              `json:"taskId"`
	DossierCode motcua.DossierCode `json:"dossierCode"`
	From        int64              `json:"from,omitempty"`
	To          int64              `json:"to,omitempty"`
}

// MaxTaskBatch is how many tasks one assignment may change.
const MaxTaskBatch = 500

// ChangeTasks gives the open tasks ids to person to (0: to nobody, a release) as one
// action of by: every task is locked and checked by check (the domain's rules) first,
// and if any is refused or gone nothing changes; otherwise every task changes and gets
// its own line in the audit log (task.<action>, with the batch that made it), all in one
// transaction. A task that does not exist, is closed, or that check refuses is named in
// the error by its place in ids.
func (s *Store) ChangeTasks(ctx context.Context, by motcua.Actor, action string, ids []int64, to int64,
	check func(TaskRecord) error) ([]TaskChange, error) {
	if len(ids) == 0 || len(ids) > MaxTaskBatch {
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "tasks", Message: fmt.Sprintf("Hãy chọn từ 1 đến %d việc.", MaxTaskBatch)}
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			return nil, &motcua.Error{Code: motcua.EINVALID, Field: fmt.Sprintf("tasks/%d", i), Message: "Một việc được chọn hai lần."}
		}
		seen[id] = true
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	batch := hex.EncodeToString(b)
	var out []TaskChange
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, taskRecordSQL+` ORDER BY t.id FOR UPDATE OF t`, ids)
		if err != nil {
			return fmt.Errorf("lock tasks: %w", err)
		}
		recs := map[int64]TaskRecord{}
		for rows.Next() {
			var r TaskRecord
			var role string
			if err := rows.Scan(&r.ID, &r.UnitPath, &role, &r.AssigneeID, &r.DossierCode, &r.Step); err != nil {
				rows.Close()
				return fmt.Errorf("lock tasks: %w", err)
			}
			r.StepRole = motcua.Role(role)
			recs[r.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock tasks: %w", err)
		}
		for i, id := range ids {
			r, ok := recs[id]
			field := fmt.Sprintf("tasks/%d", i)
			if !ok || !by.InScope(r.UnitPath) {
				// Another unit's task gets the answer a missing or closed one gets (the claim's
				// answer since issue 11), so that other units' work is not told.
				return &motcua.Error{Code: motcua.ECONFLICT, Field: field, Message: "Việc này đã có người nhận, đã xong hoặc không thuộc đơn vị của bạn."}
			}
			if err := check(r); err != nil {
				var me *motcua.Error
				if errors.As(err, &me) {
					c := *me
					c.Field = field
					c.Message = string(r.DossierCode) + ": " + c.Message
					return &c
				}
				return err
			}
			out = append(out, TaskChange{TaskID: id, DossierCode: r.DossierCode, From: r.AssigneeID, To: to})
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET assignee_id = $2 WHERE id = ANY ($1)`, ids, nullID(to)); err != nil {
			return fmt.Errorf("%s tasks: %w", action, err)
		}
		for _, c := range out {
			if err := Audit(ctx, tx, AuditEntry{ActorID: by.UserID, Action: "task." + action, ObjectType: "task",
				ObjectID: fmt.Sprint(c.TaskID), Detail: map[string]any{"dossier": c.DossierCode, "from": c.From, "to": c.To,
					"batch": batch, "size": len(ids)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// substitutesLock is the first key of the advisory lock on one person's substitutions.
const substitutesLock int32 = 0x73756273 // "subs"

// CreateSubstitution records that sub.Principal is away from sub.From until sub.Until
// and sub.Substitute acts for them; by is who records it (audited). A period that
// overlaps another of the same person is a conflict.
func (s *Store) CreateSubstitution(ctx context.Context, by int64, sub motcua.Substitution) (motcua.Substitution, error) {
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		// One writer per principal at a time, so that two overlapping periods cannot both
		// pass the check.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int, $2::int)`, substitutesLock, int32(sub.PrincipalID)); err != nil {
			return fmt.Errorf("lock substitutions: %w", err)
		}
		var overlap bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM substitutes WHERE principal_id = $1 AND cancelled_at IS NULL
				AND starts_at < $3 AND $2 < ends_at)`, sub.PrincipalID, sub.From, sub.Until).Scan(&overlap); err != nil {
			return fmt.Errorf("check substitutions: %w", err)
		}
		if overlap {
			return &motcua.Error{Code: motcua.ECONFLICT, Field: "from", Message: "Đã có người thay thế trong một phần thời gian này; hãy hủy bản cũ trước."}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO substitutes (principal_id, substitute_id, starts_at, ends_at, reason, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, sub.PrincipalID, sub.SubstituteID, sub.From, sub.Until, sub.Reason,
			nullID(by)).Scan(&sub.ID); err != nil {
			return fmt.Errorf("record substitution: %w", err)
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "substitute.create", ObjectType: "substitute", ObjectID: fmt.Sprint(sub.ID),
			Detail: map[string]any{"principal": sub.PrincipalID, "substitute": sub.SubstituteID, "from": sub.From, "until": sub.Until}})
	})
	return sub, err
}

// CancelSubstitution ends a substitution early: by must be its principal or whoever
// recorded it, else it is not found.
func (s *Store) CancelSubstitution(ctx context.Context, by int64, id int64, at time.Time) error {
	return s.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE substitutes SET cancelled_at = $3
			WHERE id = $1 AND cancelled_at IS NULL AND (principal_id = $2 OR created_by = $2)`, id, by, at)
		if err != nil {
			return fmt.Errorf("cancel substitution %d: %w", id, err)
		}
		if tag.RowsAffected() == 0 {
			return motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy người thay thế này.")
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "substitute.cancel", ObjectType: "substitute", ObjectID: fmt.Sprint(id)})
	})
}

// Substitutions lists the substitutions, not cancelled and not ended at now, where
// user is the principal or the substitute.
func (s *Store) Substitutions(ctx context.Context, user int64, now time.Time) ([]motcua.Substitution, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.id, s.principal_id, p.name, s.substitute_id, u.name, s.starts_at, s.ends_at, s.reason
		FROM substitutes s JOIN users p ON p.id = s.principal_id JOIN users u ON u.id = s.substitute_id
		WHERE (s.principal_id = $1 OR s.substitute_id = $1) AND s.cancelled_at IS NULL AND s.ends_at > $2
		ORDER BY s.starts_at, s.id`, user, now)
	if err != nil {
		return nil, fmt.Errorf("substitutions of %d: %w", user, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[motcua.Substitution])
	if err != nil {
		return nil, fmt.Errorf("substitutions of %d: %w", user, err)
	}
	if out == nil {
		out = []motcua.Substitution{}
	}
	return out, nil
}

// SubstitutedHolder returns the colleague whose work substitute acts on at at, on the
// dossier (0 when there is none): the holder of an open task of the dossier who named
// substitute for a leave running at at, or, for an unclaimed task, a colleague on such a
// leave whose unit (or a unit above) the task belongs to, unless the task lies within the
// substitute's own unit, where they act by their own authority. The principal's roles
// then decide what the substitute may do (motcua.ActingFor).
func (s *Store) SubstitutedHolder(ctx context.Context, dossierID, substitute int64, at time.Time) (int64, error) {
	var holder int64
	err := s.pool.QueryRow(ctx, `SELECT s.principal_id FROM tasks t
		JOIN units tu ON tu.id = t.unit_id
		JOIN substitutes s ON s.substitute_id = $2 AND s.cancelled_at IS NULL AND s.starts_at <= $3 AND $3 < s.ends_at
		JOIN users p ON p.id = s.principal_id AND p.active
		LEFT JOIN units pu ON pu.id = p.unit_id
		WHERE t.dossier_id = $1 AND t.state = 'open' AND (t.assignee_id = s.principal_id
			OR (t.assignee_id IS NULL AND tu.path LIKE pu.path || '%' AND NOT EXISTS (SELECT 1 FROM users su
				JOIN units suu ON suu.id = su.unit_id WHERE su.id = $2 AND tu.path LIKE suu.path || '%')))
		ORDER BY t.assignee_id IS NULL, t.id, s.starts_at DESC LIMIT 1`, dossierID, substitute, at).Scan(&holder)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("substituted holder of dossier %d: %w", dossierID, err)
	}
	return holder, nil
}

// Comment is a colleague's comment on a dossier: internal, never shown to the applicant.
type Comment struct {
	ID     int64     `json:"id"`
	Author string    `json:"author"`
	Unit   string    `json:"unit,omitempty"`
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

// AddComment writes a colleague's comment on the dossier (audited).
func (s *Store) AddComment(ctx context.Context, dossierID, author int64, body string, at time.Time) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO dossier_comments (dossier_id, author_id, body, at) VALUES ($1, $2, $3, $4) RETURNING id`,
			dossierID, author, body, at).Scan(&id); err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		return Audit(ctx, tx, AuditEntry{ActorID: author, Action: "dossier.comment", ObjectType: "dossier_comment", ObjectID: fmt.Sprint(id)})
	})
	return id, err
}

// Comments lists the colleagues' comments on a dossier, oldest first.
func (s *Store) Comments(ctx context.Context, dossierID int64) ([]Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, u.name, coalesce(un.name, ''), c.body, c.at
		FROM dossier_comments c JOIN users u ON u.id = c.author_id LEFT JOIN units un ON un.id = u.unit_id
		WHERE c.dossier_id = $1 ORDER BY c.id LIMIT 1000`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("comments of dossier %d: %w", dossierID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Comment])
	if err != nil {
		return nil, fmt.Errorf("comments of dossier %d: %w", dossierID, err)
	}
	if out == nil {
		out = []Comment{}
	}
	return out, nil
}

// SavedFilter is a person's named inbox filter (the inbox's query string).
type SavedFilter struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
}

// MaxSavedFilters is how many filters one person keeps.
const MaxSavedFilters = 50

// SaveFilter keeps a named filter of user's (the same name replaces it).
func (s *Store) SaveFilter(ctx context.Context, user int64, name, query string) (SavedFilter, error) {
	f := SavedFilter{Name: name, Query: query}
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM saved_filters WHERE user_id = $1 AND name <> $2`, user, name).Scan(&n); err != nil {
			return fmt.Errorf("save filter: %w", err)
		}
		if n >= MaxSavedFilters {
			return &motcua.Error{Code: motcua.ECONFLICT, Field: "name", Message: fmt.Sprintf("Mỗi người lưu tối đa %d bộ lọc.", MaxSavedFilters)}
		}
		return tx.QueryRow(ctx, `INSERT INTO saved_filters (user_id, name, query) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, name) DO UPDATE SET query = EXCLUDED.query RETURNING id`, user, name, query).Scan(&f.ID)
	})
	if err != nil {
		return f, fmt.Errorf("save filter %q: %w", name, err)
	}
	return f, nil
}

// SavedFilters lists user's filters by name.
func (s *Store) SavedFilters(ctx context.Context, user int64) ([]SavedFilter, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, query FROM saved_filters WHERE user_id = $1 ORDER BY name`, user)
	if err != nil {
		return nil, fmt.Errorf("saved filters: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SavedFilter])
	if err != nil {
		return nil, fmt.Errorf("saved filters: %w", err)
	}
	if out == nil {
		out = []SavedFilter{}
	}
	return out, nil
}

// DeleteFilter removes one of user's filters.
func (s *Store) DeleteFilter(ctx context.Context, user, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM saved_filters WHERE id = $1 AND user_id = $2`, id, user)
	if err != nil {
		return fmt.Errorf("delete filter %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy bộ lọc.")
	}
	return nil
}

// likePattern escapes v for LIKE (the default escape character, backslash).
func likePattern(v string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
}

// Colleague is a member of staff a unit's head may give work to, or a person may name
// as substitute.
type Colleague struct {
	ID       int64
	Username string
	Name     string
	UnitCode string
	Roles    []string
}

// Colleagues lists the active clerks and leaders of the unit with path unitPath and
// the units below it, by unit and name (at most 500).
func (s *Store) Colleagues(ctx context.Context, unitPath string) ([]Colleague, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.username, u.name, un.code, array_agg(r.role ORDER BY r.role)
		FROM users u JOIN units un ON un.id = u.unit_id JOIN user_roles r ON r.user_id = u.id AND r.role IN ('clerk', 'leader')
		WHERE u.active AND un.path LIKE $1 || '%'
		GROUP BY u.id, un.code, un.path ORDER BY un.path, u.name, u.id LIMIT 500`, unitPath)
	if err != nil {
		return nil, fmt.Errorf("colleagues in %s: %w", unitPath, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Colleague])
	if err != nil {
		return nil, fmt.Errorf("colleagues in %s: %w", unitPath, err)
	}
	return out, nil
}
