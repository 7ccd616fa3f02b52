//go:build !slim

package main

import (
	"context"

	"motcua/internal/devstack/embedded"
	"motcua/internal/temporalauth"
)

// serveTemporal runs the Temporal server until ctx is done.
func serveTemporal(ctx context.Context, f temporalFlags, env *Env) error {
	var cfg config
	cfg.LogLevel, cfg.LogFormat = env.Getenv("MOTCUA_LOG_LEVEL"), env.Getenv("MOTCUA_LOG_FORMAT")
	if cfg.LogLevel == "" {
		cfg.LogLevel = "info"
	}
	if cfg.LogFormat == "" {
		cfg.LogFormat = "auto"
	}
	log, err := cfg.logger(env.Stderr)
	if err != nil {
		return err
	}
	cluster, err := clusterCommonName(f.cert, f.key)
	if err != nil {
		return err
	}
	t, err := embedded.Start(ctx, embedded.Options{
		AdminURL: f.adminURL, Database: f.db, VisibilityDatabase: f.visDB, Namespace: f.namespace,
		FrontendAddr: f.addr, Logger: log,
		TLS:         &embedded.TLS{CertFile: f.cert, KeyFile: f.key, ClientCAFile: f.ca, ServerName: f.serverName},
		ClaimMapper: temporalauth.Mapper{Namespaces: []string{f.namespace}, Cluster: cluster},
	})
	if err != nil {
		return configErr(err)
	}
	log.Info("Temporal server serving with mutual TLS and the per-identity authorizer",
		"addr", f.addr, "namespace", f.namespace, "cluster_identity", cluster)
	<-ctx.Done()
	return t.Stop()
}
