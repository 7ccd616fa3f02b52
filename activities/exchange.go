package activities

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/internal/axis"
	"motcua/internal/edxml"
	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/store"
)

// ExchangeConfig is how the activities reach the document axis.
type ExchangeConfig struct {
	// Axis is the transport; nil when this system is not connected to an axis.
	Axis axis.Transport
	// OrganID is this agency's electronic identifier on the axis (000.00.00.G09).
	OrganID string
	// Roots are the CAs whose signatures on incoming attachments are trusted.
	Roots *x509.CertPool
	// AfterAxisSend, when set, runs after the axis accepted an outgoing document and
	// before its record is written: tests use it to kill the worker at that moment.
	AfterAxisSend func(ctx context.Context, key string) error
}

func (a *Activities) axis() (axis.Transport, error) {
	if a.Exchange.Axis == nil {
		return nil, nonRetryable(&motcua.Error{Code: motcua.EINVALID,
			Message: "Hệ thống chưa kết nối trục liên thông văn bản."})
	}
	return a.Exchange.Axis, nil
}

// SignOutgoing signs every file of a draft outgoing document with the leader's
// credential at the signature service (certification, form filling allowed), then
// marks the document signed. A file already signed is not signed again.
func (a *Activities) SignOutgoing(ctx context.Context, in SignOutgoingInput) error {
	o, err := a.Store.OutgoingDocument(ctx, in.OutgoingID)
	if err != nil {
		return nonRetryable(err)
	}
	if o.State != "draft" {
		return nil
	}
	files, err := a.Store.ExchangeFiles(ctx, "outgoing", o.ID)
	if err != nil {
		return err
	}
	leader, err := a.Store.Actor(ctx, in.LeaderID)
	if err != nil {
		return nonRetryable(err)
	}
	s, err := a.Signer.Signer(ctx, leader.Username, signing.PIN(in.PIN))
	if err != nil {
		return nonRetryable(err)
	}
	defer s.Close()
	for _, f := range files {
		if f.Signed || f.ContentType != "application/pdf" {
			continue
		}
		opts := pades.SignOptions{Kind: pades.Certification, DocMDP: 2, Key: s, Chain: s.Chain(), Time: in.At.In(motcua.Vietnam),
			Name: leader.Name, Reason: "Ký ban hành", Location: "Hà Nội"}
		if a.Signing.TSAURL != "" {
			opts.TSA = &pades.TSA{URL: a.Signing.TSAURL}
		}
		signed, err := pades.Sign(ctx, f.Data, opts)
		if err != nil {
			return nonRetryable(fmt.Errorf("sign %s: %w", f.Name, err))
		}
		if err := a.Store.SetExchangeFile(ctx, f.ID, signed, true); err != nil {
			return err
		}
	}
	return a.Store.SetOutgoingState(ctx, o.ID, "signed")
}

// RegisterOutgoing gives the signed document its number in the outgoing register
// (keyed: a retry keeps the number) and seals each file once.
func (a *Activities) RegisterOutgoing(ctx context.Context, in RegisterOutgoingInput) (RegisterOutgoingResult, error) {
	o, err := a.Store.OutgoingDocument(ctx, in.OutgoingID)
	if err != nil {
		return RegisterOutgoingResult{}, nonRetryable(err)
	}
	files, err := a.Store.ExchangeFiles(ctx, "outgoing", o.ID)
	if err != nil {
		return RegisterOutgoingResult{}, err
	}
	names := make([]string, len(o.Recipients))
	for i, r := range o.Recipients {
		names[i] = r.OrganName
	}
	leader := ""
	if o.SignerID != 0 {
		if l, err := a.Store.Actor(ctx, o.SignerID); err == nil {
			leader = l.Name
		}
	}
	e, err := a.Store.RegisterOutgoing(ctx, a.Exchange.OrganID, store.OutgoingEntry{Key: in.Key, Symbol: o.Symbol,
		RegisteredAt: in.At, TypeName: o.TypeName, Subject: o.Subject, Signer: leader, Recipients: strings.Join(names, "; "),
		Attachments: len(files)})
	if err != nil {
		return RegisterOutgoingResult{}, nonRetryable(err)
	}
	if err := a.Store.SetOutgoingRegistered(ctx, o.ID, e); err != nil {
		return RegisterOutgoingResult{}, err
	}
	for _, f := range files {
		if f.Verdict == "sealed" || f.Verdict == store.VerdictPresigned || f.ContentType != "application/pdf" || a.Signer == nil {
			continue
		}
		data, err := fillNumber(f.Data, e.Number, in.At)
		if err != nil {
			return RegisterOutgoingResult{}, err
		}
		sealed, err := a.sealPlain(ctx, data, in.At)
		if err != nil {
			return RegisterOutgoingResult{}, err
		}
		if err := a.Store.SealExchangeFile(ctx, f.ID, sealed); err != nil {
			return RegisterOutgoingResult{}, err
		}
	}
	return RegisterOutgoingResult{Number: e.Number, Year: e.Year, DocumentID: e.DocumentID}, nil
}

// outgoingEnvelope builds the edXML document of an outgoing record.
func (a *Activities) outgoingEnvelope(ctx context.Context, o store.Outgoing, business edxml.Business) ([]byte, error) {
	files, err := a.Store.ExchangeFiles(ctx, "outgoing", o.ID)
	if err != nil {
		return nil, err
	}
	h := edxml.MessageHeader{
		From:             edxml.Organization{OrganId: a.Exchange.OrganID, OrganName: a.OrgName},
		Code:             edxml.Code{CodeNumber: o.CodeNumber, CodeNotation: o.Symbol},
		DocumentType:     edxml.DocumentType{Type: o.TypeCode, TypeName: o.TypeName},
		Subject:          o.Subject,
		OtherInfo:        edxml.OtherInfo{Priority: edxml.Priority(o.Priority), PromulgationAmount: 1, PageAmount: 1},
		DocumentId:       o.DocumentID,
		PromulgationInfo: edxml.PromulgationInfo{Place: "Hà Nội"},
	}
	if o.RegisterID != 0 {
		if reg, err := a.Store.OutgoingRegisterEntry(ctx, o.RegisterID); err == nil {
			h.PromulgationInfo.Date = reg.IssuedOn.Format("2006-01-02")
		}
	}
	for _, r := range o.Recipients {
		h.To = append(h.To, edxml.Organization{OrganId: r.OrganID, OrganName: r.OrganName})
	}
	refs, err := a.Store.ResponseFor(ctx, "outgoing", o.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		h.ResponseFor = append(h.ResponseFor, edxml.ResponseFor{OrganId: r.OrganID, Code: r.Code,
			PromulgationDate: r.PromulgationDate, DocumentId: r.DocumentID})
	}
	env := edxml.Envelope{Header: h, Business: business}
	if business.DocType == edxml.BusinessNew && o.BusinessType != 0 {
		env.Business = edxml.Business{DocType: edxml.BusinessType(o.BusinessType), DocumentId: o.RelatedDocumentID}
		if o.BusinessType == int(edxml.BusinessReplace) {
			ids := make([]string, len(o.Recipients))
			for i, r := range o.Recipients {
				ids[i] = r.OrganID
			}
			env.Business.DocumentId = ""
			env.Business.Replacements = []edxml.Replacement{{DocumentId: o.RelatedDocumentID, OrganIds: ids}}
		}
	}
	if business.DocType != edxml.BusinessRevoke {
		for i, f := range files {
			env.Attachments = append(env.Attachments, edxml.Attachment{ContentId: fmt.Sprintf("att%d", i+1), Name: f.Name,
				ContentType: f.ContentType, Data: f.Data})
		}
	}
	return edxml.Marshal(env)
}

// SendOutgoing sends the numbered and sealed document to its recipients through the
// axis, once: it looks for its key in the axis's sent list before sending, so a retry
// after a crash between the send and the record sends nothing again.
func (a *Activities) SendOutgoing(ctx context.Context, in SendOutgoingInput) (SendOutgoingResult, error) {
	ax, err := a.axis()
	if err != nil {
		return SendOutgoingResult{}, err
	}
	o, err := a.Store.OutgoingDocument(ctx, in.OutgoingID)
	if err != nil {
		return SendOutgoingResult{}, nonRetryable(err)
	}
	env, err := a.outgoingEnvelope(ctx, o, edxml.Business{})
	if err != nil {
		return SendOutgoingResult{}, nonRetryable(err)
	}
	res, err := axis.SendOnce(ctx, ax, axis.SendRequest{Key: in.Key, Envelope: env})
	if err != nil {
		return SendOutgoingResult{}, retryableUnlessInvalid(err)
	}
	if a.Exchange.AfterAxisSend != nil {
		if err := a.Exchange.AfterAxisSend(ctx, in.Key); err != nil {
			return SendOutgoingResult{}, err
		}
	}
	if err := a.Store.SetOutgoingSent(ctx, o.ID, res.Message.ID, in.At); err != nil {
		return SendOutgoingResult{}, err
	}
	to := make([]string, len(o.Recipients))
	for i, r := range o.Recipients {
		to[i] = r.OrganID
	}
	return SendOutgoingResult{AxisMessageID: res.Message.ID, Duplicate: res.Duplicate, Recipients: to}, nil
}

// retryableUnlessInvalid lets transport outages and unknown outcomes be retried (the
// next attempt reconciles through the sent list) and stops on a refused envelope.
func retryableUnlessInvalid(err error) error {
	switch motcua.ErrorCode(err) {
	case motcua.EINVALID, motcua.EFORBIDDEN, motcua.ECONFLICT, motcua.EUNAUTHORIZED:
		return nonRetryable(err)
	}
	return err
}

// RecallOutgoing sends a recall (edXML revoke of the sent document) to its recipients and
// records status 13 for each.
func (a *Activities) RecallOutgoing(ctx context.Context, in RecallOutgoingInput) error {
	ax, err := a.axis()
	if err != nil {
		return err
	}
	o, err := a.Store.OutgoingDocument(ctx, in.OutgoingID)
	if err != nil {
		return nonRetryable(err)
	}
	env, err := a.outgoingEnvelope(ctx, o, edxml.Business{DocType: edxml.BusinessRevoke, DocumentId: o.DocumentID, Reason: in.Reason})
	if err != nil {
		return nonRetryable(err)
	}
	if _, err := axis.SendOnce(ctx, ax, axis.SendRequest{Key: in.Key, Envelope: env}); err != nil {
		return retryableUnlessInvalid(err)
	}
	for _, r := range o.Recipients {
		if _, err := a.Store.RecordOutgoingStatus(ctx, o.DocumentID, store.StatusEvent{OrganID: r.OrganID,
			// Peers stamp statuses to the second: the recall is stamped so too, so that an
			// answer in the same second still counts as later.
			Status: string(edxml.StatusTakeBack), Description: in.Reason, At: in.At.Truncate(time.Second)}); err != nil {
			return err
		}
	}
	return a.Store.SetOutgoingState(ctx, o.ID, "recalled")
}

// ReceiveIncoming fetches one document from the axis, checks it (the envelope, that it
// is addressed to this agency, every attachment's signature) and records it, flagged as
// a duplicate when the issuer sent the same document before. It sends nothing: the
// workflow sends 01 or 02 next.
func (a *Activities) ReceiveIncoming(ctx context.Context, in ReceiveIncomingInput) (ReceiveIncomingResult, error) {
	ax, err := a.axis()
	if err != nil {
		return ReceiveIncomingResult{}, err
	}
	f, err := ax.Fetch(ctx, in.AxisMessageID)
	if err != nil {
		return ReceiveIncomingResult{}, retryableUnlessInvalid(err)
	}
	rec := store.Incoming{AxisMessageID: in.AxisMessageID, WorkflowID: in.WorkflowID, IssuerID: f.Message.From,
		IssuerName: f.Message.From, ArrivedAt: in.At, State: store.IncomingArrived}
	env, perr := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
	var files []store.ExchangeFile
	switch {
	case perr != nil:
		rec.State, rec.Reason = store.IncomingRefused, "Gói tin không hợp lệ: "+motcua.ErrorMessage(perr)
	case env.Status != nil:
		rec.State, rec.Reason = store.IncomingRefused, "Gói tin là thông điệp trạng thái, không phải văn bản."
	default:
		h := env.Header
		rec.DocumentID, rec.IssuerID, rec.IssuerName = h.DocumentId, h.From.OrganId, h.From.OrganName
		rec.CodeNumber, rec.CodeNotation, rec.PromulgationDate = h.Code.CodeNumber, h.Code.CodeNotation, h.PromulgationInfo.Date
		rec.TypeName, rec.Subject, rec.Priority, rec.DueOn = h.DocumentType.TypeName, h.Subject, int(h.OtherInfo.Priority), h.DueDate
		rec.BusinessType = int(env.Business.DocType)
		rec.RelatedDocumentID = env.Business.DocumentId
		if len(env.Business.Replacements) > 0 {
			rec.RelatedDocumentID = env.Business.Replacements[0].DocumentId
		}
		if rec.IssuerID != f.Message.From {
			rec.State, rec.Reason = store.IncomingRefused, fmt.Sprintf("Cơ quan gửi trên trục (%s) khác cơ quan ban hành trong gói tin (%s).", f.Message.From, rec.IssuerID)
			break
		}
		if !addressedTo(h.To, a.Exchange.OrganID) {
			rec.State, rec.Reason = store.IncomingRefused, "Văn bản không gửi đến cơ quan này (mã định danh "+a.Exchange.OrganID+")."
			break
		}
		if env.Business.DocType == edxml.BusinessRevoke {
			rec.State, rec.Reason = store.IncomingRecall, env.Business.Reason
			break
		}
		files, rec.Reason = a.checkAttachments(env.Attachments, in.At)
		if rec.Reason != "" {
			rec.State = store.IncomingRefused
		}
	}
	saved, err := a.Store.CreateIncoming(ctx, rec, files)
	if err != nil {
		return ReceiveIncomingResult{}, err
	}
	out := ReceiveIncomingResult{IncomingID: saved.ID, State: saved.State, Reason: saved.Reason, Priority: saved.Priority}
	if perr == nil && env.Status == nil && len(env.Header.ResponseFor) > 0 {
		if err := a.linkReply(ctx, saved, env.Header.ResponseFor, in.At, &out); err != nil {
			return ReceiveIncomingResult{}, err
		}
	}
	if saved.State == store.IncomingRecall {
		out.RecallReason = saved.Reason
		if orig, err := a.Store.IncomingOriginal(ctx, saved.IssuerID, saved.RelatedDocumentID); err == nil {
			out.RecalledWorkflowID = orig.WorkflowID
		} else if motcua.ErrorCode(err) != motcua.ENOTFOUND {
			return ReceiveIncomingResult{}, err
		}
	}
	return out, nil
}

// linkReply records what an incoming document answers and, when it answers one of our
// outgoing documents that asked a dossier's consultation, names the dossier to tell.
// Only a document that passed its checks answers: a refused or duplicate one is kept
// with its references but tells no dossier. A reply to a document we do not know is an
// ordinary incoming document.
func (a *Activities) linkReply(ctx context.Context, saved store.Incoming, refs []edxml.ResponseFor, at time.Time, out *ReceiveIncomingResult) error {
	drefs := make([]store.DocumentRef, len(refs))
	for i, r := range refs {
		drefs[i] = store.DocumentRef{OrganID: r.OrganId, Code: r.Code, PromulgationDate: r.PromulgationDate, DocumentID: r.DocumentId}
	}
	if err := a.Store.SetResponseFor(ctx, "incoming", saved.ID, drefs); err != nil {
		return err
	}
	if saved.State != store.IncomingArrived {
		return nil
	}
	c, err := a.Store.LinkReply(ctx, saved.ID, saved.IssuerID, drefs, at)
	switch {
	case motcua.ErrorCode(err) == motcua.ENOTFOUND:
		return nil
	case err != nil:
		return err
	case c.DossierCode == "" || c.ReplyIncomingID != saved.ID:
		return nil // a reply to a document no dossier asked, or the consultation had its answer
	}
	fs, err := a.Store.ExchangeFiles(ctx, "incoming", saved.ID)
	if err != nil {
		return err
	}
	reply := &ConsultReply{OrganID: c.OrganID, OrganName: c.OrganName, IncomingID: saved.ID, DocumentID: saved.DocumentID,
		Subject: saved.Subject}
	for _, f := range fs {
		reply.Files = append(reply.Files, f.Name)
	}
	out.AnswersDossier, out.Reply = motcua.DossierCode(c.DossierCode).WorkflowID(), reply
	return nil
}

func addressedTo(to []edxml.Organization, id string) bool {
	for _, o := range to {
		if o.OrganId == id {
			return true
		}
	}
	return false
}

// checkAttachments verifies every attachment's signatures with internal/pades. A
// document must carry at least one attachment, every one a PDF whose signatures are
// all valid and trusted; otherwise the reason says which file fails and why.
func (a *Activities) checkAttachments(atts []edxml.Attachment, at time.Time) ([]store.ExchangeFile, string) {
	if len(atts) == 0 {
		return nil, "Văn bản không có tệp đính kèm."
	}
	var (
		files   []store.ExchangeFile
		reasons []string
	)
	for _, att := range atts {
		f := store.ExchangeFile{Name: att.Name, ContentType: att.ContentType, Data: att.Data}
		rep, err := pades.Verify(att.Data, pades.VerifyOptions{Roots: a.Exchange.Roots, Now: at})
		switch {
		case err != nil:
			f.Verdict = "invalid"
			reasons = append(reasons, fmt.Sprintf("Tệp %s không phải tệp PDF đọc được.", att.Name))
		case rep.Verdict == "unsigned":
			f.Verdict = "unsigned"
			reasons = append(reasons, fmt.Sprintf("Tệp %s chưa được ký số.", att.Name))
		case !rep.Valid:
			f.Verdict = "invalid"
			reasons = append(reasons, fmt.Sprintf("Chữ ký số trên tệp %s không hợp lệ: %s", att.Name, rep.Message))
		default:
			f.Verdict, f.Signed = "valid", true
		}
		files = append(files, f)
	}
	return files, strings.Join(reasons, " ")
}

// SendIncomingStatus tells the issuer of an incoming document its status (01, 02, 03,
// 04, 05, 06, 15, 16), once per key, and records it.
func (a *Activities) SendIncomingStatus(ctx context.Context, in IncomingStatusInput) error {
	ax, err := a.axis()
	if err != nil {
		return err
	}
	d, err := a.Store.IncomingDocument(ctx, in.IncomingID)
	if err != nil {
		return nonRetryable(err)
	}
	docID := d.DocumentID
	if d.State == store.IncomingRecall {
		docID = d.RelatedDocumentID
	}
	if docID == "" || d.IssuerID == "" {
		return nil // nothing to answer to
	}
	env, err := edxml.Marshal(edxml.Envelope{Status: &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganId: d.IssuerID, Code: strings.Trim(d.CodeNumber+"/"+d.CodeNotation, "/"),
			PromulgationDate: d.PromulgationDate, DocumentId: docID},
		From:        edxml.Organization{OrganId: a.Exchange.OrganID, OrganName: a.OrgName},
		StatusCode:  edxml.StatusCode(in.Code),
		Description: truncate(in.Description, 2000),
		Timestamp:   in.At.In(motcua.Vietnam).Format(time.RFC3339)}})
	if err != nil {
		return nonRetryable(err)
	}
	if _, err := axis.SendOnce(ctx, ax, axis.SendRequest{Key: in.Key, Envelope: env}); err != nil {
		return retryableUnlessInvalid(err)
	}
	return a.Store.RecordIncomingStatus(ctx, d.ID, in.Code, in.Description, in.At)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// AckIncoming acknowledges an axis message to the transport, once the record and the
// first status are written.
func (a *Activities) AckIncoming(ctx context.Context, axisMessageID string) error {
	ax, err := a.axis()
	if err != nil {
		return err
	}
	return retryableUnlessInvalid(ax.Ack(ctx, axisMessageID))
}

// RegisterIncoming gives an incoming document its number (số đến) in the incoming
// register and computes when it must be before the leader: at once when urgent, else
// one working day after registration on the working-time calendar (the same day or the
// next working day, Decree 30/2020 art. 23).
func (a *Activities) RegisterIncoming(ctx context.Context, in RegisterIncomingInput) (RegisterIncomingResult, error) {
	d, err := a.Store.IncomingDocument(ctx, in.IncomingID)
	if err != nil {
		return RegisterIncomingResult{}, nonRetryable(err)
	}
	files, err := a.Store.ExchangeFiles(ctx, "incoming", d.ID)
	if err != nil {
		return RegisterIncomingResult{}, err
	}
	issued, _ := time.ParseInLocation("2006-01-02", d.PromulgationDate, motcua.Vietnam)
	due, _ := time.ParseInLocation("2006-01-02", d.DueOn, motcua.Vietnam)
	e, err := a.Store.RegisterIncoming(ctx, store.IncomingEntry{Key: in.Key, RegisteredAt: in.At, Channel: store.ChannelElectronic,
		IssuerID: d.IssuerID, IssuerName: d.IssuerName, CodeNumber: d.CodeNumber, CodeNotation: d.CodeNotation, IssuedOn: issued,
		TypeName: d.TypeName, Subject: d.Subject, DueOn: due, Attachments: len(files), DocumentID: d.DocumentID,
		AxisMessageID: d.AxisMessageID})
	if err != nil {
		return RegisterIncomingResult{}, nonRetryable(err)
	}
	leaderDue := LeaderDue(a.Time, in.At, d.Priority)
	if err := a.Store.ChangeIncoming(ctx, d.ID, store.IncomingChange{State: store.IncomingRegistered, At: in.At,
		RegisterID: e.ID, LeaderDue: leaderDue}); err != nil {
		return RegisterIncomingResult{}, err
	}
	return RegisterIncomingResult{Number: e.Number, Year: e.Year, LeaderDue: leaderDue}, nil
}

// LeaderDue is when a document registered at t must be before the leader: at t when it
// is urgent (any priority above Thường), else one working day of the calendar later,
// which is the same day's counterpart on the next working day (weekends, holidays and
// Tết skipped).
func LeaderDue(wt WorkingTime, t time.Time, priority int) time.Time {
	if priority > int(edxml.PriorityNormal) {
		return t
	}
	return wt.Due(wt.Start(t), 8*60, nil)
}

// ChangeIncoming records a change of an incoming document (direction, progress, end,
// removal after a recall).
func (a *Activities) ChangeIncoming(ctx context.Context, in ChangeIncomingInput) error {
	return a.Store.ChangeIncoming(ctx, in.IncomingID, in.Change)
}

// fillNumber writes the register's number and the date of issue into a file motcua
// laid out (a letter drafted on the compose page or a consultation's request: the
// render.FieldNumber and render.FieldDate fields), in an incremental update after the
// leader's signature, as the results are numbered. A file without those fields (an
// uploaded PDF) is returned as it is.
func fillNumber(pdf []byte, number int, at time.Time) ([]byte, error) {
	filled, err := pades.FillFields(pdf, map[string]string{
		render.FieldNumber: store.FormatRegisterNumber(number), // as the register and the DocumentId write it
		render.FieldDate:   render.DatePhrase(at),
	})
	if motcua.ErrorCode(err) == motcua.ENOTFOUND {
		return pdf, nil
	}
	if err != nil {
		return nil, nonRetryable(fmt.Errorf("fill the number of an outgoing document: %w", err))
	}
	return filled, nil
}

// sealPlain applies the organization's seal signature without a drawn stamp: an
// outgoing document composed elsewhere has no seal box motcua laid out.
func (a *Activities) sealPlain(ctx context.Context, pdf []byte, at time.Time) ([]byte, error) {
	s, err := a.sealSigner(ctx, a.Signing.SealCredential)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	opts := pades.SignOptions{Kind: pades.Approval, Key: s, Chain: s.Chain(), Time: at.In(motcua.Vietnam),
		Name: a.OrgName, Reason: "Đóng dấu", Location: "Hà Nội"}
	if a.Signing.TSAURL != "" {
		opts.TSA = &pades.TSA{URL: a.Signing.TSAURL}
	}
	out, err := pades.Sign(ctx, pdf, opts)
	if err != nil {
		return nil, nonRetryable(fmt.Errorf("seal: %w", err))
	}
	return out, nil
}
