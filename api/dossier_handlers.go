package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// The handlers of the dossiers: each decodes, calls the dossier service, encodes.

func codeParam(r *http.Request) motcua.DossierCode {
	return motcua.DossierCode(chi.URLParam(r, "code"))
}

// readUpload returns the "file" part of a multipart upload: its name and content, at
// most dossiers.MaxUpload bytes and one byte (the service refuses anything larger).
func readUpload(r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, dossiers.MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Hãy gửi tệp theo dạng multipart/form-data, trường «file».", Err: err}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Chưa có tệp nào trong trường «file»."}
		}
		if err != nil {
			return "", nil, uploadError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, dossiers.MaxUpload+1))
		if err != nil {
			return "", nil, uploadError(err)
		}
		return part.FileName(), data, nil
	}
}

// uploadError is a failure to read an upload: 413 when the body passed its limit.
func uploadError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &motcua.Error{Code: dossiers.ETOOLARGE, Field: "file", Message: "Tệp gửi lên quá lớn (tối đa 20 MB).", Err: err}
	}
	return &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp gửi lên bị lỗi, không đọc được.", Err: err}
}

func (s *API) handleUpload() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		name, data, err := readUpload(r)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		f, err := s.Dossiers.StoreFile(r.Context(), a, name, data)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, f)
	}
}

func (s *API) handleSubmit() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.SubmitRequest
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		res, replayed, err := s.Dossiers.Submit(r.Context(), a, r.Header.Get("Idempotency-Key"), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", res.Links["self"])
		httpx.Encode(w, http.StatusCreated, res)
	}
}

func (s *API) handleMyDossiers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.MyDossiers(r.Context(), a)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func (s *API) handleDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		d, err := s.Dossiers.Dossier(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, d)
	}
}

func (s *API) handleSupplement() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.SupplementRequest
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		st, err := s.Dossiers.Supplement(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}

func (s *API) handleWithdraw() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req struct {
			Note string `json:"note,omitempty"`
		}
		if r.ContentLength != 0 {
			if err := httpx.Decode(r, &req); err != nil {
				s.HTTP.WriteError(w, r, err)
				return
			}
		}
		st, err := s.Dossiers.Withdraw(r.Context(), a, codeParam(r), req.Note)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}

// writeDocument sends a stored document inline (browsers preview it) with its name.
func writeDocument(w http.ResponseWriter, r *http.Request, name, contentType string, data []byte, at time.Time) {
	w.Header().Set("Content-Type", contentType)
	// The name is cleaned again: a file stored before names were cleaned at upload must
	// not reach the browser with a bidirectional override either.
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": dossiers.CleanName(name)}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// The pages show PDFs and images in a frame (the leader previews the draft before
	// signing): only this site may frame them. They are never HTML: the type was decided
	// from the content at upload, or the renderer made them.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	http.ServeContent(w, r, "", at, bytes.NewReader(data))
}

func (s *API) handleDocument() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		doc, err := s.Dossiers.Document(r.Context(), a, codeParam(r), chi.URLParam(r, "id"))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		writeDocument(w, r, doc.Name, doc.ContentType, doc.Data, doc.CreatedAt)
	}
}

func (s *API) handleReceipt() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		doc, err := s.Dossiers.Receipt(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		writeDocument(w, r, doc.Name, doc.ContentType, doc.Data, doc.CreatedAt)
	}
}

// handleDossierFile sends an attachment of a dossier to a reader of the dossier.
func (s *API) handleDossierFile() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		f, data, err := s.Dossiers.File(r.Context(), a, codeParam(r), chi.URLParam(r, "id"))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		writeDocument(w, r, f.Name, f.ContentType, data, f.CreatedAt)
	}
}

func (s *API) handleAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.Decision
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		st, err := s.Dossiers.Decide(r.Context(), a, codeParam(r), req, dossiers.AccessAPI)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}

// BatchResult is the outcome of a decision on one dossier of a batch.
type BatchResult struct {
	Code   motcua.DossierCode `json:"code"`
	OK     bool               `json:"ok"`
	Status motcua.Status      `json:"status,omitempty"`
	Error  *httpx.Problem     `json:"error,omitempty"`
}

func (s *API) handleBatchAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.Batch
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		res, err := s.Dossiers.DecideBatch(r.Context(), a, req, dossiers.AccessAPI)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		out := make([]BatchResult, len(res))
		for i, br := range res {
			out[i] = BatchResult{Code: br.Code, OK: br.Err == nil, Status: br.Status}
			if br.Err != nil {
				p := httpx.ProblemOf(br.Err)
				out[i].Error = &httpx.Problem{Code: p.Code, Status: p.Status, Title: p.Title}
			}
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"results": out})
	}
}

// handleInbox lists the open tasks of the actor's unit and the units below it.
func (s *API) handleInbox() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		f, err := s.Dossiers.InboxFilter(a, r.URL.Query())
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		page, err := s.Dossiers.Inbox(r.Context(), f)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, page)
	}
}

func (s *API) handleClaim() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := strconv.ParseInt(chi.URLParam(r, "task"), 10, 64)
		if err != nil {
			s.HTTP.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy việc."))
			return
		}
		if err := s.Dossiers.Claim(r.Context(), a, id); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *API) handleSigningQueue() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.SigningQueue(r.Context(), a)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func (s *API) handleStats() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		f, err := s.Dossiers.StatsFilter(a, r.URL.Query())
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		st, err := s.Dossiers.Stats(r.Context(), f)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}

func (s *API) handleNotifications() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		items, err := s.Dossiers.Notifications(r.Context(), a)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

// handlePortalDossier takes a dossier filed on the national portal: 201 with the
// dossier the first time, 200 with the same dossier when the portal sends it again.
func (s *API) handlePortalDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sys, _ := httpx.SystemFrom(r.Context())
		r.Body = http.MaxBytesReader(w, r.Body, dossiers.MaxPortalBody+1)
		d, err := dossiers.DecodePortalDossier(r.Body)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		res, replayed, err := s.Dossiers.SubmitFromPortal(r.Context(), store.IntakeSystem{ID: sys.ID, Name: sys.Name, UserID: sys.UserID}, d)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.Header().Set("Location", res.Links["self"])
		status := http.StatusCreated
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
			status = http.StatusOK
		}
		httpx.Encode(w, status, res)
	}
}
