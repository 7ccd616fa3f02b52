//go:build !slim

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"motcua/internal/devstack/embedded"
)

// embeddedTemporal starts the embedded Temporal server on the private or local
// PostgreSQL and returns its address and namespace.
func (p *process) embeddedTemporal(ctx context.Context) (hostPort, namespace string, err error) {
	tuning, err := parseTuning(p.cfg.TemporalTuning)
	if err != nil {
		return "", "", usageError("MOTCUA_TEMPORAL_TUNING: %v", err)
	}
	t, err := embedded.Start(ctx, embedded.Options{
		AdminURL: p.pg.URL, Database: p.cfg.TemporalDB, VisibilityDatabase: p.cfg.TemporalVisDB,
		Namespace: p.cfg.TemporalNamespace, FrontendAddr: fmt.Sprintf("127.0.0.1:%d", p.cfg.TemporalPort), Logger: p.log,
		Tuning: tuning,
	})
	if err != nil {
		return "", "", configErr(err)
	}
	p.onStop(func() {
		if err := t.Stop(); err != nil {
			p.log.Error("stop embedded Temporal", "err", err)
		}
	})
	return t.HostPort(), t.Namespace(), nil
}

// parseTuning reads MOTCUA_TEMPORAL_TUNING, "shards=N,partitions=N,conns=N,cache=N" (any of
// them; the rest keep embedded.DefaultTuning), which exists to measure settings A/B
// with motcua load (docs/PERFORMANCE.md).
func parseTuning(s string) (embedded.Tuning, error) {
	var t embedded.Tuning
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if k == "cache" {
			if err != nil || n <= 0 || n > 1_000_000 {
				return t, fmt.Errorf("%q: want cache=N with N from 1 to 1000000", kv)
			}
			t.HistoryCache = n
			continue
		}
		if err != nil || n <= 0 || n > 1024 {
			return t, fmt.Errorf("%q: want KEY=N with N from 1 to 1024", kv)
		}
		switch k {
		case "shards":
			t.HistoryShards = n
		case "partitions":
			t.Partitions = n
		case "conns":
			t.MaxConns = n
		default:
			return t, fmt.Errorf("%q: unknown setting (shards, partitions, conns, cache)", k)
		}
	}
	return t, nil
}
