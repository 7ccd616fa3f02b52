package devstack

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// LocalURL is the PostgreSQL motcua tries when DATABASE_URL is unset.
const LocalURL = "postgres://localhost:5432/postgres?sslmode=disable"

// Postgres is a PostgreSQL server motcua may use: its admin URL (a database on which
// other databases can be created) and, for a private cluster, how to stop it.
type Postgres struct {
	// URL connects to the server's maintenance database as a user who may create
	// databases. Database names in it are replaced with DatabaseURL.
	URL string
	// Source says where it came from: "DATABASE_URL", "localhost" or "private".
	Source  string
	cluster *pgCluster
}

// DatabaseURL returns p.URL with the database name replaced by name.
func (p *Postgres) DatabaseURL(name string) string { return WithDatabase(p.URL, name) }

// Stop stops a private cluster; it does nothing for a server motcua did not start.
func (p *Postgres) Stop() error {
	if p == nil || p.cluster == nil {
		return nil
	}
	return p.cluster.stop()
}

// PostgresOptions says how to find or make a PostgreSQL server.
type PostgresOptions struct {
	DatabaseURL string // DATABASE_URL; when set it is the only choice
	LocalURL    string // the local server to try without DATABASE_URL (default LocalURL)
	DataDir     string // the private cluster lives in DataDir/pg
	Logger      *slog.Logger
}

// ConfigError is a configuration mistake that the person starting motcua can fix; its
// message says what is wrong and what to do, in one line.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// StartPostgres finds or starts the PostgreSQL server motcua runs on.
func StartPostgres(ctx context.Context, o PostgresOptions) (*Postgres, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.DatabaseURL != "" {
		if err := ping(ctx, o.DatabaseURL); err != nil {
			return nil, &ConfigError{Msg: fmt.Sprintf(
				"cannot connect to DATABASE_URL (%s): %v; check that PostgreSQL runs there and the URL, user and password are right, or unset DATABASE_URL to use a local one",
				Redact(o.DatabaseURL), rootCause(err))}
		}
		return &Postgres{URL: o.DatabaseURL, Source: "DATABASE_URL"}, nil
	}
	local := o.LocalURL
	if local == "" {
		local = LocalURL
	}
	if err := ping(ctx, local); err == nil {
		return &Postgres{URL: local, Source: "localhost"}, nil
	} else {
		log.Info("no usable PostgreSQL on localhost:5432; starting a private cluster", "reason", rootCause(err))
	}
	c, err := startCluster(ctx, filepath.Join(o.DataDir, "pg"), log)
	if err != nil {
		return nil, err
	}
	return &Postgres{URL: c.url(), Source: "private", cluster: c}, nil
}

func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.Ping(ctx)
}

// rootCause keeps the last, most specific part of a wrapped connection error.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	// pgx joins the errors of every address it tried with newlines: keep one line.
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// WithDatabase returns the URL with its database (path) replaced.
func WithDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

// Redact hides the password of a URL for logs and messages.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// EnsureDatabase creates database name on the server if it does not exist yet.
func EnsureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to create database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	// Serialize concurrent creators (two processes starting at once).
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext('motcua.create-database'))"); err != nil {
		return fmt.Errorf("lock to create database %s: %w", name, err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext('motcua.create-database'))")
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" ENCODING 'UTF8' TEMPLATE template0"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops database name if it exists, closing other sessions on it.
func DropDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to drop database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// pgCluster is a private PostgreSQL cluster run with the machine's own binaries.
type pgCluster struct {
	dir    string // data directory
	sock   string // unix socket directory
	port   int
	bin    string // directory of initdb and pg_ctl
	cred   *syscall.Credential
	logger *slog.Logger
}

func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://motcua@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// findPostgresBin finds the directory holding initdb and pg_ctl: PATH first, then
// Debian's /usr/lib/postgresql/<version>/bin, newest version first.
func findPostgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", &ConfigError{Msg: "PostgreSQL is not installed and DATABASE_URL is unset: install it (Debian: apt-get install postgresql) or set DATABASE_URL to a running server"}
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&0o111 != 0
}

func startCluster(ctx context.Context, dir string, log *slog.Logger) (*pgCluster, error) {
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("private cluster directory: %w", err)
	}
	c := &pgCluster{dir: abs, sock: filepath.Join(abs, "sock"), bin: bin, logger: log}
	// PostgreSQL refuses to run as root; as root, run it as the postgres user (or nobody).
	if os.Geteuid() == 0 {
		if c.cred, err = unprivileged(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(abs), err)
	}
	if _, err := os.Stat(filepath.Join(abs, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(c.sock, 0o700); err != nil {
		return nil, fmt.Errorf("create socket directory: %w", err)
	}
	if err := c.chown(c.sock); err != nil {
		return nil, err
	}
	// A cluster left running by a process that died is stopped and started afresh, so
	// that it listens on the port chosen now.
	if _, err := os.Stat(filepath.Join(abs, "postmaster.pid")); err == nil {
		_ = c.pgctl(ctx, "stop", "-m", "fast", "-w")
	}
	if c.port, err = FreePort(); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// start starts the server on c.port and waits until it accepts connections.
func (c *pgCluster) start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.sock)
	logFile := filepath.Join(c.dir, "server.log")
	if err := c.pgctl(ctx, "start", "-w", "-t", "60", "-l", logFile, "-o", opts); err != nil {
		return fmt.Errorf("start private PostgreSQL in %s (see %s): %w", c.dir, logFile, err)
	}
	c.logger.Info("private PostgreSQL started", "dir", c.dir, "port", c.port)
	return nil
}

func (c *pgCluster) initdb(ctx context.Context) error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", c.dir, err)
	}
	if err := c.chown(c.dir); err != nil {
		return err
	}
	args := []string{"-D", c.dir, "-U", "motcua", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"}
	if out, err := c.command(ctx, "initdb", args...).CombinedOutput(); err != nil {
		// Some systems lack the C.UTF-8 locale; the encoding is what matters.
		args = append(args[:len(args)-1], "--no-locale")
		if out2, err2 := c.command(ctx, "initdb", args...).CombinedOutput(); err2 != nil {
			return fmt.Errorf("initdb %s: %v: %s %s", c.dir, err2, out, out2)
		}
	}
	c.logger.Info("private PostgreSQL cluster created", "dir", c.dir)
	return nil
}

func (c *pgCluster) pgctl(ctx context.Context, args ...string) error {
	args = append([]string{"-D", c.dir}, args...)
	out, err := c.command(ctx, "pg_ctl", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v: %s", args[2], err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (c *pgCluster) stop() error {
	// The caller's context is usually cancelled by now (Ctrl-C): use a fresh one.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.pgctl(ctx, "stop", "-m", "fast", "-w"); err != nil {
		return err
	}
	c.logger.Info("private PostgreSQL stopped", "dir", c.dir)
	return nil
}

// Cluster is a private PostgreSQL cluster whose owner stops and starts it again on the
// same port: the fault suite (internal/chaostest) restarts the database of a running
// motcua this way. StartPostgres's private cluster is the same thing, owned by motcua.
type Cluster struct{ c *pgCluster }

// StartCluster creates (the first time) and starts a private cluster in dir, on a free
// loopback port.
func StartCluster(ctx context.Context, dir string, log *slog.Logger) (*Cluster, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c, err := startCluster(ctx, dir, log)
	if err != nil {
		return nil, err
	}
	return &Cluster{c: c}, nil
}

// URL connects to the cluster's maintenance database (see Postgres.URL).
func (c *Cluster) URL() string { return c.c.url() }

// Stop stops the server; mode is pg_ctl's shutdown mode: "smart", "fast" or "immediate"
// (a crash: no checkpoint, recovery at the next start).
func (c *Cluster) Stop(mode string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.c.pgctl(ctx, "stop", "-m", mode, "-w")
}

// Start starts the stopped server again, on the port it had.
func (c *Cluster) Start(ctx context.Context) error { return c.c.start(ctx) }

func (c *pgCluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	// Its own process group, so a Ctrl-C meant for motcua does not kill PostgreSQL before
	// motcua has stopped using it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	return cmd
}

func (c *pgCluster) chown(path string) error {
	if c.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
		return fmt.Errorf("give %s to the PostgreSQL user: %w", path, err)
	}
	return nil
}

// unprivileged returns the credential of the postgres system user, else nobody.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, &ConfigError{Msg: "running as root and no 'postgres' or 'nobody' user exists to run a private PostgreSQL: set DATABASE_URL, or create a postgres user"}
}

// FreePort asks the kernel for a free TCP port on the loopback interface.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FreeLowPort finds a free TCP port on the loopback interface between 20000 and 32767.
func FreeLowPort() (int, error) {
	var b [2]byte
	for range 200 {
		_, _ = crand.Read(b[:])
		port := 20000 + (int(b[0])<<8|int(b[1]))%12768
		if port > 32767 {
			continue
		}
		if l, err := Listen(port); err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, errors.New("find a free port below 32768: none found")
}

// Listen listens on a loopback TCP port.
func Listen(port int) (net.Listener, error) {
	return net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
}
