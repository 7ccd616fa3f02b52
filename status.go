package motcua

// Status is where a dossier stands in motcua's lifecycle. It is richer than the national
// public-service portal's ten codes; PortalStatus maps each status to one of them.
type Status string

const (
	StatusSubmitted           Status = "submitted"            // nộp, chờ tiếp nhận
	StatusAwaitingPayment     Status = "awaiting_payment"     // chờ thanh toán phí, lệ phí
	StatusReceived            Status = "received"             // đã tiếp nhận
	StatusRefused             Status = "refused"              // từ chối tiếp nhận (at intake)
	StatusInReview            Status = "in_review"            // đang thẩm định, xử lý
	StatusSupplementRequested Status = "supplement_requested" // chờ bổ sung, hoàn thiện
	StatusDraftResult         Status = "draft_result"         // dự thảo kết quả
	StatusAwaitingSignature   Status = "awaiting_signature"   // trình ký
	StatusSigned              Status = "signed"               // lãnh đạo đã ký
	StatusIssued              Status = "issued"               // đã cấp số, đóng dấu
	StatusResultReady         Status = "result_ready"         // có kết quả, chờ trả
	StatusReturned            Status = "returned"             // đã trả kết quả
	StatusArchived            Status = "archived"             // đã lưu trữ
	StatusRejected            Status = "rejected"             // từ chối giải quyết (after review)
	StatusWithdrawn           Status = "withdrawn"            // công dân rút hồ sơ
	StatusStopped             Status = "stopped"              // dừng giải quyết
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusSubmitted, StatusAwaitingPayment, StatusReceived, StatusRefused, StatusInReview, StatusSupplementRequested,
	StatusDraftResult, StatusAwaitingSignature, StatusSigned, StatusIssued, StatusResultReady,
	StatusReturned, StatusArchived, StatusRejected, StatusWithdrawn, StatusStopped,
}

// PortalStatus is a status code of the national public-service portal (1–10).
type PortalStatus int

const (
	PortalNew             PortalStatus = 1  // Mới đăng ký
	PortalReceived        PortalStatus = 2  // Được tiếp nhận
	PortalNotReceived     PortalStatus = 3  // Không được tiếp nhận
	PortalProcessing      PortalStatus = 4  // Đang xử lý
	PortalSupplement      PortalStatus = 5  // Yêu cầu bổ sung giấy tờ
	PortalFinancial       PortalStatus = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	PortalWithdrawn       PortalStatus = 7  // Công dân yêu cầu rút hồ sơ
	PortalStopped         PortalStatus = 8  // Dừng xử lý
	PortalProcessed       PortalStatus = 9  // Đã xử lý xong
	PortalResultDelivered PortalStatus = 10 // Đã trả kết quả
)

var statusInfo = map[Status]struct {
	label  string
	portal PortalStatus
	final  bool
}{
	StatusSubmitted:           {"Mới nộp, chờ tiếp nhận", PortalNew, false},
	StatusAwaitingPayment:     {"Chờ thanh toán phí, lệ phí", PortalFinancial, false},
	StatusReceived:            {"Đã tiếp nhận", PortalReceived, false},
	StatusRefused:             {"Từ chối tiếp nhận", PortalNotReceived, true},
	StatusInReview:            {"Đang thẩm định, xử lý", PortalProcessing, false},
	StatusSupplementRequested: {"Chờ bổ sung, hoàn thiện hồ sơ", PortalSupplement, false},
	StatusDraftResult:         {"Đang dự thảo kết quả", PortalProcessing, false},
	StatusAwaitingSignature:   {"Chờ lãnh đạo ký", PortalProcessing, false},
	StatusSigned:              {"Lãnh đạo đã ký, chờ cấp số", PortalProcessing, false},
	StatusIssued:              {"Đã cấp số, đóng dấu", PortalProcessing, false},
	StatusResultReady:         {"Đã có kết quả, chờ trả", PortalProcessed, false},
	StatusReturned:            {"Đã trả kết quả", PortalResultDelivered, false},
	StatusArchived:            {"Đã trả kết quả và lưu trữ", PortalResultDelivered, true},
	StatusRejected:            {"Từ chối giải quyết", PortalProcessed, true},
	StatusWithdrawn:           {"Công dân đã rút hồ sơ", PortalWithdrawn, true},
	StatusStopped:             {"Dừng giải quyết", PortalStopped, true},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusInfo[s]; return ok }

// Label is the status in Vietnamese, for citizens and staff.
func (s Status) Label() string {
	if i, ok := statusInfo[s]; ok {
		return i.label
	}
	return string(s)
}

// Portal is the national portal's status code for s.
func (s Status) Portal() PortalStatus { return statusInfo[s].portal }

// Final reports whether no further decision can change a dossier in status s.
func (s Status) Final() bool { return statusInfo[s].final }
