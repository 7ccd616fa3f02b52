package pades

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	"golang.org/x/text/unicode/norm"

	"motcua/internal/fonts"
)

// The images of Decree 30/2020 (Appendix I): the signer's handwritten signature in blue,
// the organization's seal in red at real size, and the text block of the
// organization's signature on copies and attachments. All are PNGs with a transparent
// background at stampDPI. A real deployment passes the scanned signature and seal; the
// drawn ones stand in for them in development and tests.

const stampDPI = 300

var (
	// SignatureBlue is the ink of the handwritten signature.
	SignatureBlue = color.NRGBA{0x0b, 0x2a, 0xb5, 0xff}
	// SealRed is the ink of the seal.
	SealRed = color.NRGBA{0xd7, 0x10, 0x1a, 0xff}
)

// PointsPerMM converts millimetres to PDF points.
const PointsPerMM = 72 / 25.4

// glyphPen draws glyph outlines of one font into a rasterizer through an affine map.
type glyphPen struct {
	f    *sfnt.Font
	buf  sfnt.Buffer
	ppem fixed.Int26_6
}

func newGlyphPen(ttf []byte, px float64) (*glyphPen, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return &glyphPen{f: f, ppem: fixed.Int26_6(px * 64)}, nil
}

func (p *glyphPen) advance(r rune) (sfnt.GlyphIndex, float64) {
	gid, err := p.f.GlyphIndex(&p.buf, r)
	if err != nil {
		return 0, 0
	}
	adv, err := p.f.GlyphAdvance(&p.buf, gid, p.ppem, font.HintingNone)
	if err != nil {
		return gid, 0
	}
	return gid, float64(adv) / 64
}

func (p *glyphPen) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		_, a := p.advance(r)
		w += a
	}
	return w
}

// draw adds glyph gid to r; tf maps glyph space (pixels, y down, origin on the
// baseline at the glyph's start) to the image.
func (p *glyphPen) draw(r *vector.Rasterizer, gid sfnt.GlyphIndex, tf func(x, y float64) (float32, float32)) error {
	segs, err := p.f.LoadGlyph(&p.buf, gid, p.ppem, nil)
	if err != nil {
		return err
	}
	pt := func(a fixed.Point26_6) (float32, float32) { return tf(float64(a.X)/64, float64(a.Y)/64) }
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			x, y := pt(s.Args[0])
			r.MoveTo(x, y)
		case sfnt.SegmentOpLineTo:
			x, y := pt(s.Args[0])
			r.LineTo(x, y)
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x, y := pt(s.Args[1])
			r.QuadTo(x1, y1, x, y)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x, y := pt(s.Args[2])
			r.CubeTo(x1, y1, x2, y2, x, y)
		}
	}
	r.ClosePath()
	return nil
}

// line draws s with its baseline starting at (x, y), sheared by slant (x += -y*slant).
func (p *glyphPen) line(r *vector.Rasterizer, s string, x, y, slant float64) error {
	for _, ch := range s {
		gid, adv := p.advance(ch)
		ox := x
		if err := p.draw(r, gid, func(gx, gy float64) (float32, float32) {
			return float32(ox + gx - gy*slant), float32(y + gy)
		}); err != nil {
			return err
		}
		x += adv
	}
	return nil
}

func paint(r *vector.Rasterizer, dst *image.NRGBA, c color.NRGBA) {
	layer := image.NewAlpha(dst.Bounds())
	r.Draw(layer, layer.Bounds(), image.Opaque, image.Point{})
	draw.DrawMask(dst, dst.Bounds(), image.NewUniform(c), image.Point{}, layer, image.Point{}, draw.Over)
}

func encodePNG(m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SignatureImage draws a stand-in for a handwritten signature: the name in DejaVu Serif
// Italic, slanted further, in blue, with a flourish under it. The PNG is 2 cm high at
// 300 dpi; its width follows the name.
func SignatureImage(name string) ([]byte, error) {
	name = norm.NFC.String(strings.TrimSpace(name))
	if name == "" {
		return nil, fmt.Errorf("signature image: empty name")
	}
	const h = 236 // 2 cm at 300 dpi
	pen, err := newGlyphPen(fonts.SerifItalic, 92)
	if err != nil {
		return nil, err
	}
	const slant = 0.25
	w := int(pen.width(name)+0.35*h) + 40
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := vector.NewRasterizer(w, h)
	if err := pen.line(r, name, 40, 140, slant); err != nil {
		return nil, err
	}
	// Flourish: a thin crescent under the name.
	x0, x1 := 30.0, float64(w)-20
	r.MoveTo(float32(x0), 190)
	r.CubeTo(float32(x0+(x1-x0)*0.3), 150, float32(x0+(x1-x0)*0.7), 215, float32(x1), 160)
	r.CubeTo(float32(x0+(x1-x0)*0.7), 225, float32(x0+(x1-x0)*0.3), 160, float32(x0), 196)
	r.ClosePath()
	paint(r, dst, SignatureBlue)
	return encodePNG(dst)
}

// SealImage draws a stand-in for an organization's round seal: two red rings, the
// organization's name (upper case) around the top, an optional second text (a place)
// along the bottom, and a five-pointed star in the middle. diameterMM is the real size
// (Decree 99/2016 seals of ministries are 36–42 mm).
func SealImage(org, bottom string, diameterMM float64) ([]byte, error) {
	if diameterMM < 20 || diameterMM > 60 {
		return nil, fmt.Errorf("seal image: diameter %.0f mm is not plausible", diameterMM)
	}
	org = strings.ToUpper(norm.NFC.String(strings.TrimSpace(org)))
	bottom = strings.ToUpper(norm.NFC.String(strings.TrimSpace(bottom)))
	size := int(diameterMM / 25.4 * stampDPI)
	c := float64(size) / 2
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	r := vector.NewRasterizer(size, size)
	ring := func(outer, inner float64) {
		circle(r, c, c, outer, false)
		circle(r, c, c, inner, true)
	}
	ring(c-2, c-2-0.055*c)
	ring(c*0.70, c*0.70-0.025*c)
	star(r, c, c, c*0.30, c*0.12)

	textPx := c * 0.19
	pen, err := newGlyphPen(fonts.SansBold, textPx)
	if err != nil {
		return nil, err
	}
	baseR := c * 0.735 // baseline radius of the upper text (glyphs grow outwards)
	if err := arcText(r, pen, org, c, baseR, -math.Pi/2, 1.45*math.Pi, false); err != nil {
		return nil, err
	}
	if bottom != "" {
		if err := arcText(r, pen, bottom, c, baseR+textPx*0.75, math.Pi/2, 0.5*math.Pi, true); err != nil {
			return nil, err
		}
	}
	paint(r, dst, SealRed)
	return encodePNG(dst)
}

// arcText lays s along a circle of radius rad centred at (c, c), centred on angle mid
// (screen angles: y down, so increasing angles turn clockwise), spread over at most
// span radians. Upper text reads clockwise with glyph tops outwards; lower text
// (inward) reads counter-clockwise with glyph tops towards the centre.
func arcText(r *vector.Rasterizer, pen *glyphPen, s string, c, rad, mid, span float64, inward bool) error {
	var gids []sfnt.GlyphIndex
	var advs []float64
	total := 0.0
	for _, ch := range s {
		g, a := pen.advance(ch)
		gids = append(gids, g)
		advs = append(advs, a)
		total += a
	}
	if total == 0 {
		return nil
	}
	// Letter-spacing stretches the text to use most of the span.
	spacing := 0.0
	if len(gids) > 1 {
		spacing = max(0, (span*rad-total)/float64(len(gids)-1))
		spacing = min(spacing, pen.width("M")*0.35)
	}
	arc := (total + spacing*float64(len(gids)-1)) / rad
	dir := 1.0
	if inward {
		dir = -1
	}
	phi := mid - dir*arc/2
	for i, g := range gids {
		pc := phi + dir*(advs[i]/2)/rad // centre of this glyph
		ox, oy := math.Cos(pc), math.Sin(pc)
		tx, ty := -oy*dir, ox*dir // reading direction
		upx, upy := ox, oy        // glyph "up"
		if inward {
			upx, upy = -ox, -oy
		}
		px := c + rad*ox - tx*advs[i]/2
		py := c + rad*oy - ty*advs[i]/2
		if err := pen.draw(r, g, func(gx, gy float64) (float32, float32) {
			return float32(px + gx*tx - gy*upx), float32(py + gx*ty - gy*upy)
		}); err != nil {
			return err
		}
		phi += dir * (advs[i] + spacing) / rad
	}
	return nil
}

// circle adds a circle path; reverse winds it the other way to cut a hole.
func circle(r *vector.Rasterizer, cx, cy, rad float64, reverse bool) {
	const n = 180
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / n
		if reverse {
			a = -a
		}
		x, y := float32(cx+rad*math.Cos(a)), float32(cy+rad*math.Sin(a))
		if i == 0 {
			r.MoveTo(x, y)
		} else {
			r.LineTo(x, y)
		}
	}
	r.ClosePath()
}

func star(r *vector.Rasterizer, cx, cy, outer, inner float64) {
	for i := 0; i < 10; i++ {
		rad := outer
		if i%2 == 1 {
			rad = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		x, y := float32(cx+rad*math.Cos(a)), float32(cy+rad*math.Sin(a))
		if i == 0 {
			r.MoveTo(x, y)
		} else {
			r.LineTo(x, y)
		}
	}
	r.ClosePath()
}

// TextBlockImage draws lines of black DejaVu Serif text at sizePt points (Decree 30/2020
// asks 10 pt for the organization's signature text on copies and attachments), right
// aligned. It returns the PNG and its size in points, for a rectangle that shows it at
// the right size.
func TextBlockImage(lines []string, sizePt float64) (pngData []byte, wPt, hPt float64, err error) {
	if len(lines) == 0 || sizePt <= 0 {
		return nil, 0, 0, fmt.Errorf("text block image: no text")
	}
	px := sizePt * stampDPI / 72
	pen, err := newGlyphPen(fonts.Serif, px)
	if err != nil {
		return nil, 0, 0, err
	}
	lineH := px * 1.25
	maxW := 0.0
	lines = append([]string(nil), lines...)
	for i, l := range lines {
		lines[i] = norm.NFC.String(l)
		maxW = max(maxW, pen.width(lines[i]))
	}
	w := int(math.Ceil(maxW)) + 4
	h := int(math.Ceil(lineH*float64(len(lines)) + px*0.3))
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := vector.NewRasterizer(w, h)
	for i, l := range lines {
		x := float64(w) - 2 - pen.width(l)
		if err := pen.line(r, l, x, px*1.0+float64(i)*lineH, 0); err != nil {
			return nil, 0, 0, err
		}
	}
	paint(r, dst, color.NRGBA{0, 0, 0, 0xff})
	b, err := encodePNG(dst)
	return b, float64(w) * 72 / stampDPI, float64(h) * 72 / stampDPI, err
}
