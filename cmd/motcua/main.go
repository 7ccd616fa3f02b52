// Command motcua is the one binary of the one-stop engine. Its subcommands run the whole
// system on a laptop (run), or one part of it in production (api, worker, signer), and
// the tools around it (migrate, calendar, sign, verify).
//
// main parses flags and the environment and runs the process (signals, listeners,
// banners); internal/app builds the system itself, for it and for the tests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// Env is what a subcommand gets from the process: environment variables and the standard
// streams.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, env *Env) error
}

// exitError ends the program with a status and, when msg is not empty, one line on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError reports bad command-line usage (exit status 2).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// exitCode prints err, if any, as one line and returns the process exit status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "motcua:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "motcua:", err)
	return 1
}

func commands() map[string]command {
	return map[string]command{
		"run":      {"run everything in one process (PostgreSQL, embedded Temporal, worker, API, pages)", runCmd},
		"api":      {"serve the JSON API and the pages", apiCmd},
		"worker":   {"run the Temporal worker", workerCmd},
		"migrate":  {"apply the database migrations", migrateCmd},
		"axis":     {"run the development document axis (agencies, queues, edXML envelopes and statuses)", axisCmd},
		"signer":   {"run the development signature service (CSC API v2 subset and RFC 3161 TSA)", signerCmd},
		"portal":   {"run the development national public-service portal (dossier sync API, control endpoint)", portalCmd},
		"payment":  {"run the development payment gateway (pay / cancel page, signed notices)", paymentCmd},
		"sign":     {"add a PAdES signature to a PDF with a local PKCS#12 key", signCmd},
		"verify":   {"verify the signatures of a PDF", verifyCmd},
		"temporal": {"run the Temporal server for production (mutual TLS, per-identity authorizer)", temporalCmd},
		"calendar": {"working-time calendar: holidays YEAR, due START DURATION", calendarCmd},
		"audit":    {"audit log: verify walks its hash chain and names the first broken row", auditCmd},
		"intake":   {"portal intake: add-system -id ID -name NAME registers a calling system and prints its secret once", intakeCmd},
		"load":     {"take dossiers through their whole path over HTTP and print dossiers/s and p50/p99 per call", loadCmd},
		"version": {"print the version", func(ctx context.Context, args []string, env *Env) error {
			_, err := fmt.Fprintln(env.Stdout, "motcua", version)
			return err
		}},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run is the whole program: everything it needs is passed in, so that tests run it
// whole, as the process would.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	cmds := commands()
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		usage(env.Stdout, cmds)
		if len(args) < 2 {
			return &exitError{code: 2}
		}
		return nil
	}
	c, ok := cmds[args[1]]
	if !ok {
		usage(env.Stderr, cmds)
		return usageError("unknown command %q", args[1])
	}
	return c.run(ctx, args[2:], env)
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("motcua: the one-stop (một cửa) workflow and document engine\n\nUsage: motcua COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'motcua COMMAND -h' for a command's flags.\n")
	io.WriteString(w, b.String())
}
