package authority_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua/forms"
	"motcua/internal/authority"
	"motcua/internal/store/storetest"
)

// TestSnapshotAnswersFromWhatItReadOnce: a snapshot gives every procedure version the
// candidates the resolver gives, and then answers from what it read: a leader added
// afterwards is among the resolver's candidates and not the snapshot's, so the signing
// queue reads the units and each deciding unit's leaders once, not twice a version.
func TestSnapshotAnswersFromWhatItReadOnce(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	cat, err := forms.Default(forms.WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	r := authority.Resolver{Store: s, Catalog: cat}
	snap := r.Snapshot()
	candidates := func(r authority.Resolver, code string, version int) string {
		t.Helper()
		cs, err := r.Candidates(ctx, code, version, nil, at)
		if err != nil {
			t.Fatalf("%s@v%d: %v", code, version, err)
		}
		var out string
		for _, c := range cs {
			out += fmt.Sprintf("%d %s %q; ", c.Signatory.ID, c.Signatory.Name, c.Block.Lines())
		}
		return out
	}
	procs := cat.Procedures()
	for _, p := range procs {
		want := candidates(r, p.Code, p.Version)
		if want == "" {
			t.Errorf("%s@v%d: no one may sign", p.Code, p.Version)
		}
		if got := candidates(snap, p.Code, p.Version); got != want {
			t.Errorf("%s@v%d: the snapshot's candidates %s, the resolver's %s", p.Code, p.Version, got, want)
		}
	}
	// A new leader of the first procedure's deciding unit, with its signer's title.
	p := procs[0]
	block, holders, err := r.Default(ctx, p.Code, p.Version)
	if err != nil || len(holders) == 0 {
		t.Fatalf("%s: %v, %d holders", p.Code, err, len(holders))
	}
	before := candidates(snap, p.Code, p.Version)
	if _, err := s.Pool().Exec(ctx, `INSERT INTO users (username, name, unit_id, title)
		SELECT 'lanhdao.moi', 'Lãnh đạo mới', id, $2 FROM units WHERE code = $1`, p.DecidingUnit, block.SignerTitle); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT id, 'leader' FROM users WHERE username = 'lanhdao.moi'`); err != nil {
		t.Fatal(err)
	}
	if now := candidates(r, p.Code, p.Version); now == before {
		t.Fatalf("the resolver does not see the new leader: %s", now)
	}
	if got := candidates(snap, p.Code, p.Version); got != before {
		t.Errorf("the snapshot read the leaders again: %s, was %s", got, before)
	}
}
