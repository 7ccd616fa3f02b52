package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"motcua/internal/app"
	"motcua/internal/load"
)

// loadCmd takes dossiers through their whole path over HTTP against a deployment and
// prints what it measured (internal/load).
func loadCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "base `URL` of the deployment (what motcua run serves by default); several, comma-separated, take dossiers in turn (API replicas)")
	citizens := fs.String("citizens", "daidien.hoi1", "applicant `accounts` who submit, in turn, comma-separated (each may upload 30 files a minute unless MOTCUA_UPLOADS_PER_MINUTE says more)")
	staff := fs.String("staff", "", "`UNIT/role=user,...` overrides of the demo staff (also consult/UNIT=user, reader=user)")
	password := fs.String("password", "demo", "`password` of every account")
	procedures := fs.String("procedures", "G09.TCPCP.01", "procedure `codes`, comma-separated, taken in turn")
	pin := fs.String("pin", "123456", "signing `PIN` of the leaders")
	n := fs.Int("n", 40, "how many dossiers")
	c := fs.Int("c", 8, "how many at once")
	duration := fs.Duration("duration", 10*time.Minute, "bound of the whole run: it stops then, finished or not")
	asJSON := fs.Bool("json", false, `print one JSON object {"path": {"rate", "p50", "p99", ...}, "bare", "floor", "perDossier", "load"}`)
	temporal := fs.String("temporal", "", "the deployment's Temporal frontend `HOST:PORT` (an operator's address, not the public one): read one finished dossier's history (perDossier); needed by -bare")
	namespace := fs.String("temporal-namespace", "default", "Temporal `namespace` of the deployment")
	var tlsCfg app.TemporalTLS
	fs.StringVar(&tlsCfg.CertFile, "temporal-tls-cert", "", "client certificate `file` (PEM) for mutual TLS with the frontend")
	fs.StringVar(&tlsCfg.KeyFile, "temporal-tls-key", "", "its private key `file` (PEM)")
	fs.StringVar(&tlsCfg.CAFile, "temporal-tls-ca", "", "CA `file` (PEM) of the frontend's certificate")
	fs.StringVar(&tlsCfg.ServerName, "temporal-tls-server-name", "", "`name` in the frontend's certificate")
	bare := fs.Bool("bare", false, "after the path, on the same Temporal server (-temporal), run N workflows with the dossier's updates and activities that do nothing (bare), then N with its updates and no activity (floor), each bounded by -duration")
	quiet := fs.Bool("quiet", false, "no progress line on stderr")
	if err := parse(fs, "load", "Take dossiers through their whole path over HTTP, as citizens, clerks and leaders do, and print dossiers/s and p50/p99 of every call.", args, env); err != nil {
		return err
	}
	cfg := load.Config{URL: *url, Citizens: split(*citizens), Password: *password, Procedures: split(*procedures),
		PIN: *pin, N: *n, C: *c, Duration: *duration, Staff: map[string]string{}}
	for _, kv := range split(*staff) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usageError("load: -staff wants UNIT/role=user, got %q", kv)
		}
		cfg.Staff[k] = v
	}
	if !*quiet {
		cfg.Progress = env.Stderr
	}
	if *bare && *temporal == "" {
		return usageError("load: -bare needs -temporal HOST:PORT, the deployment's Temporal frontend")
	}
	if *temporal != "" {
		tc, err := tlsCfg.ClientConfig()
		if err != nil {
			return usageError("load: %v", err)
		}
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := client.DialContext(dctx, client.Options{HostPort: *temporal, Namespace: *namespace,
			ConnectionOptions: client.ConnectionOptions{TLS: tc}, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
		cancel()
		if err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("load: cannot reach Temporal at %s (namespace %s): %s", *temporal, *namespace, app.RootCause(err))}
		}
		defer c.Close()
		cfg.Engine = &load.Engine{Client: c, Bare: *bare}
	}
	res, err := load.Run(ctx, cfg)
	if err != nil {
		return &exitError{code: 1, msg: "load: " + err.Error()}
	}
	if *asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(env.Stdout, string(b))
	} else {
		printLoad(env.Stdout, res)
	}
	if res.Path.Dossiers < cfg.N {
		return &exitError{code: 1, msg: fmt.Sprintf("load: %d of %d dossiers finished", res.Path.Dossiers, cfg.N)}
	}
	if len(res.Errors) > 0 {
		return &exitError{code: 1, msg: "load: " + strings.Join(res.Errors, "; ")}
	}
	for _, t := range []*load.Twin{res.Bare, res.Floor} {
		if t != nil && t.Workflows < cfg.N {
			return &exitError{code: 1, msg: fmt.Sprintf("load: %d of %d bench workflows finished: %s", t.Workflows, cfg.N, strings.Join(t.Errors, "; "))}
		}
	}
	return nil
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// callOrder lists the calls in the order a dossier makes them; others follow by name.
var callOrder = []string{"login", "upload", "submit", "receive", "consult", "answer-consult", "complete-step",
	"submit-for-signing", "sign", "issue", "return-result"}

func printLoad(w io.Writer, r load.Result) {
	p := r.Path
	fmt.Fprintf(w, "whole path: %d dossiers in %.1f s: %.2f dossiers/s (%d failed, %d retried attempts); load average %.2f\n\n",
		p.Dossiers, p.Seconds, p.Rate, p.Failed, p.Retries, r.Load)
	calls := make([]string, 0, len(p.Calls))
	for c := range p.Calls {
		calls = append(calls, c)
	}
	rank := func(c string) int {
		if i := slices.Index(callOrder, c); i >= 0 {
			return i
		}
		return len(callOrder)
	}
	sort.Slice(calls, func(i, j int) bool {
		if a, b := rank(calls[i]), rank(calls[j]); a != b {
			return a < b
		}
		return calls[i] < calls[j]
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "call\tn\tp50 ms\tp99 ms\t\n")
	for _, c := range calls {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t\n", c, p.Calls[c], p.P50[c], p.P99[c])
	}
	tw.Flush()
	for _, e := range p.Errors {
		fmt.Fprintln(w, "error:", e)
	}
	if d := r.PerDossier; d != nil {
		fmt.Fprintf(w, "\none dossier (%s): %d events, %d activities %v, %d local activities, %d updates, %d timers, %d workflow tasks\n",
			d.Code, d.Events, d.Activities, d.ByActivity, d.LocalActivities, d.Updates, d.Timers, d.WorkflowTasks)
	}
	for _, t := range []struct {
		name string
		t    *load.Twin
	}{{"bare (same updates and activities, which do nothing)", r.Bare}, {"floor (same updates, no activity)", r.Floor}} {
		if t.t == nil {
			continue
		}
		share := ""
		if t.t.Rate > 0 {
			share = fmt.Sprintf("; the path runs at %.0f%% of it", 100*p.Rate/t.t.Rate)
		}
		fmt.Fprintf(w, "%s: %d workflows in %.1f s: %.2f/s%s; load average %.2f\n", t.name, t.t.Workflows, t.t.Seconds, t.t.Rate, share, t.t.Load)
		for _, e := range t.t.Errors {
			fmt.Fprintln(w, "error:", e)
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintln(w, "error:", e)
	}
}
