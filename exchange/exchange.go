// Package exchange is the document-exchange service: what the JSON API and the pages
// call to compose an outgoing document, have it signed, recall it, see each recipient's
// status, and to register, direct and finish incoming documents; and Poll, which takes
// what the axis delivered (documents start their IncomingDocumentWorkflow, statuses are
// recorded and told to the OutgoingDocumentWorkflow they concern).
//
// It decides nothing about a document's progress: the workflows do, through the updates
// this service sends. It reads the records through internal/store. No HTTP, no SQL.
package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/axis"
	"motcua/internal/edxml"
	"motcua/internal/render"
	"motcua/internal/store"
	"motcua/workflows"
)

// Engine is what the service needs of Temporal.
type Engine interface {
	// Start starts the workflow s unless one with its ID runs or ran.
	Start(ctx context.Context, s dossiers.Start) error
	// Update sends u to the workflow workflowID and waits for its outcome.
	Update(ctx context.Context, workflowID string, u dossiers.Update, out any) error
	// Signal sends a signal to a running workflow.
	Signal(ctx context.Context, workflowID, name string, arg any) error
}

// Temporal is the Engine over a Temporal client; nil for a nil client.
func Temporal(c client.Client) Engine {
	if c == nil {
		return nil
	}
	return temporalEngine{c: c, updates: dossiers.Temporal(c)}
}

type temporalEngine struct {
	c       client.Client
	updates dossiers.Engine
}

func (e temporalEngine) Start(ctx context.Context, s dossiers.Start) error {
	_, err := e.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: s.ID, TaskQueue: s.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE}, s.Workflow, s.Input)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

func (e temporalEngine) Update(ctx context.Context, workflowID string, u dossiers.Update, out any) error {
	return e.updates.Update(ctx, workflowID, u, out)
}

func (e temporalEngine) Signal(ctx context.Context, workflowID, name string, arg any) error {
	return e.c.SignalWorkflow(ctx, workflowID, "", name, arg)
}

// Deps is what the service needs.
type Deps struct {
	Store  *store.Store
	Engine Engine
	// Axis is the document axis; nil when the system is not connected to one.
	Axis axis.Transport
	// OrganID is this agency's identifier on the axis.
	OrganID string
	// UpdateTimeout bounds how long a decision waits for its workflow (default
	// dossiers.DefaultUpdateTimeout); past it the answer is EUNKNOWNOUTCOME.
	UpdateTimeout time.Duration
	Now           func() time.Time
	Log           *slog.Logger
	// Renderer gives the PDF renderer the registers are printed with; nil: no PDF.
	Renderer func() (*render.Renderer, error)
	// AgencyName heads the printed registers ("Bộ Nội vụ").
	AgencyName string
}

// Service is the document-exchange service.
type Service struct{ Deps }

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.UpdateTimeout <= 0 {
		d.UpdateTimeout = dossiers.DefaultUpdateTimeout
	}
	return &Service{Deps: d}
}

var errNoEngine = &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống xử lý văn bản chưa sẵn sàng. Vui lòng thử lại sau."}

func forbidden(msg string) error { return &motcua.Error{Code: motcua.EFORBIDDEN, Message: msg} }

// Recipient is an agency an outgoing document goes to.
type Recipient struct {
	OrganID   string `json:"organId"`
	OrganName string `json:"organName"`
}

// File is one file of a document.
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Data        []byte `json:"data"`
}

// ComposeInput is a draft outgoing document.
type ComposeInput struct {
	// Key makes the composition idempotent: the same key is the same document.
	Key          string      `json:"key"`
	Subject      string      `json:"subject"`
	TypeCode     string      `json:"typeCode"`
	TypeName     string      `json:"typeName"`
	Symbol       string      `json:"symbol"`
	Priority     int         `json:"priority"`
	Recipients   []Recipient `json:"recipients"`
	Files        []File      `json:"files"`
	SignerID     int64       `json:"signerId"`
	DossierCode  string      `json:"dossierCode,omitempty"`
	BusinessType int         `json:"businessType,omitempty"` // 2 update, 3 replace
	// RelatedDocumentID is the DocumentId of the document updated or replaced.
	RelatedDocumentID string `json:"relatedDocumentId,omitempty"`
	// ReplyToIncomingID is the incoming document this one answers: the envelope's
	// MessageHeader/ResponseFor names it, so that its issuer links the reply.
	ReplyToIncomingID int64 `json:"replyToIncomingId,omitempty"`
	// Text is the body of a drafted công văn (plain text, paragraphs separated by blank
	// lines): when set, the document's first file is that text laid out per Decree
	// 30/2020 by render.Letter (V/v the subject, Kính gửi the recipients, signed by
	// SignerID), its number and date filled in at registration; Files, if any, follow
	// it as attachments.
	Text string `json:"text,omitempty"`
}

// Compose records a draft outgoing document and starts its workflow, which waits for
// the leader's signature. Only the clerical office and clerks compose.
func (s *Service) Compose(ctx context.Context, actor motcua.Actor, in ComposeInput) (store.Outgoing, error) {
	if !actor.Has(motcua.RoleClerical) && !actor.Has(motcua.RoleClerk) {
		return store.Outgoing{}, forbidden("Chỉ văn thư hoặc chuyên viên được soạn văn bản đi.")
	}
	if s.Engine == nil {
		return store.Outgoing{}, errNoEngine
	}
	if in.Key == "" {
		return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "key", Message: "Cần khóa của văn bản."}
	}
	if in.BusinessType != 0 && in.BusinessType != int(edxml.BusinessUpdate) && in.BusinessType != int(edxml.BusinessReplace) {
		return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "businessType", Message: "Loại nghiệp vụ phải là cập nhật (2) hoặc thay thế (3)."}
	}
	if in.BusinessType != 0 {
		if _, err := s.Store.OutgoingByDocumentID(ctx, in.RelatedDocumentID); err != nil {
			return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "relatedDocumentId", Err: err,
				Message: "Không tìm thấy văn bản đi được cập nhật hoặc thay thế."}
		}
	}
	if len(in.Files) == 0 && strings.TrimSpace(in.Text) == "" {
		return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "files", Message: "Văn bản đi cần ít nhất một tệp hoặc nội dung soạn thảo."}
	}
	var files []store.ExchangeFile
	if strings.TrimSpace(in.Text) != "" {
		letter, err := s.draftLetter(ctx, in)
		if err != nil {
			return store.Outgoing{}, err
		}
		files = append(files, letter)
	}
	for _, f := range in.Files {
		if !bytes.HasPrefix(f.Data, []byte("%PDF-")) {
			return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "files", Message: "Tệp " + f.Name + " không phải tệp PDF."}
		}
		files = append(files, store.ExchangeFile{Name: f.Name, ContentType: "application/pdf", Data: f.Data})
	}
	var answers []store.DocumentRef
	if in.ReplyToIncomingID != 0 {
		d, err := s.Store.IncomingDocument(ctx, in.ReplyToIncomingID)
		if err != nil || d.DocumentID == "" {
			return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "replyToIncomingId", Err: err,
				Message: "Không tìm thấy văn bản đến được trả lời."}
		}
		answers = []store.DocumentRef{{OrganID: d.IssuerID, Code: strings.Trim(d.CodeNumber+"/"+d.CodeNotation, "/"),
			PromulgationDate: d.PromulgationDate, DocumentID: d.DocumentID}}
	}
	return s.start(ctx, in, files, false, answers)
}

// draftLetter lays out a drafted text as a công văn (render.Letter): the agency, the
// number and date left to the register, "V/v" the subject, Kính gửi the recipients, the
// text's paragraphs, the signing leader. Bad input is EINVALID naming the form's field
// (text, subject, symbol, recipients, signerId), before anything is recorded.
func (s *Service) draftLetter(ctx context.Context, in ComposeInput) (store.ExchangeFile, error) {
	if in.TypeName != "" && in.TypeName != "Công văn" {
		return store.ExchangeFile{}, &motcua.Error{Code: motcua.EINVALID, Field: "text",
			Message: "Nội dung soạn thảo được trình bày theo thể thức công văn: chọn loại văn bản “Công văn”, hoặc tải lên tệp PDF."}
	}
	if n := utf8.RuneCountInString(in.Text); n > render.MaxLetterBody {
		return store.ExchangeFile{}, &motcua.Error{Code: motcua.EINVALID, Field: "text",
			Message: fmt.Sprintf("Nội dung công văn quá dài (%d ký tự, tối đa %d).", n, render.MaxLetterBody)}
	}
	if s.Renderer == nil {
		return store.ExchangeFile{}, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Dịch vụ tạo tệp PDF chưa sẵn sàng."}
	}
	r, err := s.Renderer()
	if err != nil {
		return store.ExchangeFile{}, err
	}
	signers, err := s.Signers(ctx)
	if err != nil {
		return store.ExchangeFile{}, err
	}
	i := slices.IndexFunc(signers, func(u store.StaffRow) bool { return u.ID == in.SignerID })
	if i < 0 {
		return store.ExchangeFile{}, &motcua.Error{Code: motcua.EINVALID, Field: "signerId", Message: "Chọn lãnh đạo ký văn bản."}
	}
	leader := signers[i]
	title := strings.ToUpper(leader.Title)
	if title == "" {
		title = "LÃNH ĐẠO"
	}
	prefix := ""
	if strings.HasPrefix(title, "THỨ TRƯỞNG") {
		prefix = "KT. BỘ TRƯỞNG" // a deputy signs on the minister's behalf (Decree 30/2020 art. 13)
	}
	agency := s.AgencyName
	if agency == "" {
		agency = "Bộ Nội vụ"
	}
	to := make([]string, len(in.Recipients))
	for i, rc := range in.Recipients {
		to[i] = rc.OrganName
	}
	excerpt := strings.TrimSpace(in.Subject)
	for _, p := range []string{"V/v ", "v/v ", "V/V "} {
		excerpt = strings.TrimSpace(strings.TrimPrefix(excerpt, p))
	}
	out, err := r.Render(ctx, &render.Letter{
		Header: render.Header{Agency: strings.ToUpper(agency), Place: "Hà Nội", Date: s.Now(),
			Signer:     render.Signer{Prefix: prefix, Title: title, Name: leader.Name},
			Recipients: []string{"Như trên;", "Lưu: VT."}},
		Symbol: in.Symbol, Excerpt: excerpt, To: to, Body: in.Text})
	if err != nil {
		var me *motcua.Error
		if errors.As(err, &me) && me.Code == motcua.EINVALID {
			field := map[string]string{"Body": "text", "Excerpt": "subject", "Symbol": "symbol"}[me.Field]
			if field == "" && strings.HasPrefix(me.Field, "To") {
				field = "recipients"
			}
			if field == "" && strings.HasPrefix(me.Field, "Signer") {
				field = "signerId"
			}
			if field == "" {
				field = "text"
			}
			return store.ExchangeFile{}, &motcua.Error{Code: motcua.EINVALID, Field: field, Message: me.Message, Err: err}
		}
		return store.ExchangeFile{}, fmt.Errorf("draft letter: %w", err)
	}
	return store.ExchangeFile{Name: "cong-van.pdf", ContentType: "application/pdf", Data: out.PDF}, nil
}

// start records an outgoing document (with the documents it answers) and starts its
// workflow; presigned files are sent as they are (no leader's signature awaited, no seal).
func (s *Service) start(ctx context.Context, in ComposeInput, files []store.ExchangeFile, presigned bool, answers []store.DocumentRef) (store.Outgoing, error) {
	id := workflows.OutgoingWorkflowID(in.Key)
	o := store.Outgoing{WorkflowID: id, Subject: in.Subject, TypeCode: in.TypeCode, TypeName: in.TypeName, Symbol: in.Symbol,
		Priority: in.Priority, BusinessType: in.BusinessType, RelatedDocumentID: in.RelatedDocumentID, SignerID: in.SignerID,
		DossierCode: in.DossierCode, CreatedAt: s.Now()}
	for _, r := range in.Recipients {
		o.Recipients = append(o.Recipients, store.OutgoingRecipient{OrganID: r.OrganID, OrganName: r.OrganName})
	}
	oid, err := s.Store.CreateOutgoing(ctx, o, files)
	if err != nil {
		return store.Outgoing{}, err
	}
	if err := s.Store.SetResponseFor(ctx, "outgoing", oid, answers); err != nil {
		return store.Outgoing{}, err
	}
	if err := s.Engine.Start(ctx, dossiers.Start{ID: id, Workflow: workflows.OutgoingWorkflowName, TaskQueue: workflows.TaskQueue,
		Input: workflows.OutgoingInput{OutgoingID: oid, Presigned: presigned}}); err != nil {
		return store.Outgoing{}, fmt.Errorf("start %s: %w", id, err)
	}
	return s.Store.OutgoingDocument(ctx, oid)
}

// Agencies lists the agencies on the axis a document can go to (all but this one).
func (s *Service) Agencies(ctx context.Context) ([]Recipient, error) {
	if s.Axis == nil {
		return nil, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống chưa kết nối trục liên thông văn bản."}
	}
	list, err := s.Axis.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Recipient, 0, len(list))
	for _, a := range list {
		if a.ID != s.OrganID {
			out = append(out, Recipient{OrganID: a.ID, OrganName: a.Name})
		}
	}
	return out, nil
}

// resultStatuses are the dossier states in which its result is signed and issued.
var resultStatuses = []motcua.Status{motcua.StatusIssued, motcua.StatusResultReady, motcua.StatusReturned, motcua.StatusArchived}

// ResultSendable says whether a dossier in state st has a signed, issued result that
// can be sent to other agencies.
func ResultSendable(st motcua.Status) bool { return slices.Contains(resultStatuses, st) }

// Signers lists the active leaders who may sign an outgoing document.
func (s *Service) Signers(ctx context.Context) ([]store.StaffRow, error) {
	staff, err := s.Store.Staff(ctx, 2000)
	if err != nil {
		return nil, err
	}
	var out []store.StaffRow
	for _, u := range staff {
		if u.Active && slices.Contains(u.Roles, motcua.RoleLeader) {
			out = append(out, u)
		}
	}
	return out, nil
}

// SendResult sends a dossier's signed result to other agencies (the clerk or the
// clerical office picks them): an outgoing document whose attachment is the signed
// result as it is (no new signature, no seal: the envelope carries the signed file)
// is numbered in the outgoing register and sent like any other, linked to the dossier.
// Sending the same result to the same agencies again is the same document.
func (s *Service) SendResult(ctx context.Context, actor motcua.Actor, code motcua.DossierCode, to []Recipient) (store.Outgoing, error) {
	if !actor.Has(motcua.RoleClerical) && !actor.Has(motcua.RoleClerk) {
		return store.Outgoing{}, forbidden("Chỉ văn thư hoặc cán bộ được gửi kết quả cho cơ quan khác.")
	}
	if s.Engine == nil {
		return store.Outgoing{}, errNoEngine
	}
	if len(to) == 0 {
		return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "recipients", Message: "Chọn ít nhất một cơ quan nhận."}
	}
	d, err := s.Store.DossierByCode(ctx, code)
	if err != nil {
		return store.Outgoing{}, err
	}
	if !ResultSendable(d.Status) {
		return store.Outgoing{}, &motcua.Error{Code: motcua.ECONFLICT, Message: "Hồ sơ chưa có kết quả đã ký và cấp số."}
	}
	doc, err := s.Store.LatestDocument(ctx, d.ID, motcua.DocResult)
	if err != nil || !doc.Signed || !bytes.HasPrefix(doc.Data, []byte("%PDF-")) {
		return store.Outgoing{}, &motcua.Error{Code: motcua.ECONFLICT, Err: err, Message: "Hồ sơ chưa có kết quả đã ký số."}
	}
	ids := make([]string, len(to))
	for i, r := range to {
		if r.OrganID == "" || r.OrganID == s.OrganID {
			return store.Outgoing{}, &motcua.Error{Code: motcua.EINVALID, Field: "recipients", Message: "Cơ quan nhận không hợp lệ."}
		}
		ids[i] = r.OrganID
	}
	slices.Sort(ids)
	symbol := "KQ"
	if _, after, ok := strings.Cut(doc.Number, "/"); ok && after != "" {
		symbol = after
	}
	in := ComposeInput{Key: "ket-qua/" + string(code) + "/" + strings.Join(ids, "+"), DossierCode: string(code),
		Subject: "Kết quả giải quyết hồ sơ " + string(code) + " (thủ tục " + d.ProcedureCode + ")", TypeName: "Văn bản", Symbol: symbol, Recipients: to}
	name := doc.Name
	if name == "" {
		name = "ket-qua-" + string(code) + ".pdf"
	}
	return s.start(ctx, in, []store.ExchangeFile{{Name: name, ContentType: "application/pdf", Data: doc.Data,
		Signed: true, Verdict: store.VerdictPresigned}}, true, nil)
}

// ResultSends lists the outgoing documents that carried a dossier's result.
func (s *Service) ResultSends(ctx context.Context, code motcua.DossierCode) ([]store.Outgoing, error) {
	return s.Store.OutgoingForDossier(ctx, string(code))
}

// Sign is the leader's signature on a draft: the workflow then numbers, seals and sends.
func (s *Service) Sign(ctx context.Context, actor motcua.Actor, outgoingID int64, pin string) error {
	if !actor.Has(motcua.RoleLeader) {
		return forbidden("Chỉ lãnh đạo được ký văn bản đi.")
	}
	o, err := s.Store.OutgoingDocument(ctx, outgoingID)
	if err != nil {
		return err
	}
	if o.SignerID != 0 && o.SignerID != actor.UserID {
		return forbidden("Văn bản này do lãnh đạo khác ký.")
	}
	return s.update(ctx, o.WorkflowID, workflows.UpdateSignOutgoing, workflows.SignOutgoingDecision{LeaderID: actor.UserID, PIN: pin}, nil)
}

// Recall recalls a sent document: a revoke goes to every recipient (status 13), who
// answers 15 (agreed) or 16 (refused).
func (s *Service) Recall(ctx context.Context, actor motcua.Actor, outgoingID int64, reason string) error {
	if !actor.Has(motcua.RoleClerical) && !actor.Has(motcua.RoleLeader) {
		return forbidden("Chỉ văn thư hoặc lãnh đạo được thu hồi văn bản đi.")
	}
	o, err := s.Store.OutgoingDocument(ctx, outgoingID)
	if err != nil {
		return err
	}
	return s.update(ctx, o.WorkflowID, workflows.UpdateRecallOutgoing, workflows.RecallDecision{Reason: reason}, nil)
}

func (s *Service) update(ctx context.Context, workflowID, name string, arg, out any) error {
	if s.Engine == nil {
		return errNoEngine
	}
	ctx, cancel := context.WithTimeout(ctx, s.UpdateTimeout)
	defer cancel()
	return s.Engine.Update(ctx, workflowID, dossiers.Update{Name: name, ID: fmt.Sprintf("%s/%d", name, s.Now().UnixNano()), Arg: arg}, out)
}

// OutgoingView is an outgoing document with every status its recipients reported.
type OutgoingView struct {
	store.Outgoing
	History []store.StatusEvent
}

// Outgoing reads an outgoing document: the sender's view of each recipient's status.
func (s *Service) Outgoing(ctx context.Context, id int64) (OutgoingView, error) {
	o, err := s.Store.OutgoingDocument(ctx, id)
	if err != nil {
		return OutgoingView{}, err
	}
	h, err := s.Store.OutgoingHistory(ctx, id)
	return OutgoingView{Outgoing: o, History: h}, err
}

// IncomingView is an incoming document with the statuses sent about it.
type IncomingView struct {
	store.Incoming
	History []store.StatusEvent
	Files   []store.ExchangeFile
}

// Incoming reads an incoming document.
func (s *Service) Incoming(ctx context.Context, id int64) (IncomingView, error) {
	d, err := s.Store.IncomingDocument(ctx, id)
	if err != nil {
		return IncomingView{}, err
	}
	h, err := s.Store.IncomingHistory(ctx, id)
	if err != nil {
		return IncomingView{}, err
	}
	f, err := s.Store.ExchangeFiles(ctx, "incoming", id)
	return IncomingView{Incoming: d, History: h, Files: f}, err
}

// Register registers an incoming document in the incoming register (the clerical office).
func (s *Service) Register(ctx context.Context, actor motcua.Actor, incomingID int64) (workflows.IncomingRegistered, error) {
	var out workflows.IncomingRegistered
	if !actor.Has(motcua.RoleClerical) {
		return out, forbidden("Chỉ văn thư được đăng ký văn bản đến.")
	}
	d, err := s.Store.IncomingDocument(ctx, incomingID)
	if err != nil {
		return out, err
	}
	err = s.update(ctx, d.WorkflowID, workflows.UpdateRegisterIncoming, workflows.RegisterIncomingDecision{ActorID: actor.UserID}, &out)
	return out, err
}

// DirectInput is the leader's direction.
type DirectInput struct {
	LeadUnit        string    `json:"leadUnit"`
	SupportingUnits []string  `json:"supportingUnits"`
	Deadline        time.Time `json:"deadline"`
	Note            string    `json:"note"`
}

// Direct records the leader's direction (lead unit, supporting units, deadline): 04.
func (s *Service) Direct(ctx context.Context, actor motcua.Actor, incomingID int64, in DirectInput) error {
	if !actor.Has(motcua.RoleLeader) {
		return forbidden("Chỉ lãnh đạo được cho ý kiến chỉ đạo văn bản đến.")
	}
	d, err := s.Store.IncomingDocument(ctx, incomingID)
	if err != nil {
		return err
	}
	return s.update(ctx, d.WorkflowID, workflows.UpdateDirectIncoming, workflows.DirectIncomingDecision{ActorID: actor.UserID,
		LeadUnit: strings.TrimSpace(in.LeadUnit), SupportingUnits: in.SupportingUnits, Deadline: in.Deadline, Note: in.Note}, nil)
}

// Progress says the lead unit works on the document: 05.
func (s *Service) Progress(ctx context.Context, actor motcua.Actor, incomingID int64) error {
	if !actor.Has(motcua.RoleClerk) && !actor.Has(motcua.RoleLeader) {
		return forbidden("Chỉ chuyên viên hoặc lãnh đạo cập nhật tiến độ xử lý.")
	}
	d, err := s.Store.IncomingDocument(ctx, incomingID)
	if err != nil {
		return err
	}
	return s.update(ctx, d.WorkflowID, workflows.UpdateProgressIncoming, workflows.RegisterIncomingDecision{ActorID: actor.UserID}, nil)
}

// Finish ends the handling of an incoming document: a reply issued, or filed: 06.
func (s *Service) Finish(ctx context.Context, actor motcua.Actor, incomingID int64, replyDocumentID string, filed bool) error {
	if !actor.Has(motcua.RoleClerk) && !actor.Has(motcua.RoleLeader) && !actor.Has(motcua.RoleClerical) {
		return forbidden("Không có quyền kết thúc xử lý văn bản đến.")
	}
	d, err := s.Store.IncomingDocument(ctx, incomingID)
	if err != nil {
		return err
	}
	return s.update(ctx, d.WorkflowID, workflows.UpdateFinishIncoming, workflows.FinishIncomingDecision{ActorID: actor.UserID,
		ReplyDocumentID: replyDocumentID, Filed: filed}, nil)
}

// PollResult counts what one poll took from the axis.
type PollResult struct {
	Documents int // incoming workflows started (or already running)
	Statuses  int // status messages read
	Recorded  int // of which new (a status delivered twice is recorded once)
}

// Poll takes what the axis holds for this agency: each document starts its
// IncomingDocumentWorkflow (keyed by the axis message, so a document is never started
// twice; the workflow acknowledges it), and each status message is recorded against the
// outgoing document it answers, told to its workflow, then acknowledged.
func (s *Service) Poll(ctx context.Context) (PollResult, error) {
	var res PollResult
	if s.Axis == nil {
		return res, &motcua.Error{Code: motcua.EUNAVAILABLE, Message: "Hệ thống chưa kết nối trục liên thông văn bản."}
	}
	if s.Engine == nil {
		return res, errNoEngine
	}
	after := ""
	for {
		msgs, err := s.Axis.Received(ctx, axis.ReceivedQuery{After: after, Limit: axis.MaxLimit})
		if err != nil {
			return res, err
		}
		for _, m := range msgs {
			switch m.Kind {
			case axis.KindDocument:
				id := workflows.IncomingWorkflowID(m.ID)
				if err := s.Engine.Start(ctx, dossiers.Start{ID: id, Workflow: workflows.IncomingWorkflowName,
					TaskQueue: workflows.TaskQueue, Input: workflows.IncomingInput{AxisMessageID: m.ID}}); err != nil {
					return res, fmt.Errorf("start %s: %w", id, err)
				}
				res.Documents++
			case axis.KindStatus:
				added, err := s.takeStatus(ctx, m)
				if err != nil {
					return res, err
				}
				res.Statuses++
				if added {
					res.Recorded++
				}
			}
		}
		if len(msgs) < axis.MaxLimit {
			return res, nil
		}
		after = msgs[len(msgs)-1].ID
	}
}

// takeStatus records one status message and acknowledges it. A status about a
// document this agency does not know is acknowledged and logged.
func (s *Service) takeStatus(ctx context.Context, m axis.Message) (bool, error) {
	f, err := s.Axis.Fetch(ctx, m.ID)
	if err != nil {
		return false, err
	}
	env, err := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
	if err != nil || env.Status == nil {
		s.Log.Warn("axis status message unreadable", "message", m.ID, "err", err)
		return false, s.Axis.Ack(ctx, m.ID)
	}
	st := env.Status
	at, ok := parseTimestamp(st.Timestamp)
	if !ok {
		at = m.SentAt
	}
	added, err := s.Store.RecordOutgoingStatus(ctx, st.ResponseFor.DocumentId, store.StatusEvent{OrganID: st.From.OrganId,
		Status: string(st.StatusCode), Description: st.Description, At: at, AxisMessageID: m.ID})
	if motcua.ErrorCode(err) == motcua.ENOTFOUND {
		s.Log.Warn("axis status about an unknown document", "message", m.ID, "document", st.ResponseFor.DocumentId)
		return false, s.Axis.Ack(ctx, m.ID)
	}
	if err != nil {
		return false, err
	}
	if o, err := s.Store.OutgoingByDocumentID(ctx, st.ResponseFor.DocumentId); err == nil {
		var nf *serviceerror.NotFound
		if err := s.Engine.Signal(ctx, o.WorkflowID, workflows.SignalOutgoingStatus,
			workflows.OutgoingStatus{OrganID: st.From.OrganId, Code: string(st.StatusCode), Description: st.Description}); err != nil && !errors.As(err, &nf) {
			return false, err
		}
	}
	return added, s.Axis.Ack(ctx, m.ID)
}

func parseTimestamp(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006/01/02 15:04:05", "02/01/2006 15:04:05"} {
		if t, err := time.ParseInLocation(l, s, motcua.Vietnam); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ListOutgoing and ListIncoming list the clerical office's documents, newest first.
func (s *Service) ListOutgoing(ctx context.Context) ([]store.Outgoing, error) {
	return s.Store.ListOutgoing(ctx, 200)
}

// ListIncoming lists incoming documents, newest first.
func (s *Service) ListIncoming(ctx context.Context) ([]store.Incoming, error) {
	return s.Store.ListIncoming(ctx, 200)
}
