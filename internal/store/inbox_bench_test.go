package store_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// BenchmarkInbox measures Store.Inbox (the counts per SLA bucket and the first page of
// 100, as GET /api/v1/inbox reads them) over MOTCUA_BENCH_INBOX_N dossiers (default
// 1,000,000), one in MOTCUA_BENCH_INBOX_OPEN_EVERY of them open (default 20: 50,000 open
// tasks, five times what a ministry deciding 200,000 dossiers a year within 12 days
// keeps open), spread over the six units of the demo ministry,
// and reports p50 and p99 of one call for a unit, for the ministry (every unit), for
// "my work" and for a search by name:
//
//	MOTCUA_BENCH_INBOX_N=1000000 go test -run '^$' -bench Inbox -benchtime 300x -p 1 ./internal/store/
//
// With MOTCUA_BENCH_INBOX_DB=name the loaded database is kept under that name and later
// runs reuse it (migrating it first, so a new index is built on the loaded rows); drop it
// by hand when done.
func BenchmarkInbox(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_INBOX_N")); err == nil && v > 0 {
		n = v
	}
	every := 20
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_INBOX_OPEN_EVERY")); err == nil && v > 0 {
		every = v
	}
	ctx := context.Background()
	var s *store.Store
	loaded := time.Now()
	if name := os.Getenv("MOTCUA_BENCH_INBOX_DB"); name != "" {
		// A kept database: loaded once (the first run), migrated and reused afterwards.
		var fresh bool
		s, fresh = storetest.Kept(b, name)
		if fresh {
			storetest.LoadInbox(b, s, storetest.InboxLoad{N: n, Now: inboxNow, OpenEvery: every})
		}
	} else {
		s = storetest.NewSeeded(b)
		storetest.LoadInbox(b, s, storetest.InboxLoad{N: n, Now: inboxNow, OpenEvery: every})
	}
	var open int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM tasks WHERE state = 'open'`).Scan(&open)
	b.Logf("loaded %d dossiers (%d open tasks) in %s", n, open, time.Since(loaded).Round(time.Second))
	var clerk int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'chuyenvien1'`).Scan(&clerk); err != nil {
		b.Fatal(err)
	}
	// chuyenvien1 holds 300 of the reviewing unit's tasks.
	if _, err := s.Pool().Exec(ctx, `UPDATE tasks SET assignee_id = $1 WHERE id IN (SELECT t.id FROM tasks t JOIN units u ON u.id = t.unit_id
		WHERE t.state = 'open' AND u.code = 'TCPCP' ORDER BY t.id LIMIT 300)`, clerk); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `VACUUM ANALYZE tasks`); err != nil {
		b.Fatal(err)
	}
	soon := inboxNow.Add(24 * time.Hour)
	for _, c := range []struct {
		name string
		f    store.InboxFilter
	}{
		{"unit", store.InboxFilter{UnitPath: "/G09/TCPCP/"}},
		{"ministry", store.InboxFilter{UnitPath: "/G09/"}},
		{"mine", store.InboxFilter{UnitPath: "/G09/TCPCP/", Reader: clerk, Mine: true}},
		{"search-name", store.InboxFilter{UnitPath: "/G09/", Search: "tran thi dao"}},
		{"search-id", store.InboxFilter{UnitPath: "/G09/", Search: "001000012340"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f
			f.Now, f.Soon, f.Limit = inboxNow, soon, 100
			page, err := s.Inbox(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d open tasks, page of %d", c.name, page.Counts.Total, len(page.Items))
			var took []time.Duration
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				if _, err := s.Inbox(ctx, f); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
		})
	}
}
