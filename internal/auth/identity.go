package auth

import (
	"fmt"
	"strings"

	"motcua"
)

// The claims motcua reads from the identity provider's ID token, VNeID-style (see
// docs/accounts.md). They are read here and nowhere else: a provider that names them
// otherwise is adapted in IdentityFromClaims alone.
const (
	ClaimAccountType    = "account_type"    // "citizen", "business", "organization" or "agency"
	ClaimPersonalID     = "citizen_id"      // số định danh cá nhân: 12 digits
	ClaimTaxCode        = "tax_code"        // mã số thuế of a business: 10 or 13 digits
	ClaimOrganizationID = "organization_id" // mã định danh of an organization or agency
	ClaimName           = "name"
	ClaimEmail          = "email"
	ClaimPhone          = "phone_number"
	ClaimIdentitySource = "idp"   // "vneid" when the person authenticated through VNeID
	ClaimLevel          = "acr"   // the assurance level of the login
	ClaimNonce          = "nonce" // checked by the page login
)

// Identity is who the identity provider says logged in, mapped to motcua's terms.
type Identity struct {
	Kind          motcua.ApplicantKind
	IDNumber      string // citizens
	TaxCode       string // businesses (digits only)
	OrgIdentifier string // other organizations and agencies
	Name          string
	Email, Phone  string
	// VNeID reports that the login went through VNeID, the national e-ID.
	VNeID bool
	Level string
	Nonce string
}

// IdentityFromClaims maps an ID token's claims to an Identity: a citizen by a 12-digit
// personal ID number, a business by its tax code, an organization or agency by its
// identifier. A token without an account type is a citizen's. Claims that contradict
// the account type (a citizen with no valid ID number, a business with no valid tax
// code) are refused.
func IdentityFromClaims(c map[string]any) (Identity, error) {
	str := func(k string) string {
		v, _ := c[k].(string)
		return strings.TrimSpace(v)
	}
	id := Identity{Name: str(ClaimName), Email: str(ClaimEmail), Phone: str(ClaimPhone),
		VNeID: strings.EqualFold(str(ClaimIdentitySource), "vneid"), Level: str(ClaimLevel), Nonce: str(ClaimNonce)}
	if id.Name == "" {
		id.Name = str("preferred_username")
	}
	bad := func(format string, args ...any) (Identity, error) {
		return Identity{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Field: "id_token",
			Message: "Thông tin tài khoản định danh điện tử không hợp lệ: " + fmt.Sprintf(format, args...)}
	}
	switch t := strings.ToLower(str(ClaimAccountType)); t {
	case "", "citizen":
		id.Kind, id.IDNumber = motcua.ApplicantCitizen, str(ClaimPersonalID)
		if id.IDNumber != "" && !motcua.ValidPersonalID(id.IDNumber) {
			return bad("số định danh cá nhân phải gồm 12 chữ số.")
		}
		if t == "citizen" && id.IDNumber == "" {
			return bad("thiếu số định danh cá nhân.")
		}
	case "business":
		tax, err := motcua.NormalizeTaxCode(str(ClaimTaxCode))
		if err != nil {
			return bad("mã số thuế phải gồm 10 hoặc 13 chữ số.")
		}
		id.Kind, id.TaxCode = motcua.ApplicantOrganization, tax
	case "organization", "agency":
		id.Kind, id.OrgIdentifier = motcua.ApplicantOrganization, str(ClaimOrganizationID)
		if t == "agency" {
			id.Kind = motcua.ApplicantAgency
		}
		if !motcua.ValidOrgIdentifier(id.OrgIdentifier) {
			return bad("thiếu hoặc sai mã định danh của tổ chức.")
		}
	default:
		return bad("loại tài khoản %q không được hỗ trợ.", t)
	}
	return id, nil
}
