package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/axis"
	"motcua/internal/edxml"
)

// Handler serves the axis's protocol under axis.PathPrefix, and /healthz.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.pool.Ping(r.Context()); err != nil {
			writeError(w, http.StatusServiceUnavailable, motcua.EUNAVAILABLE, "Cơ sở dữ liệu của trục không trả lời.", "")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	r.Route(axis.PathPrefix, func(r chi.Router) {
		r.Use(s.requireAgency)
		r.Post("/messages", s.handleSend)
		r.Get("/messages/{id}", s.handleMessage)
		r.Get("/messages/{id}/envelope", s.handleEnvelope)
		r.Post("/messages/{id}/ack", s.handleAck)
		r.Get("/received", s.handleReceived)
		r.Get("/sent", s.handleSent)
		r.Get("/agencies", s.handleAgencies)
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, motcua.ENOTFOUND, "Không có địa chỉ này trên trục liên thông văn bản.", "")
	})
	return r
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, axis.ErrorBody{Code: code, Message: msg, Field: field})
}

// fail answers err: its motcua code's status, or 500 (logged) for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *motcua.Error
	if errors.As(err, &e) {
		status := map[string]int{motcua.EINVALID: http.StatusUnprocessableEntity, motcua.ENOTFOUND: http.StatusNotFound,
			motcua.ECONFLICT: http.StatusConflict, motcua.EFORBIDDEN: http.StatusForbidden}[e.Code]
		if status != 0 {
			s.log.Info("axis call refused", "path", r.URL.Path, "code", e.Code, "err", err)
			writeError(w, status, e.Code, e.Message, e.Field)
			return
		}
	}
	s.log.Error("axis call failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, motcua.EINTERNAL, "Trục liên thông văn bản gặp lỗi ngoài dự kiến.", "")
}

type agencyKey struct{}

func agencyOf(ctx context.Context) string { id, _ := ctx.Value(agencyKey{}).(string); return id }

// requireAgency admits a request whose Basic credentials are an agency's.
func (s *Server) requireAgency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if ok && (len(id) > 13 || len(secret) > 200) {
			ok = false
		}
		if ok {
			var err error
			if ok, err = s.authenticate(r.Context(), id, secret); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="axis"`)
			writeError(w, http.StatusUnauthorized, motcua.EUNAUTHORIZED, "Mã cơ quan hoặc khóa bí mật không đúng.", "")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), agencyKey{}, id)))
	})
}

// sent is what a send reads from its envelope.
type sent struct {
	kind       axis.Kind
	documentID string
	from       string
	recipients []string
}

// readEnvelope tells what the envelope is and to whom it goes.
func readEnvelope(e edxml.Envelope) (sent, error) {
	if e.Status != nil {
		st := e.Status
		if st.ResponseFor.OrganId == "" {
			return sent{}, &motcua.Error{Code: motcua.EINVALID, Field: "Status.ResponseFor.OrganId",
				Message: "Gói tin trạng thái phải nêu mã cơ quan ban hành văn bản (ResponseFor/OrganId) để trục biết gửi cho ai."}
		}
		return sent{kind: axis.KindStatus, documentID: st.ResponseFor.DocumentId, from: st.From.OrganId,
			recipients: []string{st.ResponseFor.OrganId}}, nil
	}
	h := e.Header
	out := sent{kind: axis.KindDocument, documentID: h.DocumentId, from: h.From.OrganId}
	seen := map[string]bool{}
	for _, to := range h.To {
		if to.OrganId != "" && !seen[to.OrganId] {
			seen[to.OrganId] = true
			out.recipients = append(out.recipients, to.OrganId)
		}
	}
	if len(out.recipients) == 0 {
		return sent{}, &motcua.Error{Code: motcua.EINVALID, Field: "MessageHeader.To",
			Message: "Văn bản phải có ít nhất một cơ quan nhận có mã định danh (MessageHeader/To/OrganId)."}
	}
	if out.documentID == "" {
		return sent{}, &motcua.Error{Code: motcua.EINVALID, Field: "MessageHeader.DocumentId",
			Message: "Văn bản gửi qua trục phải có mã văn bản (DocumentId)."}
	}
	return out, nil
}

func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	me := agencyOf(r.Context())
	key := r.Header.Get(axis.HeaderIdemKey)
	if key == "" || len(key) > axis.MaxKeyLength || !utf8.ValidString(key) {
		writeError(w, http.StatusBadRequest, motcua.EINVALID,
			fmt.Sprintf("Thiếu khóa chống gửi trùng (Idempotency-Key, từ 1 đến %d ký tự).", axis.MaxKeyLength), axis.HeaderIdemKey)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.limits.MaxBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, motcua.EINVALID,
				fmt.Sprintf("Gói tin edXML vượt quá dung lượng cho phép (%d byte).", s.limits.MaxBytes), "")
			return
		}
		writeError(w, http.StatusBadRequest, motcua.EINVALID, "Không đọc được gói tin gửi lên.", "")
		return
	}
	env, err := edxml.Parse(bytes.NewReader(body), s.limits)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := readEnvelope(env)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if m.from != me {
		s.fail(w, r, &motcua.Error{Code: motcua.EFORBIDDEN, Field: "From.OrganId",
			Message: fmt.Sprintf("Cơ quan %s không được gửi gói tin nhân danh cơ quan %s.", me, m.from)})
		return
	}
	res, err := s.send(r.Context(), me, key, body, m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
}

// send stores the message and its queue rows in one transaction, once per sender and key.
func (s *Server) send(ctx context.Context, me, key string, body []byte, m sent) (axis.SendResult, error) {
	sum := sha256.Sum256(body)
	var res axis.SendResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, "SELECT id FROM axis_agencies WHERE id = ANY($1)", m.recipients)
		known, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(known) != len(m.recipients) {
			for _, to := range m.recipients {
				found := false
				for _, k := range known {
					found = found || k == to
				}
				if !found {
					return &motcua.Error{Code: motcua.EINVALID, Field: "To",
						Message: fmt.Sprintf("Cơ quan nhận %s không kết nối với trục liên thông văn bản.", to)}
				}
			}
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO axis_messages (sender, idempotency_key, kind, document_id, body, body_sha256, sent_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sender, idempotency_key) DO NOTHING RETURNING id`,
			me, key, string(m.kind), m.documentID, body, sum[:], s.now().UTC()).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			// A retry: the first send's message stands if it carried the same envelope.
			var old []byte
			if err := tx.QueryRow(ctx, `SELECT id, body_sha256 FROM axis_messages WHERE sender = $1 AND idempotency_key = $2`,
				me, key).Scan(&id, &old); err != nil {
				return err
			}
			if !bytes.Equal(old, sum[:]) {
				return &motcua.Error{Code: motcua.ECONFLICT, Field: axis.HeaderIdemKey,
					Message: "Khóa chống gửi trùng này đã được dùng cho một gói tin khác."}
			}
			res.Duplicate = true
		} else if err != nil {
			return err
		} else {
			for _, to := range m.recipients {
				if _, err := tx.Exec(ctx, "INSERT INTO axis_deliveries (message_id, recipient) VALUES ($1, $2)", id, to); err != nil {
					return err
				}
			}
		}
		msgs, err := s.messages(ctx, tx, "m.id = $1", "", id)
		if err != nil {
			return err
		}
		res.Message = msgs[0]
		return nil
	})
	if err != nil {
		return axis.SendResult{}, fmt.Errorf("axis: store message of %s key %q: %w", me, key, err)
	}
	return res, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// messages reads the messages matching where (over axis_messages m) in ID order, with
// their deliveries: all of them, or only recipient's when recipient is not empty.
func (s *Server) messages(ctx context.Context, q querier, where, recipient string, args ...any) ([]axis.Message, error) {
	out := []axis.Message{}
	var ids []int64
	index := map[int64]int{}
	rows, _ := q.Query(ctx, `SELECT m.id, m.kind, m.sender, m.idempotency_key, m.document_id, length(m.body), m.sent_at
		FROM axis_messages m WHERE `+where+` ORDER BY m.id`, args...)
	for rows.Next() {
		var (
			m    axis.Message
			id   int64
			kind string
		)
		if err := rows.Scan(&id, &kind, &m.From, &m.Key, &m.DocumentID, &m.Size, &m.SentAt); err != nil {
			rows.Close()
			return nil, err
		}
		m.ID, m.Kind, m.SentAt = strconv.FormatInt(id, 10), axis.Kind(kind), m.SentAt.UTC()
		m.Deliveries = []axis.Delivery{}
		index[id] = len(out)
		ids = append(ids, id)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ = q.Query(ctx, `SELECT message_id, recipient, acked_at FROM axis_deliveries
		WHERE message_id = ANY($1) AND ($2::text = '' OR recipient = $2) ORDER BY message_id, recipient`, ids, recipient)
	for rows.Next() {
		var (
			id  int64
			d   axis.Delivery
			ack *time.Time
		)
		if err := rows.Scan(&id, &d.To, &ack); err != nil {
			rows.Close()
			return nil, err
		}
		if ack != nil {
			t := ack.UTC()
			d.AckedAt = &t
		}
		m := &out[index[id]]
		m.Deliveries = append(m.Deliveries, d)
	}
	return out, rows.Err()
}

// page reads the after and limit parameters.
func page(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	if a := q.Get("after"); a != "" {
		if after, err = strconv.ParseInt(a, 10, 64); err != nil || after < 0 {
			return 0, 0, &motcua.Error{Code: motcua.EINVALID, Field: "after", Message: "Tham số after phải là mã thông điệp."}
		}
	}
	limit = axis.DefaultLimit
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > axis.MaxLimit {
			return 0, 0, &motcua.Error{Code: motcua.EINVALID, Field: "limit",
				Message: fmt.Sprintf("Tham số limit phải từ 1 đến %d.", axis.MaxLimit)}
		}
	}
	return after, limit, nil
}

func (s *Server) handleReceived(w http.ResponseWriter, r *http.Request) {
	me := agencyOf(r.Context())
	after, limit, err := page(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := axis.Kind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Valid() {
		s.fail(w, r, &motcua.Error{Code: motcua.EINVALID, Field: "kind", Message: "Tham số kind phải là edoc hoặc status."})
		return
	}
	all := r.URL.Query().Get("all") == "1"
	msgs, err := s.messages(r.Context(), s.pool, `m.id IN (
		SELECT d.message_id FROM axis_deliveries d JOIN axis_messages m2 ON m2.id = d.message_id
		WHERE d.recipient = $1 AND ($2 OR d.acked_at IS NULL) AND ($3::text = '' OR m2.kind = $3) AND d.message_id > $4
		ORDER BY d.message_id LIMIT $5)`, me, me, all, string(kind), after, limit)
	if err != nil {
		s.fail(w, r, fmt.Errorf("axis: list received of %s: %w", me, err))
		return
	}
	writeJSON(w, http.StatusOK, axis.MessageList{Messages: msgs})
}

func (s *Server) handleSent(w http.ResponseWriter, r *http.Request) {
	me := agencyOf(r.Context())
	after, limit, err := page(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	msgs, err := s.messages(r.Context(), s.pool, `m.id IN (
		SELECT id FROM axis_messages WHERE sender = $1 AND ($2::text = '' OR idempotency_key = $2)
		AND ($3::text = '' OR document_id = $3) AND id > $4 ORDER BY id LIMIT $5)`, "",
		me, q.Get("key"), q.Get("documentId"), after, limit)
	if err != nil {
		s.fail(w, r, fmt.Errorf("axis: list sent of %s: %w", me, err))
		return
	}
	writeJSON(w, http.StatusOK, axis.MessageList{Messages: msgs})
}

var errNoMessage = &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không có thông điệp này trên trục liên thông văn bản."}

// visible reads message id's metadata when me sent it or is one of its recipients; a
// recipient sees its own delivery only.
func (s *Server) visible(ctx context.Context, me, rawID string) (axis.Message, int64, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return axis.Message{}, 0, errNoMessage
	}
	msgs, err := s.messages(ctx, s.pool, "m.id = $1", "", id)
	if err != nil {
		return axis.Message{}, 0, fmt.Errorf("axis: read message %d: %w", id, err)
	}
	if len(msgs) == 0 {
		return axis.Message{}, 0, errNoMessage
	}
	m := msgs[0]
	if m.From == me {
		return m, id, nil
	}
	for _, d := range m.Deliveries {
		if d.To == me {
			m.Deliveries = []axis.Delivery{d}
			return m, id, nil
		}
	}
	return axis.Message{}, 0, errNoMessage
}

func (s *Server) handleMessage(w http.ResponseWriter, r *http.Request) {
	m, _, err := s.visible(r.Context(), agencyOf(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleEnvelope(w http.ResponseWriter, r *http.Request) {
	_, id, err := s.visible(r.Context(), agencyOf(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body []byte
	if err := s.pool.QueryRow(r.Context(), "SELECT body FROM axis_messages WHERE id = $1", id).Scan(&body); err != nil {
		s.fail(w, r, fmt.Errorf("axis: read envelope %d: %w", id, err))
		return
	}
	w.Header().Set("Content-Type", axis.ContentTypeXML)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (s *Server) handleAck(w http.ResponseWriter, r *http.Request) {
	me := agencyOf(r.Context())
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, errNoMessage)
		return
	}
	tag, err := s.pool.Exec(r.Context(), `UPDATE axis_deliveries SET acked_at = COALESCE(acked_at, $3)
		WHERE message_id = $1 AND recipient = $2`, id, me, s.now().UTC())
	if err != nil {
		s.fail(w, r, fmt.Errorf("axis: ack %d for %s: %w", id, me, err))
		return
	}
	if tag.RowsAffected() == 0 {
		s.fail(w, r, errNoMessage)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleAgencies(w http.ResponseWriter, r *http.Request) {
	as, err := s.Agencies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, axis.AgencyList{Agencies: as})
}
