package render

import "time"

// Kind names a kind of document. Notices 01–06 are the forms of Circular 03/2025/TT-VPCP
// Appendix I; Decision and Licence are procedure results laid out per Decree 30/2020.
type Kind string

const (
	KindReceipt           Kind = "receipt"            // 01 giấy tiếp nhận hồ sơ và hẹn trả kết quả
	KindSupplementRequest Kind = "supplement-request" // 02 phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	KindRefusal           Kind = "refusal"            // 03 phiếu từ chối tiếp nhận giải quyết hồ sơ
	KindApology           Kind = "apology"            // 04 văn bản xin lỗi và đề nghị gia hạn
	KindStopNotice        Kind = "stop-notice"        // 05 thông báo dừng giải quyết hồ sơ
	KindControlSheet      Kind = "control-sheet"      // 06 phiếu kiểm soát quá trình giải quyết hồ sơ
	KindDecision          Kind = "decision"           // result: quyết định
	KindLicence           Kind = "licence"            // result: giấy phép, giấy chứng nhận
	KindEReceipt          Kind = "e-receipt"          // biên lai thu phí, lệ phí điện tử
	KindLetter            Kind = "letter"             // công văn (Decree 30/2020 Appendix I)
)

// Document is one document to render: *Receipt, *SupplementRequest, *Refusal, *Apology,
// *StopNotice, *ControlSheet, *Decision or *Licence. The set is closed.
type Document interface {
	Kind() Kind
	head() *Header
}

// Header is what every document carries: who issues it, where and when, who signs, and
// where it can be verified.
type Header struct {
	// ParentAgency is the governing body above the issuer, upper case as printed
	// ("BỘ NỘI VỤ"); empty when the issuer is itself the top (a ministry's own decision).
	ParentAgency string
	// Agency is the issuing agency, upper case as printed ("VĂN PHÒNG BỘ"), bold and
	// underlined in the heading.
	Agency string
	// Office is the issuer as it reads inside a sentence of a notice
	// ("Bộ phận Một cửa Bộ Nội vụ"). Required for notices 01–06.
	Office string
	// Place is the place name of the date line ("Hà Nội").
	Place string
	// Date is the document's date. For notices it is printed; for results it only picks
	// the template version in force, because the date of issue is given at numbering and
	// goes into the motcua.date field.
	Date time.Time
	// Number is the number and symbol of a notice ("15/TB-VP"); empty prints no number
	// line. Results take their symbol from their own Symbol field instead.
	Number string
	// Signer is who signs the document.
	Signer Signer
	// Recipients are the lines of "Nơi nhận:" ("Như Điều 3;", "Lưu: VT, TCPCP."); a
	// leading "- " is added when missing. Empty prints no recipients block.
	Recipients []string
	// VerifyURL is the public verification address of this document; it is drawn as a
	// QR code and as text on page 1.
	VerifyURL string
}

func (h *Header) head() *Header { return h }

// Signer is the signer block: an authority prefix line, the title, and the name. Between
// the title and the name is the space where the handwritten-signature image goes.
type Signer struct {
	Prefix string // "KT. BỘ TRƯỞNG", "TL. BỘ TRƯỞNG", "TM. ..."; may be empty
	Title  string // "THỨ TRƯỞNG", "NGƯỜI TIẾP NHẬN HỒ SƠ"; empty takes the template's default
	Name   string // "Nguyễn Thị Bích Lĩnh"
}

// Applicant is the person or organization the dossier belongs to.
type Applicant struct {
	Name     string
	IDNumber string // personal identification number or enterprise code; optional
	// Representative is who filed for an organization applicant (its authorized
	// representative); optional.
	Representative string
	// Organization is set for an organization (an association, a business, an
	// agency): the notices address it by its name and as "Quý cơ quan, tổ chức", a
	// person as "Ông/Bà".
	Organization bool
	Address      string // optional
	Phone        string // optional
	Email        string // optional
}

// Addressee is the notices' "Kính gửi" line's name: "Ông/Bà Trần Văn Minh", or the
// organization's name.
func (a Applicant) Addressee() string {
	if a.Organization {
		return a.Name
	}
	return "Ông/Bà " + a.Name
}

// You is how the notices speak to the applicant: "Ông/Bà", or "Quý cơ quan, tổ chức".
func (a Applicant) You() string {
	if a.Organization {
		return "Quý cơ quan, tổ chức"
	}
	return "Ông/Bà"
}

// Component is one document received as part of a dossier.
type Component struct {
	Name  string // "Tờ khai đề nghị cấp giấy phép thành lập quỹ"
	Form  string // "Bản chính", "Bản sao chứng thực", "Bản điện tử"; optional
	Count int    // number of copies, at least 1
}

// Receipt is form 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả.
type Receipt struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	// Channel is how the dossier was received, in words ("trực tiếp", "bưu chính").
	Channel    string
	Components []Component
	// TimeLimit is the statutory time limit of that channel as printed ("30 ngày làm việc").
	TimeLimit  string
	ReceivedAt time.Time
	DueAt      time.Time // the appointment to return the result
	// ResultDelivery says how the result is returned ("Trực tuyến trên Cổng Dịch vụ công
	// quốc gia", "Tại Bộ phận Một cửa", "Qua dịch vụ bưu chính").
	ResultDelivery string
}

// Missing is one thing a supplement request asks for: what, and why.
type Missing struct {
	What string
	Why  string
}

// SupplementRequest is form 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
type SupplementRequest struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	Items       []Missing
	Deadline    time.Time // by when the applicant must supplement; optional
	Contact     string    // who to ask and how ("bà Lê Thị Hoa, điện thoại 024 3824 0000"); optional
}

// Refusal is form 03: phiếu từ chối tiếp nhận giải quyết hồ sơ.
type Refusal struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	Reason      string `render:"multiline"`
}

// Apology is form 04: văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.
type Apology struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	ReceivedAt  time.Time
	DueAt       time.Time // the appointment that will be missed
	Reason      string    `render:"multiline"`
	NewDueAt    time.Time // the new appointment (given only once)
}

// StopNotice is form 05: thông báo dừng giải quyết hồ sơ.
type StopNotice struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	ReceivedAt  time.Time
	RequestedAt time.Time // when the applicant asked to stop; optional
	Reason      string    `render:"multiline"`
}

// Timeliness says how a step ended against its budget.
type Timeliness string

const (
	Pending Timeliness = ""        // not finished yet
	Early   Timeliness = "early"   // trước hạn
	OnTime  Timeliness = "on-time" // đúng hạn
	Late    Timeliness = "late"    // quá hạn
)

// Label is the Vietnamese text printed for t.
func (t Timeliness) Label() string {
	switch t {
	case Early:
		return "Trước hạn"
	case OnTime:
		return "Đúng hạn"
	case Late:
		return "Quá hạn"
	}
	return ""
}

// Handover is one row of the process control sheet: who handed the dossier to whom,
// when, with what time budget for the step, and how the step ended.
type Handover struct {
	From        string // "Lê Thị Hoa (Bộ phận Một cửa)"
	To          string // "Phạm Quốc Huy (Vụ Tổ chức phi chính phủ)"
	At          time.Time
	BudgetHours float64 // the working hours allotted to the step; 0 prints nothing
	Result      Timeliness
	Note        string
}

// ControlSheet is form 06: phiếu kiểm soát quá trình giải quyết hồ sơ.
type ControlSheet struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	ReceivedAt  time.Time
	DueAt       time.Time
	Handovers   []Handover
}

// Decision is a procedure's result as a decision (quyết định). Its number and date of
// issue are left as the empty fields motcua.number and motcua.date.
type Decision struct {
	Header
	Symbol    string   // the symbol printed after the number: "QĐ-BNV"
	Subject   string   // trích yếu: "Về việc công nhận Quỹ ... đủ điều kiện hoạt động"
	Authority string   // who decides, upper case: "BỘ TRƯỞNG BỘ NỘI VỤ"
	Bases     []string // "Căn cứ ...;" lines
	Proposal  string   // "Theo đề nghị của Vụ trưởng Vụ Tổ chức phi chính phủ."; optional
	Articles  []string `render:"multiline"` // the text of Điều 1, Điều 2, ... (numbered by the renderer)
}

// EReceipt is the e-receipt of a fee paid online (biên lai thu phí, lệ phí điện tử):
// what the payment platform confirmed, kept with the dossier.
type EReceipt struct {
	Header
	DossierCode string
	Applicant   Applicant
	Procedure   string
	FeeName     string // what was paid for, as the catalog names the fee
	Amount      int64  // VND, as confirmed by the platform (equal to the fee)
	Reference   string // the platform's reference (mã tham chiếu)
	Transaction string // the platform's transaction (mã giao dịch)
	PaidAt      time.Time
}

// Letter is an official letter (công văn) laid out per Decree 30/2020 Appendix I: the
// heading, "Số: …/<Symbol>" with "V/v <Excerpt>" under it, place and date, "Kính gửi:",
// the body, the signer and "Nơi nhận:". Like a result, its number and date of issue are
// the empty fields motcua.number and motcua.date, filled when the clerical office
// registers it. Header.VerifyURL is optional: without it no QR code is drawn.
type Letter struct {
	Header
	Symbol  string   // the symbol printed after the number: "BNV-VP"
	Excerpt string   // trích yếu, printed after "V/v" under the number
	To      []string // the addressees of "Kính gửi:"
	// Body is plain text; paragraphs are separated by blank lines, and a single line
	// break inside a paragraph is a space.
	Body string `render:"multiline"`
}

// Particular is one "label: value" line of a licence or certificate.
type Particular struct {
	Label string
	Value string
}

// Licence is a procedure's result as a licence or certificate (giấy phép, giấy chứng
// nhận). Like a decision, its number and date of issue are fields.
type Licence struct {
	Header
	Symbol      string       // "GP-BNV"
	Title       string       // "GIẤY PHÉP", "GIẤY CHỨNG NHẬN"
	Subject     string       // the line under the title: "Thành lập và công nhận điều lệ quỹ"
	Authority   string       // "BỘ TRƯỞNG BỘ NỘI VỤ"
	Bases       []string     // "Căn cứ ...;" lines
	Proposal    string       // optional
	Intro       []string     `render:"multiline"` // paragraphs before Grant (a submission's request); optional
	Grant       string       // the operative line: "CHO PHÉP:", "CHỨNG NHẬN:"
	Particulars []Particular // "Tên quỹ: ...", "Trụ sở: ..."
	Paragraphs  []string     `render:"multiline"` // paragraphs after the particulars (a list of nominees); optional
	Articles    []string     `render:"multiline"` // Điều 1, Điều 2, ...
}

func (*Receipt) Kind() Kind           { return KindReceipt }
func (*SupplementRequest) Kind() Kind { return KindSupplementRequest }
func (*Refusal) Kind() Kind           { return KindRefusal }
func (*Apology) Kind() Kind           { return KindApology }
func (*StopNotice) Kind() Kind        { return KindStopNotice }
func (*ControlSheet) Kind() Kind      { return KindControlSheet }
func (*Decision) Kind() Kind          { return KindDecision }
func (*Licence) Kind() Kind           { return KindLicence }
func (*EReceipt) Kind() Kind          { return KindEReceipt }
func (*Letter) Kind() Kind            { return KindLetter }

// isResult reports whether k is numbered and dated after signing through the
// motcua.number and motcua.date fields: a procedure result or a letter.
func (k Kind) isResult() bool { return k == KindDecision || k == KindLicence || k == KindLetter }

// Field names of the empty AcroForm text fields on result documents.
const (
	FieldNumber = "motcua.number" // the number only ("125"); the symbol is printed after it
	FieldDate   = "motcua.date"   // the date phrase: "ngày 20 tháng 11 năm 2025"
)

// Output is a rendered document.
type Output struct {
	PDF      []byte
	Layout   Layout
	Template TemplateInfo
}

// Layout tells the signing step where things are, in PDF points (origin bottom left).
type Layout struct {
	PageCount int
	PageSize  Rect // the A4 media box
	// Page is the 1-based page that holds the signer block, SignerImage and Seal.
	Page int
	// SignerImage is where the signer's handwritten-signature image goes: between the
	// signer's title and name, centred in the signer column.
	SignerImage Rect
	// Seal is where the organization's seal image goes: a square of the seal's real size
	// whose right third covers the left third of SignerImage, vertically centred on it.
	Seal Rect
	// SignerBlock encloses the signer's lines from the prefix to the name.
	SignerBlock Rect
	// QR is the verification QR code on page 1.
	QR Rect
	// Fields are the empty text fields (result documents only): FieldNumber and FieldDate.
	Fields []FieldBox
}

// FieldBox is an empty AcroForm text field: its name, page, rectangle, and the font size
// of its DA entry (the regular document face, from the AcroForm DR).
type FieldBox struct {
	Name     string
	Page     int
	Rect     Rect
	FontSize float64
	// Align is the field's quadding: "left", "center" or "right".
	Align string
}

// TemplateInfo says which template version was used.
type TemplateInfo struct {
	Kind      Kind
	Form      string    // "Mẫu số 01"; empty for results
	Act       string    // "Thông tư số 03/2025/TT-VPCP"
	Effective time.Time // the day the version took effect
	Path      string    // the template file, e.g. "templates/tt03-2025/01-receipt.json"
}
