package dossiers

import (
	"bytes"
	"context"

	"motcua"
	"motcua/internal/pades"
	"motcua/internal/store"
)

// MaxVerifySize is the largest PDF a signature check accepts. Results and their
// attachments are a few MB; 20 MB leaves room for scanned annexes while bounding the
// work an anonymous caller can ask for.
const MaxVerifySize = 20 << 20

// pdfMagicWindow is how far into a file the %PDF- header may start: readers (Acrobat,
// poppler) accept up to 1024 bytes of junk before it.
const pdfMagicWindow = 1024

// Verify reports on the signatures of a PDF, for the API and the verification page;
// when the PDF is exactly one of the documents motcua stored, the report also says
// whether it is still in force (a revoked result keeps valid signatures).
func (s *Service) Verify(ctx context.Context, data []byte) (VerifyReport, error) {
	if !bytes.Contains(data[:min(len(data), pdfMagicWindow)], []byte("%PDF-")) {
		return VerifyReport{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp gửi lên không phải là tệp PDF."}
	}
	rep, err := pades.Verify(data, pades.VerifyOptions{
		Roots:    s.VerifyRoots,
		TSARoots: s.VerifyRoots,
		Now:      s.Now(),
		// Only the clerical office's number and date may be filled after the leader
		// signs (render.FieldNumber, render.FieldDate, spelled out so that the service
		// does not link the renderer and pdfcpu).
		AllowedFields: []string{"motcua.number", "motcua.date"},
		MaxSize:       MaxVerifySize,
	})
	if err != nil {
		return VerifyReport{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng cấu trúc PDF.", Err: err}
	}
	out := VerifyReport{Report: *rep}
	m, ok, err := s.Store.DocumentByContent(ctx, data)
	if err != nil {
		return VerifyReport{}, err
	}
	if ok {
		if out.Issued, err = s.issuedStatus(ctx, m.DossierID, m.Code, m.Kind, m.Number, m.Seq); err != nil {
			return VerifyReport{}, err
		}
	}
	return out, nil
}

// VerifiedDocument finds one of our documents by the random verification ID its QR
// link carries. Every ID that names no document (ill-formed, unknown, or a link of the
// old guessable form) gets the same answer, store.ErrNoVerifiedDocument.
func (s *Service) VerifiedDocument(ctx context.Context, id string) (store.Document, motcua.DossierCode, error) {
	return s.Store.DocumentByVerifyID(ctx, id)
}
