package dossiers

import (
	"context"

	"motcua"
	"motcua/internal/store"
)

// Draft is a's saved e-form for procedure, if any (the page's "save and come back").
func (s *Service) Draft(ctx context.Context, a motcua.Actor, procedure string) (store.Draft, bool, error) {
	return s.Store.DraftOf(ctx, a.UserID, procedure)
}

// SaveDraft keeps a's e-form for procedure; each save gets a new token.
func (s *Service) SaveDraft(ctx context.Context, a motcua.Actor, procedure string, data map[string]any) (store.Draft, error) {
	return s.Store.SaveDraft(ctx, a.UserID, procedure, data)
}

// DeleteDraft drops a's draft once it is submitted (only the draft with that token).
func (s *Service) DeleteDraft(ctx context.Context, a motcua.Actor, procedure, token string) error {
	return s.Store.DeleteDraft(ctx, a.UserID, procedure, token)
}
