// Package stacktest starts the whole of motcua for a test: its own PostgreSQL database,
// a real Temporal server (the server's own in-process test server), the development
// signature service with its timestamp authority, an SMTP server that keeps what it
// receives, and, built by internal/app exactly as `motcua run` builds it, the store
// (migrated, seeded, catalog recorded), a worker with the real activities, and the API
// over HTTP. Nothing is mocked; every part is the one production runs.
//
// It reaches the API, the worker and the workflows through internal/app, except
// driver.go, which imports workflows for the dossier workflow's query (State,
// QueryState) and the names of its decisions: the happy-path driver reads the state the
// way the workflow reports it and sends the decisions by those names. It lives here,
// not beside workflows, because the api and workflows tests both drive dossiers with it.
package stacktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"motcua/activities"
	"motcua/forms"
	"motcua/internal/app"
	"motcua/internal/axis"
	"motcua/internal/mail"
	"motcua/internal/mail/mailtest"
	"motcua/internal/payload"
	"motcua/internal/payment"
	"motcua/internal/population"
	"motcua/internal/signing/service"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// Stack is a running motcua.
type Stack struct {
	T        testing.TB
	URL      string // the API and pages
	App      *app.App
	Store    *store.Store
	Temporal client.Client
	Catalog  *forms.Catalog
	Roots    *x509.CertPool // the development CA, for verifying results
	RootPEM  string         // its file
	Time     activities.WorkingTime
	Acts     *activities.Activities
	Codec    *payload.Codec   // what the workflows' payloads are encrypted with
	Mailbox  *mailtest.Server // the SMTP server notifications are e-mailed to
	// Payments is the development payment gateway the stack pays fees at, PaymentURL
	// its address and PaymentSecret the secret it shares with motcua.
	Payments      *payment.DevGateway
	PaymentURL    string
	PaymentSecret string
	// Now is the stack's clock: the catalog's "today" and the API's. Samples that must be
	// recent are made relative to it.
	Now func() time.Time

	server *temporaltest.TestServer
	shared *shared
}

// shared is what copies of a stack for subtests share: the logged-in users' tokens.
type shared struct {
	mu     sync.Mutex
	tokens map[string]string
	worker sdkworker.Worker
}

// For returns the stack for a subtest: its helpers fail t, not the parent test.
func (s *Stack) For(t testing.TB) *Stack {
	c := *s
	c.T = t
	return &c
}

// Options adjust the stack.
type Options struct {
	// Now is the clock of the catalog and the API (default time.Now: the workflows run on
	// the Temporal server's clock).
	Now func() time.Time
	// Log receives the stack's logs (default: discarded, unless MOTCUA_TEST_LOG is set).
	Log *slog.Logger
	// PayloadKey is the payload codec's key (default: a random one). A history kept for
	// replay tests is recorded with a fixed key, so that it can be decoded later.
	PayloadKey []byte
	// UpdateTimeout is how long a decision waits for the workflow (default
	// dossiers.DefaultUpdateTimeout); outage tests shorten it.
	UpdateTimeout time.Duration
	// PaymentURL replaces the development payment gateway's address (a hung gateway in
	// timeout tests), and PaymentTimeout bounds each call to it (default 30 s).
	PaymentURL     string
	PaymentTimeout time.Duration
	// Axis connects the stack to a document axis as one agency (none when URL is empty).
	Axis axis.ClientConfig
	// AfterAxisSend is the activities' fault hook between an outgoing document's send
	// and its record (activities.ExchangeConfig.AfterAxisSend).
	AfterAxisSend func(ctx context.Context, key string) error
	// Catalog replaces the embedded procedure catalog (CatalogWith builds one).
	Catalog fs.FS
	// WrapAxis, when set, wraps the activities' axis transport: tests count the calls
	// the activities make (to tell the activity's reconciliation from the axis's dedup).
	WrapAxis func(axis.Transport) axis.Transport
	// PortalURL connects the stack to a (development) national portal: the status sync,
	// and the files by reference of inbound portal dossiers (none when empty).
	PortalURL string
	// Population replaces the development population registry the desk asks (a hung
	// one in timeout tests), and PopulationTimeout bounds each question to it.
	Population        population.Registry
	PopulationTimeout time.Duration
}

// Start starts a stack that stops when the test ends.
func Start(t testing.TB, opts ...Options) *Stack {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
		if os.Getenv("MOTCUA_TEST_LOG") != "" {
			o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Population == nil {
		o.Population = population.NewDevelopment()
	}
	ctx := context.Background()
	db := storetest.NewDatabase(t)

	// The signature service, as `motcua signer` runs it.
	token := randomHex(24)
	dir := t.TempDir()
	svc, err := service.New(filepath.Join(dir, "signer"), service.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	signer := httptest.NewServer(svc.Handler())
	t.Cleanup(signer.Close)
	roots := x509.NewCertPool()
	roots.AddCert(svc.Root())
	rootPEM := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(rootPEM, pemCert(svc.Root()), 0o600); err != nil {
		t.Fatal(err)
	}

	// Temporal; the payloads are encrypted as in production.
	key := o.PayloadKey
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	var tsOpts []temporaltest.TestServerOption
	if tt, ok := t.(*testing.T); ok {
		tsOpts = append(tsOpts, temporaltest.WithT(tt))
	}
	ts := temporaltest.NewServer(tsOpts...)
	t.Cleanup(ts.Stop)
	mailbox := mailtest.Start(t)

	// The HTTP server's address is known before the system is built: links in notices
	// point at it.
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	url := "http://" + srv.Listener.Addr().String()

	paySecret := randomHex(16)
	payments := &payment.DevGateway{Partner: "motcua-test", Secret: paySecret, Now: o.Now, Log: o.Log}
	paySrv := httptest.NewUnstartedServer(nil)
	t.Cleanup(paySrv.Close)
	payments.PublicURL = "http://" + paySrv.Listener.Addr().String()
	paySrv.Config.Handler = payments.Handler()
	paySrv.Start()
	payTimeout := o.PaymentTimeout
	if payTimeout == 0 {
		payTimeout = 30 * time.Second
	}
	payURL := payments.PublicURL
	if o.PaymentURL != "" {
		payURL = o.PaymentURL
	}

	a, err := app.New(ctx, app.Config{DatabaseURL: db, SeedDemo: true, Catalog: o.Catalog,
		TemporalAddress: ts.GetFrontendHostPort(), TemporalNamespace: ts.GetDefaultNamespace(), PayloadKeys: [][]byte{key},
		PublicURL: url, DevLogin: true, Roots: roots,
		SignerURL: signer.URL, SignerToken: token, SealPIN: service.DefaultPIN,
		Payment: payment.Config{URL: payURL, Partner: payments.Partner, Secret: paySecret, Timeout: payTimeout},
		Mail:    mail.Config{Addr: mailbox.Addr}, Axis: o.Axis, UpdateTimeout: o.UpdateTimeout, Now: o.Now, Log: o.Log,
		Portal:     app.PortalConfig{URL: o.PortalURL, Timeout: 5 * time.Second},
		Population: o.Population, PopulationTimeout: o.PopulationTimeout,
		// One demo citizen files a dossier of every procedure at once: the per-person
		// upload limits (tested on their own in api) would refuse the tests' own load.
		Uploads: store.UploadLimits{PendingBytes: 1 << 40, PerWindow: 1 << 30, Window: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	acts, err := a.Activities()
	if err != nil {
		t.Fatal(err)
	}
	acts.Exchange.AfterAxisSend = o.AfterAxisSend
	if o.WrapAxis != nil && acts.Exchange.Axis != nil {
		acts.Exchange.Axis = o.WrapAxis(acts.Exchange.Axis)
	}
	h, err := a.Handler(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()

	s := &Stack{T: t, URL: url, App: a, Now: o.Now, Codec: a.Codec, shared: &shared{tokens: map[string]string{}}, Store: a.Store,
		Temporal: a.Temporal, Catalog: a.Catalog, Roots: roots, RootPEM: rootPEM, Time: a.Time, Acts: acts,
		Mailbox: mailbox, server: ts, Payments: payments, PaymentURL: payURL, PaymentSecret: paySecret}
	s.StartWorker()
	t.Cleanup(s.StopWorker)
	return s
}

// StartWorker starts a worker (again, after StopWorker).
func (s *Stack) StartWorker() {
	w, err := s.App.NewWorker()
	if err != nil {
		s.T.Fatal(err)
	}
	if err := w.Start(); err != nil {
		s.T.Fatal(err)
	}
	s.shared.mu.Lock()
	s.shared.worker = w
	s.shared.mu.Unlock()
}

// StopWorker stops the worker, as a killed worker process would stop polling.
func (s *Stack) StopWorker() {
	s.shared.mu.Lock()
	w := s.shared.worker
	s.shared.worker = nil
	s.shared.mu.Unlock()
	if w != nil {
		w.Stop()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Client is a logged-in user of the API.
type Client struct {
	S        *Stack
	Username string
	Token    string
	HTTP     *http.Client
}

// Login logs a demo user in (password "demo").
func (s *Stack) Login(username string) *Client {
	s.T.Helper()
	c := &Client{S: s, Username: username, HTTP: &http.Client{Timeout: 2 * time.Minute}}
	var out struct {
		Token string `json:"token"`
	}
	if code := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": "demo"}, &out); code != 200 {
		s.T.Fatalf("login %s: status %d", username, code)
	}
	c.Token = out.Token
	return c
}

// Response is an answer of the API.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Problem is the problem document of an error answer.
type Problem struct {
	Title  string `json:"title"`
	Code   string `json:"code"`
	Status int    `json:"status"`
	Field  string `json:"field"`
	Errors []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Problem decodes an error answer.
func (r Response) Problem() Problem {
	var p Problem
	_ = json.Unmarshal(r.Body, &p)
	return p
}

// Request sends a request with a JSON body (or none) and extra headers.
func (c *Client) Request(method, path string, body any, header http.Header) Response {
	c.S.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.S.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.S.URL+path, rd)
	if err != nil {
		c.S.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.send(req)
}

func (c *Client) send(req *http.Request) Response {
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.S.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Do sends a JSON request and decodes a 2xx answer into out; it returns the status.
func (c *Client) Do(method, path string, body, out any) int {
	c.S.T.Helper()
	r := c.Request(method, path, body, nil)
	if r.Status/100 == 2 && out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			c.S.T.Fatalf("%s %s: decode %s: %v", method, path, r.Body, err)
		}
	}
	return r.Status
}

// MustDo is Do that fails the test unless the status is want.
func (c *Client) MustDo(want int, method, path string, body, out any) Response {
	c.S.T.Helper()
	r := c.Request(method, path, body, nil)
	if r.Status != want {
		c.S.T.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, c.Username, r.Status, want, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			c.S.T.Fatalf("%s %s: decode %s: %v", method, path, r.Body, err)
		}
	}
	return r
}

// Upload sends a file to POST /api/v1/files and returns its ID.
func (c *Client) Upload(name string, data []byte) (string, Response) {
	c.S.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.S.URL+"/api/v1/files", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := c.send(req)
	var f struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(r.Body, &f)
	return f.ID, r
}

// Get fetches a path's raw bytes.
func (c *Client) Get(path string) Response {
	c.S.T.Helper()
	req, _ := http.NewRequest("GET", c.S.URL+path, nil)
	return c.send(req)
}

// Sprintf is fmt.Sprintf, for paths.
func Sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// CatalogWith is the embedded procedure catalog with one procedure version changed by
// edit (its procedure.json decoded as JSON), for Options.Catalog: a test-only mode of a
// real procedure (a fee paid after receipt) without a test-only procedure.
func CatalogWith(t testing.TB, code string, version int, edit func(p map[string]any)) fs.FS {
	t.Helper()
	src := forms.Embedded()
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return err
		}
		out[name] = &fstest.MapFile{Data: b, Mode: 0o444}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s/v%d/procedure.json", code, version)
	f, ok := out[name]
	if !ok {
		t.Fatalf("catalog has no %s", name)
	}
	var p map[string]any
	if err := json.Unmarshal(f.Data, &p); err != nil {
		t.Fatal(err)
	}
	edit(p)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	out[name] = &fstest.MapFile{Data: b, Mode: 0o444}
	return out
}
