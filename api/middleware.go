package api

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"motcua"
)

type ctxKey int

const (
	actorKey ctxKey = iota
	csrfKey
)

// actorFrom returns the authenticated actor of the request, if any.
func actorFrom(ctx context.Context) (motcua.Actor, bool) {
	a, ok := ctx.Value(actorKey).(motcua.Actor)
	return a, ok
}

// sessionCookie is the page session cookie's name: with Secure cookies the __Host-
// prefix pins it to this host and path.
func (s *server) sessionCookie() string {
	if s.SecureCookies {
		return "__Host-motcua"
	}
	return "motcua"
}

// authenticate finds the actor of a request: a bearer token (session token or OIDC ID
// token), else the page session cookie. ok is false when the request carries none.
func (s *server) authenticate(r *http.Request) (a motcua.Actor, csrf string, ok bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, found := strings.CutPrefix(h, "Bearer ")
		if !found || tok == "" {
			return a, "", true, motcua.Errorf(motcua.EUNAUTHORIZED, "Tiêu đề Authorization phải có dạng \"Bearer <mã>\".")
		}
		a, err = s.Auth.Authenticate(r.Context(), tok)
		return a, "", true, err
	}
	c, cerr := r.Cookie(s.sessionCookie())
	if cerr != nil || c.Value == "" {
		return a, "", false, nil
	}
	a, csrf, err = s.Store.SessionActor(r.Context(), c.Value)
	return a, csrf, true, err
}

// requireActor answers 401 unless the request is authenticated, and checks the CSRF
// token of cookie sessions on unsafe methods.
func (s *server) requireActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, csrf, ok, err := s.authenticate(r)
		if err == nil && !ok {
			err = errUnauthenticated
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if csrf != "" && !safeMethod(r.Method) && !validCSRF(r, csrf) {
			s.writeError(w, r, motcua.Errorf(motcua.EFORBIDDEN, "Phiên làm việc của trang đã hết hiệu lực. Vui lòng tải lại trang và thử lại."))
			return
		}
		ctx := context.WithValue(r.Context(), actorKey, a)
		ctx = context.WithValue(ctx, csrfKey, csrf)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// optionalActor adds the actor when the request carries valid credentials, and goes on
// anonymously otherwise (pages that anyone may see).
func (s *server) optionalActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, csrf, ok, err := s.authenticate(r)
		ctx := r.Context()
		if ok && err == nil {
			ctx = context.WithValue(ctx, actorKey, a)
			ctx = context.WithValue(ctx, csrfKey, csrf)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

var errUnauthenticated = &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Bạn cần đăng nhập để tiếp tục."}

// require answers 403 unless the actor holds permission p (unit scope is checked by
// the handler, which knows the unit of the thing asked for).
func (s *server) require(p motcua.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a, _ := actorFrom(r.Context())
			if err := motcua.Authorize(a, p, motcua.Scope{}); err != nil {
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf_token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// limitBody caps request bodies.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// securityHeaders sets the headers every answer carries: no inline scripts, no framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a 500 problem and a log line with the stack.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		s.Log.DebugContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "duration", time.Since(start), "request_id", middleware.GetReqID(r.Context()))
	})
}

// httpMetrics are the API's Prometheus collectors.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "motcua_http_requests_total",
			Help: "HTTP requests by route pattern, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "motcua_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (s *server) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		// The route pattern, not the path, so that dossier codes do not explode the label set.
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(ww.Status())).Inc()
		s.metrics.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}
