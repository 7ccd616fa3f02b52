package embedded

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"motcua/internal/devstack"
	"motcua/internal/temporalauth"
)

// TestEmbeddedTemporalAdmitsByClientCertificate starts the server with mutual TLS
// required and the authorizer on (as `motcua temporal` runs it in production), then
// calls the frontend as each identity: motcua's API writes, the UI reads but cannot
// start or update a workflow, a certificate of the same CA with another name is refused
// everything (issue 11's forged UpdateWorkflowExecution), a certificate of another CA
// and a client without a certificate get no connection.
func TestEmbeddedTemporalAdmitsByClientCertificate(t *testing.T) {
	admin := adminURL(t)
	ctx := context.Background()
	db, vis := randomName("t_temporal"), randomName("t_temporal_vis")
	t.Cleanup(func() {
		_ = devstack.DropDatabase(context.Background(), admin, db)
		_ = devstack.DropDatabase(context.Background(), admin, vis)
	})
	dir := t.TempDir()
	ca := newCA(t, "test Temporal CA")
	ca.issue(t, dir, "temporal", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	caFile := filepath.Join(dir, "ca.pem")
	writePEM(t, caFile, "CERTIFICATE", ca.cert.Raw)

	port, err := devstack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Start(ctx, Options{AdminURL: admin, Database: db, VisibilityDatabase: vis, Namespace: "motcua",
		FrontendAddr: fmt.Sprintf("127.0.0.1:%d", port), Logger: testLogger(t),
		TLS: &TLS{CertFile: filepath.Join(dir, "temporal.pem"), KeyFile: filepath.Join(dir, "temporal-key.pem"),
			ClientCAFile: caFile, ServerName: "temporal"},
		ClaimMapper: temporalauth.Mapper{Namespaces: []string{"motcua"}, Cluster: "temporal"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })

	dial := func(t *testing.T, cert *tls.Certificate) (workflowservice.WorkflowServiceClient, error) {
		t.Helper()
		tc := &tls.Config{RootCAs: ca.pool(), ServerName: "temporal", MinVersion: tls.VersionTLS12}
		if cert != nil {
			tc.Certificates = []tls.Certificate{*cert}
		}
		c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: "motcua", Logger: quietSDKLogger(),
			ConnectionOptions: client.ConnectionOptions{TLS: tc}})
		if err != nil {
			return nil, err
		}
		t.Cleanup(c.Close)
		return c.WorkflowService(), nil
	}
	mustDial := func(t *testing.T, cert *tls.Certificate) workflowservice.WorkflowServiceClient {
		t.Helper()
		ws, err := dial(t, cert)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		return ws
	}
	call := func(ctx context.Context, ws workflowservice.WorkflowServiceClient, name, workflowID string) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		exec := &commonpb.WorkflowExecution{WorkflowId: workflowID}
		var err error
		switch name {
		case "DescribeNamespace":
			_, err = ws.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "motcua"})
		case "ListWorkflowExecutions":
			_, err = ws.ListWorkflowExecutions(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "motcua"})
		case "DescribeWorkflowExecution":
			_, err = ws.DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{Namespace: "motcua", Execution: exec})
		case "StartWorkflowExecution":
			_, err = ws.StartWorkflowExecution(ctx, &workflowservice.StartWorkflowExecutionRequest{
				Namespace: "motcua", WorkflowId: workflowID, RequestId: workflowID,
				WorkflowType:       &commonpb.WorkflowType{Name: "Dossier"},
				TaskQueue:          &taskqueuepb.TaskQueue{Name: "authz-test"},
				WorkflowRunTimeout: durationpb.New(time.Hour),
			})
		case "SignalWorkflowExecution":
			_, err = ws.SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
				Namespace: "motcua", WorkflowExecution: exec, SignalName: "decide", RequestId: workflowID + "-signal"})
		case "UpdateWorkflowExecution":
			// Nobody works the task queue: an admitted update would wait until the
			// deadline; a refused one is refused at once.
			uctx, ucancel := context.WithTimeout(ctx, 2*time.Second)
			defer ucancel()
			_, err = ws.UpdateWorkflowExecution(uctx, &workflowservice.UpdateWorkflowExecutionRequest{
				Namespace: "motcua", WorkflowExecution: exec,
				WaitPolicy: &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED},
				Request: &updatepb.Request{Meta: &updatepb.Meta{UpdateId: workflowID + "-update"},
					Input: &updatepb.Input{Name: "decide"}},
			})
		case "TerminateWorkflowExecution":
			_, err = ws.TerminateWorkflowExecution(ctx, &workflowservice.TerminateWorkflowExecutionRequest{Namespace: "motcua", WorkflowExecution: exec})
		case "RegisterNamespace":
			_, err = ws.RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: "other", WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
		default:
			t.Fatalf("unknown call %s", name)
		}
		return err
	}
	denied := func(err error) bool {
		var pd *serviceerror.PermissionDenied
		return errors.As(err, &pd)
	}

	// motcua's API: a namespace writer.
	api := mustDial(t, ca.issue(t, dir, temporalauth.API, x509.ExtKeyUsageClientAuth))
	const wf = "authz-dossier"
	for _, name := range []string{"StartWorkflowExecution", "DescribeNamespace", "ListWorkflowExecutions", "DescribeWorkflowExecution", "SignalWorkflowExecution"} {
		if err := call(ctx, api, name, wf); err != nil {
			t.Errorf("motcua-api %s: %v, want allowed", name, err)
		}
	}
	if err := call(ctx, api, "RegisterNamespace", wf); !denied(err) {
		t.Errorf("motcua-api RegisterNamespace: %v, want PermissionDenied (not a system admin)", err)
	}

	// The UI: a reader.
	ui := mustDial(t, ca.issue(t, dir, temporalauth.UI, x509.ExtKeyUsageClientAuth))
	for _, name := range []string{"DescribeNamespace", "ListWorkflowExecutions", "DescribeWorkflowExecution"} {
		if err := call(ctx, ui, name, wf); err != nil {
			t.Errorf("temporal-ui %s: %v, want allowed", name, err)
		}
	}
	for _, name := range []string{"StartWorkflowExecution", "SignalWorkflowExecution", "UpdateWorkflowExecution", "TerminateWorkflowExecution"} {
		if err := call(ctx, ui, name, "authz-ui"); !denied(err) {
			t.Errorf("temporal-ui %s: %v, want PermissionDenied", name, err)
		}
	}

	// A certificate of the same CA, another name: nothing.
	intruder := mustDial(t, ca.issue(t, dir, "intruder", x509.ExtKeyUsageClientAuth))
	for _, name := range []string{"DescribeNamespace", "ListWorkflowExecutions", "DescribeWorkflowExecution", "StartWorkflowExecution",
		"SignalWorkflowExecution", "UpdateWorkflowExecution", "TerminateWorkflowExecution", "RegisterNamespace"} {
		if err := call(ctx, intruder, name, wf); !denied(err) {
			t.Errorf("intruder %s: %v, want PermissionDenied", name, err)
		}
	}

	// The operators' identity administers.
	op := mustDial(t, ca.issue(t, dir, temporalauth.Admin, x509.ExtKeyUsageClientAuth))
	if err := call(ctx, op, "TerminateWorkflowExecution", wf); err != nil {
		t.Errorf("temporal-admin TerminateWorkflowExecution: %v, want allowed", err)
	}

	// No certificate, or motcua-api's name from another CA: no connection at all.
	if ws, err := dial(t, nil); err == nil {
		if err := call(ctx, ws, "DescribeNamespace", wf); err == nil {
			t.Error("a client without a certificate was served")
		}
	}
	other := newCA(t, "another CA")
	otherDir := t.TempDir()
	if ws, err := dial(t, other.issue(t, otherDir, temporalauth.API, x509.ExtKeyUsageClientAuth)); err == nil {
		if err := call(ctx, ws, "DescribeNamespace", wf); err == nil {
			t.Error("a motcua-api certificate of another CA was served")
		}
	}
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

var serial = big.NewInt(100)

// issue writes NAME.pem and NAME-key.pem under dir and returns the pair; the
// certificate is valid for DNS temporal and 127.0.0.1.
func (ca *testCA) issue(t *testing.T, dir, cn string, usage ...x509.ExtKeyUsage) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial = new(big.Int).Add(serial, big.NewInt(1))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usage,
		DNSNames: []string{"temporal"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, cn+".pem"), "CERTIFICATE", der)
	writePEM(t, filepath.Join(dir, cn+"-key.pem"), "PRIVATE KEY", keyDER)
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, cn+".pem"), filepath.Join(dir, cn+"-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return &pair
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
