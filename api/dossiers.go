package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
	"motcua/workflows"
)

// This file is the dossier service: what the JSON API and the pages both call. It
// decides nothing about progress (the workflow does); it checks input, numbers and
// stores submissions, and reads the read models.

// SubmitRequest is a citizen's submission.
type SubmitRequest struct {
	Procedure string          `json:"procedure"`
	Online    *bool           `json:"online,omitempty"` // default true: submitted on the portal
	FormData  json.RawMessage `json:"formData"`
}

// SubmitResult answers a submission.
type SubmitResult struct {
	Code        motcua.DossierCode `json:"code"`
	Status      motcua.Status      `json:"status"`
	StatusLabel string             `json:"statusLabel"`
	Procedure   string             `json:"procedure"`
	Version     int                `json:"version"`
	SubmittedAt time.Time          `json:"submittedAt"`
	// DueAt is the appointment the calendar gives if the dossier is received complete
	// today; the receipt issued at receipt carries the binding one.
	DueAt   time.Time `json:"dueAt"`
	Receipt string    `json:"receipt"` // where the receipt (form 01) is, once received
	Links   links     `json:"links"`
}

type links map[string]string

// fieldErrors carries the e-form's field errors to the problem document.
type fieldErrors []forms.FieldError

func (e fieldErrors) Error() string { return fmt.Sprintf("%d field errors", len(e)) }

func invalidForm(errs []forms.FieldError) error {
	err := forms.AsError(errs).(*motcua.Error)
	err.Err = fieldErrors(errs)
	return err
}

// submit checks and stores a submission, starts its workflow and waits until the
// workflow has recorded it. With an idempotency key, a repeated request (same body)
// gets the same dossier; the same key with another body is refused.
func (s *server) submit(ctx context.Context, a motcua.Actor, key string, req SubmitRequest) (SubmitResult, bool, error) {
	if err := motcua.Authorize(a, motcua.PermSubmitDossier, motcua.Scope{OwnerID: a.UserID}); err != nil {
		return SubmitResult{}, false, err
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
	data, errs := p.Validate(req.FormData)
	if len(errs) > 0 {
		return SubmitResult{}, false, invalidForm(errs)
	}
	normalized, err := json.Marshal(data)
	if err != nil {
		return SubmitResult{}, false, err
	}
	online := req.Online == nil || *req.Online
	hash := sha256.Sum256(append([]byte(fmt.Sprintf("%s\x00%t\x00", p.Code, online)), normalized...))
	files := fileRefs(p.Form, data)
	if key != "" {
		// A repeated request finds its dossier before its files are checked: they are
		// attached to that dossier by now.
		if res, ok, err := s.repeated(ctx, a, key, hash[:]); ok || err != nil {
			return res, ok, err
		}
	}
	if err := s.checkFiles(ctx, a, p, files); err != nil {
		return SubmitResult{}, false, err
	}

	agency, err := s.Store.UnitByCode(ctx, p.ReceivingUnit)
	if err != nil {
		return SubmitResult{}, false, err
	}
	// Nothing inside the transaction below may take a second connection from the pool:
	// requests waiting on the same key hold theirs.
	var code motcua.DossierCode
	var replay *SubmitResult
	err = s.Store.Tx(ctx, func(tx pgx.Tx) error {
		if key != "" {
			claimed, prev, err := store.ClaimIdempotencyKey(ctx, tx, a.UserID, key, hash[:])
			if err != nil {
				return err
			}
			if !claimed {
				if !bytes.Equal(prev.RequestHash, hash[:]) || prev.DossierCode == "" {
					return errKeyReused
				}
				code = prev.DossierCode
				var r SubmitResult
				if len(prev.Response) > 0 && json.Unmarshal(prev.Response, &r) == nil {
					replay = &r
				}
				return nil
			}
		}
		var err error
		if code, err = store.NextDossierCode(ctx, tx, agency.Agency, now); err != nil {
			return err
		}
		if err := store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: a.UserID, UnitCode: p.ReceivingUnit,
			ProcedureCode: p.Code, ProcedureVersion: p.Version, Online: online, FormData: normalized, Files: files,
			SubmittedAt: now}); err != nil {
			return err
		}
		if key != "" {
			return store.BindIdempotencyKey(ctx, tx, a.UserID, key, code)
		}
		return nil
	})
	if err != nil {
		return SubmitResult{}, false, err
	}
	if replay != nil {
		return *replay, true, nil
	}
	return s.started(ctx, a, key, code, p)
}

// repeated answers a request whose idempotency key is known: the first answer again,
// or (the first request still running) the same dossier's; another body is refused.
func (s *server) repeated(ctx context.Context, a motcua.Actor, key string, hash []byte) (SubmitResult, bool, error) {
	k, ok, err := s.Store.IdempotencyKeyOf(ctx, a.UserID, key)
	if err != nil || !ok {
		return SubmitResult{}, false, err
	}
	if !bytes.Equal(k.RequestHash, hash) {
		return SubmitResult{}, false, errKeyReused
	}
	if k.DossierCode == "" {
		return SubmitResult{}, false, nil
	}
	if len(k.Response) > 0 {
		var r SubmitResult
		if json.Unmarshal(k.Response, &r) == nil {
			return r, true, nil
		}
	}
	sub, err := s.Store.Submission(ctx, k.DossierCode)
	if err != nil {
		return SubmitResult{}, false, err
	}
	p, err := s.Catalog.Version(sub.ProcedureCode, sub.ProcedureVersion)
	if err != nil {
		return SubmitResult{}, false, err
	}
	res, _, err := s.started(ctx, a, key, sub.Code, p)
	return res, err == nil, err
}

// started starts (or joins) the workflow of a stored submission and answers.
func (s *server) started(ctx context.Context, a motcua.Actor, key string, code motcua.DossierCode, p *forms.Procedure) (SubmitResult, bool, error) {
	// A retry starts (or joins) the workflow with the first attempt's submission.
	sub, err := s.Store.Submission(ctx, code)
	if err != nil {
		return SubmitResult{}, false, err
	}
	in := workflows.DossierInput{Code: code, ProcedureCode: sub.ProcedureCode, ProcedureVersion: sub.ProcedureVersion,
		ApplicantID: a.UserID, Online: sub.Online, SubmittedAt: sub.SubmittedAt}
	out, err := s.startDossier(ctx, in)
	if err != nil {
		return SubmitResult{}, false, err
	}
	res := SubmitResult{Code: code, Status: out.State.Status, StatusLabel: out.State.Status.Label(), Procedure: in.ProcedureCode,
		Version: in.ProcedureVersion, SubmittedAt: in.SubmittedAt, DueAt: s.expectedDue(p, in.Online, in.SubmittedAt),
		Receipt: "/api/v1/dossiers/" + string(code) + "/receipt",
		Links:   links{"self": "/api/v1/dossiers/" + string(code), "page": "/ho-so/" + string(code)}}
	if key != "" {
		body, _ := json.Marshal(res)
		if err := s.Store.KeepIdempotentAnswer(ctx, a.UserID, key, body); err != nil {
			s.Log.WarnContext(ctx, "keep idempotent answer", "code", code, "err", err)
		}
	}
	return res, false, nil
}

// errKeyReused refuses an Idempotency-Key sent again with another request.
var errKeyReused = &motcua.Error{Code: motcua.EINVALID, Field: "Idempotency-Key",
	Message: "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác."}

// startDossier starts the dossier's workflow (or joins the one already started for
// this code) and waits for its "submit" update: the submission is then in PostgreSQL.
func (s *server) startDossier(ctx context.Context, in workflows.DossierInput) (workflows.Outcome, error) {
	var out workflows.Outcome
	if s.Temporal == nil {
		return out, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống xử lý hồ sơ chưa sẵn sàng. Vui lòng thử lại sau.")
	}
	op := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.DossierID(in.Code),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.DossierWorkflowName, in)
	h, err := s.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSubmit, UpdateID: workflows.UpdateSubmit,
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, &out)
	}
	return out, workflowError(err)
}

// expectedDue is the appointment if the dossier is received complete at t.
func (s *server) expectedDue(p *forms.Procedure, online bool, t time.Time) time.Time {
	if s.WorkingTime == nil {
		return time.Time{}
	}
	v := p.TimeLimit.For(online)
	minutes := int(v * 8 * 60)
	if p.TimeLimit.Unit == forms.WorkingHours {
		minutes = int(v * 60)
	}
	return s.WorkingTime.Due(s.WorkingTime.Start(t), minutes, nil)
}

// fileRefs lists the file IDs the form's file fields hold, with their components.
func fileRefs(f forms.Form, data map[string]any) []store.SubmittedFile {
	var out []store.SubmittedFile
	var walk func(fields []forms.Field, m map[string]any)
	walk = func(fields []forms.Field, m map[string]any) {
		for _, fd := range fields {
			switch fd.Kind {
			case forms.KindFile:
				for _, id := range asStrings(m[fd.Key]) {
					out = append(out, store.SubmittedFile{ID: id, Component: fd.Component})
				}
			case forms.KindGroup:
				items, _ := m[fd.Key].([]any)
				for _, it := range items {
					if im, ok := it.(map[string]any); ok {
						walk(fd.Fields, im)
					}
				}
			}
		}
	}
	for _, sec := range f.Sections {
		walk(sec.Fields, data)
	}
	return out
}

func asStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// checkFiles makes sure every file exists, is the applicant's, is not attached to
// another dossier, and suits its component (type decided from content at upload).
func (s *server) checkFiles(ctx context.Context, a motcua.Actor, p *forms.Procedure, files []store.SubmittedFile) error {
	var errs []forms.FieldError
	for _, f := range files {
		rec, _, err := s.Store.FileWithData(ctx, f.ID)
		if err != nil || rec.OwnerID != a.UserID {
			errs = append(errs, forms.FieldError{Path: "/files/" + f.ID, Code: "file.not_found",
				Message: "Không tìm thấy tệp đính kèm " + f.ID + " trong các tệp bạn đã tải lên."})
			continue
		}
		if rec.DossierID != nil {
			errs = append(errs, forms.FieldError{Path: "/files/" + f.ID, Code: "file.attached",
				Message: "Tệp «" + rec.Name + "» đã được nộp cùng một hồ sơ khác."})
			continue
		}
		c, ok := p.Component(f.Component)
		if !ok {
			continue
		}
		if err := c.Accepts(rec.ContentType, rec.Size); err != nil {
			errs = append(errs, forms.FieldError{Path: "/files/" + f.ID, Code: "file.type", Message: motcua.ErrorMessage(err)})
		}
	}
	if len(errs) > 0 {
		return invalidForm(errs)
	}
	return nil
}

// DossierDetail is a dossier as its applicant or a member of staff sees it.
type DossierDetail struct {
	Code             motcua.DossierCode   `json:"code"`
	Procedure        string               `json:"procedure"`
	ProcedureName    string               `json:"procedureName"`
	ProcedureVersion int                  `json:"procedureVersion"`
	Status           motcua.Status        `json:"status"`
	StatusLabel      string               `json:"statusLabel"`
	PortalStatus     int                  `json:"portalStatus"`
	SubmittedAt      time.Time            `json:"submittedAt"`
	ReceivedAt       *time.Time           `json:"receivedAt,omitempty"`
	DueAt            *time.Time           `json:"dueAt,omitempty"`
	FinishedAt       *time.Time           `json:"finishedAt,omitempty"`
	HolderUnit       string               `json:"holderUnit,omitempty"`
	Step             string               `json:"step,omitempty"`
	Expected         string               `json:"expected,omitempty"` // what the applicant must do now
	SupplementUntil  *time.Time           `json:"supplementUntil,omitempty"`
	Missing          []string             `json:"missing,omitempty"`
	History          []store.Event        `json:"history"`
	Documents        []store.DocumentInfo `json:"documents"`
	Files            []store.File         `json:"files"`
	ControlSheet     []store.HandoverRow  `json:"controlSheet,omitempty"`
	FormData         json.RawMessage      `json:"formData,omitempty"`
	Applicant        string               `json:"applicant,omitempty"`
	// Allowed are the decisions the reader may try now (staff only; from the workflow).
	Allowed []string `json:"allowed,omitempty"`
}

// isStaff tells the ministry's people from applicants.
func isStaff(a motcua.Actor) bool {
	return a.Has(motcua.RoleClerk) || a.Has(motcua.RoleLeader) || a.Has(motcua.RoleClerical) || a.Has(motcua.RoleAdmin)
}

// canRead decides who reads a dossier: its applicant, and staff whose scope covers a
// unit that received or handled it. Anyone else is told it does not exist.
func (s *server) canRead(ctx context.Context, a motcua.Actor, v store.DossierView) bool {
	if v.ApplicantID == a.UserID {
		return true
	}
	if !isStaff(a) {
		return false
	}
	if motcua.Authorize(a, motcua.PermReadUnitWork, motcua.Scope{UnitPath: v.UnitPath}) == nil ||
		(v.HolderUnitPath != "" && motcua.Authorize(a, motcua.PermReadUnitWork, motcua.Scope{UnitPath: v.HolderUnitPath}) == nil) {
		return true
	}
	// A unit the dossier was handed to, or asked for its opinion (a task), reads it.
	ok, err := s.Store.UnitReached(ctx, v.ID, a.UnitPath)
	if err != nil {
		s.Log.ErrorContext(ctx, "check who may read a dossier", "code", v.Code, "err", err)
	}
	return ok
}

// dossier reads a dossier for a.
func (s *server) dossier(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (DossierDetail, store.DossierView, error) {
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		return DossierDetail{}, store.DossierView{}, err
	}
	v, err := s.Store.DossierView(ctx, code)
	if err != nil {
		return DossierDetail{}, store.DossierView{}, err
	}
	if !s.canRead(ctx, a, v) {
		return DossierDetail{}, store.DossierView{}, &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy hồ sơ " + string(code) + "."}
	}
	d := DossierDetail{Code: v.Code, Procedure: v.ProcedureCode, ProcedureName: v.ProcedureName, ProcedureVersion: v.ProcedureVersion,
		Status: v.Status, StatusLabel: v.Status.Label(), PortalStatus: int(v.Status.Portal()), SubmittedAt: v.SubmittedAt,
		ReceivedAt: v.ReceivedAt, DueAt: v.DueAt, FinishedAt: v.FinishedAt, HolderUnit: v.HolderUnitName, Step: v.Step,
		History: v.Events, Documents: v.Documents, Files: v.Files, FormData: v.FormData, Applicant: v.ApplicantName}
	if d.History == nil {
		d.History = []store.Event{}
	}
	if v.ApplicantID == a.UserID && !isStaff(a) {
		shown := d.Documents[:0:0]
		for _, doc := range d.Documents {
			if applicantMaySee(doc.Kind, v.Status) {
				shown = append(shown, doc)
			}
		}
		d.Documents = shown
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
					d.Expected = "Bổ sung, hoàn thiện hồ sơ theo phiếu yêu cầu trước " + data.Deadline.In(ict).Format("15:04 ngày 02/01/2006") + "."
				}
				break
			}
		}
	case motcua.StatusResultReady:
		d.Expected = "Nhận kết quả giải quyết."
	case motcua.StatusReturned, motcua.StatusArchived:
		d.Expected = "Tải về kết quả đã ký số."
	}
	if v.ApplicantID == a.UserID && !a.Has(motcua.RoleClerk) && !a.Has(motcua.RoleLeader) && !a.Has(motcua.RoleClerical) {
		return d, v, nil // an applicant does not see the control sheet or the actions
	}
	d.ControlSheet = v.Handovers
	if !v.Status.Final() && s.Temporal != nil {
		if st, err := s.liveState(ctx, code); err == nil {
			d.Allowed = st.Allowed
		}
	}
	return d, v, nil
}

// liveState asks the dossier's workflow for its state.
func (s *server) liveState(ctx context.Context, code motcua.DossierCode) (workflows.State, error) {
	var st workflows.State
	// Without a worker a query waits; the page shows the records without the actions.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := s.Temporal.QueryWorkflow(ctx, workflows.DossierID(code), "", workflows.QueryState)
	if err != nil {
		return st, workflowError(err)
	}
	return st, resp.Get(&st)
}

var ict = time.FixedZone("ICT", 7*3600)

// SupplementRequest is the applicant's answer to a supplement request.
type SupplementRequest struct {
	Files []store.SubmittedFile `json:"files"`
	Note  string                `json:"note,omitempty"`
	// RequestID makes a retried answer the same answer.
	RequestID string `json:"requestId,omitempty"`
}

// supplement sends the applicant's answer to the workflow.
func (s *server) supplement(ctx context.Context, a motcua.Actor, code motcua.DossierCode, req SupplementRequest) (workflows.State, error) {
	_, v, err := s.dossier(ctx, a, code)
	if err != nil {
		return workflows.State{}, err
	}
	if v.ApplicantID != a.UserID {
		return workflows.State{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới bổ sung được hồ sơ.")
	}
	p, err := s.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return workflows.State{}, err
	}
	if utf8.RuneCountInString(req.Note) > maxNoteRunes {
		return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: "note",
			Message: fmt.Sprintf("Nội dung giải trình dài quá %d ký tự.", maxNoteRunes)}
	}
	if len(req.Files) > 50 {
		return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: "files", Message: "Mỗi lần bổ sung tối đa 50 tệp."}
	}
	if len(req.Files) == 0 && strings.TrimSpace(req.Note) == "" {
		return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: "files",
			Message: "Hãy đính kèm giấy tờ bổ sung hoặc ghi nội dung giải trình."}
	}
	for i, f := range req.Files {
		if _, ok := p.Component(f.Component); !ok {
			return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: fmt.Sprintf("files/%d/component", i),
				Message: "Thành phần hồ sơ «" + f.Component + "» không có trong thủ tục này."}
		}
	}
	if err := s.checkFiles(ctx, a, p, req.Files); err != nil {
		return workflows.State{}, err
	}
	ids := make([]string, len(req.Files))
	for i, f := range req.Files {
		ids[i] = f.ID
		if err := s.Store.AssignComponent(ctx, a.UserID, f.ID, f.Component); err != nil {
			return workflows.State{}, err
		}
	}
	out, err := s.update(ctx, code, workflows.UpdateSupplement, req.RequestID,
		workflows.SupplementInput{ApplicantID: a.UserID, FileIDs: ids, Note: strings.TrimSpace(req.Note)})
	return out.State, err
}

// withdraw sends the applicant's withdrawal to the workflow.
func (s *server) withdraw(ctx context.Context, a motcua.Actor, code motcua.DossierCode, note string) (workflows.State, error) {
	if utf8.RuneCountInString(note) > maxNoteRunes {
		return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: "note",
			Message: fmt.Sprintf("Lý do rút hồ sơ dài quá %d ký tự.", maxNoteRunes)}
	}
	_, v, err := s.dossier(ctx, a, code)
	if err != nil {
		return workflows.State{}, err
	}
	if v.ApplicantID != a.UserID {
		return workflows.State{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới rút được hồ sơ.")
	}
	out, err := s.update(ctx, code, workflows.UpdateWithdraw, "", workflows.WithdrawInput{ApplicantID: a.UserID, Note: strings.TrimSpace(note)})
	return out.State, err
}

// act sends a staff decision to the workflow.
func (s *server) act(ctx context.Context, a motcua.Actor, code motcua.DossierCode, req actionRequest) (workflows.State, error) {
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		return workflows.State{}, err
	}
	known := false
	for _, name := range workflows.Actions {
		known = known || name == req.Action
	}
	if !known {
		return workflows.State{}, &motcua.Error{Code: motcua.EINVALID, Field: "action",
			Message: "Thao tác không hợp lệ. Các thao tác: " + strings.Join(workflows.Actions, ", ") + "."}
	}
	if err := req.check(); err != nil {
		return workflows.State{}, err
	}
	if s.Temporal == nil {
		return workflows.State{}, motcua.Errorf(motcua.EUNAVAILABLE, "Hệ thống xử lý hồ sơ chưa sẵn sàng. Vui lòng thử lại sau.")
	}
	// A citizen who may not read the dossier is told it does not exist, as GET tells
	// them: a refusal from the workflow would say the code is real. Staff learn which
	// unit holds it from the workflow's refusal; the dossier's contents stay hidden.
	if isStaff(a) {
		if _, err := s.Store.DossierByCode(ctx, code); err != nil {
			return workflows.State{}, err
		}
	} else if _, _, err := s.dossier(ctx, a, code); err != nil {
		return workflows.State{}, err
	}
	dec := workflows.Decision{Actor: workflows.ActorOf(a), Note: strings.TrimSpace(req.Note), Missing: req.Missing,
		Units: req.Units, Answer: strings.TrimSpace(req.Answer), PIN: req.PIN, NewDue: req.NewDue}
	out, err := s.update(ctx, code, req.Action, req.RequestID, workflows.DecisionArg(req.Action, dec))
	return out.State, err
}

// document returns a dossier's document for a reader of the dossier.
func (s *server) document(ctx context.Context, a motcua.Actor, code motcua.DossierCode, id string) (store.Document, error) {
	_, v, err := s.dossier(ctx, a, code)
	if err != nil {
		return store.Document{}, err
	}
	doc, err := s.Store.Document(ctx, id)
	if err != nil {
		return store.Document{}, err
	}
	if doc.DossierID != v.ID {
		return store.Document{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản.")
	}
	if v.ApplicantID == a.UserID && !isStaff(a) && !applicantMaySee(doc.Kind, v.Status) {
		return store.Document{}, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy văn bản.")
	}
	return doc, nil
}

// applicantMaySee says whether the applicant sees a document of kind while the dossier
// is in status: never the draft, and the result only once it is issued (numbered and
// sealed), not while it carries the leader's signature alone.
func applicantMaySee(kind motcua.DocumentKind, status motcua.Status) bool {
	switch kind {
	case "draft_result":
		return false
	case "result":
		return status == motcua.StatusIssued || status == motcua.StatusResultReady || status == motcua.StatusReturned ||
			status == motcua.StatusArchived
	}
	return true
}

// receipt returns the dossier's receipt (form 01), once the desk received it.
func (s *server) receipt(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.Document, error) {
	_, v, err := s.dossier(ctx, a, code)
	if err != nil {
		return store.Document{}, err
	}
	doc, err := s.Store.LatestDocument(ctx, v.ID, "receipt")
	if errors.Is(err, pgx.ErrNoRows) || motcua.ErrorCode(err) == motcua.ENOTFOUND {
		return store.Document{}, motcua.Errorf(motcua.ECONFLICT,
			"Hồ sơ chưa được tiếp nhận: giấy tiếp nhận và hẹn trả kết quả sẽ có khi Bộ phận Một cửa tiếp nhận hồ sơ.")
	}
	return doc, err
}
