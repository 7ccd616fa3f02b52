package load

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"

	"motcua/forms"
)

// SamplePDF is a small valid one-page PDF.
func SamplePDF(text string) []byte {
	var b bytes.Buffer
	content := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Length " + itoa(len(content)) + " >>\nstream\n" + content + "\nendstream",
	}
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		b.WriteString(itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, off := range offsets {
		s := itoa(off)
		b.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + itoa(len(objs)+1) + " /Root 1 0 R >>\nstartxref\n" + itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}

// SamplePNG is a small PNG image.
func SamplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{0, 0, 200, 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for n > 0 {
		d = append([]byte{byte('0' + n%10)}, d...)
		n /= 10
	}
	return string(d)
}

// SampleFile is a file the component of field fd accepts: a small PDF, or a PNG where
// the component takes no PDF.
func SampleFile(p *forms.Procedure, fd forms.Field) (name string, content []byte) {
	if comp, ok := p.Component(fd.Component); ok && !slices.Contains(comp.MimeTypes, "application/pdf") {
		return fd.Key + ".png", SamplePNG()
	}
	return fd.Key + ".pdf", SamplePDF(fd.Key)
}

// AttachSampleFiles replaces the file IDs in data, a sample form of p, with files
// uploaded through upload (as many as the sample lists), in groups too.
func AttachSampleFiles(p *forms.Procedure, data map[string]any, upload func(name string, content []byte) (string, error)) error {
	var walk func(fields []forms.Field, m map[string]any) error
	walk = func(fields []forms.Field, m map[string]any) error {
		for _, fd := range fields {
			switch fd.Kind {
			case forms.KindFile:
				old, ok := m[fd.Key]
				if !ok {
					continue
				}
				n := 1
				if l, ok := old.([]any); ok {
					n = len(l)
				}
				name, content := SampleFile(p, fd)
				var ids []any
				for range n {
					id, err := upload(name, content)
					if err != nil {
						return err
					}
					ids = append(ids, id)
				}
				m[fd.Key] = ids
			case forms.KindGroup:
				items, _ := m[fd.Key].([]any)
				for _, it := range items {
					if im, ok := it.(map[string]any); ok {
						if err := walk(fd.Fields, im); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	}
	for _, sec := range p.Form.Sections {
		if err := walk(sec.Fields, data); err != nil {
			return err
		}
	}
	return nil
}
