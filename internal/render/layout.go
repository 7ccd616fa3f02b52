package render

import (
	"strings"
)

// Page geometry, per Decree 30/2020 Appendix I: A4, margins top and bottom 20–25 mm,
// left 30–35 mm, right 15–20 mm. We take the smallest of each so the most text fits.
const (
	mm           = 72 / 25.4
	marginTop    = 20 * mm
	marginBottom = 20 * mm
	marginLeft   = 30 * mm
	marginRight  = 15 * mm
	contentLeft  = marginLeft
	contentRight = pageWidth - marginRight
	contentWidth = contentRight - contentLeft

	// The heading is two columns: the agency on the left, the national heading on the
	// right. "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in DejaVu Serif Bold 12 pt is 293 pt
	// wide, so the right column is 300 pt; the signer block uses the same column.
	rightColWidth = 300.0
	leftColWidth  = contentWidth - rightColWidth

	lineFactor = 1.2 // line height / font size: single spacing (the decree allows single to 1.5 lines)
)

type alignment int

const (
	alignLeft alignment = iota
	alignCenter
	alignRight
	alignJustify
)

// span is text in one face.
type span struct {
	text string
	f    face
}

// paragraph is text to set in a column.
type paragraph struct {
	spans       []span
	size        float64
	align       alignment
	firstIndent float64 // extra indent of the first line
	restIndent  float64 // indent of the other lines
	x, width    float64 // the column, top-down page coordinates
}

// word is a piece of text between spaces; it may change face inside.
type word struct {
	pieces []span
	width  float64
	spaceW float64 // width of the space after it, in the face of its last piece
}

type textLine struct {
	words  []word
	indent float64
	last   bool
}

func (l textLine) natural() float64 {
	w := 0.0
	for i, wd := range l.words {
		w += wd.width
		if i < len(l.words)-1 {
			w += wd.spaceW
		}
	}
	return w
}

// spansOf parses template output with style markers into spans, starting in face base.
func spansOf(s string, base face) []span {
	var out []span
	boldOn, italicOn := base == bold, base == italic
	cur := func() face {
		switch {
		case boldOn:
			return bold // there is no bold italic face: bold wins
		case italicOn:
			return italic
		}
		return regular
	}
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, span{text: b.String(), f: cur()})
			b.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case markBoldOn, markBoldOff, markItalicOn, markItalicOff:
			flush()
			switch r {
			case markBoldOn:
				boldOn = true
			case markBoldOff:
				boldOn = base == bold
			case markItalicOn:
				italicOn = true
			case markItalicOff:
				italicOn = base == italic
			}
		default:
			b.WriteRune(r)
		}
	}
	flush()
	return out
}

// plainText is s without style markers.
func plainText(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= markBoldOn && r <= markItalicOff {
			return -1
		}
		return r
	}, s)
}

// words splits spans into words at spaces.
func (lo *layouter) words(spans []span, size float64) []word {
	var out []word
	var cur word
	have := false
	for _, sp := range spans {
		m := lo.m[sp.f]
		parts := strings.Split(sp.text, " ")
		for i, part := range parts {
			if i > 0 { // a space before this part ends the current word
				if have {
					cur.spaceW = m.advance(' ', size)
					out = append(out, cur)
					cur, have = word{}, false
				}
			}
			if part == "" {
				continue
			}
			cur.pieces = append(cur.pieces, span{text: part, f: sp.f})
			cur.width += m.width(part, size)
			have = true
		}
	}
	if have {
		if len(cur.pieces) > 0 {
			cur.spaceW = lo.m[cur.pieces[len(cur.pieces)-1].f].advance(' ', size)
		}
		out = append(out, cur)
	}
	return out
}

// splitWord breaks a word wider than w into pieces no wider than w (used for long codes
// and addresses; Vietnamese words are short).
func (lo *layouter) splitWord(wd word, w, size float64) []word {
	var out []word
	cur := word{spaceW: 0}
	for _, p := range wd.pieces {
		m := lo.m[p.f]
		var b strings.Builder
		for _, r := range p.text {
			a := m.advance(r, size)
			if cur.width+a > w && (cur.width > 0 || b.Len() > 0) {
				if b.Len() > 0 {
					cur.pieces = append(cur.pieces, span{text: b.String(), f: p.f})
					b.Reset()
				}
				out = append(out, cur)
				cur = word{}
			}
			b.WriteRune(r)
			cur.width += a
		}
		if b.Len() > 0 {
			cur.pieces = append(cur.pieces, span{text: b.String(), f: p.f})
		}
	}
	cur.spaceW = wd.spaceW
	return append(out, cur)
}

// wrap breaks a paragraph into lines.
func (lo *layouter) wrap(p paragraph) []textLine {
	ws := lo.words(p.spans, p.size)
	var lines []textLine
	cur := textLine{indent: p.firstIndent}
	used := p.firstIndent
	for i := 0; i < len(ws); i++ {
		wd := ws[i]
		avail := p.width - cur.indent
		if len(cur.words) == 0 && wd.width > avail {
			parts := lo.splitWord(wd, avail, p.size)
			ws = append(ws[:i], append(parts, ws[i+1:]...)...)
			wd = ws[i]
		}
		need := wd.width
		if len(cur.words) > 0 {
			need += cur.words[len(cur.words)-1].spaceW
		}
		if len(cur.words) > 0 && used+need > p.width+0.01 {
			lines = append(lines, cur)
			cur = textLine{indent: p.restIndent}
			used = p.restIndent
			i--
			continue
		}
		cur.words = append(cur.words, wd)
		used += need
	}
	if len(cur.words) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	lines[len(lines)-1].last = true
	return lines
}

// drawLine draws one line with its baseline at top-down position base.
func (lo *layouter) drawLine(c *canvas, p paragraph, l textLine, base float64) {
	avail := p.width - l.indent
	nat := l.natural()
	x := p.x + l.indent
	extra := 0.0
	switch p.align {
	case alignCenter:
		x += (avail - nat) / 2
	case alignRight:
		x += avail - nat
	case alignJustify:
		if !l.last && len(l.words) > 1 && nat < avail {
			extra = (avail - nat) / float64(len(l.words)-1)
		}
	}
	y := lo.b.height - base
	var cur *textSpan
	flush := func() {
		if cur != nil && cur.text != "" {
			lo.b.drawText(c, *cur)
		}
		cur = nil
	}
	for i, wd := range l.words {
		for _, pc := range wd.pieces {
			if cur == nil || cur.f != pc.f {
				flush()
				cur = &textSpan{f: pc.f, size: p.size, x: x, y: y, spaceExtra: extra}
			}
			cur.text += pc.text
			x += lo.m[pc.f].width(pc.text, p.size)
		}
		if i < len(l.words)-1 {
			cur.text += " "
			x += wd.spaceW + extra
		}
	}
	flush()
}

// lineHeight is the distance between baselines at size.
func lineHeight(size float64) float64 { return size * lineFactor }

// baselineOffset is where the baseline sits below the top of a line box.
func (lo *layouter) baselineOffset(size float64) float64 {
	m := lo.m[regular]
	return (lineHeight(size)-(m.ascent+m.descent)*size)/2 + m.ascent*size
}

// widest returns the widest natural line width of lines.
func widest(lines []textLine) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, l.natural()+l.indent)
	}
	return w
}
