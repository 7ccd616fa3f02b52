package forms

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"motcua"
)

// FieldError is one thing wrong with submitted form data.
type FieldError struct {
	// Path is the JSON pointer of the value at fault ("/founders/1/idNumber"); "" for the
	// input as a whole.
	Path string `json:"path"`
	// Code is stable and machine-readable: required, too_long, too_short, pattern, type,
	// choice, minimum, maximum, min_items, max_items, duplicate_file, unknown_field,
	// format.date, format.cccd, format.phone, format.email, format.file, date.future,
	// date.too_old, cccd.birth_year, cccd.sex; and for the input as a whole too_large, too_deep,
	// too_many_values, value_too_long, invalid_json, not_object, duplicate_key.
	Code string `json:"code"`
	// Message says in Vietnamese what is wrong and names the field by its label.
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Path + ": " + e.Code }

// AsError wraps field errors in a motcua.Error for the API: code EINVALID, a summary
// message, and the first field at fault. It returns nil for no errors.
func AsError(errs []FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &motcua.Error{Code: motcua.EINVALID, Field: errs[0].Path,
		Message: fmt.Sprintf("Biểu mẫu có %d chỗ cần sửa. %s", len(errs), errs[0].Message)}
}

// Validate checks form data sent as JSON against the procedure version's e-form and returns
// the data normalized (text in NFC and trimmed, dates in ISO, phone numbers and money in one
// spelling, empty values dropped) together with every error found. When there are errors
// the normalized data is only good for showing the form again.
func (p *Procedure) Validate(data []byte) (map[string]any, []FieldError) {
	m, err := decodeBounded(data, p.limits)
	if err != nil {
		return nil, []FieldError{inputFieldError(err)}
	}
	return p.validate(m)
}

// ValidateMap is Validate for data already decoded (by encoding/json, with or without
// UseNumber). The same limits apply.
func (p *Procedure) ValidateMap(data map[string]any) (map[string]any, []FieldError) {
	if err := checkBounded(data, p.limits); err != nil {
		return nil, []FieldError{inputFieldError(err)}
	}
	return p.validate(data)
}

func inputFieldError(err error) FieldError {
	var ie *inputError
	if errors.As(err, &ie) {
		return FieldError{Path: ie.path, Code: ie.code, Message: ie.message}
	}
	return FieldError{Code: "invalid_json", Message: "Dữ liệu gửi lên không phải JSON hợp lệ."}
}

func (p *Procedure) validate(in map[string]any) (map[string]any, []FieldError) {
	c := &collector{form: &p.Form, byPath: map[string]int{}}
	out := c.normalizeObject(p.Form.all, p.Form.index, in, nil)
	if err := p.schema.Validate(out); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			c.add(nil, "invalid", nil)
		} else {
			c.schemaErrors(ve)
		}
	}
	c.crossCheck(p.Form.all, out, nil, p.now())
	return out, c.sorted()
}

// collector gathers errors, one per path: the most basic problem of a value wins (a wrong
// type before a wrong format before a wrong length), as a person fixes one thing at a time.
type collector struct {
	form   *Form
	errs   []FieldError
	orders [][]int
	byPath map[string]int
}

var codeRank = map[string]int{
	"unknown_field": 0, "type": 1, "required": 2, "choice": 3, "pattern": 4,
	"too_long": 5, "too_short": 6, "minimum": 7, "maximum": 8, "min_items": 9, "max_items": 10,
	"duplicate_file": 11, "date.future": 12, "date.too_old": 12, "cccd.birth_year": 13, "cccd.sex": 14,
}

func rank(code string) int {
	if strings.HasPrefix(code, "format.") {
		return 4
	}
	if r, ok := codeRank[code]; ok {
		return r
	}
	return 20
}

// add records an error at the data location tokens. args are the message's details.
func (c *collector) add(tokens []string, code string, args map[string]any) {
	path := pointer(tokens)
	loc := c.form.locate(tokens)
	e := FieldError{Path: path, Code: code, Message: message(code, tokens, loc, args)}
	if i, ok := c.byPath[path]; ok {
		if rank(code) < rank(c.errs[i].Code) {
			c.errs[i] = e
		}
		return
	}
	order := loc.order
	if loc.field == nil {
		order = []int{1 << 30}
	}
	c.byPath[path] = len(c.errs)
	c.errs = append(c.errs, e)
	c.orders = append(c.orders, order)
}

func (c *collector) has(tokens []string) bool {
	_, ok := c.byPath[pointer(tokens)]
	return ok
}

// sorted returns the errors in the order of the fields on the page.
func (c *collector) sorted() []FieldError {
	if len(c.errs) == 0 {
		return nil
	}
	idx := make([]int, len(c.errs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if r := slices.Compare(c.orders[a], c.orders[b]); r != 0 {
			return r
		}
		return strings.Compare(c.errs[a].Path, c.errs[b].Path)
	})
	out := make([]FieldError, len(idx))
	for i, j := range idx {
		out[i] = c.errs[j]
	}
	return out
}

func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// schemaErrors turns the JSON Schema validator's error tree into field errors.
func (c *collector) schemaErrors(ve *jsonschema.ValidationError) {
	if len(ve.Causes) > 0 {
		for _, cause := range ve.Causes {
			c.schemaErrors(cause)
		}
		return
	}
	at := ve.InstanceLocation
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			c.add(append(at[:len(at):len(at)], m), "required", nil)
		}
	case *kind.Type:
		c.add(at, "type", nil)
	case *kind.MaxLength:
		c.add(at, "too_long", map[string]any{"want": k.Want, "got": k.Got})
	case *kind.MinLength:
		c.add(at, "too_short", map[string]any{"want": k.Want})
	case *kind.Pattern:
		c.add(at, "pattern", nil)
	case *kind.Enum:
		c.add(at, "choice", nil)
	case *kind.Format:
		switch k.Want {
		case "date":
			c.add(at, "format.date", nil)
		case formatCCCD:
			var ce *cccdError
			reason := "không phải số định danh cá nhân hợp lệ"
			if errors.As(k.Err, &ce) {
				reason = ce.reason
			}
			c.add(at, "format.cccd", map[string]any{"reason": reason})
		case formatPhone:
			c.add(at, "format.phone", nil)
		case "email":
			c.add(at, "format.email", nil)
		case formatFileID:
			c.add(at, "format.file", nil)
		default:
			c.add(at, "format."+k.Want, nil)
		}
	case *kind.Minimum:
		c.add(at, "minimum", map[string]any{"want": k.Want})
	case *kind.Maximum:
		c.add(at, "maximum", map[string]any{"want": k.Want})
	case *kind.MinItems:
		c.add(at, "min_items", map[string]any{"want": k.Want})
	case *kind.MaxItems:
		c.add(at, "max_items", map[string]any{"want": k.Want})
	case *kind.UniqueItems:
		c.add(at, "duplicate_file", nil)
	case *kind.AdditionalProperties:
		for _, pr := range k.Properties {
			c.add(append(at[:len(at):len(at)], pr), "unknown_field", nil)
		}
	default:
		c.add(at, "invalid", nil)
	}
}

// crossCheck applies the rules that involve more than one field or today's date: a personal
// ID number agrees with the birth date and sex declared beside it; a past date is not in the
// future. Values already reported are left alone.
func (c *collector) crossCheck(fields []Field, obj map[string]any, tokens []string, now time.Time) {
	at := func(k string) []string { return append(tokens[:len(tokens):len(tokens)], k) }
	today := now.In(motcua.Vietnam).Format(time.DateOnly)
	for i := range fields {
		fd := &fields[i]
		v, ok := obj[fd.Key]
		if !ok || c.has(at(fd.Key)) {
			continue
		}
		switch fd.Kind {
		case KindDate:
			s, _ := v.(string)
			if fd.Past && s > today {
				c.add(at(fd.Key), "date.future", nil)
			}
			if fd.MaxAgeDays > 0 {
				oldest := now.In(motcua.Vietnam).AddDate(0, 0, -fd.MaxAgeDays).Format(time.DateOnly)
				if s < oldest {
					c.add(at(fd.Key), "date.too_old", map[string]any{"days": fd.MaxAgeDays, "oldest": ShowDate(oldest)})
				}
			}
		case KindNumber:
			if !fd.Year {
				continue
			}
			if y, ok := v.(int64); ok && y > int64(now.In(motcua.Vietnam).Year()) {
				c.add(at(fd.Key), "year.future", map[string]any{"year": now.In(motcua.Vietnam).Year()})
			}
		case KindCCCD:
			s, _ := v.(string)
			id, err := ParseCCCD(s, now)
			if err != nil {
				continue
			}
			if bd, ok := obj[fd.BirthDateField].(string); ok && fd.BirthDateField != "" && !c.has(at(fd.BirthDateField)) {
				if t, err := time.Parse(time.DateOnly, bd); err == nil && t.Year() != id.BirthYear {
					c.add(at(fd.Key), "cccd.birth_year", map[string]any{"year": id.BirthYear, "date": ShowDate(bd)})
					continue
				}
			}
			if sex, ok := obj[fd.SexField].(string); ok && fd.SexField != "" && !c.has(at(fd.SexField)) {
				if (sex == "nu") != id.Female && (sex == "nu" || sex == "nam") {
					c.add(at(fd.Key), "cccd.sex", map[string]any{"female": id.Female})
				}
			}
		case KindAddress:
			if m, ok := v.(map[string]any); ok {
				c.crossCheck(fd.Fields, m, at(fd.Key), now)
			}
		case KindGroup:
			if a, ok := v.([]any); ok {
				for j, item := range a {
					if m, ok := item.(map[string]any); ok {
						c.crossCheck(fd.Fields, m, append(at(fd.Key), strconv.Itoa(j)), now)
					}
				}
			}
		}
	}
}

// message writes the Vietnamese message for an error, naming the field by its label.
func message(code string, tokens []string, loc located, args map[string]any) string {
	fd := loc.field
	if fd == nil || code == "unknown_field" {
		key := ""
		if len(tokens) > 0 {
			key = tokens[len(tokens)-1]
		}
		if code == "unknown_field" {
			return fmt.Sprintf("Biểu mẫu không có trường «%s».", shorten(key))
		}
		return "Dữ liệu biểu mẫu không hợp lệ."
	}
	name := "«" + fd.Label + "»" + loc.context
	if loc.item {
		name = strings.TrimSpace(loc.context)
		name = strings.TrimSuffix(strings.TrimPrefix(name, "("), ")")
		r, size := utf8.DecodeRuneInString(name)
		name = string(unicode.ToUpper(r)) + name[size:]
	}
	switch code {
	case "required":
		switch fd.Kind {
		case KindFile:
			return fmt.Sprintf("Vui lòng đính kèm %s.", name)
		case KindChoice, KindYesNo:
			return fmt.Sprintf("Vui lòng chọn %s.", name)
		case KindGroup:
			return fmt.Sprintf("Vui lòng khai %s.", name)
		}
		return fmt.Sprintf("Vui lòng nhập %s.", name)
	case "too_long":
		return fmt.Sprintf("%s dài quá %d ký tự (hiện có %d ký tự).", name, args["want"], args["got"])
	case "too_short":
		return fmt.Sprintf("%s cần ít nhất %d ký tự.", name, args["want"])
	case "pattern":
		return fmt.Sprintf("%s không đúng định dạng: %s.", name, fd.PatternHelp)
	case "type":
		if loc.item {
			return fmt.Sprintf("%s phải là một mục có các trường của biểu mẫu.", name)
		}
		switch fd.Kind {
		case KindNumber:
			if fd.Integer {
				return fmt.Sprintf("%s phải là số nguyên.", name)
			}
			return fmt.Sprintf("%s phải là một số.", name)
		case KindMoney:
			return fmt.Sprintf("%s phải là số tiền bằng đồng, viết bằng chữ số, không có phần lẻ.", name)
		case KindYesNo:
			return fmt.Sprintf("%s chỉ nhận «Có» hoặc «Không».", name)
		case KindGroup, KindFile:
			return fmt.Sprintf("%s phải là một danh sách.", name)
		case KindAddress:
			return fmt.Sprintf("%s phải gồm số nhà, đường; xã, phường; tỉnh, thành phố.", name)
		}
		return fmt.Sprintf("%s phải là chữ.", name)
	case "choice":
		labels := make([]string, len(fd.Options))
		for i, o := range fd.Options {
			labels[i] = "«" + o.Label + "»"
		}
		return fmt.Sprintf("%s chỉ được chọn một trong: %s.", name, strings.Join(labels, ", "))
	case "format.date":
		return fmt.Sprintf("%s không phải ngày hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990).", name)
	case "format.cccd":
		return fmt.Sprintf("%s không đúng: %s.", name, args["reason"])
	case "format.phone":
		return fmt.Sprintf("%s không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678 hoặc 02438253456).", name)
	case "format.email":
		return fmt.Sprintf("%s không phải địa chỉ thư điện tử hợp lệ (ví dụ ten@example.vn).", name)
	case "format.file":
		return fmt.Sprintf("%s có mã tệp không hợp lệ; vui lòng tải tệp lên lại.", name)
	case "minimum":
		if r, ok := args["want"].(*big.Rat); ok && r.Sign() == 0 {
			return fmt.Sprintf("%s không được là số âm.", name)
		}
		return fmt.Sprintf("%s không được nhỏ hơn %s.", name, showNumber(fd, args["want"]))
	case "maximum":
		return fmt.Sprintf("%s không được lớn hơn %s.", name, showNumber(fd, args["want"]))
	case "min_items":
		return fmt.Sprintf("%s cần ít nhất %d %s.", name, args["want"], itemWord(fd))
	case "max_items":
		return fmt.Sprintf("%s chỉ được tối đa %d %s.", name, args["want"], itemWord(fd))
	case "duplicate_file":
		return fmt.Sprintf("%s có một tệp được đính kèm hai lần.", name)
	case "date.future":
		return fmt.Sprintf("%s không được sau ngày hôm nay.", name)
	case "year.future":
		return fmt.Sprintf("%s không được sau năm nay (%d).", name, args["year"])
	case "date.too_old":
		return fmt.Sprintf("%s đã quá %d ngày: phải từ ngày %s trở về sau.", name, args["days"], args["oldest"])
	case "cccd.birth_year":
		return fmt.Sprintf("%s cho năm sinh %d, không khớp với ngày sinh đã khai (%s).", name, args["year"], args["date"])
	case "cccd.sex":
		sex := "nam"
		if args["female"] == true {
			sex = "nữ"
		}
		return fmt.Sprintf("%s là số của người %s, không khớp với giới tính đã khai.", name, sex)
	}
	return fmt.Sprintf("%s không hợp lệ.", name)
}

func itemWord(fd *Field) string {
	if fd.Kind == KindFile {
		return "tệp"
	}
	return fd.ItemLabel
}

// showNumber writes a bound the Vietnamese way: dots between thousands, "đồng" for money.
func showNumber(fd *Field, v any) string {
	r, ok := v.(*big.Rat)
	if !ok {
		return fmt.Sprint(v)
	}
	if !r.IsInt() {
		return strings.Replace(r.FloatString(2), ".", ",", 1)
	}
	if fd.Year {
		return r.Num().String()
	}
	s := groupThousands(r.Num().String())
	if fd.Kind == KindMoney {
		return s + " đồng"
	}
	return s
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
