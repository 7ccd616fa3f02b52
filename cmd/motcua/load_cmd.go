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
	stopAfter := fs.String("stop-after", "", "stop each dossier after this `call` (submit, receive, ...), its workflow left open where the call left it (receive: in review, holding its SLA timers)")
	open := fs.Int("open", 0, "instead of the path, start `N` workflows on the load tool's bench task queue of the Temporal server (-temporal) that stay open, each holding one timer of -hold (scale-up measures), -c at once")
	hold := fs.Duration("hold", 30*24*time.Hour, "with -open, each workflow's timer; 0 starts workflows that close at once (closed ones); the server closes them an hour after it")
	if err := parse(fs, "load", "Take dossiers through their whole path over HTTP, as citizens, clerks and leaders do, and print dossiers/s and p50/p99 of every call.", args, env); err != nil {
		return err
	}
	if *open > 0 {
		return openCmd(ctx, env, *temporal, *namespace, tlsCfg, load.OpenConfig{N: *open, C: *c, Hold: *hold, Duration: *duration}, *quiet, *asJSON)
	}
	cfg := load.Config{URL: *url, StopAfter: *stopAfter, Citizens: split(*citizens), Password: *password, Procedures: split(*procedures),
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
		c, err := dialTemporal(ctx, *temporal, *namespace, tlsCfg)
		if err != nil {
			return err
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

// dialTemporal dials the deployment's Temporal frontend for the load tool.
func dialTemporal(ctx context.Context, hostPort, namespace string, tlsCfg app.TemporalTLS) (client.Client, error) {
	tc, err := tlsCfg.ClientConfig()
	if err != nil {
		return nil, usageError("load: %v", err)
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, client.Options{HostPort: hostPort, Namespace: namespace,
		ConnectionOptions: client.ConnectionOptions{TLS: tc}, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("load: cannot reach Temporal at %s (namespace %s): %s", hostPort, namespace, app.RootCause(err))}
	}
	return c, nil
}

// openCmd is `motcua load -open N`: N workflows left open on the server, each holding
// a timer (internal/load.OpenWorkflows).
func openCmd(ctx context.Context, env *Env, temporal, namespace string, tlsCfg app.TemporalTLS, cfg load.OpenConfig, quiet, asJSON bool) error {
	if temporal == "" {
		return usageError("load: -open needs -temporal HOST:PORT, the deployment's Temporal frontend")
	}
	c, err := dialTemporal(ctx, temporal, namespace, tlsCfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if !quiet {
		cfg.Progress = env.Stderr
	}
	o, err := load.OpenWorkflows(ctx, c, cfg)
	if err != nil {
		return usageError("load: %v", err)
	}
	if asJSON {
		b, _ := json.Marshal(map[string]any{"open": o, "load": o.Load})
		fmt.Fprintln(env.Stdout, string(b))
	} else {
		fmt.Fprintf(env.Stdout, "open: %d workflows holding a timer of %s in %.1f s: %.1f/s (%d failed); start p50 %.0f ms, p99 %.0f ms; load average %.2f\n",
			o.Workflows, o.Hold, o.Seconds, o.Rate, o.Failed, o.P50[load.HeldUpdate], o.P99[load.HeldUpdate], o.Load)
		for _, e := range o.Errors {
			fmt.Fprintln(env.Stdout, "error:", e)
		}
	}
	if o.Workflows < cfg.N {
		return &exitError{code: 1, msg: fmt.Sprintf("load: %d of %d workflows open", o.Workflows, cfg.N)}
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
