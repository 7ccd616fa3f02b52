package main

import (
	"flag"
	"io"
	"testing"
)

// TestMetricsAreOffForTheAPIAndOnLoopbackForRun: /metrics is never on the public
// listener; `api` serves it only where MOTCUA_METRICS_ADDR says, `run` on a loopback
// port of its own.
func TestMetricsAreOffForTheAPIAndOnLoopbackForRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		dev  bool
		env  map[string]string
		want string
	}{
		{"api", false, nil, ""},
		{"run", true, nil, "127.0.0.1:0"},
		{"api with MOTCUA_METRICS_ADDR", false, map[string]string{"MOTCUA_METRICS_ADDR": "10.0.0.5:9464"}, "10.0.0.5:9464"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c config
			fs := flag.NewFlagSet(tc.name, flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.flags(fs, &Env{Getenv: func(k string) string { return tc.env[k] }}, tc.dev)
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			if c.MetricsAddr != tc.want {
				t.Errorf("metrics address %q, want %q", c.MetricsAddr, tc.want)
			}
		})
	}
}
