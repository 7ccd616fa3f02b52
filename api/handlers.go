package api

import (
	"context"
	"net/http"
	"time"

	"motcua"
)

func (s *server) handleHealthz() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz answers 200 only when every dependency answers within two seconds.
func (s *server) handleReadyz() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{}
		status := http.StatusOK
		for name, p := range s.Ready {
			if err := p.Ping(ctx); err != nil {
				checks[name] = err.Error()
				status = http.StatusServiceUnavailable
				continue
			}
			checks[name] = "ok"
		}
		encode(w, status, map[string]any{"ready": status == http.StatusOK, "checks": checks})
	}
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// handleAPILogin is the development login for programs: a username and password give
// a bearer token.
func (s *server) handleAPILogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.DevLogin {
			s.writeError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Đăng nhập bằng mật khẩu không được bật; hãy dùng đăng nhập một lần (SSO)."))
			return
		}
		var req loginRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if req.Username == "" || req.Password == "" {
			s.writeError(w, r, &motcua.Error{Code: motcua.EINVALID, Field: "username", Message: "Vui lòng nhập tên đăng nhập và mật khẩu."})
			return
		}
		if s.loginLimit.exceeded(clientIP(r)) {
			w.Header().Set("Retry-After", "60")
			s.writeError(w, r, &motcua.Error{Code: ETOOMANY, Message: "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng chờ một phút rồi thử lại."})
			return
		}
		_, sess, err := s.Sessions.Login(r.Context(), req.Username, req.Password, "api")
		if err != nil {
			if motcua.ErrorCode(err) == motcua.EUNAUTHORIZED {
				s.loginLimit.add(clientIP(r))
			}
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt})
	}
}

func (s *server) handleAPILogout() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, _ := bearer(r)
		if tok == "" {
			// A page's cookie session (its CSRF token was checked by requireActor).
			if c, err := r.Cookie(s.sessionCookie()); err == nil {
				tok = c.Value
				s.setSession(w, "", time.Unix(0, 0))
			}
		}
		if tok != "" {
			if err := s.Store.RevokeSession(r.Context(), tok); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

type meResponse struct {
	ID       int64         `json:"id"`
	Username string        `json:"username"`
	Name     string        `json:"name"`
	Roles    []motcua.Role `json:"roles"`
	Unit     string        `json:"unitPath,omitempty"`
}

func (s *server) handleMe() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		encode(w, http.StatusOK, meResponse{ID: a.UserID, Username: a.Username, Name: a.Name, Roles: a.Roles, Unit: a.UnitPath})
	}
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && h[:7] == "Bearer " {
		return h[7:], true
	}
	return "", false
}
