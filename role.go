package motcua

import (
	"slices"
	"strings"
)

// Role is what a user may do in the one-stop system. A user has one or more roles.
type Role string

const (
	RoleCitizen  Role = "citizen"  // công dân / tổ chức: submits and follows dossiers
	RoleClerk    Role = "clerk"    // cán bộ một cửa / chuyên viên: receives and reviews dossiers
	RoleLeader   Role = "leader"   // lãnh đạo: approves and signs results
	RoleClerical Role = "clerical" // văn thư: numbers results and applies the organization's seal
	RoleAdmin    Role = "admin"    // quản trị: units, users, calendars, procedure versions
)

// Roles lists every role, in a stable order.
var Roles = []Role{RoleCitizen, RoleClerk, RoleLeader, RoleClerical, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role's Vietnamese name, for pages.
func (r Role) Label() string {
	switch r {
	case RoleCitizen:
		return "Công dân, tổ chức"
	case RoleClerk:
		return "Cán bộ, chuyên viên"
	case RoleLeader:
		return "Lãnh đạo"
	case RoleClerical:
		return "Văn thư"
	case RoleAdmin:
		return "Quản trị hệ thống"
	}
	return string(r)
}

// Unit is an organizational unit (đơn vị) of the agency: the ministry, a department, the
// one-stop desk. Units form a tree; Path is the materialized path of unit codes from the
// root ("/G09/VP/"), so that scope checks are pure string operations.
type Unit struct {
	ID       int64
	Code     string // short code, e.g. VP
	Agency   string // identifier of the agency it belongs to, e.g. 000.00.00.G09
	Name     string
	ParentID int64 // 0 for the root
	Path     string
}

// Actor is the authenticated person behind a request or a decision.
type Actor struct {
	UserID   int64
	Username string
	Name     string
	Roles    []Role
	UnitID   int64  // 0 for citizens
	UnitPath string // Unit.Path of UnitID; "" for citizens
	// Applicant is the kind of applicant the account submits as ("" for staff, and for
	// a citizen account that records none: a citizen). A representative submits as the
	// organization it represents: Organization names it, OrganizationID is its account.
	Applicant      ApplicantKind
	Organization   string
	OrganizationID int64
	// VNeID reports that this login went through VNeID, the national e-ID.
	VNeID bool
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// InScope reports whether a unit with the given path lies inside the actor's unit
// (the unit itself or one below it).
func (a Actor) InScope(unitPath string) bool {
	return a.UnitPath != "" && unitPath != "" && strings.HasPrefix(unitPath, a.UnitPath)
}
