package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/exchange"
	"motcua/forms"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// actionSpec is how the dossier page offers a decision.
type actionSpec struct {
	Label    string
	Produces string // the notice or document it makes, for the line under the heading
	Button   string
	Class    string // "", "secondary" or "warning"
	// Fields the decision takes, in order: note, missing, units, answer, pin, newDue.
	Fields []string
	// NoteLabel and NoteRequired describe the note field.
	NoteLabel    string
	NoteRequired bool
}

// actionSpecs are the staff decisions (motcua.Decisions) as the dossier page offers them.
var actionSpecs = map[string]actionSpec{
	motcua.DecideReceive: {Label: "Tiếp nhận hồ sơ", Button: "Tiếp nhận hồ sơ",
		Produces: motcua.DocReceipt.Label() + "; hồ sơ được chuyển đến đơn vị xử lý.",
		Fields:   []string{"note"}, NoteLabel: "Ghi chú"},
	motcua.DecideRefuse: {Label: "Từ chối tiếp nhận, giải quyết hồ sơ", Button: "Từ chối", Class: "warning",
		Produces: motcua.DocRefusal.Label() + ", nêu rõ lý do.",
		Fields:   []string{"note"}, NoteLabel: "Lý do từ chối", NoteRequired: true},
	motcua.DecideRequestSupplement: {Label: "Yêu cầu bổ sung, hoàn thiện hồ sơ", Button: "Gửi yêu cầu bổ sung", Class: "secondary",
		Produces: motcua.DocSupplementRequest.Label() + "; thời hạn giải quyết tạm dừng trong khi chờ công dân bổ sung.",
		Fields:   []string{"missing", "note"}, NoteLabel: "Lý do, hướng dẫn bổ sung"},
	motcua.DecideCompleteStep: {Label: "Chuyển bước xử lý tiếp theo", Button: "Chuyển bước tiếp theo",
		Produces: "Không lập văn bản; việc bàn giao được ghi vào " + motcua.DocControlSheet.Label() + ".",
		Fields:   []string{"note"}, NoteLabel: "Ý kiến xử lý"},
	motcua.DecideConsult: {Label: "Xin ý kiến đơn vị phối hợp", Button: "Gửi xin ý kiến", Class: "secondary",
		Produces: "Không lập văn bản với đơn vị trong Bộ: các đơn vị được hỏi nhận việc trong danh sách hồ sơ cần xử lý của mình. " +
			"Với cơ quan ngoài Bộ: lập công văn xin ý kiến, lãnh đạo ký số, văn thư cấp số, đóng dấu và gửi qua trục liên thông; bước xử lý chờ văn bản trả lời.",
		Fields: []string{"units", "agencies", "note"}, NoteLabel: "Nội dung xin ý kiến"},
	motcua.DecideAnswerConsult: {Label: "Trả lời xin ý kiến", Button: "Gửi ý kiến",
		Produces: "Không lập văn bản; ý kiến được ghi vào quá trình giải quyết hồ sơ.",
		Fields:   []string{"answer"}},
	motcua.DecideSendBack: {Label: "Trả lại bước trước", Button: "Trả lại", Class: "secondary",
		Produces: "Không lập văn bản; việc trả lại được ghi vào " + motcua.DocControlSheet.Label() + ".",
		Fields:   []string{"note"}, NoteLabel: "Lý do trả lại", NoteRequired: true},
	motcua.DecideRecall: {Label: "Thu hồi hồ sơ đã chuyển", Button: "Thu hồi", Class: "secondary",
		Produces: "Không lập văn bản; hồ sơ quay về bước của bạn nếu người nhận chưa xử lý.",
		Fields:   []string{"note"}, NoteLabel: "Lý do thu hồi"},
	motcua.DecideSubmitForSigning: {Label: "Trình ký", Button: "Trình ký",
		Produces: motcua.DocDraftResult.Label() + " được lập để lãnh đạo xem xét, ký số.",
		Fields:   []string{"note"}, NoteLabel: "Nội dung trình"},
	motcua.DecideSign: {Label: "Ký số kết quả", Button: "Ký số",
		Produces: motcua.DocResult.Label() + ", ký bằng chữ ký số của bạn; sau đó văn thư cấp số, đóng dấu.",
		Fields:   []string{"pin"}},
	motcua.DecideReturnForRework: {Label: "Trả lại để xử lý lại", Button: "Trả lại", Class: "secondary",
		Produces: "Không lập văn bản; hồ sơ quay về bước trước với ý kiến của bạn.",
		Fields:   []string{"note"}, NoteLabel: "Ý kiến chỉ đạo", NoteRequired: true},
	motcua.DecideIssue: {Label: "Cấp số, đóng dấu, phát hành", Button: "Cấp số và đóng dấu",
		Produces: motcua.DocResult.Label() + " được cấp số văn bản và đóng dấu (chữ ký số của cơ quan)."},
	motcua.DecideReturnResult: {Label: "Trả kết quả", Button: "Trả kết quả",
		Produces: motcua.DocControlSheet.Label() + "; hồ sơ được lưu trữ.",
		Fields:   []string{"note"}, NoteLabel: "Ghi chú (hình thức trả, người nhận)"},
	motcua.DecideStop: {Label: "Dừng giải quyết hồ sơ", Button: "Dừng giải quyết", Class: "warning",
		Produces: motcua.DocStopNotice.Label() + ", nêu rõ lý do.",
		Fields:   []string{"note"}, NoteLabel: "Lý do dừng giải quyết", NoteRequired: true},
	motcua.DecideApologize: {Label: "Xin lỗi và hẹn lại ngày trả kết quả", Button: "Gửi văn bản xin lỗi", Class: "secondary",
		Produces: motcua.DocApology.Label() + ", với ngày hẹn trả mới (chỉ được hẹn lại một lần).",
		Fields:   []string{"note", "newDue"}, NoteLabel: "Lý do chậm giải quyết", NoteRequired: true},
}

// formField is one input of an action's form.
type formField struct {
	ID, Name, Label, Kind, Hint, Value, Error string // Kind: textarea, password, date, checkboxes
	Required                                  bool
	Options                                   []selectOption
}

// actionForm is one decision offered on the dossier page.
type actionForm struct {
	Name string
	actionSpec
	Inputs    []formField
	RequestID string
}

// postedAction is what a rejected decision's form held, to show it again.
type postedAction struct {
	Action, Note, Answer, NewDue, Other string
	Missing, Units, Agencies            []string
	NotePublic                          bool
	// Correction is a refused proposal of a correction or replacement, shown again.
	Correction dossiers.CorrectionProposal
}

// staffDossierView is a dossier as a member of staff works on it.
type staffDossierView struct {
	D        dossiers.DossierDetail
	StepName string
	Bucket   motcua.SLABucket
	Answers  []answerSection
	Files    []staffFile
	Sheet    []sheetRow
	Actions  []actionForm
	Final    bool
	// Comments are colleagues' internal comments (never shown to the applicant).
	Comments []store.Comment
	// ResultSends are the outgoing documents that carried the result to other
	// agencies; CanSendResult offers the page that sends it.
	ResultSends   []store.Outgoing
	CanSendResult bool
	// Corrections of the issued result (a final dossier's), and which steps the person
	// may take: a clerk proposes, a leader signs, the clerical office issues.
	Corrections                   []store.Correction
	MayPropose, MaySign, MayIssue bool
	// Proposal refills the proposal's form after a refusal (a correction by default).
	Proposal dossiers.CorrectionProposal
}

type answerSection struct {
	Title   string
	Answers []answer
}

type staffFile struct {
	store.File
	ComponentName, Type, Size string
}

// sizeText is a file's size for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}

// typeNames name the attachments' types.
var typeNames = map[string]string{"application/pdf": "PDF", "image/jpeg": "Ảnh JPEG", "image/png": "Ảnh PNG"}

type sheetRow struct {
	store.HandoverRow
	StepName, Budget, Outcome, OutcomeClass string
}

// staffDossier builds the dossier page's data; posted refills a rejected decision's form.
func (s *Site) staffDossier(r *http.Request, a motcua.Actor, code motcua.DossierCode, posted *postedAction, errs []pageError) (staffDossierView, error) {
	ctx := r.Context()
	dd, err := s.Dossiers.Dossier(ctx, a, code)
	if err != nil {
		return staffDossierView{}, err
	}
	sv := staffDossierView{D: dd, Final: dd.Status.Final()}
	if sv.Final {
		if sv.Corrections, err = s.Dossiers.Corrections(ctx, a, code); err != nil {
			return staffDossierView{}, err
		}
		sv.MayPropose, sv.MaySign, sv.MayIssue = a.Has(motcua.RoleClerk), a.Has(motcua.RoleLeader), a.Has(motcua.RoleClerical)
		sv.Proposal = dossiers.CorrectionProposal{Kind: store.CorrectionCorrect}
		if posted != nil && posted.Correction.Kind != "" {
			sv.Proposal = posted.Correction
		}
	}
	if sv.Comments, err = s.Dossiers.Comments(ctx, a, code); err != nil {
		return staffDossierView{}, err
	}
	p, perr := s.Catalog.Version(dd.Procedure, dd.ProcedureVersion)
	steps := map[string]forms.Step{}
	if perr == nil {
		for _, st := range p.Steps {
			steps[st.ID] = st
		}
	}
	sv.StepName = steps[dd.Step].Name
	if sv.StepName == "" {
		sv.StepName = dd.Step
	}
	// The inbox's bucket, judged by the same due time (before receipt: the intake step's).
	if dd.WorkDue != nil && dd.FinishedAt == nil && !dd.Status.Final() {
		sv.Bucket = s.Dossiers.Bucket(dd.WorkDue)
	}

	files := map[string]store.File{}
	for _, f := range dd.Files {
		files[f.ID] = f
		sf := staffFile{File: f, ComponentName: f.Component, Type: typeNames[f.ContentType], Size: sizeText(f.Size)}
		if sf.Type == "" {
			sf.Type = f.ContentType
		}
		if perr == nil {
			if c, ok := p.Component(f.Component); ok {
				sf.ComponentName = c.Name
			}
		}
		sv.Files = append(sv.Files, sf)
	}
	if perr == nil && len(dd.FormData) > 0 {
		var data map[string]any
		if json.Unmarshal(dd.FormData, &data) == nil {
			for _, an := range answers(p.Form, data, files, fieldID) {
				if n := len(sv.Answers); n == 0 || sv.Answers[n-1].Title != an.Section {
					sv.Answers = append(sv.Answers, answerSection{Title: an.Section})
				}
				sv.Answers[len(sv.Answers)-1].Answers = append(sv.Answers[len(sv.Answers)-1].Answers, an)
			}
		}
	}
	for _, h := range dd.ControlSheet {
		row := sheetRow{HandoverRow: h, StepName: steps[h.Step].Name, Budget: budgetText(h.BudgetMinutes)}
		if row.StepName == "" {
			row.StepName = h.Step
		}
		switch h.Outcome {
		case "early":
			row.Outcome, row.OutcomeClass = "Trước hạn", "bucket-on_time"
		case "on-time":
			row.Outcome, row.OutcomeClass = "Đúng hạn", "bucket-on_time"
		case "late":
			row.Outcome, row.OutcomeClass = "Quá hạn", "bucket-overdue"
		default:
			row.Outcome = "Đang xử lý"
		}
		sv.Sheet = append(sv.Sheet, row)
	}

	// dd.Allowed is what the domain's rules let a decide now, read from the records: the
	// workflow's validators apply the same rules to its state.
	for _, name := range dd.Allowed {
		spec, ok := actionSpecs[name]
		if !ok {
			continue
		}
		var pa postedAction
		if posted != nil && posted.Action == name {
			pa = *posted
		}
		af := actionForm{Name: name, actionSpec: spec, RequestID: newRequestID()}
		for _, fld := range spec.Fields {
			in := formField{ID: name + "-" + fld, Name: fld}
			switch fld {
			case "note":
				in.Kind, in.Label, in.Required, in.Value = "textarea", spec.NoteLabel, spec.NoteRequired, pa.Note
				if !motcua.EventKind(name).NoteForApplicant() {
					// A comment between units stays internal unless its author says so.
					af.Inputs = append(af.Inputs, in)
					in = formField{ID: name + "-notePublic", Name: "notePublic", Kind: "public",
						Label: "Cho người nộp hồ sơ xem ghi chú này",
						Hint:  "Không chọn: ghi chú chỉ các đơn vị xử lý hồ sơ đọc được."}
					if pa.NotePublic {
						in.Value = "true"
					}
				}
			case "answer":
				in.Kind, in.Label, in.Required, in.Value = "textarea", "Ý kiến của đơn vị", true, pa.Answer
			case "pin":
				in.Kind, in.Label, in.Required = "password", "Mã PIN chữ ký số", true
				in.Hint = "Mã PIN mở khóa chữ ký số của bạn tại dịch vụ ký số; nhập sai nhiều lần sẽ bị khóa."
			case "newDue":
				in.Kind, in.Label, in.Required, in.Value = "date", "Ngày hẹn trả mới", true, pa.NewDue
				in.Hint = "Sau ngày hẹn hiện tại"
				if dd.DueAt != nil {
					in.Hint += " (" + formatTime(dd.DueAt, "15:04 02/01/2006") + ")"
				}
				in.Hint += ". Kết quả được hẹn trả vào cuối giờ làm việc (17:00) của ngày này."
			case "missing":
				in.Kind, in.Label = "checkboxes", "Thành phần hồ sơ cần bổ sung, hoàn thiện"
				if perr == nil {
					for i, c := range p.Components {
						in.Options = append(in.Options, selectOption{ID: fmt.Sprintf("%s-%d", in.ID, i), Value: c.Name, Label: c.Name,
							Selected: slices.Contains(pa.Missing, c.Name)})
					}
				}
				af.Inputs = append(af.Inputs, in)
				in = formField{ID: name + "-other", Name: "other", Kind: "textarea", Label: "Giấy tờ khác cần bổ sung",
					Hint: "Mỗi dòng một giấy tờ.", Value: pa.Other}
			case "units":
				in.Kind, in.Label, in.Required = "checkboxes", "Đơn vị được xin ý kiến", true
				for i, uc := range steps[dd.Step].Consult {
					in.Options = append(in.Options, selectOption{ID: fmt.Sprintf("%s-%d", in.ID, i), Value: uc, Label: s.Dossiers.UnitName(ctx, uc),
						Selected: slices.Contains(pa.Units, uc)})
				}
			case "agencies":
				in.Kind, in.Label = "checkboxes", "Cơ quan ngoài Bộ được xin ý kiến (qua trục liên thông văn bản)"
				for i, ag := range steps[dd.Step].ConsultExternal {
					in.Options = append(in.Options, selectOption{ID: fmt.Sprintf("%s-%d", in.ID, i), Value: ag.OrganID,
						Label: ag.Name + " (" + ag.OrganID + ")", Selected: slices.Contains(pa.Agencies, ag.OrganID)})
				}
			}
			if len(in.Options) > 0 && in.Kind == "checkboxes" {
				in.Error = fieldMessage(errs, in.Options[0].ID)
			} else {
				in.Error = fieldMessage(errs, in.ID)
			}
			af.Inputs = append(af.Inputs, in)
		}
		sv.Actions = append(sv.Actions, af)
	}
	return sv, nil
}

func fieldMessage(errs []pageError, id string) string {
	for _, e := range errs {
		if e.Field == id {
			return e.Message
		}
	}
	return ""
}

// budgetText is a step's budget in working days or hours.
func budgetText(minutes int) string {
	switch {
	case minutes <= 0:
		return ""
	case minutes%480 == 0:
		return strconv.Itoa(minutes/480) + " ngày làm việc"
	case minutes%60 == 0:
		return strconv.Itoa(minutes/60) + " giờ làm việc"
	}
	return strings.Replace(strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64), ".", ",", 1) + " giờ làm việc"
}

func (s *Site) showStaffDossier(w http.ResponseWriter, r *http.Request, code motcua.DossierCode, status int, posted *postedAction, errs []pageError) {
	a, _ := httpx.ActorFrom(r.Context())
	sv, err := s.staffDossier(r, a, code, posted, errs)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	if s.Exchange != nil && exchange.ResultSendable(sv.D.Status) {
		sv.CanSendResult = a.Has(motcua.RoleClerk) || a.Has(motcua.RoleClerical)
		if sv.ResultSends, err = s.Exchange.ResultSends(r.Context(), code); err != nil {
			s.showError(w, r, err)
			return
		}
	}
	d := s.page(r, "Hồ sơ "+string(sv.D.Code))
	d.Errors = errs
	d.Data = sv
	s.show(w, status, "staff-dossier", d)
}

// pageStaffDossier is a dossier as staff work on it: the form data, attachments,
// history, control sheet, documents and the decisions possible now.
func (s *Site) pageStaffDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showStaffDossier(w, r, codeParam(r), http.StatusOK, nil, nil)
	}
}

// apologyHour is the hour of the new appointment an apology gives: the end of the
// working day the clerk picks.
const apologyHour = 17

// readActionForm reads a decision from the dossier page's form.
func readActionForm(r *http.Request) (dossiers.Decision, postedAction, []pageError) {
	name := r.PostFormValue("action")
	pa := postedAction{Action: name, Note: r.PostFormValue("note"), Answer: r.PostFormValue("answer"),
		NewDue: strings.TrimSpace(r.PostFormValue("newDue")), Other: r.PostFormValue("other"),
		Missing: r.PostForm["missing"], Units: r.PostForm["units"], Agencies: r.PostForm["agencies"], NotePublic: r.PostFormValue("notePublic") == "true"}
	req := dossiers.Decision{Action: name, Note: pa.Note, NotePublic: pa.NotePublic, Answer: pa.Answer, PIN: r.PostFormValue("pin"), Units: pa.Units,
		Agencies: pa.Agencies, RequestID: r.PostFormValue("requestId")}
	req.Missing = append(req.Missing, pa.Missing...)
	for _, line := range strings.Split(pa.Other, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Missing = append(req.Missing, line)
		}
	}
	if len(req.RequestID) > 64 {
		req.RequestID = ""
	}
	if name == motcua.DecideApologize {
		if pa.NewDue == "" {
			return req, pa, []pageError{{Field: name + "-newDue", Message: "Vui lòng chọn ngày hẹn trả mới."}}
		}
		day, err := dossiers.ParseDay(pa.NewDue)
		if err != nil {
			return req, pa, []pageError{{Field: name + "-newDue", Message: "Ngày hẹn trả mới phải là một ngày hợp lệ (ngày/tháng/năm)."}}
		}
		req.NewDue = day.Add(apologyHour * time.Hour)
	}
	return req, pa, nil
}

// actionIDs are the inputs a decision's rejection is about, by decision: the first one.
func actionFieldID(name string) string {
	spec, ok := actionSpecs[name]
	if !ok || len(spec.Fields) == 0 {
		return ""
	}
	return name + "-" + spec.Fields[0]
}

// afterAction is where a decision's form may send the person back to (the signing
// queue's "send back" comes back to the queue).
func afterAction(next string) string {
	if next == "/lanh-dao/trinh-ky" || next == "/can-bo/viec" {
		return next
	}
	return ""
}

// pageStaffAction takes a decision from the dossier page through the dossier service,
// as POST /api/v1/dossiers/{code}/actions does, except that someone who may not read
// the dossier learns nothing about it, not even whether the decision would be allowed
// (dossiers.AccessReaders: checked in PostgreSQL, in the same call). A decision the
// workflow refuses shows the page again with the reason; nothing has changed.
func (s *Site) pageStaffAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := codeParam(r)
		req, posted, errs := readActionForm(r)
		if errs != nil {
			s.showStaffDossier(w, r, code, http.StatusUnprocessableEntity, &posted, errs)
			return
		}
		if _, err := s.Dossiers.Decide(r.Context(), a, code, req, dossiers.AccessReaders); err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			pe := errorsOf(err, nil)
			if motcua.ErrorCode(err) == motcua.EINVALID {
				pe[0].Field = actionFieldID(req.Action)
				if req.Action == motcua.DecideConsult || req.Action == motcua.DecideRequestSupplement {
					pe[0].Field += "-0"
				}
			}
			label := req.Action
			if spec, ok := actionSpecs[req.Action]; ok {
				label = spec.Label
			}
			pe[0].Message = label + ": " + pe[0].Message
			s.showStaffDossier(w, r, code, httpx.StatusOf(motcua.ErrorCode(err)), &posted, pe)
			return
		}
		ok := "done"
		if req.Action == motcua.DecideSign {
			ok = "signed"
		}
		if next := afterAction(r.PostFormValue("next")); next != "" {
			http.Redirect(w, r, next+"?ok="+ok, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(code))+"?ok="+ok, http.StatusSeeOther)
	}
}

// pageStaffComment writes a colleague's internal comment on the dossier and goes back
// to the page's comments.
func (s *Site) pageStaffComment() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := codeParam(r)
		if _, err := s.Dossiers.AddComment(r.Context(), a, code, r.PostFormValue("body")); err != nil {
			if !shownError(err) || motcua.ErrorCode(err) != motcua.EINVALID {
				s.showError(w, r, err)
				return
			}
			s.showStaffDossier(w, r, code, http.StatusUnprocessableEntity, nil, errorsOf(err, map[string]string{"body": "comment"}))
			return
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(code))+"?ok=commented#y-kien", http.StatusSeeOther)
	}
}

// pageProposeCorrection records a clerk's proposal to correct or replace the issued
// result (POST /api/v1/dossiers/{code}/result/corrections); an invalid one shows the
// page again with the reason.
func (s *Site) pageProposeCorrection() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := codeParam(r)
		in := dossiers.CorrectionProposal{Kind: r.PostFormValue("kind"), Reason: r.PostFormValue("reason"),
			Corrections: r.PostFormValue("corrections")}
		if _, err := s.Dossiers.ProposeCorrection(r.Context(), a, code, in); err != nil {
			if in.Kind != store.CorrectionReplace {
				in.Kind = store.CorrectionCorrect
			}
			s.correctionRefused(w, r, code, err, &postedAction{Correction: in}, nil)
			return
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(code))+"?ok=done#dinh-chinh", http.StatusSeeOther)
	}
}

// pageCorrectionStep is the leader's signature (issue false) or the clerical office's
// numbering and seal (issue true) of a correction.
func (s *Site) pageCorrectionStep(issue bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := codeParam(r)
		id, err := idParam(r, "Không tìm thấy đề nghị đính chính, thay thế này.")
		if err != nil {
			s.showError(w, r, err)
			return
		}
		if issue {
			_, err = s.Dossiers.IssueCorrection(r.Context(), a, code, id)
		} else {
			_, err = s.Dossiers.SignCorrection(r.Context(), a, code, id, dossiers.SignCorrectionInput{PIN: r.PostFormValue("pin")})
		}
		if err != nil {
			// A refused signature (a wrong, missing or locked PIN) is told at the PIN's
			// field; an invalid signature request without a field is about the PIN too.
			var field map[string]string
			if !issue {
				field = map[string]string{"pin": pinFieldID(id)}
				if motcua.ErrorCode(err) == motcua.EINVALID {
					field[""] = pinFieldID(id)
				}
			}
			s.correctionRefused(w, r, code, err, nil, field)
			return
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(code))+"?ok=done#dinh-chinh", http.StatusSeeOther)
	}
}

// pinFieldID is the id of the PIN's input in the signature form of correction id.
func pinFieldID(id int64) string { return "pin-" + strconv.FormatInt(id, 10) }

// correctionRefused shows the dossier page again with why a correction's step was
// refused (nothing changed), or the error page for what a page does not show.
// posted refills the proposal's form; fields maps the error's field to the id of its
// input (the proposal's fields by default).
func (s *Site) correctionRefused(w http.ResponseWriter, r *http.Request, code motcua.DossierCode, err error, posted *postedAction, fields map[string]string) {
	if !shownError(err) || motcua.ErrorCode(err) == motcua.ENOTFOUND {
		s.showError(w, r, err)
		return
	}
	if fields == nil {
		fields = map[string]string{"kind": "kind-correct", "reason": "correction-reason", "corrections": "correction-corrections"}
	}
	pe := errorsOf(err, fields)
	if pe[0].Field == "" {
		pe[0].Field = fields[""]
	}
	s.showStaffDossier(w, r, code, httpx.StatusOf(motcua.ErrorCode(err)), posted, pe)
}
