package render

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/font"

	"motcua/internal/fonts"
)

// face is one of the three Liberation Serif (Times New Roman metrics) styles a document is set in. pdfcpu knows an
// installed font by its PostScript name, which is what faceName returns.
type face int

const (
	regular face = iota
	bold
	italic
)

// docFaces are the document faces by face, then the draft mark's face: Liberation
// Serif (Times New Roman metrics) unless UseFontDir installed an agency's own. They are
// chosen before the first render and never change afterwards.
var docFaces = [4]fonts.Face{
	regular:  {Name: "LiberationSerif", File: "LiberationSerif-Regular.ttf", Data: fonts.DocRegular},
	bold:     {Name: "LiberationSerif-Bold", File: "LiberationSerif-Bold.ttf", Data: fonts.DocBold},
	italic:   {Name: "LiberationSerif-Italic", File: "LiberationSerif-Italic.ttf", Data: fonts.DocItalic},
	markSlot: {Name: "LiberationSerif-BoldItalic", File: "LiberationSerif-BoldItalic.ttf", Data: fonts.DocBoldItalic},
}

// markSlot is docFaces' slot of the draft mark's face (not a face of the documents).
const markSlot = 3

func (f face) name() string { return docFaces[f].Name }

// metrics is what layout needs from a face: advance widths by glyph id and the
// character map. It is read once from pdfcpu and never changed, so it is shared by every
// render without locks.
type metrics struct {
	unitsPerEm float64
	ascent     float64 // in units of the em, positive
	descent    float64 // in units of the em, positive
	widths     []int
	chars      map[uint32]uint16
}

func (m *metrics) gid(r rune) (uint16, bool) {
	g, ok := m.chars[uint32(r)]
	return g, ok
}

// advance returns the advance width of r at size pt, in points.
func (m *metrics) advance(r rune, size float64) float64 {
	g, ok := m.chars[uint32(r)]
	if !ok || int(g) >= len(m.widths) {
		return 0
	}
	return float64(m.widths[g]) * size / m.unitsPerEm
}

func (m *metrics) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += m.advance(r, size)
	}
	return w
}

// pdfcpu keeps its font configuration in package variables (font.UserFontDir, the loaded
// metrics, model.ConfigPath): it is process-global. fontSetup installs the document faces
// once per process into a private config directory under os.TempDir and remembers
// which directory that was. If another package later points pdfcpu at a different
// directory (api.EnsureDefaultConfigAt), the next render installs the faces there too, so
// rendering keeps working; the check and the install run under fontMu so two renders do
// not install at once. Packages that use pdfcpu in the same process should call
// SetupFonts rather than configure pdfcpu themselves.
var (
	fontMu        sync.Mutex
	fontDir       string // the user font directory the faces were installed in
	metricsOnce   sync.Once
	faceMetrics   [3]*metrics
	metricsErr    error
	setupTempRoot string
)

// SetupFonts makes the document faces (Liberation Serif) available to pdfcpu in this process and returns the
// user font directory in use. It is safe to call from many goroutines and cheap after the
// first call; Render calls it itself.
func SetupFonts() (string, error) {
	fontMu.Lock()
	defer fontMu.Unlock()
	if fontDir != "" && font.UserFontDir == fontDir {
		return fontDir, nil
	}
	if font.UserFontDir == "" {
		// Nobody has configured pdfcpu yet: give it a private directory, so nothing is
		// written to the user's own pdfcpu configuration.
		if setupTempRoot == "" {
			dir, err := os.MkdirTemp("", "motcua-pdfcpu-")
			if err != nil {
				return "", fmt.Errorf("create pdfcpu config dir: %w", err)
			}
			setupTempRoot = dir
		}
		if err := api.EnsureDefaultConfigAt(setupTempRoot); err != nil {
			return "", fmt.Errorf("init pdfcpu config at %s: %w", setupTempRoot, err)
		}
	}
	dir := font.UserFontDir
	for _, f := range docFaces {
		if _, err := os.Stat(filepath.Join(dir, f.Name+".gob")); err == nil {
			continue
		}
		if err := font.InstallFontFromBytesQuiet(dir, f.Name, f.Data); err != nil {
			return "", fmt.Errorf("install font %s into %s: %w", f.Name, dir, err)
		}
	}
	if err := font.ReloadUserFonts(); err != nil {
		return "", fmt.Errorf("load pdfcpu user fonts from %s: %w", dir, err)
	}
	fontDir = dir
	return dir, nil
}

// loadMetrics reads the metrics of the three faces from pdfcpu once per process.
func loadMetrics() ([3]*metrics, error) {
	metricsOnce.Do(func() {
		for f := regular; f <= italic; f++ {
			ttf, ok, err := font.UserFont(f.name())
			if err != nil {
				metricsErr = fmt.Errorf("read metrics of %s: %w", f.name(), err)
				return
			}
			if !ok {
				metricsErr = fmt.Errorf("font %s is not installed in pdfcpu", f.name())
				return
			}
			// pdfcpu stores widths and vertical metrics in PDF glyph space (1/1000 em),
			// whatever the font's own unitsPerEm.
			const upm = 1000.0
			faceMetrics[f] = &metrics{
				unitsPerEm: upm,
				ascent:     float64(ttf.Ascent) / upm,
				descent:    -float64(ttf.Descent) / upm,
				widths:     ttf.GlyphWidths,
				chars:      ttf.Chars,
			}
		}
	})
	return faceMetrics, metricsErr
}
