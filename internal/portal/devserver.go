package portal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// The development portal: a real HTTP service with the national portal's dossier sync
// API (DefaultPaths), that records every call and can be told, through its control
// endpoint, to fail (503), hang (never answer), answer slowly or refuse (error_code -1)
// — all calls, or those of one dossier. It keeps what it accepted (dossiers and their
// steps, and the answer given to each idempotency key) in memory and, when given a
// journal file, appends each accepted call to it and replays it on start, so a
// restarted portal remembers what it was told, as the real one does. The call log
// itself (every call, refused, failed or duplicate too) is in memory only: it is for
// tests and for the developer watching, not state. Its chi router (Router) is meant to
// grow the portal's other services (the national data store).

// Control modes.
const (
	ModeOK     = "ok"
	ModeFail   = "fail"   // 503 Service Unavailable
	ModeHang   = "hang"   // never answers (until the caller gives up or the server closes)
	ModeSlow   = "slow"   // answers after DelayMS
	ModeRefuse = "refuse" // error_code -1 with Reason
)

// Control is what the development portal is told to do with the sync calls.
type Control struct {
	Mode string `json:"mode"`
	// Code limits the mode to the calls of one dossier; empty: all calls.
	Code    string `json:"code,omitempty"`
	DelayMS int    `json:"delay_ms,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Call is one call the development portal received.
type Call struct {
	N       int       `json:"n"` // order of arrival, from 1
	At      time.Time `json:"at"`
	Op      string    `json:"op"` // add, update, progress
	Key     string    `json:"key"`
	Code    string    `json:"code"`
	Status  int       `json:"status"` // TrangThaiHoSo / TrangThai
	HTTP    int       `json:"http"`
	Outcome string    `json:"outcome"` // applied, exists, unknown, duplicate, failed, hung, refused, invalid
}

// DevDossier is what the development portal holds of a dossier.
type DevDossier struct {
	Record  Dossier    `json:"record"`
	Steps   []Progress `json:"steps"`
	Updates int        `json:"updates"`
	// Moves are the appointment changes it was told of, in order.
	Moves []Appointment `json:"moves"`
	// Rating is the applicant's rating, once sent.
	Rating *Rating `json:"rating,omitempty"`
}

// DevOptions configure a DevServer.
type DevOptions struct {
	Token   string // bearer token callers must present; none when empty
	Journal string // file of accepted calls; empty: memory only
	Log     *slog.Logger
}

// DevServer is the development portal.
type DevServer struct {
	opts    DevOptions
	router  *chi.Mux
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	control  Control
	calls    []Call
	dossiers map[string]*DevDossier
	answers  map[string]Answer // by idempotency key
	journal  *os.File
	national []NationalDocument // the national document store (memory only)
	pushes   []string           // idempotency keys of accepted result pushes
	changes  []StatusChange     // withdrawals of results the store was told of, once each by key
	files    devFiles           // the files of dossiers filed on the portal
}

// maxCalls bounds the in-memory call log; older calls are dropped.
const maxCalls = 200_000

// maxBody bounds a sync call's body.
const maxBody = 8 << 20

// journalEntry is one accepted call in the journal.
type journalEntry struct {
	Op   string          `json:"op"`
	Key  string          `json:"key"`
	Body json.RawMessage `json:"body"`
}

// NewDevServer returns the development portal, its journal replayed.
func NewDevServer(opts DevOptions) (*DevServer, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &DevServer{opts: opts, closing: make(chan struct{}), control: Control{Mode: ModeOK},
		dossiers: map[string]*DevDossier{}, answers: map[string]Answer{}}
	if opts.Journal != "" {
		if err := s.replay(opts.Journal); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(opts.Journal), 0o750); err != nil {
			return nil, fmt.Errorf("development portal: %w", err)
		}
		f, err := os.OpenFile(opts.Journal, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
		if err != nil {
			return nil, fmt.Errorf("development portal: %w", err)
		}
		s.journal = f
	}
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Group(func(r chi.Router) {
		r.Use(s.auth)
		r.Post(DefaultPaths.Add, s.handleSync("add"))
		r.Post(DefaultPaths.Update, s.handleSync("update"))
		r.Post(DefaultPaths.Progress, s.handleSync("progress"))
		r.Post(DefaultPaths.Rate, s.handleSync("rate"))
		r.Get("/dev/control", s.handleGetControl)
		r.Put("/dev/control", s.handleSetControl)
		r.Post("/dev/control", s.handleSetControl)
		r.Get("/dev/calls", s.handleCalls)
		r.Get("/dev/dossiers/{code}", s.handleDossier)
		r.Get(FilesPath+"/{name}", s.handleFile)
		s.nationalRoutes(r)
	})
	s.router = r
	return s, nil
}

// Router is the portal's router, for the other development services of the national
// portal to add their routes to before serving.
func (s *DevServer) Router() chi.Router { return s.router }

// Handler serves the development portal.
func (s *DevServer) Handler() http.Handler { return s.router }

// Close releases hung calls and closes the journal.
func (s *DevServer) Close() error {
	s.once.Do(func() { close(s.closing) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal != nil {
		err := s.journal.Close()
		s.journal = nil
		return err
	}
	return nil
}

// SetControl tells the portal what to do with the next calls.
func (s *DevServer) SetControl(c Control) error {
	switch c.Mode {
	case "":
		c.Mode = ModeOK
	case ModeOK, ModeFail, ModeHang, ModeSlow, ModeRefuse:
	default:
		return fmt.Errorf("unknown mode %q: use ok, fail, hang, slow or refuse", c.Mode)
	}
	if c.DelayMS < 0 || c.DelayMS > 600_000 {
		return fmt.Errorf("delay_ms %d out of 0..600000", c.DelayMS)
	}
	s.mu.Lock()
	s.control = c
	s.mu.Unlock()
	return nil
}

// Calls returns the calls received, in order.
func (s *DevServer) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Dossier returns what the portal holds of a dossier.
func (s *DevServer) Dossier(code string) (DevDossier, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dossiers[code]
	if !ok {
		return DevDossier{}, false
	}
	out := *d
	out.Steps = append([]Progress(nil), d.Steps...)
	out.Moves = append([]Appointment(nil), d.Moves...)
	if d.Rating != nil {
		r := *d.Rating
		r.Criteria = append([]RatingCriterion(nil), d.Rating.Criteria...)
		out.Rating = &r
	}
	return out, true
}

func (s *DevServer) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
			writeJSON(w, http.StatusUnauthorized, Answer{ErrorCode: "-401", Message: "Sai hoặc thiếu mã truy cập."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// handleSync serves one of the three sync calls.
func (s *DevServer) handleSync(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		key := r.Header.Get("Idempotency-Key")
		call := Call{At: time.Now().UTC(), Op: op, Key: key}
		if err != nil {
			s.finish(w, call, http.StatusRequestEntityTooLarge, "invalid", Answer{ErrorCode: "-2", Message: "Dữ liệu gửi lên quá lớn."})
			return
		}
		code, status, err := decodeSync(op, raw)
		call.Code, call.Status = code, status
		if err != nil {
			s.finish(w, call, http.StatusBadRequest, "invalid", Answer{ErrorCode: "-2", Message: "Dữ liệu không hợp lệ: " + err.Error()})
			return
		}
		s.mu.Lock()
		c := s.control
		s.mu.Unlock()
		if c.Code == "" || c.Code == code {
			switch c.Mode {
			case ModeFail:
				w.Header().Set("Retry-After", "30")
				s.finish(w, call, http.StatusServiceUnavailable, "failed", Answer{ErrorCode: "-503", Message: "Hệ thống đang bảo trì."})
				return
			case ModeHang:
				s.record(call, 0, "hung")
				select {
				case <-r.Context().Done():
				case <-s.closing:
				}
				return
			case ModeRefuse:
				s.finish(w, call, http.StatusOK, "refused", Answer{ErrorCode: "-1", Message: firstNonEmpty(c.Reason, "Dữ liệu hồ sơ không được chấp nhận.")})
				return
			case ModeSlow:
				select {
				case <-time.After(time.Duration(c.DelayMS) * time.Millisecond):
				case <-r.Context().Done():
					s.record(call, 0, "hung")
					return
				case <-s.closing:
					return
				}
			}
		}
		ans, outcome, err := s.apply(op, key, raw, true)
		if err != nil {
			s.finish(w, call, http.StatusInternalServerError, "failed", Answer{ErrorCode: "-500", Message: err.Error()})
			return
		}
		s.finish(w, call, http.StatusOK, outcome, ans)
	}
}

// decodeSync reads a sync call's body: its dossier code and status.
func decodeSync(op string, raw []byte) (code string, status int, err error) {
	if op == "rate" {
		var r Rating
		if err := json.Unmarshal(raw, &r); err != nil {
			return "", 0, err
		}
		if r.Level < 1 || r.Level > 5 || RatingCode(r.Level) != r.LevelKey {
			return r.Code, 0, fmt.Errorf("mức độ hài lòng %d (%s) không hợp lệ", r.Level, r.LevelKey)
		}
		if r.Code == "" || len(r.Code) > 64 {
			return r.Code, 0, errors.New("MaHoSo trống hoặc quá dài")
		}
		return r.Code, 0, nil
	}
	if op == "progress" {
		var p Progress
		if err := json.Unmarshal(raw, &p); err != nil {
			return "", 0, err
		}
		code, status = p.Code, p.Status
	} else {
		var d Dossier
		if err := json.Unmarshal(raw, &d); err != nil {
			return "", 0, err
		}
		code, status = d.Code, d.Status
	}
	switch {
	case code == "" || len(code) > 64:
		return code, status, errors.New("MaHoSo trống hoặc quá dài")
	case status < 1 || status > 10:
		return code, status, fmt.Errorf("trạng thái %d không thuộc 1–10", status)
	}
	return code, status, nil
}

// apply does a valid call unless its key was answered before; journal says whether to
// append it to the journal (not while replaying).
func (s *DevServer) apply(op, key string, raw []byte, journal bool) (Answer, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != "" {
		if a, ok := s.answers[key]; ok {
			return a, "duplicate", nil
		}
	}
	var ans Answer
	outcome := "applied"
	switch op {
	case "add", "update":
		var d Dossier
		if err := json.Unmarshal(raw, &d); err != nil {
			return Answer{}, "", err
		}
		cur, ok := s.dossiers[d.Code]
		switch {
		case op == "add" && ok:
			ans, outcome = Answer{ErrorCode: "3", Message: "Hồ sơ đã tồn tại."}, "exists"
		case op == "update" && !ok:
			ans, outcome = Answer{ErrorCode: "-4", Message: "Không tìm thấy hồ sơ."}, "unknown"
		case op == "add":
			s.dossiers[d.Code] = &DevDossier{Record: d, Moves: d.Appointments}
			ans = Answer{ErrorCode: "0", Message: "Thêm mới thành công."}
		default:
			cur.Record = d
			cur.Updates++
			cur.Moves = append(cur.Moves, d.Appointments...)
			ans = Answer{ErrorCode: "0", Message: "Cập nhật thành công."}
		}
	case "progress":
		var p Progress
		if err := json.Unmarshal(raw, &p); err != nil {
			return Answer{}, "", err
		}
		cur, ok := s.dossiers[p.Code]
		if !ok {
			ans, outcome = Answer{ErrorCode: "-4", Message: "Không tìm thấy hồ sơ."}, "unknown"
			break
		}
		cur.Steps = append(cur.Steps, p)
		ans = Answer{ErrorCode: "0", Message: "Đồng bộ tiến trình thành công."}
	case "rate":
		var r Rating
		if err := json.Unmarshal(raw, &r); err != nil {
			return Answer{}, "", err
		}
		cur, ok := s.dossiers[r.Code]
		if !ok {
			ans, outcome = Answer{ErrorCode: "-4", Message: "Không tìm thấy hồ sơ."}, "unknown"
			break
		}
		cur.Rating = &r
		ans = Answer{ErrorCode: "0", Message: "Ghi nhận đánh giá thành công."}
	default:
		return Answer{}, "", fmt.Errorf("unknown operation %q", op)
	}
	if key != "" {
		s.answers[key] = ans
	}
	if journal && s.journal != nil {
		line, err := json.Marshal(journalEntry{Op: op, Key: key, Body: raw})
		if err != nil {
			return Answer{}, "", err
		}
		if _, err := s.journal.Write(append(line, '\n')); err != nil {
			return Answer{}, "", fmt.Errorf("journal: %w", err)
		}
	}
	return ans, outcome, nil
}

// replay applies the journal's entries again; a torn last line (a crash while writing)
// is ignored.
func (s *DevServer) replay(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("development portal journal: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxBody+1024)
	n := 0
	for sc.Scan() {
		n++
		var e journalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			s.opts.Log.Warn("development portal: journal line skipped", "line", n, "err", err)
			continue
		}
		if _, _, err := s.apply(e.Op, e.Key, e.Body, false); err != nil {
			s.opts.Log.Warn("development portal: journal line skipped", "line", n, "err", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("development portal journal: %w", err)
	}
	return nil
}

func (s *DevServer) record(c Call, status int, outcome string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.HTTP, c.Outcome = status, outcome
	if len(s.calls) > 0 {
		c.N = s.calls[len(s.calls)-1].N + 1
	} else {
		c.N = 1
	}
	if len(s.calls) >= maxCalls {
		s.calls = append(s.calls[:0], s.calls[len(s.calls)/2:]...)
	}
	s.calls = append(s.calls, c)
}

func (s *DevServer) finish(w http.ResponseWriter, c Call, status int, outcome string, a Answer) {
	s.record(c, status, outcome)
	writeJSON(w, status, a)
}

func (s *DevServer) handleGetControl(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c := s.control
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

func (s *DevServer) handleSetControl(w http.ResponseWriter, r *http.Request) {
	var c Control
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		writeJSON(w, http.StatusBadRequest, Answer{ErrorCode: "-2", Message: "Lệnh điều khiển không hợp lệ: " + err.Error()})
		return
	}
	if err := s.SetControl(c); err != nil {
		writeJSON(w, http.StatusBadRequest, Answer{ErrorCode: "-2", Message: err.Error()})
		return
	}
	s.opts.Log.Info("development portal control", "mode", c.Mode, "code", c.Code, "delay_ms", c.DelayMS)
	s.handleGetControl(w, r)
}

func (s *DevServer) handleCalls(w http.ResponseWriter, r *http.Request) {
	calls := s.Calls()
	if code := r.URL.Query().Get("code"); code != "" {
		kept := calls[:0]
		for _, c := range calls {
			if c.Code == code {
				kept = append(kept, c)
			}
		}
		calls = kept
	}
	writeJSON(w, http.StatusOK, calls)
}

func (s *DevServer) handleDossier(w http.ResponseWriter, r *http.Request) {
	d, ok := s.Dossier(chi.URLParam(r, "code"))
	if !ok {
		writeJSON(w, http.StatusNotFound, Answer{ErrorCode: "-4", Message: "Không tìm thấy hồ sơ."})
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// SeqOfKey returns the transition number in an idempotency key the Syncer made
// ("CODE/SEQ/OP"), or 0.
func SeqOfKey(key string) int {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return 0
	}
	n := 0
	for _, r := range parts[1] {
		if r < '0' || r > '9' || n > 1e8 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}
