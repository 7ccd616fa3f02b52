package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/stacktest"
)

// TestLoadDrivesDossiersThroughTheWholePath runs `motcua load -n 3 -c 2 -json` against a
// real stack: three dossiers finish, and the JSON has the rate and the percentiles of
// the upload, the submission and every decision.
func TestLoadDrivesDossiersThroughTheWholePath(t *testing.T) {
	s := stacktest.Start(t)
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"motcua", "load", "-url", s.URL, "-n", "3", "-c", "3", "-json", "-duration", "3m"},
		func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("load: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res struct {
		Path struct {
			Rate     float64
			Dossiers int
			Accounts int
			P50, P99 map[string]float64
			Calls    map[string]int
		}
		Load *float64
	}
	if err := json.Unmarshal([]byte(stdout.String()), &res); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout.String())
	}
	if res.Path.Dossiers != 3 || res.Path.Rate <= 0 || res.Load == nil {
		t.Errorf("want 3 dossiers at a positive rate and a load average, got %s", stdout.String())
	}
	// Three dossiers start together as one applicant: one login each account, not three.
	if res.Path.Accounts < 2 || res.Path.Calls["login"] != res.Path.Accounts {
		t.Errorf("%d logins for %d accounts", res.Path.Calls["login"], res.Path.Accounts)
	}
	for _, call := range []string{"upload", "submit", motcua.DecideReceive, motcua.DecideSign, motcua.DecideIssue, motcua.DecideReturnResult} {
		if res.Path.P50[call] <= 0 || res.Path.P99[call] < res.Path.P50[call] {
			t.Errorf("%s: p50 %v, p99 %v", call, res.Path.P50[call], res.Path.P99[call])
		}
	}
	if !strings.Contains(stderr.String(), "3/3 dossiers") {
		t.Errorf("no progress line on stderr: %q", stderr.String())
	}
	// The database's copy follows the workflow shortly after: returned, then archived.
	var n int
	var statuses string
	for range 100 {
		if err := s.Store.Pool().QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status IN ($1, $2)), string_agg(status, ',')
			FROM dossiers`, string(motcua.StatusReturned), string(motcua.StatusArchived)).Scan(&n, &statuses); err != nil {
			t.Fatal(err)
		}
		if n == 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n != 3 {
		t.Errorf("%d dossiers returned or archived in the database, want 3 (statuses: %s)", n, statuses)
	}

	// The profiles: on the internal listener with -pprof, never on the public one, and
	// not on the internal one without it.
	metrics := s.App.MetricsHandler()
	on, off := httptest.NewServer(internalHandler(metrics, true)), httptest.NewServer(internalHandler(metrics, false))
	defer on.Close()
	defer off.Close()
	for _, tc := range []struct {
		name string
		url  string
		want int
	}{
		{"public", s.URL, http.StatusNotFound},
		{"internal with -pprof", on.URL, http.StatusOK},
		{"internal without -pprof", off.URL, http.StatusNotFound},
	} {
		resp, err := http.Get(tc.url + "/debug/pprof/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: /debug/pprof/ answered %d, want %d: %.200s", tc.name, resp.StatusCode, tc.want, b)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(b), "goroutine") {
			t.Errorf("%s: not the profiles' index: %.200s", tc.name, b)
		}
		if resp, err := http.Get(tc.url + "/metrics"); err == nil {
			resp.Body.Close()
			if tc.name != "public" && resp.StatusCode != http.StatusOK {
				t.Errorf("%s: /metrics answered %d", tc.name, resp.StatusCode)
			}
		}
	}
}

// TestPProfIsOffByDefault: no profiles unless -pprof or MOTCUA_PPROF says so.
func TestPProfIsOffByDefault(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, nil, false},
		{map[string]string{"MOTCUA_PPROF": "1"}, nil, true},
		{nil, []string{"-pprof"}, true},
	} {
		var c config
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs, &Env{Getenv: func(k string) string { return tc.env[k] }}, true)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if c.PProf != tc.want {
			t.Errorf("env %v args %v: pprof %v, want %v", tc.env, tc.args, c.PProf, tc.want)
		}
	}
}

// TestLoadBareRunsTheTwinAndTheFloorOnTheSameServer runs `motcua load -bare -json`
// against a real stack, given its Temporal frontend: the JSON has the path, the bare
// workflow (the dossier's updates with no-op activities) and the floor (its updates
// alone), each with a positive rate, and perDossier counted from a finished dossier's
// real history, whose shape the twins copy.
func TestLoadBareRunsTheTwinAndTheFloorOnTheSameServer(t *testing.T) {
	s := stacktest.Start(t)
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"motcua", "load", "-url", s.URL, "-n", "2", "-c", "2", "-json", "-quiet", "-duration", "3m",
		"-bare", "-temporal", s.App.Config.TemporalAddress, "-temporal-namespace", s.App.Config.TemporalNamespace},
		func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("load: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res struct {
		Path        struct{ Rate float64 }
		Bare, Floor *struct {
			Rate      float64
			Workflows int
			P50       map[string]float64
		}
		PerDossier *struct {
			Code                                         string
			Activities, Events, LocalActivities, Updates int
			Shape                                        struct {
				Start   struct{ Activities, LocalActivities int }
				Updates []struct {
					Name       string
					Activities int
				}
			}
		}
		Load *float64
	}
	t.Logf("%s", stdout.String())
	if err := json.Unmarshal([]byte(stdout.String()), &res); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout.String())
	}
	if res.Path.Rate <= 0 || res.Load == nil {
		t.Errorf("no path rate or load average: %s", stdout.String())
	}
	pd := res.PerDossier
	if pd == nil || pd.Code == "" || pd.Events == 0 || pd.Updates == 0 {
		t.Fatalf("perDossier missing or empty: %s", stdout.String())
	}
	// The shape is the history's: every activity counted once, under the start or a
	// decision, and the decisions are the happy path's.
	n := pd.Shape.Start.Activities
	var names []string
	for _, u := range pd.Shape.Updates {
		n += u.Activities
		names = append(names, u.Name)
	}
	if n != pd.Activities {
		t.Errorf("the shape holds %d activities, the history %d", n, pd.Activities)
	}
	if want := []string{motcua.DecideReceive, motcua.DecideCompleteStep, motcua.DecideSubmitForSigning, motcua.DecideSign,
		motcua.DecideIssue, motcua.DecideReturnResult}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("decisions in the shape: %v, want %v", names, want)
	}
	for name, tw := range map[string]*struct {
		Rate      float64
		Workflows int
		P50       map[string]float64
	}{"bare": res.Bare, "floor": res.Floor} {
		if tw == nil || tw.Rate <= 0 || tw.Workflows != 2 {
			t.Errorf("%s: want 2 workflows at a positive rate: %s", name, stdout.String())
			continue
		}
		for _, call := range append([]string{"submit"}, names...) {
			if tw.P50[call] <= 0 {
				t.Errorf("%s: no time for %s: %v", name, call, tw.P50)
			}
		}
	}
}

// TestLoadBareNeedsTheTemporalAddress: -bare without -temporal is a usage error, told
// before anything is driven.
func TestLoadBareNeedsTheTemporalAddress(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"motcua", "load", "-url", "http://127.0.0.1:1", "-bare"},
		func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error()+stderr.String(), "-temporal") {
		t.Fatalf("want a usage error naming -temporal, got %v (stderr %q)", err, stderr.String())
	}
}
