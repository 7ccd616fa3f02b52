//go:build !slim

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"motcua/internal/devstack"
	"motcua/internal/devstack/testca"
	"motcua/internal/store/storetest"
)

// TestTemporalCommandServesWithMutualTLSAndTheAuthorizer runs `motcua temporal` as
// compose's temporal service does: its health check passes with the cluster's
// certificate, motcua-api may describe the namespace, a certificate of the same CA
// named otherwise is refused, and the command refuses to start without certificates.
func TestTemporalCommandServesWithMutualTLSAndTheAuthorizer(t *testing.T) {
	admin := storetest.AdminURL(t)
	db, vis := "t_tcmd_"+randomSuffix(t), "t_tcmd_vis_"+randomSuffix(t)
	t.Cleanup(func() {
		_ = devstack.DropDatabase(context.Background(), admin, db)
		_ = devstack.DropDatabase(context.Background(), admin, vis)
	})
	dir := t.TempDir()
	ca := testca.New(t, "test Temporal CA")
	caFile := ca.Write(t, dir)
	ca.Issue(t, dir, "temporal", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	port, err := devstack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	env := map[string]string{
		"DATABASE_URL":             admin,
		"TEMPORAL_SERVER_TLS_CERT": filepath.Join(dir, "temporal.pem"),
		"TEMPORAL_SERVER_TLS_KEY":  filepath.Join(dir, "temporal-key.pem"),
		"TEMPORAL_SERVER_TLS_CA":   caFile,
		"MOTCUA_LOG_LEVEL":         "error",
	}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer

	if err := run(context.Background(), []string{"motcua", "temporal", "-addr", addr}, func(k string) string {
		if k == "TEMPORAL_SERVER_TLS_CERT" {
			return ""
		}
		return env[k]
	}, nil, &out, &out); err == nil {
		t.Error("motcua temporal started without the cluster's certificate")
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"motcua", "temporal", "-addr", addr, "-namespace", "motcua", "-db", db, "-visibility-db", vis},
			getenv, nil, &out, &out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("motcua temporal: %v\n%s", err, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("motcua temporal did not stop")
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		err := run(context.Background(), []string{"motcua", "temporal", "-check", "-addr", addr}, getenv, nil, &out, &out)
		if err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("motcua temporal ended: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("motcua temporal -check never passed: %v\n%s", err, out.String())
		}
		time.Sleep(500 * time.Millisecond)
	}

	describe := func(cert *tls.Certificate) error {
		c, err := client.Dial(client.Options{HostPort: addr, Namespace: "motcua", Logger: quietLogger{},
			ConnectionOptions: client.ConnectionOptions{TLS: &tls.Config{Certificates: []tls.Certificate{*cert},
				RootCAs: ca.Pool(), ServerName: "temporal", MinVersion: tls.VersionTLS12}}})
		if err != nil {
			return err
		}
		defer c.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_, err = c.WorkflowService().DescribeNamespace(cctx, &workflowservice.DescribeNamespaceRequest{Namespace: "motcua"})
		return err
	}
	// The namespace is registered once the check passes; its cache may lag a moment.
	var apiErr error
	for range 20 {
		if apiErr = describe(ca.Issue(t, dir, "motcua-api", x509.ExtKeyUsageClientAuth)); apiErr == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if apiErr != nil {
		t.Errorf("motcua-api DescribeNamespace: %v", apiErr)
	}
	var pd *serviceerror.PermissionDenied
	if err := describe(ca.Issue(t, dir, "intruder", x509.ExtKeyUsageClientAuth)); !errors.As(err, &pd) {
		t.Errorf("intruder DescribeNamespace: %v, want PermissionDenied", err)
	}
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
