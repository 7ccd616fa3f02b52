package fonts

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

func TestEveryFaceHasTheVietnameseLetters(t *testing.T) {
	const letters = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐđĩĨăâêôơư"
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			fnt, err := sfnt.Parse(f.Data)
			if err != nil {
				t.Fatalf("parse %s: %v", f.File, err)
			}
			var b sfnt.Buffer
			name, err := fnt.Name(&b, sfnt.NameIDPostScript)
			if err != nil || name != f.Name {
				t.Fatalf("PostScript name = %q, %v; want %q", name, err, f.Name)
			}
			for _, r := range letters {
				if gi, err := fnt.GlyphIndex(&b, r); err != nil || gi == 0 {
					t.Errorf("%s has no glyph for %q", f.Name, r)
				}
			}
		})
	}
}
