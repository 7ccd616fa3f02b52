package web

import (
	"context"
	"net/http"
	"strings"

	"motcua"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/store"
)

// The e-form offers, beside each component that takes them, the applicant's stored
// documents of an accepted type ("Dùng giấy tờ đã có trong kho"). Choosing one attaches
// it by reference (dossiers.ReuseDocument: checked again, refused with the reason) and
// fills the fields the catalog fills from it, on the server: the page works without
// JavaScript. The chooser is posted as "<file field path>/reuse"; it is shown at the
// file field, and also above the fields it fills when those come on an earlier part of
// a long form.

// reuseView is the chooser of stored documents for one component.
type reuseView struct {
	ID, Name, Hint, Error string
	None                  bool // "do not use one": checked when no document is chosen
	Options               []reuseOption
}

type reuseOption struct {
	ID, Value, Label, Detail, Refused string
	Checked                           bool
}

// reuseInput is the name of the chooser posted for a file field.
func reuseInput(fileKey string) string { return "/" + fileKey + "/reuse" }

// withReuse adds the choosers of stored documents to the page's fields, marks the
// fields held to a chosen document read-only, and leaves reused files out of the
// file fields' list of uploads (the chooser shows them).
func (s *Site) withReuse(ctx context.Context, a motcua.Actor, p *forms.Procedure, secs []sectionView, data map[string]any, errs []forms.FieldError) []sectionView {
	offers, err := s.Dossiers.ReuseOffers(ctx, a, p)
	if err != nil {
		s.Log.ErrorContext(ctx, "offer stored documents", "procedure", p.Code, "err", err)
		return secs
	}
	chosen, err := s.Dossiers.ChosenDocuments(ctx, a, p, data)
	if err != nil {
		s.Log.ErrorContext(ctx, "documents chosen from the store", "procedure", p.Code, "err", err)
	}
	errAt := map[string]string{}
	for _, e := range errs {
		if _, ok := errAt[e.Path]; !ok {
			errAt[e.Path] = e.Message
		}
	}
	shown := map[string]bool{}
	for _, sec := range secs {
		for _, fv := range sec.Fields {
			shown[fv.Name] = true
		}
	}
	placed := map[string]bool{}
	for i := range secs {
		for j := range secs[i].Fields {
			fv := &secs[i].Fields[j]
			key := strings.TrimPrefix(fv.Name, "/")
			if fv.Kind == forms.KindFile {
				c, ok := p.Component(fv.Component)
				if !ok || len(c.Reuse) == 0 {
					continue
				}
				var uploads []store.File
				for _, f := range fv.Files {
					if f.ReusedFrom == "" {
						uploads = append(uploads, f)
					}
				}
				fv.Files = uploads
				fv.Reuse = chooser(p, c, key, offers[c.ID], chosen, errAt)
				placed[c.ID] = true
				continue
			}
			fd, ok := fieldOfForm(p.Form, key)
			if !ok || fd.FromDocument == nil {
				continue
			}
			comp := fd.FromDocument.Component
			if d, ok := chosen[comp]; ok && !fd.FromDocument.Editable && dossiers.DocumentValue(d, fd.FromDocument.Attribute) != "" {
				fv.HeldBy = d.Name
				held := "Điền từ giấy tờ «" + d.Name + "» đã chọn trong kho dữ liệu điện tử, không sửa được; muốn ghi khác, hãy chọn «Không dùng giấy tờ trong kho»."
				if fv.Help == "" {
					fv.Help = held
				} else {
					fv.Help += " " + held
				}
			}
			file, ok := p.Form.FileFieldOf(comp)
			c, _ := p.Component(comp)
			if !ok || shown["/"+file.Key] || placed[comp] || len(offers[comp]) == 0 {
				continue
			}
			fv.Reuse = chooser(p, c, file.Key, offers[comp], chosen, errAt)
			placed[comp] = true
		}
	}
	return secs
}

// chooser builds the chooser of component c (file field fileKey).
func chooser(p *forms.Procedure, c forms.Component, fileKey string, offers []dossiers.ReuseOffer,
	chosen map[string]store.StoredDocument, errAt map[string]string) *reuseView {
	name := reuseInput(fileKey)
	rv := &reuseView{ID: fieldID(name), Name: name, Error: errAt[name],
		Hint: "Giấy tờ đã được cấp cho bạn hoặc đã được tiếp nhận trong hồ sơ trước: chọn một giấy tờ thì không phải tải tệp lên cho thành phần «" + c.Name + "»."}
	if len(offers) == 0 {
		rv.Hint = "Kho dữ liệu điện tử của bạn chưa có giấy tờ dùng được cho thành phần này."
	}
	var fills []string
	for _, fd := range p.Form.FilledFrom(c.ID) {
		fills = append(fills, "«"+fd.Label+"»")
	}
	if len(fills) > 0 && len(offers) > 0 {
		rv.Hint += " Giấy tờ được chọn sẽ tự điền " + strings.Join(fills, ", ") + "."
	}
	cur, has := chosen[c.ID]
	rv.None = !has
	for i, o := range offers {
		d := o.Document
		detail := []string{}
		if d.Number != "" {
			detail = append(detail, "Số "+d.Number)
		}
		if d.Issuer != "" {
			detail = append(detail, d.Issuer)
		}
		detail = append(detail, "cấp ngày "+d.IssuedAt.In(motcua.Vietnam).Format("02/01/2006"))
		switch {
		case d.Revoked != nil:
		case d.ValidUntil != nil:
			detail = append(detail, "hiệu lực đến ngày "+d.ValidUntil.UTC().Format("02/01/2006"))
		default:
			detail = append(detail, "không thời hạn")
		}
		rv.Options = append(rv.Options, reuseOption{ID: rv.ID + "-" + itoa(i+1), Value: d.ID, Label: d.Name,
			Detail: strings.Join(detail, "; ") + ".", Refused: o.Refused, Checked: has && cur.ID == d.ID})
	}
	return rv
}

// fieldOfForm finds a top-level field of f by key.
func fieldOfForm(f forms.Form, key string) (forms.Field, bool) {
	for _, fd := range f.Fields() {
		if fd.Key == key {
			return fd, true
		}
	}
	return forms.Field{}, false
}

// reusedFiles maps, for each file field of p whose component takes stored documents,
// the stored documents its files in data refer to, to those files.
func (s *Site) reusedFiles(ctx context.Context, a motcua.Actor, p *forms.Procedure, data map[string]any) map[string]map[string]string {
	out := map[string]map[string]string{}
	var ids []string
	for _, c := range p.Components {
		if fd, ok := p.Form.FileFieldOf(c.ID); ok && len(c.Reuse) > 0 {
			ids = append(ids, forms.FileIDs(data[fd.Key])...)
		}
	}
	if len(ids) == 0 {
		return out
	}
	files, err := s.Dossiers.Store.OwnFiles(ctx, a.UserID, ids)
	if err != nil {
		s.Log.ErrorContext(ctx, "files of a form", "err", err)
		return out
	}
	for _, c := range p.Components {
		fd, ok := p.Form.FileFieldOf(c.ID)
		if !ok || len(c.Reuse) == 0 {
			continue
		}
		for _, id := range forms.FileIDs(data[fd.Key]) {
			if f, ok := files[id]; ok && f.ReusedFrom != "" {
				if out[fd.Key] == nil {
					out[fd.Key] = map[string]string{}
				}
				out[fd.Key][f.ReusedFrom] = id
			}
		}
	}
	return out
}

// applyReuse takes the choosers posted with the page into data: a document chosen
// anew is attached by reference (refused with its reason, nothing attached, when it may
// not be reused), one chosen before keeps its file, "do not use one" takes it off. The
// fields filled from a chosen document are then filled. before are the reused files of
// the data before this post (reusedFiles). It returns the refusals, on the choosers.
func (s *Site) applyReuse(r *http.Request, a motcua.Actor, p *forms.Procedure, data map[string]any,
	before map[string]map[string]string) []forms.FieldError {
	ctx := r.Context()
	var errs []forms.FieldError
	now := s.reusedFiles(ctx, a, p, data)
	fresh := map[string]bool{} // components whose document was chosen just now
	for _, c := range p.Components {
		fd, ok := p.Form.FileFieldOf(c.ID)
		name := reuseInput(fd.Key)
		vals, posted := r.PostForm[name]
		if !ok || len(c.Reuse) == 0 || !posted {
			continue
		}
		choice := strings.TrimSpace(vals[0])
		// The field's files without those it refers to by reference.
		var ids []any
		reused := map[string]bool{}
		for _, id := range now[fd.Key] {
			reused[id] = true
		}
		for _, id := range forms.FileIDs(data[fd.Key]) {
			if !reused[id] {
				ids = append(ids, id)
			}
		}
		if choice != "" {
			if id, ok := before[fd.Key][choice]; ok {
				ids = append(ids, id)
			} else if id, ok := now[fd.Key][choice]; ok {
				ids = append(ids, id)
			} else {
				f, err := s.Dossiers.ReuseDocument(ctx, a, choice, dossiers.ReuseRequest{Procedure: p.Code, Component: c.ID})
				if err != nil {
					errs = append(errs, forms.FieldError{Path: name, Code: "reuse",
						Message: fd.Label + ": " + lowerFirst(motcua.ErrorMessage(err))})
				} else {
					ids = append(ids, f.ID)
					fresh[c.ID] = true
				}
			}
		}
		if len(ids) > 0 {
			data[fd.Key] = ids
		} else {
			delete(data, fd.Key)
		}
	}
	chosen, err := s.Dossiers.ChosenDocuments(ctx, a, p, data)
	if err != nil {
		s.Log.ErrorContext(ctx, "documents chosen from the store", "procedure", p.Code, "err", err)
		return errs
	}
	dossiers.FillFromDocuments(p, chosen, data, false)
	now2 := map[string]store.StoredDocument{}
	for comp, d := range chosen {
		if fresh[comp] {
			now2[comp] = d
		}
	}
	dossiers.FillFromDocuments(p, now2, data, true)
	return errs
}
