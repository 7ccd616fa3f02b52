package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PopulationLookup is one lookup in the national population database: who looked up
// whom, why, and whether the person was found (nil while the lookup runs, or when it
// failed before an answer).
type PopulationLookup struct {
	ID       int64
	At       time.Time
	ActorID  int64
	IDNumber string
	Reason   string
	Dossier  string
	Found    *bool
}

// RecordPopulationLookup writes the audit row of a lookup about to be made and returns
// its ID; the database refuses an empty reason.
func (s *Store) RecordPopulationLookup(ctx context.Context, actorID int64, idNumber, reason, dossier string) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO population_lookups (actor_id, id_number, reason, dossier)
		VALUES ($1, $2, $3, NULLIF($4, '')) RETURNING id`, actorID, idNumber, reason, dossier).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record population lookup: %w", err)
	}
	return id, nil
}

// FinishPopulationLookup records whether a lookup found the person.
func (s *Store) FinishPopulationLookup(ctx context.Context, id int64, found bool) error {
	if _, err := s.pool.Exec(ctx, `UPDATE population_lookups SET found = $2 WHERE id = $1`, id, found); err != nil {
		return fmt.Errorf("finish population lookup %d: %w", id, err)
	}
	return nil
}

// PopulationLookupsOf returns the lookups made about a personal ID number, newest first.
func (s *Store) PopulationLookupsOf(ctx context.Context, idNumber string) ([]PopulationLookup, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor_id, id_number, reason, coalesce(dossier, ''), found
		FROM population_lookups WHERE id_number = $1 ORDER BY at DESC, id DESC`, idNumber)
	if err != nil {
		return nil, fmt.Errorf("population lookups: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PopulationLookup])
}

// NamePopulationLookupDossier names, on a lookup's audit row, the dossier the lookup
// served once it is registered: only the row of that actor about that number, and only
// once (a row already naming a dossier keeps it). It reports whether a row was named.
func (s *Store) NamePopulationLookupDossier(ctx context.Context, id, actorID int64, idNumber, dossier string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE population_lookups SET dossier = $4
		WHERE id = $1 AND actor_id = $2 AND id_number = $3 AND dossier IS NULL`, id, actorID, idNumber, dossier)
	if err != nil {
		return false, fmt.Errorf("name the dossier of population lookup %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}
