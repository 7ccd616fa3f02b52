package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
)

// temporalFlags is the configuration of `motcua temporal`.
type temporalFlags struct {
	addr, namespace, db, visDB string
	cert, key, ca, serverName  string
	check                      bool
	adminURL                   string
}

// temporalCmd runs the Temporal server for production: frontend, history, matching and
// worker in one process on PostgreSQL (the embedded server of `motcua run`), with mutual
// TLS required on the frontend and between the services, and Temporal's default
// authorizer with motcua's claim mapper (internal/temporalauth): motcua-api and
// motcua-worker write in the namespace, temporal-ui reads, temporal-admin and the
// cluster's own certificate administer, any other certificate gets nothing.
//
//	motcua temporal [-addr 0.0.0.0:7233] [-namespace motcua] -tls-cert F -tls-key F -tls-ca F [-tls-server-name temporal]
//	motcua temporal -check   (health check: exit 0 when the frontend serves)
func temporalCmd(ctx context.Context, args []string, env *Env) error {
	var f temporalFlags
	get := func(key, def string) string {
		if v := env.Getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("temporal", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", get("TEMPORAL_SERVER_ADDR", "127.0.0.1:7233"), "frontend listen `address` (env TEMPORAL_SERVER_ADDR)")
	fs.StringVar(&f.namespace, "namespace", get("TEMPORAL_NAMESPACE", "motcua"), "`namespace` registered at start, where motcua's API and workers write (env TEMPORAL_NAMESPACE)")
	fs.StringVar(&f.db, "db", get("TEMPORAL_DB", "temporal"), "PostgreSQL `database` of Temporal's persistence (env TEMPORAL_DB)")
	fs.StringVar(&f.visDB, "visibility-db", get("TEMPORAL_VISIBILITY_DB", "temporal_visibility"), "PostgreSQL `database` of Temporal's visibility (env TEMPORAL_VISIBILITY_DB)")
	fs.StringVar(&f.cert, "tls-cert", env.Getenv("TEMPORAL_SERVER_TLS_CERT"), "the cluster's certificate `file` (PEM, serverAuth and clientAuth) (env TEMPORAL_SERVER_TLS_CERT)")
	fs.StringVar(&f.key, "tls-key", env.Getenv("TEMPORAL_SERVER_TLS_KEY"), "its private key `file` (PEM) (env TEMPORAL_SERVER_TLS_KEY)")
	fs.StringVar(&f.ca, "tls-ca", env.Getenv("TEMPORAL_SERVER_TLS_CA"), "`file` (PEM) of the CA whose client certificates are admitted; it issued -tls-cert (env TEMPORAL_SERVER_TLS_CA)")
	fs.StringVar(&f.serverName, "tls-server-name", get("TEMPORAL_SERVER_TLS_NAME", "temporal"), "DNS `name` in -tls-cert (env TEMPORAL_SERVER_TLS_NAME)")
	fs.BoolVar(&f.check, "check", false, "check that the frontend at -addr serves (with the cluster's certificate), then exit")
	if err := parse(fs, "temporal", "Run the Temporal server for production: mutual TLS and the per-identity authorizer, persisted in PostgreSQL (DATABASE_URL).", args, env); err != nil {
		return err
	}
	if f.cert == "" || f.key == "" || f.ca == "" {
		return usageError("temporal: -tls-cert, -tls-key and -tls-ca are required: the frontend admits clients by their certificates")
	}
	if f.check {
		return checkTemporal(ctx, f)
	}
	f.adminURL = env.Getenv("DATABASE_URL")
	if f.adminURL == "" {
		return usageError("temporal: set DATABASE_URL, a PostgreSQL URL on which the Temporal databases are (or can be created)")
	}
	return serveTemporal(ctx, f, env)
}

// quietLogger drops the SDK client's logs: -check answers by its exit status.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

// clusterCommonName is the common name of the cluster's certificate: the identity its
// system workers show the frontend.
func clusterCommonName(certFile, keyFile string) (string, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return "", &exitError{code: 1, msg: fmt.Sprintf("temporal: the cluster's certificate: %v", err)}
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return "", &exitError{code: 1, msg: fmt.Sprintf("temporal: the cluster's certificate: %v", err)}
	}
	if leaf.Subject.CommonName == "" {
		return "", &exitError{code: 1, msg: "temporal: the cluster's certificate has no common name"}
	}
	return leaf.Subject.CommonName, nil
}

// checkTemporal asks the frontend's gRPC health service, over mutual TLS with the
// cluster's certificate.
func checkTemporal(ctx context.Context, f temporalFlags) error {
	pair, err := tls.LoadX509KeyPair(f.cert, f.key)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("temporal -check: %v", err)}
	}
	ca, err := os.ReadFile(f.ca)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("temporal -check: %v", err)}
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	addr := f.addr
	if strings.HasPrefix(addr, "0.0.0.0:") {
		addr = "127.0.0.1:" + strings.TrimPrefix(addr, "0.0.0.0:")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: f.namespace, Logger: quietLogger{},
		ConnectionOptions: client.ConnectionOptions{TLS: &tls.Config{
			Certificates: []tls.Certificate{pair}, RootCAs: pool, ServerName: f.serverName, MinVersion: tls.VersionTLS12}}})
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("temporal -check: %v", err)}
	}
	defer c.Close()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("temporal -check: %v", err)}
	}
	return nil
}
