package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/store"
)

// The documents that correct or replace an issued result (Decree 30/2020 art. 18) go
// through the result's own signing path: the competent leader signs (certification,
// under the block internal/authority gives them), the clerical office's register gives
// the number, the issuer's seal follows.

// CorrectionSignInput is the leader's signature on a correction or replacement.
type CorrectionSignInput struct {
	CorrectionID int64
	LeaderID     int64
	PIN          string
	At           time.Time
	// Signature is the block the leader signs under (theirs, or a delegate's).
	Signature motcua.SignatureBlock
}

// CorrectionIssueInput asks to number and seal the signed correction or replacement.
type CorrectionIssueInput struct {
	CorrectionID int64
	Document     DocumentRef
	At           time.Time
}

// CorrectionFinishInput records the issued document and marks the old result.
type CorrectionFinishInput struct {
	CorrectionID int64
	LeaderID     int64
	Document     DocumentRef
	At           time.Time
}

// correctionKind is the document kind a correction makes: a notice, or a new result.
func correctionKind(c store.Correction) motcua.DocumentKind {
	if c.Kind == store.CorrectionCorrect {
		return motcua.DocCorrection
	}
	return motcua.DocResult
}

// SignCorrection renders the correction notice or the replacing result under the
// leader's block and signs it with the leader's credential; the signature is refused,
// changing nothing, when the certificate does not carry the block's title. Signing
// again returns the stored document.
func (a *Activities) SignCorrection(ctx context.Context, in CorrectionSignInput) (DocumentRef, error) {
	c, err := a.Store.Correction(ctx, in.CorrectionID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	kind, seq := correctionKind(c), store.CorrectionSeq(c.ID)
	leader, err := a.Store.Actor(ctx, in.LeaderID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	block := in.Signature
	if block.SignerID != 0 && block.SignerID != leader.UserID {
		return DocumentRef{}, nonRetryable(motcua.Errorf(motcua.EFORBIDDEN, "Khối chữ ký này dành cho %s.", block.SignerName))
	}
	block.SignerID, block.SignerName = leader.UserID, leader.Name
	v, err := a.Store.DossierView(ctx, c.Code)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	old, err := a.Store.Document(ctx, c.DocumentID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	s, err := a.Signer.Signer(ctx, leader.Username, signing.PIN(in.PIN))
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	defer s.Close()
	if err := block.CheckCertificate(CertificateTitle(s.Certificate())); err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	verifyID := store.NewVerifyID()
	url := a.PublicURL + "/tra-cuu/xac-thuc?ma=" + verifyID
	var doc render.Document
	if c.Kind == store.CorrectionCorrect {
		doc, err = a.correctionNotice(ctx, v, c, old, in.At, block, url)
	} else {
		doc, err = a.replacement(ctx, v, c, old, in.At, block, url)
	}
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	signed, ref, err := a.certify(ctx, doc, s, leader.Name, in.At, fmt.Sprintf("correction %d of %s", c.ID, c.Code))
	if err != nil {
		return DocumentRef{}, err
	}
	// AddDocument keeps the first document stored at (dossier, kind, seq): a retry
	// returns it, with the verification ID its QR code shows.
	id, err := a.Store.AddDocument(ctx, store.Document{DossierID: c.DossierID, Kind: kind, Seq: seq,
		Name: fmt.Sprintf("%s-%s-%d.pdf", kind, c.Code, c.ID), ContentType: "application/pdf", Data: signed, Signed: true,
		VerifyID: verifyID})
	if err != nil {
		return DocumentRef{}, err
	}
	ref.ID = id
	return ref, nil
}

// IssueCorrection numbers the signed document in the issuer's register (a replacing
// result under the result's symbol, a correction notice as a decision, QĐ), fills the
// number and date, and applies the issuer's seal. Issuing again returns the stored one.
func (a *Activities) IssueCorrection(ctx context.Context, in CorrectionIssueInput) (DocumentRef, error) {
	c, err := a.Store.Correction(ctx, in.CorrectionID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	kind, seq := correctionKind(c), store.CorrectionSeq(c.ID)+1
	signed, err := a.Store.Document(ctx, in.Document.ID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	v, err := a.Store.DossierView(ctx, c.Code)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	block, iss, symbol, err := a.resultIssuer(ctx, v)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	if c.Kind == store.CorrectionCorrect {
		symbol = "QĐ-" + iss.Abbreviation
	}
	s, err := a.sealSigner(ctx, iss.SealCredential)
	if err != nil {
		return DocumentRef{}, err
	}
	defer s.Close()
	org := CertificateOrganization(s.Certificate())
	if err := block.CheckSeal(org); err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	local := in.At.In(motcua.Vietnam)
	// The register keeps the number given to this correction (keyed by it), so a retry
	// takes no second number.
	number, err := a.Store.NextDocumentNumber(ctx, symbol, in.At, motcua.DossierCode(fmt.Sprintf("%s#c%d", c.Code, c.ID)))
	if err != nil {
		return DocumentRef{}, err
	}
	filled, err := pades.FillFields(signed.Data, map[string]string{
		render.FieldNumber: motcua.DocumentNumber(number),
		render.FieldDate:   render.DatePhrase(local),
	})
	if err != nil {
		return DocumentRef{}, nonRetryable(fmt.Errorf("fill number of correction %d: %w", c.ID, err))
	}
	sealed, err := a.sealWith(ctx, s, org, filled, in.Document, in.At)
	if err != nil {
		return DocumentRef{}, err
	}
	doc := store.Document{DossierID: c.DossierID, Kind: kind, Seq: seq,
		Name: fmt.Sprintf("%s-%s-%d.pdf", kind, c.Code, c.ID), ContentType: "application/pdf", Data: sealed, Signed: true,
		Number: motcua.DocumentNumber(number) + "/" + symbol}
	if kind == motcua.DocResult {
		// A replacement corrects the same grant: it keeps the validity of the result it
		// replaces, it does not extend it.
		if doc.ValidFrom, doc.ValidUntil, err = a.Store.DocumentValidity(ctx, c.DocumentID); err != nil {
			return DocumentRef{}, err
		}
	}
	id, err := a.Store.AddDocument(ctx, doc)
	if err != nil {
		return DocumentRef{}, err
	}
	ref := in.Document
	ref.ID = id
	return ref, nil
}

// FinishCorrection marks the correction issued and the old result corrected or
// replaced, linked to the new document; the portal is told from that record
// (store.PendingRevocationNotices).
func (a *Activities) FinishCorrection(ctx context.Context, in CorrectionFinishInput) error {
	return a.Store.FinishCorrection(ctx, in.CorrectionID, in.LeaderID, in.Document.ID, in.At)
}

// issuedPhrase names an issued result in a sentence: "Chứng chỉ hành nghề lưu trữ số
// 12/CCHN-VTLTNN ngày 05/03/2026".
func issuedPhrase(name string, old store.Document) string {
	return fmt.Sprintf("%s số %s ngày %s", name, old.Number, old.CreatedAt.In(motcua.Vietnam).Format("02/01/2006"))
}

// replacement is the dossier's result drawn again, saying which result it replaces
// and why.
func (a *Activities) replacement(ctx context.Context, v store.DossierView, c store.Correction, old store.Document, at time.Time, b motcua.SignatureBlock, url string) (render.Document, error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	doc, err := a.result(ctx, v, c.Code, at, b, url)
	if err != nil {
		return nil, err
	}
	line := fmt.Sprintf("%s này thay thế %s (lý do: %s).", p.Result.Name, issuedPhrase(p.Result.Name, old), c.Reason)
	switch d := doc.(type) {
	case *render.Licence:
		d.Paragraphs = append(d.Paragraphs, line)
	case *render.Decision:
		d.Articles = append(d.Articles, line)
	default:
		return nil, fmt.Errorf("replacement of %s: result of kind %s", c.Code, doc.Kind())
	}
	return doc, nil
}

// correctionNotice is the decision that corrects an issued result (đính chính): what
// is corrected, why, and that the rest stands.
func (a *Activities) correctionNotice(ctx context.Context, v store.DossierView, c store.Correction, old store.Document, at time.Time, b motcua.SignatureBlock, url string) (render.Document, error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	applicant, err := a.applicantOf(ctx, v)
	if err != nil {
		return nil, err
	}
	iss, err := a.issuer(p.DecidingUnit, b.Agency)
	if err != nil {
		return nil, err
	}
	signer := render.Signer{Prefix: b.Prefix(), Title: b.SignerTitle, Name: b.SignerName}
	if b.Form == motcua.SignAsHead {
		signer.Prefix = ""
	}
	authority := b.Authority
	if authority == "" {
		authority = strings.ToUpper(b.SignerTitle + " " + b.Agency)
	}
	what := issuedPhrase(p.Result.Name, old)
	var articles []string
	articles = append(articles, "Đính chính "+what+" cấp cho "+applicant.Name+" như sau: "+strings.TrimSuffix(strings.TrimSpace(c.Corrections), ".")+".",
		"Lý do đính chính: "+strings.TrimSuffix(c.Reason, ".")+". Các nội dung khác của "+what+" giữ nguyên giá trị.",
		"Quyết định này có hiệu lực kể từ ngày ký. "+applicant.Name+" và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.")
	return &render.Decision{
		Header: render.Header{ParentAgency: b.ParentAgency, Agency: b.Agency, Place: "Hà Nội", Date: at.In(motcua.Vietnam),
			Signer: signer, Recipients: []string{"Như Điều 3;", "Lưu: VT, " + p.DecidingUnit + "."}, VerifyURL: url},
		Symbol:    "QĐ-" + iss.Abbreviation,
		Subject:   "Về việc đính chính " + what,
		Authority: authority,
		Bases: []string{"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
			"Căn cứ " + what + ";"},
		Proposal: "Xét đề nghị của bộ phận giải quyết hồ sơ " + string(c.Code) + ",",
		Articles: articles,
	}, nil
}
