package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"motcua"
	"motcua/dossiers"
)

// securityHeaders sets the headers every answer carries: no inline scripts, no framing;
// HSTS when the site runs behind HTTPS (SecureCookies), so that a browser never sends
// the session cookie's site a plain-HTTP request again; and no-store on everything but
// the static files, since nearly every page and JSON answer shows a person's data or
// their name in the header, and a shared or back-button cache must keep none of it.
// A handler may loosen Cache-Control for what is public (the OpenAPI description).
func (k *Kit) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if k.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// EBADREQUEST is the code of a request the server cannot read at all (HTTP 400): a query
// that is not UTF-8 text.
const EBADREQUEST = dossiers.EBADREQUEST

// validQuery refuses, with 400, a request whose query string is not UTF-8 text once
// decoded: every filter is text that reaches PostgreSQL, which would refuse it with an
// error the caller should not see as 500.
func (k *Kit) validQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			// A pair url.ParseQuery cannot decode is dropped by every handler's
			// r.URL.Query() too; what it decodes must be text.
			q, _ := url.ParseQuery(r.URL.RawQuery)
			bad := dossiers.ValidText(q) != nil
			if bad {
				k.WriteError(w, r, &motcua.Error{Code: EBADREQUEST,
					Message: "Tham số trên địa chỉ (sau dấu ?) không đọc được: chỉ nhận văn bản UTF-8 được mã hóa URL đúng cách."})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a 500 problem and a log line with the stack.
func (k *Kit) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				k.Log.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				k.WriteError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (k *Kit) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		k.Log.DebugContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "duration", time.Since(start), "request_id", middleware.GetReqID(r.Context()))
	})
}

// httpMetrics are the HTTP layer's Prometheus collectors.
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

func (k *Kit) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		// The route pattern, not the path, so that dossier codes do not explode the label set.
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		k.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(ww.Status())).Inc()
		k.metrics.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}
