package temporalauth

import (
	"crypto/x509/pkix"
	"reflect"
	"testing"

	"go.temporal.io/server/common/authorization"
)

func TestMapperGivesEachIdentityItsRoleAndOthersNone(t *testing.T) {
	m := Mapper{Namespaces: []string{"motcua", "default"}, Cluster: "temporal"}
	w, r := authorization.RoleWriter, authorization.RoleReader
	for _, c := range []struct {
		name       string
		info       *authorization.AuthInfo
		system     authorization.Role
		namespaces map[string]authorization.Role
	}{
		{"api", subject("motcua-api"), 0, map[string]authorization.Role{"motcua": w, "default": w}},
		{"worker", subject("motcua-worker"), 0, map[string]authorization.Role{"motcua": w, "default": w}},
		{"ui", subject("temporal-ui"), r, map[string]authorization.Role{"motcua": r, "default": r}},
		{"admin", subject("temporal-admin"), authorization.RoleAdmin, nil},
		{"cluster", subject("temporal"), authorization.RoleAdmin, nil},
		{"intruder", subject("intruder"), 0, nil},
		{"case differs", subject("Motcua-API"), 0, nil},
		{"name in organization only", &authorization.AuthInfo{TLSSubject: &pkix.Name{Organization: []string{"motcua-api"}}}, 0, nil},
		{"empty name", subject(""), 0, nil},
		{"no certificate", &authorization.AuthInfo{}, 0, nil},
		{"token only", &authorization.AuthInfo{AuthToken: "Bearer motcua-api"}, 0, nil},
		{"nil", nil, 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := m.GetClaims(c.info)
			if err != nil {
				t.Fatal(err)
			}
			if got.System != c.system {
				t.Errorf("system role %v, want %v", got.System, c.system)
			}
			if len(got.Namespaces) != 0 || len(c.namespaces) != 0 {
				if !reflect.DeepEqual(got.Namespaces, c.namespaces) {
					t.Errorf("namespace roles %v, want %v", got.Namespaces, c.namespaces)
				}
			}
		})
	}
}

// TestMapperWithoutClusterNameGivesEmptyNameNothing: an unset Cluster must not make a
// certificate without a common name an administrator.
func TestMapperWithoutClusterNameGivesEmptyNameNothing(t *testing.T) {
	got, _ := Mapper{Namespaces: []string{"motcua"}}.GetClaims(subject(""))
	if got.System != 0 || len(got.Namespaces) != 0 {
		t.Errorf("claims %+v, want none", got)
	}
}

func subject(cn string) *authorization.AuthInfo {
	return &authorization.AuthInfo{TLSSubject: &pkix.Name{CommonName: cn}}
}
