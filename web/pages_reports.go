package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"motcua"
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
		a, _ := httpx.ActorFrom(r.Context())
		ctx := r.Context()
		q := url.Values{}
		if v := strings.TrimSpace(r.URL.Query().Get("period")); v != "" {
			q.Set("period", v)
		}
		d := s.page(r, "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính")
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
		s.show(w, http.StatusOK, "reports", d)
	}
}
