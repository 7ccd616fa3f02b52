package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/forms"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// The administration pages: units, staff accounts and their roles, the working-day
// calendar's overrides, and a read-only list of the catalog's procedure versions. Every
// change goes through the store with its audit record in the same transaction.

// adminIndex is the administration's home: what there is, with counts.
type adminIndex struct {
	Units, Staff, Overrides, Procedures int
	Parked                              int // status changes the national portal refused
	// Audit is the audit log's check, when asked for (?kiem-tra-nhat-ky=1): it walks
	// the whole log, so it does not run on every visit.
	Audit *auditResult
}

// auditResult is the audit log's hash chain as the administration page shows it.
type auditResult struct {
	Rows   int64
	Broken store.AuditRow
	At     string // the broken row's time, in Vietnam
}

func (s *Site) pageAdmin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		units, err := s.Store.Units(ctx)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		staff, err := s.Store.Staff(ctx, 2000)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		overrides, err := s.Store.CalendarOverrides(ctx)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		parked, err := s.Store.ParkedOutboxCount(ctx)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		idx := adminIndex{Units: len(units), Staff: len(staff), Overrides: len(overrides), Procedures: len(s.Catalog.Codes()),
			Parked: parked}
		if r.URL.Query().Get("kiem-tra-nhat-ky") != "" {
			c, err := s.Store.CheckAudit(ctx)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			idx.Audit = &auditResult{Rows: c.Rows, Broken: c.Broken}
			if c.Broken.ID != 0 {
				idx.Audit.At = c.Broken.At.In(motcua.Vietnam).Format("15:04:05 02/01/2006")
			}
		}
		d := s.page(r, "Quản trị hệ thống")
		d.Data = idx
		s.show(w, http.StatusOK, "admin", d)
	}
}

// Input rules of the administration's forms.
var (
	unitCodeRE   = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,15}$`)
	agencyCodeRE = regexp.MustCompile(`^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$`)
	usernameRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)
)

// minPassword is the shortest temporary password an administrator may set.
const minPassword = 8

// textField reads a posted text, trimmed, and checks its presence and length.
func textField(r *http.Request, name, id, label string, required bool, maxLen int, errs *[]pageError) string {
	v := strings.TrimSpace(r.PostFormValue(name))
	switch {
	case v == "" && required:
		*errs = append(*errs, pageError{Field: id, Message: "Vui lòng nhập " + lowerFirst(label) + "."})
	case utf8.RuneCountInString(v) > maxLen:
		*errs = append(*errs, pageError{Field: id, Message: fmt.Sprintf("%s không quá %d ký tự.", label, maxLen)})
	}
	return v
}

// unitsPage lists the units with the form to create one.
type unitsPage struct {
	Units []store.UnitRow
	Form  map[string]string // the form's values after a refusal
}

func (s *Site) pageAdminUnits() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		up := unitsPage{Form: map[string]string{"parent": "G09"}}
		var errs []pageError
		if r.Method == http.MethodPost {
			code := strings.ToUpper(textField(r, "code", "unit-code", "Mã đơn vị", true, 16, &errs))
			agency := textField(r, "agency", "unit-agency", "Mã định danh cơ quan", true, 13, &errs)
			name := textField(r, "name", "unit-name", "Tên đơn vị", true, 200, &errs)
			parent := strings.TrimSpace(r.PostFormValue("parent"))
			up.Form = map[string]string{"code": code, "agency": agency, "name": name, "parent": parent}
			if code != "" && !unitCodeRE.MatchString(code) {
				errs = append(errs, pageError{Field: "unit-code",
					Message: "Mã đơn vị gồm 2 đến 16 chữ cái in hoa không dấu hoặc chữ số, bắt đầu bằng chữ cái (ví dụ VP, TCPCP)."})
			}
			if agency != "" && !agencyCodeRE.MatchString(agency) {
				errs = append(errs, pageError{Field: "unit-agency", Message: "Mã định danh cơ quan có dạng 000.00.00.G09."})
			}
			if len(errs) == 0 {
				_, err := s.Store.CreateUnitAudited(r.Context(), a.UserID, code, agency, name, parent)
				switch motcua.ErrorCode(err) {
				case "":
					http.Redirect(w, r, "/quan-tri/don-vi?ok=saved", http.StatusSeeOther)
					return
				case motcua.ECONFLICT:
					errs = append(errs, pageError{Field: "unit-code", Message: motcua.ErrorMessage(err)})
				case motcua.ENOTFOUND:
					errs = append(errs, pageError{Field: "unit-parent", Message: motcua.ErrorMessage(err)})
				default:
					s.showError(w, r, err)
					return
				}
			}
		}
		units, err := s.Store.Units(r.Context())
		if err != nil {
			s.showError(w, r, err)
			return
		}
		up.Units = units
		d := s.page(r, "Đơn vị")
		d.Errors = errs
		d.Data = up
		s.show(w, statusFor(errs), "admin-units", d)
	}
}

// statusFor is a form page's status: 422 when it shows errors.
func statusFor(errs []pageError) int {
	if len(errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// staffRoles are the roles a staff account may hold, in the order the forms show them.
var staffRoles = []motcua.Role{motcua.RoleClerk, motcua.RoleLeader, motcua.RoleClerical, motcua.RoleAdmin}

type roleChoice struct {
	Role    motcua.Role
	Label   string
	Checked bool
}

func roleChoices(held []motcua.Role) []roleChoice {
	var out []roleChoice
	for _, r := range staffRoles {
		out = append(out, roleChoice{Role: r, Label: r.Label(), Checked: containsRole(held, r)})
	}
	return out
}

func containsRole(rs []motcua.Role, r motcua.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// postedRoles reads the roles ticked on a form; unknown ones are an error.
func postedRoles(r *http.Request) ([]motcua.Role, bool) {
	var out []motcua.Role
	for _, v := range r.PostForm["roles"] {
		role := motcua.Role(v)
		if !containsRole(staffRoles, role) {
			return nil, false
		}
		if !containsRole(out, role) {
			out = append(out, role)
		}
	}
	return out, true
}

// usersPage lists the staff accounts with the forms to create one and change roles.
type usersPage struct {
	Users []staffView
	Units []store.UnitRow
	Form  map[string]string
	Roles []roleChoice
}

type staffView struct {
	store.StaffRow
	RoleLabels string
	Choices    []roleChoice
	Open       bool // its roles form shows an error
}

func (s *Site) showUsers(w http.ResponseWriter, r *http.Request, up usersPage, openUser int64, errs []pageError) {
	ctx := r.Context()
	staff, err := s.Store.Staff(ctx, 2000)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	if up.Units, err = s.Store.Units(ctx); err != nil {
		s.showError(w, r, err)
		return
	}
	for _, u := range staff {
		var labels []string
		for _, role := range u.Roles {
			labels = append(labels, role.Label())
		}
		up.Users = append(up.Users, staffView{StaffRow: u, RoleLabels: strings.Join(labels, ", "), Choices: roleChoices(u.Roles),
			Open: u.ID == openUser})
	}
	if up.Roles == nil {
		up.Roles = roleChoices(nil)
	}
	if up.Form == nil {
		up.Form = map[string]string{}
	}
	d := s.page(r, "Tài khoản cán bộ")
	d.Errors = errs
	d.Data = up
	s.show(w, statusFor(errs), "admin-users", d)
}

func (s *Site) pageAdminUsers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		if r.Method != http.MethodPost {
			s.showUsers(w, r, usersPage{}, 0, nil)
			return
		}
		var errs []pageError
		username := strings.ToLower(textField(r, "username", "user-username", "Tên đăng nhập", true, 40, &errs))
		name := textField(r, "name", "user-name", "Họ và tên", true, 200, &errs)
		title := textField(r, "title", "user-title", "Chức vụ", false, 200, &errs)
		email := textField(r, "email", "user-email", "Thư điện tử", false, 254, &errs)
		unit := strings.TrimSpace(r.PostFormValue("unit"))
		password := r.PostFormValue("password")
		roles, rolesOK := postedRoles(r)
		up := usersPage{Form: map[string]string{"username": username, "name": name, "title": title, "email": email, "unit": unit},
			Roles: roleChoices(roles)}
		if username != "" && !usernameRE.MatchString(username) {
			errs = append(errs, pageError{Field: "user-username",
				Message: "Tên đăng nhập gồm 3 đến 40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."})
		}
		if email != "" {
			if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
				errs = append(errs, pageError{Field: "user-email", Message: "Thư điện tử không đúng định dạng (ví dụ ten@noivu.gov.vn)."})
			}
		}
		if unit == "" {
			errs = append(errs, pageError{Field: "user-unit", Message: "Vui lòng chọn đơn vị của cán bộ."})
		}
		if !rolesOK || len(roles) == 0 {
			errs = append(errs, pageError{Field: "user-role-" + string(staffRoles[0]), Message: "Vui lòng chọn ít nhất một vai trò."})
		}
		if utf8.RuneCountInString(strings.TrimSpace(password)) < minPassword {
			errs = append(errs, pageError{Field: "user-password",
				Message: fmt.Sprintf("Mật khẩu tạm thời phải có ít nhất %d ký tự khác khoảng trắng.", minPassword)})
		} else if len(password) > 72 { // bcrypt reads 72 bytes; a Vietnamese letter takes 2 or 3
			errs = append(errs, pageError{Field: "user-password",
				Message: "Mật khẩu tạm thời quá dài: tối đa 72 byte (chữ có dấu tính 2–3 byte), khoảng 24–72 ký tự."})
		}
		if len(errs) == 0 {
			_, err := s.Store.CreateUserAudited(r.Context(), a.UserID,
				store.User{Username: username, Name: name, Title: title, Email: email, Roles: roles, Password: password}, unit)
			switch motcua.ErrorCode(err) {
			case "":
				http.Redirect(w, r, "/quan-tri/tai-khoan?ok=saved", http.StatusSeeOther)
				return
			case motcua.ECONFLICT:
				errs = append(errs, pageError{Field: "user-username", Message: motcua.ErrorMessage(err)})
			case motcua.ENOTFOUND:
				errs = append(errs, pageError{Field: "user-unit", Message: motcua.ErrorMessage(err)})
			case motcua.EINVALID:
				errs = append(errs, pageError{Field: "user-role-" + string(staffRoles[0]), Message: motcua.ErrorMessage(err)})
			default:
				s.showError(w, r, err)
				return
			}
		}
		s.showUsers(w, r, up, 0, errs)
	}
}

// pageAdminRoles replaces a staff account's roles.
func (s *Site) pageAdminRoles() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := idParam(r, "Không tìm thấy tài khoản cán bộ.")
		if err != nil {
			s.showError(w, r, err)
			return
		}
		field := fmt.Sprintf("roles-%d-%s", id, staffRoles[0])
		roles, ok := postedRoles(r)
		if !ok {
			s.showUsers(w, r, usersPage{}, id, []pageError{{Field: field, Message: "Vai trò không hợp lệ."}})
			return
		}
		err = s.Store.SetRoles(r.Context(), a.UserID, id, roles)
		switch motcua.ErrorCode(err) {
		case "":
			http.Redirect(w, r, "/quan-tri/tai-khoan?ok=saved", http.StatusSeeOther)
		case motcua.EINVALID:
			s.showUsers(w, r, usersPage{}, id, []pageError{{Field: field, Message: motcua.ErrorMessage(err)}})
		default:
			s.showError(w, r, err)
		}
	}
}

// calendarPage lists the calendar's overrides with the form to add one.
type calendarPage struct {
	Overrides []overrideView
	Form      map[string]string
}

type overrideView struct {
	store.CalendarOverride
	Key, Date, Weekday, KindLabel string
}

var weekdays = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

var overrideKinds = map[string]string{store.DayOff: "Ngày nghỉ", store.WorkingDay: "Ngày làm việc (làm bù)"}

func (s *Site) showCalendar(w http.ResponseWriter, r *http.Request, form map[string]string, errs []pageError) {
	rows, err := s.Store.CalendarOverrides(r.Context())
	if err != nil {
		s.showError(w, r, err)
		return
	}
	cp := calendarPage{Form: form}
	if cp.Form == nil {
		cp.Form = map[string]string{"kind": store.DayOff}
	}
	for _, o := range rows {
		cp.Overrides = append(cp.Overrides, overrideView{CalendarOverride: o, Key: o.Day.Format(time.DateOnly),
			Date: o.Day.Format("02/01/2006"), Weekday: weekdays[o.Day.Weekday()], KindLabel: overrideKinds[o.Kind]})
	}
	d := s.page(r, "Lịch làm việc")
	d.Errors = errs
	d.Data = cp
	s.show(w, statusFor(errs), "admin-calendar", d)
}

// pageAdminCalendar lists the overrides and adds (or replaces) one.
func (s *Site) pageAdminCalendar() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		if r.Method != http.MethodPost {
			s.showCalendar(w, r, nil, nil)
			return
		}
		var errs []pageError
		dayText := textField(r, "day", "cal-day", "Ngày", true, 10, &errs)
		name := textField(r, "name", "cal-name", "Tên ngày nghỉ hoặc lý do", true, 200, &errs)
		kind := r.PostFormValue("kind")
		form := map[string]string{"day": dayText, "name": name, "kind": kind}
		var day time.Time
		if dayText != "" {
			var err error
			day, err = time.Parse(time.DateOnly, dayText)
			if err != nil || day.Year() < 2000 || day.Year() > 2100 {
				errs = append(errs, pageError{Field: "cal-day", Message: "Ngày phải là một ngày hợp lệ trong khoảng năm 2000 đến 2100."})
			}
		}
		if _, ok := overrideKinds[kind]; !ok {
			errs = append(errs, pageError{Field: "cal-kind-" + store.DayOff, Message: "Vui lòng chọn loại ngày: ngày nghỉ hoặc ngày làm việc."})
		}
		if len(errs) == 0 {
			if err := s.Store.SetCalendarOverride(r.Context(), a.UserID, day, kind, name); err != nil {
				s.showError(w, r, err)
				return
			}
			http.Redirect(w, r, "/quan-tri/lich?ok=saved", http.StatusSeeOther)
			return
		}
		s.showCalendar(w, r, form, errs)
	}
}

// pageAdminCalendarRemove removes a day's override.
func (s *Site) pageAdminCalendarRemove() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		day, err := time.Parse(time.DateOnly, chi.URLParam(r, "day"))
		if err != nil {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy ngày điều chỉnh lịch."))
			return
		}
		if err := s.Store.RemoveCalendarOverride(r.Context(), a.UserID, day); err != nil {
			s.showError(w, r, err)
			return
		}
		http.Redirect(w, r, "/quan-tri/lich?ok=saved", http.StatusSeeOther)
	}
}

// procedureVersion is one version of a procedure in the catalog's list.
type procedureVersion struct {
	*forms.Procedure
	From, To, State, Limit string
}

type procedureGroup struct {
	Code     string
	Name     string
	Versions []procedureVersion
}

var timeUnits = map[forms.TimeUnit]string{forms.WorkingDays: "ngày làm việc", forms.WorkingHours: "giờ làm việc",
	forms.CalendarDays: "ngày"}

// pageAdminProcedures lists the catalog's procedures and their versions, read-only:
// the catalog is data files shipped with the program, changed by a new release.
func (s *Site) pageAdminProcedures() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := s.Now()
		var groups []procedureGroup
		for _, code := range s.Catalog.Codes() {
			g := procedureGroup{Code: code}
			for _, p := range s.Catalog.Versions(code) {
				v := procedureVersion{Procedure: p, From: dayText(p.EffectiveFrom), To: dayText(p.EffectiveTo)}
				start, _ := p.EffectiveFrom.Start()
				switch {
				case p.InForce(now):
					v.State = "Đang áp dụng"
				case now.Before(start):
					v.State = "Chưa có hiệu lực"
				default:
					v.State = "Hết hiệu lực"
				}
				v.Limit = formatNumber(p.TimeLimit.InPerson) + " " + timeUnits[p.TimeLimit.Unit]
				if p.TimeLimit.Online > 0 && p.TimeLimit.Online != p.TimeLimit.InPerson {
					v.Limit += " (trực tuyến: " + formatNumber(p.TimeLimit.Online) + ")"
				}
				g.Name = p.Name
				g.Versions = append(g.Versions, v)
			}
			groups = append(groups, g)
		}
		d := s.page(r, "Thủ tục và phiên bản")
		d.Data = groups
		s.show(w, http.StatusOK, "admin-procedures", d)
	}
}

// dayText writes a catalog date (YYYY-MM-DD) as dd/mm/yyyy; "" stays "".
func dayText(d forms.Date) string {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return string(d)
	}
	return t.Format("02/01/2006")
}
