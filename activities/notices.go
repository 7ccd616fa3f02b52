package activities

import (
	"context"
	"fmt"

	"motcua"
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
	case motcua.DocEReceipt:
		return a.eReceipt(ctx, v, h, who)
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
		p, err := a.Catalog.Version(v.ProcedureCode, v.ProcedureVersion)
		if err != nil {
			return nil, err
		}
		signer := ""
		for _, st := range p.Steps {
			if st.Action == motcua.StepDecide {
				if l, err := a.Store.LeaderOf(ctx, st.Unit); err == nil {
					signer = l.Name
				}
			}
		}
		lh := render.Header{Agency: "BỘ NỘI VỤ", Place: "Hà Nội", Date: in.At.In(motcua.Vietnam),
			Signer:     render.Signer{Prefix: p.Signer.Prefix + " " + p.Signer.AuthorityTitle, Title: p.Signer.Title, Name: signer},
			Recipients: []string{"Như Điều 3;", "Lưu: VT, " + p.DecidingUnit + "."}, VerifyURL: h.VerifyURL}
		var bases []string
		for _, l := range p.LegalBasis {
			bases = append(bases, "Căn cứ "+l.Title+" số "+l.Number+";")
		}
		return &render.Decision{Header: lh, Symbol: a.Symbol, Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
			Subject: "Về việc giải quyết hồ sơ " + string(in.Code) + ": " + v.ProcedureName, Bases: bases,
			Articles: []string{
				"Chấp thuận đề nghị của " + applicant.Name + " theo hồ sơ " + string(in.Code) + " (" + v.ProcedureName + ").",
				"Quyết định này có hiệu lực kể từ ngày ký.",
				"Chánh Văn phòng Bộ, thủ trưởng các đơn vị có liên quan và " + applicant.Name + " chịu trách nhiệm thi hành Quyết định này./.",
			}}, nil
	}
	return nil, fmt.Errorf("no template for document kind %q", in.Kind)
}

func timeLimit(v float64, unit string) string {
	if unit == "working_hours" {
		return fmt.Sprintf("%g giờ làm việc", v)
	}
	return fmt.Sprintf("%g ngày làm việc", v)
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
