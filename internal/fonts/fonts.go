// Package fonts embeds the TrueType fonts motcua draws Vietnamese text with: DejaVu Serif
// for documents (close to the Times family Decree 30/2020 asks for, with every Vietnamese
// glyph) and DejaVu Sans for signature appearances and pages. Their licence is
// LICENSE-DejaVu.txt beside this file (Bitstream Vera / public domain terms: free to
// embed and redistribute).
//
// Text drawn with these fonts must be in Unicode NFC: neither pdfcpu nor x/image shapes
// combining marks, so decomposed Vietnamese renders with misplaced diacritics.
package fonts

import _ "embed"

var (
	//go:embed DejaVuSerif.ttf
	Serif []byte
	//go:embed DejaVuSerif-Bold.ttf
	SerifBold []byte
	//go:embed DejaVuSerif-Italic.ttf
	SerifItalic []byte
	//go:embed DejaVuSans.ttf
	Sans []byte
	//go:embed DejaVuSans-Bold.ttf
	SansBold []byte
)

// Face is one embedded font file and the PostScript name PDF tools refer to it by.
type Face struct {
	Name string // PostScript name, e.g. "DejaVuSerif"
	File string // file name, e.g. "DejaVuSerif.ttf"
	Data []byte
}

// All returns every embedded face.
func All() []Face {
	return []Face{
		{"DejaVuSerif", "DejaVuSerif.ttf", Serif},
		{"DejaVuSerif-Bold", "DejaVuSerif-Bold.ttf", SerifBold},
		{"DejaVuSerif-Italic", "DejaVuSerif-Italic.ttf", SerifItalic},
		{"DejaVuSans", "DejaVuSans.ttf", Sans},
		{"DejaVuSans-Bold", "DejaVuSans-Bold.ttf", SansBold},
	}
}
