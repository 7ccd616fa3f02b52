package api

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/store"
	"motcua/workflows"
)

// MaxUpload is the largest file POST /files takes; components may allow less.
const MaxUpload = 20 << 20

// uploadTypes are the file types the catalog's components accept, decided from content.
var uploadTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// sniff decides a file's type from its first bytes, never from its name.
func sniff(data []byte) string {
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return mt
}

// upload stores a file of a.
func (s *server) upload(r *http.Request, a motcua.Actor) (store.File, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Hãy gửi tệp theo dạng multipart/form-data, trường «file».", Err: err}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Chưa có tệp nào trong trường «file»."}
		}
		if err != nil {
			return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp gửi lên quá lớn hoặc bị lỗi (tối đa 20 MB).", Err: err}
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, MaxUpload+1))
		if err != nil {
			return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp gửi lên quá lớn hoặc bị lỗi (tối đa 20 MB).", Err: err}
		}
		return s.storeFile(r.Context(), a, part.FileName(), data)
	}
}

// storeFile checks an uploaded file (size, type from its content, name) and stores it
// as a's, not yet attached to a dossier. The API's upload and the pages' both use it.
func (s *server) storeFile(ctx context.Context, a motcua.Actor, filename string, data []byte) (store.File, error) {
	if len(data) > MaxUpload {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp vượt quá 20 MB."}
	}
	if len(data) == 0 {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file", Message: "Tệp rỗng."}
	}
	mt := sniff(data)
	ext, ok := uploadTypes[mt]
	if !ok {
		return store.File{}, &motcua.Error{Code: motcua.EINVALID, Field: "file",
			Message: "Chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp gửi lên không phải các loại này)."}
	}
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(filename, "\\", "/")))
	if name == "" || name == "." || name == "/" || len(name) > 200 {
		name = "tep" + ext
	}
	return s.Store.CreateFile(ctx, a.UserID, name, mt, data)
}

func (s *server) handleUpload() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		f, err := s.upload(r, a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusCreated, f)
	}
}

func (s *server) handleSubmit() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		var req SubmitRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, replayed, err := s.submit(r.Context(), a, r.Header.Get("Idempotency-Key"), req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", res.Links["self"])
		encode(w, http.StatusCreated, res)
	}
}

func (s *server) handleMyDossiers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		items, err := s.Store.DossiersOfApplicant(r.Context(), a.UserID, 200)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if items == nil {
			items = []store.DossierSummary{}
		}
		encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

func codeParam(r *http.Request) motcua.DossierCode {
	return motcua.DossierCode(chi.URLParam(r, "code"))
}

func (s *server) handleDossier() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		d, _, err := s.dossier(r.Context(), a, codeParam(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, d)
	}
}

func (s *server) handleSupplement() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		var req SupplementRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		st, err := s.supplement(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, stateOf(st))
	}
}

func (s *server) handleWithdraw() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		var req struct {
			Note string `json:"note,omitempty"`
		}
		if r.ContentLength != 0 {
			if err := decode(r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		st, err := s.withdraw(r.Context(), a, codeParam(r), req.Note)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, stateOf(st))
	}
}

// writePDF sends a stored document inline (browsers preview it) with its name.
func writeDocument(w http.ResponseWriter, r *http.Request, name, contentType string, data []byte, at time.Time) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// The pages show PDFs and images in a frame (the leader previews the draft before
	// signing): only this site may frame them. They are never HTML: the type was decided
	// from the content at upload, or the renderer made them.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	http.ServeContent(w, r, "", at, bytes.NewReader(data))
}

func (s *server) handleDocument() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		doc, err := s.document(r.Context(), a, codeParam(r), chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeDocument(w, r, doc.Name, doc.ContentType, doc.Data, doc.CreatedAt)
	}
}

func (s *server) handleReceipt() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		doc, err := s.receipt(r.Context(), a, codeParam(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeDocument(w, r, doc.Name, doc.ContentType, doc.Data, doc.CreatedAt)
	}
}

// handleDossierFile sends an attachment of a dossier to a reader of the dossier.
func (s *server) handleDossierFile() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		_, v, err := s.dossier(r.Context(), a, codeParam(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		f, data, err := s.Store.FileWithData(r.Context(), chi.URLParam(r, "id"))
		if err != nil || f.DossierID == nil || *f.DossierID != v.ID {
			s.writeError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy tệp."))
			return
		}
		writeDocument(w, r, f.Name, f.ContentType, data, f.CreatedAt)
	}
}

func (s *server) handleAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		var req actionRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		st, err := s.act(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, stateOf(st))
	}
}

// batchRequest is one decision for several dossiers (a leader signing a batch).
type batchRequest struct {
	actionRequest
	Codes []motcua.DossierCode `json:"codes"`
}

// BatchResult is the outcome of a decision on one dossier of a batch.
type BatchResult struct {
	Code   motcua.DossierCode `json:"code"`
	OK     bool               `json:"ok"`
	Status motcua.Status      `json:"status,omitempty"`
	Error  *problem           `json:"error,omitempty"`
}

// actBatch takes one decision for several dossiers, one after another. It stops at a
// refused PIN or permission: trying the same wrong PIN on the rest would lock the
// signer's credential.
func (s *server) actBatch(ctx context.Context, a motcua.Actor, req batchRequest) ([]BatchResult, error) {
	// A code chosen twice is decided once: the second would replay the first's answer
	// and be counted twice.
	var codes []motcua.DossierCode
	for _, c := range req.Codes {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 || len(codes) > 50 {
		return nil, &motcua.Error{Code: motcua.EINVALID, Field: "codes", Message: "Hãy chọn từ 1 đến 50 hồ sơ."}
	}
	out := make([]BatchResult, 0, len(codes))
	stopped := false
	for _, code := range codes {
		if stopped {
			out = append(out, BatchResult{Code: code, Error: &problem{Code: "skipped", Status: http.StatusConflict,
				Title: "Chưa thực hiện vì hồ sơ trước đó bị từ chối."}})
			continue
		}
		one := req.actionRequest
		if one.RequestID != "" {
			one.RequestID += "/" + string(code)
		}
		st, err := s.act(ctx, a, code, one)
		if err != nil {
			c := motcua.ErrorCode(err)
			out = append(out, BatchResult{Code: code, Error: &problem{Code: c, Status: statusOf(c), Title: motcua.ErrorMessage(err)}})
			// A refused signature (wrong PIN, locked credential) would be refused again.
			stopped = c == motcua.EUNAUTHORIZED || c == motcua.EFORBIDDEN || req.Action == workflows.UpdateSign
			continue
		}
		out = append(out, BatchResult{Code: code, OK: true, Status: st.Status})
	}
	return out, nil
}

func (s *server) handleBatchAction() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		var req batchRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := s.actBatch(r.Context(), a, req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, map[string]any{"results": res})
	}
}

// inboxFilter reads the inbox's query parameters.
func (s *server) inboxFilter(q url.Values, a motcua.Actor) (store.InboxFilter, error) {
	now := s.Now()
	f := store.InboxFilter{UnitPath: a.UnitPath, Status: motcua.Status(q.Get("status")), Procedure: q.Get("procedure"),
		Bucket: q.Get("bucket"), Now: now, Soon: s.soon(now)}
	if f.Status != "" && !f.Status.Valid() {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "status", Message: "Trạng thái lọc không hợp lệ."}
	}
	switch f.Bucket {
	case "", store.BucketOnTime, store.BucketDueSoon, store.BucketOverdue:
	default:
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "bucket", Message: "Nhóm thời hạn phải là on_time, due_soon hoặc overdue."}
	}
	if v := q.Get("dueBefore"); v != "" {
		t, err := parseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "dueBefore", Message: "Ngày lọc phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.DueBefore = t.AddDate(0, 0, 1)
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), 100, 1, 500, "limit"); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q.Get("offset"), 0, 0, 1_000_000, "offset"); err != nil {
		return f, err
	}
	return f, nil
}

// soon is one working day from now: open work due before it is "due soon".
func (s *server) soon(now time.Time) time.Time {
	if s.WorkingTime == nil {
		return now.Add(24 * time.Hour)
	}
	return s.WorkingTime.Due(now, 8*60, nil)
}

// parseDay reads a day as the API writes it (2026-12-24) or as people do (24/12/2026),
// in Vietnam time.
func parseDay(v string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", v, ict)
	if err != nil {
		if t2, err2 := time.ParseInLocation("02/01/2006", v, ict); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

func intParam(v string, def, lo, hi int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &motcua.Error{Code: motcua.EINVALID, Field: name, Message: "Tham số «" + name + "» phải là số từ " +
			strconv.Itoa(lo) + " đến " + strconv.Itoa(hi) + "."}
	}
	return n, nil
}

// handleInbox lists the open tasks of the actor's unit and the units below it.
func (s *server) handleInbox() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		f, err := s.inboxFilter(r.URL.Query(), a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := s.Store.Inbox(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, page)
	}
}

func (s *server) handleClaim() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		id, err := strconv.ParseInt(chi.URLParam(r, "task"), 10, 64)
		if err != nil {
			s.writeError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy việc."))
			return
		}
		if err := s.Store.ClaimTask(r.Context(), id, a); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *server) handleSigningQueue() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		items, err := s.Store.SigningQueue(r.Context(), a.UnitPath, 200)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

// statsFilter reads the statistics' query parameters: by, from, to (days, Vietnam
// time, to inclusive), procedure. The default period is the current month.
func (s *server) statsFilter(q url.Values, a motcua.Actor) (store.StatsFilter, error) {
	now := s.Now()
	l := now.In(ict)
	f := store.StatsFilter{UnitPath: a.UnitPath, Now: now, By: q.Get("by"), Procedure: q.Get("procedure"),
		From: time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, ict)}
	f.To = f.From.AddDate(0, 1, 0)
	switch f.By {
	case "", store.ByProcedure, store.ByUnit, store.ByMonth:
	default:
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "by", Message: "Tham số «by» phải là procedure, unit hoặc month."}
	}
	if v := q.Get("from"); v != "" {
		t, err := parseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "from", Message: "Ngày bắt đầu phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := parseDay(v)
		if err != nil {
			return f, &motcua.Error{Code: motcua.EINVALID, Field: "to", Message: "Ngày kết thúc phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if !f.From.Before(f.To) || f.To.Sub(f.From) > 5*366*24*time.Hour {
		return f, &motcua.Error{Code: motcua.EINVALID, Field: "to", Message: "Kỳ thống kê phải có ngày kết thúc sau ngày bắt đầu và không quá 5 năm."}
	}
	return f, nil
}

func (s *server) handleStats() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		f, err := s.statsFilter(r.URL.Query(), a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		st, err := s.Store.Stats(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, st)
	}
}

func (s *server) handleNotifications() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actorFrom(r.Context())
		items, err := s.Store.Notifications(r.Context(), a.UserID, 100)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if items == nil {
			items = []store.Notification{}
		}
		encode(w, http.StatusOK, map[string]any{"items": items})
	}
}

// StateResponse is a dossier's live state as the API answers a decision: the
// workflow's State, named as the rest of the API names things, times absent until set.
type StateResponse struct {
	Code        motcua.DossierCode             `json:"code"`
	Status      motcua.Status                  `json:"status"`
	StatusLabel string                         `json:"statusLabel"`
	Seq         int                            `json:"seq"`
	Step        string                         `json:"step,omitempty"`
	StepName    string                         `json:"stepName,omitempty"`
	HolderUnit  string                         `json:"holderUnit,omitempty"`
	ReceivedAt  *time.Time                     `json:"receivedAt,omitempty"`
	DueAt       *time.Time                     `json:"dueAt,omitempty"`
	StepDueAt   *time.Time                     `json:"stepDueAt,omitempty"`
	Paused      bool                           `json:"paused"`
	Apologized  bool                           `json:"apologized"`
	Supplements int                            `json:"supplements"`
	Consulting  []string                       `json:"consulting"`
	Allowed     []string                       `json:"allowed"`
	Documents   map[motcua.DocumentKind]string `json:"documents"`
}

func stateOf(st workflows.State) StateResponse {
	when := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	docs := st.Documents
	if docs == nil {
		docs = map[motcua.DocumentKind]string{}
	}
	return StateResponse{Code: st.Code, Status: st.Status, StatusLabel: st.Status.Label(), Seq: st.Seq, Step: st.Step,
		StepName: st.StepName, HolderUnit: st.HolderUnit, ReceivedAt: when(st.ReceivedAt), DueAt: when(st.DueAt),
		StepDueAt: when(st.StepDueAt), Paused: st.Paused, Apologized: st.Apologized, Supplements: st.Supplements,
		Consulting: nonNil(st.Consulting), Allowed: nonNil(st.Allowed), Documents: docs}
}
