package api

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
	"motcua/workflows"
)

// staffPages are the pages of clerks, leaders and administrators (inbox, dossier
// actions, signing queue, statistics, administration). Like the citizens' pages they
// call the services the JSON API calls (s.inboxFilter, s.dossier, s.act, s.actBatch,
// s.statsFilter); the workflow, not the page, decides whether a decision is allowed.
func (s *server) staffPages(r chi.Router) {
	r.Use(limitBody(1<<20), s.pageAuth)
	r.Group(func(r chi.Router) {
		r.Use(s.pageRequire(motcua.PermReadUnitWork))
		r.Get("/can-bo/viec", s.pageInbox())
		r.Post("/can-bo/viec/{task}/nhan", s.pageClaim())
		r.Get("/can-bo/ho-so/{code}", s.pageStaffDossier())
		r.Post("/can-bo/ho-so/{code}/xu-ly", s.pageStaffAction())
	})
	r.Group(func(r chi.Router) {
		r.Use(s.pageRequire(motcua.PermSign))
		r.Get("/lanh-dao/trinh-ky", s.pageSigningQueue())
		r.Post("/lanh-dao/trinh-ky", s.pageSigningQueue())
	})
	r.With(s.pageRequire(motcua.PermReadStats)).Get("/thong-ke", s.pageStats())
	r.Group(s.adminPages)
}

// errorsOf turns a service's error into the error summary's entry, linking it to the
// input named by ids[the error's field], if any.
func errorsOf(err error, ids map[string]string) []pageError {
	var e *motcua.Error
	field := ""
	if errors.As(err, &e) {
		field = ids[e.Field]
	}
	return []pageError{{Field: field, Message: motcua.ErrorMessage(err)}}
}

// shownError reports whether err is one a page shows in its error summary (the person
// can do something about it) rather than on the error page.
func shownError(err error) bool {
	switch motcua.ErrorCode(err) {
	case motcua.EINVALID, motcua.ECONFLICT, motcua.EFORBIDDEN:
		return true
	}
	return false
}

// newRequestID names a form's decision, so that a form sent twice (a double click, a
// reload) is one decision: it becomes the Update's ID.
func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "page-" + base64.RawURLEncoding.EncodeToString(b)
}

// selectOption is an <option> or a checkbox.
type selectOption struct {
	ID, Value, Label string
	Selected         bool
}

// inboxFilterKeys are the inbox's query parameters, the ones a claim form brings back.
var inboxFilterKeys = []string{"status", "procedure", "bucket", "dueBefore", "limit", "offset"}

// inboxIDs are the filter form's inputs by the filter's field names.
var inboxIDs = map[string]string{"status": "status", "procedure": "procedure", "bucket": "bucket", "dueBefore": "dueBefore"}

// inboxRow is a task of the inbox with what the page says of it.
type inboxRow struct {
	store.InboxItem
	StepName string
	Mine     bool // claimed by the reader
}

type bucketCount struct {
	Key, Label, Href string
	N                int
	Current          bool
}

// inboxView is the clerk's inbox.
type inboxView struct {
	Status, Procedure, Bucket, DueBefore string
	Statuses, Procedures, Buckets        []selectOption
	Counts                               []bucketCount
	Total                                int
	Items                                []inboxRow
	Query                                string // the filter, for the claim forms
	Prev, Next                           string
	Filtered                             bool
}

// inboxData reads the inbox of a with the filter q, the same way GET /api/v1/inbox does.
func (s *server) inboxData(r *http.Request, a motcua.Actor, q url.Values) (inboxView, []pageError, error) {
	kept := url.Values{}
	for _, k := range inboxFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			kept.Set(k, v)
		}
	}
	v := inboxView{Status: kept.Get("status"), Procedure: kept.Get("procedure"), Bucket: kept.Get("bucket"),
		DueBefore: kept.Get("dueBefore"), Query: kept.Encode()}
	v.Filtered = v.Status != "" || v.Procedure != "" || v.Bucket != "" || v.DueBefore != ""
	for _, st := range motcua.Statuses {
		if !st.Final() {
			v.Statuses = append(v.Statuses, selectOption{Value: string(st), Label: st.Label(), Selected: string(st) == v.Status})
		}
	}
	for _, code := range s.Catalog.Codes() {
		vs := s.Catalog.Versions(code)
		if len(vs) == 0 {
			continue
		}
		name := vs[len(vs)-1].Name
		if p, err := s.Catalog.Procedure(code); err == nil {
			name = p.Name
		}
		v.Procedures = append(v.Procedures, selectOption{Value: code, Label: code + " – " + name, Selected: code == v.Procedure})
	}
	for _, b := range []string{store.BucketOverdue, store.BucketDueSoon, store.BucketOnTime} {
		v.Buckets = append(v.Buckets, selectOption{Value: b, Label: bucketLabels[b], Selected: b == v.Bucket})
	}
	f, err := s.inboxFilter(kept, a)
	if err != nil {
		if motcua.ErrorCode(err) == motcua.EINVALID {
			return v, errorsOf(err, inboxIDs), nil
		}
		return v, nil, err
	}
	page, err := s.Store.Inbox(r.Context(), f)
	if err != nil {
		return v, nil, err
	}
	v.Total = page.Counts.Total
	for _, it := range page.Items {
		row := inboxRow{InboxItem: it, StepName: it.Step, Mine: it.AssigneeID != nil && *it.AssigneeID == a.UserID}
		if p, err := s.Catalog.Procedure(it.ProcedureCode); err == nil {
			for _, st := range p.Steps {
				if st.ID == it.Step {
					row.StepName = st.Name
				}
			}
		}
		v.Items = append(v.Items, row)
	}
	for _, b := range []struct {
		key string
		n   int
	}{{store.BucketOverdue, page.Counts.Overdue}, {store.BucketDueSoon, page.Counts.DueSoon}, {store.BucketOnTime, page.Counts.OnTime}} {
		bq := url.Values{}
		for k, vals := range kept {
			if k != "bucket" && k != "offset" {
				bq[k] = vals
			}
		}
		bq.Set("bucket", b.key)
		v.Counts = append(v.Counts, bucketCount{Key: b.key, Label: bucketLabels[b.key], N: b.n, Href: "/can-bo/viec?" + bq.Encode(),
			Current: b.key == v.Bucket})
	}
	page2 := func(offset int) string {
		pq := url.Values{}
		for k, vals := range kept {
			pq[k] = vals
		}
		pq.Set("offset", strconv.Itoa(offset))
		return "/can-bo/viec?" + pq.Encode()
	}
	if f.Offset > 0 {
		v.Prev = page2(max(f.Offset-f.Limit, 0))
	}
	if len(page.Items) == f.Limit {
		v.Next = page2(f.Offset + f.Limit)
	}
	return v, nil, nil
}

func (s *server) showInbox(w http.ResponseWriter, r *http.Request, q url.Values, status int, errs []pageError) {
	a, _ := actorFrom(r.Context())
	v, ferrs, err := s.inboxData(r, a, q)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	d := s.page(r, "Hồ sơ cần xử lý")
	d.Errors = append(errs, ferrs...)
	if len(ferrs) > 0 && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	d.Data = v
	s.show(w, status, "inbox", d)
}

// pageInbox is the clerk's inbox: the open tasks of the actor's unit and the units
// below it, due first, with the counts per SLA bucket.
func (s *server) pageInbox() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showInbox(w, r, r.URL.Query(), http.StatusOK, nil)
	}
}

// pageClaim takes a task of the inbox (nhận xử lý) and goes back to the inbox as it was
// filtered.
func (s *server) pageClaim() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		q, _ := url.ParseQuery(r.PostFormValue("q"))
		id, err := strconv.ParseInt(chi.URLParam(r, "task"), 10, 64)
		if err != nil {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy việc."))
			return
		}
		if err := s.Store.ClaimTask(r.Context(), id, a); err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showInbox(w, r, q, statusOf(motcua.ErrorCode(err)), errorsOf(err, nil))
			return
		}
		back := url.Values{}
		for _, k := range inboxFilterKeys {
			if v := q.Get(k); v != "" {
				back.Set(k, v)
			}
		}
		back.Set("ok", "claimed")
		http.Redirect(w, r, "/can-bo/viec?"+back.Encode(), http.StatusSeeOther)
	}
}

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

// actionSpecs are the staff decisions (workflows.Actions) as the dossier page offers them.
var actionSpecs = map[string]actionSpec{
	workflows.UpdateReceive: {Label: "Tiếp nhận hồ sơ", Button: "Tiếp nhận hồ sơ",
		Produces: documentLabels["receipt"] + "; hồ sơ được chuyển đến đơn vị xử lý.",
		Fields:   []string{"note"}, NoteLabel: "Ghi chú"},
	workflows.UpdateRefuse: {Label: "Từ chối tiếp nhận, giải quyết hồ sơ", Button: "Từ chối", Class: "warning",
		Produces: documentLabels["refusal"] + ", nêu rõ lý do.",
		Fields:   []string{"note"}, NoteLabel: "Lý do từ chối", NoteRequired: true},
	workflows.UpdateRequestSupplement: {Label: "Yêu cầu bổ sung, hoàn thiện hồ sơ", Button: "Gửi yêu cầu bổ sung", Class: "secondary",
		Produces: documentLabels["supplement_request"] + "; thời hạn giải quyết tạm dừng trong khi chờ công dân bổ sung.",
		Fields:   []string{"missing", "note"}, NoteLabel: "Lý do, hướng dẫn bổ sung"},
	workflows.UpdateCompleteStep: {Label: "Chuyển bước xử lý tiếp theo", Button: "Chuyển bước tiếp theo",
		Produces: "Không lập văn bản; việc bàn giao được ghi vào " + documentLabels["control_sheet"] + ".",
		Fields:   []string{"note"}, NoteLabel: "Ý kiến xử lý"},
	workflows.UpdateConsult: {Label: "Xin ý kiến đơn vị phối hợp", Button: "Gửi xin ý kiến", Class: "secondary",
		Produces: "Không lập văn bản; các đơn vị được hỏi nhận việc trong danh sách hồ sơ cần xử lý của mình.",
		Fields:   []string{"units", "note"}, NoteLabel: "Nội dung xin ý kiến"},
	workflows.UpdateAnswerConsult: {Label: "Trả lời xin ý kiến", Button: "Gửi ý kiến",
		Produces: "Không lập văn bản; ý kiến được ghi vào quá trình giải quyết hồ sơ.",
		Fields:   []string{"answer"}},
	workflows.UpdateSendBack: {Label: "Trả lại bước trước", Button: "Trả lại", Class: "secondary",
		Produces: "Không lập văn bản; việc trả lại được ghi vào " + documentLabels["control_sheet"] + ".",
		Fields:   []string{"note"}, NoteLabel: "Lý do trả lại", NoteRequired: true},
	workflows.UpdateRecall: {Label: "Thu hồi hồ sơ đã chuyển", Button: "Thu hồi", Class: "secondary",
		Produces: "Không lập văn bản; hồ sơ quay về bước của bạn nếu người nhận chưa xử lý.",
		Fields:   []string{"note"}, NoteLabel: "Lý do thu hồi"},
	workflows.UpdateSubmitForSigning: {Label: "Trình ký", Button: "Trình ký",
		Produces: documentLabels["draft_result"] + " được lập để lãnh đạo xem xét, ký số.",
		Fields:   []string{"note"}, NoteLabel: "Nội dung trình"},
	workflows.UpdateSign: {Label: "Ký số kết quả", Button: "Ký số",
		Produces: documentLabels["result"] + ", ký bằng chữ ký số của bạn; sau đó văn thư cấp số, đóng dấu.",
		Fields:   []string{"pin"}},
	workflows.UpdateReturnForRework: {Label: "Trả lại để xử lý lại", Button: "Trả lại", Class: "secondary",
		Produces: "Không lập văn bản; hồ sơ quay về bước trước với ý kiến của bạn.",
		Fields:   []string{"note"}, NoteLabel: "Ý kiến chỉ đạo", NoteRequired: true},
	workflows.UpdateIssue: {Label: "Cấp số, đóng dấu, phát hành", Button: "Cấp số và đóng dấu",
		Produces: documentLabels["result"] + " được cấp số văn bản và đóng dấu (chữ ký số của cơ quan)."},
	workflows.UpdateReturnResult: {Label: "Trả kết quả", Button: "Trả kết quả",
		Produces: documentLabels["control_sheet"] + "; hồ sơ được lưu trữ.",
		Fields:   []string{"note"}, NoteLabel: "Ghi chú (hình thức trả, người nhận)"},
	workflows.UpdateStop: {Label: "Dừng giải quyết hồ sơ", Button: "Dừng giải quyết", Class: "warning",
		Produces: documentLabels["stop_notice"] + ", nêu rõ lý do.",
		Fields:   []string{"note"}, NoteLabel: "Lý do dừng giải quyết", NoteRequired: true},
	workflows.UpdateApologize: {Label: "Xin lỗi và hẹn lại ngày trả kết quả", Button: "Gửi văn bản xin lỗi", Class: "secondary",
		Produces: documentLabels["apology"] + ", với ngày hẹn trả mới (chỉ được hẹn lại một lần).",
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
	Missing, Units                      []string
}

// staffDossierView is a dossier as a member of staff works on it.
type staffDossierView struct {
	D        DossierDetail
	StepName string
	Bucket   string
	Answers  []answerSection
	Files    []staffFile
	Sheet    []sheetRow
	Actions  []actionForm
	Final    bool
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
func (s *server) staffDossier(r *http.Request, a motcua.Actor, code motcua.DossierCode, posted *postedAction, errs []pageError) (staffDossierView, error) {
	ctx := r.Context()
	dd, v, err := s.dossier(ctx, a, code)
	if err != nil {
		return staffDossierView{}, err
	}
	sv := staffDossierView{D: dd, Final: dd.Status.Final()}
	p, perr := s.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	steps := map[string]forms.Step{}
	if perr == nil {
		for _, st := range p.Steps {
			steps[st.ID] = st
		}
	}
	sv.StepName = steps[v.Step].Name
	if sv.StepName == "" {
		sv.StepName = v.Step
	}
	if dd.DueAt != nil && dd.FinishedAt == nil && !dd.Status.Final() {
		now := s.Now()
		switch {
		case dd.DueAt.Before(now):
			sv.Bucket = store.BucketOverdue
		case dd.DueAt.Before(s.soon(now)):
			sv.Bucket = store.BucketDueSoon
		default:
			sv.Bucket = store.BucketOnTime
		}
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

	// Only who handed the dossier on may recall it: the last hand-over's person.
	handedBy := ""
	for i := len(dd.History) - 1; i >= 0; i-- {
		if handOvers[dd.History[i].Action] {
			handedBy = dd.History[i].ActorName
			break
		}
	}
	for _, name := range dd.Allowed {
		spec, ok := actionSpecs[name]
		if !ok || !mayOffer(a, name, v.HolderUnitPath) || (name == workflows.UpdateRecall && handedBy != a.Name) {
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
				for i, uc := range steps[v.Step].Consult {
					label := uc
					if u, err := s.Store.UnitByCode(ctx, uc); err == nil {
						label = u.Name
					}
					in.Options = append(in.Options, selectOption{ID: fmt.Sprintf("%s-%d", in.ID, i), Value: uc, Label: label,
						Selected: slices.Contains(pa.Units, uc)})
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

// handOvers are the history's actions that hand a dossier to another step.
var handOvers = map[string]bool{"transfer": true, "ready": true, workflows.UpdateCompleteStep: true,
	workflows.UpdateSubmitForSigning: true, workflows.UpdateSendBack: true, workflows.UpdateRecall: true,
	workflows.UpdateReturnForRework: true, workflows.UpdateSign: true}

// mayOffer says whether the dossier page offers decision name to a: only what a's roles
// could take at the unit holding the dossier. It is a courtesy, not the check: the
// workflow's validator decides.
func mayOffer(a motcua.Actor, name, holderPath string) bool {
	in := motcua.Scope{UnitPath: holderPath}
	can := func(p motcua.Permission, sc motcua.Scope) bool { return motcua.Authorize(a, p, sc) == nil }
	switch name {
	case workflows.UpdateSign, workflows.UpdateReturnForRework:
		return can(motcua.PermSign, in)
	case workflows.UpdateIssue:
		return can(motcua.PermIssue, in)
	case workflows.UpdateAnswerConsult:
		return can(motcua.PermActOnDossier, motcua.Scope{})
	case workflows.UpdateRecall:
		return can(motcua.PermActOnDossier, motcua.Scope{}) || can(motcua.PermSign, motcua.Scope{})
	case workflows.UpdateStop, workflows.UpdateApologize, workflows.UpdateCompleteStep, workflows.UpdateSubmitForSigning,
		workflows.UpdateConsult, workflows.UpdateSendBack:
		return can(motcua.PermActOnDossier, in) || can(motcua.PermSign, in)
	}
	return can(motcua.PermActOnDossier, in)
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

func (s *server) showStaffDossier(w http.ResponseWriter, r *http.Request, code motcua.DossierCode, status int, posted *postedAction, errs []pageError) {
	a, _ := actorFrom(r.Context())
	sv, err := s.staffDossier(r, a, code, posted, errs)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	d := s.page(r, "Hồ sơ "+string(sv.D.Code))
	d.Errors = errs
	d.Data = sv
	s.show(w, status, "staff-dossier", d)
}

// pageStaffDossier is a dossier as staff work on it: the form data, attachments,
// history, control sheet, documents and the decisions possible now.
func (s *server) pageStaffDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showStaffDossier(w, r, codeParam(r), http.StatusOK, nil, nil)
	}
}

// apologyHour is the hour of the new appointment an apology gives: the end of the
// working day the clerk picks.
const apologyHour = 17

// readActionForm reads a decision from the dossier page's form.
func readActionForm(r *http.Request) (actionRequest, postedAction, []pageError) {
	name := r.PostFormValue("action")
	pa := postedAction{Action: name, Note: r.PostFormValue("note"), Answer: r.PostFormValue("answer"),
		NewDue: strings.TrimSpace(r.PostFormValue("newDue")), Other: r.PostFormValue("other"),
		Missing: r.PostForm["missing"], Units: r.PostForm["units"]}
	req := actionRequest{Action: name, Note: pa.Note, Answer: pa.Answer, PIN: r.PostFormValue("pin"), Units: pa.Units,
		RequestID: r.PostFormValue("requestId")}
	req.Missing = append(req.Missing, pa.Missing...)
	for _, line := range strings.Split(pa.Other, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Missing = append(req.Missing, line)
		}
	}
	if len(req.RequestID) > 64 {
		req.RequestID = ""
	}
	if name == workflows.UpdateApologize {
		if pa.NewDue == "" {
			return req, pa, []pageError{{Field: name + "-newDue", Message: "Vui lòng chọn ngày hẹn trả mới."}}
		}
		day, err := parseDay(pa.NewDue)
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

// pageStaffAction takes a decision from the dossier page through s.act, as POST
// /api/v1/dossiers/{code}/actions does. A decision the workflow refuses shows the page
// again with the reason; nothing has changed.
func (s *server) pageStaffAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		code := codeParam(r)
		// Someone who may not read the dossier learns nothing about it, not even
		// whether the decision would be allowed.
		if _, _, err := s.dossier(r.Context(), a, code); err != nil {
			s.showError(w, r, err)
			return
		}
		req, posted, errs := readActionForm(r)
		if errs != nil {
			s.showStaffDossier(w, r, code, http.StatusUnprocessableEntity, &posted, errs)
			return
		}
		if _, err := s.act(r.Context(), a, code, req); err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			pe := errorsOf(err, nil)
			if motcua.ErrorCode(err) == motcua.EINVALID {
				pe[0].Field = actionFieldID(req.Action)
				if req.Action == workflows.UpdateConsult || req.Action == workflows.UpdateRequestSupplement {
					pe[0].Field += "-0"
				}
			}
			label := req.Action
			if spec, ok := actionSpecs[req.Action]; ok {
				label = spec.Label
			}
			pe[0].Message = label + ": " + pe[0].Message
			s.showStaffDossier(w, r, code, statusOf(motcua.ErrorCode(err)), &posted, pe)
			return
		}
		ok := "done"
		if req.Action == workflows.UpdateSign {
			ok = "signed"
		}
		if next := afterAction(r.PostFormValue("next")); next != "" {
			http.Redirect(w, r, next+"?ok="+ok, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(code))+"?ok="+ok, http.StatusSeeOther)
	}
}

// queueView is the leader's signing queue, and the outcome of a batch just signed.
type queueView struct {
	Items     []store.QueueItem
	Results   []queueResult
	Signed    int
	RequestID string
	Chosen    map[motcua.DossierCode]bool // still ticked after a refusal
}

type queueResult struct {
	Code    motcua.DossierCode
	OK      bool
	Skipped bool
	Message string
}

// pageSigningQueue lists the dossiers awaiting the leader's signature; its form signs
// the chosen ones with the PIN through s.actBatch, as POST /api/v1/actions does, and
// shows what happened to each.
func (s *server) pageSigningQueue() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		qv := queueView{Chosen: map[motcua.DossierCode]bool{}}
		var errs []pageError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			var codes []motcua.DossierCode
			for _, c := range r.PostForm["codes"] {
				codes = append(codes, motcua.DossierCode(c))
			}
			rid := r.PostFormValue("requestId")
			if len(rid) > 64 {
				rid = ""
			}
			res, err := s.actBatch(r.Context(), a, batchRequest{Codes: codes,
				actionRequest: actionRequest{Action: workflows.UpdateSign, PIN: r.PostFormValue("pin"), RequestID: rid}})
			if err != nil {
				if !shownError(err) {
					s.showError(w, r, err)
					return
				}
				errs = errorsOf(err, map[string]string{"codes": "chon-0"})
				status = statusOf(motcua.ErrorCode(err))
			}
			for _, br := range res {
				qr := queueResult{Code: br.Code, OK: br.OK}
				qv.Chosen[br.Code] = !br.OK
				if br.OK {
					qv.Signed++
				} else if br.Error != nil {
					qr.Message, qr.Skipped = br.Error.Title, br.Error.Code == "skipped"
					if status == http.StatusOK {
						status = br.Error.Status
					}
					e := pageError{Field: "kq-" + string(br.Code), Message: "Hồ sơ " + string(br.Code) + ": " + br.Error.Title}
					if !qr.Skipped && len(errs) == 0 {
						e.Field = "pin" // the first refusal stops the batch: most often the PIN
					}
					if !qr.Skipped {
						errs = append(errs, e)
					}
				}
				qv.Results = append(qv.Results, qr)
			}
		}
		items, err := s.Store.SigningQueue(r.Context(), a.UnitPath, 200)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		qv.Items, qv.RequestID = items, newRequestID()
		for i := range errs {
			if errs[i].Field == "chon-0" && len(items) == 0 {
				errs[i].Field = "" // nothing left to choose: the error cannot point at a checkbox
			}
		}
		d := s.page(r, "Hồ sơ trình ký")
		d.Errors = errs
		if qv.Signed > 0 && len(errs) == 0 {
			d.Notice = fmt.Sprintf("Đã ký số %d hồ sơ.", qv.Signed)
		}
		d.Data = qv
		s.show(w, status, "signing-queue", d)
	}
}
