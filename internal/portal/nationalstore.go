package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"

	"motcua/internal/store"
)

// The national portal's document store (Kho quản lý dữ liệu điện tử của Cổng DVC quốc
// gia): motcua fetches an applicant's documents by ID number and document type, and
// pushes every result it issues (result code, number and symbol, file). Field names
// follow the provincial systems' KhoSoHoaDVCQG client (MaKetQua, TenGiayTo, SoKyHieu,
// CoQuanChuQuan); the file travels inline in base64 in the development portal.

// Paths of the national store under the portal's base URL.
const (
	StoreFetchPath = "/dvcqg/kho/tracuu"
	StorePushPath  = "/dvcqg/kho/themmoi"
	// StoreStatusPath tells the store that a result it holds was revoked, replaced or
	// corrected (Decree 30/2020 art. 18).
	StoreStatusPath = "/dvcqg/kho/capnhattrangthai"
)

// maxStoreAnswer bounds a fetch's answer: a few documents of a few MB each.
const maxStoreAnswer = 64 << 20

// NationalDocument is a document of the national store.
type NationalDocument struct {
	ID         string `json:"MaKetQua"` // the document's code in the store
	Owner      string `json:"SoDinhDanhChuSoHuu"`
	Type       string `json:"MaGiayTo"` // document type (for motcua's results: the procedure code)
	Name       string `json:"TenGiayTo"`
	Number     string `json:"SoKyHieu,omitempty"`
	Issuer     string `json:"CoQuanChuQuan,omitempty"`
	IssuedOn   string `json:"NgayCap,omitempty"`    // yyyy-mm-dd
	ValidUntil string `json:"NgayHetHan,omitempty"` // yyyy-mm-dd; empty: no end
	Dossier    string `json:"MaHoSo,omitempty"`     // the dossier that produced it
	File       []byte `json:"NoiDungTep,omitempty"` // base64 in JSON
	FileType   string `json:"LoaiTep,omitempty"`    // MIME type
}

// storeQuery is a fetch's request.
type storeQuery struct {
	Owner string `json:"SoDinhDanhChuSoHuu"`
	Type  string `json:"MaGiayTo,omitempty"`
}

// storeAnswer is a fetch's answer.
type storeAnswer struct {
	Answer
	Documents []NationalDocument `json:"DanhSach"`
}

// FetchDocuments returns the owner's documents of a type (all types when typ is "")
// held by the national store.
func (c *Client) FetchDocuments(ctx context.Context, owner, typ string) ([]NationalDocument, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	b, err := json.Marshal(storeQuery{Owner: owner, Type: typ})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opts.URL+StoreFetchPath, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.Token)
	}
	resp, err := c.opts.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("national store: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxStoreAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("national store: read answer: %w", err)
	}
	if len(raw) > maxStoreAnswer {
		return nil, fmt.Errorf("national store: answer over %d bytes", maxStoreAnswer)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("national store: HTTP %d: %s", resp.StatusCode, snippet(raw))
	}
	var a storeAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("national store: answer: %w", err)
	}
	if a.ErrorCode != "0" {
		return nil, fmt.Errorf("national store refused (error_code %s): %s", a.ErrorCode, a.Message)
	}
	return a.Documents, nil
}

// PushResult gives the national store a result motcua issued; key makes a repeated
// push (after a lost answer) harmless.
func (c *Client) PushResult(ctx context.Context, key string, d NationalDocument) error {
	_, err := c.call(ctx, StorePushPath, key, d)
	return err
}

// StatusChange tells the national store what became of a result it holds: revoked
// (thu_hoi: no longer in force), replaced (thay_the: by MaKetQuaThayThe) or corrected
// (dinh_chinh: in force, amended by the notice MaKetQuaThayThe).
type StatusChange struct {
	ID         string `json:"MaKetQua"`
	Owner      string `json:"SoDinhDanhChuSoHuu,omitempty"`
	Status     string `json:"TrangThai"` // thu_hoi, thay_the, dinh_chinh
	Reason     string `json:"LyDo"`
	On         string `json:"NgayCapNhat"` // yyyy-mm-dd, Vietnam time
	Number     string `json:"SoKyHieu,omitempty"`
	ReplacedBy string `json:"MaKetQuaThayThe,omitempty"`
	NewNumber  string `json:"SoKyHieuThayThe,omitempty"`
	Dossier    string `json:"MaHoSo,omitempty"`
	Key        string `json:"-"` // the idempotency key it came with (development server)
}

// The statuses a StatusChange reports, by motcua's revocation kind.
var portalWithdrawal = map[string]string{
	store.RevocationRevoked:   "thu_hoi",
	store.RevocationReplaced:  "thay_the",
	store.RevocationCorrected: "dinh_chinh",
}

// TellStatus tells the national store that a result was withdrawn or corrected; key
// makes a repeated call harmless.
func (c *Client) TellStatus(ctx context.Context, key string, ch StatusChange) error {
	_, err := c.call(ctx, StoreStatusPath, key, ch)
	return err
}

// The development portal's national store.

func (s *DevServer) nationalRoutes(r chi.Router) {
	r.Post(StoreFetchPath, s.handleStoreFetch)
	r.Post(StorePushPath, s.handleStorePush)
	r.Post(StoreStatusPath, s.handleStoreStatus)
}

func (s *DevServer) handleStoreStatus(w http.ResponseWriter, r *http.Request) {
	if s.storeControl(w) {
		return
	}
	var ch StatusChange
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&ch); err != nil || ch.ID == "" || ch.Status == "" {
		writeJSON(w, http.StatusOK, Answer{ErrorCode: "-2", Message: "MaKetQua và TrangThai là bắt buộc."})
		return
	}
	ch.Key = r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.changes {
		if x.Key == ch.Key && ch.Key != "" {
			writeJSON(w, http.StatusOK, Answer{ErrorCode: "0", Message: "đã có"})
			return
		}
	}
	s.changes = append(s.changes, ch)
	writeJSON(w, http.StatusOK, Answer{ErrorCode: "0"})
}

// StatusChanges is what the development store was told of withdrawn results, once
// per idempotency key, in order.
func (s *DevServer) StatusChanges() []StatusChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]StatusChange(nil), s.changes...)
}

// PutNationalDocument adds a document to the development store (what another system
// put there).
func (s *DevServer) PutNationalDocument(d NationalDocument) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.national = append(s.national, d)
}

// NationalDocuments returns what the development store holds of an owner.
func (s *DevServer) NationalDocuments(owner string) []NationalDocument {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []NationalDocument
	for _, d := range s.national {
		if d.Owner == owner {
			out = append(out, d)
		}
	}
	return out
}

// storeControl answers as the control says for the store's calls: fail (503) and
// refuse (-1); true when it answered.
func (s *DevServer) storeControl(w http.ResponseWriter) bool {
	s.mu.Lock()
	c := s.control
	s.mu.Unlock()
	switch c.Mode {
	case ModeFail, ModeHang:
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return true
	case ModeRefuse:
		writeJSON(w, http.StatusOK, Answer{ErrorCode: "-1", Message: c.Reason})
		return true
	}
	return false
}

func (s *DevServer) handleStoreFetch(w http.ResponseWriter, r *http.Request) {
	if s.storeControl(w) {
		return
	}
	var q storeQuery
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&q); err != nil || q.Owner == "" {
		writeJSON(w, http.StatusOK, Answer{ErrorCode: "-2", Message: "SoDinhDanhChuSoHuu là bắt buộc."})
		return
	}
	var out []NationalDocument
	for _, d := range s.NationalDocuments(q.Owner) {
		if q.Type == "" || d.Type == q.Type {
			out = append(out, d)
		}
	}
	writeJSON(w, http.StatusOK, storeAnswer{Answer: Answer{ErrorCode: "0"}, Documents: out})
}

func (s *DevServer) handleStorePush(w http.ResponseWriter, r *http.Request) {
	if s.storeControl(w) {
		return
	}
	var d NationalDocument
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&d); err != nil || d.ID == "" || d.Owner == "" {
		writeJSON(w, http.StatusOK, Answer{ErrorCode: "-2", Message: "MaKetQua và SoDinhDanhChuSoHuu là bắt buộc."})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.national {
		if x.ID == d.ID {
			// The same result again (a retried push): accepted once.
			writeJSON(w, http.StatusOK, Answer{ErrorCode: "0", Message: "đã có"})
			return
		}
	}
	s.national = append(s.national, d)
	s.pushes = append(s.pushes, key)
	writeJSON(w, http.StatusOK, Answer{ErrorCode: "0"})
}

// Pushes is the idempotency keys of the results the development store accepted, once
// each, in order.
func (s *DevServer) Pushes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.pushes...)
}

// PushOutbox is the results waiting to be pushed to the national store, as the store
// (internal/store) keeps them: every issued result until the store acknowledged it.
type PushOutbox interface {
	PendingNationalPushes(ctx context.Context, now time.Time, limit int) ([]store.NationalPush, error)
	SettleNationalPush(ctx context.Context, documentID string, now time.Time, failure string, next time.Time) error
	PendingRevocationNotices(ctx context.Context, now time.Time, limit int) ([]store.RevocationNotice, error)
	SettleRevocationNotice(ctx context.Context, documentID string, now time.Time, failure string, next time.Time) error
}

// Pusher pushes every issued result to the national store. A failing store delays a
// push (retried with backoff) but never loses it: a result stays pending until the
// store answered that it has it.
type Pusher struct {
	Outbox     PushOutbox
	Store      *Client
	Now        func() time.Time
	MinBackoff time.Duration // default 5 s
	MaxBackoff time.Duration // default 10 min
}

// Pass pushes what is due now, results then withdrawals; it returns how many the
// store accepted.
func (p *Pusher) Pass(ctx context.Context) (int, error) {
	now := p.Now()
	pending, err := p.Outbox.PendingNationalPushes(ctx, now, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, e := range pending {
		perr := p.Store.PushResult(ctx, "kho/"+e.DocumentID, NationalDocument{ID: e.DocumentID, Owner: e.Owner,
			Type: e.Type, Name: e.Name, Number: e.Number, Issuer: e.Issuer, IssuedOn: e.IssuedOn, ValidUntil: e.ValidUntil, Dossier: string(e.Dossier),
			File: e.Data, FileType: e.ContentType})
		failure, next := "", time.Time{}
		if perr != nil {
			failure, next = perr.Error(), now.Add(p.backoff(e.Attempts+1))
		} else {
			sent++
		}
		if err := p.Outbox.SettleNationalPush(ctx, e.DocumentID, now, failure, next); err != nil {
			return sent, err
		}
	}
	// Then the withdrawals: a replacing result is pushed above before the store hears
	// that it replaces the old one.
	notices, err := p.Outbox.PendingRevocationNotices(ctx, now, 50)
	if err != nil {
		return sent, err
	}
	for _, n := range notices {
		// The key names the document and the kind: a corrected result revoked later is
		// told again, once.
		terr := p.Store.TellStatus(ctx, "kho/"+n.DocumentID+"/"+n.Kind, StatusChange{ID: n.DocumentID, Owner: n.ApplicantID,
			Status: portalWithdrawal[n.Kind], Reason: n.Reason, On: n.At.In(motcua.Vietnam).Format(time.DateOnly), Number: n.Number,
			ReplacedBy: n.ReplacedBy, NewNumber: n.NewNumber, Dossier: string(n.Dossier)})
		failure, next := "", time.Time{}
		if terr != nil {
			failure, next = terr.Error(), now.Add(p.backoff(n.Attempts+1))
		} else {
			sent++
		}
		if err := p.Outbox.SettleRevocationNotice(ctx, n.DocumentID, now, failure, next); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (p *Pusher) backoff(attempts int) time.Duration {
	lo, hi := p.MinBackoff, p.MaxBackoff
	if lo <= 0 {
		lo = 5 * time.Second
	}
	if hi <= 0 {
		hi = 10 * time.Minute
	}
	d := lo
	for i := 1; i < attempts && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// Run pushes until ctx ends, a pass every poll (default 5 s). Several workers may run
// it at once: a result two of them push together carries the same idempotency key,
// which the store accepts once.
func (p *Pusher) Run(ctx context.Context, log *slog.Logger, poll time.Duration) {
	if poll <= 0 {
		poll = 5 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := p.Pass(ctx); err != nil && ctx.Err() == nil {
			log.Error("national store push pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
