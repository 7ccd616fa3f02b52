package auth_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/auth"
	"motcua/internal/auth/oidctest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

func TestOIDCTokens(t *testing.T) {
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	iss := oidctest.New("motcua")
	defer iss.Close()
	// A member of staff whose SSO subject an administrator has linked.
	if _, err := st.CreateUser(ctx, store.User{Username: "canbo2", Name: "Vũ Thị Lan", Roles: []motcua.Role{motcua.RoleClerk},
		OIDCIssuer: iss.URL(), OIDCSubject: "staff-42"}, "VP"); err != nil {
		t.Fatal(err)
	}
	o, err := auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: iss.URL(), ClientID: "motcua", ProvisionCitizens: true}, st)
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: st}
	chain := auth.Chain{sessions, o}

	tests := []struct {
		name      string
		token     string
		wantCode  string
		wantName  string
		wantRoles []motcua.Role
	}{
		{"linked staff gets motcua's roles, not the token's", iss.IDToken("staff-42", map[string]any{"roles": []string{"admin"}}, time.Hour), "", "Vũ Thị Lan", []motcua.Role{motcua.RoleClerk}},
		{"unknown subject becomes a citizen", iss.IDToken("citizen-7", map[string]any{"name": "Hoàng Văn Nam"}, time.Hour), "", "Hoàng Văn Nam", []motcua.Role{motcua.RoleCitizen}},
		{"the same citizen again is the same account", iss.IDToken("citizen-7", nil, time.Hour), "", "Hoàng Văn Nam", []motcua.Role{motcua.RoleCitizen}},
		{"expired token", iss.IDToken("staff-42", nil, -time.Minute), motcua.EUNAUTHORIZED, "", nil},
		{"token signed by another key", iss.ForeignIDToken("staff-42"), motcua.EUNAUTHORIZED, "", nil},
		{"garbage", "not-a-token", motcua.EUNAUTHORIZED, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := chain.Authenticate(ctx, tt.token)
			if got := motcua.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("err = %v, want code %q", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if a.Name != tt.wantName || len(a.Roles) != len(tt.wantRoles) || a.Roles[0] != tt.wantRoles[0] {
				t.Fatalf("actor = %+v", a)
			}
		})
	}
}

func TestOIDCWithoutProvisioningRefusesStrangers(t *testing.T) {
	st := storetest.NewSeeded(t)
	iss := oidctest.New("motcua")
	defer iss.Close()
	o, err := auth.NewOIDC(context.Background(), auth.OIDCConfig{Issuer: iss.URL(), ClientID: "motcua"}, st)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.Authenticate(context.Background(), iss.IDToken("stranger", nil, time.Hour))
	if motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
		t.Fatalf("err = %v", err)
	}
}

func TestDevLogin(t *testing.T) {
	st := storetest.NewSeeded(t)
	s := &auth.Sessions{Store: st}
	ctx := context.Background()
	a, sess, err := s.Login(ctx, "lanhdao1", "demo", "api")
	if err != nil || !a.Has(motcua.RoleLeader) {
		t.Fatalf("login: %+v %v", a, err)
	}
	if got, err := s.Authenticate(ctx, sess.Token); err != nil || got.UserID != a.UserID {
		t.Fatalf("authenticate: %v %v", got, err)
	}
	if _, _, err := s.Login(ctx, "lanhdao1", "sai", "api"); motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
		t.Fatalf("wrong password: %v", err)
	}
}

// TestOIDCProvisionsApplicantsFromTheirClaims: through a real signed ID token, a
// citizen's account is created with the 12-digit ID number of its claims, a
// business's with its tax code, an agency's with its identifier, each of its kind;
// a token whose claims contradict its account type creates nothing.
func TestOIDCProvisionsApplicantsFromTheirClaims(t *testing.T) {
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	iss := oidctest.New("motcua")
	defer iss.Close()
	o, err := auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: iss.URL(), ClientID: "motcua", ProvisionCitizens: true}, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		subject string
		claims  map[string]any
		kind    motcua.ApplicantKind
		vneid   bool
		column  string // the users column that holds the identifier
		want    string
		refused bool
	}{
		{"vneid-citizen", map[string]any{"account_type": "citizen", "citizen_id": "001090054321", "name": "Đỗ Thị Hoa", "idp": "vneid"},
			motcua.ApplicantCitizen, true, "id_number", "001090054321", false},
		{"vneid-business", map[string]any{"account_type": "business", "tax_code": "0100109106-001", "name": "Công ty TNHH Ánh Dương"},
			motcua.ApplicantOrganization, false, "tax_code", "0100109106001", false},
		{"agency", map[string]any{"account_type": "agency", "organization_id": "000.00.00.H26", "name": "Sở Nội vụ"},
			motcua.ApplicantAgency, false, "org_identifier", "000.00.00.H26", false},
		{"bad-citizen", map[string]any{"account_type": "citizen", "citizen_id": "0010900543"}, "", false, "", "", true},
		{"bad-business", map[string]any{"account_type": "business", "tax_code": "12345"}, "", false, "", "", true},
	} {
		t.Run(tc.subject, func(t *testing.T) {
			a, err := o.Authenticate(ctx, iss.IDToken(tc.subject, tc.claims, time.Hour))
			var n int
			if qerr := st.Pool().QueryRow(ctx, `SELECT count(*) FROM users WHERE oidc_subject = $1`, tc.subject).Scan(&n); qerr != nil {
				t.Fatal(qerr)
			}
			if tc.refused {
				if motcua.ErrorCode(err) != motcua.EUNAUTHORIZED || n != 0 {
					t.Fatalf("err = %v, %d accounts; want %s and none", err, n, motcua.EUNAUTHORIZED)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Applicant != tc.kind || a.VNeID != tc.vneid || a.Name != tc.claims["name"] || n != 1 {
				t.Fatalf("actor %+v (%d accounts), want kind %q, VNeID %t", a, n, tc.kind, tc.vneid)
			}
			var got string
			if err := st.Pool().QueryRow(ctx, `SELECT coalesce(`+tc.column+`, '') FROM users WHERE id = $1`, a.UserID).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s = %q, want %q", tc.column, got, tc.want)
			}
		})
	}
}
