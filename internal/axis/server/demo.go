package server

import (
	"context"

	"motcua/internal/axis"
)

// DemoSecret is the development secret of the demo agencies, printed in the banner of
// `motcua run` and `motcua axis`. It is a development credential only.
const DemoSecret = "truc-thu-nghiem"

// DemoAgencies are the agencies the development axis knows from its first start: the
// Ministry of Home Affairs (motcua's own agency) and two test agencies, so that a second
// motcua instance has someone to exchange with. The test agencies' identifiers use the
// letter T, which QĐ 20/2020/QĐ-TTg gives to no real agency.
func DemoAgencies() []axis.Agency {
	return []axis.Agency{
		{ID: "000.00.00.G09", Name: "Bộ Nội vụ"},
		{ID: "000.00.00.T01", Name: "Cơ quan thử nghiệm 1"},
		{ID: "000.00.00.T02", Name: "Cơ quan thử nghiệm 2"},
	}
}

// EnsureAgencies creates (or renames, and sets the secret of) each agency with secret.
func (s *Server) EnsureAgencies(ctx context.Context, agencies []axis.Agency, secret string) error {
	for _, a := range agencies {
		if err := s.EnsureAgency(ctx, a, secret); err != nil {
			return err
		}
	}
	return nil
}
