package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"motcua"
	"motcua/internal/pades"
)

// maxVerifySize is the largest PDF POST /api/v1/verify accepts. Results and their
// attachments are a few MB; 20 MB leaves room for scanned annexes while bounding the
// work an anonymous caller can ask for.
const maxVerifySize = 20 << 20

// multipartSlack is what a multipart envelope may add around the file (boundaries,
// part headers, other small parts).
const multipartSlack = 64 << 10

// pdfMagicWindow is how far into a file the %PDF- header may start: readers (Acrobat,
// poppler) accept up to 1024 bytes of junk before it.
const pdfMagicWindow = 1024

// handleVerify checks the signatures of a PDF anyone uploads: citizens and other
// agencies verify a result without an account, so the route is public. The body is
// either the PDF itself (any Content-Type but multipart, usually application/pdf) or
// multipart/form-data with a "file" part. Whether it is a PDF is decided by its
// content, never by a name or a declared type. The answer is pades.Report: a
// well-formed PDF whose signatures fail is still 200, with valid=false.
func (s *server) handleVerify() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxVerifySize+multipartSlack)
		data, err := readVerifyBody(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rep, err := s.verifyPDF(data)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, rep)
	}
}

// readVerifyBody returns the uploaded file: the body itself, or the "file" part of a
// multipart form, at most maxVerifySize bytes.
func readVerifyBody(r *http.Request) ([]byte, error) {
	src := io.Reader(r.Body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Biểu mẫu gửi lên không đúng định dạng multipart/form-data.", Err: err}
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Biểu mẫu không có tệp (trường \"file\")."}
			}
			if err != nil {
				return nil, bodyError(err)
			}
			if p.FormName() == "file" {
				src = p
				break
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(src, maxVerifySize+1))
	if err != nil {
		return nil, bodyError(err)
	}
	switch {
	case len(data) > maxVerifySize:
		return nil, tooLarge(nil)
	case len(data) == 0:
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Chưa có tệp PDF để kiểm tra."}
	}
	return data, nil
}

func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return tooLarge(err)
	}
	return &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Không đọc được tệp gửi lên.", Err: err}
}

func tooLarge(err error) error {
	return &motcua.Error{Code: motcua.EINVALID, Field: "file",
		Message: fmt.Sprintf("Tệp quá lớn: chỉ kiểm tra được tệp PDF đến %d MB.", maxVerifySize>>20), Err: err}
}

// verifyPDF reports on the signatures of data, for the API and the verification page.
func (s *server) verifyPDF(data []byte) (pades.Report, error) {
	if !bytes.Contains(data[:min(len(data), pdfMagicWindow)], []byte("%PDF-")) {
		return pades.Report{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp gửi lên không phải là tệp PDF."}
	}
	rep, err := pades.Verify(data, pades.VerifyOptions{
		Roots:    s.VerifyRoots,
		TSARoots: s.VerifyRoots,
		Now:      s.Now(),
		// Only the clerical office's number and date may be filled after the leader
		// signs (render.FieldNumber, render.FieldDate, spelled out so that the API
		// does not link the renderer and pdfcpu).
		AllowedFields: []string{"motcua.number", "motcua.date"},
		MaxSize:       maxVerifySize,
	})
	if err != nil {
		return pades.Report{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng cấu trúc PDF.", Err: err}
	}
	return *rep, nil
}
