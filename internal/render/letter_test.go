package render

import (
	"context"
	"errors"
	"strings"
	"testing"

	"motcua"
)

func sampleLetter() *Letter {
	h := leaderHeader(at(2026, 3, 9, 10, 0), "")
	h.VerifyURL = ""
	h.ParentAgency = "BỘ NỘI VỤ"
	h.Agency = "VĂN PHÒNG BỘ"
	h.Signer = Signer{Prefix: "TL. BỘ TRƯỞNG", Title: "CHÁNH VĂN PHÒNG", Name: "Trần Thị Thu Hà"}
	h.Recipients = []string{"Như trên;", "Lưu: VT, VP."}
	return &Letter{
		Header:  h,
		Symbol:  "BNV-VP",
		Excerpt: "đề nghị cung cấp thông tin về quỹ xã hội",
		To:      []string{"Bộ Tài chính", "Ủy ban nhân dân thành phố Hà Nội"},
		Body: "Thực hiện nhiệm vụ quản lý nhà nước về quỹ xã hội, quỹ từ thiện, Bộ Nội vụ đề nghị\n" +
			"Quý cơ quan cung cấp thông tin về các quỹ đang hoạt động trên địa bàn.\n\n" +
			"Văn bản trả lời xin gửi về Bộ Nội vụ trước ngày 30 tháng 3 năm 2026 qua Trục liên thông văn bản quốc gia.\n\n \n" +
			"Trân trọng cảm ơn./.",
	}
}

// TestALetterShowsItsPartsInDecree30Order renders a công văn and reads it back with
// pdftotext: the national heading, the agency, the number line, V/v under it, Kính gửi
// with each addressee, the body's paragraphs (a single line break joined, blank lines
// split), the signer and Nơi nhận; pdffonts shows embedded Liberation Serif only.
func TestALetterShowsItsPartsInDecree30Order(t *testing.T) {
	r := newRenderer(t)
	out := render(t, r, sampleLetter())
	if out.Template.Path != "templates/nd30-2020/letter.json" {
		t.Errorf("template %s", out.Template.Path)
	}
	var names []string
	for _, f := range out.Layout.Fields {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != FieldNumber+","+FieldDate {
		t.Errorf("fields %v, want the number and the date", names)
	}
	if out.Layout.QR != (Rect{}) {
		t.Errorf("a letter without a verification URL has a QR code at %v", out.Layout.QR)
	}
	p := writePDF(t, "letter", out.PDF)
	// pdftotext -raw reads in drawing order: the agency column before the national
	// heading, the signer before the recipients beside it.
	text := oneLine(tool(t, "pdftotext", "-raw", p, "-"))
	want := []string{
		"BỘ NỘI VỤ", "VĂN PHÒNG BỘ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: /BNV-VP", "Hà Nội,", "V/v đề nghị cung cấp thông tin về quỹ xã hội",
		"Kính gửi:", "- Bộ Tài chính;", "- Ủy ban nhân dân thành phố Hà Nội.",
		"Bộ Nội vụ đề nghị Quý cơ quan cung cấp thông tin",
		"Văn bản trả lời xin gửi về Bộ Nội vụ",
		"Trân trọng cảm ơn./.",
		"TL. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG", "Trần Thị Thu Hà", "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.",
	}
	pos := 0
	for _, w := range want {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order after byte %d in:\n%s", w, pos, text)
		}
		pos += i + len(w)
	}
	if n := strings.Count(text, "Kính gửi"); n != 1 {
		t.Errorf("Kính gửi printed %d times", n)
	}
	fonts := string(tool(t, "pdffonts", p))
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if !strings.Contains(f[0], "+LiberationSerif") || f[len(f)-5] != "yes" {
			t.Errorf("font not an embedded Liberation Serif subset: %s", l)
		}
	}

	// One addressee: on the line of "Kính gửi:".
	one := sampleLetter()
	one.To = []string{"Bộ Tài chính"}
	text = oneLine(tool(t, "pdftotext", "-raw", writePDF(t, "letter-one", render(t, r, one).PDF), "-"))
	if !strings.Contains(text, "Kính gửi: Bộ Tài chính") {
		t.Errorf("one addressee not on the Kính gửi line:\n%s", text)
	}
}

func TestParagraphsSplitOnBlankLines(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a\nb", []string{"a b"}},
		{"a\n\nb", []string{"a", "b"}},
		{"a\r\n \r\n  b  c\n", []string{"a", "b c"}},
		{"\n\n\na\n\n\n\nb\n\n", []string{"a", "b"}},
	} {
		got := Paragraphs(c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("Paragraphs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBadLettersAreRefusedNamingTheField(t *testing.T) {
	r := newRenderer(t)
	for _, c := range []struct {
		field string
		edit  func(*Letter)
	}{
		{"Body", func(l *Letter) { l.Body = " \n\n \n" }},
		{"Body", func(l *Letter) { l.Body = strings.Repeat("Nội dung dài. ", MaxLetterBody/10) }},
		{"Body", func(l *Letter) { l.Body = strings.Repeat("Đoạn.\n\n", maxLetterParagraphs+1) }},
		{"Excerpt", func(l *Letter) { l.Excerpt = "" }},
		{"Excerpt", func(l *Letter) { l.Excerpt = strings.Repeat("trích yếu rất dài ", 25) }},
		{"To", func(l *Letter) { l.To = nil }},
		{"Symbol", func(l *Letter) { l.Symbol = "" }},
		{"Body", func(l *Letter) { l.Body = "Xin chào 😀" }},
	} {
		l := sampleLetter()
		c.edit(l)
		_, err := r.Render(context.Background(), l)
		var me *motcua.Error
		if !errors.As(err, &me) || me.Code != motcua.EINVALID || me.Field != c.field || me.Message == "" {
			t.Errorf("%s: got %v, want EINVALID on %s", c.field, err, c.field)
		}
	}
}

// FuzzParagraphs: whatever the text, no paragraph is empty or holds a line break, and
// no word is lost.
func FuzzParagraphs(f *testing.F) {
	for _, s := range []string{"", "a\n\nb", "a\r\n\r\nb\n c", "\n \t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps := Paragraphs(s)
		for _, p := range ps {
			if p == "" || strings.ContainsAny(p, "\n\r") {
				t.Fatalf("paragraph %q of %q", p, s)
			}
		}
		if got, want := strings.Join(strings.Fields(strings.Join(ps, " ")), " "), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("words changed: %q, want %q", got, want)
		}
	})
}
