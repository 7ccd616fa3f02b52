package activities

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"go.temporal.io/sdk/activity"

	"motcua"
	"motcua/internal/authority"
	"motcua/internal/mail"
	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/store"
)

// RenderNotice renders a notice of Circular 03/2025 (or the draft result) from the
// dossier's records, seals it when asked, and stores it. Rendering again for the same
// dossier, kind and sequence returns the stored document.
func (a *Activities) RenderNotice(ctx context.Context, in NoticeInput) (DocumentRef, error) {
	v, err := a.Store.DossierView(ctx, in.Code)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	// A random ID, not one made of the dossier code and the document's sequence: a
	// verification link must not let anyone enumerate dossiers. A retry draws another
	// ID, but AddDocument keeps the first stored document with the ID its QR code shows.
	verifyID := store.NewVerifyID()
	doc, err := a.notice(ctx, v, in, verifyID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	out, err := a.Renderer.Render(ctx, doc)
	if err != nil {
		return DocumentRef{}, nonRetryable(fmt.Errorf("render %s of %s: %w", in.Kind, in.Code, err))
	}
	ref := DocumentRef{Page: out.Layout.Page, SignerRect: rect(out.Layout.SignerImage), SealRect: rect(out.Layout.Seal)}
	pdf := out.PDF
	if in.Seal {
		if pdf, err = a.seal(ctx, pdf, ref, in.At); err != nil {
			return DocumentRef{}, err
		}
	}
	id, err := a.Store.AddDocument(ctx, store.Document{DossierID: v.ID, Kind: in.Kind, Seq: in.Seq,
		Name: fmt.Sprintf("%s-%s.pdf", in.Kind, in.Code), ContentType: "application/pdf", Data: pdf, Signed: in.Seal,
		VerifyID: verifyID})
	if err != nil {
		return DocumentRef{}, fmt.Errorf("store %s of %s: %w", in.Kind, in.Code, err)
	}
	ref.ID = id
	return ref, nil
}

func rect(r render.Rect) [4]float64 { return [4]float64{r.X, r.Y, r.X + r.W, r.Y + r.H} }

// sealSigner opens a seal's credential with the seals' PIN.
func (a *Activities) sealSigner(ctx context.Context, credential string) (*signing.Signer, error) {
	s, err := a.Signer.Signer(ctx, credential, signing.PIN(a.Signing.SealPIN))
	if err != nil {
		return nil, fmt.Errorf("open the seal credential %s: %w", credential, err)
	}
	return s, nil
}

// seal applies the organization's seal (notices).
func (a *Activities) seal(ctx context.Context, pdf []byte, ref DocumentRef, at time.Time) ([]byte, error) {
	s, err := a.sealSigner(ctx, a.Signing.SealCredential)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return a.sealWith(ctx, s, a.OrgName, pdf, ref, at)
}

// sealWith applies the seal s of the organization named org (approval, fields locked),
// drawn with org's name.
func (a *Activities) sealWith(ctx context.Context, s *signing.Signer, org string, pdf []byte, ref DocumentRef, at time.Time) ([]byte, error) {
	img, err := a.sealImage(org)
	if err != nil {
		return nil, err
	}
	opts := pades.SignOptions{Kind: pades.Approval, LockFields: true, Key: s, Chain: s.Chain(), Time: at.In(motcua.Vietnam),
		Name: org, Reason: "Đóng dấu", Location: "Hà Nội",
		Appearance: &pades.Appearance{Page: ref.Page, Rect: ref.SealRect, Image: img}}
	if a.Signing.TSAURL != "" {
		opts.TSA = &pades.TSA{URL: a.Signing.TSAURL}
	}
	out, err := pades.Sign(ctx, pdf, opts)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return out, nil
}

// SignAsLeader signs the result with the leader's credential at the signature service,
// authorized by the PIN the leader typed; the key never leaves the service. The result
// is rendered again under the block the leader signs under (in.Signature: theirs, or a
// delegate's TUQ.), and the signature is refused, changing nothing, when the leader's
// certificate does not carry the title that block prints.
func (a *Activities) SignAsLeader(ctx context.Context, in SignInput) (DocumentRef, error) {
	draft, err := a.Store.Document(ctx, in.Document.ID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	if prev, err := a.Store.LatestDocument(ctx, draft.DossierID, motcua.DocResult); err == nil && prev.Seq == in.Seq {
		return DocumentRef{ID: prev.ID, Page: in.Document.Page, SignerRect: in.Document.SignerRect, SealRect: in.Document.SealRect}, nil
	}
	leader, err := a.Store.Actor(ctx, in.LeaderID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	v, err := a.Store.DossierView(ctx, in.Code)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	var block motcua.SignatureBlock
	if in.Signature != nil {
		block = *in.Signature
	} else if block, err = a.draftSignature(ctx, v); err != nil { // an update sent before blocks travelled with it
		return DocumentRef{}, nonRetryable(err)
	}
	if block.SignerID != 0 && block.SignerID != leader.UserID {
		return DocumentRef{}, nonRetryable(motcua.Errorf(motcua.EFORBIDDEN, "Khối chữ ký của kết quả này dành cho %s.", block.SignerName))
	}
	block.SignerID, block.SignerName = leader.UserID, leader.Name
	s, err := a.Signer.Signer(ctx, leader.Username, signing.PIN(in.PIN))
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	defer s.Close()
	if err := block.CheckCertificate(CertificateTitle(s.Certificate())); err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	doc, err := a.result(ctx, v, in.Code, in.At, block, a.PublicURL+"/tra-cuu/xac-thuc?ma="+draft.VerifyID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	signed, ref, err := a.certify(ctx, doc, s, leader.Name, in.At, "the result of "+string(in.Code))
	if err != nil {
		return DocumentRef{}, err
	}
	id, err := a.Store.AddDocument(ctx, store.Document{DossierID: draft.DossierID, Kind: motcua.DocResult, Seq: in.Seq,
		Name: fmt.Sprintf("ket-qua-%s.pdf", in.Code), ContentType: "application/pdf", Data: signed, Signed: true})
	if err != nil {
		return DocumentRef{}, err
	}
	ref.ID = id
	return ref, nil
}

// certify renders doc and signs it as the leader whose key s is (a certification
// signature with their handwritten image where the layout puts it, and the time-stamp
// when a TSA is configured): the signature of a result and of what corrects or
// replaces one. what names the document in errors.
func (a *Activities) certify(ctx context.Context, doc render.Document, s *signing.Signer, name string, at time.Time, what string) ([]byte, DocumentRef, error) {
	out, err := a.Renderer.Render(ctx, doc)
	if err != nil {
		return nil, DocumentRef{}, nonRetryable(fmt.Errorf("render %s: %w", what, err))
	}
	ref := DocumentRef{Page: out.Layout.Page, SignerRect: rect(out.Layout.SignerImage), SealRect: rect(out.Layout.Seal)}
	img, err := a.signatureImage(name)
	if err != nil {
		return nil, DocumentRef{}, err
	}
	opts := pades.SignOptions{Kind: pades.Certification, DocMDP: 2, Key: s, Chain: s.Chain(), Time: at.In(motcua.Vietnam),
		Name: name, Reason: "Phê duyệt", Location: "Hà Nội",
		Appearance: &pades.Appearance{Page: ref.Page, Rect: ref.SignerRect, Image: img}}
	if a.Signing.TSAURL != "" {
		opts.TSA = &pades.TSA{URL: a.Signing.TSAURL}
	}
	signed, err := pades.Sign(ctx, out.PDF, opts)
	if err != nil {
		return nil, DocumentRef{}, nonRetryable(fmt.Errorf("sign %s: %w", what, err))
	}
	return signed, ref, nil
}

// CertificateTitle is the title (X.520 title, 2.5.4.12) in a certificate's subject, ""
// when it has none.
func CertificateTitle(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	for _, n := range c.Subject.Names {
		if n.Type.Equal(asn1.ObjectIdentifier{2, 5, 4, 12}) {
			if v, ok := n.Value.(string); ok {
				return v
			}
		}
	}
	return ""
}

// CertificateOrganization is the organization (X.520 O) in a certificate's subject, ""
// when it has none: whose seal a seal certificate is.
func CertificateOrganization(c *x509.Certificate) string {
	if c == nil || len(c.Subject.Organization) == 0 {
		return ""
	}
	return c.Subject.Organization[0]
}

// Issue numbers the signed result with its issuing agency's symbol, fills the number and
// date in an incremental update (the leader's signature permits form filling) and applies
// that agency's seal. It refuses, before taking a number and changing nothing, when the
// seal's certificate names another organization than the agency the result's header
// names (motcua.SignatureBlock.CheckSeal).
func (a *Activities) Issue(ctx context.Context, in IssueInput) (DocumentRef, error) {
	signed, err := a.Store.Document(ctx, in.Document.ID)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	if signed.Seq == in.Seq {
		return in.Document, nil // already issued by an earlier attempt
	}
	v, err := a.Store.DossierView(ctx, in.Code)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	block, iss, symbol, err := a.resultIssuer(ctx, v)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
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
	// The register numbers each symbol (document type and issuer) from 1 every year,
	// the year of Vietnam time.
	number, err := a.Store.NextDocumentNumber(ctx, symbol, in.At, in.Code)
	if err != nil {
		return DocumentRef{}, err
	}
	local := in.At.In(motcua.Vietnam)
	filled, err := pades.FillFields(signed.Data, map[string]string{
		render.FieldNumber: motcua.DocumentNumber(number),
		render.FieldDate:   render.DatePhrase(local), // Decree 30: a zero before months 1 and 2 only
	})
	if err != nil {
		return DocumentRef{}, nonRetryable(fmt.Errorf("fill number of %s: %w", in.Code, err))
	}
	sealed, err := a.sealWith(ctx, s, org, filled, in.Document, in.At)
	if err != nil {
		return DocumentRef{}, err
	}
	from, until, err := a.validity(v, in.At)
	if err != nil {
		return DocumentRef{}, nonRetryable(err)
	}
	id, err := a.Store.AddDocument(ctx, store.Document{DossierID: signed.DossierID, Kind: motcua.DocResult, Seq: in.Seq,
		Name: fmt.Sprintf("ket-qua-%s.pdf", in.Code), ContentType: "application/pdf", Data: sealed, Signed: true,
		Number: motcua.DocumentNumber(number) + "/" + symbol, ValidFrom: from, ValidUntil: until})
	if err != nil {
		return DocumentRef{}, err
	}
	ref := in.Document
	ref.ID = id
	return ref, nil
}

// validity is the validity of the dossier's result issued at: from the Vietnam date of
// issue for the catalog's period (nil until: no end); both nil when the catalog gives
// the result no validity.
func (a *Activities) validity(v store.DossierView, at time.Time) (from, until *time.Time, err error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil || p.Result.Validity == nil {
		return nil, nil, err
	}
	local := at.In(motcua.Vietnam)
	f := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if u, ok := p.Result.Validity.Until(at); ok {
		return &f, &u, nil
	}
	return &f, nil, nil
}

// resultIssuer is who issues the dossier's result: the block of its deciding unit (whose
// Agency the header prints), that unit as an issuer (abbreviation and seal), and the
// symbol printed after the result's number: the result template's document type and the
// issuer's abbreviation ("QĐ-BNV", "CCHN-VTLTNN").
func (a *Activities) resultIssuer(ctx context.Context, v store.DossierView) (motcua.SignatureBlock, Issuer, string, error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return motcua.SignatureBlock{}, Issuer{}, "", err
	}
	block, _, err := authority.Resolver{Store: a.Store, Catalog: a.Catalog}.Default(ctx, v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return block, Issuer{}, "", err
	}
	iss, err := a.issuer(p.DecidingUnit, block.Agency)
	if err != nil {
		return block, iss, "", err
	}
	symbol, err := a.Renderer.ResultSymbol(p.Result.Template, iss.Abbreviation)
	return block, iss, symbol, err
}

// issuer is the configured issuer of the unit with code unit (named agency), or an
// error saying that the unit has no symbol or seal of its own.
func (a *Activities) issuer(unit, agency string) (Issuer, error) {
	iss, ok := a.Issuers[unit]
	if !ok || strings.TrimSpace(iss.Abbreviation) == "" || strings.TrimSpace(iss.SealCredential) == "" {
		return Issuer{}, motcua.Errorf(motcua.ECONFLICT,
			"%s chưa được cấu hình chữ viết tắt và con dấu để ban hành văn bản (đơn vị %s).", agency, unit)
	}
	return iss, nil
}

// Notify queues a notification (to a person, or to the members of a unit with a role);
// the key makes a retry harmless. Sending e-mail is the outbox's sender's job.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	recipients := []int64{in.RecipientID}
	if in.UnitCode != "" {
		ids, err := a.Store.UnitMembers(ctx, in.UnitCode, in.Role)
		if err != nil {
			return nonRetryable(err)
		}
		if len(ids) == 0 && in.Role == motcua.RoleLeader {
			// A unit without a leader of its own escalates to the leader above it.
			if l, err := a.Store.LeaderOf(ctx, in.UnitCode); err == nil {
				ids = []int64{l.UserID}
			}
		}
		recipients = ids
	}
	d, err := a.Store.DossierByCode(ctx, in.Code)
	if err != nil {
		return nonRetryable(err)
	}
	for _, r := range recipients {
		if err := a.notifyOne(ctx, fmt.Sprintf("%s/%d", in.Key, r), d.ID, r, in); err != nil {
			return fmt.Errorf("notify %d of %s: %w", r, in.Code, err)
		}
	}
	return nil
}

// notifyOne records the notification (once per key) where the person's pages show it,
// and e-mails it when mail is configured and they have an address. A retried activity
// finds the notification recorded and, once sent, does not send it again; a crash
// between sending and recording sends it twice, with the same Message-ID.
func (a *Activities) notifyOne(ctx context.Context, key string, dossierID, recipient int64, in NotifyInput) error {
	to := ""
	if a.Mail != nil {
		var err error
		if to, err = a.Store.MailAddressOf(ctx, recipient); err != nil {
			return err
		}
	}
	channel := "outbox"
	if to != "" {
		channel = "email"
	}
	if _, err := a.Store.QueueNotification(ctx, store.Notification{Key: key, DossierID: dossierID, RecipientID: recipient,
		Channel: channel, Subject: in.Subject, Body: in.Body}); err != nil {
		return err
	}
	if to == "" {
		return nil
	}
	if sent, err := a.Store.NotificationSent(ctx, key); err != nil || sent {
		return err
	}
	err := a.Mail.Send(ctx, mail.Message{To: to, Subject: in.Subject, Body: in.Body + mailFooter, ID: key})
	if errors.Is(err, mail.ErrBadRecipient) {
		// The address will not work on a retry either; the pages show the notification.
		activity.GetLogger(ctx).Warn("notification not e-mailed", "key", key, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	return a.Store.MarkNotificationSent(ctx, key, time.Now())
}

// mailFooter ends every e-mail: where to follow the dossier.
const mailFooter = "\n\n--\nHệ thống thông tin một cửa điện tử, Bộ Nội vụ. Thư này được gửi tự động; vui lòng không trả lời.\nTheo dõi hồ sơ tại trang «Hồ sơ của tôi»."

// manifestEntry is one file of an archive package.
type manifestEntry struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// Archive makes the dossier's archive package: a manifest of SHA-256 hashes of the
// form data, attachments, notices, the signed result and the history, signed with the
// organization's seal (CMS), kept for the procedure's retention period.
func (a *Activities) Archive(ctx context.Context, in ArchiveInput) error {
	if in.Change != nil {
		if _, err := a.RecordChange(ctx, *in.Change); err != nil {
			return err
		}
	}
	v, err := a.Store.DossierView(ctx, in.Code)
	if err != nil {
		return nonRetryable(err)
	}
	entries := []manifestEntry{hashEntry("form-data.json", "form_data", v.FormData)}
	history, _ := json.Marshal(v.Events)
	entries = append(entries, hashEntry("history.json", "history", history))
	for _, info := range v.Documents {
		doc, err := a.Store.Document(ctx, info.ID)
		if err != nil {
			return err
		}
		entries = append(entries, hashEntry(doc.Name, string(doc.Kind), doc.Data))
	}
	manifest, err := json.MarshalIndent(map[string]any{"dossier": in.Code, "procedure": v.ProcedureCode,
		"version": v.ProcedureVersion, "createdAt": in.At.UTC(), "files": entries}, "", "  ")
	if err != nil {
		return err
	}
	s, err := a.sealSigner(ctx, a.Signing.SealCredential)
	if err != nil {
		return err
	}
	defer s.Close()
	cms, err := signDetached(manifest, s)
	if err != nil {
		return fmt.Errorf("sign archive manifest of %s: %w", in.Code, err)
	}
	sum := sha256.Sum256(manifest)
	years := 10
	if p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion); err == nil && p.Retention.Years > 0 {
		years = p.Retention.Years
	}
	_, err = a.Store.SaveArchivePackage(ctx, store.ArchivePackage{DossierID: v.ID, Manifest: manifest, ManifestSHA256: sum[:],
		SignedManifest: cms, RetentionUntil: in.At.In(motcua.Vietnam).AddDate(years, 0, 0)})
	return err
}

func hashEntry(name, kind string, data []byte) manifestEntry {
	sum := sha256.Sum256(data)
	return manifestEntry{Name: name, Kind: kind, SHA256: hex.EncodeToString(sum[:]), Size: len(data)}
}

// signDetached signs data with a detached CMS signature (SHA-256) by s, whose key stays
// in the signature service.
func signDetached(data []byte, s *signing.Signer) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	chain := s.Chain()
	var parents []*x509.Certificate
	if len(chain) > 1 {
		parents = chain[1:]
	}
	if err := sd.AddSignerChain(s.Certificate(), s, parents, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, err
	}
	sd.Detach()
	return sd.Finish()
}
