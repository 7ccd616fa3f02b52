package embedded

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"motcua/internal/devstack"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // registers postgres12_pgx
	"go.temporal.io/server/schema/postgresql/v12"
	"go.temporal.io/server/temporal"
	toolschema "go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Options says how to run the embedded Temporal server.
type Options struct {
	// AdminURL is a PostgreSQL URL on which the two databases can be created.
	AdminURL string
	// Database and VisibilityDatabase name the databases (default temporal and
	// temporal_visibility).
	Database, VisibilityDatabase string
	// Namespace is registered at start (default "default").
	Namespace string
	// FrontendAddr is where the frontend listens: "127.0.0.1:7233" by default, so that
	// the Temporal CLI and UI find it; "127.0.0.1:0" picks a free port.
	FrontendAddr string
	// Retention of closed workflows' histories (default 30 days).
	Retention time.Duration
	Logger    *slog.Logger

	// TLS, when set, makes the frontend and the services between themselves require
	// mutual TLS: only certificates of its client CA get a connection.
	TLS *TLS
	// ClaimMapper, when set, turns Temporal's default authorizer on with it: a call is
	// allowed only by the roles the mapper gives its caller (internal/temporalauth).
	ClaimMapper authorization.ClaimMapper

	// Tuning are the settings for one machine; zero fields take DefaultTuning's.
	Tuning Tuning

	// pickPorts finds the services' ports (default servicePorts); tests replace it.
	pickPorts func() ([]int, error)
}

// Tuning is what the embedded server is tuned with for one machine: frontend, history,
// matching and worker in one process on two to four cores, with PostgreSQL beside it.
// docs/PERFORMANCE.md gives the measurement behind each default.
type Tuning struct {
	// HistoryShards is fixed when Temporal's database is created: a database made with
	// another count is refused at start.
	HistoryShards int
	// Partitions is the number of matching partitions of every task queue (read and
	// write). Several partitions spread a busy queue over matching hosts; with one host
	// they only split the pollers, and a task may wait on a partition no poller is on
	// until it is forwarded.
	Partitions int
	// MaxConns is the connection pool of each persistence store (history and
	// visibility).
	MaxConns int
	// HistoryCache is how many workflows' mutable states the history service keeps in
	// memory (history.hostLevelCacheMaxSize; an entry also leaves after an hour
	// unused). The server's default, 128,000, lets memory grow by about 20 KB for every
	// workflow touched in the last hour, up to gigabytes; a dossier is touched a few
	// times over days, and a miss reloads its state from PostgreSQL.
	HistoryCache int
}

// DefaultTuning is the embedded server's tuning unless Options.Tuning says otherwise.
var DefaultTuning = Tuning{HistoryShards: 4, Partitions: 1, MaxConns: 20, HistoryCache: 4096}

func (t Tuning) withDefaults() Tuning {
	if t.HistoryShards <= 0 {
		t.HistoryShards = DefaultTuning.HistoryShards
	}
	if t.Partitions <= 0 {
		t.Partitions = DefaultTuning.Partitions
	}
	if t.MaxConns <= 0 {
		t.MaxConns = DefaultTuning.MaxConns
	}
	if t.HistoryCache <= 0 {
		t.HistoryCache = DefaultTuning.HistoryCache
	}
	return t
}

// TLS is the server side of mutual TLS: PEM files.
type TLS struct {
	// CertFile and KeyFile are the cluster's certificate, for serverAuth and clientAuth:
	// the frontend and the services serve it and present it to one another, and the
	// server's system workers present it to the frontend.
	CertFile, KeyFile string
	// ClientCAFile holds the CA(s) whose client certificates are admitted; it must also
	// have issued CertFile.
	ClientCAFile string
	// ServerName is the name the services check in one another's certificate (a DNS
	// name of CertFile).
	ServerName string
}

// Server is a running embedded Temporal server.
type Server struct {
	server    temporal.Server
	hostPort  string
	namespace string
}

// HostPort is the frontend's address, for client.Dial.
func (t *Server) HostPort() string { return t.hostPort }

// Namespace is the namespace registered at start.
func (t *Server) Namespace() string { return t.namespace }

// Stop stops every service of the server.
func (t *Server) Stop() error { return t.server.Stop() }

// Start creates the Temporal databases if needed, brings their schemas up to
// the version this server needs (with the server's own embedded schema files and SQL
// tool), starts frontend, history, matching and worker in this process, and registers
// the namespace. Workflows persist in PostgreSQL and survive a restart.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Database == "" {
		o.Database = "temporal"
	}
	if o.VisibilityDatabase == "" {
		o.VisibilityDatabase = "temporal_visibility"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.FrontendAddr == "" {
		o.FrontendAddr = "127.0.0.1:7233"
	}
	if o.Retention == 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Tuning = o.Tuning.withDefaults()
	logger := newServerLogger(o.Logger.With("component", "temporal"))
	if _, err := selfTLS(o.TLS); err != nil {
		return nil, err
	}

	host, portStr, err := net.SplitHostPort(o.FrontendAddr)
	if err != nil {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("bad Temporal frontend address %q: %v", o.FrontendAddr, err)}
	}
	frontendPort, _ := strconv.Atoi(portStr)
	if frontendPort == 0 {
		if frontendPort, err = devstack.FreePort(); err != nil {
			return nil, err
		}
	} else if l, err := net.Listen("tcp", net.JoinHostPort(host, portStr)); err != nil {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("the embedded Temporal server cannot listen on %s (in use?): stop what uses it, choose another with -temporal-port, or set TEMPORAL_ADDRESS to use a running Temporal", o.FrontendAddr)}
	} else {
		l.Close()
	}

	store, err := sqlConfig(o.AdminURL, o.Database, o.Tuning.MaxConns)
	if err != nil {
		return nil, err
	}
	visibility, err := sqlConfig(o.AdminURL, o.VisibilityDatabase, o.Tuning.MaxConns)
	if err != nil {
		return nil, err
	}
	if err := setupSchema(ctx, o.AdminURL, store, "postgresql/v12/temporal", logger); err != nil {
		return nil, err
	}
	if err := setupSchema(ctx, o.AdminURL, visibility, "postgresql/v12/visibility", logger); err != nil {
		return nil, err
	}
	if err := forgetMembers(ctx, o.AdminURL, o.Database); err != nil {
		return nil, err
	}
	persistence := config.Persistence{
		DefaultStore:     "postgres",
		VisibilityStore:  "postgres-visibility",
		NumHistoryShards: int32(o.Tuning.HistoryShards),
		DataStores: map[string]config.DataStore{
			"postgres":            {SQL: store},
			"postgres-visibility": {SQL: visibility},
		},
	}
	if o.pickPorts == nil {
		o.pickPorts = servicePorts
	}
	t, err := startServer(ctx, host, frontendPort, persistence, o, logger)
	if err != nil {
		return nil, err
	}
	o.Logger.Info("embedded Temporal server started", "address", t.hostPort, "namespace", o.Namespace,
		"database", o.Database, "visibility", o.VisibilityDatabase)
	return t, nil
}

// startServer starts frontend, history, matching and worker in this process on the
// given persistence and registers the namespace.
func startServer(ctx context.Context, host string, frontendPort int, persistence config.Persistence,
	o Options, logger tlog.Logger) (*Server, error) {
	o.Tuning = o.Tuning.withDefaults()
	// The services' ports are found free, then bound by the server a moment later:
	// another process may take one in between, and the membership library reports that
	// through the logger's Fatal, which panics. Such a start is tried again on other
	// ports; anything else ends it.
	var lastErr error
	for attempt := range 3 {
		ports, err := o.pickPorts()
		if err != nil {
			return nil, err
		}
		srv, err := tryServer(ctx, host, frontendPort, ports, persistence, o, logger)
		if !errors.Is(err, errPortTaken) {
			return srv, err
		}
		lastErr = err
		logger.Warn("embedded Temporal server: a port was taken while starting; trying others", tag.Attempt(int32(attempt+1)), tag.Error(err))
	}
	return nil, lastErr
}

// errPortTaken is a start that failed because a service's port was taken.
var errPortTaken = errors.New("a port of the embedded Temporal server was taken")

// servicePorts finds seven distinct free ports for the services. Membership ports are
// stored in a smallint column (cluster_membership.rpc_port), so they must stay below
// 32768, under the kernel's ephemeral range.
func servicePorts() ([]int, error) {
	ports := make([]int, 0, 7)
	for len(ports) < 7 {
		p, err := devstack.FreeLowPort()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// tryServer creates and starts the server on the given ports; a port taken meanwhile
// comes back as errPortTaken.
func tryServer(ctx context.Context, host string, frontendPort int, ports []int, persistence config.Persistence,
	o Options, logger tlog.Logger) (t *Server, err error) {
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprint(v)
			if !strings.Contains(msg, "address already in use") {
				panic(v)
			}
			t, err = nil, fmt.Errorf("%w: %s", errPortTaken, msg)
		}
	}()
	svc := func(grpc, membership int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpc, MembershipPort: membership, BindOnIP: host}}
	}
	// Bound on every address (a container's), the services reach one another on the
	// loopback: they all run in this process.
	advertise := host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		advertise = "127.0.0.1"
	}
	cfg := &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: advertise},
			TLS:        rootTLS(o.TLS),
		},
		Persistence: persistence,
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: net.JoinHostPort(advertise, strconv.Itoa(frontendPort))},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": svc(frontendPort, ports[0]),
			"history":  svc(ports[1], ports[2]),
			"matching": svc(ports[3], ports[4]),
			"worker":   svc(ports[5], ports[6]),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: net.JoinHostPort(advertise, strconv.Itoa(frontendPort))},
	}
	dc := dynamicconfig.StaticClient{
		// Search attributes registered at start are visible at once.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():      o.Tuning.Partitions,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key():     o.Tuning.Partitions,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():            o.Tuning.HistoryCache,
	}
	opts := []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dc),
	}
	if o.ClaimMapper != nil {
		opts = append(opts,
			temporal.WithAuthorizer(authorization.NewDefaultAuthorizer()),
			temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return o.ClaimMapper }))
	}
	srv, err := temporal.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("create embedded Temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		if strings.Contains(err.Error(), "address already in use") {
			_ = srv.Stop()
			return nil, fmt.Errorf("%w: %v", errPortTaken, err)
		}
		return nil, fmt.Errorf("start embedded Temporal server: %w", err)
	}
	t = &Server{server: srv, hostPort: cfg.PublicClient.HostPort, namespace: o.Namespace}
	if err := t.registerNamespace(ctx, o.Retention, o.TLS); err != nil {
		_ = srv.Stop()
		return nil, err
	}
	return t, nil
}

// rootTLS is the server's TLS configuration: none without o, else mutual TLS on the
// frontend and between the services, all with the cluster's certificate.
func rootTLS(o *TLS) config.RootTLS {
	if o == nil {
		return config.RootTLS{}
	}
	server := config.ServerTLS{CertFile: o.CertFile, KeyFile: o.KeyFile,
		ClientCAFiles: []string{o.ClientCAFile}, RequireClientAuth: true}
	client := config.ClientTLS{ServerName: o.ServerName, RootCAFiles: []string{o.ClientCAFile}}
	return config.RootTLS{
		Internode:    config.GroupTLS{Server: server, Client: client},
		Frontend:     config.GroupTLS{Server: server, Client: client},
		SystemWorker: config.WorkerTLS{CertFile: o.CertFile, KeyFile: o.KeyFile, Client: client},
	}
}

// selfTLS is how this process reaches its own frontend: with the cluster's certificate.
func selfTLS(o *TLS) (*tls.Config, error) {
	if o == nil {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
	if err != nil {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("the Temporal server's certificate: %v", err)}
	}
	ca, err := os.ReadFile(o.ClientCAFile)
	if err != nil {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("the Temporal client CA: %v", err)}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("no PEM certificate in %s", o.ClientCAFile)}
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, ServerName: o.ServerName, MinVersion: tls.VersionTLS12}, nil
}

func (t *Server) registerNamespace(ctx context.Context, retention time.Duration, o *TLS) error {
	tc, err := selfTLS(o)
	if err != nil {
		return err
	}
	c, err := client.Dial(client.Options{HostPort: t.hostPort, Namespace: "temporal-system", Logger: quietSDKLogger(),
		ConnectionOptions: client.ConnectionOptions{TLS: tc}})
	if err != nil {
		return fmt.Errorf("connect to the embedded Temporal server: %w", err)
	}
	defer c.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        t.namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(retention),
			HistoryArchivalState:             enumspb.ARCHIVAL_STATE_DISABLED,
			VisibilityArchivalState:          enumspb.ARCHIVAL_STATE_DISABLED,
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if err == nil || errors.As(err, &exists) {
			break
		}
		// The services may still be joining the membership ring.
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("register namespace %s: %w", t.namespace, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The namespace cache of the frontend refreshes on its own schedule: wait until
	// the namespace is usable.
	for {
		_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: t.namespace})
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("namespace %s not ready: %w", t.namespace, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// sqlConfig turns a PostgreSQL URL into the server's SQL configuration for database db.
func sqlConfig(adminURL, db string, maxConns int) (*config.SQL, error) {
	pc, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return nil, &devstack.ConfigError{Msg: fmt.Sprintf("bad PostgreSQL URL %s: %v", devstack.Redact(adminURL), err)}
	}
	attrs := map[string]string{}
	if u, err := url.Parse(adminURL); err == nil {
		if m := u.Query().Get("sslmode"); m != "" {
			attrs["sslmode"] = m
		}
	}
	return &config.SQL{
		PluginName:        "postgres12_pgx",
		DatabaseName:      db,
		ConnectAddr:       net.JoinHostPort(pc.Host, strconv.Itoa(int(pc.Port))),
		ConnectProtocol:   "tcp",
		User:              pc.User,
		Password:          pc.Password,
		ConnectAttributes: attrs,
		MaxConns:          maxConns,
		MaxIdleConns:      maxConns,
		MaxConnLifetime:   time.Hour,
	}, nil
}

// setupSchema creates the database if needed and applies the server's versioned schema
// up to the newest version, under an advisory lock so that two processes starting at
// once do not both apply it.
func setupSchema(ctx context.Context, adminURL string, cfg *config.SQL, schemaName string, logger tlog.Logger) error {
	if err := devstack.EnsureDatabase(ctx, adminURL, cfg.DatabaseName); err != nil {
		return err
	}
	lock, err := pgx.Connect(ctx, devstack.WithDatabase(adminURL, cfg.DatabaseName))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", cfg.DatabaseName, err)
	}
	defer lock.Close(context.Background())
	if _, err := lock.Exec(ctx, "SELECT pg_advisory_lock(hashtext('motcua.temporal-schema'))"); err != nil {
		return fmt.Errorf("lock schema of %s: %w", cfg.DatabaseName, err)
	}
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return fmt.Errorf("connect to %s for its schema: %w", cfg.DatabaseName, err)
	}
	defer conn.Close()
	if _, err := conn.ReadSchemaVersion(); err != nil {
		// No version table yet: a new database. Create the version tables at 0.0, then
		// the update below applies every versioned step.
		if err := toolschema.NewSetupSchemaTask(conn, &toolschema.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
			return fmt.Errorf("set up schema versioning of %s: %w", cfg.DatabaseName, err)
		}
	}
	if err := toolschema.NewUpdateSchemaTask(conn, &toolschema.UpdateConfig{DBName: cfg.DatabaseName, SchemaName: schemaName}, logger).Run(); err != nil {
		return fmt.Errorf("update schema of %s: %w", cfg.DatabaseName, err)
	}
	v, err := conn.ReadSchemaVersion()
	if err != nil {
		return fmt.Errorf("read schema version of %s: %w", cfg.DatabaseName, err)
	}
	want := v12.Version
	if schemaName == "postgresql/v12/visibility" {
		want = v12.VisibilityVersion
	}
	if v != want {
		return fmt.Errorf("schema of %s is at %s after update, want %s", cfg.DatabaseName, v, want)
	}
	_, err = lock.Exec(ctx, "SELECT pg_advisory_unlock(hashtext('motcua.temporal-schema'))")
	return err
}

// forgetMembers deletes the membership rows a previous run left. The embedded server is
// the only member of its cluster; without this, a restarted server first tries to join
// the previous process's (dead) hosts and waits out the 30 s join timeout before it
// serves anything.
func forgetMembers(ctx context.Context, adminURL, db string) error {
	conn, err := pgx.Connect(ctx, devstack.WithDatabase(adminURL, db))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", db, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DELETE FROM cluster_membership"); err != nil {
		return fmt.Errorf("forget previous cluster members in %s: %w", db, err)
	}
	return nil
}
