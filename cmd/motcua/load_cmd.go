package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/internal/load"
)

// loadCmd takes dossiers through their whole path over HTTP against a deployment and
// prints what it measured (internal/load).
func loadCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "base `URL` of the deployment (what motcua run serves by default)")
	citizens := fs.String("citizens", "daidien.hoi1", "applicant `accounts` who submit, in turn, comma-separated (each may upload 30 files a minute unless MOTCUA_UPLOADS_PER_MINUTE says more)")
	staff := fs.String("staff", "", "`UNIT/role=user,...` overrides of the demo staff (also consult/UNIT=user, reader=user)")
	password := fs.String("password", "demo", "`password` of every account")
	procedures := fs.String("procedures", "G09.TCPCP.01", "procedure `codes`, comma-separated, taken in turn")
	pin := fs.String("pin", "123456", "signing `PIN` of the leaders")
	n := fs.Int("n", 40, "how many dossiers")
	c := fs.Int("c", 8, "how many at once")
	duration := fs.Duration("duration", 10*time.Minute, "bound of the whole run: it stops then, finished or not")
	asJSON := fs.Bool("json", false, `print one JSON object {"path": {"rate", "p50", "p99", ...}, "load"}`)
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
}
