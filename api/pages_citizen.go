package api

import "github.com/go-chi/chi/v5"

// citizenPages are the pages of citizens and the public ones (catalog, e-forms, my
// dossiers, lookup, verification).
func (s *server) citizenPages(r chi.Router) {}
