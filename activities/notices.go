package activities

import (
	"context"
	"fmt"
	"time"

	"motcua"
	"motcua/internal/authority"
	"motcua/internal/render"
	"motcua/internal/store"
)

// notice builds the document of kind in.Kind from the dossier's records; its QR code
// links to the verification page with verifyID.
func (a *Activities) notice(ctx context.Context, v store.DossierView, in NoticeInput, verifyID string) (render.Document, error) {
	applicant, err := a.Store.Actor(ctx, v.ApplicantID)
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
	who := render.Applicant{Name: applicant.Name}
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
		var comps []render.Component
		for _, c := range p.Components {
			comps = append(comps, render.Component{Name: c.Name, Count: max(c.Count, 1)})
		}
		return &render.Receipt{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			Components: comps, TimeLimit: timeLimit(p.TimeLimit.For(v.Online), string(p.TimeLimit.Unit)),
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
	case motcua.DocRefusal:
		return &render.Refusal{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName, Reason: in.Reason}, nil
	case motcua.DocApology:
		return &render.Apology{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			ReceivedAt: received.In(motcua.Vietnam), DueAt: v.DueAt.In(motcua.Vietnam), Reason: in.Reason, NewDueAt: in.DueAt.In(motcua.Vietnam)}, nil
	case motcua.DocStopNotice:
		return &render.StopNotice{Header: h, DossierCode: string(in.Code), Applicant: who, Procedure: v.ProcedureName,
			ReceivedAt: received.In(motcua.Vietnam), Reason: in.Reason}, nil
	case motcua.DocControlSheet:
		var rows []render.Handover
		for _, r := range v.Handovers {
			from := r.FromUnitName
			if from == "" {
				from = applicant.Name + " (người nộp hồ sơ)"
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

// result is the result document of a dossier signed under block b: the authority line,
// the issuing agency and the signature block all come from b, so they agree with one
// another and with the certificate SignAsLeader checks b against.
func (a *Activities) result(ctx context.Context, v store.DossierView, code motcua.DossierCode, at time.Time, b motcua.SignatureBlock, verifyURL string) (render.Document, error) {
	p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	applicant, err := a.Store.Actor(ctx, v.ApplicantID)
	if err != nil {
		return nil, err
	}
	signer := render.Signer{Prefix: b.Prefix(), Title: b.SignerTitle, Name: b.SignerName}
	if b.Form == motcua.SignAsHead {
		signer.Prefix = ""
	}
	lh := render.Header{ParentAgency: b.ParentAgency, Agency: b.Agency, Place: "Hà Nội", Date: at.In(motcua.Vietnam),
		Signer: signer, Recipients: []string{"Như Điều 3;", "Lưu: VT, " + p.DecidingUnit + "."}, VerifyURL: verifyURL}
	var bases []string
	for _, l := range p.LegalBasis {
		bases = append(bases, "Căn cứ "+l.Title+" số "+l.Number+";")
	}
	return &render.Decision{Header: lh, Symbol: a.Symbol, Authority: b.Authority,
		Subject: "Về việc giải quyết hồ sơ " + string(code) + ": " + v.ProcedureName, Bases: bases,
		Articles: []string{
			"Chấp thuận đề nghị của " + applicant.Name + " theo hồ sơ " + string(code) + " (" + v.ProcedureName + ").",
			"Quyết định này có hiệu lực kể từ ngày ký.",
			"Chánh Văn phòng Bộ, thủ trưởng các đơn vị có liên quan và " + applicant.Name + " chịu trách nhiệm thi hành Quyết định này./.",
		}}, nil
}
