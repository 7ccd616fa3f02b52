package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/exchange"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// Documents exchanged with other agencies (issue 13): the clerical office's outgoing and
// incoming lists, composition, registration, the leader's direction, filing and reply,
// and the three registers of Decree 30/2020 appendix IV. Every decision goes through the
// exchange service, which checks the role; the workflows decide the rest.

var errNoExchange = &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống trao đổi văn bản chưa sẵn sàng. Vui lòng thử lại sau."}

// exchangeID reads {id}; what is not a number is no document (404 from the service).
func exchangeID(r *http.Request) int64 {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// exchangeHandler wraps a handler that needs the exchange service and the actor.
func (s *API) exchangeHandler(f func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		if s.Exchange == nil {
			s.HTTP.WriteError(w, r, errNoExchange)
			return
		}
		if err := f(w, r, a); err != nil {
			s.HTTP.WriteError(w, r, err)
		}
	}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type recipientJSON struct {
	OrganID     string     `json:"organId"`
	OrganName   string     `json:"organName"`
	Status      string     `json:"status,omitempty"`
	Description string     `json:"description,omitempty"`
	StatusAt    *time.Time `json:"statusAt,omitempty"`
}

type statusJSON struct {
	OrganID     string    `json:"organId,omitempty"`
	Status      string    `json:"status"`
	Description string    `json:"description,omitempty"`
	At          time.Time `json:"at"`
}

type outgoingJSON struct {
	ID           int64           `json:"id"`
	Subject      string          `json:"subject"`
	TypeName     string          `json:"typeName"`
	Symbol       string          `json:"symbol"`
	CodeNumber   string          `json:"codeNumber,omitempty"`
	DocumentID   string          `json:"documentId,omitempty"`
	State        string          `json:"state"`
	CreatedAt    time.Time       `json:"createdAt"`
	SentAt       *time.Time      `json:"sentAt,omitempty"`
	DossierCode  string          `json:"dossierCode,omitempty"`
	BusinessType int             `json:"businessType,omitempty"`
	Recipients   []recipientJSON `json:"recipients"`
	History      []statusJSON    `json:"history,omitempty"`
}

func outgoingOf(o store.Outgoing, h []store.StatusEvent) outgoingJSON {
	out := outgoingJSON{ID: o.ID, Subject: o.Subject, TypeName: o.TypeName, Symbol: o.Symbol, CodeNumber: o.CodeNumber,
		DocumentID: o.DocumentID, State: o.State, CreatedAt: o.CreatedAt, SentAt: timeOrNil(o.SentAt),
		DossierCode: o.DossierCode, BusinessType: o.BusinessType, Recipients: []recipientJSON{}}
	for _, r := range o.Recipients {
		out.Recipients = append(out.Recipients, recipientJSON{OrganID: r.OrganID, OrganName: r.OrganName, Status: r.Status,
			Description: r.Description, StatusAt: timeOrNil(r.StatusAt)})
	}
	for _, e := range h {
		out.History = append(out.History, statusJSON{OrganID: e.OrganID, Status: e.Status, Description: e.Description, At: e.At})
	}
	return out
}

type incomingJSON struct {
	ID               int64        `json:"id"`
	DocumentID       string       `json:"documentId"`
	IssuerID         string       `json:"issuerId"`
	IssuerName       string       `json:"issuerName"`
	CodeNumber       string       `json:"codeNumber"`
	CodeNotation     string       `json:"codeNotation"`
	PromulgationDate string       `json:"promulgationDate,omitempty"`
	TypeName         string       `json:"typeName"`
	Subject          string       `json:"subject"`
	Priority         int          `json:"priority"`
	State            string       `json:"state"`
	Reason           string       `json:"reason,omitempty"`
	LeaderDue        *time.Time   `json:"leaderDue,omitempty"`
	LeadUnit         string       `json:"leadUnit,omitempty"`
	SupportingUnits  string       `json:"supportingUnits,omitempty"`
	Deadline         *time.Time   `json:"deadline,omitempty"`
	ReplyDocumentID  string       `json:"replyDocumentId,omitempty"`
	ArrivedAt        time.Time    `json:"arrivedAt"`
	History          []statusJSON `json:"history,omitempty"`
	Files            []string     `json:"files,omitempty"`
}

func incomingOf(d store.Incoming) incomingJSON {
	return incomingJSON{ID: d.ID, DocumentID: d.DocumentID, IssuerID: d.IssuerID, IssuerName: d.IssuerName,
		CodeNumber: d.CodeNumber, CodeNotation: d.CodeNotation, PromulgationDate: d.PromulgationDate, TypeName: d.TypeName,
		Subject: d.Subject, Priority: d.Priority, State: d.State, Reason: d.Reason, LeaderDue: timeOrNil(d.LeaderDue),
		LeadUnit: d.LeadUnit, SupportingUnits: d.SupportingUnits, Deadline: timeOrNil(d.Deadline),
		ReplyDocumentID: d.ReplyDocumentID, ArrivedAt: d.ArrivedAt}
}

func (s *API) handleListOutgoing() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		list, err := s.Exchange.ListOutgoing(r.Context())
		if err != nil {
			return err
		}
		out := make([]outgoingJSON, 0, len(list))
		for _, o := range list {
			out = append(out, outgoingOf(o, nil))
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": out})
		return nil
	})
}

func (s *API) handleComposeOutgoing() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		var in exchange.ComposeInput
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
		o, err := s.Exchange.Compose(r.Context(), a, in)
		if err != nil {
			return err
		}
		httpx.Encode(w, http.StatusCreated, outgoingOf(o, nil))
		return nil
	})
}

func (s *API) handleOutgoing() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		v, err := s.Exchange.Outgoing(r.Context(), exchangeID(r))
		if err != nil {
			return err
		}
		httpx.Encode(w, http.StatusOK, outgoingOf(v.Outgoing, v.History))
		return nil
	})
}

func (s *API) handleListIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		list, err := s.Exchange.ListIncoming(r.Context())
		if err != nil {
			return err
		}
		out := make([]incomingJSON, 0, len(list))
		for _, d := range list {
			out = append(out, incomingOf(d))
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": out})
		return nil
	})
}

func (s *API) handleIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		v, err := s.Exchange.Incoming(r.Context(), exchangeID(r))
		if err != nil {
			return err
		}
		out := incomingOf(v.Incoming)
		for _, e := range v.History {
			out.History = append(out.History, statusJSON{Status: e.Status, Description: e.Description, At: e.At})
		}
		for _, f := range v.Files {
			out.Files = append(out.Files, f.Name)
		}
		httpx.Encode(w, http.StatusOK, out)
		return nil
	})
}

func (s *API) handleRegisterIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		reg, err := s.Exchange.Register(r.Context(), a, exchangeID(r))
		if err != nil {
			return err
		}
		httpx.Encode(w, http.StatusOK, reg)
		return nil
	})
}

// directRequest is the leader's direction; the deadline a date (YYYY-MM-DD), Vietnam.
type directRequest struct {
	LeadUnit        string   `json:"leadUnit"`
	SupportingUnits []string `json:"supportingUnits"`
	Deadline        string   `json:"deadline"`
	Note            string   `json:"note"`
}

// ParseDeadline reads a direction deadline: a date, the end of which, Vietnam time.
func parseDeadline(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, motcua.Vietnam)
	if err != nil {
		return time.Time{}, &motcua.Error{Code: motcua.EINVALID, Field: "deadline", Message: "Thời hạn giải quyết phải là một ngày (năm-tháng-ngày)."}
	}
	return d, nil
}

func (s *API) handleDirectIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		var in directRequest
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
		d, err := parseDeadline(in.Deadline)
		if err != nil {
			return err
		}
		if err := s.Exchange.Direct(r.Context(), a, exchangeID(r), exchange.DirectInput{LeadUnit: in.LeadUnit,
			SupportingUnits: in.SupportingUnits, Deadline: d, Note: in.Note}); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

func (s *API) handleFileIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		if err := s.Exchange.Finish(r.Context(), a, exchangeID(r), "", true); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

type replyRequest struct {
	ReplyDocumentID string `json:"replyDocumentId"`
}

func (s *API) handleReplyIncoming() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		var in replyRequest
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
		if strings.TrimSpace(in.ReplyDocumentID) == "" {
			return &motcua.Error{Code: motcua.EINVALID, Field: "replyDocumentId", Message: "Cần mã định danh của văn bản trả lời."}
		}
		if err := s.Exchange.Finish(r.Context(), a, exchangeID(r), in.ReplyDocumentID, false); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleRegisterBook answers a register of a year as JSON, XLSX or PDF (?format=).
func (s *API) handleRegisterBook() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		q := r.URL.Query()
		year, err := s.Exchange.ParseBookYear(q.Get("year"))
		if err != nil {
			return err
		}
		format := q.Get("format")
		if format != "" && format != "json" && format != "xlsx" && format != "pdf" {
			return &motcua.Error{Code: motcua.EINVALID, Field: "format", Message: "Định dạng phải là json, xlsx hoặc pdf."}
		}
		b, err := s.Exchange.Book(r.Context(), a, chi.URLParam(r, "kind"), year)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("so-van-ban-%s-%d", b.Kind, b.Year)
		switch format {
		case "xlsx":
			x, err := b.Workbook()
			if err != nil {
				return err
			}
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Length", strconv.Itoa(len(x)))
			_, _ = w.Write(x)
		case "pdf":
			pdf, err := s.Exchange.BookPDF(r.Context(), a, b)
			if err != nil {
				return err
			}
			writeDocument(w, r, name+".pdf", "application/pdf", pdf, time.Time{})
		default:
			httpx.Encode(w, http.StatusOK, b)
		}
		return nil
	})
}

func (s *API) handleAgencies() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		list, err := s.Exchange.Agencies(r.Context())
		if err != nil {
			return err
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"agencies": list})
		return nil
	})
}

// sendResultRequest names the agencies a dossier's signed result goes to.
type sendResultRequest struct {
	Recipients []exchange.Recipient `json:"recipients"`
}

// handleSendResult sends a dossier's signed result to other agencies (an outgoing
// document whose attachment is the signed result as it is).
func (s *API) handleSendResult() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, a motcua.Actor) error {
		var in sendResultRequest
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
		o, err := s.Exchange.SendResult(r.Context(), a, motcua.DossierCode(chi.URLParam(r, "code")), in.Recipients)
		if err != nil {
			return err
		}
		httpx.Encode(w, http.StatusCreated, outgoingOf(o, nil))
		return nil
	})
}

// handleResultSends lists the outgoing documents that carried a dossier's result.
func (s *API) handleResultSends() http.HandlerFunc {
	return s.exchangeHandler(func(w http.ResponseWriter, r *http.Request, _ motcua.Actor) error {
		list, err := s.Exchange.ResultSends(r.Context(), motcua.DossierCode(chi.URLParam(r, "code")))
		if err != nil {
			return err
		}
		out := make([]outgoingJSON, 0, len(list))
		for _, o := range list {
			out = append(out, outgoingOf(o, nil))
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"items": out})
		return nil
	})
}
