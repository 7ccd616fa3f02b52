package edxml

import (
	"fmt"
	"reflect"
	"time"
	"unicode/utf8"
)

// Maximum lengths, in characters. Those marked "PL VI" are Decree 30/2020 appendix VI
// part II; the others are our choice (docs/edxml.md).
const (
	maxOrganId      = 13   // PL VI
	maxCodeNumber   = 11   // PL VI
	maxCodeNotation = 30   // PL VI
	maxSubject      = 500  // PL VI
	maxToPlaces     = 1000 // PL VI, all places together
	maxName         = 200
	maxShort        = 100
	maxPhone        = 20
	maxLong         = 2000
	maxContent      = 10000
	maxResponseFor  = 20 // documents one document answers: our choice
)

// Date layouts accepted for dates and timestamps; whatever is parsed is kept verbatim.
var (
	dateLayouts      = []string{"2006-01-02", "2006/01/02", "02/01/2006"}
	timestampLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006/01/02 15:04:05", "02/01/2006 15:04:05"}
)

type check struct {
	field, label, value string
	max                 int
}

func checkLengths(cs []check) error {
	for _, c := range cs {
		if n := utf8.RuneCountInString(c.value); n > c.max {
			return invalid(c.field, "%s dài %d ký tự, vượt quá %d ký tự cho phép.", c.label, n, c.max)
		}
	}
	return nil
}

func organChecks(field string, o Organization) []check {
	return []check{
		{field + ".OrganId", "Mã định danh cơ quan", o.OrganId, maxOrganId},
		{field + ".OrganName", "Tên cơ quan", o.OrganName, maxName},
		{field + ".OrganizationInCharge", "Cơ quan chủ quản", o.OrganizationInCharge, maxName},
		{field + ".OrganAdd", "Địa chỉ cơ quan", o.OrganAdd, maxName},
		{field + ".Email", "Thư điện tử", o.Email, maxShort},
		{field + ".Telephone", "Số điện thoại", o.Telephone, maxPhone},
		{field + ".Fax", "Số fax", o.Fax, maxPhone},
		{field + ".Website", "Trang thông tin", o.Website, maxShort},
	}
}

func staffChecks(field string, s StaffInfo) []check {
	return []check{
		{field + ".Department", "Đơn vị của cán bộ", s.Department, maxName},
		{field + ".Staff", "Tên cán bộ", s.Staff, maxShort},
		{field + ".Mobile", "Số điện thoại của cán bộ", s.Mobile, maxPhone},
		{field + ".Email", "Thư điện tử của cán bộ", s.Email, maxShort},
	}
}

func required(field, label, value string) error {
	if value == "" {
		return invalid(field, "Thiếu %s.", label)
	}
	return nil
}

func checkTime(field, label, value string, layouts []string) error {
	if value == "" {
		return nil
	}
	for _, l := range layouts {
		if _, err := time.Parse(l, value); err == nil {
			return nil
		}
	}
	return invalid(field, "%s %q không đúng định dạng ngày giờ.", label, value)
}

// validate checks e as both Marshal and Parse require it.
func validate(e Envelope) error {
	if e.Status != nil {
		return validateStatus(e)
	}
	h := e.Header
	if err := required("MessageHeader.From.OrganId", "mã định danh cơ quan gửi", h.From.OrganId); err != nil {
		return err
	}
	if err := required("MessageHeader.Subject", "trích yếu nội dung (Subject)", h.Subject); err != nil {
		return err
	}
	cs := organChecks("MessageHeader.From", h.From)
	for i, to := range h.To {
		cs = append(cs, organChecks(fmt.Sprintf("MessageHeader.To[%d]", i), to)...)
	}
	places := 0
	for _, p := range h.ToPlaces {
		places += utf8.RuneCountInString(p)
	}
	if places > maxToPlaces {
		return invalid("MessageHeader.ToPlaces", "Nơi nhận (ToPlaces) dài %d ký tự, vượt quá %d ký tự cho phép.", places, maxToPlaces)
	}
	cs = append(cs,
		check{"MessageHeader.Code.CodeNumber", "Số văn bản", h.Code.CodeNumber, maxCodeNumber},
		check{"MessageHeader.Code.CodeNotation", "Ký hiệu văn bản", h.Code.CodeNotation, maxCodeNotation},
		check{"MessageHeader.PromulgationInfo.Place", "Địa danh ban hành", h.PromulgationInfo.Place, maxShort},
		check{"MessageHeader.DocumentType.Type", "Mã loại văn bản", h.DocumentType.Type, maxPhone},
		check{"MessageHeader.DocumentType.TypeName", "Tên loại văn bản", h.DocumentType.TypeName, maxShort},
		check{"MessageHeader.DocumentType.TypeDetail", "Chi tiết loại văn bản", h.DocumentType.TypeDetail, maxPhone},
		check{"MessageHeader.Subject", "Trích yếu nội dung", h.Subject, maxSubject},
		check{"MessageHeader.Content", "Nội dung", h.Content, maxContent},
		check{"MessageHeader.SignerInfo.Competence", "Thẩm quyền ký", h.SignerInfo.Competence, maxShort},
		check{"MessageHeader.SignerInfo.Position", "Chức vụ người ký", h.SignerInfo.Position, maxShort},
		check{"MessageHeader.SignerInfo.FullName", "Họ tên người ký", h.SignerInfo.FullName, maxShort},
		check{"MessageHeader.OtherInfo.SphereOfPromulgation", "Phạm vi ban hành", h.OtherInfo.SphereOfPromulgation, maxShort},
		check{"MessageHeader.OtherInfo.TyperNotation", "Ký hiệu người đánh máy", h.OtherInfo.TyperNotation, maxShort},
		check{"MessageHeader.DocumentId", "Mã văn bản (DocumentId)", h.DocumentId, maxShort},
	)
	if len(h.ResponseFor) > maxResponseFor {
		return invalid("MessageHeader.ResponseFor", "Văn bản trả lời quá %d văn bản (ResponseFor).", maxResponseFor)
	}
	for i, r := range h.ResponseFor {
		if err := checkResponseFor(fmt.Sprintf("MessageHeader.ResponseFor[%d]", i), r); err != nil {
			return err
		}
	}
	for i, a := range h.OtherInfo.Appendixes {
		cs = append(cs, check{fmt.Sprintf("MessageHeader.OtherInfo.Appendixes[%d]", i), "Tên phụ lục", a, maxLong})
	}
	if err := checkLengths(cs); err != nil {
		return err
	}
	if err := checkTime("MessageHeader.PromulgationInfo.PromulgationDate", "Ngày ban hành", h.PromulgationInfo.Date, dateLayouts); err != nil {
		return err
	}
	if err := checkTime("MessageHeader.DueDate", "Hạn xử lý", h.DueDate, dateLayouts); err != nil {
		return err
	}
	if o := h.OtherInfo; o.Priority < PriorityNormal || o.Priority > PriorityFlashTimed {
		return invalid("MessageHeader.OtherInfo.Priority", "Độ khẩn %d không hợp lệ (0 đến 4).", o.Priority)
	}
	if o := h.OtherInfo; o.PageAmount < 0 || o.PromulgationAmount < 0 {
		return invalid("MessageHeader.OtherInfo.PageAmount", "Số trang và số bản không được âm.")
	}
	if h.SteeringType != 0 && h.SteeringType != 1 {
		return invalid("MessageHeader.SteeringType", "SteeringType phải là 0 hoặc 1.")
	}
	if err := validateTraces(e); err != nil {
		return err
	}
	return validateAttachments(e.Attachments)
}

func validateTraces(e Envelope) error {
	var cs []check
	for i, t := range e.Traces {
		f := fmt.Sprintf("TraceHeaderList.TraceHeader[%d]", i)
		cs = append(cs, check{f + ".OrganId", "Mã định danh cơ quan", t.OrganId, maxOrganId})
		if err := checkTime(f+".Timestamp", "Thời điểm", t.Timestamp, timestampLayouts); err != nil {
			return err
		}
	}
	b := e.Business
	cs = append(cs, check{"Bussiness.BussinessDocReason", "Lý do", b.Reason, maxLong},
		check{"Bussiness.DocumentId", "Mã văn bản liên quan", b.DocumentId, maxShort})
	cs = append(cs, staffChecks("Bussiness.StaffInfo", b.StaffInfo)...)
	for i, r := range b.Replacements {
		f := fmt.Sprintf("Bussiness.ReplacementInfoList[%d]", i)
		cs = append(cs, check{f + ".DocumentId", "Mã văn bản bị thay thế", r.DocumentId, maxShort})
		for j, o := range r.OrganIds {
			cs = append(cs, check{fmt.Sprintf("%s.OrganIdList[%d]", f, j), "Mã định danh cơ quan", o, maxOrganId})
		}
	}
	if err := checkLengths(cs); err != nil {
		return err
	}
	switch b.DocType {
	case BusinessNew:
	case BusinessRevoke, BusinessUpdate:
		if b.DocumentId == "" {
			return invalid("Bussiness.DocumentId", "Văn bản %s phải nêu mã văn bản liên quan (DocumentId).", b.DocType.Label())
		}
	case BusinessReplace:
		if len(b.Replacements) == 0 {
			return invalid("Bussiness.ReplacementInfoList", "Văn bản thay thế phải nêu văn bản bị thay thế (ReplacementInfoList).")
		}
	default:
		return invalid("Bussiness.BussinessDocType", "Loại nghiệp vụ %d không hợp lệ (0 đến 3).", b.DocType)
	}
	if b.Paper != 0 && b.Paper != 1 {
		return invalid("Bussiness.Paper", "Paper phải là 0 hoặc 1.")
	}
	return nil
}

func validateAttachments(as []Attachment) error {
	seen := map[string]bool{}
	for i, a := range as {
		f := fmt.Sprintf("Attachment[%d]", i)
		if err := required(f+".ContentId", "mã tệp đính kèm (ContentId)", a.ContentId); err != nil {
			return err
		}
		if seen[a.ContentId] {
			return invalid(f+".ContentId", "Mã tệp đính kèm %q bị trùng.", a.ContentId)
		}
		seen[a.ContentId] = true
		if err := checkLengths([]check{
			{f + ".ContentId", "Mã tệp đính kèm", a.ContentId, maxShort},
			{f + ".AttachmentName", "Tên tệp đính kèm", a.Name, 255},
			{f + ".ContentType", "Kiểu tệp đính kèm", a.ContentType, maxShort},
			{f + ".Description", "Mô tả tệp đính kèm", a.Description, maxLong},
		}); err != nil {
			return err
		}
	}
	return nil
}

// checkResponseFor checks a reference to an earlier document: its DocumentId is
// required, the issuer's OrganId (appendix VI) and the number and symbol ("125/SNV-VP":
// number, slash, symbol) within their lengths, the date a date.
func checkResponseFor(field string, r ResponseFor) error {
	if err := required(field+".DocumentId", "mã văn bản được trả lời ("+field+".DocumentId)", r.DocumentId); err != nil {
		return err
	}
	if err := checkLengths([]check{
		{field + ".OrganId", "Mã định danh cơ quan", r.OrganId, maxOrganId},
		{field + ".Code", "Số, ký hiệu văn bản", r.Code, maxCodeNumber + 1 + maxCodeNotation},
		{field + ".DocumentId", "Mã văn bản", r.DocumentId, maxShort},
	}); err != nil {
		return err
	}
	return checkTime(field+".PromulgationDate", "Ngày ban hành", r.PromulgationDate, dateLayouts)
}

func validateStatus(e Envelope) error {
	s := e.Status
	if !reflect.DeepEqual(e.Header, MessageHeader{}) {
		return invalid("Status", "Gói tin trạng thái không được mang MessageHeader.")
	}
	if len(e.Attachments) > 0 {
		return invalid("Attachment", "Gói tin trạng thái không được có tệp đính kèm.")
	}
	if !s.StatusCode.Known() {
		return invalid("Status.StatusCode", "Mã trạng thái %q không hợp lệ.", string(s.StatusCode))
	}
	if err := required("Status.ResponseFor.DocumentId", "mã văn bản được phản hồi (ResponseFor.DocumentId)", s.ResponseFor.DocumentId); err != nil {
		return err
	}
	if err := required("Status.From.OrganId", "mã định danh cơ quan gửi trạng thái", s.From.OrganId); err != nil {
		return err
	}
	if s.StatusCode == StatusRefused && s.Description == "" {
		return invalid("Status.Description", "Trạng thái 02 (Từ chối tiếp nhận) phải nêu lý do.")
	}
	if err := checkResponseFor("Status.ResponseFor", s.ResponseFor); err != nil {
		return err
	}
	cs := append(organChecks("Status.From", s.From),
		check{"Status.Description", "Mô tả trạng thái", s.Description, maxLong})
	cs = append(cs, staffChecks("Status.StaffInfo", s.StaffInfo)...)
	if err := checkLengths(cs); err != nil {
		return err
	}
	if err := checkTime("Status.Timestamp", "Thời điểm", s.Timestamp, timestampLayouts); err != nil {
		return err
	}
	return validateTraces(e)
}
