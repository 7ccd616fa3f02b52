package dossiers

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestFileNamesCannotHideTheirType: a right-to-left override, zero-width and control
// characters are taken out of a name, so "fdp.exe" cannot show as "exe.pdf"; the name
// ends in the extension of the type the content has; paths, empty and overlong names
// fall back to a plain one.
func TestFileNamesCannotHideTheirType(t *testing.T) {
	for _, c := range []struct{ in, ext, want string }{
		{"ban-sao.pdf", ".pdf", "ban-sao.pdf"},
		{"\u202Efdp.exe", ".pdf", "fdp.exe.pdf"},
		{"hoa\u202Egnp.exe", ".png", "hoagnp.exe.png"},
		{"a\u200Bb\u2066c\u2069.pdf", ".pdf", "abc.pdf"},
		{"x\x00y\r\n.pdf", ".pdf", "xy.pdf"},
		{"ảnh.JPEG", ".jpg", "ảnh.JPEG"},
		{"a\u0301.pdf", ".pdf", "á.pdf"}, // NFC
		{`C:\Users\a\Giấy tờ.pdf`, ".pdf", "Giấy tờ.pdf"},
		{"../../etc/passwd", ".pdf", "passwd.pdf"},
		{"\xff\xfe.pdf", ".pdf", "tep.pdf"},
		{"", ".png", "tep.png"},
		{"\u202E", ".pdf", "tep.pdf"},
		{strings.Repeat("a", 300) + ".pdf", ".pdf", "tep.pdf"},
	} {
		if got := FileName(c.in, c.ext); got != c.want {
			t.Errorf("FileName(%q, %s) = %q, want %q", c.in, c.ext, got, c.want)
		}
	}
}

// FuzzStoredFileName: whatever a client sends as a name and whatever bytes it sends,
// sniffing the type and cleaning the name are quick and panic-free, and the name is
// short, valid NFC UTF-8 with no control or format character, ending in the type's
// extension.
func FuzzStoredFileName(f *testing.F) {
	f.Add("\u202Efdp.exe", []byte("%PDF-1.7\n"))
	f.Add("ảnh.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	f.Add("a.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"))
	f.Add("<script>.html", []byte("<html><script>alert(1)</script>"))
	f.Add("\xff", []byte{})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		start := time.Now()
		mt := sniff(data)
		ext, ok := uploadTypes[mt]
		if !ok {
			ext = ".pdf"
		}
		got := FileName(name, ext)
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) || len(got) > maxFileName+len(ext) {
			t.Fatalf("FileName(%q) = %q", name, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == '/' {
				t.Fatalf("FileName(%q) = %q keeps %U", name, got, r)
			}
		}
		lower := strings.ToLower(got)
		if !strings.HasSuffix(lower, ext) && !(ext == ".jpg" && strings.HasSuffix(lower, ".jpeg")) {
			t.Fatalf("FileName(%q, %s) = %q", name, ext, got)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
