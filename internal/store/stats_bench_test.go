package store_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/reports"
)

// BenchmarkStatsYear measures the statistics of a year (Store.Stats by procedure, by
// unit, by month; Store.Weekly over the year's 52 weeks) at the ministry level over
// MOTCUA_BENCH_STATS_N dossiers (default 1,000,000), and the store calls of /thong-ke's
// page for a year (form 06 of the running reporting year, by procedure, by unit, the 12
// weeks, open work now by procedure and by unit), reporting p50 and p99 of one call:
//
//	MOTCUA_BENCH_STATS_DB=motcua_bench_stats go test -run '^$' -bench StatsYear -benchtime 200x -p 1 -timeout 3h ./internal/store/
//
// The dossiers are loadReportDossiers' (BenchmarkForm06Year), each received one with
// one hand-over to its unit, one in ten resolved rated; the rollups are then built by
// migration 0027's own back-fill (stats_apply of every dossier). With
// MOTCUA_BENCH_STATS_DB the loaded database is kept and reused by the next run.
func BenchmarkStatsYear(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_STATS_N")); err == nil && v > 0 {
		n = v
	}
	var s *store.Store
	fresh := true
	if name := os.Getenv("MOTCUA_BENCH_STATS_DB"); name != "" {
		s, fresh = storetest.Kept(b, name)
	} else {
		s = storetest.NewSeeded(b)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, motcua.Vietnam)
	if fresh {
		loaded := time.Now()
		loadReportDossiers(b, s, n, now)
		pool := s.Pool()
		for _, q := range []string{
			`UPDATE dossiers SET channel = 'desk' WHERE NOT online AND id % 3 <> 0`,
			`UPDATE dossiers SET channel = 'post' WHERE NOT online AND id % 3 = 0`,
			`INSERT INTO handovers (dossier_id, seq, step, to_unit_id, handed_at, budget_minutes, due_at, finished_at, finished_seq, outcome)
				SELECT id, 2, 'xu-ly', unit_id, received_at, 5760, due_at, finished_at, CASE WHEN finished_at IS NOT NULL THEN 3 END,
					CASE WHEN finished_at IS NULL THEN NULL WHEN finished_at > due_at THEN 'late'
						WHEN (finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
						ELSE 'on-time' END
				FROM dossiers WHERE received_at IS NOT NULL`,
			`INSERT INTO ratings (dossier_id, applicant_id, score, rated_at)
				SELECT id, applicant_id, 1 + id % 5, finished_at + interval '1 day' FROM dossiers WHERE status = 'archived' AND id % 10 = 0`,
			`SELECT stats_apply(array_agg(id), 1) FROM dossiers`,
			`VACUUM ANALYZE`,
		} {
			t0 := time.Now()
			if _, err := pool.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
			b.Logf("%.60s… %s", q, time.Since(t0).Round(time.Second))
		}
		b.Logf("loaded %d dossiers in %s", n, time.Since(loaded).Round(time.Second))
	}
	var rows, unitRows int
	_ = s.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM stats_daily), (SELECT count(*) FROM stats_unit_daily)`).Scan(&rows, &unitRows)
	b.Logf("stats_daily: %d rows, stats_unit_daily: %d rows", rows, unitRows)

	scope := "/G09/"
	year := store.StatsFilter{UnitPath: scope, From: time.Date(2025, 11, 1, 0, 0, 0, 0, motcua.Vietnam),
		To: time.Date(2026, 11, 1, 0, 0, 0, 0, motcua.Vietnam), Now: now}
	running := year
	running.From, running.To = time.Date(2026, 1, 1, 0, 0, 0, 0, motcua.Vietnam), time.Date(2027, 1, 1, 0, 0, 0, 0, motcua.Vietnam)
	period, err := reports.PeriodAt(reports.Year, now)
	if err != nil {
		b.Fatal(err)
	}
	stats := func(f store.StatsFilter, by string) func() error {
		return func() error {
			f.By = by
			_, err := s.Stats(ctx, f)
			return err
		}
	}
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"closed-year-by-procedure", stats(year, store.ByProcedure)},
		{"closed-year-by-unit", stats(year, store.ByUnit)},
		{"closed-year-by-month", stats(year, store.ByMonth)},
		{"closed-year-weekly", func() error { _, err := s.Weekly(ctx, year); return err }},
		{"running-year-by-procedure", stats(running, store.ByProcedure)},
		{"running-year-by-unit", stats(running, store.ByUnit)},
		{"running-year-by-month", stats(running, store.ByMonth)},
		{"page-running-year", func() error {
			// What /thong-ke?from=01/01/2026&to=31/12/2026 reads from the store.
			if _, err := s.Form06(ctx, scope, period, now); err != nil {
				return err
			}
			for _, by := range []string{store.ByProcedure, store.ByUnit} {
				if err := stats(running, by)(); err != nil {
					return err
				}
			}
			wf := running
			wf.To = now
			wf.From = time.Date(2026, 8, 31, 0, 0, 0, 0, motcua.Vietnam)
			if _, err := s.Weekly(ctx, wf); err != nil {
				return err
			}
			open := store.StatsFilter{UnitPath: scope, From: now.Add(-time.Second), To: now, Now: now}
			for _, by := range []string{store.ByProcedure, store.ByUnit} {
				if err := stats(open, by)(); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
		})
	}
}
