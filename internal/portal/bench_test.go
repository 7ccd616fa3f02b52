package portal_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
)

// BenchmarkSyncDelayAt50TransitionsPerSecond measures how late the portal hears of
// status changes when motcua records 50 a second for MOTCUA_BENCH_SECONDS (default 20)
// across 100 dossiers, with the development portal healthy over real HTTP and the
// Syncer's production defaults (poll 1s, batch 100, 8 calls at once). It reports the
// p50, p99 and maximum of the recorded delay (status_outbox.delay = sent_at − at).
// Run it alone: docs/PERFORMANCE.md has the command and the numbers.
func BenchmarkSyncDelayAt50TransitionsPerSecond(b *testing.B) {
	seconds := 20
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	for range b.N {
		f := newFixture(b)
		const dossiers = 100
		codes := make([]motcua.DossierCode, dossiers)
		for i := range codes {
			codes[i] = f.dossier()
		}
		c, err := portal.NewClient(portal.ClientOptions{URL: f.url, Token: devToken})
		if err != nil {
			b.Fatal(err)
		}
		s, err := portal.NewSyncer(portal.SyncOptions{Outbox: f.st, Portal: c})
		if err != nil {
			b.Fatal(err)
		}
		stop := run(s)
		start := time.Now()
		// The transitions are written by 10 writers, each owning a tenth of the dossiers
		// (so each dossier's are in order), paced by one ticker at 50 a second: the
		// writers keep the pace even when one write takes longer than 20ms.
		const writers = 10
		total := 50 * seconds
		ctx := context.Background()
		queues := make([]chan motcua.DossierCode, writers)
		errs := make(chan error, writers)
		for w := range queues {
			queues[w] = make(chan motcua.DossierCode, total)
			go func() {
				seqs := map[motcua.DossierCode]int{}
				for code := range queues[w] {
					seqs[code]++
					status := motcua.StatusInReview
					if seqs[code] == 1 {
						status = motcua.StatusReceived
					}
					if _, err := f.st.RecordTransition(ctx, motcua.Transition{Code: code, Seq: seqs[code], At: time.Now(),
						Action: "act", Status: status, UnitCode: "VP"}); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		tick := time.NewTicker(20 * time.Millisecond) // 50 a second
		for i := range total {
			<-tick.C
			queues[i%dossiers%writers] <- codes[i%dossiers]
		}
		tick.Stop()
		for _, q := range queues {
			close(q)
		}
		for range writers {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		offered := float64(total) / time.Since(start).Seconds()
		waitFor(b, "every change delivered", func() bool {
			return f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NULL`) == 0
		})
		stop()
		delays, err := f.st.OutboxDelays(ctx, start.Add(-time.Second))
		if err != nil {
			b.Fatal(err)
		}
		if len(delays) != total {
			b.Fatalf("%d delays for %d changes", len(delays), total)
		}
		slices.Sort(delays)
		pct := func(p float64) time.Duration { return delays[min(len(delays)-1, int(p*float64(len(delays))))] }
		b.ReportMetric(pct(0.50).Seconds(), "p50-s")
		b.ReportMetric(pct(0.99).Seconds(), "p99-s")
		b.ReportMetric(delays[len(delays)-1].Seconds(), "max-s")
		b.ReportMetric(offered, "changes/s")
		b.Logf("%d changes in %s: p50 %s p99 %s max %s", total, time.Since(start).Round(time.Millisecond),
			pct(0.50), pct(0.99), delays[len(delays)-1])
	}
}
