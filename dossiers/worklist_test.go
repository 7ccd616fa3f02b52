package dossiers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

var worklistNow = time.Date(2026, 3, 10, 10, 0, 0, 0, motcua.Vietnam)

func actor(t *testing.T, s *store.Store, username string) motcua.Actor {
	t.Helper()
	a, err := s.ActorByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func openTasks(t *testing.T, s *store.Store, step string, n int) []int64 {
	t.Helper()
	var ids []int64
	if err := s.Pool().QueryRow(context.Background(), `SELECT array_agg(id) FROM (SELECT id FROM tasks WHERE state = 'open' AND step = $1
		ORDER BY id LIMIT $2) x`, step, n).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

func assignees(t *testing.T, s *store.Store, ids []int64) map[int64]int {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), `SELECT coalesce(assignee_id, 0), count(*) FROM tasks WHERE id = ANY ($1) GROUP BY 1`, ids)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	return out
}

// TestBulkReassignmentIsOneActionAuditedPerTask: the head (a leader above the unit)
// gives 200 tasks to a clerk in one call; every task changes, each has its own audit
// line of the same batch and the hash chain holds. Then he gives them all to another
// clerk (a reassignment, from and to in each line). A batch with one task nobody may
// give to that person (a leader's step to a clerk), a person who cannot act there (a
// clerical officer), or a caller who is not a head changes nothing at all.
func TestBulkReassignmentIsOneActionAuditedPerTask(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 3000, Now: worklistNow, Unit: "TCPCP"})
	svc := dossiers.New(dossiers.Deps{Store: s, Now: func() time.Time { return worklistNow }})
	ctx := context.Background()
	head, clerk := actor(t, s, "lanhdao1"), actor(t, s, "chuyenvien1")
	other, err := s.CreateUser(ctx, store.User{Username: "chuyenvien5", Name: "Đinh Văn Nam", Roles: []motcua.Role{motcua.RoleClerk}}, "TCPCP")
	if err != nil {
		t.Fatal(err)
	}
	ids := openTasks(t, s, "tham-dinh", 200)
	if len(ids) != 200 {
		t.Fatalf("%d appraisal tasks loaded", len(ids))
	}
	countAudit := func(action string) int {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	changes, err := svc.Assign(ctx, head, dossiers.Assignment{Tasks: ids, To: "chuyenvien1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 200 || assignees(t, s, ids)[clerk.UserID] != 200 {
		t.Fatalf("%d changes, holders %v", len(changes), assignees(t, s, ids))
	}
	var lines, batches, tasks int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT detail->>'batch'), count(DISTINCT object_id)
		FROM audit_log WHERE action = 'task.assign' AND actor_id = $1 AND (detail->>'to')::bigint = $2`, head.UserID, clerk.UserID).
		Scan(&lines, &batches, &tasks); err != nil {
		t.Fatal(err)
	}
	if lines != 200 || batches != 1 || tasks != 200 {
		t.Fatalf("audit: %d lines, %d batches, %d tasks; want 200, 1, 200", lines, batches, tasks)
	}

	// Reassignment: from the first clerk to the second, each line says both.
	if _, err := svc.Assign(ctx, head, dossiers.Assignment{Tasks: ids, To: other.Username}); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'task.assign'
		AND (detail->>'from')::bigint = $1 AND (detail->>'to')::bigint = $2`, clerk.UserID, other.ID).Scan(&lines); err != nil {
		t.Fatal(err)
	}
	if lines != 200 || assignees(t, s, ids)[other.ID] != 200 {
		t.Fatalf("reassignment: %d audit lines, holders %v", lines, assignees(t, s, ids))
	}
	if broken, err := s.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("audit chain broken at %d (%v)", broken, err)
	}

	leaderStep := openTasks(t, s, "quyet-dinh", 1)
	before := countAudit("task.assign")
	for _, c := range []struct {
		name string
		by   motcua.Actor
		as   dossiers.Assignment
		code string
	}{
		{"leader-step-to-clerk", head, dossiers.Assignment{Tasks: append(ids[:199:199], leaderStep...), To: "chuyenvien1"}, motcua.EINVALID},
		{"clerical-officer", head, dossiers.Assignment{Tasks: ids, To: "vanthu1"}, motcua.EINVALID},
		{"not-a-head", clerk, dossiers.Assignment{Tasks: ids, To: "chuyenvien1"}, motcua.EFORBIDDEN},
		{"unknown-person", head, dossiers.Assignment{Tasks: ids, To: "khong-co"}, motcua.EINVALID},
		{"twice", head, dossiers.Assignment{Tasks: []int64{ids[0], ids[0]}, To: "chuyenvien1"}, motcua.EINVALID},
		{"none", head, dossiers.Assignment{To: "chuyenvien1"}, motcua.EINVALID},
		{"closed-task", head, dossiers.Assignment{Tasks: []int64{ids[0], -1}, To: "chuyenvien1"}, motcua.ECONFLICT},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Assign(ctx, c.by, c.as)
			if motcua.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if h := assignees(t, s, ids); h[other.ID] != 200 {
				t.Fatalf("a refused batch changed holders: %v", h)
			}
			if n := countAudit("task.assign"); n != before {
				t.Fatalf("a refused batch wrote %d audit lines", n-before)
			}
		})
	}
}

// TestOnlyTheStepsRoleClaimsAndTheHolderOrHeadReleases: a clerical officer or an
// administrator cannot claim a clerk's task (the bug of issue 16); a clerk claims it,
// another clerk cannot take it over, the holder releases it, and the head releases a
// task someone else holds; every change is audited.
func TestOnlyTheStepsRoleClaimsAndTheHolderOrHeadReleases(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 20, Now: worklistNow, Unit: "VP"})
	svc := dossiers.New(dossiers.Deps{Store: s, Now: func() time.Time { return worklistNow }})
	ctx := context.Background()
	task := openTasks(t, s, "tham-dinh", 1)[0]
	steps := []struct {
		name, user, action string
		code               string
	}{
		{"clerical-cannot-claim", "vanthu1", motcua.TaskClaim, motcua.EFORBIDDEN},
		{"admin-cannot-claim", "admin", motcua.TaskClaim, motcua.EFORBIDDEN},
		{"other-unit-cannot-claim", "chuyenvien1", motcua.TaskClaim, motcua.ECONFLICT},
		{"nobody-to-release", "lanhdao1", motcua.TaskRelease, motcua.ECONFLICT},
		{"clerk-claims", "canbo1", motcua.TaskClaim, ""},
		{"claims-again", "canbo1", motcua.TaskClaim, ""},
		{"not-holder-cannot-release", "vanthu1", motcua.TaskRelease, motcua.EFORBIDDEN},
		{"holder-releases", "canbo1", motcua.TaskRelease, ""},
		{"clerk-claims-back", "canbo1", motcua.TaskClaim, ""},
		{"head-releases", "lanhdao1", motcua.TaskRelease, ""},
	}
	for _, st := range steps {
		a := actor(t, s, st.user)
		var err error
		if st.action == motcua.TaskClaim {
			err = svc.Claim(ctx, a, task)
		} else {
			err = svc.Release(ctx, a, task)
		}
		if motcua.ErrorCode(err) != st.code && !(st.code == "" && err == nil) {
			t.Fatalf("%s: got %v, want %q", st.name, err, st.code)
		}
	}
	var claims, releases int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'task.claim'), count(*) FILTER (WHERE action = 'task.release')
		FROM audit_log WHERE object_id = $1`, fmt.Sprint(task)).Scan(&claims, &releases); err != nil {
		t.Fatal(err)
	}
	if claims != 3 || releases != 2 {
		t.Fatalf("audit: %d claims, %d releases; want 3, 2", claims, releases)
	}
}
