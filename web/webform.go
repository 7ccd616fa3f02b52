package web

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"motcua"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/store"
)

// This file turns a procedure's e-form schema into HTML inputs and a posted HTML form
// back into the JSON object the validator and POST /api/v1/dossiers take. Inputs are
// named by the JSON pointer of their value ("/founders/1/idNumber"), so the
// validator's error paths name the input they are about; ids are the same pointer made
// safe for HTML ("f-founders-1-idNumber").

// fieldView is one input (or group of inputs) on the page.
type fieldView struct {
	ID, Name, Label, Help, Placeholder string
	Kind                               forms.Kind
	Required                           bool
	Value                              string
	Error                              string
	MaxLength                          int
	Options                            []optionView
	Sub                                []fieldView // an address's parts
	Items                              []itemView  // a group's items
	ItemLabel                          string
	CanAdd                             bool
	Files                              []store.File // a file field's uploaded files
	Component                          string
	Accept                             string
	// Reuse is the chooser of the applicant's stored documents shown before the field
	// (its component's, or the one the field is filled from); HeldBy names the chosen
	// document the field is held to (read-only).
	Reuse  *reuseView
	HeldBy string
}

type optionView struct {
	Value, Label string
	Checked      bool
}

type itemView struct {
	Label  string
	Fields []fieldView
}

type sectionView struct {
	ID, Title, Help string
	Fields          []fieldView
}

// fieldID is the HTML id of the value at JSON pointer path.
func fieldID(path string) string {
	return "f" + strings.NewReplacer("/", "-", "~", "_").Replace(path)
}

// formView builds the inputs of form f filled with data, the validator's errors beside
// them. files are the applicant's uploaded files by ID.
func formView(f forms.Form, data map[string]any, errs []forms.FieldError, files map[string]store.File, extra map[string]int) []sectionView {
	byPath := map[string]string{}
	for _, e := range errs {
		if _, ok := byPath[e.Path]; !ok {
			byPath[e.Path] = e.Message
		}
	}
	var out []sectionView
	for _, sec := range f.Sections {
		sv := sectionView{ID: sec.ID, Title: sec.Title, Help: sec.Help}
		for _, fd := range sec.Fields {
			sv.Fields = append(sv.Fields, fieldOf(fd, "/"+fd.Key, data[fd.Key], byPath, files, extra))
		}
		out = append(out, sv)
	}
	return out
}

func fieldOf(fd forms.Field, path string, v any, errs map[string]string, files map[string]store.File, extra map[string]int) fieldView {
	fv := fieldView{ID: fieldID(path), Name: path, Label: fd.Label, Help: fd.Help, Placeholder: fd.Placeholder, Kind: fd.Kind,
		Required: fd.Required, Error: errs[path], MaxLength: fd.MaxLength, Component: fd.Component}
	switch fd.Kind {
	case forms.KindChoice:
		cur := str(v)
		for _, o := range fd.Options {
			fv.Options = append(fv.Options, optionView{Value: o.Value, Label: o.Label, Checked: o.Value == cur})
		}
	case forms.KindYesNo:
		b, isBool := v.(bool)
		fv.Options = []optionView{{Value: "true", Label: "Có", Checked: isBool && b}, {Value: "false", Label: "Không", Checked: isBool && !b}}
	case forms.KindAddress:
		m, _ := v.(map[string]any)
		for _, sub := range fd.Fields {
			fv.Sub = append(fv.Sub, fieldOf(sub, path+"/"+sub.Key, m[sub.Key], errs, files, extra))
		}
	case forms.KindGroup:
		list, _ := v.([]any)
		n := max(len(list), fd.MinItems, 1) + extra[path]
		if fd.MaxItems > 0 && n > fd.MaxItems {
			n = fd.MaxItems
		}
		fv.CanAdd = fd.MaxItems == 0 || n < fd.MaxItems
		fv.ItemLabel = fd.ItemLabel
		if fv.ItemLabel == "" {
			fv.ItemLabel = fd.Label
		}
		for i := range n {
			var m map[string]any
			if i < len(list) {
				m, _ = list[i].(map[string]any)
			}
			it := itemView{Label: fmt.Sprintf("%s %d", fv.ItemLabel, i+1)}
			for _, sub := range fd.Fields {
				p := fmt.Sprintf("%s/%d/%s", path, i, sub.Key)
				it.Fields = append(it.Fields, fieldOf(sub, p, m[sub.Key], errs, files, extra))
			}
			fv.Items = append(fv.Items, it)
		}
	case forms.KindFile:
		for _, id := range forms.FileIDs(v) {
			if f, ok := files[id]; ok {
				fv.Files = append(fv.Files, f)
			}
		}
		fv.Accept = "application/pdf,image/jpeg,image/png"
	default:
		fv.Value = display(fd.Kind, v)
	}
	return fv
}

// withLimits tells, beside each file input, what its component takes: the types and
// the size of one file, and how many photos, from the component Accepts checks against.
// A help text of the catalog that states a size is replaced, so the page cannot say two
// different limits.
func withLimits(p *forms.Procedure, secs []sectionView) []sectionView {
	var fix func(fs []fieldView)
	fix = func(fs []fieldView) {
		for i := range fs {
			fv := &fs[i]
			fix(fv.Sub)
			for j := range fv.Items {
				fix(fv.Items[j].Fields)
			}
			c, ok := p.Component(fv.Component)
			if fv.Kind != forms.KindFile || !ok {
				continue
			}
			limit := c.Limits()
			if c.ImagesOnly() && c.Count > 1 {
				limit += fmt.Sprintf(" Cần %d ảnh, mỗi ảnh một tệp.", c.Count)
			}
			if fv.Help == "" || strings.Contains(fv.Help, " MB") || strings.Contains(fv.Help, " KB") {
				fv.Help = limit
			} else {
				fv.Help += " " + limit
			}
			fv.Accept = strings.Join(c.MimeTypes, ",")
		}
	}
	for i := range secs {
		fix(secs[i].Fields)
	}
	return secs
}

// display writes a value as the citizen typed it: dates as dd/mm/yyyy.
func display(k forms.Kind, v any) string {
	s := str(v)
	if k == forms.KindDate && len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
	}
	return s
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// postedForm is what a citizen sent from the e-form page.
type postedForm struct {
	Data map[string]any
	// Add is the group asked to grow by one item ("add another"), if any.
	Add string
	// Action is what the citizen pressed: "continue" (check and go on) or "save" (draft).
	Action string
	// UploadErrors are the files that could not be stored, by field path.
	UploadErrors []forms.FieldError
}

// maxFormPost bounds the e-form page's request: the files of every component plus the
// fields.
const maxFormPost = 4*dossiers.MaxUpload + 1<<20

// readForm reads the posted e-form of f: each input named by its JSON pointer, files
// uploaded beside the file fields and stored as the applicant's.
func (s *Site) readForm(r *http.Request, a motcua.Actor, sections []forms.Section) (postedForm, error) {
	if err := parsePageForm(r); err != nil { // pageAuth parsed it; this is for other callers
		return postedForm{}, err
	}
	pf := postedForm{Data: map[string]any{}, Action: r.PostFormValue("action")}
	if add, ok := strings.CutPrefix(pf.Action, "add:"); ok {
		pf.Add, pf.Action = add, "add"
	}
	for _, sec := range sections {
		for _, fd := range sec.Fields {
			if v, ok := s.readValue(r, a, fd, "/"+fd.Key, &pf); ok {
				pf.Data[fd.Key] = v
			}
		}
	}
	return pf, nil
}

func (s *Site) readValue(r *http.Request, a motcua.Actor, fd forms.Field, path string, pf *postedForm) (any, bool) {
	switch fd.Kind {
	case forms.KindAddress:
		m := map[string]any{}
		for _, sub := range fd.Fields {
			if v, ok := s.readValue(r, a, sub, path+"/"+sub.Key, pf); ok {
				m[sub.Key] = v
			}
		}
		return m, len(m) > 0
	case forms.KindGroup:
		n, _ := strconv.Atoi(r.PostFormValue(path + "/count"))
		n = min(max(n, 0), 500)
		var list []any
		for i := range n {
			m := map[string]any{}
			for _, sub := range fd.Fields {
				if v, ok := s.readValue(r, a, sub, fmt.Sprintf("%s/%d/%s", path, i, sub.Key), pf); ok {
					m[sub.Key] = v
				}
			}
			if len(m) > 0 {
				list = append(list, m)
			}
		}
		return list, len(list) > 0
	case forms.KindFile:
		var ids []string
		for _, id := range r.PostForm[path] {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File[path+"/upload"] {
				f, err := s.storeUploaded(r.Context(), a, fh)
				if err != nil {
					pf.UploadErrors = append(pf.UploadErrors, forms.FieldError{Path: path, Code: "format.file",
						Message: fd.Label + ": tệp «" + fh.Filename + "» " + lowerFirst(motcua.ErrorMessage(err))})
					continue
				}
				ids = append(ids, f.ID)
			}
		}
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out, len(ids) > 0
	case forms.KindYesNo:
		switch r.PostFormValue(path) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return nil, false
	default: // text; numbers and amounts too, which the validator reads ("5.000.000 đồng")
		v := strings.TrimSpace(r.PostFormValue(path))
		return v, v != ""
	}
}

// storeUploaded stores one file of the e-form page by the API's rules.
func (s *Site) storeUploaded(ctx context.Context, a motcua.Actor, fh *multipart.FileHeader) (store.File, error) {
	if fh.Size > dossiers.MaxUpload {
		return store.File{}, motcua.Errorf(dossiers.ETOOLARGE, "Tệp vượt quá %d MB.", dossiers.MaxUpload>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return store.File{}, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, dossiers.MaxUpload+1))
	if err != nil {
		return store.File{}, fmt.Errorf("read upload: %w", err)
	}
	return s.Dossiers.StoreFile(ctx, a, fh.Filename, data)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// pageErrors turns the validator's errors into the error summary's entries, in the
// order of the page.
func pageErrors(errs []forms.FieldError) []pageError {
	out := make([]pageError, 0, len(errs))
	for _, e := range errs {
		id := ""
		if e.Path != "" {
			id = fieldID(e.Path)
		}
		out = append(out, pageError{Field: id, Message: e.Message})
	}
	return out
}

// filePaths maps each file ID in data to the JSON pointer of the file field holding it.
func filePaths(f forms.Form, data map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(fs []forms.Field, m map[string]any, prefix string)
	walk = func(fs []forms.Field, m map[string]any, prefix string) {
		for _, fd := range fs {
			path := prefix + "/" + fd.Key
			switch fd.Kind {
			case forms.KindFile:
				for _, id := range forms.FileIDs(m[fd.Key]) {
					out[id] = path
				}
			case forms.KindGroup:
				items, _ := m[fd.Key].([]any)
				for i, it := range items {
					if im, ok := it.(map[string]any); ok {
						walk(fd.Fields, im, fmt.Sprintf("%s/%d", path, i))
					}
				}
			}
		}
	}
	for _, sec := range f.Sections {
		walk(sec.Fields, data, "")
	}
	return out
}
