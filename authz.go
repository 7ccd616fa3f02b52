package motcua

// Permission is something an actor may be allowed to do. Every authorization decision of
// motcua is made by Authorize, so the rules can be read, and tested, in one place.
type Permission string

const (
	PermSubmitDossier  Permission = "dossier.submit"   // a citizen submits a dossier
	PermReadOwnDossier Permission = "dossier.read.own" // a citizen reads their own dossiers
	PermReadUnitWork   Permission = "work.read"        // inbox, dossier details of a unit
	PermActOnDossier   Permission = "dossier.act"      // receive, review, hand over
	PermSign           Permission = "dossier.sign"     // approve and sign a result
	PermIssue          Permission = "dossier.issue"    // number and seal a result
	PermReadStats      Permission = "stats.read"       // statistics of a unit
	PermAdminister     Permission = "admin"            // units, users, calendars, procedures
)

// Scope is what a permission is asked about: the unit that holds the thing, and its owner
// when it belongs to a citizen. The zero Scope means "no particular unit or owner".
type Scope struct {
	UnitPath string
	OwnerID  int64
	// OrganizationID is the organization (its account) a dossier was filed for, 0 for
	// none: such a dossier is the organization's, read by its account and its current
	// representatives, not by OwnerID (who filed it) as such.
	OrganizationID int64
}

// grants says which roles carry which permissions.
var grants = map[Permission][]Role{
	PermSubmitDossier:  {RoleCitizen},
	PermReadOwnDossier: {RoleCitizen},
	PermReadUnitWork:   {RoleClerk, RoleLeader, RoleClerical, RoleAdmin},
	PermActOnDossier:   {RoleClerk},
	PermSign:           {RoleLeader},
	PermIssue:          {RoleClerical},
	PermReadStats:      {RoleClerk, RoleLeader, RoleClerical, RoleAdmin},
	PermAdminister:     {RoleAdmin},
}

// Authorize decides whether actor a may use permission p on something in scope s. It
// returns nil, or an *Error with code EFORBIDDEN (or ENOTFOUND where saying "forbidden"
// would reveal that a citizen's dossier exists).
//
// Rules: the actor must hold a role that carries p; staff permissions are unit-scoped
// (the thing must be in the actor's unit or below it; an admin is in scope everywhere);
// citizens see only what they own, and an organization's people (its account, its
// current representatives) what was filed for it.
func Authorize(a Actor, p Permission, s Scope) error {
	roles, ok := grants[p]
	if !ok {
		return Errorf(EFORBIDDEN, "Quyền %q không được định nghĩa.", p)
	}
	held := false
	for _, r := range roles {
		if a.Has(r) {
			held = true
			break
		}
	}
	if !held {
		if p == PermReadOwnDossier && a.UserID != 0 {
			// Staff asking through a citizen endpoint: answer as if it did not exist.
			return Errorf(ENOTFOUND, "Không tìm thấy hồ sơ.")
		}
		return Errorf(EFORBIDDEN, "Tài khoản của bạn không có quyền thực hiện thao tác này.")
	}
	switch p {
	case PermReadOwnDossier:
		if !a.ActsFor(s.OwnerID, s.OrganizationID) {
			return Errorf(ENOTFOUND, "Không tìm thấy hồ sơ.")
		}
		return nil
	case PermSubmitDossier:
		return nil
	}
	if s.UnitPath == "" || a.Has(RoleAdmin) {
		return nil
	}
	if !a.InScope(s.UnitPath) {
		return Errorf(EFORBIDDEN, "Hồ sơ thuộc đơn vị khác; bạn không có quyền xử lý.")
	}
	return nil
}
