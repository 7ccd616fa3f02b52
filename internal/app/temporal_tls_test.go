package app

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"motcua/internal/devstack/testca"
	"motcua/internal/store/storetest"
)

// TestTemporalClientSpeaksMutualTLS: with TEMPORAL_TLS_* the client dials the frontend
// over TLS, checks the frontend's certificate against the CA and the server name, and
// presents its own certificate, by which the frontend's authorizer knows it is
// motcua's API or worker. A frontend that requires a client certificate refuses a
// client without one; a certificate without its key, or the wrong server name, stop
// the process at start.
func TestTemporalClientSpeaksMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := testca.New(t, "motcua test CA")
	serverCert := ca.Issue(t, dir, "temporal", x509.ExtKeyUsageServerAuth)
	ca.Issue(t, dir, "motcua-api", x509.ExtKeyUsageClientAuth)
	clientCertFile, clientKeyFile := filepath.Join(dir, "motcua-api.pem"), filepath.Join(dir, "motcua-api-key.pem")
	caFile := ca.Write(t, dir)

	// A frontend that admits only clients with a certificate of the CA, and says who.
	var mu sync.Mutex
	var seen []string
	srvTLS := &tls.Config{Certificates: []tls.Certificate{*serverCert}, ClientCAs: ca.Pool(), ClientAuth: tls.RequireAndVerifyClientCert,
		MinVersion: tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range cs.PeerCertificates[:1] {
				seen = append(seen, c.Subject.CommonName)
			}
			return nil
		}}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(srvTLS)))
	hs := health.NewServer()
	hs.SetServingStatus("temporal.api.workflowservice.v1.WorkflowService", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	workflowservice.RegisterWorkflowServiceServer(srv, frontend{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	db := storetest.NewDatabase(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	newApp := func(tt TemporalTLS) (*App, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return New(ctx, Config{DatabaseURL: db, TemporalAddress: lis.Addr().String(), PayloadKeys: [][]byte{key}, TemporalTLS: tt})
	}

	good := TemporalTLS{CertFile: clientCertFile, KeyFile: clientKeyFile, CAFile: caFile, ServerName: "temporal"}
	a, err := newApp(good)
	if err != nil {
		t.Fatalf("mutual TLS with the frontend: %v", err)
	}
	a.Close()
	mu.Lock()
	if len(seen) == 0 || seen[0] != "motcua-api" {
		t.Errorf("the frontend saw client certificates %v, want motcua-api", seen)
	}
	mu.Unlock()

	for _, tc := range []struct {
		name string
		tls  TemporalTLS
		want string
	}{
		{"no TLS at all", TemporalTLS{}, "cannot reach Temporal"},
		{"no client certificate", TemporalTLS{CAFile: caFile, ServerName: "temporal"}, "TEMPORAL_TLS_CERT"},
		{"a certificate without its key", TemporalTLS{CertFile: clientCertFile, CAFile: caFile}, "go together"},
		{"the wrong server name", TemporalTLS{CertFile: clientCertFile, KeyFile: clientKeyFile, CAFile: caFile, ServerName: "evil.example"}, "cannot reach Temporal"},
		{"a CA file without a certificate", TemporalTLS{CertFile: clientCertFile, KeyFile: clientKeyFile, CAFile: clientKeyFile}, "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := newApp(tc.tls)
			if err == nil {
				a.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to say %q", err, tc.want)
			}
		})
	}
}

// frontend answers what a client asks when it connects; nothing more.
type frontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
}

func (frontend) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}
