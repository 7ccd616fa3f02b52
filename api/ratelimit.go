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
	if l.full(key) {
		return false
	}
	l.seen[key]++
	return true
}

// exceeded says whether key has used up its events of this window, counting nothing;
// with add, it limits only some events (failed logins) while checking before every one.
func (l *rateLimit) exceeded(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.full(key)
}

// add counts one event of key.
func (l *rateLimit) add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full(key) {
		l.seen[key]++
	}
}

// full turns the window when it is over and says whether key may not have another
// event. l.mu is held.
func (l *rateLimit) full(key string) bool {
	if now := l.now(); now.Sub(l.start) >= l.window {
		l.start, l.seen = now, map[string]int{}
	}
	c, ok := l.seen[key]
	return (!ok && len(l.seen) >= maxRateKeys) || c >= l.n
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
