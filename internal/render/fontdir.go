package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font/sfnt"

	"motcua"
	"motcua/internal/fonts"
)

// vietnameseLetters are the letters a document face must have (with ASCII).
const vietnameseLetters = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐđĩĨăâêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"

// UseFontDir sets the documents in the TrueType faces found in dir instead of the
// embedded Liberation Serif: an agency that holds a licence for Times New Roman (which
// Decree 30/2020 prescribes) points MOTCUA_FONT_DIR at its files (times.ttf, timesbd.ttf,
// timesi.ttf, and optionally timesbi.ttf; any file names: the faces are told apart by
// their subfamily). The regular, bold and italic faces are required and must draw every
// Vietnamese letter. It must be called before the first document is rendered in the
// process (pdfcpu's font configuration is process-wide); afterwards it fails unless the
// faces are the ones already in use.
func UseFontDir(dir string) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.[tT][tT][fF]"))
	if err != nil || len(paths) == 0 {
		return &motcua.Error{Code: motcua.EINVALID, Field: "FontDir",
			Message: fmt.Sprintf("Thư mục phông chữ %q không có tệp .ttf nào.", dir)}
	}
	var found [4]fonts.Face
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("font dir: %w", err)
		}
		f, err := sfnt.Parse(data)
		if err != nil {
			return fmt.Errorf("font %s: %w", p, err)
		}
		var b sfnt.Buffer
		ps, err1 := f.Name(&b, sfnt.NameIDPostScript)
		sub, err2 := f.Name(&b, sfnt.NameIDSubfamily)
		if err1 != nil || err2 != nil || ps == "" {
			return fmt.Errorf("font %s: no PostScript or subfamily name", p)
		}
		s := strings.ToLower(sub)
		slot := regular
		switch b, i := strings.Contains(s, "bold"), strings.Contains(s, "italic") || strings.Contains(s, "oblique"); {
		case b && i:
			slot = markSlot
		case b:
			slot = bold
		case i:
			slot = italic
		}
		if found[slot].Name != "" {
			continue // the first file of a style wins (file names sort)
		}
		for _, r := range vietnameseLetters {
			if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
				return &motcua.Error{Code: motcua.EINVALID, Field: "FontDir",
					Message: fmt.Sprintf("Phông chữ %s (%s) không có chữ %q của tiếng Việt.", ps, filepath.Base(p), r)}
			}
		}
		found[slot] = fonts.Face{Name: ps, File: filepath.Base(p), Data: data}
	}
	for f, label := range [...]string{regular: "thường", bold: "đậm", italic: "nghiêng"} {
		if found[f].Name == "" {
			return &motcua.Error{Code: motcua.EINVALID, Field: "FontDir",
				Message: fmt.Sprintf("Thư mục phông chữ %q thiếu kiểu chữ %s.", dir, label)}
		}
	}
	if found[markSlot].Name == "" {
		found[markSlot] = docFaces[markSlot]
	}
	fontMu.Lock()
	defer fontMu.Unlock()
	if fontDir != "" {
		for i := range found {
			if found[i].Name != docFaces[i].Name {
				return fmt.Errorf("font dir %s: documents were already rendered with %s", dir, docFaces[i].Name)
			}
		}
		return nil
	}
	docFaces = found
	return nil
}
