package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
)

// The pages are server-rendered html/template with no JavaScript: every page works in
// any browser, and CSP forbids inline scripts and styles. Each templates/NAME.html
// defines "content" (and may define "head"); it is parsed with layout.html and
// parts.html into the page NAME.

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageSet is every page, parsed once at start.
type pageSet map[string]*template.Template

func parsePages() (pageSet, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	set := pageSet{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		t, err := template.New(base).Funcs(pageFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/parts.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", base, err)
		}
		set[base] = t
	}
	return set, nil
}

// pageData is what every page gets; Data is the page's own.
type pageData struct {
	Title   string
	Actor   *motcua.Actor
	CSRF    string
	Version string
	Nav     []navLink
	// Errors fill the error summary at the top of the page; each links to its field.
	Errors []pageError
	// Notice is a confirmation shown at the top ("Đã lưu bản nháp").
	Notice string
	Data   any

	// The login form's.
	Error    string
	Username string
	Next     string
	DevLogin bool
	SSO      bool
}

// pageError is one entry of the error summary: Field is the id of the input it is
// about ("" for the page as a whole).
type pageError struct {
	Field   string
	Message string
}

type navLink struct {
	Href, Label string
	Current     bool
	// Section is the path prefix the link stands for, when wider than Href.
	Section string
}

func (s *Site) page(r *http.Request, title string) pageData {
	d := pageData{Title: title, Version: "dev", DevLogin: s.DevLogin, SSO: s.OIDC != nil}
	if a, ok := httpx.ActorFrom(r.Context()); ok {
		d.Actor = &a
		d.CSRF = httpx.CSRFFrom(r.Context())
	}
	d.Nav = navFor(d.Actor, r.URL.Path)
	d.Notice = noticeText[r.URL.Query().Get("ok")]
	return d
}

// navFor is the menu: what the public sees, and what each role works on.
func navFor(a *motcua.Actor, current string) []navLink {
	links := []navLink{{Href: "/thu-tuc", Label: "Thủ tục hành chính"}, {Href: "/tra-cuu", Label: "Tra cứu hồ sơ"},
		{Href: "/tra-cuu/xac-thuc", Label: "Xác thực văn bản"}}
	if a != nil {
		if a.Has(motcua.RoleCitizen) {
			links = append(links, navLink{Href: "/ho-so", Label: "Hồ sơ của tôi"})
		}
		if a.Has(motcua.RoleClerk) {
			links = append(links, navLink{Href: "/can-bo/tiep-nhan", Label: "Tiếp nhận hồ sơ"})
		}
		if a.Has(motcua.RoleClerk) || a.Has(motcua.RoleClerical) || a.Has(motcua.RoleLeader) {
			links = append(links, navLink{Href: "/can-bo/viec", Label: "Hồ sơ cần xử lý"})
		}
		if a.Has(motcua.RoleLeader) {
			links = append(links, navLink{Href: "/lanh-dao/trinh-ky", Label: "Trình ký"})
		}
		if a.Has(motcua.RoleClerk) || a.Has(motcua.RoleClerical) || a.Has(motcua.RoleLeader) {
			links = append(links, navLink{Href: "/van-ban/den", Label: "Văn bản", Section: "/van-ban"})
		}
		if motcua.Authorize(*a, motcua.PermReadStats, motcua.Scope{}) == nil {
			links = append(links, navLink{Href: "/thong-ke", Label: "Thống kê"})
			links = append(links, navLink{Href: "/bao-cao", Label: "Báo cáo"})
		}
		if a.Has(motcua.RoleAdmin) {
			links = append(links, navLink{Href: "/quan-tri", Label: "Quản trị"})
		}
	}
	best := -1
	for i, l := range links {
		if l.Section != "" && (current == l.Section || strings.HasPrefix(current, l.Section+"/")) {
			l.Href = l.Section
		}
		if (current == l.Href || strings.HasPrefix(current, l.Href+"/")) && (best < 0 || len(l.Href) > len(links[best].Href)) {
			best = i
		}
	}
	if best >= 0 {
		links[best].Current = true
	}
	return links
}

// noticeText are the confirmations a redirect may ask for with ?ok=KEY.
var noticeText = map[string]string{
	"draft":      "Đã lưu bản nháp. Bạn có thể quay lại hoàn thiện sau.",
	"supplement": "Đã gửi giấy tờ bổ sung.",
	"withdrawn":  "Đã rút hồ sơ.",
	"rated":      "Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ.",
	"claimed":    "Đã nhận xử lý hồ sơ.",
	"registered": "Đã đăng ký hồ sơ. Hãy kiểm tra rồi tiếp nhận để in Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
	"done":       "Đã ghi nhận thao tác. Phiếu, thông báo kèm theo (nếu có) hiện trong mục «Văn bản của hồ sơ» sau giây lát.",
	"signed":     "Đã ký số.",
	"saved":      "Đã lưu.",
	// Documents exchanged with other agencies.
	"registered-document": "Đã vào sổ văn bản đến.",
	"directed":            "Đã ghi ý kiến chỉ đạo.",
	"composed":            "Đã lập văn bản đi; văn bản chờ lãnh đạo ký.",
	"result-sent":         "Đã lập văn bản gửi kết quả; văn bản được vào sổ và gửi qua trục liên thông.",
	"resent":              "Đã đưa thay đổi vào hàng gửi lại lên Cổng Dịch vụ công quốc gia.",
	// Back from the payment platform (payment-STATUS).
	"payment-paid":      "Đã thanh toán phí, lệ phí. Biên lai điện tử được tạo và lưu cùng hồ sơ trong giây lát (tải lại trang để xem).",
	"payment-pending":   "Cổng thanh toán chưa xác nhận giao dịch. Vui lòng tải lại trang sau ít phút.",
	"payment-cancelled": "Giao dịch thanh toán đã bị hủy. Bạn có thể thanh toán lại.",
	"payment-mismatch":  "Số tiền đã thanh toán không khớp với phí, lệ phí. Bộ phận Một cửa sẽ liên hệ để xử lý.",
	"released":          "Đã trả lại việc cho đơn vị.",
	"commented":         "Đã gửi ý kiến.",
	"filterSaved":       "Đã lưu bộ lọc.",
	"filterDeleted":     "Đã xóa bộ lọc.",
	"assigned":          "Đã giao các việc đã chọn.",
	"unassigned":        "Đã trả các việc đã chọn về đơn vị.",
	"absence":           "Đã ghi nhận thời gian vắng mặt và người thay thế.",
	"absenceCancelled":  "Đã hủy thời gian vắng mặt.",
}

// show renders page name with data d.
func (s *Site) show(w http.ResponseWriter, status int, name string, d pageData) {
	t, ok := s.pages[name]
	if !ok {
		s.Log.Error("no such page", "page", name)
		http.Error(w, "Lỗi hệ thống.", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		s.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "Lỗi hệ thống: không hiển thị được trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// render is show for the home page's callers.
func (s *Site) render(w http.ResponseWriter, status int, name string, d pageData) {
	s.show(w, status, name, d)
}

// errorPage is what error.html shows.
type errorPage struct {
	Status  int
	Heading string
	Message string
	// Link is where to look again (the dossier, after a decision of unknown outcome).
	Link, LinkText string
}

// showError answers a page request that failed: a page saying what happened and what
// to do, with the status the JSON API would give. A request without a login goes to
// the login form and comes back.
func (s *Site) showError(w http.ResponseWriter, r *http.Request, err error) {
	err = httpx.Classify(err)
	code := motcua.ErrorCode(err)
	status := httpx.StatusOf(code)
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/dang-nhap?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	switch status {
	case http.StatusInternalServerError:
		s.Log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		s.Log.WarnContext(r.Context(), "page not served", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	httpx.SetRetryAfter(w, status)
	e := errorPage{Status: status, Message: motcua.ErrorMessage(err)}
	switch status {
	case http.StatusNotFound:
		e.Heading = "Không tìm thấy trang"
	case http.StatusForbidden:
		e.Heading = "Bạn không có quyền xem trang này"
	case http.StatusUnauthorized:
		e.Heading = "Bạn cần đăng nhập"
	case http.StatusConflict:
		e.Heading = "Thao tác không thực hiện được lúc này"
	case http.StatusUnprocessableEntity:
		e.Heading = "Thông tin chưa hợp lệ"
	case http.StatusServiceUnavailable:
		e.Heading = "Hệ thống tạm thời gián đoạn"
	case http.StatusGatewayTimeout:
		// The decision may have been carried out: the clerk must look before repeating it.
		e.Heading = "Chưa rõ kết quả thao tác"
		if c := codeParam(r); c != "" && strings.HasPrefix(r.URL.Path, "/can-bo/") {
			e.Link, e.LinkText = "/can-bo/ho-so/"+url.PathEscape(string(c)), "Tải lại hồ sơ "+string(c)+" để xem kết quả"
		} else if c != "" {
			e.Link, e.LinkText = "/ho-so/"+url.PathEscape(string(c)), "Tải lại hồ sơ "+string(c)+" để xem kết quả"
		}
	case http.StatusRequestEntityTooLarge:
		e.Heading = "Dữ liệu gửi lên quá lớn"
	default:
		e.Heading = "Đã có lỗi xảy ra"
	}
	d := s.page(r, e.Heading)
	d.Data = e
	s.show(w, status, "error", d)
}

// wantsHTML tells a page request from an API one, for the router's 404 and 405.
func wantsHTML(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// pageAuth lets a page through with its actor, or sends the visitor to the login form.
// Unsafe methods must carry the session's CSRF token.
func (s *Site) pageAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, csrf, ok, err := s.HTTP.Authenticate(r)
		if err == nil && !ok {
			err = httpx.ErrUnauthenticated
		}
		if err != nil {
			if motcua.ErrorCode(err) == motcua.EUNAUTHORIZED {
				s.HTTP.SetSession(w, "", time.Unix(0, 0))
			}
			s.showError(w, r, err)
			return
		}
		if !httpx.SafeMethod(r.Method) {
			// The form is read once, here, within the pages' limit: the CSRF token is
			// one of its fields, and the handler reads the rest.
			r.Body = http.MaxBytesReader(w, r.Body, maxFormPost)
			if err := parsePageForm(r); err != nil {
				s.showError(w, r, err)
				return
			}
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
			if csrf == "" || !httpx.ValidCSRF(r, csrf) {
				s.showError(w, r, httpx.ErrStalePage)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithActor(r.Context(), a, csrf)))
	})
}

// pageRequire shows the 403 page unless the actor holds permission p.
func (s *Site) pageRequire(p motcua.Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a, _ := httpx.ActorFrom(r.Context())
			if err := motcua.Authorize(a, p, motcua.Scope{}); err != nil {
				s.showError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func (s *Site) handleHome() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.show(w, http.StatusOK, "home", s.page(r, "Dịch vụ công một cửa"))
	}
}

// localPath keeps a ?next= target on this site.
func localPath(p string) string {
	// Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
	// "/\t/evil.example" would lead off the site: refuse any of them.
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsAny(p, "\\\t\r\n") {
		return "/"
	}
	return p
}

// handleLoginPage shows the login form.
func (s *Site) handleLoginPage() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := s.page(r, "Đăng nhập")
		d.Next = localPath(r.URL.Query().Get("next"))
		if d.Actor != nil {
			http.Redirect(w, r, d.Next, http.StatusSeeOther)
			return
		}
		s.show(w, http.StatusOK, "login", d)
	}
}

// handlePageLogin is the password form of the development login.
func (s *Site) handlePageLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.DevLogin {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Đăng nhập bằng mật khẩu không được bật; hãy dùng đăng nhập một lần."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		user, pass := r.PostFormValue("username"), r.PostFormValue("password")
		next := localPath(r.PostFormValue("next"))
		if retry, err := s.HTTP.LoginLocked(r, user); err != nil {
			d := s.page(r, "Đăng nhập")
			d.Error, d.Username, d.Next = motcua.ErrorMessage(err), user, next
			w.Header().Set("Retry-After", retry)
			s.show(w, http.StatusTooManyRequests, "login", d)
			return
		}
		_, sess, err := s.Sessions.Login(r.Context(), user, pass, "web")
		if err != nil {
			if motcua.ErrorCode(err) == motcua.EUNAUTHORIZED {
				s.HTTP.LoginFailed(r, user)
			}
			d := s.page(r, "Đăng nhập")
			d.Error, d.Username, d.Next = motcua.ErrorMessage(err), user, next
			s.show(w, httpx.StatusOf(motcua.ErrorCode(err)), "login", d)
			return
		}
		s.HTTP.SetSession(w, sess.Token, sess.ExpiresAt)
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (s *Site) handlePageLogout() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.HTTP.SessionCookie())
		csrf := httpx.CSRFFrom(r.Context())
		if err == nil && csrf != "" {
			if !httpx.ValidCSRF(r, csrf) {
				s.showError(w, r, httpx.ErrStalePage)
				return
			}
			_ = s.HTTP.Sessions.RevokeSession(r.Context(), c.Value)
		}
		s.HTTP.SetSession(w, "", time.Unix(0, 0))
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

func (s *Site) setSession(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.HTTP.SessionCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.HTTP.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Site) handleOIDCLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.OIDC == nil {
			s.notFound(w, r)
			return
		}
		url, state, nonce := s.OIDC.AuthCodeURL()
		http.SetCookie(w, &http.Cookie{Name: "motcua_oidc", Value: state + "." + nonce, Path: "/auth/oidc/",
			MaxAge: 600, HttpOnly: true, Secure: s.HTTP.SecureCookies, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, url, http.StatusFound)
	}
}

func (s *Site) handleOIDCCallback() http.HandlerFunc {
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
			s.HTTP.WriteError(w, r, motcua.Errorf(motcua.EUNAUTHORIZED, "Phiên đăng nhập một lần đã hết hạn hoặc không khớp. Vui lòng đăng nhập lại."))
			return
		}
		a, err := s.OIDC.Exchange(r.Context(), r.URL.Query().Get("code"), nonce)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		sess, err := s.Sessions.Open(r.Context(), a, "web")
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "motcua_oidc", Path: "/auth/oidc/", MaxAge: -1})
		s.HTTP.SetSession(w, sess.Token, sess.ExpiresAt)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

// pageFuncs are the helpers templates may call.
var pageFuncs = template.FuncMap{
	"date": func(t any) string { return formatTime(t, "02/01/2006") },
	"datetime": func(t any) string {
		return formatTime(t, "15:04 02/01/2006")
	},
	"statusLabel":   func(s motcua.Status) string { return s.Label() },
	"vnd":           formatVND,
	"bucketLabel":   func(b any) string { return motcua.SLABucket(fmt.Sprint(b)).Label() },
	"add":           func(a, b int) int { return a + b },
	"eventLabel":    func(k any) string { return motcua.EventKind(fmt.Sprint(k)).Label() },
	"documentLabel": func(k any) string { return motcua.DocumentKind(fmt.Sprint(k)).Label() },
	"join":          strings.Join,
	"errorFor": func(errs []pageError, id string) string {
		for _, e := range errs {
			if e.Field == id {
				return e.Message
			}
		}
		return ""
	},
}

// formatTime shows a time in Vietnam's time zone; nil and zero times are "".
func formatTime(v any, layout string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Vietnam).Format(layout)
}

// errNotFoundPage is the 404 of a page that does not exist.
func errNotFoundPage(p string) error {
	return motcua.Errorf(motcua.ENOTFOUND, "Không có trang %s. Hãy kiểm tra lại địa chỉ, hoặc quay về trang chủ.", p)
}

// parsePageForm reads a page's posted form, URL-encoded or multipart (files beyond
// 8 MB in all wait on disk until the request ends).
func parsePageForm(r *http.Request) error {
	// ParseForm first: ParseMultipartForm keeps its error to itself for a form that is
	// not multipart, and a truncated form would then be read as if whole.
	err := r.ParseForm()
	if err == nil {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			err = r.ParseMultipartForm(8 << 20)
		}
	}
	if err == nil {
		// Text that is not UTF-8 would reach PostgreSQL, which refuses it: 400, not 500.
		err = dossiers.ValidText(r.Form)
		if motcua.ErrorCode(err) == dossiers.EBADREQUEST {
			return err
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &motcua.Error{Code: httpx.ETOOLARGE, Message: fmt.Sprintf("Dữ liệu gửi lên quá lớn: tối đa %d MB cho một lần gửi.", tooBig.Limit>>20), Err: err}
	}
	if err != nil {
		return &motcua.Error{Code: motcua.EINVALID, Message: "Dữ liệu gửi lên bị lỗi, không đọc được. Vui lòng tải lại trang và gửi lại.", Err: err}
	}
	return nil
}
