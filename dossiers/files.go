package dossiers

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// MaxUpload is the largest file an applicant may upload; components may allow less.
const MaxUpload = 20 << 20

// Codes of refused uploads, beside motcua's: the HTTP layer answers ETOOLARGE and
// EUPLOADQUOTA with 413, EUPLOADRATE with 429.
const (
	ETOOLARGE    = "too_large"    // a file or body over its size limit
	EUPLOADQUOTA = "upload_quota" // the person's unattached uploads would pass their quota
	EUPLOADRATE  = "upload_rate"  // the person uploaded too many files in the last minute
)

// DefaultUploadLimits bound one person's uploads: 30 a minute (an e-form's components,
// several times over), and 200 MB waiting for a dossier (ten files of the largest
// size). Files attached to a dossier no longer count for the quota; files never
// attached are purged after a day (activities.DefaultOrphanFilesAfter).
var DefaultUploadLimits = store.UploadLimits{PendingBytes: 200 << 20, PerWindow: 30, Window: time.Minute}

// uploadTypes are the file types the catalog's components accept, decided from content.
var uploadTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// sniff decides a file's type from its first bytes, never from its name.
func sniff(data []byte) string {
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return mt
}

// errTooLarge refuses a file over MaxUpload.
var errTooLarge = &motcua.Error{Code: ETOOLARGE, Field: "file", Message: fmt.Sprintf("Tệp vượt quá %d MB.", MaxUpload>>20)}

// StoreFile checks an uploaded file (size, type from its content, name) and stores it
// as a's, not yet attached to a dossier, within a's upload limits (Deps.Uploads). The
// API's upload and the pages' both use it.
func (s *Service) StoreFile(ctx context.Context, a motcua.Actor, filename string, data []byte) (store.File, error) {
	if len(data) > MaxUpload {
		return store.File{}, errTooLarge
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
	lim := s.Uploads
	if lim == (store.UploadLimits{}) {
		lim = DefaultUploadLimits
	}
	f, err := s.Store.CreateFileWithin(ctx, a.UserID, FileName(filename, ext), mt, data, lim)
	switch {
	case errors.Is(err, store.ErrUploadRate):
		return store.File{}, &motcua.Error{Code: EUPLOADRATE, Field: "file", Err: err, Message: fmt.Sprintf(
			"Bạn đã tải lên quá nhiều tệp trong thời gian ngắn (tối đa %d tệp mỗi phút). Vui lòng chờ một phút rồi thử lại.", lim.PerWindow)}
	case errors.Is(err, store.ErrUploadQuota):
		return store.File{}, &motcua.Error{Code: EUPLOADQUOTA, Field: "file", Err: err, Message: fmt.Sprintf(
			"Các tệp bạn đã tải lên nhưng chưa nộp kèm hồ sơ nào đã đến giới hạn %d MB. Hãy nộp hồ sơ với các tệp đó, "+
				"hoặc chờ: tệp không được nộp sẽ tự xóa sau một ngày.", lim.PendingBytes>>20)}
	}
	return f, err
}

// maxFileName bounds a stored file name, in bytes.
const maxFileName = 200

// FileName is the name an upload is stored, shown and downloaded under: the base of
// what the client sent, cleaned by CleanName, ending in the extension of the type
// decided from the content (ext: ".pdf", ".jpg", ".png"; ".jpeg" stands for ".jpg"), so
// that no name can pass a file off as another type.
func FileName(filename, ext string) string {
	name := CleanName(filename)
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == "/" {
		name = ""
	}
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ext) && !(ext == ".jpg" && strings.HasSuffix(lower, ".jpeg")) {
		name += ext
	}
	if len(name) > maxFileName || name == ext {
		name = "tep" + ext
	}
	return name
}

// CleanName is a name fit to show and to offer as a download's name: valid UTF-8 in
// NFC, without control or format characters. Bidirectional overrides (U+202E) would show
// "fdp.exe" as "exe.pdf"; zero-width characters would make two names look alike.
func CleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	return norm.NFC.String(name)
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
				for _, id := range forms.FileIDs(m[fd.Key]) {
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
		if rec.ReusedFrom != "" {
			// A document of the store is checked again at submission: revoked, expired
			// or altered since it was chosen, it is refused with the reason.
			d, data, err := s.Store.StoredDocument(ctx, a.UserID, rec.ReusedFrom)
			if err == nil {
				err = s.checkReusable(d, data)
			}
			if err != nil {
				errs = append(errs, forms.FieldError{Path: "/files/" + f.ID, Code: "file.reuse", Message: motcua.ErrorMessage(err)})
				continue
			}
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
