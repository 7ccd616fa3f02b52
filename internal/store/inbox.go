package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// InboxItem is an open task of a unit, as the clerk's inbox lists it.
type InboxItem struct {
	TaskID        int64      `json:"taskId"`
	DossierCode   string     `json:"dossierCode"`
	ProcedureCode string     `json:"procedureCode"`
	Status        string     `json:"status"`
	Step          string     `json:"step"`
	Unit          string     `json:"unit"`
	OpenedAt      time.Time  `json:"openedAt"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
}

// Inbox returns the open tasks of the unit at unitPath and the units below it, the
// ones due first first.
func (s *Store) Inbox(ctx context.Context, unitPath string, limit int) ([]InboxItem, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.id, d.code, d.procedure_code, d.status, t.step, un.code, t.opened_at, t.due_at
		FROM tasks t
		JOIN units un ON un.id = t.unit_id
		JOIN dossiers d ON d.id = t.dossier_id
		WHERE t.state = 'open' AND un.path LIKE $1 || '%'
		ORDER BY t.due_at NULLS LAST, t.id
		LIMIT $2`, unitPath, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox of %s: %w", unitPath, err)
	}
	items, err := pgx.CollectRows(rows, pgx.RowToStructByPos[InboxItem])
	if err != nil {
		return nil, fmt.Errorf("inbox of %s: %w", unitPath, err)
	}
	return items, nil
}
