package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

var inboxNow = time.Date(2026, 3, 10, 10, 0, 0, 0, motcua.Vietnam)

// TestInboxSearchFindsByCodeNameAndIDNumber: the inbox's search finds open tasks by
// their dossier's code, the applicant's name typed without diacritics or in another
// case, and a personal ID number the form names; it finds no closed task and nothing
// outside the reader's units; LIKE's wildcards are taken literally.
func TestInboxSearchFindsByCodeNameAndIDNumber(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 200, Now: inboxNow, OpenEvery: 2, Unit: "TCPCP"})
	inbox := func(path, q string) store.InboxPage {
		t.Helper()
		p, err := s.Inbox(context.Background(), store.InboxFilter{UnitPath: path, Search: q, Now: inboxNow, Soon: inboxNow.Add(24 * time.Hour), Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, path, q string
		want          int
	}{
		{"code", "/G09/", "ib-42", 1},                       // IB-42 (open), IB-420 is not loaded
		{"code-closed", "/G09/", "IB-41", 0},                // odd numbers are closed
		{"name-no-diacritics", "/G09/", "tran thi dao", 20}, // every fifth dossier (i % 5 = 4: nguoinop2) of 100 open
		{"name-case", "/G09/", "TRẦN THỊ ĐÀO", 20},
		{"id-number", "/G09/", "001000000100", 1},
		{"id-number-closed", "/G09/", "001000000101", 0},
		{"other-unit", "/G09/CCVC/", "ib-42", 0},
		{"wildcard", "/G09/", "%%%", 0},
		{"underscore", "/G09/", "ib_4", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := inbox(c.path, c.q)
			if p.Counts.Total != c.want || len(p.Items) != c.want {
				t.Fatalf("%q: %d (%d items), want %d", c.q, p.Counts.Total, len(p.Items), c.want)
			}
			for _, it := range p.Items {
				if it.Applicant == "" {
					t.Fatalf("no applicant on %+v", it)
				}
			}
		})
	}
}

// TestInboxQueriesUseTheirIndexes runs EXPLAIN on each query of the inbox over 20,000
// open tasks (about 3,300 per unit) and checks the plan reads the index made for it: the
// unit's list (tasks_inbox_idx), "my work" (tasks_assignee_idx) and the search
// (tasks_search_idx), and never scans the tasks table whole.
func TestInboxQueriesUseTheirIndexes(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 20_000, Now: inboxNow, OpenEvery: 1})
	ctx := context.Background()
	var units []int64
	if err := s.Pool().QueryRow(ctx, `SELECT array_agg(id) FROM units WHERE path LIKE '/G09/TCPCP/%'`).Scan(&units); err != nil {
		t.Fatal(err)
	}
	var clerk int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'chuyenvien1'`).Scan(&clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE tasks SET assignee_id = $1 WHERE id IN (SELECT id FROM tasks WHERE state = 'open' LIMIT 50)`, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `ANALYZE tasks`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, sql, index string
		args             []any
	}{
		{"unit-page", store.InboxPageSQL(`t.state = 'open' AND t.unit_id = ANY ($1)`), "tasks_inbox_idx", []any{units}},
		{"unit-counts", store.InboxCountSQL(`t.state = 'open' AND t.unit_id = ANY ($1)`), "tasks_inbox_idx", []any{units}},
		{"mine-page", store.InboxPageSQL(`t.state = 'open' AND t.assignee_id IS NOT NULL AND t.assignee_id = ANY ($1)`), "tasks_assignee_idx",
			[]any{[]int64{clerk}}},
		{"search", store.InboxCountSQL(`t.state = 'open' AND t.unit_id = ANY ($1) AND t.search LIKE '%' || motcua_fold($4) || '%'`),
			"tasks_search_idx", []any{units, "001000012340"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []any{c.args[0], inboxNow, inboxNow.Add(24 * time.Hour)}
			args = append(args, c.args[1:]...)
			rows, err := s.Pool().Query(ctx, "EXPLAIN "+c.sql, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			text := strings.Join(plan, "\n")
			if !strings.Contains(text, c.index) || strings.Contains(text, "Seq Scan on tasks") {
				t.Fatalf("plan does not read %s:\n%s", c.index, text)
			}
		})
	}
}
