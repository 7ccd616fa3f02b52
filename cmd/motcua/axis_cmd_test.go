package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/edxml"
	"motcua/internal/store/storetest"
)

var axisURLPattern = regexp.MustCompile(`URL:\s+(http://\S+)/axis/v1`)

// TestAxisCommandServesTheDemoAgencies runs `motcua axis` on a database of its own and
// has two of the agencies its banner lists exchange a document through it.
func TestAxisCommandServesTheDemoAgencies(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &signerSyncBuffer{}, &signerSyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- axisCmd(ctx, []string{"-addr", "127.0.0.1:0", "-database-url", storetest.NewDatabase(t)}, signerEnv(nil, out, errOut))
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("axis exited with %v", err)
		}
	}()
	var base string
	deadline := time.After(time.Minute)
	for base == "" {
		if m := axisURLPattern.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "000.00.00.T02") {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("axis exited early: %v\n%s\n%s", err, out, errOut)
		case <-deadline:
			t.Fatalf("no banner:\n%s\n%s", out, errOut)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if !strings.Contains(out.String(), server.DemoSecret) {
		t.Errorf("banner lacks the demo secret:\n%s", out)
	}
	client := func(id string) *axis.Client {
		c, err := axis.NewClient(axis.ClientConfig{URL: base, AgencyID: id, Secret: server.DemoSecret})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	from, to := client("000.00.00.G09"), client("000.00.00.T01")
	env, err := edxml.Marshal(edxml.Envelope{Header: edxml.MessageHeader{
		From:    edxml.Organization{OrganId: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
		To:      []edxml.Organization{{OrganId: "000.00.00.T01", OrganName: "Cơ quan thử nghiệm 1"}},
		Subject: "Thử trục phát triển", DocumentId: "000.00.00.G09,2026/12/01,01/BNV-VP"}})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if _, err := from.Send(bg, axis.SendRequest{Key: "cmd-test", Envelope: env}); err != nil {
		t.Fatal(err)
	}
	got, err := to.Received(bg, axis.ReceivedQuery{})
	if err != nil || len(got) != 1 {
		t.Fatalf("received %+v %v", got, err)
	}
	f, err := to.Fetch(bg, got[0].ID)
	if err != nil || !bytes.Equal(f.Envelope, env) {
		t.Fatalf("fetch: %v", err)
	}
}

func TestAxisCommandRefusesABadAgencyFlag(t *testing.T) {
	err := axisCmd(context.Background(), []string{"-agency", "no-name"}, signerEnv(nil, &signerSyncBuffer{}, &signerSyncBuffer{}))
	if ee, ok := err.(*exitError); !ok || ee.code != 2 {
		t.Fatalf("got %v", err)
	}
}
