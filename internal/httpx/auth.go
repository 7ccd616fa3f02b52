package httpx

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"motcua"
)

type ctxKey int

const (
	actorKey ctxKey = iota
	csrfKey
)

// ActorFrom returns the authenticated actor of the request, if any.
func ActorFrom(ctx context.Context) (motcua.Actor, bool) {
	a, ok := ctx.Value(actorKey).(motcua.Actor)
	return a, ok
}

// CSRFFrom returns the CSRF token of the request's page session ("" for a bearer token).
func CSRFFrom(ctx context.Context) string {
	c, _ := ctx.Value(csrfKey).(string)
	return c
}

// WithActor returns ctx carrying the request's actor and its session's CSRF token.
func WithActor(ctx context.Context, a motcua.Actor, csrf string) context.Context {
	ctx = context.WithValue(ctx, actorKey, a)
	return context.WithValue(ctx, csrfKey, csrf)
}

// ErrUnauthenticated answers a request that needs a login and carries none.
var ErrUnauthenticated = &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Bạn cần đăng nhập để tiếp tục."}

// ErrStalePage refuses a page's form whose CSRF token does not match the session.
var ErrStalePage = &motcua.Error{Code: motcua.EFORBIDDEN,
	Message: "Phiên làm việc của trang đã hết hiệu lực. Vui lòng tải lại trang và thử lại."}

// SessionCookie is the page session cookie's name: with Secure cookies the __Host-
// prefix pins it to this host and path.
func (k *Kit) SessionCookie() string {
	if k.SecureCookies {
		return "__Host-motcua"
	}
	return "motcua"
}

// SetSession sets (or, with an empty token and a past expiry, clears) the page session
// cookie.
func (k *Kit) SetSession(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: k.SessionCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: k.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// Authenticate finds the actor of a request: a bearer token (session token or OIDC ID
// token), else the page session cookie. ok is false when the request carries none.
func (k *Kit) Authenticate(r *http.Request) (a motcua.Actor, csrf string, ok bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, found := strings.CutPrefix(h, "Bearer ")
		if !found || tok == "" {
			return a, "", true, motcua.Errorf(motcua.EUNAUTHORIZED, "Tiêu đề Authorization phải có dạng \"Bearer <mã>\".")
		}
		if k.Auth == nil {
			return a, "", true, ErrUnauthenticated
		}
		a, err = k.Auth.Authenticate(r.Context(), tok)
		return a, "", true, err
	}
	c, cerr := r.Cookie(k.SessionCookie())
	if cerr != nil || c.Value == "" || k.Sessions == nil {
		return a, "", false, nil
	}
	a, csrf, err = k.Sessions.SessionActor(r.Context(), c.Value)
	return a, csrf, true, err
}

// RequireActor answers 401 (problem+json) unless the request is authenticated, and
// checks the CSRF token of cookie sessions on unsafe methods.
func (k *Kit) RequireActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, csrf, ok, err := k.Authenticate(r)
		if err == nil && !ok {
			err = ErrUnauthenticated
		}
		if err != nil {
			k.WriteError(w, r, err)
			return
		}
		if csrf != "" && !SafeMethod(r.Method) && !ValidCSRF(r, csrf) {
			k.WriteError(w, r, ErrStalePage)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), a, csrf)))
	})
}

// OptionalActor adds the actor when the request carries valid credentials, and goes on
// anonymously otherwise (pages that anyone may see).
func (k *Kit) OptionalActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, csrf, ok, err := k.Authenticate(r)
		ctx := r.Context()
		if ok && err == nil {
			ctx = WithActor(ctx, a, csrf)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Require answers 403 (problem+json) unless the actor holds permission p (unit scope is
// checked by the service, which knows the unit of the thing asked for).
func (k *Kit) Require(p motcua.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a, _ := ActorFrom(r.Context())
			if err := motcua.Authorize(a, p, motcua.Scope{}); err != nil {
				k.WriteError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SafeMethod reports whether m changes nothing (no CSRF token needed).
func SafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// ValidCSRF reports whether the request carries the session's CSRF token, in the
// X-CSRF-Token header or the form's csrf_token field.
func ValidCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf_token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Bearer returns the request's bearer token, if any.
func Bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && h[:7] == "Bearer " {
		return h[7:], true
	}
	return "", false
}

// LimitBody caps request bodies.
func LimitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// maxAccountKey bounds the account names the login limit keeps (a long name is cut).
const maxAccountKey = 128

func accountKey(username string) string {
	k := strings.ToLower(strings.TrimSpace(username))
	if len(k) > maxAccountKey {
		k = k[:maxAccountKey]
	}
	return k
}

// LoginLocked says whether a password login for username from r must be refused before
// the password is looked at: too many failures from its address (LoginLimit), or of the
// account from anywhere (AccountLimit). It returns the refusal (ETOOMANY, with the
// notice in Vietnamese saying when to try again) and the Retry-After header's value.
func (k *Kit) LoginLocked(r *http.Request, username string) (retryAfter string, err error) {
	if k.LoginLimit.Exceeded(ClientIP(r)) {
		return k.LoginLimit.RetryAfter(), &motcua.Error{Code: ETOOMANY,
			Message: "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng chờ một phút rồi thử lại."}
	}
	if key := accountKey(username); key != "" && k.AccountLimit.Exceeded(key) {
		until := k.AccountLimit.Reset().In(motcua.Vietnam)
		return k.AccountLimit.RetryAfter(), &motcua.Error{Code: ETOOMANY, Message: fmt.Sprintf(
			"Tài khoản này tạm thời bị khóa đăng nhập vì mật khẩu bị nhập sai nhiều lần. Vui lòng thử lại sau %s ngày %s.",
			until.Format("15:04"), until.Format("02/01/2006"))}
	}
	return "", nil
}

// LoginFailed counts a failed password login against its address and its account.
func (k *Kit) LoginFailed(r *http.Request, username string) {
	k.LoginLimit.Add(ClientIP(r))
	if key := accountKey(username); key != "" {
		k.AccountLimit.Add(key)
	}
}
