package motcua

import (
	"testing"
	"time"
)

func TestAuthorize(t *testing.T) {
	citizen := Actor{UserID: 1, Roles: []Role{RoleCitizen}}
	clerk := Actor{UserID: 2, Roles: []Role{RoleClerk}, UnitID: 3, UnitPath: "/G09/VP/"}
	otherClerk := Actor{UserID: 3, Roles: []Role{RoleClerk}, UnitID: 4, UnitPath: "/G09/TCPCP/"}
	leader := Actor{UserID: 4, Roles: []Role{RoleLeader}, UnitID: 1, UnitPath: "/G09/"}
	admin := Actor{UserID: 5, Roles: []Role{RoleAdmin}, UnitID: 1, UnitPath: "/G09/"}
	inVP := Scope{UnitPath: "/G09/VP/"}
	// An association (account 20) with representatives 21 and 22; 31 represents a business (30).
	association := Actor{UserID: 20, Roles: []Role{RoleCitizen}, Applicant: ApplicantOrganization}
	repA := Actor{UserID: 21, Roles: []Role{RoleCitizen}, Applicant: ApplicantOrganization, Organization: "Hội", OrganizationID: 20}
	repB := Actor{UserID: 22, Roles: []Role{RoleCitizen}, Applicant: ApplicantOrganization, Organization: "Hội", OrganizationID: 20}
	formerB := Actor{UserID: 22, Roles: []Role{RoleCitizen}}
	formerA := Actor{UserID: 21, Roles: []Role{RoleCitizen}}
	business := Actor{UserID: 31, Roles: []Role{RoleCitizen}, Applicant: ApplicantOrganization, Organization: "Công ty", OrganizationID: 30}
	filedByA := Scope{OwnerID: 21, OrganizationID: 20}
	tests := []struct {
		name  string
		actor Actor
		perm  Permission
		scope Scope
		want  string
	}{
		{"citizen submits", citizen, PermSubmitDossier, Scope{}, ""},
		{"citizen reads own dossier", citizen, PermReadOwnDossier, Scope{OwnerID: 1}, ""},
		{"citizen reads another's dossier: not found", citizen, PermReadOwnDossier, Scope{OwnerID: 9}, ENOTFOUND},
		{"representative reads what they filed for the organization", repA, PermReadOwnDossier, filedByA, ""},
		{"another representative reads the organization's dossier", repB, PermReadOwnDossier, filedByA, ""},
		{"the organization's account reads its dossier", association, PermReadOwnDossier, filedByA, ""},
		{"a former representative: not found", formerB, PermReadOwnDossier, filedByA, ENOTFOUND},
		{"a former representative who filed it: not found", formerA, PermReadOwnDossier, filedByA, ENOTFOUND},
		{"another organization's representative: not found", business, PermReadOwnDossier, filedByA, ENOTFOUND},
		{"a citizen and an organization's dossier: not found", citizen, PermReadOwnDossier, filedByA, ENOTFOUND},
		{"a representative and their own dossier as a person", repA, PermReadOwnDossier, Scope{OwnerID: 21}, ""},
		{"the organization and its representative's own dossier: not found", association, PermReadOwnDossier, Scope{OwnerID: 21}, ENOTFOUND},
		{"citizen calls clerk endpoint: forbidden", citizen, PermActOnDossier, inVP, EFORBIDDEN},
		{"clerk acts in own unit", clerk, PermActOnDossier, inVP, ""},
		{"clerk acts in sub-unit", clerk, PermActOnDossier, Scope{UnitPath: "/G09/VP/MC/"}, ""},
		{"clerk of another unit: forbidden", otherClerk, PermActOnDossier, inVP, EFORBIDDEN},
		{"unit path prefix is not a parent", clerk, PermActOnDossier, Scope{UnitPath: "/G09/VPX/"}, EFORBIDDEN},
		{"clerk cannot sign", clerk, PermSign, inVP, EFORBIDDEN},
		{"leader of the ministry signs for a department", leader, PermSign, inVP, ""},
		{"leader cannot act as clerk", leader, PermActOnDossier, inVP, EFORBIDDEN},
		{"admin administers", admin, PermAdminister, Scope{}, ""},
		{"clerk cannot administer", clerk, PermAdminister, Scope{}, EFORBIDDEN},
		{"no roles", Actor{UserID: 7}, PermReadStats, Scope{}, EFORBIDDEN},
		{"unknown permission", admin, Permission("x"), Scope{}, EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.actor, tt.perm, tt.scope)
			if got := ErrorCode(err); got != tt.want {
				t.Fatalf("Authorize = %v (code %q), want code %q", err, got, tt.want)
			}
			if err != nil && ErrorMessage(err) == "" {
				t.Fatal("a refusal must carry a message")
			}
		})
	}
}

func TestDossierCodeRoundTrip(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	code := NewDossierCode("000.00.00.G09", time.Date(2025, 11, 20, 9, 0, 0, 0, loc), 12)
	if code != "000.00.00.G09-251120-0012" {
		t.Fatalf("code = %q", code)
	}
	agency, day, seq, err := ParseDossierCode(string(code))
	if err != nil || agency != "000.00.00.G09" || seq != 12 || day.Format("2006-01-02") != "2025-11-20" {
		t.Fatalf("parse = %q %v %d %v", agency, day, seq, err)
	}
	for _, bad := range []string{"", "G09-2511-0001", "G09-251320-0001", "G09 251120 0001", "x-251120-1"} {
		if _, _, _, err := ParseDossierCode(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseDossierCode(%q) err = %v, want invalid", bad, err)
		}
	}
}

func TestEveryStatusMapsToAPortalCode(t *testing.T) {
	for _, s := range Statuses {
		if p := s.Portal(); p < 1 || p > 10 {
			t.Errorf("%s maps to portal status %d", s, p)
		}
		if s.Label() == string(s) {
			t.Errorf("%s has no Vietnamese label", s)
		}
	}
}
