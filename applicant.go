package motcua

import (
	"fmt"
	"slices"
	"strings"
)

// ApplicantKind is who submits a dossier: a citizen, an organization (an association, a
// business) or a state agency. A procedure says which kinds may apply to it; an account
// applies as the kind of applicant it is, or (an authorized representative) as the kind
// of the organization it represents.
type ApplicantKind string

const (
	ApplicantCitizen      ApplicantKind = "citizen"      // công dân
	ApplicantOrganization ApplicantKind = "organization" // tổ chức
	ApplicantAgency       ApplicantKind = "agency"       // cơ quan nhà nước (thủ tục nội bộ)
)

// ApplicantKinds lists every kind, in a stable order.
var ApplicantKinds = []ApplicantKind{ApplicantCitizen, ApplicantOrganization, ApplicantAgency}

// Valid reports whether k is a known kind.
func (k ApplicantKind) Valid() bool { return slices.Contains(ApplicantKinds, k) }

// Label is the kind's Vietnamese name, for pages.
func (k ApplicantKind) Label() string {
	switch k {
	case ApplicantCitizen:
		return "Công dân"
	case ApplicantOrganization:
		return "Tổ chức"
	case ApplicantAgency:
		return "Cơ quan nhà nước"
	}
	return string(k)
}

// MayApply reports whether the actor may submit to a procedure open to kinds: it must
// hold the submitting permission and apply as one of the kinds.
func (a Actor) MayApply(kinds []ApplicantKind) bool { return CheckApplicant(a, kinds) == nil }

// CheckApplicant refuses (EFORBIDDEN, with the reason in Vietnamese) an actor who may
// not submit to a procedure open to kinds: a citizen to a procedure for agencies, an
// organization to one for citizens.
func CheckApplicant(a Actor, kinds []ApplicantKind) error {
	if err := Authorize(a, PermSubmitDossier, Scope{OwnerID: a.UserID}); err != nil {
		return err
	}
	if slices.Contains(kinds, a.ApplicantKind()) {
		return nil
	}
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		labels[i] = strings.ToLower(k.Label())
	}
	who := "tài khoản " + strings.ToLower(a.ApplicantKind().Label())
	if a.Organization != "" {
		who = fmt.Sprintf("tài khoản đại diện cho %s (%s)", a.Organization, strings.ToLower(a.ApplicantKind().Label()))
	}
	return Errorf(EFORBIDDEN, "Thủ tục này chỉ dành cho %s; %s không nộp được hồ sơ thủ tục này.", strings.Join(labels, ", "), who)
}

// ApplicantKind is the kind of applicant the actor submits as; a citizen account that
// records no kind is a citizen.
func (a Actor) ApplicantKind() ApplicantKind {
	if a.Applicant != "" {
		return a.Applicant
	}
	return ApplicantCitizen
}

// ApplicantOrganizationID is the organization (its account) the actor applies for: the
// one it represents, or its own account when it is an organization's or an agency's; 0
// for a citizen applying for themself.
func (a Actor) ApplicantOrganizationID() int64 {
	if a.OrganizationID != 0 {
		return a.OrganizationID
	}
	if a.Applicant == ApplicantOrganization || a.Applicant == ApplicantAgency {
		return a.UserID
	}
	return 0
}

// ActsFor reports whether the actor is, for a dossier filed by ownerID for the
// organization organizationID (0: for the filer themself), its applicant: the filer of a
// person's own dossier; for an organization's dossier, the organization's account or
// one of its current representatives (a former representative, even its filer, no
// longer is). A zero owner and organization is anything the actor owns.
func (a Actor) ActsFor(ownerID, organizationID int64) bool {
	if organizationID != 0 {
		return a.UserID != 0 && (a.UserID == organizationID || a.OrganizationID == organizationID)
	}
	return ownerID == 0 || ownerID == a.UserID
}
