package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/internal/render"
	"motcua/internal/store"
)

// AskAgencyInput asks an agency outside the ministry for an opinion on a dossier: the
// request becomes an outgoing document (a công văn xin ý kiến) that the outgoing
// document workflow OutgoingWorkflowID carries to the agency once the leader signs.
type AskAgencyInput struct {
	Code               motcua.DossierCode
	Step               string
	OrganID            string
	OrganName          string
	ActorID            int64
	Note               string
	OutgoingWorkflowID string
	At                 time.Time
}

// AskAgencyResult is the outgoing document that asks.
type AskAgencyResult struct {
	OutgoingID int64
}

// ConsultReply is an outside agency's reply to a dossier's consultation, as the
// incoming document workflow signals it to the dossier.
type ConsultReply struct {
	OrganID    string
	OrganName  string
	IncomingID int64
	DocumentID string
	Subject    string
	Files      []string
}

// AskAgency records the request for an opinion as a draft outgoing document with the
// dossier's code, its file (the request, a công văn laid out by render.Letter)
// and the consultation's row. It is keyed by the outgoing workflow's ID: a retry
// returns the document it recorded.
func (a *Activities) AskAgency(ctx context.Context, in AskAgencyInput) (AskAgencyResult, error) {
	if o, err := a.Store.OutgoingDocumentByWorkflow(ctx, in.OutgoingWorkflowID); err == nil {
		c, err := a.Store.CreateExternalConsultation(ctx, store.ExternalConsultation{DossierCode: string(in.Code), Step: in.Step,
			OrganID: in.OrganID, OrganName: in.OrganName, OutgoingID: o.ID, AskedBy: in.ActorID, AskedAt: in.At})
		if err != nil {
			return AskAgencyResult{}, err
		}
		return AskAgencyResult{OutgoingID: c.OutgoingID}, nil
	} else if motcua.ErrorCode(err) != motcua.ENOTFOUND {
		return AskAgencyResult{}, err
	}
	v, err := a.Store.DossierView(ctx, in.Code)
	if err != nil {
		return AskAgencyResult{}, nonRetryable(err)
	}
	subject := fmt.Sprintf("V/v xin ý kiến về hồ sơ %s (%s)", in.Code, v.ProcedureName)
	pdf, err := a.consultLetter(ctx, in, v, subject)
	if err != nil {
		return AskAgencyResult{}, err
	}
	o := store.Outgoing{WorkflowID: in.OutgoingWorkflowID, Subject: truncate(subject, 500), TypeCode: "CV", TypeName: "Công văn",
		Symbol: consultSymbol, DossierCode: string(in.Code), CreatedAt: in.At,
		Recipients: []store.OutgoingRecipient{{OrganID: in.OrganID, OrganName: in.OrganName}}}
	id, err := a.Store.CreateOutgoing(ctx, o, []store.ExchangeFile{{Name: "xin-y-kien-" + string(in.Code) + ".pdf",
		ContentType: "application/pdf", Data: pdf}})
	if err != nil {
		return AskAgencyResult{}, nonRetryable(err)
	}
	if _, err := a.Store.CreateExternalConsultation(ctx, store.ExternalConsultation{DossierCode: string(in.Code), Step: in.Step,
		OrganID: in.OrganID, OrganName: in.OrganName, OutgoingID: id, AskedBy: in.ActorID, AskedAt: in.At}); err != nil {
		return AskAgencyResult{}, err
	}
	return AskAgencyResult{OutgoingID: id}, nil
}

// consultLetter lays out the request as a công văn (render.Letter, Decree 30/2020
// Appendix I): "V/v xin ý kiến về hồ sơ <code>", Kính gửi the agency, a body naming the
// dossier's procedure, applicant and dates and the reviewer's note. Its number and date
// are the empty fields the clerical office's register fills after the leader signs.
func (a *Activities) consultLetter(ctx context.Context, in AskAgencyInput, v store.DossierView, subject string) ([]byte, error) {
	if a.Renderer == nil {
		return nil, nonRetryable(&motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ tạo tệp PDF chưa sẵn sàng."})
	}
	org := a.OrgName
	if org == "" {
		org = "Bộ Nội vụ"
	}
	facts := fmt.Sprintf("%s đang giải quyết hồ sơ mã số %s, thủ tục %s, của %s, tiếp nhận ngày %s",
		org, v.Code, v.ProcedureName, v.ApplicantName, v.SubmittedAt.In(motcua.Vietnam).Format("02/01/2006"))
	if v.DueAt != nil {
		facts += ", hẹn trả kết quả ngày " + v.DueAt.In(motcua.Vietnam).Format("02/01/2006")
	}
	body := []string{facts + ".",
		fmt.Sprintf("Để có cơ sở giải quyết hồ sơ theo quy định, %s đề nghị %s cho ý kiến về hồ sơ nêu trên.", org, in.OrganName)}
	if s := strings.Join(strings.Fields(in.Note), " "); s != "" {
		body = append(body, "Nội dung xin ý kiến: "+truncate(s, 2000))
	}
	body = append(body, "Văn bản trả lời xin gửi qua Trục liên thông văn bản quốc gia, nêu số, ký hiệu của văn bản này.",
		"Trân trọng cảm ơn./.")
	// The leader's digital signature and the seal go on when the leader signs; the
	// block names who drafted the request.
	drafter := "Chuyên viên thụ lý"
	if u, err := a.Store.Actor(ctx, in.ActorID); err == nil && u.Name != "" {
		drafter = u.Name
	}
	out, err := a.Renderer.Render(ctx, &render.Letter{
		Header: render.Header{Agency: strings.ToUpper(org), Place: "Hà Nội", Date: in.At,
			Signer:     render.Signer{Title: "NGƯỜI SOẠN THẢO", Name: drafter},
			Recipients: []string{"Như trên;", "Lưu: VT, hồ sơ " + string(v.Code) + "."}},
		Symbol: consultSymbol, Excerpt: "xin ý kiến về hồ sơ " + string(v.Code),
		To: []string{in.OrganName}, Body: strings.Join(body, "\n\n")})
	if err != nil {
		return nil, nonRetryable(fmt.Errorf("consultation letter for %s: %w", in.Code, err))
	}
	return out.PDF, nil
}

// consultSymbol is the symbol a consultation's request is registered and printed under.
const consultSymbol = "BNV-XYK"
