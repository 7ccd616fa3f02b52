package app

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"motcua"
	"motcua/activities"
	"motcua/forms"
	"motcua/internal/signing/service"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestNewMigratesOnceAndSignsAsTheOrganization: without Temporal, New opens the store
// only (what `motcua migrate` needs); the second start applies no migration; the
// activities take the organization's identity and seal unless the config names
// another seal.
func TestNewMigratesOnceAndSignsAsTheOrganization(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDatabase(t)
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(ctx, Config{DatabaseURL: db})
	if err != nil {
		t.Fatal(err)
	}
	if a.Migrated != len(all) || a.Temporal != nil || a.Catalog == nil || a.Time == nil {
		t.Errorf("first New: %d migrations (want %d), Temporal %v, catalog %v, time %v",
			a.Migrated, len(all), a.Temporal, a.Catalog != nil, a.Time != nil)
	}
	acts, err := a.Activities()
	if err != nil {
		t.Fatal(err)
	}
	if acts.OrgName != "Bộ Nội vụ" || acts.Issuers["G09"] != (activities.Issuer{Abbreviation: "BNV", SealCredential: "G09-seal"}) ||
		acts.Issuers["CVTLT"] != (activities.Issuer{Abbreviation: "VTLTNN", SealCredential: "CVTLT-seal"}) ||
		acts.Signing.SealCredential != "G09-seal" || acts.Signing.SealPIN != "123456" || acts.Signer != nil || acts.Mail != nil {
		t.Errorf("activities: %q issuers %v seal %q/%q signer %v mail %v", acts.OrgName, acts.Issuers,
			acts.Signing.SealCredential, acts.Signing.SealPIN, acts.Signer, acts.Mail)
	}
	if err := a.SetSigner("http://127.0.0.1:1", "t"); err == nil {
		t.Error("SetSigner after the activities were built succeeded")
	}
	if _, err := a.NewWorker(); err == nil {
		t.Error("a worker without Temporal")
	}
	a.Close()

	b, err := New(ctx, Config{DatabaseURL: db, SealCredential: "seal-2", SignerURL: "http://signer.invalid"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	acts, err = b.Activities()
	if err != nil {
		t.Fatal(err)
	}
	// The configured seal replaces the organization's wherever it is used, the
	// ministry's results too; the Cục keeps its own.
	if b.Migrated != 0 || acts.Signing.SealCredential != "seal-2" || acts.Issuers["G09"].SealCredential != "seal-2" ||
		acts.Issuers["CVTLT"].SealCredential != "CVTLT-seal" || acts.Signer == nil ||
		acts.Signing.TSAURL != "http://signer.invalid/tsa" {
		t.Errorf("second New: %d migrations, seal %q, signer %v, TSA %q", b.Migrated, acts.Signing.SealCredential,
			acts.Signer != nil, acts.Signing.TSAURL)
	}
	// The HTTP layer signs reports with the same renderer and signature service.
	rs, err := b.reportSigning()
	if err != nil || rs.Signer != acts.Signer || rs.Renderer != acts.Renderer || rs.TSAURL != acts.Signing.TSAURL || rs.Place == "" {
		t.Errorf("report signing: %+v %v", rs, err)
	}
}

// TestAnUnreachableDatabaseIsOneLineWithoutThePassword.
func TestAnUnreachableDatabaseIsOneLineWithoutThePassword(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = New(context.Background(), Config{DatabaseURL: fmt.Sprintf("postgres://motcua:secret@127.0.0.1:%d/motcua?connect_timeout=2", port)})
	if err == nil {
		t.Fatal("New succeeded without a database")
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot open motcua's database") || strings.Contains(msg, "secret") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
}

// Every deciding unit of the catalog is an issuer of the organization, and every issuer
// has a seal at the development signature service whose certificate names the unit the
// demo data seeds under that code: otherwise the issuing activity refuses to seal its
// results.
func TestEveryIssuerHasItsOwnSealInTheDemo(t *testing.T) {
	units := map[string]string{}
	for _, u := range store.DemoUnits {
		units[u.Code] = u.Name
	}
	seals := map[string]service.CredentialSpec{}
	for _, c := range service.DevCredentials() {
		if c.Seal {
			seals[c.ID] = c
		}
	}
	if len(HomeAffairs.Issuers) < 2 {
		t.Fatalf("issuers %v: want the ministry and the Cục", HomeAffairs.Issuers)
	}
	// Every deciding unit of the catalog, in every version, issues its results.
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range cat.Codes() {
		for _, p := range cat.Versions(code) {
			if _, ok := HomeAffairs.Issuers[p.DecidingUnit]; !ok {
				t.Errorf("%s: the deciding unit %s has no abbreviation or seal", p.Key(), p.DecidingUnit)
			}
		}
	}
	abbreviations := map[string]string{}
	for code, iss := range HomeAffairs.Issuers {
		name, ok := units[code]
		if !ok {
			t.Errorf("issuer %s is not a demo unit", code)
		}
		c, ok := seals[iss.SealCredential]
		if !ok || c.UserID != code || !motcua.SameTitle(c.Subject.Organization, name) {
			t.Errorf("issuer %s (%s): seal %q %+v", code, name, iss.SealCredential, c)
		}
		if other, dup := abbreviations[iss.Abbreviation]; dup || iss.Abbreviation == "" {
			t.Errorf("issuer %s: abbreviation %q (also %s's)", code, iss.Abbreviation, other)
		}
		abbreviations[iss.Abbreviation] = code
	}
}
