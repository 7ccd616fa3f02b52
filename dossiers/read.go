package dossiers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"motcua"
	"motcua/internal/render"
	"motcua/internal/store"
	"motcua/workflows"
)

// DossierDetail is a dossier as its applicant or a member of staff sees it.
type DossierDetail struct {
	// ExternalConsultations are the agencies outside the ministry asked for an opinion
	// through the document axis, with their replies (staff only).
	ExternalConsultations []ExternalConsultation `json:"externalConsultations,omitempty"`
	Code                  motcua.DossierCode     `json:"code"`
	Procedure             string                 `json:"procedure"`
	ProcedureName         string                 `json:"procedureName"`
	ProcedureVersion      int                    `json:"procedureVersion"`
	Status                motcua.Status          `json:"status"`
	StatusLabel           string                 `json:"statusLabel"`
	PortalStatus          int                    `json:"portalStatus"`
	SubmittedAt           time.Time              `json:"submittedAt"`
	Channel               motcua.Channel         `json:"channel"`
	ChannelLabel          string                 `json:"channelLabel"`
	ReceivedAt            *time.Time             `json:"receivedAt,omitempty"`
	DueAt                 *time.Time             `json:"dueAt,omitempty"`
	FinishedAt            *time.Time             `json:"finishedAt,omitempty"`
	HolderUnit            string                 `json:"holderUnit,omitempty"`
	Step                  string                 `json:"step,omitempty"`
	Expected              string                 `json:"expected,omitempty"` // what the applicant must do now
	SupplementUntil       *time.Time             `json:"supplementUntil,omitempty"`
	Missing               []string               `json:"missing,omitempty"`
	History               []store.Event          `json:"history"`
	Documents             []store.DocumentInfo   `json:"documents"`
	Files                 []store.File           `json:"files"`
	ControlSheet          []store.HandoverRow    `json:"controlSheet,omitempty"`
	FormData              json.RawMessage        `json:"formData,omitempty"`
	// Applicant is who the dossier is for: the person, or the organization it was filed
	// for, with its tax code or identifier (ApplicantIdentifier); FiledBy then names who
	// filed it for the organization (a representative), "" when its own account did.
	Applicant           string `json:"applicant,omitempty"`
	ApplicantIdentifier string `json:"applicantIdentifier,omitempty"`
	FiledBy             string `json:"filedBy,omitempty"`
	// Allowed are the decisions the reader may take now (staff only): the domain's rules
	// over the records, the same the workflow's validators apply to its state.
	Allowed []string `json:"allowed,omitempty"`

	// What the pages need and the API does not show.
	ID             int64  `json:"-"`
	ApplicantID    int64  `json:"-"`
	OrganizationID int64  `json:"-"` // the organization it was filed for, 0 for none
	HolderUnitPath string `json:"-"` // the unit holding the dossier now
	// WorkDue is when its open work falls due, as the inbox buckets it (nil: none open).
	WorkDue *time.Time `json:"-"`
}

// FollowedBy reports whether a follows the dossier as its applicant (see ActsAsApplicant).
func (d DossierDetail) FollowedBy(a motcua.Actor) bool {
	return ActsAsApplicant(a, d.ApplicantID, d.OrganizationID)
}

// ActsAsApplicant reports whether a reads and follows a dossier filed by applicantID for
// the organization organizationID (0: for themself) as its applicant, not as staff: the
// filer of a person's own dossier; the organization's account or any of its current
// representatives for an organization's (motcua.Actor.ActsFor, which Authorize's
// PermReadOwnDossier applies too).
func ActsAsApplicant(a motcua.Actor, applicantID, organizationID int64) bool {
	return !IsStaff(a) && a.ActsFor(applicantID, organizationID)
}

// MayRead decides who reads a dossier: its applicant (ActsAsApplicant), and staff whose
// scope covers a unit that received or handled it. Anyone else is told it does not exist.
func (s *Service) mayRead(ctx context.Context, a motcua.Actor, v store.DossierAccess) bool {
	if ActsAsApplicant(a, v.ApplicantID, v.OrganizationID) || (v.OrganizationID == 0 && v.ApplicantID == a.UserID) {
		return true
	}
	if !IsStaff(a) {
		return false
	}
	if motcua.Authorize(a, motcua.PermReadUnitWork, motcua.Scope{UnitPath: v.UnitPath}) == nil ||
		(v.HolderUnitPath != "" && motcua.Authorize(a, motcua.PermReadUnitWork, motcua.Scope{UnitPath: v.HolderUnitPath}) == nil) {
		return true
	}
	// A substitute reads the dossiers of the colleague they stand in for now.
	if h, err := s.Store.SubstitutedHolder(ctx, v.ID, a.UserID, s.Now()); err != nil {
		s.Log.ErrorContext(ctx, "check who may read a dossier", "code", v.Code, "err", err)
	} else if h != 0 {
		return true
	}
	// A unit the dossier was handed to, or asked for its opinion (a task), reads it.
	ok, err := s.Store.UnitReached(ctx, v.ID, a.UnitPath)
	if err != nil {
		s.Log.ErrorContext(ctx, "check who may read a dossier", "code", v.Code, "err", err)
	}
	return ok
}

func notFound(code motcua.DossierCode) error {
	return &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy hồ sơ " + string(code) + "."}
}

// readable checks, from PostgreSQL alone (one row), that a may read the dossier.
func (s *Service) readable(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.DossierAccess, error) {
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		return store.DossierAccess{}, err
	}
	acc, err := s.Store.DossierAccess(ctx, code)
	if err != nil {
		return store.DossierAccess{}, err
	}
	if !s.mayRead(ctx, a, acc) {
		return store.DossierAccess{}, notFound(code)
	}
	return acc, nil
}

// view reads the whole dossier for a, who must be allowed to read it.
func (s *Service) view(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.DossierView, error) {
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		return store.DossierView{}, err
	}
	v, err := s.Store.DossierView(ctx, code)
	if err != nil {
		return store.DossierView{}, err
	}
	if !s.mayRead(ctx, a, store.DossierAccess{ID: v.ID, Code: v.Code, ApplicantID: v.ApplicantID, OrganizationID: v.Organization.ID,
		Status: v.Status, UnitPath: v.UnitPath, HolderUnitPath: v.HolderUnitPath}) {
		return store.DossierView{}, notFound(code)
	}
	return v, nil
}

// Dossier reads a dossier for a. Staff also get the decisions they may take now
// (Allowed), from the records: nothing asks the workflow.
func (s *Service) Dossier(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (DossierDetail, error) {
	v, err := s.view(ctx, a, code)
	if err != nil {
		return DossierDetail{}, err
	}
	d := DossierDetail{Code: v.Code, Procedure: v.ProcedureCode, ProcedureName: v.ProcedureName, ProcedureVersion: v.ProcedureVersion,
		Status: v.Status, StatusLabel: v.Status.Label(), PortalStatus: int(v.Status.Portal()), SubmittedAt: v.SubmittedAt,
		ReceivedAt: v.ReceivedAt, DueAt: v.DueAt, WorkDue: v.WorkDue, FinishedAt: v.FinishedAt, HolderUnit: v.HolderUnitName, Step: v.Step,
		History: v.Events, Documents: v.Documents, Files: v.Files, FormData: v.FormData, Applicant: v.ApplicantName,
		ID: v.ID, ApplicantID: v.ApplicantID, OrganizationID: v.Organization.ID, HolderUnitPath: v.HolderUnitPath}
	if v.Organization.ID != 0 {
		d.Applicant, d.ApplicantIdentifier = v.Organization.Name, v.Organization.IdentifierLabel()
		if v.ApplicantID != v.Organization.ID {
			d.FiledBy = v.ApplicantName
		}
	}
	d.Channel = motcua.ChannelOf(v.Channel, v.Online)
	d.ChannelLabel = d.Channel.Label()
	if d.History == nil {
		d.History = []store.Event{}
	}
	applicant := ActsAsApplicant(a, v.ApplicantID, v.Organization.ID)
	if applicant {
		d.History = forApplicant(d.History)
		// Who held the work inside the agency is the agency's own record.
		for i := range d.History {
			d.History[i].HolderName = ""
		}
		shown := d.Documents[:0:0]
		for _, doc := range d.Documents {
			if applicantMaySee(doc.Kind, doc.Number, v.Status) {
				shown = append(shown, doc)
			}
		}
		d.Documents = shown
	}
	if IsStaff(a) {
		if d.ExternalConsultations, err = s.externalConsultations(ctx, v); err != nil {
			return DossierDetail{}, err
		}
	}
	if d.Documents == nil {
		d.Documents = []store.DocumentInfo{}
	}
	if d.Files == nil {
		d.Files = []store.File{}
	}
	switch v.Status {
	case motcua.StatusSupplementRequested:
		d.Expected = "Bổ sung, hoàn thiện hồ sơ theo phiếu yêu cầu."
		for i := len(v.Events) - 1; i >= 0; i-- {
			if v.Events[i].Action == workflows.UpdateRequestSupplement {
				var data struct {
					Missing  []string  `json:"missing"`
					Deadline time.Time `json:"deadline"`
				}
				_ = json.Unmarshal(v.Events[i].Data, &data)
				d.Missing = data.Missing
				if !data.Deadline.IsZero() {
					d.SupplementUntil = &data.Deadline
					d.Expected = "Bổ sung, hoàn thiện hồ sơ theo phiếu yêu cầu trước " + data.Deadline.In(motcua.Vietnam).Format("15:04 ngày 02/01/2006") + "."
				}
				break
			}
		}
	case motcua.StatusResultReady:
		d.Expected = "Nhận kết quả giải quyết."
	case motcua.StatusReturned, motcua.StatusArchived:
		d.Expected = "Tải về kết quả đã ký số."
	}
	if applicant || (v.ApplicantID == a.UserID && !a.Has(motcua.RoleClerk) && !a.Has(motcua.RoleLeader) && !a.Has(motcua.RoleClerical)) {
		return d, nil // an applicant does not see the control sheet or the actions
	}
	d.ControlSheet = v.Handovers
	if !v.Status.Final() {
		p, _ := s.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
		// A substitute is offered what the colleague on leave could do.
		act, err := s.actingActor(ctx, a, v.ID)
		if err != nil {
			return DossierDetail{}, err
		}
		d.Allowed = factsOf(v, p).Offers(act)
	}
	return d, nil
}

// forApplicant is the history as the applicant reads it: internal notes between units
// left out (motcua.NoteVisibleToApplicant), and the staff's IDs with them.
func forApplicant(events []store.Event) []store.Event {
	out := make([]store.Event, len(events))
	for i, e := range events {
		if !motcua.NoteVisibleToApplicant(e.Action, e.NotePublic) {
			e.Note = ""
		}
		e.NotePublic = false
		out[i] = e
	}
	return out
}

// Document returns a dossier's document for a reader of the dossier.
func (s *Service) Document(ctx context.Context, a motcua.Actor, code motcua.DossierCode, id string) (store.Document, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.Document{}, err
	}
	doc, err := s.Store.Document(ctx, id)
	if err != nil {
		return store.Document{}, err
	}
	if doc.DossierID != acc.ID {
		return store.Document{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản.")
	}
	if ActsAsApplicant(a, acc.ApplicantID, acc.OrganizationID) && !applicantMaySee(doc.Kind, doc.Number, acc.Status) {
		return store.Document{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản.")
	}
	if doc.Kind == motcua.DocDraftResult {
		// The draft as the leader and the staff preview it carries "DỰ THẢO"; the stored
		// draft, which the leader signs and the office issues, does not.
		marked, err := render.MarkDraft(doc.Data)
		if err != nil {
			return store.Document{}, fmt.Errorf("preview the draft of %s: %w", code, err)
		}
		doc.Data = marked
	}
	return doc, nil
}

// applicantMaySee says whether the applicant sees a document of kind (numbered number)
// while the dossier is in status: never the draft, and of the result only the issued
// copy (numbered and sealed), never the copy carrying the leader's signature alone,
// which the result's record keeps beside it.
func applicantMaySee(kind motcua.DocumentKind, number string, status motcua.Status) bool {
	switch kind {
	case motcua.DocDraftResult:
		return false
	case motcua.DocResult:
		return number != "" && (status == motcua.StatusIssued || status == motcua.StatusResultReady ||
			status == motcua.StatusReturned || status == motcua.StatusArchived)
	}
	return true
}

// Receipt returns the dossier's receipt (form 01), once the desk received it.
func (s *Service) Receipt(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.Document, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.Document{}, err
	}
	doc, err := s.Store.LatestDocument(ctx, acc.ID, motcua.DocReceipt)
	if motcua.ErrorCode(err) == motcua.ENOTFOUND {
		switch acc.Status {
		case motcua.StatusSubmitted, motcua.StatusAwaitingPayment, motcua.StatusRejected, motcua.StatusWithdrawn:
			return store.Document{}, motcua.Errorf(motcua.ECONFLICT,
				"Hồ sơ chưa được tiếp nhận: giấy tiếp nhận và hẹn trả kết quả sẽ có khi Bộ phận Một cửa tiếp nhận hồ sơ.")
		}
		// Received: the receipt is made a moment after the click (dossier-async-notices).
		return store.Document{}, motcua.Errorf(motcua.ECONFLICT,
			"Giấy tiếp nhận và hẹn trả kết quả đang được tạo, vui lòng thử lại sau giây lát.")
	}
	return doc, err
}

// File returns an attachment of a dossier, with its content, to a reader of the dossier.
func (s *Service) File(ctx context.Context, a motcua.Actor, code motcua.DossierCode, id string) (store.File, []byte, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.File{}, nil, err
	}
	f, data, err := s.Store.FileWithData(ctx, id)
	if err != nil || f.DossierID == nil || *f.DossierID != acc.ID {
		return store.File{}, nil, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy tệp.")
	}
	return f, data, nil
}

// MyDossiers lists the dossiers a follows as their applicant, newest first: their own,
// and those of the organization they are the account or a representative of.
func (s *Service) MyDossiers(ctx context.Context, a motcua.Actor) ([]store.DossierSummary, error) {
	items, err := s.Store.DossiersOfApplicant(ctx, a.UserID, a.ApplicantOrganizationID(), 200)
	if items == nil && err == nil {
		items = []store.DossierSummary{}
	}
	return items, err
}

// Notifications lists what a was told (the outbox), newest first.
func (s *Service) Notifications(ctx context.Context, a motcua.Actor) ([]store.Notification, error) {
	items, err := s.Store.Notifications(ctx, a.UserID, 100)
	if items == nil && err == nil {
		items = []store.Notification{}
	}
	return items, err
}

// DossierNotifications lists what the applicant a was told about the dossier d (read
// with Dossier), or nothing when a is not its applicant.
func (s *Service) DossierNotifications(ctx context.Context, a motcua.Actor, d DossierDetail) ([]store.Notification, error) {
	if d.ApplicantID != a.UserID {
		return nil, nil
	}
	return s.Store.DossierNotifications(ctx, d.ID, a.UserID)
}

// Lookup is the public lookup: a dossier's status by its code and the applicant's
// personal ID number, nothing more.
func (s *Service) Lookup(ctx context.Context, code motcua.DossierCode, idNumber string) (store.DossierSummary, error) {
	return s.Store.LookupDossier(ctx, code, idNumber)
}

// UnitName is the name of the unit with code, or the code when there is none.
func (s *Service) UnitName(ctx context.Context, code string) string {
	if u, err := s.Store.UnitByCode(ctx, code); err == nil {
		return u.Name
	}
	return code
}
