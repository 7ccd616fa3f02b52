package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/internal/httpx"
	"motcua/internal/store"
	"motcua/reports"
)

// The statistics dashboard draws its charts as inline SVG on the server: no script,
// no style attribute (CSP allows SVG presentation attributes such as fill), a <title>
// and role="img" for assistive technology, and under every chart the table of its
// figures, which is the accessible form of the same data.

// Chart colours: each has a contrast of at least 3:1 on white, as WCAG asks of graphics.
const (
	colourReceived = "#0b4f8a"
	colourResolved = "#00703c"
	colourOverdue  = "#b10e1e"
	colourText     = "#1b1b1b"
	colourGrid     = "#b1b4b6"
)

// chart is an SVG chart ready to draw.
type chart struct {
	ID, Title, Desc string
	Width, Height   int
	Rects           []chartRect
	Texts           []chartText
	Lines           []chartLine
	Legend          []legendItem
}

type chartRect struct {
	X, Y, W, H  float64
	Fill, Title string
}

type chartText struct {
	X, Y   float64
	Anchor string
	Text   string
}

type chartLine struct{ X1, Y1, X2, Y2 float64 }

type legendItem struct{ Colour, Label string }

// round1 keeps one decimal of a coordinate: enough for a screen, and a lighter page.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// rounded is c with its coordinates rounded.
func (c chart) rounded() chart {
	for i, r := range c.Rects {
		c.Rects[i].X, c.Rects[i].Y, c.Rects[i].W, c.Rects[i].H = round1(r.X), round1(r.Y), round1(r.W), round1(r.H)
	}
	for i, t := range c.Texts {
		c.Texts[i].X, c.Texts[i].Y = round1(t.X), round1(t.Y)
	}
	for i, l := range c.Lines {
		c.Lines[i] = chartLine{round1(l.X1), round1(l.Y1), round1(l.X2), round1(l.Y2)}
	}
	return c
}

// niceMax rounds the largest value of a chart up to a round number of at least 1.
func niceMax(v int) int {
	if v <= 4 {
		return 4
	}
	p := int(math.Pow(10, math.Floor(math.Log10(float64(v)))))
	for _, m := range []int{1, 2, 4, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// columnChart draws series side by side for each label (the weekly flow).
func columnChart(id, title, desc string, labels []string, series []legendItem, values [][]int) chart {
	const left, right, top, bottom, height = 44.0, 8.0, 28.0, 44.0, 300
	width := 720.0
	c := chart{ID: id, Title: title, Desc: desc, Width: int(width), Height: height, Legend: series}
	top2 := top
	peak := 0
	for _, vs := range values {
		for _, v := range vs {
			peak = max(peak, v)
		}
	}
	ymax := niceMax(peak)
	plotH := float64(height) - top2 - bottom
	plotW := width - left - right
	steps := 4
	if ymax%4 != 0 {
		steps = 5
	}
	for i := 0; i <= steps; i++ {
		v := ymax * i / steps
		y := top2 + plotH - plotH*float64(v)/float64(ymax)
		c.Lines = append(c.Lines, chartLine{X1: left, Y1: y, X2: width - right, Y2: y})
		c.Texts = append(c.Texts, chartText{X: left - 6, Y: y + 4, Anchor: "end", Text: strconv.Itoa(v)})
	}
	group := plotW / float64(max(len(labels), 1))
	barW := group * 0.8 / float64(max(len(series), 1))
	for i, l := range labels {
		x0 := left + group*float64(i) + group*0.1
		for j, s := range series {
			v := values[i][j]
			h := plotH * float64(v) / float64(ymax)
			c.Rects = append(c.Rects, chartRect{X: x0 + barW*float64(j), Y: top2 + plotH - h, W: barW - 1, H: h, Fill: s.Colour,
				Title: fmt.Sprintf("%s, %s: %d", l, s.Label, v)})
		}
		c.Texts = append(c.Texts, chartText{X: left + group*float64(i) + group/2, Y: top2 + plotH + 16, Anchor: "middle", Text: l})
	}
	// The legend, above the plot.
	x := left
	for _, s := range series {
		c.Rects = append(c.Rects, chartRect{X: x, Y: 6, W: 12, H: 12, Fill: s.Colour})
		c.Texts = append(c.Texts, chartText{X: x + 16, Y: 16, Anchor: "start", Text: s.Label})
		x += 16 + float64(len([]rune(s.Label)))*7 + 20
	}
	return c.rounded()
}

// barChart draws one horizontal bar per label; values are out of full (100 for rates).
func barChart(id, title, desc string, labels []string, values []float64, full float64, colour, unit string) chart {
	const labelW, right, row, top = 150.0, 70.0, 30.0, 8.0
	width := 720.0
	height := top*2 + row*float64(max(len(labels), 1))
	c := chart{ID: id, Title: title, Desc: desc, Width: int(width), Height: int(math.Ceil(height))}
	plotW := width - labelW - right
	c.Lines = append(c.Lines, chartLine{X1: labelW, Y1: top, X2: labelW, Y2: height - top})
	for i, l := range labels {
		y := top + row*float64(i)
		w := 0.0
		if full > 0 {
			w = plotW * math.Min(values[i], full) / full
		}
		value := formatNumber(values[i]) + unit
		c.Rects = append(c.Rects, chartRect{X: labelW, Y: y + 5, W: w, H: row - 10, Fill: colour, Title: l + ": " + value})
		c.Texts = append(c.Texts, chartText{X: labelW - 8, Y: y + row/2 + 4, Anchor: "end", Text: shorten(l, 22)},
			chartText{X: labelW + w + 6, Y: y + row/2 + 4, Anchor: "start", Text: value})
	}
	return c.rounded()
}

// shorten cuts a label for a chart's axis; the table under the chart has it whole.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// formatNumber writes a number the Vietnamese way: a decimal comma, at most one decimal.
func formatNumber(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
}

// rateRow is a group's timeliness: resolved early, on time or late.
type rateRow struct {
	store.StatsRow
	Rate    float64 // percent on time (early or on the due day); -1 when nothing was resolved
	RateTxt string
	// RatingTxt is the average overall rating out of 5, two decimals, or a dash.
	RatingTxt string
}

func rateOf(r store.StatsRow) rateRow {
	rr := rateRow{StatsRow: r, Rate: -1, RateTxt: "Chưa có hồ sơ giải quyết", RatingTxt: "–"}
	if r.Resolved > 0 {
		rr.Rate = 100 * float64(r.Early+r.OnTime) / float64(r.Resolved)
		rr.RateTxt = formatNumber(rr.Rate) + "%"
	}
	if r.Rated > 0 {
		rr.RatingTxt = strings.Replace(strconv.FormatFloat(r.RatingAverage(), 'f', 2, 64), ".", ",", 1)
	}
	return rr
}

// statsView is the dashboard.
type statsView struct {
	From, To    string // the form's values (YYYY-MM-DD, to inclusive)
	Period      string
	Shown       bool // false when the filter is invalid
	Total       rateRow
	Weekly      []store.StatsRow
	WeeklyChart chart
	Procedures  []rateRow
	ProcChart   chart
	Units       []rateRow
	UnitChart   chart
	Now         string
	OpenNow     store.StatsRow
	OverdueNow  []store.StatsRow
	OverdueProc []store.StatsRow
	OverdueCh   chart
	// The reporting period of Decree 09/2019 (?period=, default the running month), read
	// from the rollup form 06 reads (report_monthly): per receiving unit and in total.
	Rollup rollupView
}

// rollupView is the period's figures per receiving unit, from form 06's rollup.
type rollupView struct {
	Key, Label, Previous string
	Units                []rollupLine
	Total                rollupLine
}

// rollupLine is a unit's (or the total's) figures of the period.
type rollupLine struct {
	Unit                                                        string
	Received, New, Resolved, Early, OnTime, Late, Open, Overdue int
	Rate                                                        string // on time or early / resolved, "–" when none
}

func rollupLineOf(unit string, r reports.Form06Row) rollupLine {
	l := rollupLine{Unit: unit, Received: r.Received(), New: r.New(), Resolved: r.Resolved(), Early: r.Early, OnTime: r.OnTime,
		Late: r.Late, Open: r.Open(), Overdue: r.OpenOverdue, Rate: "–"}
	if l.Resolved > 0 {
		l.Rate = formatNumber(round1(float64(r.Early+r.OnTime)*100/float64(l.Resolved))) + " %"
	}
	return l
}

// rollupOf reads the reporting period key (Decree 09; "" the running month) from form
// 06's rollup, through the same service as GET /api/v1/reports/form06, and sums its rows
// per receiving unit.
func (s *Site) rollupOf(r *http.Request, a motcua.Actor, key string) (rollupView, error) {
	q := url.Values{}
	if key != "" {
		q.Set("period", key)
	}
	p, err := s.Dossiers.ReportPeriod(q)
	if err != nil {
		return rollupView{}, err
	}
	form, err := s.Dossiers.Form06(r.Context(), a, p)
	if err != nil {
		return rollupView{}, err
	}
	v := rollupView{Key: p.Key(), Label: p.Label(), Previous: p.Previous().Key()}
	var units []reports.Form06Row
	for _, row := range form.Rows {
		if n := len(units); n > 0 && units[n-1].UnitCode == row.UnitCode {
			units[n-1].Add(row)
			continue
		}
		u := reports.Form06Row{UnitCode: row.UnitCode, UnitName: row.UnitName}
		u.Add(row)
		units = append(units, u)
	}
	for _, u := range units {
		v.Units = append(v.Units, rollupLineOf(u.UnitName, u))
	}
	v.Total = rollupLineOf("Tổng cộng", form.Total)
	return v, nil
}

// statsWeeks is how many weeks the flow chart shows.
const statsWeeks = 12

// pageStats is the statistics dashboard: the period's figures through the same filter
// and queries as GET /api/v1/stats, the weekly flow of the last twelve weeks, the
// on-time rate per procedure and per unit, and the work overdue now.
func (s *Site) pageStats() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		ctx := r.Context()
		q := url.Values{}
		for _, k := range []string{"from", "to"} {
			if v := strings.TrimSpace(r.URL.Query().Get(k)); v != "" {
				q.Set(k, v)
			}
		}
		d := s.page(r, "Thống kê tình hình giải quyết hồ sơ")
		sv := statsView{From: q.Get("from"), To: q.Get("to")}
		rollup, err := s.rollupOf(r, a, strings.TrimSpace(r.URL.Query().Get("period")))
		if err != nil {
			if motcua.ErrorCode(err) != motcua.EINVALID {
				s.showError(w, r, err)
				return
			}
			d.Errors = errorsOf(err, map[string]string{"period": "period"})
			d.Data = sv
			s.show(w, http.StatusUnprocessableEntity, "stats", d)
			return
		}
		sv.Rollup = rollup
		f, err := s.Dossiers.StatsFilter(a, q)
		if err != nil {
			if motcua.ErrorCode(err) != motcua.EINVALID {
				s.showError(w, r, err)
				return
			}
			d.Errors = errorsOf(err, map[string]string{"from": "from", "to": "to"})
			d.Data = sv
			s.show(w, http.StatusUnprocessableEntity, "stats", d)
			return
		}
		sv.Shown = true
		sv.From, sv.To = f.From.In(motcua.Vietnam).Format(time.DateOnly), f.To.Add(-time.Nanosecond).In(motcua.Vietnam).Format(time.DateOnly)
		sv.Period = "từ " + f.From.In(motcua.Vietnam).Format("02/01/2006") + " đến hết " + f.To.Add(-time.Nanosecond).In(motcua.Vietnam).Format("02/01/2006")

		f.By = store.ByProcedure
		byProc, err := s.Dossiers.Stats(ctx, f)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		sv.Total = rateOf(byProc.Total)
		var labels []string
		var rates []float64
		for _, row := range byProc.Rows {
			rr := rateOf(row)
			sv.Procedures = append(sv.Procedures, rr)
			if rr.Rate >= 0 {
				labels, rates = append(labels, row.Key), append(rates, rr.Rate)
			}
		}
		sv.ProcChart = barChart("bd-thu-tuc", "Tỷ lệ hồ sơ giải quyết đúng hạn theo thủ tục, "+sv.Period,
			"Mỗi thanh là một thủ tục có hồ sơ giải quyết xong trong kỳ; độ dài là phần trăm hồ sơ xong trước hạn hoặc đúng hạn.",
			labels, rates, 100, colourResolved, "%")

		f.By = store.ByUnit
		byUnit, err := s.Dossiers.Stats(ctx, f)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		labels, rates = nil, nil
		for _, row := range byUnit.Rows {
			rr := rateOf(row)
			sv.Units = append(sv.Units, rr)
			if rr.Rate >= 0 {
				labels, rates = append(labels, row.Label), append(rates, rr.Rate)
			}
		}
		sv.UnitChart = barChart("bd-don-vi", "Tỷ lệ bước xử lý hoàn thành đúng hạn theo đơn vị, "+sv.Period,
			"Mỗi thanh là một đơn vị; độ dài là phần trăm lần bàn giao đơn vị hoàn thành trước hạn hoặc đúng hạn của bước.",
			labels, rates, 100, colourResolved, "%")

		// The weekly flow: the twelve weeks that end with the period (or today).
		now := s.Now()
		end := f.To
		if now.Before(end) {
			end = now
		}
		wf := f
		wf.By, wf.To = "", end
		wf.From = mondayOf(end.Add(-time.Nanosecond)).AddDate(0, 0, -7*(statsWeeks-1))
		if sv.Weekly, err = s.Dossiers.Weekly(ctx, wf); err != nil {
			s.showError(w, r, err)
			return
		}
		var weeks []string
		var flows [][]int
		for _, row := range sv.Weekly {
			day, _ := time.ParseInLocation(time.DateOnly, row.Key, motcua.Vietnam)
			weeks = append(weeks, day.Format("02/01"))
			flows = append(flows, []int{row.Received, row.Resolved})
		}
		sv.WeeklyChart = columnChart("bd-tuan", fmt.Sprintf("Hồ sơ tiếp nhận và giải quyết xong theo tuần, %d tuần gần nhất", statsWeeks),
			"Mỗi tuần hai cột: hồ sơ tiếp nhận (xanh dương) và hồ sơ giải quyết xong (xanh lá); nhãn là ngày thứ Hai đầu tuần.",
			weeks, []legendItem{{colourReceived, "Tiếp nhận"}, {colourResolved, "Giải quyết xong"}}, flows)

		// Work open now: the statistics of the instant now, so that "overdue" means
		// what the period's figures mean by it.
		pf := store.StatsFilter{UnitPath: f.UnitPath, Procedure: f.Procedure, From: now.Add(-time.Second), To: now, Now: now}
		sv.Now = now.In(motcua.Vietnam).Format("15:04 02/01/2006")
		pf.By = store.ByProcedure
		openProc, err := s.Dossiers.Stats(ctx, pf)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		sv.OpenNow = openProc.Total
		for _, row := range openProc.Rows {
			if row.Pending > 0 {
				sv.OverdueProc = append(sv.OverdueProc, row)
			}
		}
		pf.By = store.ByUnit
		openUnit, err := s.Dossiers.Stats(ctx, pf)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		labels, rates = nil, nil
		peak := 0
		for _, row := range openUnit.Rows {
			if row.Pending > 0 {
				sv.OverdueNow = append(sv.OverdueNow, row)
				labels, rates = append(labels, row.Label), append(rates, float64(row.Overdue))
				peak = max(peak, row.Overdue)
			}
		}
		sv.OverdueCh = barChart("bd-qua-han", "Việc quá hạn hiện nay theo đơn vị, lúc "+sv.Now,
			"Mỗi thanh là một đơn vị đang giữ hồ sơ; độ dài là số bước xử lý đang quá hạn.",
			labels, rates, float64(niceMax(peak)), colourOverdue, "")

		d.Data = sv
		s.show(w, http.StatusOK, "stats", d)
	}
}

// mondayOf is the first instant of t's week (Monday) in Vietnam time.
func mondayOf(t time.Time) time.Time {
	l := t.In(motcua.Vietnam)
	back := (int(l.Weekday()) + 6) % 7
	return time.Date(l.Year(), l.Month(), l.Day()-back, 0, 0, 0, 0, motcua.Vietnam)
}
