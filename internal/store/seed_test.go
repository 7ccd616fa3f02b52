package store_test

import (
	"context"
	"testing"

	"motcua"
	"motcua/internal/store/storetest"
)

// TestTheDemoSeedsEachKindOfApplicant (issue 12): the demo seeds two citizens, an
// association, a business known by its tax code and an agency, each organization with
// its own account and an authorized representative who applies as it; seeding again
// adds nobody.
func TestTheDemoSeedsEachKindOfApplicant(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatalf("seeding twice: %v", err)
	}
	rows, err := s.Pool().Query(ctx, `SELECT u.username, u.name, COALESCE(u.applicant_kind, 'citizen'),
			COALESCE(u.id_number, ''), COALESCE(u.tax_code, ''), COALESCE(u.org_identifier, ''),
			COALESCE((SELECT array_agg(r.username ORDER BY r.username) FROM users r WHERE r.represents = u.id), '{}')
		FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = 'citizen'
		WHERE u.represents IS NULL ORDER BY u.username`)
	if err != nil {
		t.Fatal(err)
	}
	type applicant struct {
		username, name, kind, idNumber, taxCode, orgID string
		representatives                                []string
	}
	var citizens []applicant
	var association, business, agency *applicant
	for rows.Next() {
		var a applicant
		if err := rows.Scan(&a.username, &a.name, &a.kind, &a.idNumber, &a.taxCode, &a.orgID, &a.representatives); err != nil {
			t.Fatal(err)
		}
		switch {
		case a.kind == string(motcua.ApplicantCitizen):
			citizens = append(citizens, a)
		case a.kind == string(motcua.ApplicantAgency) && a.orgID != "":
			agency = &a
		case a.kind == string(motcua.ApplicantOrganization) && a.taxCode != "":
			business = &a
		case a.kind == string(motcua.ApplicantOrganization) && a.orgID != "":
			association = &a
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	if len(citizens) != 2 {
		t.Errorf("the demo seeds %d citizens, want two: %+v", len(citizens), citizens)
	}
	for _, c := range citizens {
		if len(c.idNumber) != 12 {
			t.Errorf("citizen %s has no personal ID number: %q", c.username, c.idNumber)
		}
	}
	if business != nil {
		if _, err := motcua.NormalizeTaxCode(business.taxCode); err != nil {
			t.Errorf("the business %s has no valid tax code: %q (%v)", business.username, business.taxCode, err)
		}
	}
	for _, org := range []struct {
		what string
		a    *applicant
		kind motcua.ApplicantKind
	}{{"association", association, motcua.ApplicantOrganization}, {"business", business, motcua.ApplicantOrganization},
		{"agency", agency, motcua.ApplicantAgency}} {
		if org.a == nil {
			t.Errorf("the demo seeds no %s", org.what)
			continue
		}
		if len(org.a.representatives) == 0 {
			t.Errorf("the %s %s has no authorized representative", org.what, org.a.username)
			continue
		}
		for _, r := range append([]string{org.a.username}, org.a.representatives...) {
			actor, err := s.ActorByUsername(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if actor.ApplicantKind() != org.kind {
				t.Errorf("%s applies as %q, want %q (the %s)", r, actor.ApplicantKind(), org.kind, org.what)
			}
			if r != org.a.username && actor.Organization != org.a.name {
				t.Errorf("representative %s applies for %q, want %q", r, actor.Organization, org.a.name)
			}
		}
	}
}
