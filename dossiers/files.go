package dossiers

import (
	"context"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// MaxUpload is the largest file an applicant may upload; components may allow less.
const MaxUpload = 20 << 20

// uploadTypes are the file types the catalog's components accept, decided from content.
var uploadTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// sniff decides a file's type from its first bytes, never from its name.
func sniff(data []byte) string {
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return mt
}

// StoreFile checks an uploaded file (size, type from its content, name) and stores it
// as a's, not yet attached to a dossier. The API's upload and the pages' both use it.
func (s *Service) StoreFile(ctx context.Context, a motcua.Actor, filename string, data []byte) (store.File, error) {
	if len(data) > MaxUpload {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp vượt quá 20 MB."}
	}
	if len(data) == 0 {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp rỗng."}
	}
	mt := sniff(data)
	ext, ok := uploadTypes[mt]
	if !ok {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file",
			Message: "Chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp gửi lên không phải các loại này)."}
	}
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(filename, "\\", "/")))
	if name == "" || name == "." || name == "/" || len(name) > 200 {
		name = "tep" + ext
	}
	return s.Store.CreateFile(ctx, a.UserID, name, mt, data)
}

// FilesOf returns a's files named in a form's data, by ID, for showing them; a failure
// to read them is logged and shows none.
func (s *Service) FilesOf(ctx context.Context, a motcua.Actor, f forms.Form, data map[string]any) map[string]store.File {
	refs := fileRefs(f, data)
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.ID
	}
	out, err := s.Store.OwnFiles(ctx, a.UserID, ids)
	if err != nil {
		s.Log.ErrorContext(ctx, "read the files of a form", "err", err)
		return map[string]store.File{}
	}
	return out
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
func (s *Service) checkFiles(ctx context.Context, a motcua.Actor, p *forms.Procedure, files []store.SubmittedFile) error {
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
