package api

import "github.com/go-chi/chi/v5"

// staffPages are the pages of clerks, leaders and administrators (inbox, dossier
// actions, signing queue, statistics, administration).
func (s *server) staffPages(r chi.Router) {}
