package httpx

import (
	"context"
	"net/http"
	"strings"

	"motcua"
)

// System is a calling system (the national public-service portal, a ministry's LGSP)
// authenticated by its own credential, with the account that stands as its actor.
type System struct {
	ID     string
	Name   string
	UserID int64
}

// SystemAuthenticator checks a calling system's credential: the X-System-Id it names
// and the secret it sends as a bearer token. Each system has its own secret, stored
// hashed (store.AuthenticateIntakeSystem).
type SystemAuthenticator func(ctx context.Context, id, secret string) (System, error)

type systemKey struct{}

// SystemFrom returns the calling system authenticated by RequireSystem.
func SystemFrom(ctx context.Context) (System, bool) {
	s, ok := ctx.Value(systemKey{}).(System)
	return s, ok
}

// ErrUnknownSystem answers a system-to-system call without valid credentials; it says
// neither whether the system exists nor which half was wrong.
var ErrUnknownSystem = &motcua.Error{Code: motcua.EUNAUTHORIZED,
	Message: "Hệ thống gọi không được xác thực: cần tiêu đề X-System-Id và khóa bí mật của hệ thống (Authorization: Bearer)."}

// RequireSystem lets through only calls of an authenticated system (check, from
// Deps.Systems): a person's session or token is not enough, and a system's secret is
// good for that system only.
func (k *Kit) RequireSystem(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSpace(r.Header.Get("X-System-Id"))
		secret, ok := Bearer(r)
		if k.Systems == nil || id == "" || len(id) > 100 || !ok || secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="motcua-intake"`)
			k.WriteError(w, r, ErrUnknownSystem)
			return
		}
		sys, err := k.Systems(r.Context(), id, secret)
		if err != nil {
			if motcua.ErrorCode(err) == motcua.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="motcua-intake"`)
				err = ErrUnknownSystem
			}
			k.WriteError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), systemKey{}, sys)))
	})
}
