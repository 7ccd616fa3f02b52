package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"motcua/internal/store"
)

// InboxProcedure is the procedure of LoadInbox's dossiers: an intake step at the desk
// (clerk), an appraisal (clerk) and a leader's decision.
const InboxProcedure = "IB.01"

// InboxLoad says what LoadInbox writes.
type InboxLoad struct {
	N   int       // dossiers
	Now time.Time // appointments fall 30 days either side of it
	// OpenEvery: one dossier in OpenEvery keeps an open task (the others are finished),
	// as in a ministry where most dossiers of past years are closed. 1: every one.
	OpenEvery int
	// Unit, when set, holds every task; otherwise they spread over every unit.
	Unit string
}

// LoadInbox writes l.N dossiers of InboxProcedure by SQL (generate_series, in batches
// of 100,000, not through workflows) with one task each, open for one in l.OpenEvery:
// appraisal tasks (clerk), and every tenth open one the leader's decision. Applicants
// alternate between congdan1 and four named applicants; every dossier's form names a
// personal ID number 0010NNNNNNNN (N its number). The triggers of migrations 0003 and
// 0015 fill the tasks' due time and search text as the system's own writes do.
func LoadInbox(t testing.TB, s *store.Store, l InboxLoad) {
	t.Helper()
	ctx := context.Background()
	if l.OpenEvery <= 0 {
		l.OpenEvery = 1
	}
	def := json.RawMessage(`{"steps":[{"id":"tiep-nhan","role":"clerk"},{"id":"tham-dinh","role":"clerk"},{"id":"quyet-dinh","role":"leader"}]}`)
	if err := s.SyncProcedures(ctx, []store.ProcedureRecord{{Code: InboxProcedure, Version: 1, Name: "Thủ tục mẫu của hộp việc",
		Domain: "Mẫu", Definition: def, EffectiveFrom: l.Now.AddDate(-5, 0, 0)}}); err != nil {
		t.Fatal(err)
	}
	pool := s.Pool()
	for _, u := range []struct{ username, name string }{{"nguoinop1", "Nguyễn Văn Ánh"}, {"nguoinop2", "Trần Thị Đào"},
		{"nguoinop3", "Lê Quang Vinh"}, {"nguoinop4", "Phạm Thu Hương"}} {
		if _, err := pool.Exec(ctx, `INSERT INTO users (username, name) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING`,
			u.username, u.name); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT id, 'citizen' FROM users WHERE username = $1
			ON CONFLICT DO NOTHING`, u.username); err != nil {
			t.Fatal(err)
		}
	}
	const batch = 100_000
	for from := 1; from <= l.N; from += batch {
		to := min(l.N, from+batch-1)
		_, err := pool.Exec(ctx, `
			WITH g AS (
				SELECT i, $1::timestamptz + ((i::bigint * 7919) % 86400 - 43200) * interval '1 minute' AS due,
					(SELECT array_agg(id ORDER BY username) FROM users WHERE username IN ('congdan1', 'nguoinop1', 'nguoinop2', 'nguoinop3', 'nguoinop4')) AS applicants,
					CASE WHEN $4 = '' THEN (SELECT array_agg(id ORDER BY id) FROM units) ELSE (SELECT array_agg(id) FROM units WHERE code = $4) END AS units
				FROM generate_series($2::int, $3::int) i),
			d AS (
				INSERT INTO dossiers (code, procedure_code, procedure_version, applicant_id, unit_id, status, form_data, submitted_at,
					received_at, due_at, due_original, finished_at, holder_unit_id, current_step, last_seq)
				SELECT 'IB-' || i, 'IB.01', 1, applicants[1 + (i / $5) % 5], units[1 + (i / $5) % array_length(units, 1)],
					CASE WHEN i % $5 = 0 THEN 'in_review' ELSE 'archived' END,
					jsonb_build_object('nguoi_nop', jsonb_build_object('so_dinh_danh', '0010' || lpad(i::text, 8, '0'))),
					due - interval '12 days', due - interval '12 days', due, due,
					CASE WHEN i % $5 = 0 THEN NULL ELSE due END, units[1 + (i / $5) % array_length(units, 1)],
					CASE WHEN i % $5 = 0 THEN 'tham-dinh' END, 2
				FROM g RETURNING id, code, unit_id, holder_unit_id, due_at, finished_at, submitted_at)
			INSERT INTO tasks (dossier_id, unit_id, step, state, opened_at, due_at, closed_at, opened_seq)
			SELECT id, holder_unit_id, CASE WHEN finished_at IS NULL AND split_part(code, '-', 2)::int % (10 * $5) = 0 THEN 'quyet-dinh' ELSE 'tham-dinh' END,
				CASE WHEN finished_at IS NULL THEN 'open' ELSE 'done' END, submitted_at, due_at - interval '2 days', finished_at, 2
			FROM d`, l.Now, from, to, l.Unit, l.OpenEvery)
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE dossiers, tasks, users, units`); err != nil {
		t.Fatal(err)
	}
}
