package embedded

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
	"motcua/internal/devstack/testca"
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
	ca := testca.New(t, "test Temporal CA")
	ca.Issue(t, dir, "temporal", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	caFile := ca.Write(t, dir)

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
		tc := &tls.Config{RootCAs: ca.Pool(), ServerName: "temporal", MinVersion: tls.VersionTLS12}
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
	api := mustDial(t, ca.Issue(t, dir, temporalauth.API, x509.ExtKeyUsageClientAuth))
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
	ui := mustDial(t, ca.Issue(t, dir, temporalauth.UI, x509.ExtKeyUsageClientAuth))
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
	intruder := mustDial(t, ca.Issue(t, dir, "intruder", x509.ExtKeyUsageClientAuth))
	for _, name := range []string{"DescribeNamespace", "ListWorkflowExecutions", "DescribeWorkflowExecution", "StartWorkflowExecution",
		"SignalWorkflowExecution", "UpdateWorkflowExecution", "TerminateWorkflowExecution", "RegisterNamespace"} {
		if err := call(ctx, intruder, name, wf); !denied(err) {
			t.Errorf("intruder %s: %v, want PermissionDenied", name, err)
		}
	}

	// The operators' identity administers.
	op := mustDial(t, ca.Issue(t, dir, temporalauth.Admin, x509.ExtKeyUsageClientAuth))
	if err := call(ctx, op, "TerminateWorkflowExecution", wf); err != nil {
		t.Errorf("temporal-admin TerminateWorkflowExecution: %v, want allowed", err)
	}

	// No certificate, or motcua-api's name from another CA: no connection at all.
	if ws, err := dial(t, nil); err == nil {
		if err := call(ctx, ws, "DescribeNamespace", wf); err == nil {
			t.Error("a client without a certificate was served")
		}
	}
	other := testca.New(t, "another CA")
	otherDir := t.TempDir()
	if ws, err := dial(t, other.Issue(t, otherDir, temporalauth.API, x509.ExtKeyUsageClientAuth)); err == nil {
		if err := call(ctx, ws, "DescribeNamespace", wf); err == nil {
			t.Error("a motcua-api certificate of another CA was served")
		}
	}
}
