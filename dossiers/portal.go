package dossiers

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"motcua"
	"motcua/forms"
	"motcua/internal/portal"
	"motcua/internal/store"
)

// Limits of a dossier filed from the national portal (PortalDossier): the body as a
// whole, its files, and the portal's dossier code.
const (
	MaxPortalBody  = 4*MaxUpload*4/3 + 1<<20 // four largest files, base64, and the form
	MaxPortalFiles = 20
)

// EREFUSED is the code of a portal dossier refused as a whole (unknown procedure, a
// portal code reused with another content): the portal reads it, never retries it.
const EREFUSED = "refused"

// PortalDossier is a dossier filed on the national public-service portal, as its
// inbound call delivers it (docs/INTAKE.md): the portal's own dossier code, the
// procedure's national code, the applicant, the e-form's data, and the files inline.
// The form's file fields name files by their "ref".
type PortalDossier struct {
	PortalCode string          `json:"portalCode"`
	Procedure  string          `json:"procedure"`
	Applicant  store.Applicant `json:"applicant"`
	FormData   json.RawMessage `json:"formData"`
	Files      []PortalFile    `json:"files,omitempty"`
}

// PortalFile is one file of a portal dossier: its ref in the form data, its name, its
// content in base64 or the URL of the file on the portal's host (exactly one of the
// two), and whether the portal digitized it from paper.
type PortalFile struct {
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	Content   string `json:"content,omitempty"`
	URL       string `json:"url,omitempty"`
	Digitized bool   `json:"digitized,omitempty"`
	Copy      bool   `json:"copy,omitempty"`
}

// maxPortalFileURL bounds the URL of a file by reference.
const maxPortalFileURL = 2048

// FileFetcher fetches a portal dossier's file by reference (internal/portal.Client):
// only an http(s) URL on the configured portal's host, at most max bytes, within a
// timeout. It answers portal.ErrFileURL, portal.ErrFileNotFound or
// portal.ErrFileTooLarge for those refusals; any other error is an outage.
type FileFetcher interface {
	FetchFile(ctx context.Context, url string, max int64) ([]byte, error)
}

// portalFileContent is the content of a portal dossier's i-th file: decoded when inline,
// fetched when by reference. Every refusal is a *motcua.Error naming the field.
func (s *Service) portalFileContent(ctx context.Context, i int, f PortalFile) ([]byte, error) {
	if f.URL == "" {
		data, err := base64.StdEncoding.DecodeString(f.Content)
		if err != nil || len(data) == 0 || len(data) > MaxUpload {
			return nil, &motcua.Error{Code: motcua.EINVALID, Field: fmt.Sprintf("files/%d/content", i),
				Message: "Nội dung tệp phải là base64 của một tệp không rỗng, tối đa " + fmt.Sprint(MaxUpload>>20) + " MB.", Err: err}
		}
		return data, nil
	}
	field := fmt.Sprintf("files/%d/url", i)
	if s.Files == nil {
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Field: field,
			Message: "Chưa kết nối được Cổng Dịch vụ công quốc gia để tải tệp theo địa chỉ. Vui lòng gửi lại sau."}
	}
	data, err := s.Files.FetchFile(ctx, f.URL, MaxUpload)
	switch {
	case errors.Is(err, portal.ErrFileURL):
		return nil, &motcua.Error{Code: EREFUSED, Field: field,
			Message: "Chỉ nhận tệp theo địa chỉ http(s) trên máy chủ của Cổng Dịch vụ công quốc gia.", Err: err}
	case errors.Is(err, portal.ErrFileNotFound):
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: field, Message: "Không có tệp tại địa chỉ đã gửi.", Err: err}
	case errors.Is(err, portal.ErrFileTooLarge):
		return nil, &motcua.Error{Code: ETOOLARGE, Field: field, Message: fmt.Sprintf("Tệp vượt quá %d MB.", MaxUpload>>20), Err: err}
	case err != nil:
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Field: field,
			Message: "Không tải được tệp từ Cổng Dịch vụ công quốc gia. Vui lòng gửi lại sau.", Err: err}
	case len(data) == 0:
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: field, Message: "Tệp tại địa chỉ đã gửi rỗng."}
	}
	return data, nil
}

var portalCodeRE = regexp.MustCompile(`^[0-9A-Za-z.\-_/]{1,60}$`)

// DecodePortalDossier reads a portal dossier from r, bounded to MaxPortalBody bytes: one
// JSON object with only the known fields, and its codes and files within their limits.
// Every refusal is a *motcua.Error (EINVALID, or ETOOLARGE) naming the field at fault.
func DecodePortalDossier(r io.Reader) (PortalDossier, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxPortalBody+1))
	if err != nil {
		return PortalDossier{}, fmt.Errorf("read portal dossier: %w", err)
	}
	if len(body) > MaxPortalBody {
		return PortalDossier{}, &motcua.Error{Code: ETOOLARGE, Message: "Hồ sơ gửi từ Cổng vượt quá kích thước cho phép."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var d PortalDossier
	if err := dec.Decode(&d); err != nil {
		return PortalDossier{}, &motcua.Error{Code: motcua.EINVALID, Message: "Nội dung không phải một hồ sơ JSON hợp lệ.", Err: err}
	}
	if dec.More() {
		return PortalDossier{}, &motcua.Error{Code: motcua.EINVALID, Message: "Sau hồ sơ còn dữ liệu thừa."}
	}
	bad := func(field, msg string) (PortalDossier, error) {
		return PortalDossier{}, &motcua.Error{Code: motcua.EINVALID, Field: field, Message: msg}
	}
	switch {
	case !portalCodeRE.MatchString(d.PortalCode):
		return bad("portalCode", "Mã hồ sơ trên Cổng thiếu hoặc không hợp lệ (tối đa 60 ký tự: chữ, số, . - _ /).")
	case d.Procedure == "" || len(d.Procedure) > 40:
		return bad("procedure", "Thiếu mã thủ tục hành chính.")
	case !validID(d.Applicant.IDNumber):
		return bad("applicant.idNumber", "Số định danh cá nhân của người nộp phải gồm đúng 12 chữ số.")
	case strings.TrimSpace(d.Applicant.Name) == "":
		return bad("applicant.name", "Thiếu họ và tên người nộp.")
	case len(d.FormData) == 0 || d.FormData[0] != '{':
		return bad("formData", "Thiếu dữ liệu tờ khai (một đối tượng JSON).")
	case len(d.Files) > MaxPortalFiles:
		return bad("files", fmt.Sprintf("Tối đa %d tệp mỗi hồ sơ.", MaxPortalFiles))
	}
	refs := map[string]bool{}
	for i, f := range d.Files {
		if f.Ref == "" || len(f.Ref) > 64 || refs[f.Ref] {
			return bad(fmt.Sprintf("files/%d/ref", i), "Mỗi tệp cần một ref riêng (tối đa 64 ký tự).")
		}
		refs[f.Ref] = true
	}
	for i, f := range d.Files {
		if (f.Content == "") == (f.URL == "") {
			return bad(fmt.Sprintf("files/%d/content", i), "Mỗi tệp cần đúng một trong hai: nội dung (content) hoặc địa chỉ (url).")
		}
		if len(f.URL) > maxPortalFileURL {
			return bad(fmt.Sprintf("files/%d/url", i), fmt.Sprintf("Địa chỉ tệp dài quá %d ký tự.", maxPortalFileURL))
		}
		if base64.StdEncoding.DecodedLen(len(f.Content)) > MaxUpload+2 {
			return bad(fmt.Sprintf("files/%d/content", i), fmt.Sprintf("Tệp vượt quá %d MB.", MaxUpload>>20))
		}
	}
	return d, nil
}

// SubmitFromPortal files a portal dossier for the calling system: once per portal code
// (a repeat with the same content answers the same dossier, replayed true; with another
// content it is refused), in one transaction with the applicant's account and the
// files, then the same workflow as any dossier. A refusal writes nothing.
func (s *Service) SubmitFromPortal(ctx context.Context, sys store.IntakeSystem, d PortalDossier) (SubmitResult, bool, error) {
	now := s.Now()
	p, err := s.Catalog.At(strings.TrimSpace(d.Procedure), now)
	if err != nil {
		return SubmitResult{}, false, &motcua.Error{Code: EREFUSED, Field: "procedure",
			Message: "Thủ tục " + d.Procedure + " không do Bộ giải quyết hoặc chưa (không còn) được áp dụng.", Err: err}
	}
	// Files by reference are fetched now, before anything is written; from here on
	// they are inline files like the others.
	contents := make([][]byte, len(d.Files))
	for i, f := range d.Files {
		if contents[i], err = s.portalFileContent(ctx, i, f); err != nil {
			return SubmitResult{}, false, err
		}
	}
	applicant, applicantID, err := s.applicant(ctx, d.Applicant)
	if err != nil {
		return SubmitResult{}, false, err
	}
	// Each file gets its ID now, so the form validates against it and the file is
	// stored in the submission's transaction, never before.
	ids := map[string]string{}
	var newFiles []store.NewFile
	h := sha256.New()
	for i, f := range d.Files {
		data := contents[i]
		field := fmt.Sprintf("files/%d/content", i)
		if f.URL != "" {
			field = fmt.Sprintf("files/%d/url", i)
		}
		mt := sniff(data)
		ext, ok := uploadTypes[mt]
		if !ok {
			return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: field,
				Message: "Chỉ nhận tệp PDF, JPEG hoặc PNG."}
		}
		id := newUUID()
		ids[f.Ref] = id
		newFiles = append(newFiles, store.NewFile{ID: id, Name: FileName(f.Name, ext), ContentType: mt, Data: data,
			Digitized: f.Digitized, Copy: f.Copy})
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "%s\x00%x\x00%t%t\x00", f.Ref, sum, f.Digitized, f.Copy)
	}
	form, err := replaceRefs(d.FormData, ids)
	if err != nil {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "formData", Message: "Dữ liệu tờ khai không hợp lệ.", Err: err}
	}
	data, errs := p.Validate(form)
	if len(errs) > 0 {
		return SubmitResult{}, false, invalidForm(errs)
	}
	normalized, err := json.Marshal(data)
	if err != nil {
		return SubmitResult{}, false, err
	}
	files := fileRefs(p.Form, data)
	byID := map[string]store.NewFile{}
	for _, f := range newFiles {
		byID[f.ID] = f
	}
	for i, f := range files {
		nf, ok := byID[f.ID]
		if !ok {
			return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "formData",
				Message: "Tờ khai nhắc đến tệp «" + f.ID + "» không có trong danh sách files."}
		}
		files[i].Digitized, files[i].Copy = nf.Digitized, nf.Copy
		if c, ok := p.Component(f.Component); ok {
			if err := c.Accepts(nf.ContentType, int64(len(nf.Data))); err != nil {
				return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "files", Message: motcua.ErrorMessage(err)}
			}
		}
	}
	// The request's hash leaves out the random file IDs: a repeat hashes alike.
	raw, _ := json.Marshal(d.FormData)
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", p.Code, applicant.IDNumber, applicant.Name, applicant.Phone, applicant.Email)
	h.Write(compactJSON(raw))
	hash := h.Sum(nil)
	agency, err := s.Store.UnitByCode(ctx, p.ReceivingUnit)
	if err != nil {
		return SubmitResult{}, false, err
	}
	code, prev, err := s.Store.SubmitFromPortal(ctx, sys.ID, hash, agency.Agency, store.Submission{ApplicantID: applicantID,
		NewApplicant: &applicant, UnitCode: p.ReceivingUnit, ProcedureCode: p.Code, ProcedureVersion: p.Version,
		Channel: motcua.ChannelPortal, PortalCode: d.PortalCode, Uploader: sys.UserID, FormData: normalized,
		Files: files, NewFiles: newFiles, SubmittedAt: now})
	if err != nil {
		return SubmitResult{}, false, err
	}
	replayed := false
	if prev != nil {
		if !bytes.Equal(prev.RequestHash, hash) {
			return SubmitResult{}, false, &motcua.Error{Code: motcua.ECONFLICT, Field: "portalCode",
				Message: "Mã hồ sơ " + d.PortalCode + " đã được gửi với nội dung khác."}
		}
		code, replayed = prev.DossierCode, true
		if p, err = s.submittedProcedure(ctx, code); err != nil {
			return SubmitResult{}, false, err
		}
	}
	res, _, err := s.started(ctx, motcua.Actor{UserID: sys.UserID}, "", code, p)
	return res, replayed, err
}

func (s *Service) submittedProcedure(ctx context.Context, code motcua.DossierCode) (*forms.Procedure, error) {
	sub, err := s.Store.Submission(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.Catalog.Version(sub.ProcedureCode, sub.ProcedureVersion)
}

// replaceRefs puts the files' IDs in place of their refs in the form data: any string
// equal to a ref becomes the file's ID.
func replaceRefs(form json.RawMessage, ids map[string]string) (json.RawMessage, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(form))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			if id, ok := ids[x]; ok {
				return id
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	return json.Marshal(walk(v))
}

func compactJSON(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
