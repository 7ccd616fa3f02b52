package web

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

// The clerical office's pages of documents exchanged with other agencies (issue 13):
// incoming documents and their registration, the leader's direction, outgoing
// documents with each recipient's status, and the three registers of Decree 30/2020
// appendix IV. The exchange service checks who decides; the pages only ask.

// incomingStateLabel is an incoming document's state in Vietnamese.
var incomingStateLabel = map[string]string{
	store.IncomingArrived:    "Đã đến, chờ vào sổ",
	store.IncomingRefused:    "Đã từ chối tiếp nhận",
	store.IncomingDuplicate:  "Trùng văn bản đã nhận",
	store.IncomingRegistered: "Đã vào sổ, chờ ý kiến chỉ đạo",
	store.IncomingAssigned:   "Đã phân công",
	store.IncomingProcessing: "Đang giải quyết",
	store.IncomingDone:       "Đã hoàn thành",
	store.IncomingRevoked:    "Đã bị thu hồi",
	store.IncomingRecall:     "Yêu cầu thu hồi",
}

// outgoingStateLabel is an outgoing document's state in Vietnamese.
var outgoingStateLabel = map[string]string{
	"draft": "Dự thảo, chờ ký", "signed": "Đã ký", "registered": "Đã vào sổ", "sent": "Đã gửi", "recalled": "Đã thu hồi",
}

// statusLabel is a QCVN 102 status code in Vietnamese.
var statusLabel = map[string]string{
	"01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận (vào sổ)", "04": "Đã phân công", "05": "Đang xử lý",
	"06": "Hoàn thành", "13": "Yêu cầu lấy lại", "15": "Đồng ý lấy lại", "16": "Từ chối lấy lại",
}

type incomingRow struct {
	store.Incoming
	StateLabel  string
	CanRegister bool
}

type exchangeListView struct {
	Incoming    []incomingRow
	Outgoing    []outgoingRow
	CanRegister bool
}

type outgoingRow struct {
	store.Outgoing
	StateLabel string
}

type recipientRow struct {
	store.OutgoingRecipient
	StatusLabel string
}

type outgoingView struct {
	outgoingRow
	Recipients []recipientRow
	History    []historyRow
}

type historyRow struct {
	store.StatusEvent
	StatusLabel string
}

type incomingView struct {
	incomingRow
	History     []historyRow
	Files       []store.ExchangeFile
	CanDirect   bool
	DirectForm  map[string]string
	DeadlineMin string
}

type bookLink struct {
	exchange.Book
	XLSXHref, PDFHref string
}

type booksView struct {
	Year  int
	Prev  int
	Next  int
	Books []bookLink
}

func (s *Site) exchangeReady(w http.ResponseWriter, r *http.Request) bool {
	if s.Exchange == nil {
		s.showError(w, r, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống trao đổi văn bản chưa sẵn sàng. Vui lòng thử lại sau."})
		return false
	}
	return true
}

func pageID(r *http.Request) int64 {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func (s *Site) pageIncomingList() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		list, err := s.Exchange.ListIncoming(r.Context())
		if err != nil {
			s.showError(w, r, err)
			return
		}
		v := exchangeListView{CanRegister: a.Has(motcua.RoleClerical)}
		for _, d := range list {
			v.Incoming = append(v.Incoming, incomingRow{Incoming: d, StateLabel: incomingStateLabel[d.State],
				CanRegister: v.CanRegister && d.State == store.IncomingArrived})
		}
		d := s.page(r, "Văn bản đến")
		d.Data = v
		s.show(w, http.StatusOK, "exchange-incoming", d)
	}
}

func (s *Site) pageRegisterIncoming() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		id := pageID(r)
		if _, err := s.Exchange.Register(r.Context(), a, id); err != nil {
			s.showError(w, r, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/van-ban/den/%d?ok=registered-document", id), http.StatusSeeOther)
	}
}

func (s *Site) pageIncoming() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		s.showIncoming(w, r, http.StatusOK, nil, nil)
	}
}

func (s *Site) showIncoming(w http.ResponseWriter, r *http.Request, status int, form map[string]string, errs []pageError) {
	a, _ := httpx.ActorFrom(r.Context())
	iv, err := s.Exchange.Incoming(r.Context(), pageID(r))
	if err != nil {
		s.showError(w, r, err)
		return
	}
	v := incomingView{incomingRow: incomingRow{Incoming: iv.Incoming, StateLabel: incomingStateLabel[iv.State],
		CanRegister: a.Has(motcua.RoleClerical) && iv.State == store.IncomingArrived},
		Files: iv.Files, CanDirect: a.Has(motcua.RoleLeader) && iv.State == store.IncomingRegistered, DirectForm: form}
	if v.DirectForm == nil {
		v.DirectForm = map[string]string{}
	}
	for _, h := range iv.History {
		v.History = append(v.History, historyRow{StatusEvent: h, StatusLabel: statusLabel[h.Status]})
	}
	d := s.page(r, "Văn bản đến: "+iv.Subject)
	d.Errors = errs
	d.Data = v
	s.show(w, status, "exchange-incoming-one", d)
}

func (s *Site) pageDirectIncoming() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		form := map[string]string{"leadUnit": strings.TrimSpace(r.PostFormValue("leadUnit")),
			"supportingUnits": r.PostFormValue("supportingUnits"), "deadline": r.PostFormValue("deadline"), "note": r.PostFormValue("note")}
		var errs []pageError
		if form["leadUnit"] == "" {
			errs = append(errs, pageError{Field: "leadUnit", Message: "Chọn đơn vị chủ trì giải quyết."})
		}
		var deadline time.Time
		if form["deadline"] != "" {
			t, err := time.ParseInLocation("2006-01-02", form["deadline"], motcua.Vietnam)
			if err != nil {
				errs = append(errs, pageError{Field: "deadline", Message: "Thời hạn giải quyết phải là một ngày."})
			}
			deadline = t
		}
		if len(errs) > 0 {
			s.showIncoming(w, r, http.StatusUnprocessableEntity, form, errs)
			return
		}
		var supporting []string
		for _, u := range strings.Split(form["supportingUnits"], ",") {
			if u = strings.TrimSpace(u); u != "" {
				supporting = append(supporting, u)
			}
		}
		id := pageID(r)
		err := s.Exchange.Direct(r.Context(), a, id, exchange.DirectInput{LeadUnit: form["leadUnit"],
			SupportingUnits: supporting, Deadline: deadline, Note: form["note"]})
		if err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showIncoming(w, r, httpx.StatusOf(motcua.ErrorCode(err)), form, errorsOf(err, map[string]string{"": "leadUnit"}))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/van-ban/den/%d?ok=directed", id), http.StatusSeeOther)
	}
}

func (s *Site) pageOutgoingList() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		list, err := s.Exchange.ListOutgoing(r.Context())
		if err != nil {
			s.showError(w, r, err)
			return
		}
		var v exchangeListView
		for _, o := range list {
			v.Outgoing = append(v.Outgoing, outgoingRow{Outgoing: o, StateLabel: outgoingStateLabel[o.State]})
		}
		d := s.page(r, "Văn bản đi")
		d.Data = v
		s.show(w, http.StatusOK, "exchange-outgoing", d)
	}
}

func (s *Site) pageOutgoing() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		ov, err := s.Exchange.Outgoing(r.Context(), pageID(r))
		if err != nil {
			s.showError(w, r, err)
			return
		}
		v := outgoingView{outgoingRow: outgoingRow{Outgoing: ov.Outgoing, StateLabel: outgoingStateLabel[ov.State]}}
		for _, rc := range ov.Recipients {
			v.Recipients = append(v.Recipients, recipientRow{OutgoingRecipient: rc, StatusLabel: statusLabel[rc.Status]})
		}
		for _, h := range ov.History {
			v.History = append(v.History, historyRow{StatusEvent: h, StatusLabel: statusLabel[h.Status]})
		}
		d := s.page(r, "Văn bản đi: "+ov.Subject)
		d.Data = v
		s.show(w, http.StatusOK, "exchange-outgoing-one", d)
	}
}

func (s *Site) pageBooks() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		year, err := s.Exchange.ParseBookYear(r.URL.Query().Get("nam"))
		if err != nil {
			s.showError(w, r, err)
			return
		}
		v := booksView{Year: year, Prev: year - 1, Next: year + 1}
		for _, kind := range exchange.BookKinds {
			b, err := s.Exchange.Book(r.Context(), a, kind, year)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			base := fmt.Sprintf("/api/v1/exchange/registers/%s?year=%d&format=", kind, year)
			v.Books = append(v.Books, bookLink{Book: b, XLSXHref: base + "xlsx", PDFHref: base + "pdf"})
		}
		d := s.page(r, "Sổ văn bản")
		d.Data = v
		s.show(w, http.StatusOK, "exchange-books", d)
	}
}
