package dossiers

import (
	"context"

	"motcua"
	"motcua/internal/population"
)

// PopulationLookups is the population database as the service asks it
// (population.Lookups): every question checked, audited and bounded there.
type PopulationLookups interface {
	Lookup(ctx context.Context, req population.Request) (population.Answer, error)
}

// DeskApplicant is the answer of the desk's "find the applicant by ID number" step:
// either motcua's own account with that number (no lookup made), or what the
// population database says of the person.
type DeskApplicant struct {
	// Account is set when motcua has an account with the number: the dossier is
	// registered for it, and the population database was not asked.
	Account bool
	Name    string // the account's name, when Account
	// Person is the population database's answer, and LookupID its audit row, which
	// the registration names the dossier on (DeskRequest.PopulationLookup).
	Person   population.Person
	LookupID int64
}

// deskLookupReasons are the reasons the desk's lookups record, fixed by the channel:
// the clerk does not type one, the page's purpose is the reason.
var deskLookupReasons = map[motcua.Channel]string{
	motcua.ChannelDesk: "Tiếp nhận hồ sơ trực tiếp",
	motcua.ChannelPost: "Tiếp nhận hồ sơ qua bưu chính",
}

// CanLookUpPopulation reports whether the population database is connected, so that
// the desk page offers to ask it.
func (s *Service) CanLookUpPopulation() bool { return s.Population != nil }

// FindDeskApplicant finds the applicant of a desk or postal dossier by personal ID
// number: motcua's account with that number if there is one; otherwise the one-stop
// clerk asks the population database, with the reason the channel fixes, and the
// lookup's audit row names the clerk, the number and the reason. Only a one-stop
// clerk may ask. ENOTFOUND: the database does not know the number; EUNAVAILABLE: it
// is not connected or did not answer in time. Either way the clerk types the details.
func (s *Service) FindDeskApplicant(ctx context.Context, clerk motcua.Actor, channel motcua.Channel, idNumber string) (DeskApplicant, error) {
	if !clerk.Has(motcua.RoleClerk) {
		return DeskApplicant{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ cán bộ một cửa mới tra cứu người nộp khi tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính.")
	}
	reason, ok := deskLookupReasons[channel]
	if !ok {
		return DeskApplicant{}, &motcua.Error{Code: motcua.EINVALID, Field: "channel",
			Message: "Hình thức tiếp nhận tại Bộ phận Một cửa là «trực tiếp» hoặc «bưu chính»."}
	}
	if !validID(idNumber) {
		return DeskApplicant{}, &motcua.Error{Code: motcua.EINVALID, Field: "applicant.idNumber",
			Message: "Số định danh cá nhân của người nộp phải gồm đúng 12 chữ số, như trên căn cước."}
	}
	u, ok, err := s.Store.ApplicantByIDNumber(ctx, idNumber)
	if err != nil {
		return DeskApplicant{}, err
	}
	if ok {
		return DeskApplicant{Account: true, Name: u.Name}, nil
	}
	if s.Population == nil {
		return DeskApplicant{}, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống chưa được kết nối với Cơ sở dữ liệu quốc gia về dân cư: hãy nhập thông tin người nộp theo giấy tờ.")
	}
	ans, err := s.Population.Lookup(ctx, population.Request{Actor: clerk, IDNumber: idNumber, Reason: reason})
	if err != nil {
		return DeskApplicant{LookupID: ans.LookupID}, err
	}
	return DeskApplicant{Person: ans.Person, LookupID: ans.LookupID}, nil
}

// namePopulationLookup names the dossier a desk lookup served on its audit row; a
// failure is logged, not returned: the dossier is registered either way.
func (s *Service) namePopulationLookup(ctx context.Context, clerk motcua.Actor, lookup int64, idNumber string, code motcua.DossierCode) {
	if lookup == 0 {
		return
	}
	if _, err := s.Store.NamePopulationLookupDossier(ctx, lookup, clerk.UserID, idNumber, string(code)); err != nil {
		s.Log.WarnContext(ctx, "name the dossier of a population lookup", "lookup", lookup, "dossier", code, "err", err)
	}
}
