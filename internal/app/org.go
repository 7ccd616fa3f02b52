package app

import (
	"motcua/activities"
	"motcua/internal/signing/service"
)

// Organization is who runs the one-stop office: the name on its notices, its seal at
// the signature service, the units that issue results in their own name, and the sender
// of its e-mails.
type Organization struct {
	Name string
	// SealCredential is the credential ID of the organization's seal at the signature
	// service (the development service holds one of this ID): notices and archive
	// packages carry it, and so do the results of the unit whose seal it is.
	SealCredential string
	// Issuers are the units that issue results in their own name, by unit code: the
	// abbreviation in their numbers' symbols (12/QĐ-BNV) and their seal. A result is
	// numbered and sealed by its deciding unit, whose name its header prints; the
	// issuing activity refuses a seal whose certificate names another organization.
	//
	// They are configuration, not rows of the units table: a seal credential is the
	// signature service's, chosen per deployment like SealCredential (and its PIN),
	// and which units may issue in their own name is fixed by the organization's
	// statute, not edited on the administration page.
	Issuers map[string]activities.Issuer
	// MailFrom is the sender of notification e-mails.
	MailFrom string
}

// HomeAffairs is the organization motcua is built for: the Ministry of Home Affairs.
// The commands and the test harness take its identity from here.
//
// "VTLTNN" is the abbreviation the Cục Văn thư và Lưu trữ nhà nước writes in the symbols
// of its own documents (e.g. Công văn số 425/VTLTNN-NVTW ngày 18/7/2005, which Circular
// 07/2012/TT-BNV repealed; Công văn số 283/VTLTNN-NVTW on arranging archives).
var HomeAffairs = Organization{
	Name:           "Bộ Nội vụ",
	SealCredential: "G09-seal",
	Issuers: map[string]activities.Issuer{
		"G09":   {Abbreviation: "BNV", SealCredential: "G09-seal"},
		"CVTLT": {Abbreviation: "VTLTNN", SealCredential: "CVTLT-seal"},
	},
	MailFrom: "Bộ phận Một cửa Bộ Nội vụ <motcua@localhost>",
}

// issuers are the organization's issuers with the configured seal (MOTCUA_SEAL_CREDENTIAL)
// in place of the organization's default one, so that a deployment that names its seal
// seals the results of the unit whose seal it is with it too.
func (o Organization) issuers(sealCredential string) map[string]activities.Issuer {
	out := make(map[string]activities.Issuer, len(o.Issuers))
	for code, iss := range o.Issuers {
		if sealCredential != "" && iss.SealCredential == o.SealCredential {
			iss.SealCredential = sealCredential
		}
		out[code] = iss
	}
	return out
}

// DevelopmentSealPIN is the seal's PIN at the development signature service, the
// default of Config.SealPIN; production sets its own (MOTCUA_SEAL_PIN).
const DevelopmentSealPIN = service.DefaultPIN
