package render

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"

	"motcua"
)

// A procedure's result is drawn from its own result template: a JSON file under
// results/ named as the catalog's result.template ("luu-tru-chung-chi"), which says
// whether the result is laid out as a decision or as a licence/certificate/submission,
// the document type of its number ("QĐ", "CCHN", "TTr"), and the text of every part as
// Go text/templates over ResultInput, so the certificate names its holder, the fund
// licence the fund, the submission its nominees.
//
//go:embed results
var embeddedResults embed.FS

// ResultInput is what a result template is filled with.
type ResultInput struct {
	// Header is the document's header; a template may set Agency and ParentAgency.
	Header Header
	// Issuer is the issuing agency's abbreviation in symbols ("BNV"): a result's symbol
	// is the template's document type, a hyphen and Issuer ("QĐ-BNV").
	Issuer string
	// F is the dossier's form data as printed (forms.Procedure.Display): every field
	// of the form by key, dates dd/mm/yyyy, choices as labels, groups as lists.
	F map[string]any
	// Applicant is who submitted the dossier; Procedure the procedure's name; Result
	// the result's name the catalog declares.
	Applicant string
	Procedure string
	Result    string
	// Bases are the "Căn cứ ...;" lines of the procedure's legal basis, used when the
	// template gives none of its own.
	Bases []string
	// Authority is the authority line of the signature block the result is signed
	// under ("CỤC TRƯỞNG CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC"). When set, it and the
	// Header's agencies (the block's) replace the template's own, so that the authority
	// line, the agency and the signature agree; a submission's addressee ("Kính gửi:
	// ...") stays the template's.
	Authority string
}

// resultFile is the JSON form of a result template. Every string is a text/template over
// ResultInput; for bases, intro, paragraphs and articles each line of the output is one
// item.
type resultFile struct {
	Template     string             `json:"template"`
	Kind         Kind               `json:"kind"` // decision or licence
	Type         string             `json:"type"` // the document type in the symbol: "QĐ", "GP", "CCHN", "TTr"
	Note         string             `json:"note"`
	ParentAgency string             `json:"parentAgency"`
	Agency       string             `json:"agency"`
	Title        string             `json:"title"`
	Subject      string             `json:"subject"`
	Authority    string             `json:"authority"`
	Bases        string             `json:"bases"`
	Proposal     string             `json:"proposal"`
	Intro        string             `json:"intro"`
	Grant        string             `json:"grant"`
	Particulars  []resultParticular `json:"particulars"`
	Paragraphs   string             `json:"paragraphs"`
	Articles     string             `json:"articles"`
	Recipients   []string           `json:"recipients"`
}

type resultParticular struct {
	Label string `json:"label"`
	Value string `json:"value"` // a particular whose value is empty is left out
}

// resultTemplate is a parsed result template: every template string by its JSON name.
type resultTemplate struct {
	file resultFile
	t    *template.Template
}

func loadResults(fsys fs.FS) (map[string]*resultTemplate, error) {
	out := map[string]*resultTemplate{}
	err := fs.WalkDir(fsys, "results", func(p string, d fs.DirEntry, err error) error {
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
		rt, err := compileResult(raw)
		if err != nil {
			return fmt.Errorf("result template %s: %w", p, err)
		}
		if want := strings.TrimSuffix(path.Base(p), ".json"); rt.file.Template != want {
			return fmt.Errorf("result template %s names itself %q", p, rt.file.Template)
		}
		out[rt.file.Template] = rt
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load result templates: %w", err)
	}
	return out, nil
}

func compileResult(raw []byte) (*resultTemplate, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f resultFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if f.Kind != KindDecision && f.Kind != KindLicence {
		return nil, fmt.Errorf("kind %q: want decision or licence", f.Kind)
	}
	if f.Type == "" || f.Subject == "" && f.Title == "" || f.Authority == "" {
		return nil, fmt.Errorf("type, authority and a title or subject are required")
	}
	if f.Kind == KindDecision && f.Articles == "" {
		return nil, fmt.Errorf("a decision needs articles")
	}
	// Two procedures may share a template with different forms (a certificate and its
	// re-issue), so a field a form lacks reads as nothing ({{with .F.scope}}); a
	// template that prints one anyway is refused when it runs ("<no value>").
	root := template.New(f.Template).Funcs(funcs)
	add := func(name, s string) error {
		if s == "" {
			return nil
		}
		_, err := root.New(name).Parse(s)
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		return nil
	}
	for name, s := range map[string]string{"title": f.Title, "subject": f.Subject, "authority": f.Authority,
		"bases": f.Bases, "proposal": f.Proposal, "intro": f.Intro, "grant": f.Grant, "paragraphs": f.Paragraphs,
		"articles": f.Articles, "agency": f.Agency, "parentAgency": f.ParentAgency} {
		if err := add(name, s); err != nil {
			return nil, err
		}
	}
	for i, s := range f.Recipients {
		if err := add(fmt.Sprintf("recipients[%d]", i), s); err != nil {
			return nil, err
		}
	}
	for i, p := range f.Particulars {
		if p.Label == "" || p.Value == "" {
			return nil, fmt.Errorf("particulars[%d]: label and value are required", i)
		}
		if err := add(fmt.Sprintf("particulars[%d]", i), p.Value); err != nil {
			return nil, err
		}
	}
	return &resultTemplate{file: f, t: root}, nil
}

func (rt *resultTemplate) run(name string, in *ResultInput) (string, error) {
	t := rt.t.Lookup(name)
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	if err := t.Execute(&b, in); err != nil {
		return "", fmt.Errorf("result template %s: %s: %w", rt.file.Template, name, err)
	}
	if strings.Contains(b.String(), "<no value>") {
		return "", fmt.Errorf("result template %s: %s names a field the form does not have", rt.file.Template, name)
	}
	return strings.TrimSpace(b.String()), nil
}

func (rt *resultTemplate) lines(name string, in *ResultInput) ([]string, error) {
	s, err := rt.run(name, in)
	if err != nil || s == "" {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// ResultTemplates returns the names of the result templates, sorted.
func (r *Renderer) ResultTemplates() []string {
	names := make([]string, 0, len(r.results))
	for n := range r.results {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ResultSymbol returns the symbol a result of template name carries after its number
// ("QĐ-BNV", "TTr-BNV"): the template's document type and issuer. The register numbers
// each symbol from 1 every year.
func (r *Renderer) ResultSymbol(name, issuer string) (string, error) {
	rt, ok := r.results[name]
	if !ok {
		return "", noResultTemplate(name)
	}
	return rt.file.Type + "-" + issuer, nil
}

func noResultTemplate(name string) error {
	return &motcua.Error{Code: motcua.EINTERNAL, Field: "Template",
		Message: fmt.Sprintf("Không có mẫu kết quả %q.", name)}
}

// Result builds the result document of template name from in: a *Decision or a
// *Licence ready for Render. An unknown name is an EINTERNAL error (the catalog names a
// template that does not exist), a template that fails on the data an error naming it.
func (r *Renderer) Result(name string, in ResultInput) (Document, error) {
	rt, ok := r.results[name]
	if !ok {
		return nil, noResultTemplate(name)
	}
	f := rt.file
	h := in.Header
	var err error
	str := func(name string) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = rt.run(name, &in)
		return s
	}
	list := func(name string) []string {
		if err != nil {
			return nil
		}
		var l []string
		l, err = rt.lines(name, &in)
		return l
	}
	if f.Agency != "" && in.Authority == "" {
		h.Agency, h.ParentAgency = str("agency"), str("parentAgency")
	}
	if len(f.Recipients) > 0 {
		h.Recipients = nil
		for i := range f.Recipients {
			h.Recipients = append(h.Recipients, str(fmt.Sprintf("recipients[%d]", i)))
		}
	}
	bases := in.Bases
	if f.Bases != "" {
		bases = list("bases")
	}
	symbol := f.Type + "-" + in.Issuer
	authority := str("authority")
	if in.Authority != "" && !strings.HasPrefix(authority, "Kính gửi") {
		authority = in.Authority
	}
	switch f.Kind {
	case KindDecision:
		d := &Decision{Header: h, Symbol: symbol, Subject: str("subject"), Authority: authority, Bases: bases,
			Proposal: str("proposal"), Articles: list("articles")}
		if err != nil {
			return nil, err
		}
		return d, nil
	default:
		l := &Licence{Header: h, Symbol: symbol, Title: str("title"), Subject: str("subject"), Authority: authority,
			Bases: bases, Proposal: str("proposal"), Intro: list("intro"), Grant: str("grant"),
			Paragraphs: list("paragraphs"), Articles: list("articles")}
		for i, p := range f.Particulars {
			v := str(fmt.Sprintf("particulars[%d]", i))
			if v != "" {
				l.Particulars = append(l.Particulars, Particular{Label: p.Label, Value: v})
			}
		}
		if err != nil {
			return nil, err
		}
		return l, nil
	}
}
