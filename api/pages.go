package api

import (
	"embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"motcua"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages are parsed once; each page is the layout plus its own "content".
var pages = map[string]*template.Template{
	"home": template.Must(template.ParseFS(templateFiles, "templates/layout.html", "templates/home.html")),
}

type pageData struct {
	Title    string
	Actor    *motcua.Actor
	CSRF     string
	Version  string
	Error    string
	Username string
	DevLogin bool
	SSO      bool
}

func (s *server) page(r *http.Request, title string) pageData {
	d := pageData{Title: title, Version: "dev", DevLogin: s.DevLogin, SSO: s.OIDC != nil}
	if a, ok := actorFrom(r.Context()); ok {
		d.Actor = &a
		d.CSRF, _ = r.Context().Value(csrfKey).(string)
	}
	return d
}

func (s *server) render(w http.ResponseWriter, status int, name string, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages[name].ExecuteTemplate(w, "layout", d); err != nil {
		s.Log.Error("render page", "page", name, "err", err)
	}
}

func (s *server) handleHome() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.render(w, http.StatusOK, "home", s.page(r, "Dịch vụ công một cửa"))
	}
}

// handlePageLogin is the password form of the development login.
func (s *server) handlePageLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.DevLogin {
			s.notFound(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		user, pass := r.PostFormValue("username"), r.PostFormValue("password")
		_, sess, err := s.Sessions.Login(r.Context(), user, pass, "web")
		if err != nil {
			d := s.page(r, "Dịch vụ công một cửa")
			d.Error, d.Username = motcua.ErrorMessage(err), user
			s.render(w, statusOf(motcua.ErrorCode(err)), "home", d)
			return
		}
		s.setSession(w, sess.Token, sess.ExpiresAt)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

func (s *server) handlePageLogout() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.sessionCookie())
		csrf, _ := r.Context().Value(csrfKey).(string)
		if err == nil && csrf != "" {
			if !validCSRF(r, csrf) {
				s.writeError(w, r, motcua.Errorf(motcua.EFORBIDDEN, "Phiên làm việc của trang đã hết hiệu lực. Vui lòng tải lại trang và thử lại."))
				return
			}
			_ = s.Store.RevokeSession(r.Context(), c.Value)
		}
		s.setSession(w, "", time.Unix(0, 0))
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

func (s *server) setSession(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *server) handleOIDCLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.OIDC == nil {
			s.notFound(w, r)
			return
		}
		url, state, nonce := s.OIDC.AuthCodeURL()
		http.SetCookie(w, &http.Cookie{Name: "motcua_oidc", Value: state + "." + nonce, Path: "/auth/oidc/",
			MaxAge: 600, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, url, http.StatusFound)
	}
}

func (s *server) handleOIDCCallback() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.OIDC == nil {
			s.notFound(w, r)
			return
		}
		c, err := r.Cookie("motcua_oidc")
		state, nonce, ok := "", "", false
		if err == nil {
			state, nonce, ok = strings.Cut(c.Value, ".")
		}
		if !ok || r.URL.Query().Get("state") != state {
			s.writeError(w, r, motcua.Errorf(motcua.EUNAUTHORIZED, "Phiên đăng nhập một lần đã hết hạn hoặc không khớp. Vui lòng đăng nhập lại."))
			return
		}
		a, err := s.OIDC.Exchange(r.Context(), r.URL.Query().Get("code"), nonce)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		sess, err := s.Sessions.Open(r.Context(), a, "web")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "motcua_oidc", Path: "/auth/oidc/", MaxAge: -1})
		s.setSession(w, sess.Token, sess.ExpiresAt)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}
