package motcua

import (
	"regexp"
	"strings"
)

// personalIDRE is a personal identification number (số định danh cá nhân, Decree
// 69/2024): 12 digits, the number of the chip-based identity card.
var personalIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// ValidPersonalID reports whether s is a 12-digit personal identification number.
func ValidPersonalID(s string) bool { return personalIDRE.MatchString(s) }

// taxCodeRE is a business's tax code: 10 digits, or 13 for a branch or dependent unit
// (the 10 digits of the parent, then 3), written with or without a hyphen.
var taxCodeRE = regexp.MustCompile(`^([0-9]{10})(?:-?([0-9]{3}))?$`)

// NormalizeTaxCode checks a tax code (mã số thuế) and returns it as digits only (10 or
// 13). The check digit of the 10-digit code is not verified: its rule could not be
// confirmed in an official text (docs/accounts.md).
func NormalizeTaxCode(s string) (string, error) {
	m := taxCodeRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", &Error{Code: EINVALID, Field: "taxCode", Message: "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số đối với chi nhánh, đơn vị phụ thuộc."}
	}
	return m[1] + m[2], nil
}

// orgIDRE is an organization's or agency's identifier: letters, digits and dots, as
// in an agency's electronic identifier (000.00.00.G09).
var orgIDRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.\-]{0,63}$`)

// ValidOrgIdentifier reports whether s looks like an organization's identifier.
func ValidOrgIdentifier(s string) bool { return orgIDRE.MatchString(s) }
