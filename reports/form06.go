package reports

// Form06Row is one line of form 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): the dossiers
// of one field of activity (lĩnh vực, the catalog's domain) at one unit in a period.
//
// A dossier counts once it was received (tiếp nhận); a dossier refused at intake was
// never received and appears only in RefusedAtIntake. Every received dossier of the
// period (carried over or new) ends the period in exactly one of: resolved, open,
// withdrawn, stopped; so Received() = Resolved() + Open() + Withdrawn + Stopped.
type Form06Row struct {
	UnitCode string `json:"unitCode"`
	UnitName string `json:"unitName"`
	Domain   string `json:"domain"`

	// Received: carried over from the previous period (open at its start), and new in
	// the period, online or at the desk and by post.
	Carried   int `json:"carried"`
	NewOnline int `json:"newOnline"`
	NewDesk   int `json:"newDesk"`

	// Resolved in the period (result returned, or refused after review), against the
	// due date in force when it was resolved: before the due day, on it, after it.
	Early  int `json:"early"`
	OnTime int `json:"onTime"`
	Late   int `json:"late"`

	// Open at the end of the period, judged by the due date in force at the end.
	OpenInTime  int `json:"openInTime"`
	OpenOverdue int `json:"openOverdue"`

	Withdrawn       int `json:"withdrawn"`
	Stopped         int `json:"stopped"`
	RefusedAtIntake int `json:"refusedAtIntake"`

	// ResolutionMinutes is the sum, over the resolved dossiers, of the working minutes
	// from receipt to resolution; AverageDays() divides it (a working day is 480).
	ResolutionMinutes int64 `json:"resolutionMinutes"`
}

// WorkingDayMinutes is a working day: eight hours.
const WorkingDayMinutes = 480

// New is the dossiers received in the period.
func (r Form06Row) New() int { return r.NewOnline + r.NewDesk }

// Received is the dossiers to resolve in the period: carried over and new.
func (r Form06Row) Received() int { return r.Carried + r.New() }

// Resolved is the dossiers resolved in the period.
func (r Form06Row) Resolved() int { return r.Early + r.OnTime + r.Late }

// Open is the dossiers still being resolved at the end of the period.
func (r Form06Row) Open() int { return r.OpenInTime + r.OpenOverdue }

// AverageDays is the average resolution time in working days, one decimal; 0 when
// nothing was resolved.
func (r Form06Row) AverageDays() float64 {
	if r.Resolved() == 0 {
		return 0
	}
	return round1(float64(r.ResolutionMinutes) / WorkingDayMinutes / float64(r.Resolved()))
}

// Balanced reports whether every received dossier is accounted for once.
func (r Form06Row) Balanced() bool {
	return r.Received() == r.Resolved()+r.Open()+r.Withdrawn+r.Stopped
}

// Add adds o's counts to r.
func (r *Form06Row) Add(o Form06Row) {
	r.Carried += o.Carried
	r.NewOnline += o.NewOnline
	r.NewDesk += o.NewDesk
	r.Early += o.Early
	r.OnTime += o.OnTime
	r.Late += o.Late
	r.OpenInTime += o.OpenInTime
	r.OpenOverdue += o.OpenOverdue
	r.Withdrawn += o.Withdrawn
	r.Stopped += o.Stopped
	r.RefusedAtIntake += o.RefusedAtIntake
	r.ResolutionMinutes += o.ResolutionMinutes
}

// Form06 is the report of a unit (and the units under it) for a period.
type Form06 struct {
	Period   Period      `json:"period"`
	UnitCode string      `json:"unitCode"`
	UnitName string      `json:"unitName"`
	Rows     []Form06Row `json:"rows"` // by unit code, then field of activity
	Total    Form06Row   `json:"total"`
}

// Totalled is f with its Total summed from its rows.
func (f Form06) Totalled() Form06 {
	f.Total = Form06Row{UnitCode: f.UnitCode, UnitName: f.UnitName, Domain: "Tổng cộng"}
	for _, r := range f.Rows {
		f.Total.Add(r)
	}
	return f
}

// Form06Columns are the form's columns in order, with their Vietnamese headings, for the
// page, the workbook and the PDF: one list, so that the three cannot disagree.
var Form06Columns = []Column{
	{"received", "Tổng số hồ sơ nhận giải quyết"},
	{"carried", "Từ kỳ trước chuyển qua"},
	{"newOnline", "Mới tiếp nhận trực tuyến"},
	{"newDesk", "Mới tiếp nhận trực tiếp và qua bưu chính"},
	{"resolved", "Tổng số hồ sơ đã giải quyết"},
	{"early", "Trước hạn"},
	{"onTime", "Đúng hạn"},
	{"late", "Quá hạn"},
	{"open", "Tổng số hồ sơ đang giải quyết"},
	{"openInTime", "Trong hạn"},
	{"openOverdue", "Quá hạn"},
	{"withdrawn", "Rút hồ sơ"},
	{"stopped", "Dừng giải quyết"},
	{"refusedAtIntake", "Từ chối tiếp nhận"},
	{"averageDays", "Thời gian giải quyết trung bình (ngày làm việc)"},
}

// Column is a column of a report.
type Column struct{ Key, Heading string }

// Values are the row's figures in the order of Form06Columns.
func (r Form06Row) Values() []float64 {
	return []float64{float64(r.Received()), float64(r.Carried), float64(r.NewOnline), float64(r.NewDesk),
		float64(r.Resolved()), float64(r.Early), float64(r.OnTime), float64(r.Late),
		float64(r.Open()), float64(r.OpenInTime), float64(r.OpenOverdue),
		float64(r.Withdrawn), float64(r.Stopped), float64(r.RefusedAtIntake), r.AverageDays()}
}

func round1(v float64) float64 {
	if v < 0 {
		return -round1(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}
