package motcua

import "time"

// Vietnam is the zone of Vietnam time (UTC+7, Asia/Ho_Chi_Minh), in which days, working
// hours, dossier codes and dates on documents are counted. A fixed zone rather than
// time.LoadLocation: it needs no tz database in the image, and Vietnam has kept no
// daylight saving since 1975. Times are stored in UTC.
var Vietnam = time.FixedZone("ICT", 7*3600)

// StepAction is what a step of a procedure's process does, as the catalog names it.
type StepAction string

const (
	StepReceive  StepAction = "receive"  // tiếp nhận
	StepAppraise StepAction = "appraise" // thẩm định
	StepReview   StepAction = "review"   // xem xét, cho ý kiến
	StepDecide   StepAction = "decide"   // phê duyệt, ký
	StepIssue    StepAction = "issue"    // cấp số, đóng dấu, phát hành
	StepReturn   StepAction = "return"   // trả kết quả
)

var stepActionLabels = map[StepAction]string{
	StepReceive:  "Tiếp nhận hồ sơ",
	StepAppraise: "Thẩm định hồ sơ",
	StepReview:   "Xem xét, cho ý kiến",
	StepDecide:   "Phê duyệt, ký kết quả",
	StepIssue:    "Cấp số, đóng dấu, phát hành",
	StepReturn:   "Trả kết quả",
}

// StepActions lists every step action in the order a process runs them.
func StepActions() []StepAction {
	return []StepAction{StepReceive, StepAppraise, StepReview, StepDecide, StepIssue, StepReturn}
}

// Valid reports whether a is a known step action.
func (a StepAction) Valid() bool { _, ok := stepActionLabels[a]; return ok }

// Label is the step action in Vietnamese.
func (a StepAction) Label() string { return labelOf(stepActionLabels, a) }

// SupplementPolicy says what a supplement request does to the legal time limit.
type SupplementPolicy string

const (
	// SupplementPause stops the clock while the applicant owes documents; the
	// appointment moves by the time paused.
	SupplementPause SupplementPolicy = "pause"
	// SupplementRestart starts the whole time limit again once the documents arrive.
	SupplementRestart SupplementPolicy = "restart"
)

var supplementPolicyLabels = map[SupplementPolicy]string{
	SupplementPause:   "Tạm dừng tính thời hạn trong thời gian chờ bổ sung",
	SupplementRestart: "Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung",
}

// Valid reports whether p is a known policy.
func (p SupplementPolicy) Valid() bool { _, ok := supplementPolicyLabels[p]; return ok }

// Label is the policy in Vietnamese.
func (p SupplementPolicy) Label() string { return labelOf(supplementPolicyLabels, p) }

// DocumentKind is a kind of document a dossier has: the notices of Circular
// 03/2025/TT-VPCP Appendix I (forms 01–06), the draft result and the signed result.
type DocumentKind string

const (
	DocReceipt           DocumentKind = "receipt"            // mẫu 01
	DocSupplementRequest DocumentKind = "supplement_request" // mẫu 02
	DocRefusal           DocumentKind = "refusal"            // mẫu 03
	DocApology           DocumentKind = "apology"            // mẫu 04
	DocStopNotice        DocumentKind = "stop_notice"        // mẫu 05
	DocControlSheet      DocumentKind = "control_sheet"      // mẫu 06
	DocDraftResult       DocumentKind = "draft_result"
	DocResult            DocumentKind = "result"
	DocEReceipt          DocumentKind = "e_receipt"  // biên lai điện tử (phí, lệ phí)
	DocCorrection        DocumentKind = "correction" // văn bản đính chính kết quả (Decree 30/2020 art. 18)
)

var documentKindLabels = map[DocumentKind]string{
	DocReceipt:           "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
	DocSupplementRequest: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
	DocRefusal:           "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)",
	DocApology:           "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
	DocStopNotice:        "Thông báo dừng giải quyết hồ sơ (Mẫu 05)",
	DocControlSheet:      "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)",
	DocDraftResult:       "Dự thảo kết quả",
	DocResult:            "Kết quả giải quyết (đã ký số)",
	DocEReceipt:          "Biên lai thu phí, lệ phí điện tử",
	DocCorrection:        "Văn bản đính chính kết quả",
}

// DocumentKinds lists every document kind.
func DocumentKinds() []DocumentKind {
	return []DocumentKind{DocReceipt, DocSupplementRequest, DocRefusal, DocApology, DocStopNotice,
		DocControlSheet, DocDraftResult, DocResult, DocEReceipt, DocCorrection}
}

// Valid reports whether k is a known document kind.
func (k DocumentKind) Valid() bool { _, ok := documentKindLabels[k]; return ok }

// Label is the document kind in Vietnamese.
func (k DocumentKind) Label() string { return labelOf(documentKindLabels, k) }

// EventKind is what a row of a dossier's history says happened: a person's decision (the
// decision's own name) or something the process did by itself.
type EventKind string

const (
	EventSubmit            EventKind = "submit"
	EventAssign            EventKind = "assign"
	EventReceive           EventKind = "receive"
	EventTransfer          EventKind = "transfer"
	EventRefuse            EventKind = "refuse"
	EventRequestSupplement EventKind = "request-supplement"
	EventSupplement        EventKind = "supplement"
	EventSupplementExpired EventKind = "supplement-expired"
	EventWithdraw          EventKind = "withdraw"
	EventCompleteStep      EventKind = "complete-step"
	EventConsult           EventKind = "consult"
	EventAnswerConsult     EventKind = "answer-consult"
	EventConsultAgency     EventKind = "consult-agency"
	EventAgencyReply       EventKind = "agency-reply"
	EventSendBack          EventKind = "send-back"
	EventRecall            EventKind = "recall"
	EventSubmitForSigning  EventKind = "submit-for-signing"
	EventSign              EventKind = "sign"
	EventReturnForRework   EventKind = "return-for-rework"
	EventIssue             EventKind = "issue"
	EventReady             EventKind = "ready"
	EventReturnResult      EventKind = "return-result"
	EventStop              EventKind = "stop"
	EventApologize         EventKind = "apologize"
	EventArchive           EventKind = "archive"
	EventRemind            EventKind = "remind"
	EventWarnLate          EventKind = "warn-late"
	EventEscalate          EventKind = "escalate"
	EventAwaitPayment      EventKind = "await-payment"
	EventPay               EventKind = "pay"
)

var eventKindLabels = map[EventKind]string{
	EventSubmit:            "Nộp hồ sơ",
	EventAssign:            "Chuyển đến đơn vị xử lý",
	EventReceive:           "Tiếp nhận hồ sơ",
	EventTransfer:          "Chuyển hồ sơ đến đơn vị giải quyết",
	EventRefuse:            "Từ chối giải quyết",
	EventRequestSupplement: "Yêu cầu bổ sung, hoàn thiện hồ sơ",
	EventSupplement:        "Công dân bổ sung hồ sơ",
	EventSupplementExpired: "Quá thời hạn bổ sung, hoàn thiện hồ sơ",
	EventWithdraw:          "Công dân rút hồ sơ",
	EventCompleteStep:      "Chuyển bước xử lý tiếp theo",
	EventConsult:           "Xin ý kiến đơn vị phối hợp",
	EventAnswerConsult:     "Đơn vị phối hợp trả lời",
	EventConsultAgency:     "Gửi văn bản xin ý kiến cơ quan ngoài Bộ",
	EventAgencyReply:       "Cơ quan ngoài Bộ trả lời xin ý kiến",
	EventSendBack:          "Trả lại bước trước",
	EventRecall:            "Thu hồi hồ sơ đã chuyển",
	EventSubmitForSigning:  "Trình ký",
	EventSign:              "Lãnh đạo ký số",
	EventReturnForRework:   "Lãnh đạo trả lại để xử lý lại",
	EventIssue:             "Cấp số, đóng dấu, phát hành",
	EventReady:             "Chuyển kết quả đến Bộ phận Một cửa để trả",
	EventReturnResult:      "Trả kết quả",
	EventStop:              "Dừng giải quyết",
	EventApologize:         "Xin lỗi và hẹn lại ngày trả kết quả",
	EventArchive:           "Lưu trữ hồ sơ",
	EventRemind:            "Nhắc hạn xử lý",
	EventWarnLate:          "Cảnh báo sắp quá hạn",
	EventEscalate:          "Báo cáo lãnh đạo: hồ sơ quá hạn",
	EventAwaitPayment:      "Chờ công dân thanh toán phí, lệ phí trực tuyến",
	EventPay:               "Công dân đã thanh toán phí, lệ phí",
}

// EventKinds lists every event kind.
func EventKinds() []EventKind {
	return []EventKind{EventSubmit, EventAssign, EventReceive, EventTransfer, EventRefuse,
		EventRequestSupplement, EventSupplement, EventSupplementExpired, EventWithdraw, EventCompleteStep,
		EventConsult, EventAnswerConsult, EventConsultAgency, EventAgencyReply, EventSendBack, EventRecall, EventSubmitForSigning, EventSign,
		EventReturnForRework, EventIssue, EventReady, EventReturnResult, EventStop, EventApologize,
		EventArchive, EventRemind, EventWarnLate, EventEscalate, EventAwaitPayment, EventPay}
}

// Valid reports whether k is a known event kind.
func (k EventKind) Valid() bool { _, ok := eventKindLabels[k]; return ok }

// Label is the event in Vietnamese, as a timeline shows it.
func (k EventKind) Label() string { return labelOf(eventKindLabels, k) }

// SLABucket sorts open work by how near its time limit is.
type SLABucket string

const (
	BucketOnTime  SLABucket = "on_time"  // due after the "due soon" threshold, or no limit yet
	BucketDueSoon SLABucket = "due_soon" // due before the threshold, not yet overdue
	BucketOverdue SLABucket = "overdue"  // due before now
)

var bucketLabels = map[SLABucket]string{
	BucketOnTime:  "Trong hạn",
	BucketDueSoon: "Sắp đến hạn",
	BucketOverdue: "Quá hạn",
}

// SLABuckets lists the buckets, the most urgent first.
func SLABuckets() []SLABucket { return []SLABucket{BucketOverdue, BucketDueSoon, BucketOnTime} }

// Valid reports whether b is a known bucket.
func (b SLABucket) Valid() bool { _, ok := bucketLabels[b]; return ok }

// Label is the bucket in Vietnamese.
func (b SLABucket) Label() string { return labelOf(bucketLabels, b) }

// BucketOf is the SLA bucket of open work due at due (zero: no time limit yet), at now,
// where soon is the "due soon" threshold (one working day ahead). The inbox's SQL
// (internal/store) computes the same, and a test holds the two together.
func BucketOf(due, now, soon time.Time) SLABucket {
	switch {
	case due.IsZero():
		return BucketOnTime
	case due.Before(now):
		return BucketOverdue
	case due.Before(soon):
		return BucketDueSoon
	}
	return BucketOnTime
}

func labelOf[K ~string](labels map[K]string, k K) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}
