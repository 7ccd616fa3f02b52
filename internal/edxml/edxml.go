// Package edxml builds and parses edXML envelopes of QCVN 102:2016/BTTTT (namespace
// http://www.go.vn/eDoc): the documents and the status messages that agencies exchange
// through the national document axis. It knows nothing of transports or workflows.
//
// Parsing is bounded: a hostile envelope is refused with an *motcua.Error before it can
// take much time or memory (see Limits). Field lengths follow Decree 30/2020 appendix VI
// and are enforced both when building and when parsing. docs/edxml.md says which source
// each element name and length comes from.
package edxml

// Namespace is the edXML namespace of QCVN 102:2016.
const Namespace = "http://www.go.vn/eDoc"

// Envelope is one edXML message: a document (Header set, Status nil) or a status message
// about a document (Status set, Header zero, no attachments).
type Envelope struct {
	Header      MessageHeader
	Status      *Status
	Traces      []TraceHeader
	Business    Business
	Attachments []Attachment
}

// Organization identifies an agency: OrganId is its electronic identifier
// (QĐ 20/2020/QĐ-TTg, for example 000.00.01.H01).
type Organization struct {
	OrganId              string `xml:"OrganId"`
	OrganizationInCharge string `xml:"OrganizationInCharge,omitempty"`
	OrganName            string `xml:"OrganName"`
	OrganAdd             string `xml:"OrganAdd,omitempty"`
	Email                string `xml:"Email,omitempty"`
	Telephone            string `xml:"Telephone,omitempty"`
	Fax                  string `xml:"Fax,omitempty"`
	Website              string `xml:"Website,omitempty"`
}

// Code is the document's number and symbol ("số, ký hiệu"): 15/BNV-VP is CodeNumber 15,
// CodeNotation BNV-VP.
type Code struct {
	CodeNumber   string `xml:"CodeNumber"`
	CodeNotation string `xml:"CodeNotation"`
}

// PromulgationInfo is the place and date of issue; Date is YYYY-MM-DD.
type PromulgationInfo struct {
	Place string `xml:"Place,omitempty"`
	Date  string `xml:"PromulgationDate"`
}

// DocumentType is the document's kind (Type, a code; TypeName, for example "Công văn").
type DocumentType struct {
	Type       string `xml:"Type"`
	TypeName   string `xml:"TypeName"`
	TypeDetail string `xml:"TypeDetail,omitempty"`
}

// SignerInfo is who signed: Competence is the signing authority (KT., TL., TM., …).
type SignerInfo struct {
	Competence string `xml:"Competence,omitempty"`
	Position   string `xml:"Position"`
	FullName   string `xml:"FullName"`
}

// Priority is the document's urgency (độ khẩn).
type Priority int

// The priorities of QCVN 102:2016 OtherInfo/Priority.
const (
	PriorityNormal     Priority = 0 // Thường
	PriorityUrgent     Priority = 1 // Khẩn
	PriorityVeryUrgent Priority = 2 // Thượng khẩn
	PriorityFlash      Priority = 3 // Hỏa tốc
	PriorityFlashTimed Priority = 4 // Hỏa tốc hẹn giờ
)

var priorityLabels = map[Priority]string{
	PriorityNormal: "Thường", PriorityUrgent: "Khẩn", PriorityVeryUrgent: "Thượng khẩn",
	PriorityFlash: "Hỏa tốc", PriorityFlashTimed: "Hỏa tốc hẹn giờ",
}

// Label is the priority's Vietnamese name.
func (p Priority) Label() string { return priorityLabels[p] }

// OtherInfo carries the priority, the circulation and the page count.
type OtherInfo struct {
	Priority             Priority `xml:"Priority"`
	SphereOfPromulgation string   `xml:"SphereOfPromulgation,omitempty"`
	TyperNotation        string   `xml:"TyperNotation,omitempty"`
	PromulgationAmount   int      `xml:"PromulgationAmount"`
	PageAmount           int      `xml:"PageAmount"`
	Appendixes           []string `xml:"Appendixes>Appendix,omitempty"`
}

// MessageHeader describes the document (Decree 30/2020 appendix VI part II).
type MessageHeader struct {
	From             Organization
	To               []Organization
	Code             Code
	PromulgationInfo PromulgationInfo
	DocumentType     DocumentType
	Subject          string
	Content          string
	SignerInfo       SignerInfo
	DueDate          string // YYYY-MM-DD, or empty
	ToPlaces         []string
	OtherInfo        OtherInfo
	SteeringType     int // 1: a document of direction (văn bản chỉ đạo), 0 otherwise
	// ResponseFor names the documents this one answers (a reply to a request for an
	// opinion names the request); empty for a document that answers none.
	ResponseFor []ResponseFor
	DocumentId  string
}

// TraceHeader is one hop of the document: the agency and when it passed.
type TraceHeader struct {
	OrganId   string `xml:"OrganId"`
	Timestamp string `xml:"Timestamp"`
}

// BusinessType says what the document does to earlier ones (BussinessDocType).
type BusinessType int

// The business types of QCVN 102:2016 amendment 1.
const (
	BusinessNew     BusinessType = 0 // a new document
	BusinessRevoke  BusinessType = 1 // revokes (thu hồi) Business.DocumentId
	BusinessUpdate  BusinessType = 2 // updates Business.DocumentId
	BusinessReplace BusinessType = 3 // replaces the documents of Business.Replacements
)

// Label is the business type's Vietnamese name.
func (b BusinessType) Label() string {
	return map[BusinessType]string{BusinessNew: "Văn bản mới", BusinessRevoke: "Thu hồi",
		BusinessUpdate: "Cập nhật", BusinessReplace: "Thay thế"}[b]
}

// StaffInfo is the person who acted.
type StaffInfo struct {
	Department string `xml:"Department,omitempty"`
	Staff      string `xml:"Staff,omitempty"`
	Mobile     string `xml:"Mobile,omitempty"`
	Email      string `xml:"Email,omitempty"`
}

// Replacement names a replaced document and the agencies that received it.
type Replacement struct {
	DocumentId string   `xml:"DocumentId"`
	OrganIds   []string `xml:"OrganIdList>OrganId"`
}

// Business is the Bussiness element (spelled so in the standard) of the TraceHeaderList.
type Business struct {
	DocType      BusinessType
	Reason       string
	DocumentId   string // the revoked or updated document
	Paper        int    // 1 when a paper copy is also sent
	StaffInfo    StaffInfo
	Replacements []Replacement
}

// Attachment is one file of the document, carried base64-encoded in the envelope and
// listed in its manifest.
type Attachment struct {
	ContentId   string
	Name        string
	ContentType string
	Description string
	Data        []byte
}

// StatusCode is the processing status a receiving agency reports to the sender.
type StatusCode string

// The status codes of QCVN 102:2016 amendment 1 (Circular 01/2022/TT-BTTTT).
const (
	StatusArrived        StatusCode = "01"
	StatusRefused        StatusCode = "02"
	StatusRegistered     StatusCode = "03"
	StatusAssigned       StatusCode = "04"
	StatusProcessing     StatusCode = "05"
	StatusDone           StatusCode = "06"
	StatusTakeBack       StatusCode = "13"
	StatusAgreeTakeBack  StatusCode = "15"
	StatusRefuseTakeBack StatusCode = "16"
)

var statusLabels = map[StatusCode]string{
	StatusArrived:        "Đã đến",
	StatusRefused:        "Từ chối tiếp nhận",
	StatusRegistered:     "Đã tiếp nhận",
	StatusAssigned:       "Phân công",
	StatusProcessing:     "Đang xử lý",
	StatusDone:           "Hoàn thành",
	StatusTakeBack:       "Lấy lại",
	StatusAgreeTakeBack:  "Đồng ý lấy lại/cập nhật",
	StatusRefuseTakeBack: "Từ chối lấy lại/cập nhật",
}

// Label is the status's Vietnamese name, "" for an unknown code.
func (c StatusCode) Label() string { return statusLabels[c] }

// Known reports whether c is one of the codes above.
func (c StatusCode) Known() bool { _, ok := statusLabels[c]; return ok }

// ResponseFor names a document: the one a status is about, or one a document answers
// (MessageHeader/ResponseFor).
type ResponseFor struct {
	OrganId          string `xml:"OrganId"`
	Code             string `xml:"Code"`
	PromulgationDate string `xml:"PromulgationDate"`
	DocumentId       string `xml:"DocumentId"`
}

// Status is a status message (edXML Status header).
type Status struct {
	ResponseFor ResponseFor  `xml:"ResponseFor"`
	From        Organization `xml:"From"`
	StatusCode  StatusCode   `xml:"StatusCode"`
	Description string       `xml:"Description"`
	Timestamp   string       `xml:"Timestamp"`
	StaffInfo   StaffInfo    `xml:"StaffInfo"`
}
