package httpx

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit allows n events per window and key (a client address), in fixed windows.
// It keeps at most maxKeys keys; when full, it forgets every key of past windows, and
// if that is not enough, refuses new keys until the window turns, which errs on the
// side of refusing a flood rather than growing without bound.
type RateLimit struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time
	seen  map[string]int
}

const maxRateKeys = 100_000

// NewRateLimit allows n events per window and key.
func NewRateLimit(n int, window time.Duration, now func() time.Time) *RateLimit {
	return &RateLimit{n: n, window: window, now: now, seen: map[string]int{}}
}

// Allow counts one event of key and says whether it is within the limit.
func (l *RateLimit) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.full(key) {
		return false
	}
	l.seen[key]++
	return true
}

// Exceeded says whether key has used up its events of this window, counting nothing;
// with Add, it limits only some events (failed logins) while checking before every one.
func (l *RateLimit) Exceeded(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.full(key)
}

// Add counts one event of key.
func (l *RateLimit) Add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full(key) {
		l.seen[key]++
	}
}

// full turns the window when it is over and says whether key may not have another
// event. l.mu is held.
func (l *RateLimit) full(key string) bool {
	if now := l.now(); now.Sub(l.start) >= l.window {
		l.start, l.seen = now, map[string]int{}
	}
	c, ok := l.seen[key]
	return (!ok && len(l.seen) >= maxRateKeys) || c >= l.n
}

// ClientIP is the request's client address: the connection's peer, or the address a
// trusted proxy reported.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// realIP takes the client's address from X-Forwarded-For or X-Real-IP only when the
// connection comes from one of TrustedProxies: anyone else could write any address there
// and escape the rate limits.
func (k *Kit) realIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(k.TrustedProxies) > 0 {
			if peer, err := netip.ParseAddr(ClientIP(r)); err == nil && k.trusted(peer) {
				if ip := forwardedFor(r); ip.IsValid() {
					r.RemoteAddr = net.JoinHostPort(ip.String(), "0")
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (k *Kit) trusted(a netip.Addr) bool {
	for _, p := range k.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// forwardedFor is the client a proxy reports: the last address of X-Forwarded-For (the
// one our proxy added), else X-Real-IP.
func forwardedFor(r *http.Request) netip.Addr {
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		parts := strings.Split(xff[len(xff)-1], ",")
		if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
			return a
		}
	}
	a, _ := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP")))
	return a
}

// Reset is when the current window ends and every key may start again.
func (l *RateLimit) Reset() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now := l.now(); now.Sub(l.start) >= l.window {
		return now
	}
	return l.start.Add(l.window)
}

// RetryAfter is the Retry-After header's value for a caller l refused: the whole
// seconds until its window ends, at least one.
func (l *RateLimit) RetryAfter() string {
	s := int(math.Ceil(l.Reset().Sub(l.now()).Seconds()))
	return strconv.Itoa(max(s, 1))
}
