package httpx

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"motcua"
	"motcua/dossiers"
)

// multipartSlack is what a multipart envelope may add around the file (boundaries,
// part headers, other small parts).
const multipartSlack = 64 << 10

// ReadPDF returns the file a signature check was sent, at most dossiers.MaxVerifySize
// bytes: the body itself, or the "file" part of a multipart form. Whether it is a PDF
// is for the check to decide, from the content.
func ReadPDF(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, dossiers.MaxVerifySize+multipartSlack)
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
	data, err := io.ReadAll(io.LimitReader(src, dossiers.MaxVerifySize+1))
	if err != nil {
		return nil, bodyError(err)
	}
	switch {
	case len(data) > dossiers.MaxVerifySize:
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
	return &motcua.Error{Code: ETOOLARGE, Field: "file",
		Message: fmt.Sprintf("Tệp quá lớn: chỉ kiểm tra được tệp PDF đến %d MB.", dossiers.MaxVerifySize>>20), Err: err}
}
