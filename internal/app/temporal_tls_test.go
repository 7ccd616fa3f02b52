package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
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
	ca := newTestCA(t)
	serverCert := ca.issue(t, "temporal.internal", []string{"temporal.internal"}, x509.ExtKeyUsageServerAuth)
	clientCertFile, clientKeyFile := ca.write(t, dir, "motcua-api", ca.issue(t, "motcua-api", nil, x509.ExtKeyUsageClientAuth))
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	// A frontend that admits only clients with a certificate of the CA, and says who.
	var mu sync.Mutex
	var seen []string
	srvTLS := &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: ca.pool(), ClientAuth: tls.RequireAndVerifyClientCert,
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

	good := TemporalTLS{CertFile: clientCertFile, KeyFile: clientKeyFile, CAFile: caFile, ServerName: "temporal.internal"}
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
		{"no client certificate", TemporalTLS{CAFile: caFile, ServerName: "temporal.internal"}, "TEMPORAL_TLS_CERT"},
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

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "motcua test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func (ca *testCA) issue(t *testing.T, cn string, dns []string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: dns,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// write writes a certificate and its key as PEM files.
func (ca *testCA) write(t *testing.T, dir, name string, c tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	kb, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
