package reports

// Inputs766 are the counts of a period from which the indicators of Decision 766/QĐ-TTg
// (2022) that a one-stop system can compute are derived. docs/reports.md gives each
// indicator's definition and source.
type Inputs766 struct {
	// Dossiers resolved in the period, and of them those resolved before or on the due
	// date (group "Tiến độ, kết quả giải quyết").
	Resolved, ResolvedOnTime int
	// Dossiers received in the period; of them received online, and received online
	// with every step online (full-process online service, DVCTT toàn trình).
	Received, ReceivedOnline, ReceivedFullOnline int
	// Received dossiers whose components were digitized, and those that reused at least
	// one component from the electronic data store (group "Số hóa hồ sơ").
	ComponentsDigitized, ComponentsReused int
	// Resolved dossiers whose result was issued electronically (digitized result).
	ResultsDigitized int
	// Procedures with a fee or charge that had dossiers in the period, and of them those
	// with at least one fee paid online (group "Cung cấp DVC trực tuyến").
	ProceduresWithFees, ProceduresPaidOnline int
	// Received dossiers synchronized to the national public-service portal.
	Synced int
	// Satisfaction ratings given in the period, and of them "satisfied" or "very
	// satisfied" (group "Mức độ hài lòng").
	Ratings, RatingsSatisfied int
}

// Indicator is one computed indicator: Numerator / Denominator in percent. Defined is
// false when the denominator is zero (nothing to measure, not 0 %).
type Indicator struct {
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Group       string  `json:"group"`
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Percent     float64 `json:"percent"` // rounded to two decimals
	Defined     bool    `json:"defined"`
}

// Groups of Decision 766's index.
const (
	GroupProgress     = "Tiến độ, kết quả giải quyết"
	GroupDigitization = "Số hóa hồ sơ"
	GroupOnline       = "Cung cấp dịch vụ công trực tuyến"
	GroupSatisfaction = "Mức độ hài lòng"
	GroupPublicity    = "Công khai, minh bạch"
)

// Indicators computes the indicators, in a fixed order.
func Indicators(in Inputs766) []Indicator {
	return []Indicator{
		rate("on-time", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", GroupProgress, in.ResolvedOnTime, in.Resolved),
		rate("online", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", GroupOnline, in.ReceivedOnline, in.Received),
		rate("full-online", "Tỷ lệ hồ sơ trực tuyến toàn trình", GroupOnline, in.ReceivedFullOnline, in.Received),
		rate("fees-paid-online", "Tỷ lệ thủ tục có phí, lệ phí có giao dịch thanh toán trực tuyến", GroupOnline,
			in.ProceduresPaidOnline, in.ProceduresWithFees),
		rate("components-digitized", "Tỷ lệ hồ sơ có thành phần được số hóa", GroupDigitization, in.ComponentsDigitized, in.Received),
		rate("components-reused", "Tỷ lệ hồ sơ có thành phần được tái sử dụng", GroupDigitization, in.ComponentsReused, in.Received),
		rate("results-digitized", "Tỷ lệ hồ sơ giải quyết có kết quả điện tử", GroupDigitization, in.ResultsDigitized, in.Resolved),
		rate("synced", "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", GroupPublicity, in.Synced, in.Received),
		rate("satisfaction", "Tỷ lệ đánh giá hài lòng", GroupSatisfaction, in.RatingsSatisfied, in.Ratings),
	}
}

func rate(code, name, group string, num, den int) Indicator {
	ind := Indicator{Code: code, Name: name, Group: group, Numerator: num, Denominator: den}
	if den > 0 {
		ind.Defined = true
		ind.Percent = float64(int64(float64(num)*10000/float64(den)+0.5)) / 100
	}
	return ind
}
