package dossiers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"strings"
	"time"

	"motcua"
	"motcua/internal/pades"
	"motcua/internal/portal"
	"motcua/internal/store"
)

// The applicant's document store (kho quản lý dữ liệu điện tử, Decree 45/2020 art. 16 as
// amended by Decree 118/2025 art. 40): what the state already holds of an applicant in
// electronic form, which they are not asked for again. Results issued to them and
// components the desk accepted are kept; a later dossier attaches one by reference.

// MyDocuments lists the actor's stored documents, newest first; types, when given,
// keeps only those types (what a component accepts).
func (s *Service) MyDocuments(ctx context.Context, a motcua.Actor, types []string) ([]store.StoredDocument, error) {
	if err := s.Store.FillDocumentStore(ctx, a.UserID); err != nil {
		return nil, err
	}
	docs, err := s.Store.StoredDocuments(ctx, a.UserID, types)
	if docs == nil && err == nil {
		docs = []store.StoredDocument{}
	}
	return docs, err
}

// ReuseRequest names the component a stored document is to stand for.
type ReuseRequest struct {
	Procedure string `json:"procedure"`
	Component string `json:"component"`
}

// Reasons a stored document cannot be reused: the refusal's Field, for programs.
const (
	ReuseRevoked  = "reuse.revoked"
	ReuseExpired  = "reuse.expired"
	ReuseTampered = "reuse.signature"
	ReuseType     = "reuse.type"
)

// ReuseDocument attaches one of the actor's stored documents to a component of a
// dossier they are about to submit, by reference: the answer is a file, like an
// upload's, to put in the e-form's field, marked reused. It is checked again now: a
// document revoked or replaced, past its validity, or whose content or signature no
// longer verifies is refused with the reason, and nothing is attached. Another
// person's document is not found.
func (s *Service) ReuseDocument(ctx context.Context, a motcua.Actor, id string, req ReuseRequest) (store.File, error) {
	d, data, err := s.Store.StoredDocument(ctx, a.UserID, strings.TrimSpace(id))
	if err != nil {
		return store.File{}, err
	}
	p, err := s.Catalog.At(strings.TrimSpace(req.Procedure), s.Now())
	if err != nil {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "procedure",
			Message: "Thủ tục không có trong danh mục hoặc chưa (hoặc không còn) được áp dụng.", Err: err}
	}
	c, ok := p.Component(strings.TrimSpace(req.Component))
	if !ok {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "component", Message: "Thủ tục không có thành phần hồ sơ này."}
	}
	if !c.Reuses(d.Type) {
		return store.File{}, refuseReuse(ReuseType, "Giấy tờ «"+d.Name+"» không dùng được cho thành phần «"+c.Name+"».")
	}
	if err := s.checkReusable(d, data); err != nil {
		return store.File{}, err
	}
	if err := c.Accepts(d.ContentType, d.Size); err != nil {
		return store.File{}, err
	}
	f, err := s.Store.AttachReused(ctx, d, data)
	if err != nil {
		return store.File{}, err
	}
	s.Log.InfoContext(ctx, "stored document reused", "document", d.ID, "file", f.ID, "component", c.ID)
	return f, nil
}

// refuseReuse is a refused reuse: the message says why, Field names the reason
// (one of the Reuse* codes) for programs.
func refuseReuse(reason, msg string) error {
	return &motcua.Error{Code: motcua.ECONFLICT, Field: reason, Message: msg}
}

// checkReusable decides whether a stored document may still be reused today.
func (s *Service) checkReusable(d store.StoredDocument, data []byte) error {
	if d.Revoked != nil && d.Revoked.Kind != store.RevocationCorrected { // a corrected result stays in force
		what := "thu hồi"
		if d.Revoked.Kind == store.RevocationReplaced {
			what = "thay thế"
		}
		return refuseReuse(ReuseRevoked, "Giấy tờ «"+d.Name+"» đã bị "+what+" ngày "+
			d.Revoked.At.In(motcua.Vietnam).Format("02/01/2006")+". Lý do: "+d.Revoked.Reason)
	}
	if d.ValidUntil != nil {
		today := s.Now().In(motcua.Vietnam).Format("2006-01-02")
		if d.ValidUntil.UTC().Format("2006-01-02") < today {
			return refuseReuse(ReuseExpired, "Giấy tờ «"+d.Name+"» đã hết hiệu lực từ ngày "+
				d.ValidUntil.UTC().Format("02/01/2006")+".")
		}
	}
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], d.SHA256) {
		return refuseReuse(ReuseTampered, "Nội dung giấy tờ «"+d.Name+"» trong kho đã bị thay đổi so với khi lưu; chữ ký số không còn hợp lệ nên không thể sử dụng lại.")
	}
	if d.ContentType != "application/pdf" {
		return nil
	}
	rep, err := pades.Verify(data, pades.VerifyOptions{Roots: s.VerifyRoots, TSARoots: s.VerifyRoots, Now: s.Now(),
		AllowedFields: []string{"motcua.number", "motcua.date"}, MaxSize: MaxVerifySize})
	if err != nil {
		return refuseReuse(ReuseTampered, "Không đọc được giấy tờ «"+d.Name+"»: tệp PDF bị hỏng.")
	}
	// A signed document (every result is) must verify whole; an unsigned scan has
	// nothing to verify but its content's hash, checked above.
	if (d.Signed || len(rep.Signatures) > 0) && !rep.Valid {
		return refuseReuse(ReuseTampered, "Chữ ký số trên giấy tờ «"+d.Name+"» không còn hợp lệ: "+rep.Message)
	}
	return nil
}

// MyDocument returns one of the actor's stored documents with its content; anyone
// else's, or an ID that names nothing, is not found, with the same answer.
func (s *Service) MyDocument(ctx context.Context, a motcua.Actor, id string) (store.StoredDocument, []byte, error) {
	return s.Store.StoredDocument(ctx, a.UserID, strings.TrimSpace(id))
}

// NationalStore is the national portal's document store (internal/portal.Client).
type NationalStore interface {
	FetchDocuments(ctx context.Context, owner, typ string) ([]portal.NationalDocument, error)
}

// maxNationalDocument bounds one fetched document.
const maxNationalDocument = MaxVerifySize

// FetchNational fetches the actor's documents of a type from the national store
// (by their ID number) into their own store, and lists their store of that type.
func (s *Service) FetchNational(ctx context.Context, a motcua.Actor, typ string) ([]store.StoredDocument, error) {
	if s.National == nil {
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Chưa kết nối được kho dữ liệu của Cổng Dịch vụ công quốc gia. Vui lòng thử lại sau."}
	}
	id, err := s.Store.IDNumberOf(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, motcua.Errorf(motcua.ECONFLICT, "Tài khoản chưa có số định danh cá nhân nên không tra cứu được kho dữ liệu quốc gia.")
	}
	docs, err := s.National.FetchDocuments(ctx, id, strings.TrimSpace(typ))
	if err != nil {
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Kho dữ liệu của Cổng Dịch vụ công quốc gia không trả lời. Vui lòng thử lại sau.", Err: err}
	}
	var keep []store.NationalDocument
	for _, d := range docs {
		// The store answers for this person only; anything else, or unusable, is skipped.
		if d.Owner != id || d.ID == "" || len(d.File) == 0 || len(d.File) > maxNationalDocument {
			continue
		}
		issued, err := time.ParseInLocation("2006-01-02", d.IssuedOn, motcua.Vietnam)
		if err != nil {
			continue
		}
		nd := store.NationalDocument{Ref: d.ID, Type: d.Type, Name: d.Name, Number: d.Number, Issuer: d.Issuer,
			IssuedAt: issued, Data: d.File, ContentType: d.FileType}
		if d.ValidUntil != "" {
			v, err := time.Parse("2006-01-02", d.ValidUntil)
			if err != nil {
				continue
			}
			nd.ValidUntil = &v
		}
		keep = append(keep, nd)
	}
	if err := s.Store.KeepNationalDocuments(ctx, a.UserID, keep); err != nil {
		return nil, err
	}
	var types []string
	if typ != "" {
		types = []string{typ}
	}
	return s.MyDocuments(ctx, a, types)
}
