package render

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// pdfLine is one run of text as pdftohtml -xml reports it: its position in pixels and
// its markup, <i> for an italic face and <b> for a bold one.
type pdfLine struct {
	Top   int    `xml:"top,attr"`
	Left  int    `xml:"left,attr"`
	Inner string `xml:",innerxml"`
}

// pdfLines reads page 1 of the PDF at path with pdftohtml, an independent reader of
// which face draws each run of text.
func pdfLines(t *testing.T, path string) (lines []pdfLine, width int) {
	t.Helper()
	raw := tool(t, "pdftohtml", "-xml", "-i", "-f", "1", "-l", "1", "-stdout", path)
	var doc struct {
		Pages []struct {
			Width int       `xml:"width,attr"`
			Text  []pdfLine `xml:"text"`
		} `xml:"page"`
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil || len(doc.Pages) == 0 {
		t.Fatalf("parse pdftohtml -xml: %v", err)
	}
	return doc.Pages[0].Text, doc.Pages[0].Width
}

// TestTheDateLineIsWhollyItalic: Decree 30/2020 (Appendix I, II.4) sets the place and
// date line in italics, the whole of it. In every document, the line that begins with the
// place name ("Hà Nội, ngày ... tháng ... năm ...") is drawn, every run of it, in the
// italic face; in a result, whose date the clerical office fills at issue, the place
// before the empty field is italic here, and the field writes in the italic face
// (TestResultsHaveEmptyNumberAndDateFieldsWhereLayoutSays).
func TestTheDateLineIsWhollyItalic(t *testing.T) {
	r := newRenderer(t)
	docs := samples()
	for _, name := range sortedSamples() {
		t.Run(name, func(t *testing.T) {
			out := render(t, r, docs[name])
			lines, width := pdfLines(t, writePDF(t, name, out.PDF))
			top := -1
			for _, l := range lines {
				if l.Left > width/2 && strings.HasPrefix(strings.TrimPrefix(l.Inner, "<i>"), "Hà Nội,") {
					top = l.Top
					break
				}
			}
			if top < 0 {
				t.Fatalf("no date line beginning with the place in the right column: %+v", lines)
			}
			var row []string
			for _, l := range lines {
				if l.Top == top && l.Left > width/2 {
					row = append(row, l.Inner)
					if !strings.HasPrefix(l.Inner, "<i>") || !strings.HasSuffix(l.Inner, "</i>") || strings.Count(l.Inner, "<i>") != 1 {
						t.Errorf("part of the date line is not italic: %q", l.Inner)
					}
				}
			}
			if name != "decision" && name != "licence" {
				if got := strings.Join(row, ""); !strings.Contains(got, " ngày ") || !strings.Contains(got, " tháng ") || !strings.Contains(got, " năm ") {
					t.Errorf("the date line %q has no date", got)
				}
			}
		})
	}
}
