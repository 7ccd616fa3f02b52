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
