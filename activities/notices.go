package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/authority"
	"motcua/internal/render"
	"motcua/internal/store"
)

// applicantOf is the dossier's applicant as its notices and result name it: the
// organization it was filed for (its name, its tax code or identifier, and the
// representative who filed for it), or the person.
func (a *Activities) applicantOf(ctx context.Context, v store.DossierView) (render.Applicant, error) {
	if o := v.Organization; o.ID != 0 {
		who := render.Applicant{Name: o.Name, IDNumber: o.Number(), Organization: true}
		if v.ApplicantID != o.ID {
			who.Representative = v.ApplicantName
		}
		return who, nil
	}
	applicant, err := a.Store.Actor(ctx, v.ApplicantID)
	if err != nil {
		return render.Applicant{}, err
	}
	return render.Applicant{Name: applicant.Name}, nil
}

// notice builds the document of kind in.Kind from the dossier's records; its QR code
// links to the verification page with verifyID.
func (a *Activities) notice(ctx context.Context, v store.DossierView, in NoticeInput, verifyID string) (render.Document, error) {
	who, err := a.applicantOf(ctx, v)
	if err != nil {
		return nil, err
	}
	clerk := ""
	if in.ActorID != 0 {
		if c, err := a.Store.Actor(ctx, in.ActorID); err == nil {
			clerk = c.Name
		}
	}
	h := render.Header{ParentAgency: "BỘ NỘI VỤ", Agency: "VĂN PHÒNG BỘ", Office: "Bộ phận Một cửa Bộ Nội vụ",
		Place: "Hà Nội", Date: in.At.In(motcua.Vietnam), Signer: render.Signer{Name: clerk},
		VerifyURL: a.PublicURL + "/tra-cuu/xac-thuc?ma=" + verifyID}
	received := v.SubmittedAt
	if v.ReceivedAt != nil {
		received = *v.ReceivedAt
	}
	switch in.Kind {
	case motcua.DocReceipt:
		p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
		if err != nil {
			return nil, err
		}
		// The receipt states what the desk received and when: the files attached to each
		// component (not the count the procedure asks for), in the form the component
		// takes, and the time of receipt, which is this decision's (the dossier's record
		// of it is written after the receipt is made).
		received = in.At
		channel := motcua.ChannelOf(v.Channel, v.Online)
		return &render.Receipt{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			Channel: channel.Label(), Components: receivedComponents(p, v.Files), TimeLimit: timeLimit(p.TimeLimit.ForChannel(channel), string(p.TimeLimit.Unit)),
			ReceivedAt: received.In(motcua.Vietnam), DueAt: in.DueAt.In(motcua.Vietnam), ResultDelivery: "Trực tuyến trên Cổng Dịch vụ công và tại Bộ phận Một cửa"}, nil
	case motcua.DocSupplementRequest:
		var items []render.Missing
		for _, m := range in.Missing {
			items = append(items, render.Missing{What: m, Why: in.Reason})
		}
		if len(items) == 0 {
			items = []render.Missing{{What: in.Reason}}
		}
		return &render.SupplementRequest{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			Items: items, Deadline: in.SupplementDeadline.In(motcua.Vietnam)}, nil
	case motcua.DocEReceipt:
		return a.eReceipt(ctx, v, h, who)
	case motcua.DocRefusal:
		return &render.Refusal{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName, Reason: in.Reason}, nil
	case motcua.DocApology:
		due := v.DueAt
		if !in.PreviousDueAt.IsZero() {
			due = &in.PreviousDueAt
		}
		return &render.Apology{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			ReceivedAt: received.In(motcua.Vietnam), DueAt: due.In(motcua.Vietnam), Reason: in.Reason, NewDueAt: in.DueAt.In(motcua.Vietnam)}, nil
	case motcua.DocStopNotice:
		return &render.StopNotice{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			ReceivedAt: received.In(motcua.Vietnam), Reason: in.Reason}, nil
	case motcua.DocControlSheet:
		var rows []render.Handover
		for _, r := range v.Handovers {
			from := r.FromUnitName
			if from == "" {
				from = who.Name + " (người nộp hồ sơ)"
			}
			rows = append(rows, render.Handover{From: from, To: r.ToUnitName, At: r.HandedAt.In(motcua.Vietnam),
				BudgetHours: float64(r.BudgetMinutes) / 60, Result: render.Timeliness(r.Outcome)})
		}
		return &render.ControlSheet{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			ReceivedAt: received.In(motcua.Vietnam), DueAt: in.DueAt.In(motcua.Vietnam), Handovers: rows}, nil
	case motcua.DocDraftResult:
		b, err := a.draftSignature(ctx, v)
		if err != nil {
			return nil, err
		}
		return a.result(ctx, v, in.Code, in.At, b, h.VerifyURL)
	}
	return nil, fmt.Errorf("no template for document kind %q", in.Kind)
}

func timeLimit(v float64, unit string) string {
	if unit == "working_hours" {
		return fmt.Sprintf("%g giờ làm việc", v)
	}
	return fmt.Sprintf("%g ngày làm việc", v)
}

// receivedComponents are the receipt's rows: each component of p of which files were
// received, in the procedure's order, with the number of files and the component's form
// (original, certified copy…); the e-form alone when no file was received.
func receivedComponents(p *forms.Procedure, files []store.File) []render.Component {
	n := map[string]int{}
	for _, f := range files {
		n[f.Component]++
	}
	var out []render.Component
	for _, c := range p.Components {
		if n[c.ID] > 0 {
			out = append(out, render.Component{Name: c.Name, Form: c.Kind.Label(), Count: n[c.ID]})
		}
	}
	if len(out) == 0 {
		// No file was asked for and none came (a request made wholly in the e-form):
		// what was received is the e-form itself.
		out = []render.Component{{Name: "Biểu mẫu điện tử: " + p.Form.Title, Form: "Bản điện tử", Count: 1}}
	}
	return out
}

// eReceipt is the e-receipt of the dossier's paid fee, from the payment the platform
// confirmed (the one paid payment of the dossier).
func (a *Activities) eReceipt(ctx context.Context, v store.DossierView, h render.Header, who render.Applicant) (render.Document, error) {
	ps, err := a.Store.Payments(ctx, v.Code)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Status != store.PaymentPaid || p.PaidAmount == nil || p.ConfirmedAt == nil {
			continue
		}
		fee := "Phí, lệ phí giải quyết thủ tục hành chính"
		if pr, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion); err == nil && pr.Fee.Description != "" {
			fee = pr.Fee.Description
		}
		h.Signer = render.Signer{Name: h.Office}
		return &render.EReceipt{Header: h, DossierCode: string(v.Code), Applicant: who, Procedure: v.ProcedureName,
			FeeName: fee, Amount: *p.PaidAmount, Reference: p.Reference, Transaction: p.Transaction,
			PaidAt: p.ConfirmedAt.In(motcua.Vietnam)}, nil
	}
	return nil, motcua.Errorf(motcua.ECONFLICT, "Hồ sơ chưa có khoản thanh toán đã được xác nhận.")
}

// draftSignature is the block the draft result is rendered under: the catalog's signer
// of the deciding unit, named when the unit has one. Whoever signs it later gets the
// result rendered again under their own block (SignAsLeader).
func (a *Activities) draftSignature(ctx context.Context, v store.DossierView) (motcua.SignatureBlock, error) {
	r := authority.Resolver{Store: a.Store, Catalog: a.Catalog}
	b, holders, err := r.Default(ctx, v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return b, err
	}
	if len(holders) > 0 {
		b.SignerID, b.SignerName = holders[0].ID, holders[0].Name
	}
	return b, nil
}

// result is the result document of a dossier signed under block b, from the procedure's
// own template: the authority line, the issuing agency and the signature block all come
// from b, so they agree with one another and with the certificate SignAsLeader checks b
// against; the content comes from the applicant's form data.
func (a *Activities) result(ctx context.Context, v store.DossierView, code motcua.DossierCode, at time.Time, b motcua.SignatureBlock, verifyURL string) (render.Document, error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	applicant, err := a.applicantOf(ctx, v)
	if err != nil {
		return nil, err
	}
	signer := render.Signer{Prefix: b.Prefix(), Title: b.SignerTitle, Name: b.SignerName}
	if b.Form == motcua.SignAsHead {
		signer.Prefix = ""
	}
	lh := render.Header{ParentAgency: b.ParentAgency, Agency: b.Agency, Place: "Hà Nội", Date: at.In(motcua.Vietnam),
		Signer: signer, Recipients: []string{"Như trên;", "Lưu: VT, " + p.DecidingUnit + "."}, VerifyURL: verifyURL}
	var bases []string
	for _, l := range p.LegalBasis {
		bases = append(bases, "Căn cứ "+l.Title+" số "+l.Number+";")
	}
	var data map[string]any
	if err := json.Unmarshal(v.FormData, &data); err != nil {
		return nil, fmt.Errorf("form data of %s: %w", code, err)
	}
	// The number's symbol is the issuing agency's, the agency the header prints: the
	// deciding unit's (b.Agency).
	iss, err := a.issuer(p.DecidingUnit, b.Agency)
	if err != nil {
		return nil, err
	}
	return a.Renderer.Result(p.Result.Template, render.ResultInput{Header: lh, Issuer: iss.Abbreviation, Authority: b.Authority,
		F: p.Display(data), Applicant: applicant.Name, Procedure: v.ProcedureName, Result: p.Result.Name, Bases: bases})
}
