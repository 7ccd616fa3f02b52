package api

import (
	"net/http"
	"time"

	"motcua"
	"motcua/internal/httpx"
)

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
func (s *API) handleAPILogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.DevLogin {
			s.HTTP.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Đăng nhập bằng mật khẩu không được bật; hãy dùng đăng nhập một lần (SSO)."))
			return
		}
		var req loginRequest
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		if req.Username == "" || req.Password == "" {
			s.HTTP.WriteError(w, r, &motcua.Error{Code: motcua.EINVALID, Field: "username", Message: "Vui lòng nhập tên đăng nhập và mật khẩu."})
			return
		}
		if retry, err := s.HTTP.LoginLocked(r, req.Username); err != nil {
			w.Header().Set("Retry-After", retry)
			s.HTTP.WriteError(w, r, err)
			return
		}
		_, sess, err := s.Sessions.Login(r.Context(), req.Username, req.Password, "api")
		if err != nil {
			if motcua.ErrorCode(err) == motcua.EUNAUTHORIZED {
				s.HTTP.LoginFailed(r, req.Username)
			}
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt})
	}
}

func (s *API) handleAPILogout() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, _ := httpx.Bearer(r)
		if tok == "" {
			// A page's cookie session (its CSRF token was checked by RequireActor).
			if c, err := r.Cookie(s.HTTP.SessionCookie()); err == nil {
				tok = c.Value
				s.HTTP.SetSession(w, "", time.Unix(0, 0))
			}
		}
		if tok != "" {
			if err := s.HTTP.Sessions.RevokeSession(r.Context(), tok); err != nil {
				s.HTTP.WriteError(w, r, err)
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

func (s *API) handleMe() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		httpx.Encode(w, http.StatusOK, meResponse{ID: a.UserID, Username: a.Username, Name: a.Name, Roles: a.Roles, Unit: a.UnitPath})
	}
}
