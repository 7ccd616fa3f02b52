package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/reports"
)

// BenchmarkForm06Year measures form 06 of a whole year at the ministry level (every
// unit) over MOTCUA_BENCH_REPORT_N dossiers (default 1,000,000) spread over two years,
// and reports the p50 and p99 of one call:
//
//	go test -run '^$' -bench Form06Year -benchtime 200x -p 1 ./internal/store/
//
// The dossiers are written by SQL (generate_series), not by 1,000,000 workflows; the
// rollup is then built by migration 0012's own backfill statements, which count what
// recordTransition counts (tests: TestForm06EqualsTheHandCountedFixture). Per thousand:
// 20 refused at intake, 10 withdrawn, 5 stopped, the rest resolved within 0–16 days of
// receipt against a 12-day limit (a quarter late) unless that is after now (then open).
func BenchmarkForm06Year(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_REPORT_N")); err == nil && v > 0 {
		n = v
	}
	s := storetest.NewSeeded(b)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, motcua.Vietnam)
	loaded := time.Now()
	loadReportDossiers(b, s, n, now)
	b.Logf("loaded %d dossiers in %s", n, time.Since(loaded).Round(time.Second))
	var rows int
	_ = s.Pool().QueryRow(ctx, `SELECT count(*) FROM report_monthly`).Scan(&rows)
	b.Logf("report_monthly: %d rows", rows)

	year, err := reports.PeriodAt(reports.Year, now) // 15/12/2025–14/12/2026: running
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		p    reports.Period
	}{{"running-year", year}, {"closed-year", year.Previous()}} {
		b.Run(c.name, func(b *testing.B) {
			first := time.Now()
			f, err := s.Form06(ctx, "/G09/", c.p, now)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s first read %s: received %d, resolved %d, open %d (overdue %d)", c.p.Key(),
				time.Since(first).Round(time.Millisecond), f.Total.Received(), f.Total.Resolved(), f.Total.Open(), f.Total.OpenOverdue)
			var took []time.Duration
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				if _, err := s.Form06(ctx, "/G09/", c.p, now); err != nil {
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

// loadReportDossiers writes n dossiers of ten procedures in five fields at every unit.
func loadReportDossiers(b *testing.B, s *store.Store, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	var procs []store.ProcedureRecord
	for i := 1; i <= 10; i++ {
		procs = append(procs, store.ProcedureRecord{Code: fmt.Sprintf("BX.%02d", i), Version: 1, Name: fmt.Sprintf("Thủ tục %d", i),
			Domain: fmt.Sprintf("Lĩnh vực %d", (i+1)/2), Definition: json.RawMessage(`{}`), EffectiveFrom: now.AddDate(-3, 0, 0)})
	}
	if err := s.SyncProcedures(ctx, procs); err != nil {
		b.Fatal(err)
	}
	pool := s.Pool()
	const batch = 100_000
	for from := 1; from <= n; from += batch {
		to := min(n, from+batch-1)
		_, err := pool.Exec(ctx, `
			INSERT INTO dossiers (code, procedure_code, procedure_version, applicant_id, unit_id, status, submitted_at,
				received_at, due_at, due_original, finished_at, online, last_seq)
			SELECT 'BENCH-' || i, 'BX.' || lpad((i % 10 + 1)::text, 2, '0'), 1, (SELECT id FROM users WHERE username = 'congdan1'),
				units[1 + i % array_length(units, 1)],
				CASE WHEN r < 0.02 THEN 'refused' WHEN fin > $1::timestamptz THEN 'in_review' WHEN r < 0.03 THEN 'withdrawn'
					WHEN r < 0.035 THEN 'stopped' ELSE 'archived' END,
				rcv,
				CASE WHEN r < 0.02 THEN NULL ELSE rcv END,
				CASE WHEN r < 0.02 THEN NULL ELSE rcv + interval '12 days' END,
				CASE WHEN r < 0.02 THEN NULL ELSE rcv + interval '12 days' END,
				CASE WHEN r < 0.02 THEN rcv + interval '1 hour' WHEN fin > $1::timestamptz THEN NULL ELSE fin END,
				r2 < 0.7, 3
			FROM (SELECT i, r, r2, rcv, rcv + r2 * interval '16 days' AS fin, units
				FROM (SELECT i, random() AS r, random() AS r2, $1::timestamptz - random() * interval '730 days' AS rcv,
					(SELECT array_agg(id ORDER BY id) FROM units) AS units
					FROM generate_series($2::int, $3::int) i) g) h`, now, from, to)
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO dossier_due_history (dossier_id, seq, since, due_at)
		SELECT id, 2, received_at, due_at FROM dossiers WHERE due_at IS NOT NULL`); err != nil {
		b.Fatal(err)
	}
	ms, err := store.Migrations()
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range ms {
		if m.Version != 12 {
			continue
		}
		for _, stmt := range strings.Split(m.SQL, ";\n") {
			if strings.Contains(stmt, "INSERT INTO report_monthly") {
				if _, err := pool.Exec(ctx, stmt); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
