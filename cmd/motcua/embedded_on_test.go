//go:build !slim

package main

import (
	"testing"

	"motcua/internal/devstack/embedded"
)

// TestParseTuning: MOTCUA_TEMPORAL_TUNING sets what it names and leaves the rest to the
// defaults; a bad setting is refused, never half applied.
func TestParseTuning(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want embedded.Tuning
		bad  bool
	}{
		{"", embedded.Tuning{}, false},
		{"partitions=1", embedded.Tuning{Partitions: 1}, false},
		{" shards=8, partitions=2 ,conns=10", embedded.Tuning{HistoryShards: 8, Partitions: 2, MaxConns: 10}, false},
		{"shards=0", embedded.Tuning{}, true},
		{"partitions=x", embedded.Tuning{}, true},
		{"pollers=4", embedded.Tuning{}, true},
		{"conns=5000", embedded.Tuning{}, true},
		{"cache=20000,conns=5", embedded.Tuning{HistoryCache: 20000, MaxConns: 5}, false},
		{"cache=0", embedded.Tuning{}, true},
		{"cache=2000000", embedded.Tuning{}, true},
	} {
		got, err := parseTuning(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("%q: error %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad && got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
