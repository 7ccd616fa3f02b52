package dossiers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/store"
	"motcua/reports"
)

// ReportPeriod reads the report's period parameter ("2025-04", "2025-Q1", "2025-H1",
// "2025"); the default is the month of Decree 09/2019 that contains now.
func (s *Service) ReportPeriod(q url.Values) (reports.Period, error) {
	if err := ValidText(q); err != nil {
		return reports.Period{}, err
	}
	if v := q.Get("period"); v != "" {
		return reports.ParsePeriod(v)
	}
	return reports.PeriodAt(reports.Month, s.Now())
}

// Form06 is form 06/VPCP/KSTT of the actor's unit and the units under it for p.
func (s *Service) Form06(ctx context.Context, a motcua.Actor, p reports.Period) (reports.Form06, error) {
	return s.Store.Form06(ctx, a.UnitPath, p, s.Now())
}

// Indicators766 is Decision 766's indicators of the actor's scope for p.
func (s *Service) Indicators766(ctx context.Context, a motcua.Actor, p reports.Period) ([]reports.Indicator, error) {
	in, err := s.Store.Inputs766(ctx, a.UnitPath, p, s.Now())
	if err != nil {
		return nil, err
	}
	return reports.Indicators(in), nil
}

// ReportWorkbook is the XLSX of form 06 and the indicators for p.
func (s *Service) ReportWorkbook(ctx context.Context, a motcua.Actor, p reports.Period) ([]byte, error) {
	f, err := s.Form06(ctx, a, p)
	if err != nil {
		return nil, err
	}
	ind, err := s.Indicators766(ctx, a, p)
	if err != nil {
		return nil, err
	}
	return reports.Workbook(f, ind)
}

// ReportUnit is the unit a report is asked for (?unit=CODE): the actor's own unit by
// default, or a unit inside it (an administrator may ask for any unit).
func (s *Service) ReportUnit(ctx context.Context, a motcua.Actor, q url.Values) (motcua.Unit, error) {
	code := strings.TrimSpace(q.Get("unit"))
	if code == "" {
		if a.UnitID == 0 {
			return motcua.Unit{}, motcua.Errorf(motcua.EFORBIDDEN, "Tài khoản của bạn không thuộc đơn vị nào.")
		}
		return s.Store.UnitOf(ctx, a.UnitID)
	}
	if len(code) > 64 {
		return motcua.Unit{}, &motcua.Error{Code: motcua.EINVALID, Field: "unit", Message: "Mã đơn vị không hợp lệ."}
	}
	u, err := s.Store.UnitByCode(ctx, code)
	if err != nil {
		if motcua.ErrorCode(err) == motcua.ENOTFOUND {
			return motcua.Unit{}, &motcua.Error{Code: motcua.ENOTFOUND, Field: "unit", Message: "Không có đơn vị " + code + "."}
		}
		return motcua.Unit{}, err
	}
	if err := motcua.Authorize(a, motcua.PermReadStats, motcua.Scope{UnitPath: u.Path}); err != nil {
		return motcua.Unit{}, &motcua.Error{Code: motcua.EFORBIDDEN, Field: "unit",
			Message: "Đơn vị " + u.Name + " không thuộc phạm vi báo cáo của bạn."}
	}
	return u, nil
}

// ReportSigning is what signing a report needs besides the store: the renderer and
// the signature service (CSC) with its time-stamping authority.
type ReportSigning struct {
	Renderer *render.Renderer
	Signer   *signing.Client // nil: no signature service is configured
	TSAURL   string          // "" for no time-stamp
	Place    string          // the place in the date line, "Hà Nội"
}

// The report is signed synchronously, in the leader's request, not by a workflow: it
// belongs to no dossier and has no progress to own (one render, one signature, one
// row), the leader waits for the PDF, and the PIN the leader typed then never enters a
// Temporal history, even encrypted. The stored row keyed by (report, period, unit,
// issue) makes a repeated request idempotent. See docs/reports.md.

// SignedReport is a signed report as the API and the pages serve it.
type SignedReport struct {
	Name     string
	Data     []byte
	Issue    int
	SignedAt time.Time
	SHA256   string
	// Created is true when this request signed it, false when it was stored already.
	Created bool
}

// SignReportInput asks for form 06 of a unit and a period to be signed.
type SignReportInput struct {
	Unit   motcua.Unit
	Period reports.Period
	PIN    string
	// Reissue signs a new issue even when the period's report is signed already.
	Reissue bool
}

const reportForm06 = "form06"

// mayReadReport checks that the actor may read reports of unit u.
func mayReadReport(a motcua.Actor, u motcua.Unit) error {
	return motcua.Authorize(a, motcua.PermReadStats, motcua.Scope{UnitPath: u.Path})
}

// maySignReport: only a leader of the unit itself signs its report (the ministry's
// leader signs the ministry-wide report); a leader of a unit above or below does not.
func maySignReport(a motcua.Actor, u motcua.Unit) error {
	if !a.Has(motcua.RoleLeader) {
		return motcua.Errorf(motcua.EFORBIDDEN, "Chỉ lãnh đạo đơn vị mới được ký báo cáo; tài khoản của bạn không có vai trò lãnh đạo.")
	}
	if a.UnitPath != u.Path {
		return motcua.Errorf(motcua.EFORBIDDEN, "Chỉ lãnh đạo của %s mới được ký báo cáo của đơn vị này.", u.Name)
	}
	return nil
}

// SignedForm06 is the newest signed issue of form 06 of unit u for p, or ENOTFOUND.
func (s *Service) SignedForm06(ctx context.Context, a motcua.Actor, u motcua.Unit, p reports.Period) (SignedReport, error) {
	if err := mayReadReport(a, u); err != nil {
		return SignedReport{}, err
	}
	r, err := s.Store.LatestSignedReport(ctx, reportForm06, p.Key(), u.ID)
	if err != nil {
		return SignedReport{}, err
	}
	return SignedReport{Name: r.Name, Data: r.Data, Issue: r.Issue, SignedAt: r.SignedAt, SHA256: r.SHA256}, nil
}

// SignForm06 renders form 06 of a closed period as a PDF and signs it with the leader's
// credential at the signature service, authorized by the PIN the leader typed. The
// period's report signed already is returned as it is, unless in.Reissue.
func (s *Service) SignForm06(ctx context.Context, a motcua.Actor, in SignReportInput) (SignedReport, error) {
	u, p := in.Unit, in.Period
	if err := mayReadReport(a, u); err != nil {
		return SignedReport{}, err
	}
	if err := maySignReport(a, u); err != nil {
		return SignedReport{}, err
	}
	now := s.Now()
	if !p.Closed(now) {
		return SignedReport{}, &motcua.Error{Code: motcua.ECONFLICT, Field: "period",
			Message: "Kỳ báo cáo " + p.Label() + " chưa kết thúc; chỉ ký báo cáo của kỳ đã kết thúc, khi số liệu không còn thay đổi."}
	}
	issue := 1
	prev, err := s.Store.LatestSignedReport(ctx, reportForm06, p.Key(), u.ID)
	switch {
	case err == nil && !in.Reissue:
		return SignedReport{Name: prev.Name, Data: prev.Data, Issue: prev.Issue, SignedAt: prev.SignedAt, SHA256: prev.SHA256}, nil
	case err == nil:
		issue = prev.Issue + 1
	case motcua.ErrorCode(err) != motcua.ENOTFOUND:
		return SignedReport{}, err
	}
	if strings.TrimSpace(in.PIN) == "" {
		return SignedReport{}, &motcua.Error{Code: motcua.EINVALID, Field: "pin", Message: "Nhập mã PIN của khóa ký số để ký báo cáo."}
	}
	if s.ReportSigning == nil {
		return SignedReport{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ ký số chưa sẵn sàng. Vui lòng thử lại sau."}
	}
	tools, err := s.ReportSigning()
	if err != nil {
		return SignedReport{}, fmt.Errorf("sign form 06: %w", err)
	}
	if tools.Signer == nil || tools.Renderer == nil {
		return SignedReport{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ ký số chưa sẵn sàng. Vui lòng thử lại sau."}
	}
	f, err := s.Store.Form06(ctx, u.Path, p, now)
	if err != nil {
		return SignedReport{}, err
	}
	title, err := s.Store.UserTitle(ctx, a.UserID)
	if err != nil {
		return SignedReport{}, err
	}
	doc := Form06Document(f, u, a.Name, title, tools.Place, now)
	out, err := tools.Renderer.RenderReport(ctx, doc)
	if err != nil {
		return SignedReport{}, fmt.Errorf("render form 06 %s of %s: %w", p.Key(), u.Code, err)
	}
	key, err := tools.Signer.Signer(ctx, a.Username, signing.PIN(in.PIN))
	if err != nil {
		return SignedReport{}, err
	}
	defer key.Close()
	img, err := pades.SignatureImage(a.Name)
	if err != nil {
		return SignedReport{}, err
	}
	l := out.Layout
	opts := pades.SignOptions{Kind: pades.Certification, DocMDP: pades.NoChanges, Key: key, Chain: key.Chain(),
		Time: now.In(motcua.Vietnam), Name: a.Name, Reason: "Ký báo cáo " + doc.Form, Location: tools.Place,
		Appearance: &pades.Appearance{Page: l.Page, Image: img,
			Rect: [4]float64{l.SignerImage.X, l.SignerImage.Y, l.SignerImage.X + l.SignerImage.W, l.SignerImage.Y + l.SignerImage.H}}}
	if tools.TSAURL != "" {
		opts.TSA = &pades.TSA{URL: tools.TSAURL}
	}
	signed, err := pades.Sign(ctx, out.PDF, opts)
	if err != nil {
		return SignedReport{}, fmt.Errorf("sign form 06 %s of %s: %w", p.Key(), u.Code, err)
	}
	r, created, err := s.Store.AddSignedReport(ctx, store.SignedReport{Report: reportForm06, Period: p.Key(), UnitID: u.ID,
		Issue: issue, SignerID: a.UserID, SignedAt: now, Name: fmt.Sprintf("bieu-06-%s-%s.pdf", p.Key(), strings.ToLower(u.Code)),
		Data: signed})
	if err != nil {
		return SignedReport{}, err
	}
	s.Log.Info("report signed", "report", reportForm06, "period", p.Key(), "unit", u.Code, "issue", r.Issue, "signer", a.Username,
		"stored", created)
	return SignedReport{Name: r.Name, Data: r.Data, Issue: r.Issue, SignedAt: r.SignedAt, SHA256: r.SHA256, Created: created}, nil
}

// Form06Document is form 06 laid out for the PDF: the Decree 30 heading of the unit,
// "Biểu số 06/VPCP/KSTT", the period, one row per unit and field with the columns of
// reports.Form06Columns (the page's and the workbook's), the total, the signer.
func Form06Document(f reports.Form06, u motcua.Unit, signerName, signerTitle, place string, date time.Time) render.Report {
	last := f.Period.To.AddDate(0, 0, -1)
	doc := render.Report{
		Agency: strings.ToUpper(u.Name), Form: "Biểu số 06/VPCP/KSTT", Place: place, Date: date,
		Title: "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
		Lines: []string{
			fmt.Sprintf("Kỳ báo cáo: %s, từ ngày %s đến ngày %s", periodName(f.Period),
				f.Period.From.In(motcua.Vietnam).Format("02/01/2006"), last.In(motcua.Vietnam).Format("02/01/2006")),
			"Đơn vị báo cáo: " + u.Name,
		},
		Columns: []render.ReportColumn{{Heading: "STT", Width: 2.2, Align: "center"}, {Heading: "Đơn vị", Width: 8, Align: "left"},
			{Heading: "Lĩnh vực", Width: 9, Align: "left"}},
		Notes: []string{"Số liệu theo Thông tư 01/2020/TT-VPCP; kỳ báo cáo theo Nghị định 09/2019/NĐ-CP. " +
			"Hồ sơ đang giải quyết cuối kỳ được so với hạn giải quyết có hiệu lực vào cuối kỳ. " +
			"Thời gian giải quyết trung bình tính bằng ngày làm việc."},
		Recipients: []string{"Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);", "Lưu: VT."},
		Signer:     render.Signer{Title: strings.ToUpper(signerTitle), Name: signerName},
	}
	if doc.Signer.Title == "" {
		doc.Signer.Title = "THỦ TRƯỞNG ĐƠN VỊ"
	}
	for _, c := range reports.Form06Columns {
		doc.Columns = append(doc.Columns, render.ReportColumn{Heading: c.Heading, Width: 3, Align: "right"})
	}
	doc.Columns[len(doc.Columns)-1].Width = 4 // the average, with its decimal comma
	for i, r := range f.Rows {
		doc.Rows = append(doc.Rows, append([]string{fmt.Sprint(i + 1), r.UnitName, r.Domain}, figures(r)...))
	}
	doc.Total = append([]string{"", "", "Tổng cộng"}, figures(f.Total)...)
	return doc
}

// figures are a row's values as the page writes them: whole numbers, and the average
// with a decimal comma.
func figures(r reports.Form06Row) []string {
	var out []string
	for _, v := range r.Values() {
		if v == float64(int64(v)) {
			out = append(out, strconv.FormatInt(int64(v), 10))
			continue
		}
		out = append(out, strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1))
	}
	return out
}

// periodName is the period's name without its dates: "Tháng 4/2025".
func periodName(p reports.Period) string {
	name, _, _ := strings.Cut(p.Label(), " (")
	return name
}

// MaySignReport reports whether the actor may sign the reports of unit u (the pages
// offer the button only then; SignForm06 decides).
func (s *Service) MaySignReport(a motcua.Actor, u motcua.Unit) bool {
	return mayReadReport(a, u) == nil && maySignReport(a, u) == nil
}
