package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/internal/portal"
)

var portalURLPattern = regexp.MustCompile(`sync API:\s+(http://\S+)`)

// startPortalCmd runs `motcua portal` with args and waits for its banner.
func startPortalCmd(t *testing.T, vars map[string]string, args ...string) (url, banner string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &signerSyncBuffer{}, &signerSyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- portalCmd(ctx, args, signerEnv(vars, out, errOut)) }()
	deadline := time.After(time.Minute)
	for {
		if m := portalURLPattern.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "token:") {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("portal exited early: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		case <-deadline:
			cancel()
			t.Fatalf("no banner:\n%s\n%s", out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("portal did not stop")
		}
	}
	t.Cleanup(func() { stop() })
	return url, out.String(), stop
}

// TestPortalCommandServesTheSyncAPIAndRemembersAcrossARestart: `motcua portal` serves the
// dossier sync API behind its token, obeys its control endpoint, and a second start on
// the same directory still knows the dossiers.
func TestPortalCommandServesTheSyncAPIAndRemembersAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"MOTCUA_PORTAL_ADDR": "127.0.0.1:0", "PORTAL_TOKEN": "cli-portal-token"}
	url, banner, stop := startPortalCmd(t, vars, "-data", dir)
	for _, want := range []string{"/dev/control", "/dev/calls", "journal.jsonl"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "cli-portal-token") {
		t.Error("the banner prints a token it was given")
	}
	ctx := context.Background()
	c, _ := portal.NewClient(portal.ClientOptions{URL: url, Token: "cli-portal-token", Timeout: 5 * time.Second})
	if err := c.Add(ctx, "A/1/add", portal.Dossier{Code: "A", Status: 2}); err != nil {
		t.Fatal(err)
	}
	wrong, _ := portal.NewClient(portal.ClientOptions{URL: url, Token: "nope", Timeout: 5 * time.Second})
	if err := wrong.Update(ctx, "A/2/update", portal.Dossier{Code: "A", Status: 4}); err == nil {
		t.Fatal("a wrong token was accepted")
	}
	if err := stop(); err != nil {
		t.Fatalf("portal did not stop cleanly: %v", err)
	}
	url2, _, stop2 := startPortalCmd(t, vars, "-data", dir)
	c2, _ := portal.NewClient(portal.ClientOptions{URL: url2, Token: "cli-portal-token", Timeout: 5 * time.Second})
	if err := c2.Update(ctx, "A/2/update", portal.Dossier{Code: "A", Status: 4}); err != nil {
		t.Fatalf("the restarted portal forgot the dossier: %v", err)
	}
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
}

func TestPortalCommandRejectsBadUsage(t *testing.T) {
	for _, args := range [][]string{{"-nosuchflag"}, {"extra"}} {
		var out, errOut signerSyncBuffer
		err := portalCmd(context.Background(), args, signerEnv(map[string]string{}, &out, &errOut))
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("portal %v: %v, want a usage error", args, err)
		}
	}
}
