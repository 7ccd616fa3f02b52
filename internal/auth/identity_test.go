package auth

import (
	"testing"

	"motcua"
)

// TestIdentityFromClaims: the one place the provider's claims become an applicant.
func TestIdentityFromClaims(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims map[string]any
		want   Identity
		bad    bool
	}{
		{"citizen through VNeID", map[string]any{"account_type": "citizen", "citizen_id": "001090012345", "name": "Trần Văn Minh", "idp": "vneid", "acr": "2"},
			Identity{Kind: motcua.ApplicantCitizen, IDNumber: "001090012345", Name: "Trần Văn Minh", VNeID: true, Level: "2"}, false},
		{"citizen, another provider", map[string]any{"citizen_id": "001090012345", "preferred_username": "minh", "idp": "keycloak"},
			Identity{Kind: motcua.ApplicantCitizen, IDNumber: "001090012345", Name: "minh"}, false},
		{"no account type, no ID number: a citizen", map[string]any{"name": "A"},
			Identity{Kind: motcua.ApplicantCitizen, Name: "A"}, false},
		{"citizen with an 11-digit number", map[string]any{"account_type": "citizen", "citizen_id": "00109001234"}, Identity{}, true},
		{"citizen without a number", map[string]any{"account_type": "citizen"}, Identity{}, true},
		{"ID number not a string", map[string]any{"account_type": "citizen", "citizen_id": 1090012345}, Identity{}, true},
		{"business by tax code", map[string]any{"account_type": "business", "tax_code": "0100109106", "name": "Công ty X", "idp": "VNeID"},
			Identity{Kind: motcua.ApplicantOrganization, TaxCode: "0100109106", Name: "Công ty X", VNeID: true}, false},
		{"branch by 13-digit tax code", map[string]any{"account_type": "business", "tax_code": "0100109106-001"},
			Identity{Kind: motcua.ApplicantOrganization, TaxCode: "0100109106001"}, false},
		{"business with a bad tax code", map[string]any{"account_type": "business", "tax_code": "12345"}, Identity{}, true},
		{"association by identifier", map[string]any{"account_type": "organization", "organization_id": "HOI-0001"},
			Identity{Kind: motcua.ApplicantOrganization, OrgIdentifier: "HOI-0001"}, false},
		{"agency by identifier", map[string]any{"account_type": "agency", "organization_id": "000.00.00.H26"},
			Identity{Kind: motcua.ApplicantAgency, OrgIdentifier: "000.00.00.H26"}, false},
		{"agency without identifier", map[string]any{"account_type": "agency"}, Identity{}, true},
		{"unknown account type", map[string]any{"account_type": "robot"}, Identity{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IdentityFromClaims(tc.claims)
			if tc.bad {
				if err == nil || motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
					t.Fatalf("accepted %v as %+v (err %v)", tc.claims, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
