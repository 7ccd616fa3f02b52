package dossiers

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/internal/pades"
	"motcua/internal/store"
)

// VerifyReport is a signature check's report, and, when the PDF is one of the documents
// motcua issued, what became of it since: a revoked result keeps mathematically valid
// signatures, so the report must say in words that it is no longer in force.
type VerifyReport struct {
	pades.Report
	Issued *IssuedStatus `json:"issued,omitempty"`
}

// IssuedStatus says whether a document motcua issued is still in force.
type IssuedStatus struct {
	Dossier motcua.DossierCode  `json:"dossier"`
	Kind    motcua.DocumentKind `json:"kind"`
	Number  string              `json:"number,omitempty"`
	// Status is "in_force", "revoked", "replaced" or "corrected" (a correction notice
	// amends it; it stays in force).
	Status      string `json:"status"`
	StatusLabel string `json:"statusLabel"`
	// Revoked is true when the document is no longer in force (revoked or replaced).
	Revoked   bool       `json:"revoked"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	// By is the document that replaced or corrected it: its number and date.
	By *IssuedBy `json:"by,omitempty"`
}

// IssuedBy is the replacing document or the correction notice of an issued result.
type IssuedBy struct {
	Number   string     `json:"number,omitempty"`
	IssuedAt *time.Time `json:"issuedAt,omitempty"`
}

// The statuses of an issued document.
const (
	IssuedInForce   = "in_force"
	IssuedRevoked   = store.RevocationRevoked
	IssuedReplaced  = store.RevocationReplaced
	IssuedCorrected = store.RevocationCorrected
)

var issuedLabels = map[string]string{
	IssuedInForce:   "Văn bản đang có hiệu lực",
	IssuedRevoked:   "Văn bản đã bị thu hồi",
	IssuedReplaced:  "Văn bản đã được thay thế",
	IssuedCorrected: "Văn bản đã được đính chính",
}

// issuedStatus reads what became of a document of a dossier (at sequence seq). Only
// results can be revoked; other documents (notices) are reported in force.
func (s *Service) issuedStatus(ctx context.Context, dossierID int64, code motcua.DossierCode, kind motcua.DocumentKind, number string, seq int) (*IssuedStatus, error) {
	st := &IssuedStatus{Dossier: code, Kind: kind, Number: number, Status: IssuedInForce}
	if kind == motcua.DocResult || kind == motcua.DocDraftResult {
		r, ok, err := s.Store.RevocationOf(ctx, dossierID, seq)
		if err != nil {
			return nil, err
		}
		if ok {
			at := r.At.In(motcua.Vietnam)
			st.Status, st.RevokedAt, st.Reason = r.Kind, &at, r.Reason
			st.Revoked = r.Kind != store.RevocationCorrected
			if r.ReplacedBy != "" {
				st.By = &IssuedBy{Number: r.NewNumber}
				if r.NewIssuedAt != nil {
					t := r.NewIssuedAt.In(motcua.Vietnam)
					st.By.IssuedAt = &t
				}
			}
		}
	}
	st.StatusLabel = issuedLabels[st.Status]
	return st, nil
}

// IssuedStatusOf says whether doc, one of ours (found by its verification ID), is
// still in force.
func (s *Service) IssuedStatusOf(ctx context.Context, doc store.Document, code motcua.DossierCode) (*IssuedStatus, error) {
	return s.issuedStatus(ctx, doc.DossierID, code, doc.Kind, doc.Number, doc.Seq)
}

// RevokeInput is a decision to withdraw a dossier's issued result.
type RevokeInput struct {
	// Kind is "revoked" (default) or "replaced".
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason"`
}

// RevokeResult withdraws the issued result of a dossier (Decree 30/2020 art. 18): a
// leader of a unit that handled it says why. The PDF is not touched (its signatures stay
// valid); every verification of it says from now on that it was revoked, when and why.
// The dossier's progress is over by then, so this is a record, not a workflow decision.
func (s *Service) RevokeResult(ctx context.Context, a motcua.Actor, code motcua.DossierCode, in RevokeInput) (*IssuedStatus, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return nil, err
	}
	// readable let a staff member through only if their unit received, held or handled
	// the dossier; of those, only a leader (who signs results) withdraws one.
	if !IsStaff(a) || motcua.Authorize(a, motcua.PermSign, motcua.Scope{UnitPath: a.UnitPath}) != nil {
		return nil, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ lãnh đạo đơn vị đã giải quyết hồ sơ mới được thu hồi kết quả.")
	}
	if in.Kind == "" {
		in.Kind = store.RevocationRevoked
	}
	if in.Kind != store.RevocationRevoked && in.Kind != store.RevocationReplaced {
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "kind", Message: "Hình thức phải là thu hồi (revoked) hoặc thay thế (replaced)."}
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 || !utf8.ValidString(in.Reason) {
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "reason", Message: "Hãy ghi lý do thu hồi (tối đa 2000 ký tự)."}
	}
	r, err := s.Store.RevokeResult(ctx, store.Revocation{DossierID: acc.ID, Code: code, Kind: in.Kind, Reason: in.Reason,
		At: s.Now(), ByID: a.UserID})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "result withdrawn", "code", code, "kind", r.Kind, "by", a.UserID)
	return s.withdrawnStatus(ctx, acc.ID, code, r.DocumentID)
}

// withdrawnStatus is the status of the issued result documentID of a dossier.
func (s *Service) withdrawnStatus(ctx context.Context, dossierID int64, code motcua.DossierCode, documentID string) (*IssuedStatus, error) {
	d, err := s.Store.Document(ctx, documentID)
	if err != nil {
		return nil, err
	}
	return s.issuedStatus(ctx, dossierID, code, d.Kind, d.Number, d.Seq)
}
