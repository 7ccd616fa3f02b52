package forms

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
)

// Form is a procedure's e-form (tờ khai điện tử): sections of fields in display order, with
// what a page needs to draw them. The JSON Schema that validates data is generated from it
// (see Procedure.Schema), so layout and rules cannot drift apart.
type Form struct {
	Title    string    `json:"title"`
	Sections []Section `json:"sections"`

	// all and index are the top-level fields in order and their positions, set by prepare.
	all   []Field
	index map[string]int
}

// Section is a titled group of fields on the page.
type Section struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Help   string  `json:"help,omitempty"`
	Fields []Field `json:"fields"`
}

// Kind is the kind of a field: it decides the input widget, how the value is normalized and
// which rules apply.
type Kind string

const (
	KindText     Kind = "text"     // one line
	KindLongText Kind = "longtext" // several lines
	KindDate     Kind = "date"     // ISO date in data; dd/mm/yyyy on the page and accepted as input
	KindNumber   Kind = "number"
	KindMoney    Kind = "money"   // VND, a whole number of đồng
	KindChoice   Kind = "choice"  // one of Options
	KindYesNo    Kind = "yesno"   // boolean
	KindCCCD     Kind = "cccd"    // personal identification number, 12 digits
	KindPhone    Kind = "phone"   // Vietnamese mobile or landline
	KindEmail    Kind = "email"   //
	KindAddress  Kind = "address" // object: street, ward, province
	KindGroup    Kind = "group"   // repeating group: a list of objects with Fields
	KindFile     Kind = "file"    // IDs of uploaded files for one Component
)

var kinds = []Kind{KindText, KindLongText, KindDate, KindNumber, KindMoney, KindChoice, KindYesNo,
	KindCCCD, KindPhone, KindEmail, KindAddress, KindGroup, KindFile}

// Field is one input of the form.
type Field struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Kind        Kind   `json:"kind"`
	Required    bool   `json:"required,omitempty"`
	Help        string `json:"help,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`

	// MinLength and MaxLength bound text, in characters; MaxLength has a default per kind.
	MinLength int `json:"minLength,omitempty"`
	MaxLength int `json:"maxLength,omitempty"`
	// Pattern is a regular expression text must match; PatternHelp says in Vietnamese what
	// is expected, for the error message.
	Pattern     string `json:"pattern,omitempty"`
	PatternHelp string `json:"patternHelp,omitempty"`

	// Min and Max bound numbers and money; Integer asks for a whole number.
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Integer bool     `json:"integer,omitempty"`
	// Year marks a number that is a calendar year (a graduation year): it is written
	// without a thousands dot ("2026", not "2.026") and may not be after the current
	// year, so no file has to say which year that is.
	Year bool `json:"year,omitempty"`

	Options []Choice `json:"options,omitempty"` // choice

	// Past asks a date to be today or earlier (a birth date, an issue date).
	Past bool `json:"past,omitempty"`
	// MaxAgeDays asks a date to be at most that many days before today (a résumé made in
	// the last 30 days, a health certificate of the last 6 months).
	MaxAgeDays int `json:"maxAgeDays,omitempty"`

	// BirthDateField and SexField name sibling fields a personal ID number must agree
	// with: its century-and-sex digit and birth-year digits.
	BirthDateField string `json:"birthDateField,omitempty"`
	SexField       string `json:"sexField,omitempty"`

	// Fields are the fields of each item of a group, or of an address (generated).
	Fields []Field `json:"fields,omitempty"`
	// MinItems and MaxItems bound groups and file lists.
	MinItems int `json:"minItems,omitempty"`
	MaxItems int `json:"maxItems,omitempty"`
	// ItemLabel names one item of a group ("thành viên"), for messages.
	ItemLabel string `json:"itemLabel,omitempty"`

	// Prefill names what of the applicant's account fills the field before they type
	// ("accountName": the name on their account); they may change it.
	Prefill string `json:"prefill,omitempty"`

	// Component is the dossier component a file field holds.
	Component string `json:"component,omitempty"`

	// FromDocument fills the field from the document of the applicant's store chosen
	// for a component (kho dữ liệu điện tử): its number, issue date, issuer or end of
	// validity. Such a field is top-level; the component must list reusable types.
	FromDocument *DocumentSource `json:"fromDocument,omitempty"`

	// index maps the keys of Fields to their positions, set by prepare.
	index map[string]int
}

// Choice is one option of a choice field.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// DocumentSource says which attribute of a stored document fills a field, and whether
// the applicant may change the value so filled (Editable; by default not: the
// document is the authority for what it says).
type DocumentSource struct {
	Component string `json:"component"`
	Attribute string `json:"attribute"`
	Editable  bool   `json:"editable,omitempty"`
}

// The attributes of a stored document a field can be filled from, with the kind of
// field each fills.
const (
	AttrNumber     = "number"     // số, ký hiệu: text
	AttrIssuedOn   = "issuedOn"   // ngày cấp: date
	AttrIssuer     = "issuer"     // cơ quan cấp: text
	AttrValidUntil = "validUntil" // hiệu lực đến: date
)

var documentAttributes = map[string]Kind{AttrNumber: KindText, AttrIssuedOn: KindDate, AttrIssuer: KindText, AttrValidUntil: KindDate}

// FilledFrom lists the top-level fields filled from the document chosen for a
// component, in page order.
func (f *Form) FilledFrom(component string) []Field {
	var out []Field
	for _, fd := range f.Fields() {
		if fd.FromDocument != nil && fd.FromDocument.Component == component {
			out = append(out, fd)
		}
	}
	return out
}

// FileFieldOf is the top-level file field holding a component, if any.
func (f *Form) FileFieldOf(component string) (Field, bool) {
	for _, fd := range f.Fields() {
		if fd.Kind == KindFile && fd.Component == component {
			return fd, true
		}
	}
	return Field{}, false
}

// PrefillAccountName fills a field with the name on the applicant's account.
const PrefillAccountName = "accountName"

// Hard caps: no form may allow more than these, whatever its file says.
const (
	defaultTextMax     = 255
	defaultLongTextMax = 5000
	capTextMax         = 20000
	defaultGroupMax    = 50
	capGroupMax        = 500
	defaultFileMax     = 10
	capFileMax         = 50
	maxFieldsPerLevel  = 400
	maxGroupNesting    = 1 // a group may not hold a group: pages and citizens both suffer
	// Address parts. Post-2025 local government has two levels (province, commune), so the
	// ward is free text and there is no district.
	addressStreetMax   = 200
	addressWardMax     = 100
	addressProvinceMax = 100
)

var (
	fieldKeyRE = regexp.MustCompile(`^[a-z][a-zA-Z0-9]{0,39}$`)
	optionRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
)

// addressFields are the parts of an address. The ward and province are required when the
// address is.
func addressFields(required bool) []Field {
	return []Field{
		{Key: "street", Label: "Số nhà, đường, thôn, tổ", Kind: KindText, MaxLength: addressStreetMax},
		{Key: "ward", Label: "Xã, phường, đặc khu", Kind: KindText, Required: required, MaxLength: addressWardMax},
		{Key: "province", Label: "Tỉnh, thành phố", Kind: KindText, Required: required, MaxLength: addressProvinceMax},
	}
}

// prepare fills defaults (lengths, item limits, address parts) in place before checking.
func (f *Form) prepare() {
	for si := range f.Sections {
		prepareFields(f.Sections[si].Fields)
	}
	f.all = nil
	for _, s := range f.Sections {
		f.all = append(f.all, s.Fields...)
	}
	f.index = indexOf(f.all)
}

func indexOf(fs []Field) map[string]int {
	m := make(map[string]int, len(fs))
	for i, fd := range fs {
		m[fd.Key] = i
	}
	return m
}

func prepareFields(fs []Field) {
	for i := range fs {
		fd := &fs[i]
		switch fd.Kind {
		case KindText:
			if fd.MaxLength == 0 {
				fd.MaxLength = defaultTextMax
			}
		case KindLongText:
			if fd.MaxLength == 0 {
				fd.MaxLength = defaultLongTextMax
			}
		case KindAddress:
			fd.Fields = addressFields(fd.Required)
		case KindGroup:
			if fd.MaxItems == 0 {
				fd.MaxItems = defaultGroupMax
			}
			if fd.Required && fd.MinItems == 0 {
				fd.MinItems = 1
			}
			prepareFields(fd.Fields)
		case KindFile:
			if fd.MaxItems == 0 {
				fd.MaxItems = defaultFileMax
			}
			if fd.Required && fd.MinItems == 0 {
				fd.MinItems = 1
			}
		}
		if len(fd.Fields) > 0 {
			fd.index = indexOf(fd.Fields)
		}
	}
}

// check verifies the form against the procedure's components: known kinds, unique keys,
// sane limits, file fields pointing at components, and a required file field for every
// mandatory component.
func (f *Form) check(components []Component) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("form: "+format, args...)) }
	if f.Title == "" || len(f.Sections) == 0 {
		bad("title and at least one section are required")
	}
	keys := map[string]bool{}
	fileFor := map[string]Field{}
	secIDs := map[string]bool{}
	for _, s := range f.Sections {
		if s.ID == "" || secIDs[s.ID] || s.Title == "" || len(s.Fields) == 0 {
			bad("section %q: a unique id, a title and fields are required", s.ID)
		}
		secIDs[s.ID] = true
		// Keys are unique across sections: the data is one flat object.
		checkFields(s.Fields, keys, fileFor, 0, s.ID, bad)
	}
	for _, c := range components {
		fd, ok := fileFor[c.ID]
		if c.Mandatory && (!ok || !fd.Required) {
			bad("mandatory component %q has no required file field", c.ID)
		}
		// A photo is one file: a component asking for N photos (count 2 of 2x3 cm
		// portraits) asks the form for at least N files. A document of N copies is one
		// file of N copies' content, so only image-only components are counted so.
		if ok && c.Mandatory && c.ImagesOnly() && fd.MinItems < c.Count {
			bad("file field %q accepts %d file(s) for component %q, which asks for %d photos", fd.Key, fd.MinItems, c.ID, c.Count)
		}
		if ok && fd.MaxItems > c.Count*defaultFileMax {
			bad("file field %q allows %d files for component %q of %d", fd.Key, fd.MaxItems, c.ID, c.Count)
		}
	}
	for id := range fileFor {
		if !slices.ContainsFunc(components, func(c Component) bool { return c.ID == id }) {
			bad("file field for unknown component %q", id)
		}
	}
	for _, fd := range f.Fields() {
		src := fd.FromDocument
		if src == nil {
			continue
		}
		i := slices.IndexFunc(components, func(c Component) bool { return c.ID == src.Component })
		kind, known := documentAttributes[src.Attribute]
		if i < 0 || len(components[i].Reuse) == 0 {
			bad("%s: fromDocument names component %q, which reuses no stored document", fd.Key, src.Component)
		}
		if !known || kind != fd.Kind {
			bad("%s: fromDocument attribute %q does not fill a %s field", fd.Key, src.Attribute, fd.Kind)
		}
		if file, ok := f.FileFieldOf(src.Component); !ok || file.Key == "" {
			bad("%s: fromDocument component %q has no top-level file field", fd.Key, src.Component)
		}
	}
	return errors.Join(errs...)
}

func checkFields(fs []Field, keys map[string]bool, fileFor map[string]Field, depth int, where string, bad func(string, ...any)) {
	if len(fs) > maxFieldsPerLevel {
		bad("%s: %d fields, at most %d", where, len(fs), maxFieldsPerLevel)
	}
	names := map[string]string{} // key -> kind, to check references between siblings
	for _, fd := range fs {
		names[fd.Key] = string(fd.Kind)
	}
	for _, fd := range fs {
		at := where + "." + fd.Key
		if !fieldKeyRE.MatchString(fd.Key) || keys[fd.Key] {
			bad("%s: key malformed or repeated", at)
		}
		keys[fd.Key] = true
		if fd.Label == "" || !slices.Contains(kinds, fd.Kind) {
			bad("%s: a label and a known kind are required (kind %q)", at, fd.Kind)
		}
		if fd.MinLength < 0 || fd.MaxLength < 0 || fd.MaxLength > capTextMax ||
			(fd.MaxLength > 0 && fd.MinLength > fd.MaxLength) {
			bad("%s: length limits out of range", at)
		}
		if fd.Pattern != "" {
			if _, err := regexp.Compile(fd.Pattern); err != nil || fd.PatternHelp == "" {
				bad("%s: pattern must compile and have patternHelp", at)
			}
		}
		if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			bad("%s: min above max", at)
		}
		if fd.Kind == KindChoice {
			if len(fd.Options) < 2 {
				bad("%s: a choice needs at least two options", at)
			}
			seen := map[string]bool{}
			for _, o := range fd.Options {
				if !optionRE.MatchString(o.Value) || seen[o.Value] || o.Label == "" {
					bad("%s: option %q malformed, repeated or without label", at, o.Value)
				}
				seen[o.Value] = true
			}
		} else if len(fd.Options) > 0 {
			bad("%s: options on a %s field", at, fd.Kind)
		}
		if fd.BirthDateField != "" && (fd.Kind != KindCCCD || names[fd.BirthDateField] != string(KindDate)) {
			bad("%s: birthDateField must name a sibling date field of a cccd field", at)
		}
		if fd.SexField != "" && (fd.Kind != KindCCCD || names[fd.SexField] != string(KindChoice)) {
			bad("%s: sexField must name a sibling choice field of a cccd field", at)
		}
		if fd.SexField != "" {
			for _, s := range fs {
				if s.Key == fd.SexField && !(hasOption(s, "nam") && hasOption(s, "nu")) {
					bad("%s: sex field %q needs options nam and nu", at, s.Key)
				}
			}
		}
		if fd.Prefill != "" && (fd.Prefill != PrefillAccountName || fd.Kind != KindText || depth > 0) {
			bad("%s: prefill %q: only %q, on a text field outside groups", at, fd.Prefill, PrefillAccountName)
		}
		if fd.FromDocument != nil && depth > 0 {
			bad("%s: fromDocument only on a top-level field", at)
		}
		if fd.Year && (fd.Kind != KindNumber || !fd.Integer) {
			bad("%s: year on a field that is not a whole number", at)
		}
		if (fd.Past || fd.MaxAgeDays != 0) && fd.Kind != KindDate || fd.MaxAgeDays < 0 {
			bad("%s: past or maxAgeDays on a %s field", at, fd.Kind)
		}
		switch fd.Kind {
		case KindGroup:
			if depth >= maxGroupNesting || len(fd.Fields) == 0 {
				bad("%s: a group needs fields and may not sit inside another group", at)
			}
			if fd.MaxItems > capGroupMax || fd.MinItems > fd.MaxItems || fd.ItemLabel == "" {
				bad("%s: items %d..%d outside 0..%d, or no itemLabel", at, fd.MinItems, fd.MaxItems, capGroupMax)
			}
			// Keys inside an item only need to be unique within the item.
			checkFields(fd.Fields, map[string]bool{}, fileFor, depth+1, at, bad)
		case KindFile:
			if fd.Component == "" {
				bad("%s: a file field names its component", at)
			}
			if _, dup := fileFor[fd.Component]; dup {
				bad("%s: component %q has two file fields", at, fd.Component)
			}
			fileFor[fd.Component] = fd
			if fd.MaxItems > capFileMax || fd.MinItems > fd.MaxItems {
				bad("%s: file count limits out of range", at)
			}
		default:
			if len(fd.Fields) > 0 && fd.Kind != KindAddress {
				bad("%s: fields on a %s field", at, fd.Kind)
			}
		}
		if fd.Component != "" && fd.Kind != KindFile {
			bad("%s: component on a %s field", at, fd.Kind)
		}
	}
}

func hasOption(f Field, v string) bool {
	return slices.ContainsFunc(f.Options, func(o Choice) bool { return o.Value == v })
}

// Fields returns the form's top-level fields in display order.
func (f *Form) Fields() []Field {
	var out []Field
	for _, s := range f.Sections {
		out = append(out, s.Fields...)
	}
	return out
}

// Field returns a top-level field by key.
func (f *Form) Field(key string) (Field, bool) {
	if i, ok := f.index[key]; ok {
		return f.all[i], true
	}
	return Field{}, false
}

// schema builds the JSON Schema 2020-12 document for the form's data.
func (f *Form) schema(id string) map[string]any {
	doc := objectSchema(f.Fields())
	doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	doc["$id"] = id
	doc["title"] = f.Title
	return doc
}

func objectSchema(fs []Field) map[string]any {
	props := make(map[string]any, len(fs))
	var req []any
	for _, fd := range fs {
		props[fd.Key] = fieldSchema(fd)
		if fd.Required {
			req = append(req, fd.Key)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(req) > 0 {
		s["required"] = req
	}
	return s
}

func fieldSchema(fd Field) map[string]any {
	s := map[string]any{"title": fd.Label, "x-kind": string(fd.Kind)}
	if fd.Help != "" {
		s["description"] = fd.Help
	}
	switch fd.Kind {
	case KindText, KindLongText:
		s["type"] = "string"
		s["maxLength"] = fd.MaxLength
		if fd.MinLength > 0 {
			s["minLength"] = fd.MinLength
		}
		if fd.Pattern != "" {
			s["pattern"] = fd.Pattern
		}
	case KindDate:
		s["type"] = "string"
		s["format"] = "date"
	case KindNumber:
		s["type"] = "number"
		if fd.Integer {
			s["type"] = "integer"
		}
		bounds(s, fd)
	case KindMoney:
		s["type"] = "integer"
		s["minimum"] = 0
		s["maximum"] = maxMoney
		bounds(s, fd)
	case KindChoice:
		s["type"] = "string"
		vals := make([]any, len(fd.Options))
		for i, o := range fd.Options {
			vals[i] = o.Value
		}
		s["enum"] = vals
	case KindYesNo:
		s["type"] = "boolean"
	case KindCCCD:
		s["type"] = "string"
		s["format"] = formatCCCD
	case KindPhone:
		s["type"] = "string"
		s["format"] = formatPhone
	case KindEmail:
		s["type"] = "string"
		s["format"] = "email"
		s["maxLength"] = 254
	case KindAddress:
		for k, v := range objectSchema(fd.Fields) {
			s[k] = v
		}
	case KindGroup:
		s["type"] = "array"
		s["items"] = objectSchema(fd.Fields)
		s["maxItems"] = fd.MaxItems
		if fd.MinItems > 0 {
			s["minItems"] = fd.MinItems
		}
	case KindFile:
		s["type"] = "array"
		s["items"] = map[string]any{"type": "string", "format": formatFileID}
		s["maxItems"] = fd.MaxItems
		if fd.MinItems > 0 {
			s["minItems"] = fd.MinItems
		}
		s["uniqueItems"] = true
	}
	return s
}

func bounds(s map[string]any, fd Field) {
	if fd.Min != nil {
		s["minimum"] = *fd.Min
	}
	if fd.Max != nil {
		s["maximum"] = *fd.Max
	}
}

// located is a field found by its place in the data, with what a message needs.
type located struct {
	field *Field
	// context names the enclosing group item, e.g. " (thành viên thứ 2 của «Ban sáng lập»)".
	context string
	// order sorts errors in display order.
	order []int
	// item is set when the location is a whole item of a group, not a field in it.
	item bool
}

// locate finds the field at a JSON pointer's tokens. It stops at the deepest field it can
// resolve (an array index below a file field resolves to the file field).
func (f *Form) locate(tokens []string) located {
	var loc located
	fields, index := f.all, f.index
	for i := 0; i < len(tokens); i++ {
		idx, ok := index[tokens[i]]
		if !ok {
			return loc
		}
		fd := &fields[idx]
		loc.field = fd
		loc.order = append(loc.order, idx)
		switch fd.Kind {
		case KindGroup:
			if i+1 < len(tokens) {
				n, err := strconv.Atoi(tokens[i+1])
				if err != nil {
					return loc
				}
				loc.context = fmt.Sprintf(" (%s thứ %d của «%s»)", fd.ItemLabel, n+1, fd.Label)
				loc.order = append(loc.order, n)
				loc.item = i+2 == len(tokens)
				i++
				fields, index = fd.Fields, fd.index
			}
		case KindAddress:
			if i+1 < len(tokens) {
				loc.context = fmt.Sprintf(" của «%s»", fd.Label) + loc.context
			}
			fields, index = fd.Fields, fd.index
		default:
			return loc
		}
	}
	return loc
}

// FileIDs reads the value of a file field: the ID of one uploaded file, or a list of them
// (as JSON decodes it, or as a page's form gives it). Anything else holds none.
func FileIDs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
