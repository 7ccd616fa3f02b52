// Package temporalauth says who may do what on the Temporal frontend, by the identity of
// the client certificate the frontend verified: motcua's API and workers write in
// motcua's namespaces, the Temporal UI reads, operators administer, and nobody else
// gets any role. It is the claim mapper of Temporal's default authorizer
// (authorization.NewDefaultAuthorizer), run by `motcua temporal` (deploy/README.md).
package temporalauth

import (
	"go.temporal.io/server/common/authorization"
)

// The client identities the Temporal CA issues (the certificates' common names).
const (
	API    = "motcua-api"
	Worker = "motcua-worker"
	UI     = "temporal-ui"
	Admin  = "temporal-admin"
)

// Mapper maps a verified client certificate's common name to Temporal claims.
type Mapper struct {
	// Namespaces are motcua's namespaces: API and Worker write in them, UI reads them.
	Namespaces []string
	// Cluster is the common name of the cluster's own certificate, which the server's
	// system workers present to the frontend: it administers the cluster, as Admin
	// does. Empty: no such identity.
	Cluster string
}

var (
	_ authorization.ClaimMapper                     = Mapper{}
	_ authorization.ClaimMapperWithAuthInfoRequired = Mapper{}
)

// GetClaims gives the roles of the certificate's subject; a call without a verified
// certificate, or with one of a name not listed, gets no role at all (the default
// authorizer then refuses every call but the health check).
func (m Mapper) GetClaims(info *authorization.AuthInfo) (*authorization.Claims, error) {
	claims := &authorization.Claims{AuthType: "mtls"}
	if info == nil || info.TLSSubject == nil {
		return claims, nil
	}
	cn := info.TLSSubject.CommonName
	claims.Subject = cn
	namespaces := func(r authorization.Role) map[string]authorization.Role {
		roles := make(map[string]authorization.Role, len(m.Namespaces))
		for _, ns := range m.Namespaces {
			roles[ns] = r
		}
		return roles
	}
	switch {
	case cn == "":
	case cn == API, cn == Worker:
		claims.Namespaces = namespaces(authorization.RoleWriter)
	case cn == UI:
		// The UI reads: its namespaces, and the cluster-wide calls its pages make
		// (ListNamespaces, GetClusterInfo), which need a system role.
		claims.System = authorization.RoleReader
		claims.Namespaces = namespaces(authorization.RoleReader)
	case cn == Admin, cn == m.Cluster:
		claims.System = authorization.RoleAdmin
	}
	return claims, nil
}

// AuthInfoRequired is true: a call without a certificate or token is not mapped and
// gets no claims.
func (Mapper) AuthInfoRequired() bool { return true }
