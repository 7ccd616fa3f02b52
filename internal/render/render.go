package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"motcua"
)

// Options are the sizes of the images the signing step will place, in millimetres.
type Options struct {
	// SignatureWidth and SignatureHeight size the box for the handwritten-signature
	// image (default 50 × 25 mm).
	SignatureWidth, SignatureHeight float64
	// SealSize is the diameter of the seal image at its real size (default 36 mm).
	SealSize float64
	// FontDir, when set, is a directory of the agency's licensed Times New Roman (or
	// another face with Times metrics) to set documents in instead of the embedded
	// Liberation Serif; see UseFontDir.
	FontDir string
}

func (o Options) withDefaults() Options {
	if o.SignatureWidth <= 0 {
		o.SignatureWidth = 50
	}
	if o.SignatureHeight <= 0 {
		o.SignatureHeight = 25
	}
	if o.SealSize <= 0 {
		o.SealSize = 36
	}
	return o
}

// Renderer renders documents from its template catalog. It is safe for concurrent use.
type Renderer struct {
	cat     catalog
	results map[string]*resultTemplate
	opt     Options
	fonts   *sharedFonts
}

// New returns a Renderer over the embedded templates.
func New(opt Options) (*Renderer, error) {
	return NewFromFS(embeddedTemplates, opt)
}

// NewFromFS returns a Renderer over the templates under "templates/" in fsys, for
// deployments that ship their own template versions.
func NewFromFS(fsys fs.FS, opt Options) (*Renderer, error) {
	if opt.FontDir != "" {
		if err := UseFontDir(opt.FontDir); err != nil {
			return nil, err
		}
	}
	cat, err := loadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	results, err := loadResults(embeddedResults)
	if err != nil {
		return nil, err
	}
	return &Renderer{cat: cat, results: results, opt: opt.withDefaults(), fonts: &sharedFonts{}}, nil
}

// Render lays out doc as an A4 PDF with embedded Liberation Serif fonts (Times New Roman metrics), the QR code of
// Header.VerifyURL on page 1, and, for results, the empty fields FieldNumber and
// FieldDate. Bad input gives a *motcua.Error with code EINVALID naming the field;
// text that is not in NFC is normalized, not refused. Render does not change doc.
func (r *Renderer) Render(ctx context.Context, doc Document) (Output, error) {
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	if doc == nil || isNilPointer(doc) {
		return Output{}, motcua.Errorf(motcua.EINVALID, "Thiếu văn bản cần tạo.")
	}
	doc = normalized(doc)
	if err := validate(doc); err != nil {
		return Output{}, err
	}
	if _, err := SetupFonts(); err != nil {
		return Output{}, fmt.Errorf("render %s: %w", doc.Kind(), err)
	}
	m, err := loadMetrics()
	if err != nil {
		return Output{}, fmt.Errorf("render %s: %w", doc.Kind(), err)
	}
	if err := checkGlyphs(doc, m); err != nil {
		return Output{}, err
	}
	t, err := r.cat.pick(doc.Kind(), doc.head().Date)
	if err != nil {
		return Output{}, err
	}
	out, err := r.compose(ctx, doc, t, m)
	if err != nil {
		var me *motcua.Error
		if errors.As(err, &me) {
			return Output{}, err
		}
		return Output{}, fmt.Errorf("render %s with %s: %w", doc.Kind(), t.path, err)
	}
	return out, nil
}

func isNilPointer(doc Document) bool {
	switch d := doc.(type) {
	case *Receipt:
		return d == nil
	case *SupplementRequest:
		return d == nil
	case *Refusal:
		return d == nil
	case *Apology:
		return d == nil
	case *StopNotice:
		return d == nil
	case *ControlSheet:
		return d == nil
	case *Decision:
		return d == nil
	case *Licence:
		return d == nil
	case *EReceipt:
		return d == nil
	case *Letter:
		return d == nil
	}
	return false
}

func (r *Renderer) compose(ctx context.Context, doc Document, t *compiled, m [3]*metrics) (Output, error) {
	h := doc.head()
	kind := doc.Kind()
	lo := newLayouter(m, r.opt)
	lo.b.shared = r.fonts
	if h.VerifyURL != "" {
		lo.qrBand = lo.qrBandHeight(h.VerifyURL)
	}
	lo.newPage()

	symbol, excerpt := "", ""
	switch d := doc.(type) {
	case *Decision:
		symbol = d.Symbol
	case *Licence:
		symbol = d.Symbol
	case *Letter:
		symbol, excerpt = d.Symbol, d.Excerpt
	}
	if err := lo.heading(h, kind.isResult(), symbol, excerpt); err != nil {
		return Output{}, err
	}

	var titles, subtitles []string
	for _, tt := range t.title {
		s, err := execute(tt, doc)
		if err != nil {
			return Output{}, err
		}
		titles = append(titles, s)
	}
	subject, err := execute(t.subject, doc)
	if err != nil {
		return Output{}, err
	}
	for _, tt := range t.subtitle {
		s, err := execute(tt, doc)
		if err != nil {
			return Output{}, err
		}
		if strings.TrimSpace(s) != "" {
			subtitles = append(subtitles, s)
		}
	}
	size := t.file.BodySize
	lo.title(titles, strings.TrimSpace(subject), subtitles, size)

	for i, b := range t.body {
		if err := ctx.Err(); err != nil {
			return Output{}, err
		}
		if b.when != nil {
			w, err := execute(b.when, doc)
			if err != nil {
				return Output{}, err
			}
			if w = strings.TrimSpace(w); w == "" || w == "false" {
				continue
			}
		}
		lo.y += b.src.SpaceBefore
		if b.src.Table != nil {
			rs, err := rows(doc, b.src.Table.Rows)
			if err != nil {
				return Output{}, fmt.Errorf("body[%d]: %w", i, err)
			}
			cells := make([][]string, len(rs))
			for j, row := range rs {
				cells[j] = make([]string, len(b.cells))
				for k, ct := range b.cells {
					s, err := execute(ct, cellData{No: j + 1, Row: row, Doc: doc})
					if err != nil {
						return Output{}, err
					}
					cells[j][k] = strings.TrimSpace(s)
				}
			}
			ts := b.src.Table.Size
			if ts == 0 {
				ts = size - 1
			}
			lo.table(b.src.Table.Columns, cells, ts)
			continue
		}
		s, err := execute(b.text, doc)
		if err != nil {
			return Output{}, err
		}
		lo.text(b.src.Style, s, size)
	}

	if err := lo.signature(h, t.file.SignerTitle, size); err != nil {
		return Output{}, err
	}
	if lo.pageNo > maxPages {
		return Output{}, invalid("", "Văn bản quá dài (%d trang, tối đa %d).", lo.pageNo, maxPages)
	}
	if h.VerifyURL != "" {
		if err := lo.drawQR(lo.b.pages[0], h.VerifyURL); err != nil {
			return Output{}, err
		}
	}
	lo.out.PageCount = lo.pageNo

	title := plainText(strings.Join(titles, " "))
	if subject != "" {
		title += " " + plainText(subject)
	}
	if excerpt != "" {
		title = strings.TrimSpace(title + " V/v " + excerpt)
	}
	lo.b.info = docInfo{
		title:    title,
		subject:  strings.TrimSpace(t.file.Form + " " + t.file.Act),
		keywords: string(kind) + " " + t.path,
	}
	pdf, err := lo.b.write()
	if err != nil {
		return Output{}, err
	}
	return Output{PDF: pdf, Layout: lo.out, Template: t.info()}, nil
}
