package api

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// rateLimit allows n events per window and key (a client address), in fixed windows.
// It keeps at most maxKeys keys; when full, it forgets every key of past windows, and
// if that is not enough, refuses new keys until the window turns, which errs on the
// side of refusing a flood rather than growing without bound.
type rateLimit struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time
	seen  map[string]int
}

const maxRateKeys = 100_000

func newRateLimit(n int, window time.Duration, now func() time.Time) *rateLimit {
	return &rateLimit{n: n, window: window, now: now, seen: map[string]int{}}
}

// allow counts one event of key and says whether it is within the limit.
func (l *rateLimit) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.start) >= l.window {
		l.start, l.seen = now, map[string]int{}
	}
	c, ok := l.seen[key]
	if !ok && len(l.seen) >= maxRateKeys {
		return false
	}
	if c >= l.n {
		return false
	}
	l.seen[key] = c + 1
	return true
}

// clientIP is the request's client address (RealIP has already applied the proxy's
// header, where one is trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
