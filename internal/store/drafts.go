package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Draft is an e-form a citizen saved before submitting it.
type Draft struct {
	UserID        int64
	ProcedureCode string
	Data          map[string]any
	// Token is the idempotency key the draft's submission uses.
	Token     string
	UpdatedAt time.Time
}

// SaveDraft keeps data as userID's draft of procedure, replacing an earlier one, and
// returns it with its token. The token changes when the data does, so a check page
// showing older answers cannot submit newer ones the citizen has not reviewed.
func (s *Store) SaveDraft(ctx context.Context, userID int64, procedure string, data map[string]any) (Draft, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return Draft{}, fmt.Errorf("save draft: %w", err)
	}
	d := Draft{UserID: userID, ProcedureCode: procedure, Data: data}
	err = s.pool.QueryRow(ctx, `INSERT INTO drafts (user_id, procedure_code, data, token) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, procedure_code) DO UPDATE SET data = EXCLUDED.data, updated_at = now(),
			token = CASE WHEN drafts.data = EXCLUDED.data THEN drafts.token ELSE EXCLUDED.token END
		RETURNING token, updated_at`, userID, procedure, b, "draft-"+randomToken()).Scan(&d.Token, &d.UpdatedAt)
	if err != nil {
		return Draft{}, fmt.Errorf("save draft of %s: %w", procedure, err)
	}
	return d, nil
}

// DraftOf returns userID's draft of procedure; ok is false when there is none.
func (s *Store) DraftOf(ctx context.Context, userID int64, procedure string) (d Draft, ok bool, err error) {
	var b []byte
	err = s.pool.QueryRow(ctx, `SELECT data, token, updated_at FROM drafts WHERE user_id = $1 AND procedure_code = $2`,
		userID, procedure).Scan(&b, &d.Token, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, fmt.Errorf("read draft of %s: %w", procedure, err)
	}
	d.UserID, d.ProcedureCode = userID, procedure
	if err := json.Unmarshal(b, &d.Data); err != nil {
		return Draft{}, false, fmt.Errorf("decode draft of %s: %w", procedure, err)
	}
	return d, true, nil
}

// DeleteDraft removes the draft whose token was submitted.
func (s *Store) DeleteDraft(ctx context.Context, userID int64, procedure, token string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM drafts WHERE user_id = $1 AND procedure_code = $2 AND token = $3`,
		userID, procedure, token); err != nil {
		return fmt.Errorf("delete draft of %s: %w", procedure, err)
	}
	return nil
}
