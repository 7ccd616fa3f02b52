package render

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"text/template"
	"time"

	"motcua"
)

// Templates are data: one JSON file per form and legal basis, under
// templates/<basis>/<file>.json, embedded in the binary. A file says which act it
// follows and from which day; Render picks, per kind, the latest version in force on the
// document's date, so a dossier's notices keep the wording of the act in force then.
//
//go:embed templates
var embeddedTemplates embed.FS

// templateFile is the JSON form of a template.
type templateFile struct {
	Kind      Kind    `json:"kind"`
	Form      string  `json:"form"`      // "Mẫu số 01"; empty for results
	Act       string  `json:"act"`       // "Thông tư số 03/2025/TT-VPCP"
	Effective string  `json:"effective"` // YYYY-MM-DD, Vietnam time
	Note      string  `json:"note"`      // where the wording comes from; not printed
	BodySize  float64 `json:"bodySize"`  // body text size in points; 13 when absent
	// Title lines, bold, centred; Subtitle lines, regular, centred, under the title;
	// Subject is the "trích yếu" line(s) in bold with a short rule under it.
	Title       []string        `json:"title"`
	Subject     string          `json:"subject"`
	Subtitle    []string        `json:"subtitle"`
	Body        []templateBlock `json:"body"`
	SignerTitle string          `json:"signerTitle"` // used when Header.Signer.Title is empty
}

// templateBlock is a run of paragraphs or a table. Text is a text/template executed on
// the document; each line of its output is one paragraph. Inline {{b "..."}} and
// {{i "..."}} set bold and italic.
type templateBlock struct {
	Style string         `json:"style"` // para (default), plain, center, heading, basis, hang, addressee
	Text  string         `json:"text"`
	When  string         `json:"when"` // kept when this renders to something other than "", "false"
	Table *templateTable `json:"table"`
	// SpaceBefore is extra space above the block, in points.
	SpaceBefore float64 `json:"spaceBefore"`
}

type templateTable struct {
	Rows    string           `json:"rows"` // the document's slice field, e.g. "Components"
	Size    float64          `json:"size"`
	Columns []templateColumn `json:"columns"`
}

type templateColumn struct {
	Header string  `json:"header"`
	Width  float64 `json:"width"` // relative
	Align  string  `json:"align"` // left (default), center, right
	// Cell is a text/template executed on {No, Row, Doc}: the 1-based row number, the
	// row, and the document.
	Cell string `json:"cell"`
}

// compiled is a parsed template version.
type compiled struct {
	file      templateFile
	path      string
	effective time.Time
	title     []*template.Template
	subject   *template.Template
	subtitle  []*template.Template
	body      []compiledBlock
}

type compiledBlock struct {
	src   templateBlock
	text  *template.Template
	when  *template.Template
	cells []*template.Template
}

// catalog holds every template version by kind, oldest first.
type catalog map[Kind][]*compiled

// Markers for inline styles in template output. They are private-use characters, which
// input normalization removes from user text, so user text cannot switch styles.
const (
	markBoldOn    = '\uE000'
	markBoldOff   = '\uE001'
	markItalicOn  = '\uE002'
	markItalicOff = '\uE003'
)

func local(t time.Time) time.Time { return t.In(motcua.Vietnam) }

// longDate is the date as Decree 30/2020 writes it: a zero before days under 10 and
// before months 1 and 2 ("ngày 05 tháng 02 năm 2026", "ngày 20 tháng 11 năm 2025").
func longDate(t time.Time) string {
	t = local(t)
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
}

// DatePhrase is the date of issue as the motcua.date field holds it (Vietnam time):
// "ngày 05 tháng 02 năm 2026", "ngày 20 tháng 11 năm 2025", "ngày 06 tháng 3 năm 2026".
func DatePhrase(t time.Time) string { return longDate(t) }

var funcs = template.FuncMap{
	"b":    func(s string) string { return string(markBoldOn) + s + string(markBoldOff) },
	"i":    func(s string) string { return string(markItalicOn) + s + string(markItalicOff) },
	"date": func(t time.Time) string { return local(t).Format("02/01/2006") },
	// time prints "14 giờ 30 phút, ngày 20/11/2025".
	"time": func(t time.Time) string {
		t = local(t)
		return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
	},
	// dt prints "14:30" and "20/11/2025" on two lines, for table cells.
	"dt":    func(t time.Time) string { return local(t).Format("15:04\n02/01/2006") },
	"long":  longDate,
	"inc":   func(i int) int { return i + 1 },
	"two":   func(i int) string { return fmt.Sprintf("%02d", i) },
	"hours": formatHours,
	"set":   func(t time.Time) bool { return !t.IsZero() },
	"upper": strings.ToUpper,
	"vnd":   formatVND,
	"lower": strings.ToLower,
	"paras": Paragraphs,
}

// Paragraphs splits plain text into paragraphs: blank lines separate them, and the
// line breaks inside one become spaces.
func Paragraphs(s string) []string {
	var out []string
	for _, block := range blankLine.Split(strings.ReplaceAll(s, "\r\n", "\n"), -1) {
		p := strings.Join(strings.Fields(block), " ")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

// formatVND prints an amount of đồng with dots between thousands: 60.000.
func formatVND(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// formatHours prints a working-time budget: whole days of 8 hours as days ("2 ngày",
// "0,5 ngày"), anything else in hours ("3 giờ").
func formatHours(h float64) string {
	if h <= 0 {
		return ""
	}
	days := h / 8
	if d2 := days * 2; d2 == float64(int(d2)) {
		s := fmt.Sprintf("%g", days)
		return strings.Replace(s, ".", ",", 1) + " ngày"
	}
	return strings.Replace(fmt.Sprintf("%g", h), ".", ",", 1) + " giờ"
}

// loadCatalog parses every *.json under templates/ in fsys.
func loadCatalog(fsys fs.FS) (catalog, error) {
	cat := catalog{}
	err := fs.WalkDir(fsys, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".json" {
			return nil
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		c, err := compile(p, raw)
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		cat[c.file.Kind] = append(cat[c.file.Kind], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	for k, vs := range cat {
		sort.Slice(vs, func(i, j int) bool { return vs[i].effective.Before(vs[j].effective) })
		for i := 1; i < len(vs); i++ {
			if vs[i].effective.Equal(vs[i-1].effective) {
				return nil, fmt.Errorf("load templates: %s has two versions effective %s (%s, %s)",
					k, vs[i].file.Effective, vs[i-1].path, vs[i].path)
			}
		}
	}
	return cat, nil
}

func compile(p string, raw []byte) (*compiled, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f templateFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	switch f.Kind {
	case KindReceipt, KindSupplementRequest, KindRefusal, KindApology, KindStopNotice,
		KindControlSheet, KindDecision, KindLicence, KindEReceipt, KindLetter:
	default:
		return nil, fmt.Errorf("unknown kind %q", f.Kind)
	}
	if f.Act == "" {
		return nil, fmt.Errorf("missing act")
	}
	eff, err := time.ParseInLocation("2006-01-02", f.Effective, motcua.Vietnam)
	if err != nil {
		return nil, fmt.Errorf("effective date: %w", err)
	}
	if f.BodySize == 0 {
		f.BodySize = 13
	}
	c := &compiled{file: f, path: p, effective: eff}
	parse := func(name, s string) (*template.Template, error) {
		if s == "" {
			return nil, nil
		}
		t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(s)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		return t, nil
	}
	for i, s := range f.Title {
		t, err := parse(fmt.Sprintf("title[%d]", i), s)
		if err != nil {
			return nil, err
		}
		c.title = append(c.title, t)
	}
	for i, s := range f.Subtitle {
		t, err := parse(fmt.Sprintf("subtitle[%d]", i), s)
		if err != nil {
			return nil, err
		}
		c.subtitle = append(c.subtitle, t)
	}
	if c.subject, err = parse("subject", f.Subject); err != nil {
		return nil, err
	}
	for i, b := range f.Body {
		cb := compiledBlock{src: b}
		switch b.Style {
		case "", "para", "plain", "center", "heading", "basis", "hang", "addressee":
		default:
			return nil, fmt.Errorf("body[%d]: unknown style %q", i, b.Style)
		}
		if (b.Table == nil) == (b.Text == "") {
			return nil, fmt.Errorf("body[%d]: needs exactly one of text and table", i)
		}
		if cb.text, err = parse(fmt.Sprintf("body[%d].text", i), b.Text); err != nil {
			return nil, err
		}
		if cb.when, err = parse(fmt.Sprintf("body[%d].when", i), b.When); err != nil {
			return nil, err
		}
		if b.Table != nil {
			if b.Table.Rows == "" || len(b.Table.Columns) == 0 {
				return nil, fmt.Errorf("body[%d]: table needs rows and columns", i)
			}
			for j, col := range b.Table.Columns {
				t, err := parse(fmt.Sprintf("body[%d].columns[%d]", i, j), col.Cell)
				if err != nil {
					return nil, err
				}
				if t == nil || col.Width <= 0 {
					return nil, fmt.Errorf("body[%d].columns[%d]: needs a cell and a width", i, j)
				}
				cb.cells = append(cb.cells, t)
			}
		}
		c.body = append(c.body, cb)
	}
	return c, nil
}

// pick returns the version of kind k in force on day t (Vietnam time).
func (cat catalog) pick(k Kind, t time.Time) (*compiled, error) {
	vs := cat[k]
	day := local(t)
	var found *compiled
	for _, v := range vs {
		if !v.effective.After(day) {
			found = v
		}
	}
	if found == nil {
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "Date",
			Message: fmt.Sprintf("Không có mẫu văn bản loại %q áp dụng cho ngày %s.", k, day.Format("02/01/2006"))}
	}
	return found, nil
}

func (c *compiled) info() TemplateInfo {
	return TemplateInfo{Kind: c.file.Kind, Form: c.file.Form, Act: c.file.Act, Effective: c.effective, Path: c.path}
}

// execute runs t on data and returns its output.
func execute(t *template.Template, data any) (string, error) {
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("execute %s: %w", t.Name(), err)
	}
	return b.String(), nil
}

// rows returns the slice field name of doc as a slice of values.
func rows(doc any, name string) ([]any, error) {
	v := reflect.Indirect(reflect.ValueOf(doc))
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil, fmt.Errorf("table rows %q: not a slice field of %T", name, doc)
	}
	out := make([]any, f.Len())
	for i := range out {
		out[i] = f.Index(i).Interface()
	}
	return out, nil
}

// cellData is what a table cell template sees.
type cellData struct {
	No  int
	Row any
	Doc any
}
