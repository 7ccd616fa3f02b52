package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

func TestConcurrentMigrationsApplyEachOnce(t *testing.T) {
	url := storetest.NewDatabase(t)
	ctx := context.Background()
	const n = 4
	applied := make([][]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(ctx, url, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			applied[i], errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	ms, _ := store.Migrations()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if total != len(ms) {
		t.Fatalf("migrations applied %d times in all, want %d (each once)", total, len(ms))
	}
	// And once more: nothing to do.
	s, _ := store.Open(ctx, url, nil)
	defer s.Close()
	if again, err := s.Migrate(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v, %v", again, err)
	}
}

func TestSeedDemoIsIdempotentAndScopesUnits(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	a, err := s.CheckPassword(ctx, "chuyenvien1", store.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if a.UnitPath != "/G09/TCPCP/" || !a.Has(motcua.RoleClerk) || a.Name != "Phạm Quốc Huy" {
		t.Fatalf("actor = %+v", a)
	}
	leader, _ := s.CheckPassword(ctx, "lanhdao1", store.DemoPassword)
	if !leader.InScope(a.UnitPath) {
		t.Fatal("the ministry's leader must have the department in scope")
	}
}

func TestCheckPassword(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	for _, tt := range []struct{ user, pass, want string }{
		{"canbo1", "demo", ""},
		{"canbo1", "wrong", motcua.EUNAUTHORIZED},
		{"nobody", "demo", motcua.EUNAUTHORIZED},
		{"", "", motcua.EUNAUTHORIZED},
	} {
		_, err := s.CheckPassword(ctx, tt.user, tt.pass)
		if got := motcua.ErrorCode(err); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want code %q", tt.user, tt.pass, err, tt.want)
		}
	}
}

func TestSessionsExpireAndRevoke(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	a, _ := s.CheckPassword(ctx, "congdan1", "demo")
	live, err := s.CreateSession(ctx, a.UserID, "api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.SessionActor(ctx, live.Token); err != nil || got.UserID != a.UserID {
		t.Fatalf("live session: %v %v", got, err)
	}
	expired, _ := s.CreateSession(ctx, a.UserID, "api", -time.Minute)
	if _, _, err := s.SessionActor(ctx, expired.Token); motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
		t.Fatalf("expired session: %v", err)
	}
	if err := s.RevokeSession(ctx, live.Token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionActor(ctx, live.Token); motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
		t.Fatalf("revoked session: %v", err)
	}
	n, err := s.PurgeExpired(ctx, time.Now().Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	for i := range 3 {
		err := s.Tx(ctx, func(tx pgx.Tx) error {
			return store.Audit(ctx, tx, store.AuditEntry{Action: "test", ObjectType: "dossier", ObjectID: "X",
				Detail: map[string]any{"i": i, "ghi_chú": "Hồ sơ đã tiếp nhận"}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if bad, err := s.VerifyAudit(ctx); err != nil || bad != 0 {
		t.Fatalf("intact chain: bad row %d, %v", bad, err)
	}
	var second int64
	_ = s.Pool().QueryRow(ctx, "SELECT id FROM audit_log ORDER BY id OFFSET 1 LIMIT 1").Scan(&second)
	if _, err := s.Pool().Exec(ctx, `UPDATE audit_log SET detail = '{"i": 99}' WHERE id = $1`, second); err != nil {
		t.Fatal(err)
	}
	if bad, err := s.VerifyAudit(ctx); err != nil || bad != second {
		t.Fatalf("tampered chain: bad row %d, %v; want %d", bad, err, second)
	}
}
