package web_test

import (
	"testing"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// act sends a decision through the JSON API and fails unless it is accepted: the pages'
// tests use it to bring a dossier to the state a page is about.
func act(t *testing.T, s *stacktest.Stack, user string, code motcua.DossierCode, body map[string]any) workflows.State {
	t.Helper()
	r := s.Act(user, code, body)
	if r.Status != 200 {
		t.Fatalf("%s as %s: %d %s", body["action"], user, r.Status, r.Body)
	}
	return s.State(code)
}

func procedure(t *testing.T, s *stacktest.Stack, code string) *forms.Procedure {
	t.Helper()
	p, err := s.Catalog.Procedure(code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
