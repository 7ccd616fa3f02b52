package app

import "motcua/internal/signing/service"

// Organization is who runs the one-stop office: the name on its results and notices,
// the symbol of its result numbers, its seal at the signature service, and the sender
// of its e-mails.
type Organization struct {
	Name string
	// ResultSymbol is the symbol of the results' numbers: 12/QĐ-BNV.
	ResultSymbol string
	// SealCredential is the credential ID of the organization's seal at the signature
	// service (the development service holds one of this ID).
	SealCredential string
	// MailFrom is the sender of notification e-mails.
	MailFrom string
}

// HomeAffairs is the organization motcua is built for: the Ministry of Home Affairs.
// The commands and the test harness take its identity from here.
var HomeAffairs = Organization{
	Name:           "Bộ Nội vụ",
	ResultSymbol:   "QĐ-BNV",
	SealCredential: "G09-seal",
	MailFrom:       "Bộ phận Một cửa Bộ Nội vụ <motcua@localhost>",
}

// DevelopmentSealPIN is the seal's PIN at the development signature service, the
// default of Config.SealPIN; production sets its own (MOTCUA_SEAL_PIN).
const DevelopmentSealPIN = service.DefaultPIN
