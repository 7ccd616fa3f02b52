package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/httpx"
)

// refused is what pgx answers when PostgreSQL is down: a real connection refused, with
// the user, database, host and port in its text.
func refused(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = pgx.Connect(ctx, fmt.Sprintf("postgres://motcua_user@%s/motcua_secretdb?connect_timeout=2", addr))
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	return err
}

type route struct {
	path string
	h    http.HandlerFunc
}

type part []route

func (p part) Routes(r chi.Router) {
	for _, rt := range p {
		r.Get(rt.path, rt.h)
	}
}

// TestReadyzNamesTheDependencyNotItsError: /readyz, which anyone may ask, says which
// dependency is down and nothing of its error (user, database, host, port); the error
// goes to the log.
func TestReadyzNamesTheDependencyNotItsError(t *testing.T) {
	down := refused(t)
	var logs bytes.Buffer
	k := httpx.New(httpx.Deps{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	srv := httptest.NewServer(k.Handler(map[string]httpx.Pinger{
		"postgres": httpx.PingFunc(func(context.Context) error { return down }),
		"temporal": httpx.PingFunc(func(context.Context) error { return nil }),
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	raw := new(bytes.Buffer)
	_, _ = raw.ReadFrom(resp.Body)
	if err := json.Unmarshal(raw.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || body.Ready || body.Checks["postgres"] != "down" || body.Checks["temporal"] != "ok" {
		t.Errorf("/readyz = %d %s", resp.StatusCode, raw)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("/readyz 503 without Retry-After")
	}
	port := strings.Split(down.Error(), "127.0.0.1:")
	for _, leak := range []string{"motcua_user", "motcua_secretdb", "127.0.0.1", "refused", port[len(port)-1][:4]} {
		if strings.Contains(raw.String(), leak) {
			t.Errorf("/readyz tells anyone %q: %s", leak, raw)
		}
	}
	if !strings.Contains(logs.String(), "motcua_secretdb") || !strings.Contains(logs.String(), "postgres") {
		t.Errorf("the log lacks the cause:\n%s", logs.String())
	}
}

// TestOutagesAnswer503WithRetryAfter: a request that fails because PostgreSQL is down
// answers 503 `unavailable` with Retry-After and a Vietnamese title, not 500
// `internal`; a defect still answers 500; an update whose outcome is unknown answers
// 504 `unknown_outcome`, saying so.
func TestOutagesAnswer503WithRetryAfter(t *testing.T) {
	down := refused(t)
	var logs bytes.Buffer
	k := httpx.New(httpx.Deps{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	fail := func(err error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { k.WriteError(w, r, err) }
	}
	srv := httptest.NewServer(k.Handler(nil, part{
		{"/db-down", fail(fmt.Errorf("read inbox: %w", down))},
		{"/defect", fail(fmt.Errorf("nil map"))},
		{"/unknown", fail(&motcua.Error{Code: motcua.EUNKNOWNOUTCOME, Message: "Chưa rõ kết quả."})},
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path       string
		status     int
		code       string
		retryAfter bool
	}{
		{"/db-down", 503, motcua.EUNAVAILABLE, true},
		{"/defect", 500, motcua.EINTERNAL, false},
		{"/unknown", 504, motcua.EUNKNOWNOUTCOME, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var p httpx.Problem
			_ = json.NewDecoder(resp.Body).Decode(&p)
			if resp.StatusCode != tc.status || p.Code != tc.code || p.Title == "" ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("%s = %d %+v", tc.path, resp.StatusCode, p)
			}
			if got := resp.Header.Get("Retry-After") != ""; got != tc.retryAfter {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
			if strings.Contains(p.Title, "127.0.0.1") || strings.Contains(p.Title, "motcua_user") {
				t.Errorf("the title leaks the cause: %q", p.Title)
			}
		})
	}
	if !strings.Contains(logs.String(), "motcua_secretdb") {
		t.Errorf("the outage's cause is not logged:\n%s", logs.String())
	}
}
