package web

import (
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
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

type catalogPage struct {
	Query, Domain string
	Domains       []string
	Items         []*forms.Procedure
}

func (s *Site) pageCatalog() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, domain := r.URL.Query().Get("q"), r.URL.Query().Get("linh-vuc")
		cp := catalogPage{Query: q, Domain: domain}
		// A logged-in applicant is offered only the procedures it may submit: a citizen
		// no procedure for agencies, an organization's representative none for citizens.
		a, in := httpx.ActorFrom(r.Context())
		for _, p := range s.Catalog.Search(q, domain) {
			if in && a.Has(motcua.RoleCitizen) && !a.MayApply(p.ApplicantKinds) {
				continue
			}
			cp.Items = append(cp.Items, p)
		}
		for _, p := range s.Catalog.Procedures() {
			if !slices.Contains(cp.Domains, p.Domain) {
				cp.Domains = append(cp.Domains, p.Domain)
			}
		}
		slices.Sort(cp.Domains)
		d := s.page(r, "Thủ tục hành chính")
		d.Data = cp
		s.show(w, http.StatusOK, "catalog", d)
	}
}

// redirectFormer sends a request naming a procedure by a code it had before (a
// provisional G09.* code since replaced by the national one) to the same page under the
// current code, permanently, and reports whether it did.
func (s *Site) redirectFormer(w http.ResponseWriter, r *http.Request) bool {
	old := chi.URLParam(r, "code")
	code, renamed := s.Catalog.Resolve(old)
	if !renamed {
		return false
	}
	u := *r.URL
	u.Path = strings.Replace(u.Path, "/thu-tuc/"+old, "/thu-tuc/"+code, 1)
	u.RawPath = ""
	status := http.StatusMovedPermanently
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status = http.StatusPermanentRedirect // the form's POST stays a POST
	}
	http.Redirect(w, r, u.RequestURI(), status)
	return true
}

// procedureFor is the procedure in force named in the URL, or a 404.
func (s *Site) procedureFor(r *http.Request) (*forms.Procedure, error) {
	code := chi.URLParam(r, "code")
	p, err := s.Catalog.At(code, s.Now())
	if err != nil {
		return nil, motcua.Errorf(motcua.ENOTFOUND, "Không có thủ tục mã %s, hoặc thủ tục không còn hiệu lực.", code)
	}
	return p, nil
}

func (s *Site) pageProcedure() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.redirectFormer(w, r) {
			return
		}
		p, err := s.procedureFor(r)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		d := s.page(r, p.Name)
		d.Data = p
		s.show(w, http.StatusOK, "procedure", d)
	}
}

// formPage is the e-form page's data.
type formPage struct {
	Procedure *forms.Procedure
	Sections  []sectionView
	// Draft is set when the form shows what the citizen saved earlier.
	Draft bool
	// Part and Parts number the page of a long form (one section a page); 0 when the
	// whole form is on one page.
	Part, Parts int
	Action      string // where the form posts
	Back        string // the previous part, if any
}

// longForm is the number of fields above which a form gets one page per section, as
// the GOV.UK Design System advises for long forms.
const longForm = 12

// parts splits the form into its pages: one per section for a long form, else one.
func parts(f forms.Form) [][]forms.Section {
	n := 0
	for _, sec := range f.Sections {
		n += len(sec.Fields)
	}
	if n <= longForm || len(f.Sections) < 2 {
		return [][]forms.Section{f.Sections}
	}
	out := make([][]forms.Section, len(f.Sections))
	for i, sec := range f.Sections {
		out[i] = []forms.Section{sec}
	}
	return out
}

// partOf is the (1-based) page of a long form holding the value at a JSON pointer.
func partOf(f forms.Form, path string) int {
	key, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	for i, ps := range parts(f) {
		for _, sec := range ps {
			for _, fd := range sec.Fields {
				if fd.Key == key {
					return i + 1
				}
			}
		}
	}
	return 1
}

// inPart keeps the errors about the fields of one page.
func inPart(f forms.Form, part int, errs []forms.FieldError) []forms.FieldError {
	var out []forms.FieldError
	for _, e := range errs {
		if e.Path == "" || partOf(f, e.Path) == part {
			out = append(out, e)
		}
	}
	return out
}

func formURL(p *forms.Procedure, part int, query string) string {
	u := "/thu-tuc/" + url.PathEscape(p.Code) + "/nop"
	if part > 0 {
		u += "?muc=" + strconv.Itoa(part)
		if query != "" {
			u += "&" + query
		}
	} else if query != "" {
		u += "?" + query
	}
	return u
}

// pageForm shows the e-form, or one part of a long one, and takes it back: "save"
// keeps a draft as it is, "add:PATH" adds an item to a group, "continue" checks the
// fields shown and, when they are valid, keeps them and goes to the next part or, after
// the last, to the check-your-answers page. Every part is merged into the draft, so a
// citizen can stop and come back.
func (s *Site) pageForm() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.redirectFormer(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.procedureFor(r)
		if err == nil {
			err = motcua.CheckApplicant(a, p.ApplicantKinds)
		}
		if err != nil {
			s.showError(w, r, err)
			return
		}
		all := parts(p.Form)
		part := 0 // the whole form on one page
		if len(all) > 1 {
			part, _ = strconv.Atoi(r.URL.Query().Get("muc"))
			part = min(max(part, 1), len(all))
		}
		shown := p.Form
		if part > 0 {
			shown.Sections = all[part-1]
		}
		draft, hasDraft, err := s.Dossiers.Draft(r.Context(), a, p.Code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		data := map[string]any{}
		if hasDraft {
			data = draft.Data
		} else {
			prefill(p.Form, data, a)
		}
		d := s.page(r, p.Name)
		// "This is the draft you saved" only where this page holds saved answers: a part
		// reached by "Tiếp tục" for the first time was never saved.
		fp := formPage{Procedure: p, Draft: hasDraft && r.Method == http.MethodGet && holdsAnswers(shown, data),
			Part: part, Parts: len(all), Action: formURL(p, part, "")}
		if part > 1 {
			fp.Back = formURL(p, part-1, "")
		}
		status := http.StatusOK
		extra := map[string]int{}
		var errs []forms.FieldError
		if r.Method == http.MethodPost {
			pf, err := s.readForm(r, a, shown.Sections)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			before := s.reusedFiles(r.Context(), a, p, data)
			for _, sec := range shown.Sections { // this page's answers replace the draft's
				for _, fd := range sec.Fields {
					delete(data, fd.Key)
					if v, ok := pf.Data[fd.Key]; ok {
						data[fd.Key] = v
					}
				}
			}
			// Documents chosen from the applicant's store: attached by reference, their
			// fields filled; a refusal is shown on its chooser like a refused upload.
			pf.UploadErrors = append(pf.UploadErrors, s.applyReuse(r, a, p, data, before)...)
			switch pf.Action {
			case "add":
				extra[pf.Add] = 1
			case "reuse":
				// "Dùng giấy tờ đã chọn": the page again, filled from the document, the
				// choice kept in the draft.
				if _, err := s.Dossiers.SaveDraft(r.Context(), a, p.Code, data); err != nil {
					s.showError(w, r, err)
					return
				}
			case "save":
				if _, err := s.Dossiers.SaveDraft(r.Context(), a, p.Code, data); err != nil {
					s.showError(w, r, err)
					return
				}
				if len(pf.UploadErrors) == 0 {
					http.Redirect(w, r, formURL(p, part, "ok=draft"), http.StatusSeeOther)
					return
				}
				// Saved, but a file was refused: say which, on the page.
			default:
				_, errs = p.ValidateMap(data)
				if part > 0 {
					errs = inPart(p.Form, part, errs)
				}
				errs = append(pf.UploadErrors, errs...)
				if len(errs) == 0 {
					if _, err := s.Dossiers.SaveDraft(r.Context(), a, p.Code, data); err != nil {
						s.showError(w, r, err)
						return
					}
					next := "/thu-tuc/" + url.PathEscape(p.Code) + "/kiem-tra"
					if part > 0 && part < len(all) {
						next = formURL(p, part+1, "")
					}
					http.Redirect(w, r, next, http.StatusSeeOther)
					return
				}
				status = http.StatusUnprocessableEntity
			}
			if len(pf.UploadErrors) > 0 && len(errs) == 0 {
				errs, status = pf.UploadErrors, http.StatusUnprocessableEntity
			}
		}
		fp.Sections = s.withReuse(r.Context(), a, p, withLimits(p, formView(shown, data, errs, s.Dossiers.FilesOf(r.Context(), a, p.Form, data), extra)), data, errs)
		d.Errors = pageErrors(errs)
		d.Data = fp
		s.show(w, status, "form", d)
	}
}

// prefill fills the fields the catalog marks with what the applicant's account says.
func prefill(f forms.Form, data map[string]any, a motcua.Actor) {
	for _, sec := range f.Sections {
		for _, fd := range sec.Fields {
			if fd.Prefill == forms.PrefillAccountName && a.Name != "" {
				data[fd.Key] = a.Name
			}
		}
	}
}

// holdsAnswers reports whether data has a value for a field of f.
func holdsAnswers(f forms.Form, data map[string]any) bool {
	for _, sec := range f.Sections {
		for _, fd := range sec.Fields {
			if _, ok := data[fd.Key]; ok {
				return true
			}
		}
	}
	return false
}

// answer is one line of the check-your-answers page.
type answer struct {
	Section, Label, Value string
	Change                string // the input on the form's page: URL#id
}

type checkPage struct {
	Procedure *forms.Procedure
	Answers   []answer
	Token     string
}

// pageCheck shows the answers before they are sent and submits them, through the
// same submit service as POST /api/v1/dossiers, with the draft's token as the
// Idempotency-Key: a second click answers the same dossier.
func (s *Site) pageCheck() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.redirectFormer(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.procedureFor(r)
		if err == nil {
			err = motcua.CheckApplicant(a, p.ApplicantKinds)
		}
		if err != nil {
			s.showError(w, r, err)
			return
		}
		draft, ok, err := s.Dossiers.Draft(r.Context(), a, p.Code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			token := r.PostFormValue("token")
			if !ok || token != draft.Token {
				// Already submitted (the draft is gone) or a stale page: the dossier
				// made from this token, if any, is in "my dossiers".
				if res, done, err := s.repeatedSubmission(r, a, token); err == nil && done {
					http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(res))+"/da-nop", http.StatusSeeOther)
					return
				}
				s.showError(w, r, motcua.Errorf(motcua.ECONFLICT, "Biểu mẫu này đã được nộp hoặc đã thay đổi. Hãy xem lại «Hồ sơ của tôi» trước khi nộp lại."))
				return
			}
			body, err := json.Marshal(draft.Data)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			res, _, err := s.Dossiers.Submit(r.Context(), a, draft.Token, dossiers.SubmitRequest{Procedure: p.Code, FormData: body})
			if err != nil {
				var fe dossiers.FieldErrors
				if errors.As(err, &fe) {
					// The answers are refused at submission (a file of the wrong type for
					// its component, a file gone, a new version): show them on the part of
					// the form holding the first error.
					s.showFormErrors(w, r, a, p, draft.Data, fe)
					return
				}
				s.showError(w, r, err)
				return
			}
			_ = s.Dossiers.DeleteDraft(r.Context(), a, p.Code, draft.Token)
			http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(res.Code))+"/da-nop", http.StatusSeeOther)
			return
		}
		if !ok {
			http.Redirect(w, r, "/thu-tuc/"+url.PathEscape(p.Code)+"/nop", http.StatusSeeOther)
			return
		}
		cp := checkPage{Procedure: p, Token: draft.Token,
			Answers: answers(p.Form, draft.Data, s.Dossiers.FilesOf(r.Context(), a, p.Form, draft.Data), func(path string) string {
				part := 0
				if len(parts(p.Form)) > 1 {
					part = partOf(p.Form, path)
				}
				return formURL(p, part, "") + "#" + fieldID(path)
			})}
		d := s.page(r, "Kiểm tra thông tin trước khi nộp")
		d.Data = cp
		s.show(w, http.StatusOK, "check", d)
	}
}

// showFormErrors shows the part of the form holding the first of errs, with them all in
// the error summary (linked to their inputs where that part has them).
func (s *Site) showFormErrors(w http.ResponseWriter, r *http.Request, a motcua.Actor, p *forms.Procedure,
	data map[string]any, errs []forms.FieldError) {
	// The submission names a refused file by its ID: point at the field holding it.
	at := filePaths(p.Form, data)
	errs = slices.Clone(errs)
	for i, e := range errs {
		if id, ok := strings.CutPrefix(e.Path, "/files/"); ok && at[id] != "" {
			errs[i].Path = at[id]
		}
	}
	part := firstPart(p.Form, errs)
	all := parts(p.Form)
	shown := p.Form
	if part > 0 {
		shown.Sections = all[part-1]
	}
	pe := pageErrors(errs)
	for i, e := range errs {
		if !hasField(shown, e.Path) {
			pe[i].Field = ""
		}
	}
	d := s.page(r, p.Name)
	d.Errors = pe
	d.Data = formPage{Procedure: p, Part: part, Parts: len(all), Action: formURL(p, part, ""),
		Sections: s.withReuse(r.Context(), a, p, withLimits(p, formView(shown, data, errs, s.Dossiers.FilesOf(r.Context(), a, p.Form, data), nil)), data, errs)}
	s.show(w, http.StatusUnprocessableEntity, "form", d)
}

// hasField reports whether the value at a JSON pointer belongs to a field of f.
func hasField(f forms.Form, path string) bool {
	key, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	for _, sec := range f.Sections {
		for _, fd := range sec.Fields {
			if fd.Key == key {
				return true
			}
		}
	}
	return false
}

// firstPart is the page of the form to go back to for errs: the part of the first
// error of a long form, else the only page.
func firstPart(f forms.Form, errs []forms.FieldError) int {
	if len(parts(f)) == 1 {
		return 0
	}
	part := len(parts(f))
	for _, e := range errs {
		part = min(part, partOf(f, e.Path))
	}
	return part
}

// repeatedSubmission finds the dossier a's earlier submission with idempotency key
// token made.
func (s *Site) repeatedSubmission(r *http.Request, a motcua.Actor, token string) (motcua.DossierCode, bool, error) {
	if token == "" {
		return "", false, nil
	}
	return s.Dossiers.SubmittedBy(r.Context(), a, token)
}

// answers lists the form's answers in the order of the form.
func answers(f forms.Form, data map[string]any, files map[string]store.File, link func(path string) string) []answer {
	var out []answer
	var walk func(sec string, fs []forms.Field, m map[string]any, path, prefix string)
	walk = func(sec string, fs []forms.Field, m map[string]any, path, prefix string) {
		for _, fd := range fs {
			p := path + "/" + fd.Key
			v := m[fd.Key]
			switch fd.Kind {
			case forms.KindGroup:
				list, _ := v.([]any)
				for i, it := range list {
					im, _ := it.(map[string]any)
					label := fd.ItemLabel
					if label == "" {
						label = fd.Label
					}
					walk(sec, fd.Fields, im, p+"/"+itoa(i), prefix+label+" "+itoa(i+1)+": ")
				}
			case forms.KindAddress:
				im, _ := v.(map[string]any)
				var bits []string
				for _, sub := range fd.Fields {
					if x := str(im[sub.Key]); x != "" {
						bits = append(bits, x)
					}
				}
				out = append(out, answer{Section: sec, Label: prefix + fd.Label, Value: strings.Join(bits, ", "), Change: link(p + "/" + fd.Fields[0].Key)})
			case forms.KindFile:
				var names []string
				for _, id := range forms.FileIDs(v) {
					if f, ok := files[id]; ok {
						names = append(names, f.Name)
					}
				}
				out = append(out, answer{Section: sec, Label: prefix + fd.Label, Value: strings.Join(names, ", "), Change: link(p)})
			case forms.KindYesNo:
				val := ""
				if b, ok := v.(bool); ok {
					val = map[bool]string{true: "Có", false: "Không"}[b]
				}
				out = append(out, answer{Section: sec, Label: prefix + fd.Label, Value: val, Change: link(p)})
			case forms.KindChoice:
				val := str(v)
				for _, o := range fd.Options {
					if o.Value == val {
						val = o.Label
					}
				}
				out = append(out, answer{Section: sec, Label: prefix + fd.Label, Value: val, Change: link(p)})
			default:
				out = append(out, answer{Section: sec, Label: prefix + fd.Label, Value: display(fd.Kind, v), Change: link(p)})
			}
		}
	}
	for _, sec := range f.Sections {
		walk(sec.Title, sec.Fields, data, "", "")
	}
	return out
}

func itoa(i int) string { return str(i) }

type submittedPage struct {
	Dossier dossiers.DossierDetail
	Receipt string
}

// pageSubmitted is the confirmation: the dossier code, the appointment, the receipt.
func (s *Site) pageSubmitted() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		dd, err := s.Dossiers.Dossier(r.Context(), a, motcua.DossierCode(chi.URLParam(r, "code")))
		if err != nil {
			s.showError(w, r, err)
			return
		}
		sp := submittedPage{Dossier: dd}
		for _, doc := range dd.Documents {
			if doc.Kind == motcua.DocReceipt {
				sp.Receipt = "/api/v1/dossiers/" + string(dd.Code) + "/receipt"
			}
		}
		d := s.page(r, "Đã nộp hồ sơ")
		d.Data = sp
		s.show(w, http.StatusOK, "submitted", d)
	}
}

func (s *Site) pageMyDossiers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.MyDossiers(r.Context(), a)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		d := s.page(r, "Hồ sơ của tôi")
		d.Data = items
		s.show(w, http.StatusOK, "my-dossiers", d)
	}
}

// storedRow is a document of the applicant's store as the store's page shows it.
type storedRow struct {
	store.StoredDocument
	Expired bool
}

// pageMyDocuments shows the applicant's document store (kho dữ liệu điện tử), each
// document with whether it may be reused (revoked, replaced and expired ones may not;
// the signature is checked again when one is chosen).
func (s *Site) pageMyDocuments() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		docs, err := s.Dossiers.MyDocuments(r.Context(), a, nil)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		// Expired is judged as reuse judges it: valid_until before today's Vietnam date.
		today := s.Dossiers.Now().In(motcua.Vietnam).Format("2006-01-02")
		rows := make([]storedRow, len(docs))
		for i, doc := range docs {
			rows[i] = storedRow{StoredDocument: doc, Expired: doc.ValidUntil != nil && doc.ValidUntil.UTC().Format("2006-01-02") < today}
		}
		d := s.page(r, "Kho giấy tờ điện tử của tôi")
		d.Data = rows
		s.show(w, http.StatusOK, "my-documents", d)
	}
}

// myDossierPage is a dossier as its applicant sees it.
type myDossierPage struct {
	Dossier     dossiers.DossierDetail
	Procedure   *forms.Procedure
	Owner       bool
	CanSupply   bool
	CanWithdraw bool
	Result      *store.DocumentInfo
	// Notifications are what the applicant was told about this dossier (the outbox;
	// e-mailed too when mail is configured).
	Notifications []store.Notification
	// RequestID names the supplement form's answer, so a double click sends it once.
	RequestID string
	// Answers are what the applicant submitted in the e-form, in the form's order;
	// Files every file attached to the dossier, by component.
	Answers []answer
	Files   []dossierFile
	// CanRate: the applicant may rate the handling now (returned, not rated yet);
	// Rating is their rating once given; RatingForm the form's radio groups.
	CanRate       bool
	Rating        *ratingShown
	RatingForm    []ratingGroup
	RatingComment string
}

// ratingGroup is one radio group of the rating form: the overall level or a criterion.
type ratingGroup struct {
	ID, Name, Legend string
	Optional         bool
	Options          []ratingOption
}

type ratingOption struct {
	ID, Value, Label string
	Checked          bool
}

// ratingShown is a given rating as its applicant reads it back.
type ratingShown struct {
	Score    string
	Criteria []string // "criterion: level"
	Comment  string
}

// ratingForm builds the rating form's groups with the values sent (form), if any.
func ratingForm(form url.Values) []ratingGroup {
	group := func(id, name, legend string, optional bool) ratingGroup {
		g := ratingGroup{ID: id, Name: name, Legend: legend, Optional: optional}
		for _, l := range motcua.RatingLevels() {
			v := strconv.Itoa(int(l))
			g.Options = append(g.Options, ratingOption{ID: id + "-" + v, Value: v, Label: l.Label(), Checked: form.Get(name) == v})
		}
		return g
	}
	out := []ratingGroup{group("danh-gia-chung", "score", "Mức độ hài lòng chung về việc giải quyết hồ sơ", false)}
	for _, c := range motcua.RatingCriteria() {
		out = append(out, group("danh-gia-"+string(c), "criterion-"+string(c), c.Label(), true))
	}
	return out
}

func showRating(r store.Rating) *ratingShown {
	out := &ratingShown{Score: motcua.RatingLevel(r.Score).Label(), Comment: r.Comment}
	for _, c := range motcua.RatingCriteria() {
		if l, ok := r.Criteria[string(c)]; ok {
			out.Criteria = append(out.Criteria, c.Label()+": "+motcua.RatingLevel(l).Label())
		}
	}
	return out
}

// dossierFile is an attachment as the applicant sees it on their dossier.
type dossierFile struct {
	store.File
	ComponentName string
}

func (s *Site) myDossierData(r *http.Request, a motcua.Actor, code motcua.DossierCode) (myDossierPage, error) {
	dd, err := s.Dossiers.Dossier(r.Context(), a, code)
	if err != nil {
		return myDossierPage{}, err
	}
	mp := myDossierPage{Dossier: dd, Owner: dd.FollowedBy(a), RequestID: newRequestID()}
	mp.Procedure, _ = s.Catalog.Version(dd.Procedure, dd.ProcedureVersion)
	mp.CanSupply = mp.Owner && mp.Procedure != nil && dd.Status == motcua.StatusSupplementRequested
	mp.CanWithdraw = mp.Owner && slices.Contains([]motcua.Status{motcua.StatusSubmitted, motcua.StatusReceived,
		motcua.StatusInReview, motcua.StatusSupplementRequested}, dd.Status)
	if mp.Owner {
		if mp.Notifications, err = s.Dossiers.DossierNotifications(r.Context(), a, dd); err != nil {
			return myDossierPage{}, err
		}
	}
	if mp.Owner && (dd.Status == motcua.StatusReturned || dd.Status == motcua.StatusArchived) {
		rating, rated, err := s.Dossiers.Rating(r.Context(), a, code)
		if err != nil {
			return myDossierPage{}, err
		}
		if rated {
			mp.Rating = showRating(rating)
		} else {
			mp.CanRate, mp.RatingForm, mp.RatingComment = true, ratingForm(r.PostForm), r.PostForm.Get("comment")
		}
	}
	if mp.Owner && mp.Procedure != nil {
		var data map[string]any
		if len(dd.FormData) > 0 {
			if err := json.Unmarshal(dd.FormData, &data); err != nil {
				return myDossierPage{}, fmt.Errorf("form data of %s: %w", code, err)
			}
		}
		files := map[string]store.File{}
		for _, f := range dd.Files {
			files[f.ID] = f
		}
		mp.Answers = answers(mp.Procedure.Form, data, files, func(string) string { return "" })
		for _, f := range dd.Files {
			df := dossierFile{File: f, ComponentName: f.Component}
			if c, ok := mp.Procedure.Component(f.Component); ok {
				df.ComponentName = c.Name
			}
			mp.Files = append(mp.Files, df)
		}
	}
	for i := range dd.Documents {
		if dd.Documents[i].Kind == motcua.DocResult && dd.Documents[i].Signed && dd.Documents[i].Number != "" {
			mp.Result = &dd.Documents[i]
		}
	}
	return mp, nil
}

func (s *Site) pageMyDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		mp, err := s.myDossierData(r, a, motcua.DossierCode(chi.URLParam(r, "code")))
		if err != nil {
			s.showError(w, r, err)
			return
		}
		d := s.page(r, "Hồ sơ "+string(mp.Dossier.Code))
		d.Data = mp
		s.show(w, http.StatusOK, "dossier", d)
	}
}

// pageSupplement takes the applicant's answer to a supplement request: files per
// component and a note, through the same service as the JSON API.
func (s *Site) pageSupplement() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		var req dossiers.SupplementRequest
		var errs []pageError
		req.Note = r.PostFormValue("note")
		req.RequestID = r.PostFormValue("requestId")
		if r.MultipartForm != nil {
			comp := r.PostFormValue("component")
			for _, fh := range r.MultipartForm.File["files"] {
				f, err := s.storeUploaded(r.Context(), a, fh)
				if err != nil {
					errs = append(errs, pageError{Field: "bo-sung-tep", Message: "Tệp «" + fh.Filename + "»: " + motcua.ErrorMessage(err)})
					continue
				}
				req.Files = append(req.Files, store.SubmittedFile{ID: f.ID, Component: comp})
			}
		}
		if len(errs) == 0 {
			_, err := s.Dossiers.Supplement(r.Context(), a, code, req)
			if err == nil {
				http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(code))+"?ok=supplement", http.StatusSeeOther)
				return
			}
			if c := motcua.ErrorCode(err); c != motcua.EINVALID && c != motcua.ECONFLICT {
				s.showError(w, r, err)
				return
			}
			errs = append(errs, pageError{Field: "bo-sung-tep", Message: motcua.ErrorMessage(err)})
		}
		mp, err := s.myDossierData(r, a, code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		d := s.page(r, "Hồ sơ "+string(code))
		d.Errors, d.Data = errs, mp
		s.show(w, http.StatusUnprocessableEntity, "dossier", d)
	}
}

// pageRate takes the applicant's rating from the dossier page's form, through the
// same service as POST /api/v1/dossiers/{code}/rating.
func (s *Site) pageRate() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		req := dossiers.RateRequest{Criteria: map[string]int{}, Comment: r.PostFormValue("comment")}
		var errs []pageError
		if v := r.PostFormValue("score"); v != "" {
			req.Score, _ = strconv.Atoi(v)
		}
		if req.Score == 0 {
			errs = append(errs, pageError{Field: "danh-gia-chung-5", Message: "Vui lòng chọn mức độ hài lòng chung."})
		}
		for _, c := range motcua.RatingCriteria() {
			if v := r.PostFormValue("criterion-" + string(c)); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					n = -1 // the service refuses it with its message
				}
				req.Criteria[string(c)] = n
			}
		}
		if len(errs) == 0 {
			_, err := s.Dossiers.Rate(r.Context(), a, code, req)
			if err == nil {
				http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(code))+"?ok=rated#danh-gia", http.StatusSeeOther)
				return
			}
			if c := motcua.ErrorCode(err); c != motcua.EINVALID && c != motcua.ECONFLICT {
				s.showError(w, r, err)
				return
			}
			errs = append(errs, pageError{Field: "danh-gia-chung-5", Message: motcua.ErrorMessage(err)})
		}
		mp, err := s.myDossierData(r, a, code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		d := s.page(r, "Hồ sơ "+string(code))
		d.Errors, d.Data = errs, mp
		s.show(w, http.StatusUnprocessableEntity, "dossier", d)
	}
}

// withdrawPage asks the applicant to confirm a withdrawal, which cannot be undone.
type withdrawPage struct {
	Dossier dossiers.DossierDetail
	Note    string
}

// pageWithdraw withdraws the dossier once the applicant confirmed it: the dossier page's
// button leads to a page that says what withdrawing means and asks again.
func (s *Site) pageWithdraw() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		code := motcua.DossierCode(chi.URLParam(r, "code"))
		if r.PostFormValue("confirm") != "yes" {
			mp, err := s.myDossierData(r, a, code)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			if !mp.CanWithdraw {
				s.showError(w, r, motcua.Errorf(motcua.ECONFLICT, "Hồ sơ %s không rút được ở trạng thái hiện tại.", code))
				return
			}
			d := s.page(r, "Xác nhận rút hồ sơ")
			d.Data = withdrawPage{Dossier: mp.Dossier, Note: strings.TrimSpace(r.PostFormValue("note"))}
			s.show(w, http.StatusOK, "withdraw", d)
			return
		}
		if _, err := s.Dossiers.Withdraw(r.Context(), a, code, r.PostFormValue("note")); err != nil {
			mp, rerr := s.myDossierData(r, a, code)
			if rerr != nil || motcua.ErrorCode(err) == motcua.EINTERNAL {
				s.showError(w, r, err)
				return
			}
			d := s.page(r, "Hồ sơ "+string(code))
			d.Errors, d.Data = []pageError{{Message: motcua.ErrorMessage(err)}}, mp
			s.show(w, httpx.StatusOf(motcua.ErrorCode(err)), "dossier", d)
			return
		}
		http.Redirect(w, r, "/ho-so/"+url.PathEscape(string(code))+"?ok=withdrawn", http.StatusSeeOther)
	}
}

// lookupPage is the public lookup: a dossier's status by its code and the applicant's
// personal ID number, nothing more (no names, no form data).
type lookupPage struct {
	Code, IDNumber string
	Found          *store.DossierSummary
	Searched       bool
}

func (s *Site) pageLookup() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := s.page(r, "Tra cứu hồ sơ")
		lp := lookupPage{}
		status := http.StatusOK
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 4096)
			lp.Code = strings.TrimSpace(r.PostFormValue("code"))
			lp.IDNumber = strings.TrimSpace(r.PostFormValue("id_number"))
			switch {
			case !s.lookupLimit.Allow(httpx.ClientIP(r)):
				d.Errors = []pageError{{Message: "Bạn đã tra cứu quá nhiều lần. Vui lòng chờ một phút rồi thử lại."}}
				status = http.StatusTooManyRequests
			case lp.Code == "" || lp.IDNumber == "":
				if lp.Code == "" {
					d.Errors = append(d.Errors, pageError{Field: "code", Message: "Hãy nhập mã hồ sơ."})
				}
				if lp.IDNumber == "" {
					d.Errors = append(d.Errors, pageError{Field: "id_number", Message: "Hãy nhập số định danh cá nhân của người nộp."})
				}
				status = http.StatusUnprocessableEntity
			case !validIDNumber(lp.IDNumber, s.Now()):
				// Only a personal ID number finds a dossier: any other value written in a
				// form (a name, a province, a choice) would let a stranger read statuses.
				d.Errors = append(d.Errors, pageError{Field: "id_number", Message: "Số định danh cá nhân phải gồm đúng 12 chữ số, như trên căn cước."})
				status = http.StatusUnprocessableEntity
			default:
				lp.Searched = true
				found, err := s.Dossiers.Lookup(r.Context(), motcua.DossierCode(lp.Code), lp.IDNumber)
				if err != nil && motcua.ErrorCode(err) != motcua.ENOTFOUND {
					s.showError(w, r, err)
					return
				}
				if err == nil {
					lp.Found = &found
				} else {
					status = http.StatusNotFound
				}
			}
		}
		d.Data = lp
		s.show(w, status, "lookup", d)
	}
}

// validIDNumber reports whether v is a personal identification number (CCCD).
func validIDNumber(v string, now time.Time) bool {
	_, err := forms.ParseCCCD(v, now)
	return err == nil
}

// verifyPage shows the report of a PDF's signatures: one uploaded, or one of ours
// found by the code its QR link carries.
type verifyPage struct {
	Code     string
	Document *store.Document
	Dossier  motcua.DossierCode
	Report   *dossiers.VerifyReport
	// Issued says whether the document, one of ours, is still in force.
	Issued *dossiers.IssuedStatus
}

func (s *Site) pageVerify() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := s.page(r, "Xác thực văn bản điện tử")
		vp := verifyPage{Code: strings.TrimSpace(r.URL.Query().Get("ma"))}
		status := http.StatusOK
		var data []byte
		// Every verification reads and checks a whole PDF: each counts, by file or by code.
		if (r.Method == http.MethodPost || vp.Code != "") && !s.HTTP.VerifyLimit.Allow(httpx.ClientIP(r)) {
			d.Errors = []pageError{{Message: "Bạn đã xác thực quá nhiều lần. Vui lòng chờ một phút rồi thử lại."}}
			d.Data = vp
			w.Header().Set("Retry-After", s.HTTP.VerifyLimit.RetryAfter())
			s.show(w, http.StatusTooManyRequests, "verify", d)
			return
		}
		switch {
		case r.Method == http.MethodPost:
			b, err := httpx.ReadPDF(w, r)
			if err != nil {
				d.Errors = []pageError{{Field: "file", Message: motcua.ErrorMessage(err)}}
				status = httpx.StatusOf(motcua.ErrorCode(err))
				break
			}
			data = b
		case vp.Code != "":
			doc, code, err := s.Dossiers.VerifiedDocument(r.Context(), vp.Code)
			if err != nil {
				if motcua.ErrorCode(err) != motcua.ENOTFOUND {
					s.showError(w, r, err)
					return
				}
				// One answer for every ID that names nothing, whatever its shape: the
				// page is no oracle for guessed codes.
				d.Errors = []pageError{{Message: motcua.ErrorMessage(err)}}
				status = http.StatusNotFound
				break
			}
			vp.Document, vp.Dossier, data = &doc, code, doc.Data
		}
		if data != nil {
			rep, err := s.Dossiers.Verify(r.Context(), data)
			if err != nil {
				d.Errors = []pageError{{Field: "file", Message: motcua.ErrorMessage(err)}}
				status = httpx.StatusOf(motcua.ErrorCode(err))
			} else {
				vp.Report, vp.Issued = &rep, rep.Issued
			}
		}
		d.Data = vp
		s.show(w, status, "verify", d)
	}
}
