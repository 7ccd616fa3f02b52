package store_test

import (
	"context"
	"fmt"
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
// unit's page and counts (tasks_inbox_idx, and the open tasks per day by their key),
// filtered counts (tasks_inbox_idx), "my work" (tasks_assignee_idx), the search by a
// number (tasks_search_idx) and by a common name (tasks_inbox_idx, index only), and never
// scans the tasks table whole.
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
		{"unit-page", store.InboxUnitsPageSQL(`t.state = 'open' AND t.unit_id = u.id`), "tasks_inbox_idx", []any{units, 100, 0}},
		{"unit-counts", store.InboxDayCountSQL, "tasks_inbox_idx", []any{units}},
		{"unit-counts-days", store.InboxDayCountSQL, "inbox_day_counts_pkey", []any{units}},
		{"filtered-counts", store.InboxCountSQL(`t.state = 'open' AND t.unit_id = ANY ($1) AND t.inbox_due < $4`), "tasks_inbox_idx",
			[]any{units, inboxNow.AddDate(0, 0, 3)}},
		{"mine-page", store.InboxPageSQL(`t.state = 'open' AND t.assignee_id IS NOT NULL AND t.assignee_id = ANY ($1)`), "tasks_assignee_idx",
			[]any{[]int64{clerk}}},
		{"search", store.InboxCountSQL(`t.state = 'open' AND t.unit_id = ANY ($1) AND t.search LIKE '%' || motcua_fold($4) || '%'`),
			"tasks_search_idx", []any{units, "001000012340"}},
		// A name a fifth of the open tasks share (migration 0024): read from the inbox's
		// index, which carries the search text, unit by unit in order, never task by task.
		{"search-name-counts", store.InboxUnitsSearchCountSQL(`t.state = 'open' AND t.unit_id = u.id AND t.search LIKE '%' || motcua_fold($4) || '%'`),
			"Index Only Scan using tasks_inbox_idx", []any{units, "tran thi dao"}},
		{"search-name-page", store.InboxUnitsPageSQL(`t.state = 'open' AND t.unit_id = u.id AND t.search LIKE '%' || motcua_fold($6) || '%'`),
			"Index Only Scan using tasks_inbox_idx", []any{units, 100, 0, "tran thi dao"}},
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

// TestInboxCountsFromDaysEqualCountingTasks: the counts per SLA bucket read from the open
// tasks per day (inbox_day_counts, kept by triggers) equal counting the open tasks, for
// "now" and "soon" on and across day boundaries, after tasks close, dossiers' due times
// move, a task changes unit, a task has no due time and a dossier is deleted; and the
// page merged from each unit's first rows equals the page read from all of them.
func TestInboxCountsFromDaysEqualCountingTasks(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 3000, Now: inboxNow, OpenEvery: 1})
	ctx := context.Background()
	scope := func(path string) []int64 {
		var ids []int64
		if err := s.Pool().QueryRow(ctx, `SELECT array_agg(id) FROM units WHERE path LIKE $1 || '%'`, path).Scan(&ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	counts := func(sql string, units []int64, now, soon time.Time) [4]int {
		var c [4]int
		if err := s.Pool().QueryRow(ctx, sql, units, now, soon).Scan(&c[0], &c[1], &c[2], &c[3]); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ids := func(sql string, units []int64, now, soon time.Time, limit, offset int) []int64 {
		rows, err := s.Pool().Query(ctx, sql, units, now, soon, limit, offset)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, vals[0].(int64))
		}
		return out
	}
	where := `t.state = 'open' AND t.unit_id = ANY ($1)`
	check := func(stage string) {
		t.Helper()
		midnightUTC := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
		for _, path := range []string{"/G09/", "/G09/TCPCP/"} {
			units := scope(path)
			for _, now := range []time.Time{inboxNow, midnightUTC, midnightUTC.Add(-time.Microsecond), inboxNow.AddDate(0, 0, -40), inboxNow.AddDate(0, 0, 40)} {
				for _, soon := range []time.Time{now.Add(24 * time.Hour), now.Add(time.Minute)} {
					direct, days := counts(store.InboxCountSQL(where), units, now, soon), counts(store.InboxDayCountSQL, units, now, soon)
					if direct != days {
						t.Fatalf("%s, %s at %s–%s: from days %v, counting %v", stage, path, now, soon, days, direct)
					}
				}
			}
			for _, offset := range []int{0, 100, 450} {
				all := ids(inboxPageWithArgs(where), units, inboxNow, inboxNow.Add(24*time.Hour), 100, offset)
				merged := ids(store.InboxUnitsPageSQL(`t.state = 'open' AND t.unit_id = u.id`), units, inboxNow, inboxNow.Add(24*time.Hour), 100, offset)
				if fmt.Sprint(all) != fmt.Sprint(merged) {
					t.Fatalf("%s, %s offset %d: merged page %v, want %v", stage, path, offset, merged, all)
				}
			}
		}
	}
	check("loaded")
	exec := func(sql string) {
		t.Helper()
		if _, err := s.Pool().Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE tasks SET state = 'done', closed_at = now() WHERE id % 7 = 0`)
	exec(`UPDATE dossiers SET due_at = due_at + interval '3 days 5 hours' WHERE id % 5 = 0`)
	exec(`UPDATE tasks SET unit_id = (SELECT id FROM units WHERE code = 'TCPCP') WHERE id % 11 = 0`)
	exec(`UPDATE dossiers SET due_at = NULL WHERE id % 13 = 0`)
	exec(`UPDATE tasks SET due_at = NULL WHERE dossier_id % 13 = 0`)
	exec(`DELETE FROM dossiers WHERE id % 17 = 0`)
	check("changed")
	var negative int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM inbox_day_counts WHERE n < 0`).Scan(&negative); err != nil || negative != 0 {
		t.Fatalf("%d negative day counts (%v)", negative, err)
	}
}

// inboxPageWithArgs is the page over every unit at once, with limit $4 and offset $5.
func inboxPageWithArgs(where string) string {
	return strings.Replace(strings.Replace(store.InboxPageSQL(where), "LIMIT 100", "LIMIT $4", 1), "OFFSET 0", "OFFSET $5", 1)
}

// TestInboxSearchByACommonNameCountsUpToItsCap: a name 1,200 open tasks share is counted
// up to store.MaxSearchCount (capped, no buckets) and its page is the first 100 by due
// time, each the name's; a search by ID number, and by the same name within one unit's
// 200 tasks, is counted exactly.
func TestInboxSearchByACommonNameCountsUpToItsCap(t *testing.T) {
	s := storetest.NewSeeded(t)
	storetest.LoadInbox(t, s, storetest.InboxLoad{N: 6_000, Now: inboxNow, OpenEvery: 1})
	ctx := context.Background()
	f := store.InboxFilter{UnitPath: "/G09/", Now: inboxNow, Soon: inboxNow.Add(24 * time.Hour), Limit: 100, Search: "tran thi dao"}
	page, err := s.Inbox(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if !page.Counts.Capped || page.Counts.Total != store.MaxSearchCount+1 || page.Counts.Overdue != 0 || len(page.Items) != 100 {
		t.Fatalf("a common name: counts %+v, page of %d", page.Counts, len(page.Items))
	}
	var all int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM tasks t JOIN dossiers d ON d.id = t.dossier_id JOIN users u ON u.id = d.applicant_id
		WHERE t.state = 'open' AND u.name = 'Trần Thị Đào'`).Scan(&all); err != nil || all <= store.MaxSearchCount {
		t.Fatalf("the load has %d open tasks of the name (%v): the test needs more than the cap", all, err)
	}
	var first []int64
	rows, err := s.Pool().Query(ctx, `SELECT t.id FROM tasks t JOIN dossiers d ON d.id = t.dossier_id JOIN users u ON u.id = d.applicant_id
		WHERE t.state = 'open' AND u.name = 'Trần Thị Đào' ORDER BY t.inbox_due NULLS LAST, t.id LIMIT 100`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		first = append(first, id)
	}
	for i, it := range page.Items {
		if it.TaskID != first[i] || it.Applicant != "Trần Thị Đào" {
			t.Fatalf("row %d: task %d of %q, want task %d", i, it.TaskID, it.Applicant, first[i])
		}
	}
	f.Search = "001000000123"
	if page, err = s.Inbox(ctx, f); err != nil || page.Counts.Capped || page.Counts.Total != 1 || len(page.Items) != 1 {
		t.Fatalf("an ID number: %+v, %d rows, %v", page.Counts, len(page.Items), err)
	}
	f.Search, f.UnitPath = "tran thi dao", "/G09/TCPCP/"
	if page, err = s.Inbox(ctx, f); err != nil || page.Counts.Capped || page.Counts.Total == 0 ||
		page.Counts.Total != page.Counts.OnTime+page.Counts.DueSoon+page.Counts.Overdue {
		t.Fatalf("the name in one unit: %+v, %v", page.Counts, err)
	}
}
