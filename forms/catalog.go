package forms

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"motcua"
)

// embedded holds the catalog's procedure files. The invalid samples beside them are test
// data and stay out of the binary.
//
//go:embed catalog/*/*/procedure.json catalog/aliases.json
var embedded embed.FS

// samples holds each procedure version's valid sample form (a few kilobytes in all): the
// load tool (motcua load) submits them, wherever the binary runs.
//
//go:embed catalog/*/*/valid.json
var samples embed.FS

// Sample returns the valid sample form of a procedure version, as written: the dates a
// rule compares with today are relative ("@today-12d"); formstest.Resolve makes them
// dates on a clock.
func Sample(code string, version int) ([]byte, error) {
	b, err := samples.ReadFile(fmt.Sprintf("catalog/%s/v%d/valid.json", code, version))
	if err != nil {
		return nil, fmt.Errorf("valid sample of %s v%d: %w", code, version, err)
	}
	return b, nil
}

// Catalog is the set of procedure versions. It is immutable once loaded and safe for
// concurrent use.
type Catalog struct {
	// versions holds each code's versions in ascending order.
	versions map[string][]*Procedure
	codes    []string
	// aliases maps a code the catalog used before (a provisional G09.* code replaced by
	// the national one) to the code it is now: pages, the API, stored dossiers and old
	// links keep resolving.
	aliases map[string]string
	now     func() time.Time
}

// Option changes how a catalog is loaded.
type Option func(*Catalog, *Limits)

// WithClock sets the clock used for "current version" and for rules about today (a birth
// date not in the future). Tests fix it; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *Catalog, _ *Limits) { c.now = now }
}

// WithLimits replaces DefaultLimits for validation.
func WithLimits(l Limits) Option {
	return func(_ *Catalog, lim *Limits) { *lim = l }
}

// Default loads the catalog embedded in the binary. It fails on any broken file.
func Default(opts ...Option) (*Catalog, error) {
	return Load(Embedded(), opts...)
}

// Embedded is the catalog's files embedded in the binary, as Load reads them.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "catalog")
	if err != nil {
		panic(err) // "catalog" is a valid path: fs.Sub cannot fail
	}
	return sub
}

// fileRE is where a procedure version lives: <code>/v<n>/procedure.json.
var fileRE = regexp.MustCompile(`^([^/]+)/v([1-9][0-9]*)/procedure\.json$`)

// Load reads every <code>/v<n>/procedure.json under fsys, checks each file and the versions
// of each code against each other, and compiles the e-forms. Every problem in every file is
// reported in the error, so a broken catalog is fixed in one pass.
func Load(fsys fs.FS, opts ...Option) (*Catalog, error) {
	c := &Catalog{versions: map[string][]*Procedure{}, aliases: map[string]string{}, now: time.Now}
	lim := DefaultLimits
	for _, o := range opts {
		o(c, &lim)
	}
	var errs []error
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Base(name) != "procedure.json" {
			return nil
		}
		p, err := loadFile(fsys, name, c.now, lim)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			return nil
		}
		c.versions[p.Code] = append(c.versions[p.Code], p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	for code, vs := range c.versions {
		slices.SortFunc(vs, func(a, b *Procedure) int { return a.Version - b.Version })
		if err := checkVersions(vs); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", code, err))
		}
		c.codes = append(c.codes, code)
	}
	slices.Sort(c.codes)
	errs = append(errs, c.loadAliases(fsys)...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("catalog is broken:\n%w", errors.Join(errs...))
	}
	if len(c.codes) == 0 {
		return nil, errors.New("catalog is empty")
	}
	return c, nil
}

func loadFile(fsys fs.FS, name string, now func() time.Time, lim Limits) (*Procedure, error) {
	m := fileRE.FindStringSubmatch(name)
	if m == nil {
		return nil, errors.New("want <code>/v<n>/procedure.json")
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := &Procedure{}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode: data after the procedure")
	}
	if n, _ := strconv.Atoi(m[2]); p.Code != m[1] || p.Version != n {
		return nil, fmt.Errorf("file holds %s v%d, its path says %s v%s", p.Code, p.Version, m[1], m[2])
	}
	p.now, p.limits = now, lim
	p.Form.prepare()
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := p.compile(); err != nil {
		return nil, err
	}
	return p, nil
}

// compile turns the e-form into a JSON Schema and compiles it, with the Vietnamese formats
// registered and formats asserted (2020-12 only annotates them by default).
func (p *Procedure) compile() error {
	id := "urn:motcua:form:" + p.Code + ":v" + strconv.Itoa(p.Version)
	doc := p.Form.schema(id)
	// Round-trip through JSON so the compiler sees plain JSON values (float64 numbers,
	// []any), exactly what Schema() will show.
	raw, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	now := p.now
	comp.RegisterFormat(&jsonschema.Format{Name: formatCCCD, Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		_, err := ParseCCCD(s, now())
		return err
	}})
	comp.RegisterFormat(&jsonschema.Format{Name: formatPhone, Validate: func(v any) error {
		if s, ok := v.(string); ok && !ValidPhone(s) {
			return errors.New("not a Vietnamese phone number")
		}
		return nil
	}})
	comp.RegisterFormat(&jsonschema.Format{Name: formatFileID, Validate: func(v any) error {
		if s, ok := v.(string); ok && !fileIDRE.MatchString(s) {
			return errors.New("not a file ID")
		}
		return nil
	}})
	if err := comp.AddResource(id, v); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	sch, err := comp.Compile(id)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	p.schema = sch
	p.schemaDoc = doc
	return nil
}

// Schema returns the version's e-form as a JSON Schema 2020-12 document, with each field's
// label as its title and help as its description.
func (p *Procedure) Schema() []byte {
	b, _ := json.MarshalIndent(p.schemaDoc, "", "  ")
	return b
}

// checkVersions checks the versions of one code against each other: numbered 1..n without
// gaps, effective periods in order and not overlapping, so that at most one version is in
// force at any time.
func checkVersions(vs []*Procedure) error {
	var errs []error
	for i, p := range vs {
		if p.Version != i+1 {
			errs = append(errs, fmt.Errorf("versions must be numbered 1..n, found v%d at place %d", p.Version, i+1))
			break
		}
		if i == 0 {
			continue
		}
		prev := vs[i-1]
		if prev.EffectiveTo == "" || prev.EffectiveTo > p.EffectiveFrom {
			errs = append(errs, fmt.Errorf("v%d (from %s) overlaps v%d: set v%d's effectiveTo to at most %s",
				p.Version, p.EffectiveFrom, prev.Version, prev.Version, p.EffectiveFrom))
		}
	}
	return errors.Join(errs...)
}

// aliasesFile is the catalog's table of former codes: a JSON object {"old": "new"}.
const aliasesFile = "aliases.json"

// maxAliasesFile bounds the alias table read (it is a few lines).
const maxAliasesFile = 64 << 10

// loadAliases reads the alias table, if there is one, and checks that each former code
// is no longer a code of its own and each leads to a procedure of the catalog.
func (c *Catalog) loadAliases(fsys fs.FS) []error {
	data, err := fs.ReadFile(fsys, aliasesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []error{fmt.Errorf("%s: %w", aliasesFile, err)}
	}
	if len(data) > maxAliasesFile {
		return []error{fmt.Errorf("%s: larger than %d bytes", aliasesFile, maxAliasesFile)}
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return []error{fmt.Errorf("%s: %w", aliasesFile, err)}
	}
	var errs []error
	for old, code := range m {
		switch {
		case !provisionalCodeRE.MatchString(old) && !nationalCodeRE.MatchString(old):
			errs = append(errs, fmt.Errorf("%s: %q is not a procedure code", aliasesFile, old))
		case c.versions[old] != nil:
			errs = append(errs, fmt.Errorf("%s: %s is still a procedure of its own", aliasesFile, old))
		case c.versions[code] == nil:
			errs = append(errs, fmt.Errorf("%s: %s leads to %s, which is not in the catalog", aliasesFile, old, code))
		default:
			c.aliases[old] = code
		}
	}
	return errs
}

// Resolve returns the code a procedure has now: code itself, or the code a former
// (alias) code was replaced by. renamed reports the second case.
func (c *Catalog) Resolve(code string) (current string, renamed bool) {
	code = strings.TrimSpace(code)
	if to, ok := c.aliases[code]; ok {
		return to, true
	}
	return code, false
}

// Aliases returns the former codes and the code each resolves to.
func (c *Catalog) Aliases() map[string]string { return maps.Clone(c.aliases) }

// Procedures returns the version in force now of every procedure, ordered by code.
func (c *Catalog) Procedures() []*Procedure {
	now := c.now()
	var out []*Procedure
	for _, code := range c.codes {
		if p := c.at(code, now); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Codes returns every procedure code in the catalog, in force or not.
func (c *Catalog) Codes() []string { return slices.Clone(c.codes) }

// Procedure returns the version of a procedure in force now.
func (c *Catalog) Procedure(code string) (*Procedure, error) {
	return c.At(code, c.now())
}

// At returns the version of a procedure in force at time t: the one a dossier received at t
// is judged by.
func (c *Catalog) At(code string, t time.Time) (*Procedure, error) {
	code, _ = c.Resolve(code)
	if p := c.at(code, t); p != nil {
		return p, nil
	}
	if _, ok := c.versions[code]; !ok {
		return nil, notFound(code)
	}
	return nil, &motcua.Error{Code: motcua.ENOTFOUND, Field: "procedure",
		Message: fmt.Sprintf("Thủ tục %s không áp dụng vào ngày %s.", code, t.In(motcua.Vietnam).Format("02/01/2006"))}
}

func (c *Catalog) at(code string, t time.Time) *Procedure {
	vs := c.versions[code]
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].InForce(t) {
			return vs[i]
		}
	}
	return nil
}

// Version returns version n of a procedure, in force or not: a dossier is always judged by
// the version it was received under.
func (c *Catalog) Version(code string, n int) (*Procedure, error) {
	code, _ = c.Resolve(code)
	vs := c.versions[code]
	if n < 1 || n > len(vs) {
		if len(vs) == 0 {
			return nil, notFound(code)
		}
		return nil, &motcua.Error{Code: motcua.ENOTFOUND, Field: "procedure",
			Message: fmt.Sprintf("Thủ tục %s không có phiên bản %d.", code, n)}
	}
	return vs[n-1], nil
}

// Versions returns every version of a procedure, oldest first.
func (c *Catalog) Versions(code string) []*Procedure {
	code, _ = c.Resolve(code)
	return slices.Clone(c.versions[code])
}

func notFound(code string) error {
	return &motcua.Error{Code: motcua.ENOTFOUND, Field: "procedure",
		Message: fmt.Sprintf("Không có thủ tục mã %s.", strings.TrimSpace(code))}
}
