package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/exchange"
	"motcua/internal/httpx"
	"motcua/internal/render"
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

// composeTypes are the kinds of administrative document the compose page offers
// (Decree 30/2020 art. 7).
var composeTypes = []string{"Công văn", "Thông báo", "Kế hoạch", "Báo cáo", "Tờ trình", "Giấy mời", "Quyết định"}

// composePriorities are the urgencies of QCVN 102:2016 OtherInfo/Priority.
var composePriorities = []selectOption{{Value: "0", Label: "Thường"}, {Value: "1", Label: "Khẩn"},
	{Value: "2", Label: "Thượng khẩn"}, {Value: "3", Label: "Hỏa tốc"}}

// agencyOption is an agency of the axis as a checkbox.
type agencyOption struct {
	exchange.Recipient
	Checked bool
}

type composeView struct {
	AxisDown   bool // the axis did not answer: no recipients to offer now
	Form       map[string]string
	Types      []selectOption
	Priorities []selectOption
	Signers    []selectOption
	Agencies   []agencyOption
	MaxText    int // the longest drafted text, in characters
}

// maxComposeFile bounds the uploaded PDF of an outgoing document.
const maxComposeFile = 10 << 20

// pageCompose is the compose form of an outgoing document (the clerical office or a
// specialist): subject, type, symbol, urgency, recipients from the axis's list of
// agencies, the signed leader, and the PDF. Posting it records the draft and starts its
// workflow, which waits for the leader's signature.
func (s *Site) pageCompose() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		if !a.Has(motcua.RoleClerical) && !a.Has(motcua.RoleClerk) {
			s.showError(w, r, &motcua.Error{Code: motcua.EFORBIDDEN, Message: "Chỉ văn thư hoặc chuyên viên được soạn văn bản đi."})
			return
		}
		form := map[string]string{"key": randomKey(), "priority": "0", "typeName": composeTypes[0]}
		if r.Method != http.MethodPost {
			s.showCompose(w, r, http.StatusOK, form, nil, nil)
			return
		}
		for _, k := range []string{"key", "subject", "typeName", "symbol", "priority", "signerId", "source"} {
			form[k] = strings.TrimSpace(r.PostFormValue(k))
		}
		form["text"] = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n"))
		if form["source"] != "soan" && form["source"] != "tai-len" {
			form["source"] = "tai-len" // a client that names none uploads, as before
			if form["text"] != "" {
				form["source"] = "soan"
			}
		}
		drafted := form["source"] == "soan"
		if _, err := hex.DecodeString(form["key"]); err != nil || len(form["key"]) != 24 {
			form["key"] = randomKey() // not the form's own key: a new document
		}
		picked := r.PostForm["recipients"]
		var errs []pageError
		if form["subject"] == "" {
			errs = append(errs, pageError{Field: "subject", Message: "Nhập trích yếu nội dung văn bản."})
		}
		if form["symbol"] == "" {
			errs = append(errs, pageError{Field: "symbol", Message: "Nhập ký hiệu văn bản (ví dụ BNV-VP)."})
		}
		if !slices.Contains(composeTypes, form["typeName"]) {
			errs = append(errs, pageError{Field: "typeName", Message: "Chọn loại văn bản trong danh sách."})
		}
		priority, err := strconv.Atoi(form["priority"])
		if err != nil || priority < 0 || priority > 3 {
			errs = append(errs, pageError{Field: "priority", Message: "Chọn độ khẩn trong danh sách."})
		}
		signer, err := strconv.ParseInt(form["signerId"], 10, 64)
		if err != nil || signer <= 0 {
			errs = append(errs, pageError{Field: "signerId", Message: "Chọn lãnh đạo ký văn bản."})
		}
		agencies, _, err := s.agencies(r)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		var to []exchange.Recipient
		for _, ag := range agencies {
			if slices.Contains(picked, ag.OrganID) {
				to = append(to, ag)
			}
		}
		if len(to) == 0 || len(to) != len(picked) {
			errs = append(errs, pageError{Field: "recipients", Message: "Chọn ít nhất một cơ quan nhận trong danh sách."})
		}
		if drafted {
			switch n := utf8.RuneCountInString(form["text"]); {
			case n == 0:
				errs = append(errs, pageError{Field: "text", Message: "Nhập nội dung công văn, hoặc chọn “Tải lên tệp PDF”."})
			case n > render.MaxLetterBody:
				errs = append(errs, pageError{Field: "text", Message: fmt.Sprintf("Nội dung công văn quá dài (%d ký tự, tối đa %d).", n, render.MaxLetterBody)})
			}
			if form["typeName"] != "Công văn" {
				errs = append(errs, pageError{Field: "typeName", Message: "Nội dung soạn thảo được trình bày theo thể thức công văn: chọn loại “Công văn”, hoặc tải lên tệp PDF."})
			}
		}
		var file exchange.File
		if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) == 1 && r.MultipartForm.File["file"][0].Size > 0 {
			fh := r.MultipartForm.File["file"][0]
			if fh.Size > maxComposeFile {
				errs = append(errs, pageError{Field: "file", Message: "Tệp văn bản quá lớn: tối đa 10 MB."})
			} else if f, err := fh.Open(); err == nil {
				data, err := io.ReadAll(io.LimitReader(f, maxComposeFile+1))
				_ = f.Close()
				if err == nil {
					file = exchange.File{Name: fh.Filename, ContentType: "application/pdf", Data: data}
				}
			}
			if file.Data != nil && !bytes.HasPrefix(file.Data, []byte("%PDF-")) {
				errs = append(errs, pageError{Field: "file", Message: "Tệp văn bản phải là tệp PDF."})
			}
		} else if !drafted {
			errs = append(errs, pageError{Field: "file", Message: "Chọn tệp PDF của văn bản."})
		}
		if len(errs) > 0 {
			s.showCompose(w, r, http.StatusUnprocessableEntity, form, picked, errs)
			return
		}
		var files []exchange.File
		if file.Data != nil {
			files = []exchange.File{file}
		}
		text := ""
		if drafted {
			text = form["text"]
		}
		o, err := s.Exchange.Compose(r.Context(), a, exchange.ComposeInput{Key: "trang/" + form["key"], Subject: form["subject"],
			TypeName: form["typeName"], Symbol: form["symbol"], Priority: priority, Recipients: to, SignerID: signer,
			Files: files, Text: text})
		if err != nil {
			if !shownError(err) {
				s.showError(w, r, err)
				return
			}
			s.showCompose(w, r, httpx.StatusOf(motcua.ErrorCode(err)), form, picked, errorsOf(err, map[string]string{"": "subject"}))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/van-ban/di/%d?ok=composed", o.ID), http.StatusSeeOther)
	}
}

func (s *Site) showCompose(w http.ResponseWriter, r *http.Request, status int, form map[string]string, picked []string, errs []pageError) {
	agencies, axisDown, err := s.agencies(r)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	signers, err := s.Exchange.Signers(r.Context())
	if err != nil {
		s.showError(w, r, err)
		return
	}
	v := composeView{Form: form, AxisDown: axisDown, MaxText: render.MaxLetterBody}
	for _, t := range composeTypes {
		v.Types = append(v.Types, selectOption{Value: t, Label: t, Selected: t == form["typeName"]})
	}
	for _, p := range composePriorities {
		p.Selected = p.Value == form["priority"]
		v.Priorities = append(v.Priorities, p)
	}
	for _, u := range signers {
		id := strconv.FormatInt(u.ID, 10)
		label := u.Name
		if u.Title != "" {
			label += " – " + u.Title
		}
		v.Signers = append(v.Signers, selectOption{Value: id, Label: label, Selected: id == form["signerId"]})
	}
	for _, ag := range agencies {
		v.Agencies = append(v.Agencies, agencyOption{Recipient: ag, Checked: slices.Contains(picked, ag.OrganID)})
	}
	d := s.page(r, "Soạn văn bản đi")
	d.Errors = errs
	d.Data = v
	s.show(w, status, "exchange-compose", d)
}

// agencies lists the axis's agencies; when the axis does not answer, the page still
// shows, saying so, with none to pick (down is true).
func (s *Site) agencies(r *http.Request) (list []exchange.Recipient, down bool, err error) {
	list, err = s.Exchange.Agencies(r.Context())
	if motcua.ErrorCode(err) == motcua.EUNAVAILABLE {
		return nil, true, nil
	}
	return list, false, err
}

// randomKey is the idempotency key a compose form carries: posting it twice is one
// document.
func randomKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type sendResultView struct {
	AxisDown bool
	Code     motcua.DossierCode
	Sends    []store.Outgoing
	Agencies []agencyOption
	CanSend  bool
}

// pageSendResult sends a dossier's signed result to other agencies: the clerk or the
// clerical office picks them; the result is sent as it is (signed, not signed again).
func (s *Site) pageSendResult() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exchangeReady(w, r) {
			return
		}
		a, _ := httpx.ActorFrom(r.Context())
		code := codeParam(r)
		if _, err := s.Dossiers.Dossier(r.Context(), a, code); err != nil {
			s.showError(w, r, err)
			return
		}
		agencies, axisDown, err := s.agencies(r)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		picked := r.PostForm["recipients"]
		var errs []pageError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			var to []exchange.Recipient
			for _, ag := range agencies {
				if slices.Contains(picked, ag.OrganID) {
					to = append(to, ag)
				}
			}
			status = http.StatusUnprocessableEntity
			if len(to) == 0 || len(to) != len(picked) {
				errs = append(errs, pageError{Field: "recipients", Message: "Chọn ít nhất một cơ quan nhận trong danh sách."})
			} else {
				_, err := s.Exchange.SendResult(r.Context(), a, code, to)
				if err == nil {
					http.Redirect(w, r, "/van-ban/ket-qua/"+url.PathEscape(string(code))+"?ok=result-sent", http.StatusSeeOther)
					return
				}
				if !shownError(err) {
					s.showError(w, r, err)
					return
				}
				errs = errorsOf(err, map[string]string{"": "recipients"})
				status = httpx.StatusOf(motcua.ErrorCode(err))
			}
		}
		sends, err := s.Exchange.ResultSends(r.Context(), code)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		v := sendResultView{AxisDown: axisDown, Code: code, Sends: sends, CanSend: a.Has(motcua.RoleClerk) || a.Has(motcua.RoleClerical)}
		for _, ag := range agencies {
			v.Agencies = append(v.Agencies, agencyOption{Recipient: ag, Checked: slices.Contains(picked, ag.OrganID)})
		}
		d := s.page(r, "Gửi kết quả hồ sơ "+string(code))
		d.Errors = errs
		d.Data = v
		s.show(w, status, "exchange-send-result", d)
	}
}
