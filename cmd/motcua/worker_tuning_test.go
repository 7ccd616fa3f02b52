package main

import (
	"testing"

	"motcua/worker"
)

// TestParseWorkerTuning: MOTCUA_WORKER_TUNING sets what it names and leaves the rest to
// the defaults; a bad setting is refused.
func TestParseWorkerTuning(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want worker.Tuning
		bad  bool
	}{
		{"", worker.Tuning{}, false},
		{"wfpollers=4", worker.Tuning{WorkflowPollers: 4}, false},
		{" actpollers=8 , activities=2", worker.Tuning{ActivityPollers: 8, Activities: 2}, false},
		{"activities=0", worker.Tuning{}, true},
		{"activities=x", worker.Tuning{}, true},
		{"slots=4", worker.Tuning{}, true},
	} {
		got, err := parseWorkerTuning(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("%q: error %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad && got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
