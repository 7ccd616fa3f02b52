package render

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

// normalized returns a deep copy of doc with every string cleaned for printing: Unicode
// NFC (pdfcpu does not position combining marks, so decomposed Vietnamese would print
// with loose diacritics), control and private-use characters removed (private-use
// characters are the renderer's own style markers), runs of spaces collapsed, and line
// breaks kept only in fields tagged render:"multiline". The caller's value is not
// changed.
func normalized(doc Document) Document {
	src := reflect.ValueOf(doc)
	dst := reflect.New(src.Elem().Type())
	copyClean(dst.Elem(), src.Elem(), false)
	return dst.Interface().(Document)
}

var timeType = reflect.TypeOf(time.Time{})

func copyClean(dst, src reflect.Value, multiline bool) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(cleanText(src.String(), multiline))
	case reflect.Struct:
		if src.Type() == timeType {
			dst.Set(src)
			return
		}
		t := src.Type()
		for i := 0; i < src.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			copyClean(dst.Field(i), src.Field(i), t.Field(i).Tag.Get("render") == "multiline")
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			copyClean(s.Index(i), src.Index(i), multiline)
		}
		dst.Set(s)
	default:
		dst.Set(src)
	}
}

func cleanText(s string, multiline bool) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			// trim the spaces before a line break
			out := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(out)
			b.WriteByte('\n')
			space = true // no space at the start of the next line
			continue
		case r == '\n' || r == '\t' || r == '\r' || unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r) || unicode.In(r, unicode.Co) || r == utf8.RuneError:
			continue
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// check collects the first problem with a document's input.
type check struct {
	err error
}

func (c *check) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = &motcua.Error{Code: motcua.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
	}
}

// text requires a non-empty value of at most n characters.
func (c *check) text(field, v, label string, n int) {
	if v == "" {
		c.fail(field, "Thiếu %s.", label)
		return
	}
	c.optional(field, v, label, n)
}

// optional limits a value that may be empty to n characters.
func (c *check) optional(field, v, label string, n int) {
	if k := utf8.RuneCountInString(v); k > n {
		c.fail(field, "%s quá dài (%d ký tự, tối đa %d).", upperFirst(label), k, n)
	}
}

func (c *check) time(field string, t time.Time, label string) {
	if t.IsZero() {
		c.fail(field, "Thiếu %s.", label)
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Limits on free text. They keep one document within a few pages and a field within
// what the layout can show; geometric limits (a name on one line) are checked by layout.
const (
	maxShort = 200  // names, codes, places, titles
	maxLine  = 500  // one-line descriptions: procedure, address, component
	maxText  = 3000 // reasons, articles
	maxItems = 60   // components, missing items, bases, articles, recipients
	maxRows  = 200  // hand-overs
	maxURL   = 300
	maxPages = 20
	// MaxLetterBody bounds a letter's body, in characters (about eight pages at 14 pt).
	MaxLetterBody       = 20000
	maxLetterParagraphs = 200
	dossierLen          = 40
)

func (c *check) header(h *Header, notice, needURL bool) {
	c.optional("ParentAgency", h.ParentAgency, "tên cơ quan chủ quản", maxShort)
	c.text("Agency", h.Agency, "tên cơ quan ban hành", maxShort)
	if notice {
		c.text("Office", h.Office, "tên bộ phận ban hành (dùng trong câu)", maxShort)
	}
	c.text("Place", h.Place, "địa danh", 60)
	c.time("Date", h.Date, "ngày ban hành")
	c.optional("Number", h.Number, "số, ký hiệu", 60)
	c.optional("Signer.Prefix", h.Signer.Prefix, "thẩm quyền ký", 80)
	c.optional("Signer.Title", h.Signer.Title, "chức danh người ký", 120)
	c.text("Signer.Name", h.Signer.Name, "họ tên người ký", 80)
	if len(h.Recipients) > maxItems {
		c.fail("Recipients", "Quá nhiều nơi nhận (tối đa %d).", maxItems)
	}
	for i, r := range h.Recipients {
		c.text(fmt.Sprintf("Recipients[%d]", i), r, "nơi nhận", maxLine)
	}
	if needURL {
		c.text("VerifyURL", h.VerifyURL, "địa chỉ xác thực văn bản", maxURL)
	} else {
		c.optional("VerifyURL", h.VerifyURL, "địa chỉ xác thực văn bản", maxURL)
	}
	if h.VerifyURL != "" {
		u, err := url.Parse(h.VerifyURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			c.fail("VerifyURL", "Địa chỉ xác thực văn bản phải là một URL http(s) đầy đủ.")
		}
	}
}

func (c *check) dossier(code string, a Applicant, procedure string) {
	c.text("DossierCode", code, "mã hồ sơ", dossierLen)
	if code != "" {
		if _, _, _, err := motcua.ParseDossierCode(code); err != nil {
			c.fail("DossierCode", "%s", motcua.ErrorMessage(err))
		}
	}
	c.text("Applicant.Name", a.Name, "họ tên người nộp hồ sơ", maxShort)
	c.optional("Applicant.IDNumber", a.IDNumber, "số định danh", 40)
	c.optional("Applicant.Representative", a.Representative, "họ tên người đại diện", maxShort)
	c.optional("Applicant.Address", a.Address, "địa chỉ", maxLine)
	c.optional("Applicant.Phone", a.Phone, "số điện thoại", 40)
	c.optional("Applicant.Email", a.Email, "thư điện tử", 120)
	c.text("Procedure", procedure, "tên thủ tục hành chính", maxLine)
}

func (c *check) list(field string, v []string, label string, min int) {
	if len(v) < min {
		c.fail(field, "Thiếu %s.", label)
	}
	if len(v) > maxItems {
		c.fail(field, "Quá nhiều %s (tối đa %d).", label, maxItems)
	}
	for i, s := range v {
		c.text(fmt.Sprintf("%s[%d]", field, i), s, label, maxText)
	}
}

// validate checks a normalized document. It returns a *motcua.Error with code
// EINVALID naming the first field at fault, or nil.
func validate(doc Document) error {
	c := &check{}
	h := doc.head()
	c.header(h, !doc.Kind().isResult(), doc.Kind() != KindLetter)
	switch d := doc.(type) {
	case *Receipt:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		if len(d.Components) == 0 {
			c.fail("Components", "Thiếu thành phần hồ sơ đã nhận.")
		}
		if len(d.Components) > maxItems {
			c.fail("Components", "Quá nhiều thành phần hồ sơ (tối đa %d).", maxItems)
		}
		for i, p := range d.Components {
			c.text(fmt.Sprintf("Components[%d].Name", i), p.Name, "tên thành phần hồ sơ", maxLine)
			c.optional(fmt.Sprintf("Components[%d].Form", i), p.Form, "hình thức", 60)
			if p.Count < 1 || p.Count > 999 {
				c.fail(fmt.Sprintf("Components[%d].Count", i), "Số lượng bản phải từ 1 đến 999.")
			}
		}
		c.text("TimeLimit", d.TimeLimit, "thời hạn giải quyết theo quy định", 100)
		c.optional("Channel", d.Channel, "hình thức tiếp nhận", 60)
		c.time("ReceivedAt", d.ReceivedAt, "thời gian nhận hồ sơ")
		c.time("DueAt", d.DueAt, "thời gian hẹn trả kết quả")
		if !d.DueAt.IsZero() && !d.DueAt.After(d.ReceivedAt) {
			c.fail("DueAt", "Thời gian hẹn trả kết quả phải sau thời gian nhận hồ sơ.")
		}
		c.text("ResultDelivery", d.ResultDelivery, "hình thức nhận kết quả", maxLine)
	case *SupplementRequest:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		if len(d.Items) == 0 {
			c.fail("Items", "Phải nêu rõ những nội dung cần bổ sung, hoàn thiện.")
		}
		if len(d.Items) > maxItems {
			c.fail("Items", "Quá nhiều nội dung cần bổ sung (tối đa %d).", maxItems)
		}
		for i, it := range d.Items {
			c.text(fmt.Sprintf("Items[%d].What", i), it.What, "nội dung cần bổ sung", maxText)
			c.text(fmt.Sprintf("Items[%d].Why", i), it.Why, "lý do cần bổ sung", maxText)
		}
		c.optional("Contact", d.Contact, "thông tin liên hệ", maxLine)
	case *EReceipt:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		c.text("FeeName", d.FeeName, "tên phí, lệ phí", maxLine)
		c.text("Reference", d.Reference, "mã tham chiếu", 64)
		c.text("Transaction", d.Transaction, "mã giao dịch", 64)
		c.time("PaidAt", d.PaidAt, "thời gian thanh toán")
		if d.Amount <= 0 {
			c.fail("Amount", "Số tiền trên biên lai phải lớn hơn 0.")
		}
	case *Refusal:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		c.text("Reason", d.Reason, "lý do từ chối", maxText)
	case *Apology:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		c.time("ReceivedAt", d.ReceivedAt, "thời gian nhận hồ sơ")
		c.time("DueAt", d.DueAt, "thời hạn trả kết quả đã hẹn")
		c.text("Reason", d.Reason, "lý do chậm trả kết quả", maxText)
		c.time("NewDueAt", d.NewDueAt, "thời gian hẹn trả kết quả mới")
		if !d.NewDueAt.IsZero() && !d.NewDueAt.After(d.DueAt) {
			c.fail("NewDueAt", "Thời gian hẹn mới phải sau thời hạn đã hẹn.")
		}
	case *StopNotice:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		c.time("ReceivedAt", d.ReceivedAt, "thời gian nhận hồ sơ")
		c.text("Reason", d.Reason, "lý do dừng giải quyết", maxText)
	case *ControlSheet:
		c.dossier(d.DossierCode, d.Applicant, d.Procedure)
		c.time("ReceivedAt", d.ReceivedAt, "thời gian nhận hồ sơ")
		c.time("DueAt", d.DueAt, "thời gian hẹn trả kết quả")
		if len(d.Handovers) > maxRows {
			c.fail("Handovers", "Quá nhiều lượt giao nhận (tối đa %d).", maxRows)
		}
		for i, hv := range d.Handovers {
			f := fmt.Sprintf("Handovers[%d]", i)
			c.text(f+".From", hv.From, "bên giao", maxShort)
			c.text(f+".To", hv.To, "bên nhận", maxShort)
			c.time(f+".At", hv.At, "thời gian giao nhận")
			c.optional(f+".Note", hv.Note, "ghi chú", maxLine)
			switch hv.Result {
			case Pending, Early, OnTime, Late:
			default:
				c.fail(f+".Result", "Kết quả giao nhận không hợp lệ: %q.", hv.Result)
			}
			if hv.BudgetHours < 0 || hv.BudgetHours > 10000 {
				c.fail(f+".BudgetHours", "Thời hạn của bước không hợp lệ.")
			}
		}
	case *Decision:
		c.text("Symbol", d.Symbol, "ký hiệu văn bản", 40)
		c.text("Subject", d.Subject, "trích yếu nội dung", maxLine)
		c.text("Authority", d.Authority, "thẩm quyền ban hành", maxShort)
		c.list("Bases", d.Bases, "căn cứ ban hành", 1)
		c.optional("Proposal", d.Proposal, "đề nghị", maxLine)
		c.list("Articles", d.Articles, "nội dung các điều", 1)
	case *Letter:
		c.text("Symbol", d.Symbol, "ký hiệu văn bản", 40)
		c.text("Excerpt", d.Excerpt, "trích yếu nội dung (V/v)", maxLine)
		c.list("To", d.To, "nơi gửi (Kính gửi)", 1)
		for i, t := range d.To {
			c.optional(fmt.Sprintf("To[%d]", i), t, "tên nơi gửi", maxShort)
		}
		c.text("Body", d.Body, "nội dung công văn", MaxLetterBody)
		if n := len(Paragraphs(d.Body)); n > maxLetterParagraphs {
			c.fail("Body", "Nội dung công văn có quá nhiều đoạn (%d, tối đa %d).", n, maxLetterParagraphs)
		}
	case *Licence:
		c.text("Symbol", d.Symbol, "ký hiệu văn bản", 40)
		c.text("Title", d.Title, "tên loại văn bản", 80)
		c.optional("Subject", d.Subject, "trích yếu nội dung", maxLine)
		c.text("Authority", d.Authority, "thẩm quyền ban hành", maxShort)
		c.list("Bases", d.Bases, "căn cứ ban hành", 1)
		c.optional("Proposal", d.Proposal, "đề nghị", maxLine)
		c.optional("Grant", d.Grant, "nội dung cấp phép", maxShort)
		if len(d.Particulars) > maxItems {
			c.fail("Particulars", "Quá nhiều dòng thông tin (tối đa %d).", maxItems)
		}
		for i, p := range d.Particulars {
			c.text(fmt.Sprintf("Particulars[%d].Label", i), p.Label, "tên thông tin", maxShort)
			c.text(fmt.Sprintf("Particulars[%d].Value", i), p.Value, "nội dung thông tin", maxLine)
		}
		c.list("Intro", d.Intro, "nội dung", 0)
		c.list("Paragraphs", d.Paragraphs, "nội dung", 0)
		c.list("Articles", d.Articles, "nội dung các điều", 0)
	}
	return c.err
}

// checkGlyphs refuses characters the fonts cannot draw (emoji, other scripts), naming
// the field, rather than printing them as nothing.
func checkGlyphs(doc Document, m [3]*metrics) error {
	var err error
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		if err != nil {
			return
		}
		switch v.Kind() {
		case reflect.String:
			for _, r := range v.String() {
				if r == '\n' {
					continue
				}
				for f := regular; f <= italic; f++ {
					if _, ok := m[f].gid(r); !ok {
						err = &motcua.Error{Code: motcua.EINVALID, Field: path,
							Message: fmt.Sprintf("Ký tự “%c” (U+%04X) không in được trong văn bản.", r, r)}
						return
					}
				}
			}
		case reflect.Struct:
			if v.Type() == timeType {
				return
			}
			t := v.Type()
			for i := 0; i < v.NumField(); i++ {
				if !t.Field(i).IsExported() {
					continue
				}
				name := t.Field(i).Name
				if t.Field(i).Anonymous {
					walk(v.Field(i), path)
					continue
				}
				if path != "" {
					name = path + "." + name
				}
				walk(v.Field(i), name)
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(reflect.ValueOf(doc).Elem(), "")
	return err
}
