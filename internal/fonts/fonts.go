// Package fonts embeds the TrueType fonts motcua draws Vietnamese text with: Liberation
// Serif 2.1.5 for documents (metric-compatible with Times New Roman, which Decree 30/2020
// prescribes, with every Vietnamese glyph; SIL Open Font License 1.1, LICENSE-Liberation.txt,
// from Debian's fonts-liberation2), and DejaVu Serif and Sans for signature appearances
// and pages (LICENSE-DejaVu.txt: Bitstream Vera / public domain terms). Both licences let
// the fonts be embedded and redistributed.
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
	//go:embed LiberationSerif-Regular.ttf
	DocRegular []byte
	//go:embed LiberationSerif-Bold.ttf
	DocBold []byte
	//go:embed LiberationSerif-Italic.ttf
	DocItalic []byte
	//go:embed LiberationSerif-BoldItalic.ttf
	DocBoldItalic []byte
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
		{"LiberationSerif", "LiberationSerif-Regular.ttf", DocRegular},
		{"LiberationSerif-Bold", "LiberationSerif-Bold.ttf", DocBold},
		{"LiberationSerif-Italic", "LiberationSerif-Italic.ttf", DocItalic},
		{"LiberationSerif-BoldItalic", "LiberationSerif-BoldItalic.ttf", DocBoldItalic},
		{"DejaVuSans", "DejaVuSans.ttf", Sans},
		{"DejaVuSans-Bold", "DejaVuSans-Bold.ttf", SansBold},
	}
}
