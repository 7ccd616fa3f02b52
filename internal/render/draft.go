package render

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// The draft mark is set in docFaces[markSlot], a face the documents do not use, so that
// pdfcpu's stamping leaves the documents' own font subsets alone.

// DraftMark is the mark on every page of a draft result a leader previews.
const DraftMark = "DỰ THẢO"

// MarkDraft returns a copy of a result's PDF with "DỰ THẢO" stamped in red at the top
// of every page, for previewing the draft. The stored draft, which the leader signs and
// the office numbers and seals, stays unmarked: the mark is made for the preview only,
// so it can never reach the issued document.
func MarkDraft(pdf []byte) ([]byte, error) {
	if _, err := SetupFonts(); err != nil {
		return nil, fmt.Errorf("mark draft: %w", err)
	}
	wm, err := api.TextWatermark(DraftMark, "font:"+docFaces[markSlot].Name+", points:20, scale:1 abs, rot:0, pos:tr, off:-40 -22, fillc:#C00000, strokec:#C00000, op:0.85, margins:4, border:1 round #C00000",
		true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("mark draft: %w", err)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(pdf), &out, nil, wm, conf); err != nil {
		return nil, fmt.Errorf("mark draft: %w", err)
	}
	return out.Bytes(), nil
}
