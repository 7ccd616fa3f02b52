package dossiers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// DeskRequest is a dossier a one-stop clerk registers for an applicant who came to the
// desk or sent the papers by post: the applicant (found by ID number, or created with
// the name given), the e-form filled on their behalf, with the paper components scanned
// and uploaded by the clerk (every such file is marked digitized).
type DeskRequest struct {
	Procedure string          `json:"procedure"`
	Channel   motcua.Channel  `json:"channel"` // desk or post
	Applicant store.Applicant `json:"applicant"`
	FormData  json.RawMessage `json:"formData"`
	// Copies lists the components whose paper was a copy (bản sao), not the original.
	Copies []string `json:"copies,omitempty"`
	// PopulationLookup is the audit row of the clerk's lookup of the applicant in the
	// population database (DeskApplicant.LookupID), if one was made: the registered
	// dossier is named on it.
	PopulationLookup int64 `json:"populationLookup,omitempty"`
}

// RegisterAtDesk checks and stores a desk or postal dossier and starts the same
// workflow as an online one; key (the page's token) makes a repeated post the same
// dossier.
func (s *Service) RegisterAtDesk(ctx context.Context, clerk motcua.Actor, key string, req DeskRequest) (SubmitResult, bool, error) {
	if !clerk.Has(motcua.RoleClerk) {
		return SubmitResult{}, false, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ cán bộ một cửa mới tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính.")
	}
	if req.Channel != motcua.ChannelDesk && req.Channel != motcua.ChannelPost {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "channel",
			Message: "Hình thức tiếp nhận tại Bộ phận Một cửa là «trực tiếp» hoặc «bưu chính»."}
	}
	if len(key) > 255 {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "Idempotency-Key",
			Message: "Khóa Idempotency-Key dài quá 255 ký tự."}
	}
	now := s.Now()
	p, err := s.Catalog.At(strings.TrimSpace(req.Procedure), now)
	if err != nil {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "procedure",
			Message: "Thủ tục không có trong danh mục hoặc chưa (hoặc không còn) được áp dụng.", Err: err}
	}
	applicant, applicantID, err := s.applicant(ctx, req.Applicant)
	if err != nil {
		return SubmitResult{}, false, err
	}
	data, errs := p.Validate(req.FormData)
	if len(errs) > 0 {
		return SubmitResult{}, false, invalidForm(errs)
	}
	normalized, err := json.Marshal(data)
	if err != nil {
		return SubmitResult{}, false, err
	}
	files := fileRefs(p.Form, data)
	for i := range files {
		files[i].Digitized = true
		files[i].Copy = slices.Contains(req.Copies, files[i].Component)
	}
	copies, _ := json.Marshal(req.Copies)
	hash := sha256.Sum256(append(fmt.Appendf(nil, "desk\x00%s\x00%s\x00%s\x00%s\x00", p.Code, req.Channel, applicant.IDNumber, copies), normalized...))
	if key != "" {
		if res, ok, err := s.repeated(ctx, clerk, key, hash[:]); ok || err != nil {
			return res, ok, err
		}
	}
	if err := s.checkFiles(ctx, clerk, p, files); err != nil {
		return SubmitResult{}, false, err
	}
	agency, err := s.Store.UnitByCode(ctx, p.ReceivingUnit)
	if err != nil {
		return SubmitResult{}, false, err
	}
	sub := store.Submission{ApplicantID: applicantID, NewApplicant: &applicant, UnitCode: p.ReceivingUnit,
		ProcedureCode: p.Code, ProcedureVersion: p.Version, Channel: req.Channel, RegisteredBy: clerk.UserID,
		FormData: normalized, Files: files, SubmittedAt: now}
	// The idempotency key is the clerk's: SubmitOnce claims it under sub.ApplicantID.
	code, prev, err := s.Store.SubmitOnceAs(ctx, clerk.UserID, key, hash[:], agency.Agency, sub)
	if err != nil {
		return SubmitResult{}, false, err
	}
	if prev != nil {
		if !bytes.Equal(prev.RequestHash, hash[:]) || prev.DossierCode == "" {
			return SubmitResult{}, false, errKeyReused
		}
		s.namePopulationLookup(ctx, clerk, req.PopulationLookup, applicant.IDNumber, prev.DossierCode)
		var r SubmitResult
		if len(prev.Response) > 0 && json.Unmarshal(prev.Response, &r) == nil {
			return r, true, nil
		}
		code = prev.DossierCode
	} else {
		s.namePopulationLookup(ctx, clerk, req.PopulationLookup, applicant.IDNumber, code)
	}
	res, _, err := s.started(ctx, clerk, key, code, p)
	if err == nil {
		res.Links["page"] = "/can-bo/ho-so/" + string(code)
	}
	return res, false, err
}

// applicant checks the applicant of a desk or portal dossier and finds their account
// (id 0: to be created with the submission).
func (s *Service) applicant(ctx context.Context, a store.Applicant) (store.Applicant, int64, error) {
	a.IDNumber, a.Name = strings.TrimSpace(a.IDNumber), strings.TrimSpace(a.Name)
	a.Phone, a.Email = strings.TrimSpace(a.Phone), strings.TrimSpace(a.Email)
	if !validID(a.IDNumber) {
		return a, 0, &motcua.Error{Code: motcua.EINVALID, Field: "applicant.idNumber",
			Message: "Số định danh cá nhân của người nộp phải gồm đúng 12 chữ số, như trên căn cước."}
	}
	u, ok, err := s.Store.ApplicantByIDNumber(ctx, a.IDNumber)
	if err != nil {
		return a, 0, err
	}
	if ok {
		if a.Name == "" {
			a.Name = u.Name
		}
		return a, u.ID, nil
	}
	if a.Name == "" || utf8.RuneCountInString(a.Name) > 200 {
		return a, 0, &motcua.Error{Code: motcua.EINVALID, Field: "applicant.name",
			Message: "Chưa có người nộp với số định danh này: hãy nhập họ và tên (tối đa 200 ký tự) để tạo mới."}
	}
	if utf8.RuneCountInString(a.Phone) > 30 || utf8.RuneCountInString(a.Email) > 200 {
		return a, 0, &motcua.Error{Code: motcua.EINVALID, Field: "applicant",
			Message: "Số điện thoại hoặc thư điện tử của người nộp dài quá mức cho phép."}
	}
	return a, 0, nil
}

func validID(v string) bool {
	if len(v) != 12 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ComponentsOf lists a procedure's components, for the desk page's "copy" choices.
func (s *Service) ComponentsOf(p *forms.Procedure) []forms.Component { return p.Components }
