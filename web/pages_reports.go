package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
	"motcua/reports"
)

// reportView is the page of the reports the rules ask for: form 06/VPCP/KSTT and
// Decision 766's indicators for a period of Decree 09/2019.
type reportView struct {
	Key          string // the period asked for, as typed
	Shown        bool
	Period       reports.Period
	Previous     string
	Next         string
	Columns      []reports.Column
	Form         reports.Form06
	Lines        []reportLine
	Total        reportLine
	Indicators   []indicatorLine
	FlowChart    chart
	IndChart     chart
	WorkbookHref string
	Closed       bool
	// The signed PDF of form 06: its link once signed, and whether the reader may sign
	// it (a leader of the unit, a closed period).
	SignedHref  string
	SignedIssue int
	SignedAt    string
	CanSign     bool
}

// reportLine is a row of form 06 ready to show: its figures as the form's columns.
type reportLine struct {
	Unit, Domain string
	Values       []string
}

// indicatorLine is an indicator with its rate written the Vietnamese way.
type indicatorLine struct {
	reports.Indicator
	Rate string
}

// percentText writes a percentage with at most two decimals and a decimal comma.
func percentText(v float64) string {
	t := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	return strings.Replace(t, ".", ",", 1) + "%"
}

func lineOf(r reports.Form06Row) reportLine {
	l := reportLine{Unit: r.UnitName, Domain: r.Domain}
	for _, v := range r.Values() {
		l.Values = append(l.Values, formatNumber(v))
	}
	return l
}

// pageReports shows form 06 and the 766 indicators of the reader's scope for the period
// (?period=2025-04, 2025-Q1, 2025-H1, 2025; default the current month of Decree 09),
// through the same service as GET /api/v1/reports/form06, with charts of that period.
func (s *Site) pageReports() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.showReports(w, r, r.URL.Query().Get("period"), http.StatusOK, nil)
	}
}

// pageSignReport signs form 06 of the reader's unit for a closed period with the PIN
// the leader typed (POST /bao-cao/ky), through the same service as POST
// /api/v1/reports/form06.pdf, then shows the page again with the signed PDF's link.
// Anyone else is refused with the reason on the page.
func (s *Site) pageSignReport() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		key := strings.TrimSpace(r.PostFormValue("period"))
		q := url.Values{"period": {key}}
		fail := func(err error) {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			status := http.StatusUnprocessableEntity
			if motcua.ErrorCode(err) == motcua.EFORBIDDEN {
				status = http.StatusForbidden
			}
			s.showReports(w, r, key, status, errorsOf(err, map[string]string{"pin": "pin", "period": "period"}))
		}
		p, err := s.Dossiers.ReportPeriod(q)
		if err != nil {
			fail(err)
			return
		}
		u, err := s.Dossiers.ReportUnit(r.Context(), a, url.Values{})
		if err != nil {
			fail(err)
			return
		}
		_, err = s.Dossiers.SignForm06(r.Context(), a, dossiers.SignReportInput{Unit: u, Period: p, PIN: r.PostFormValue("pin"),
			Reissue: r.PostFormValue("reissue") == "1"})
		if err != nil {
			fail(err)
			return
		}
		http.Redirect(w, r, "/bao-cao?period="+url.QueryEscape(p.Key())+"&ok=signed", http.StatusSeeOther)
	}
}

// showReports renders the reports page for the period typed (key), with errs in its
// error summary.
func (s *Site) showReports(w http.ResponseWriter, r *http.Request, key string, status int, errs []pageError) {
	a, _ := httpx.ActorFrom(r.Context())
	ctx := r.Context()
	q := url.Values{}
	if v := strings.TrimSpace(key); v != "" {
		q.Set("period", v)
	}
	d := s.page(r, "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính")
	d.Errors = errs
	rv := reportView{Key: q.Get("period"), Columns: reports.Form06Columns}
	p, err := s.Dossiers.ReportPeriod(q)
	if err != nil {
		if motcua.ErrorCode(err) != motcua.EINVALID {
			s.showError(w, r, err)
			return
		}
		d.Errors = errorsOf(err, map[string]string{"period": "period"})
		d.Data = rv
		s.show(w, http.StatusUnprocessableEntity, "reports", d)
		return
	}
	form, err := s.Dossiers.Form06(ctx, a, p)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	ind, err := s.Dossiers.Indicators766(ctx, a, p)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	next, _ := reports.PeriodAt(p.Kind, p.To)
	rv.Shown, rv.Period, rv.Key, rv.Form = true, p, p.Key(), form
	rv.Previous, rv.Next, rv.Closed = p.Previous().Key(), next.Key(), p.Closed(s.Now())
	rv.WorkbookHref = "/api/v1/reports/form06.xlsx?period=" + url.QueryEscape(p.Key())
	if u, err := s.Dossiers.ReportUnit(ctx, a, url.Values{}); err == nil {
		rv.CanSign = rv.Closed && s.Dossiers.MaySignReport(a, u)
		if signed, err := s.Dossiers.SignedForm06(ctx, a, u, p); err == nil {
			rv.SignedIssue, rv.SignedAt = signed.Issue, signed.SignedAt.In(motcua.Vietnam).Format("15:04 02/01/2006")
			rv.SignedHref = "/api/v1/reports/form06.pdf?period=" + url.QueryEscape(p.Key())
		}
	}
	var labels []string
	var flows [][]int
	for _, row := range form.Rows {
		rv.Lines = append(rv.Lines, lineOf(row))
		labels = append(labels, row.UnitCode+": "+shorten(row.Domain, 14))
		flows = append(flows, []int{row.Received(), row.Resolved(), row.OpenOverdue})
	}
	rv.Total = lineOf(form.Total)
	rv.FlowChart = columnChart("bc-linh-vuc", "Hồ sơ nhận giải quyết, đã giải quyết và quá hạn theo lĩnh vực, "+p.Label(),
		"Mỗi dòng của biểu 06 (đơn vị, lĩnh vực) ba cột: hồ sơ nhận giải quyết (xanh dương), đã giải quyết (xanh lá), đang quá hạn cuối kỳ (đỏ).",
		labels, []legendItem{{colourReceived, "Nhận giải quyết"}, {colourResolved, "Đã giải quyết"}, {colourOverdue, "Quá hạn"}}, flows)
	var names []string
	var pcts []float64
	for _, in := range ind {
		il := indicatorLine{Indicator: in, Rate: "Không phát sinh"}
		if in.Defined {
			il.Rate = percentText(in.Percent)
		}
		rv.Indicators = append(rv.Indicators, il)
		if in.Defined {
			names, pcts = append(names, in.Name), append(pcts, in.Percent)
		}
	}
	rv.IndChart = barChart("bc-766", "Chỉ số theo Quyết định 766/QĐ-TTg, "+p.Label(),
		"Mỗi thanh là một chỉ số có phát sinh trong kỳ; độ dài là tỷ lệ phần trăm.", names, pcts, 100, colourResolved, "%")
	d.Data = rv
	s.show(w, status, "reports", d)
}
