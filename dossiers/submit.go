package dossiers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
	"motcua/workflows"
)

// SubmitRequest is a citizen's submission.
type SubmitRequest struct {
	Procedure string          `json:"procedure"`
	Online    *bool           `json:"online,omitempty"` // default true: submitted on the portal
	FormData  json.RawMessage `json:"formData"`
}

// SubmitResult answers a submission.
type SubmitResult struct {
	Code        motcua.DossierCode `json:"code"`
	Channel     motcua.Channel     `json:"channel"`
	Status      motcua.Status      `json:"status"`
	StatusLabel string             `json:"statusLabel"`
	Procedure   string             `json:"procedure"`
	Version     int                `json:"version"`
	SubmittedAt time.Time          `json:"submittedAt"`
	// DueAt is the appointment the calendar gives if the dossier is received complete
	// today; the receipt issued at receipt carries the binding one.
	DueAt   time.Time `json:"dueAt"`
	Receipt string    `json:"receipt"` // where the receipt (form 01) is, once received
	Links   Links     `json:"links"`
}

// Links are where a dossier is, for programs ("self") and people ("page").
type Links map[string]string

// FieldErrors carries the e-form's field errors inside a refusal (its *motcua.Error's
// Err): the API lists them in the problem document, the pages on their fields.
type FieldErrors []forms.FieldError

func (e FieldErrors) Error() string { return fmt.Sprintf("%d field errors", len(e)) }

func invalidForm(errs []forms.FieldError) error {
	err := forms.AsError(errs).(*motcua.Error)
	err.Err = FieldErrors(errs)
	return err
}

// Submit checks and stores a submission, starts its workflow and waits until the
// workflow has recorded it. With an idempotency key, a repeated request (same body)
// gets the same dossier (replayed is true when it is the first request's answer); the
// same key with another body is refused.
func (s *Service) Submit(ctx context.Context, a motcua.Actor, key string, req SubmitRequest) (res SubmitResult, replayed bool, err error) {
	if err := motcua.Authorize(a, motcua.PermSubmitDossier, motcua.Scope{OwnerID: a.UserID}); err != nil {
		return SubmitResult{}, false, err
	}
	if len(key) > 255 {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "Idempotency-Key",
			Message: "Khóa Idempotency-Key dài quá 255 ký tự."}
	}
	now := s.Now()
	p, err := s.Catalog.At(strings.TrimSpace(req.Procedure), now)
	if err != nil {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "procedure",
			Message: "Thủ tục không có trong danh mục hoặc chưa (hoặc không còn) được áp dụng.", Err: err}
	}
	if err := motcua.CheckApplicant(a, p.ApplicantKinds); err != nil {
		return SubmitResult{}, false, err
	}
	data, errs := p.Validate(req.FormData)
	if len(errs) > 0 {
		return SubmitResult{}, false, invalidForm(errs)
	}
	normalized, err := json.Marshal(data)
	if err != nil {
		return SubmitResult{}, false, err
	}
	fee, err := p.FeeFor(data)
	if err != nil {
		return SubmitResult{}, false, &motcua.Error{Code: motcua.EINVALID, Field: "formData",
			Message: "Không tính được phí, lệ phí của hồ sơ từ số trang, số bản đã khai.", Err: err}
	}
	online := req.Online == nil || *req.Online
	hash := sha256.Sum256(append([]byte(fmt.Sprintf("%s\x00%t\x00", p.Code, online)), normalized...))
	files := fileRefs(p.Form, data)
	if key != "" {
		// A repeated request finds its dossier before its files are checked: they are
		// attached to that dossier by now.
		if res, ok, err := s.repeated(ctx, a, key, hash[:]); ok || err != nil {
			return res, ok, err
		}
	}
	if err := s.checkFiles(ctx, a, p, files); err != nil {
		if key != "" {
			// A concurrent request with the same key may have stored its dossier, and
			// attached these files to it, since the look above: answer that dossier.
			if res, ok, rerr := s.repeated(ctx, a, key, hash[:]); ok || rerr != nil {
				return res, ok, rerr
			}
		}
		return SubmitResult{}, false, err
	}
	if err := s.checkFromDocuments(ctx, a, p, data); err != nil {
		return SubmitResult{}, false, err
	}

	agency, err := s.Store.UnitByCode(ctx, p.ReceivingUnit)
	if err != nil {
		return SubmitResult{}, false, err
	}
	code, prev, err := s.Store.SubmitOnce(ctx, key, hash[:], agency.Agency, store.Submission{ApplicantID: a.UserID,
		OrganizationID: a.ApplicantOrganizationID(), UnitCode: p.ReceivingUnit, ProcedureCode: p.Code, ProcedureVersion: p.Version, Online: online, FormData: normalized,
		Files: files, SubmittedAt: now, Fee: fee, ApplicantVNeID: a.VNeID})
	if err != nil {
		return SubmitResult{}, false, err
	}
	if prev != nil {
		// The same key, taken meanwhile by a concurrent request.
		if !bytes.Equal(prev.RequestHash, hash[:]) || prev.DossierCode == "" {
			return SubmitResult{}, false, errKeyReused
		}
		var r SubmitResult
		if len(prev.Response) > 0 && json.Unmarshal(prev.Response, &r) == nil {
			return r, true, nil
		}
		code = prev.DossierCode
	}
	return s.started(ctx, a, key, code, p)
}

// repeated answers a request whose idempotency key is known: the first answer again,
// or (the first request still running) the same dossier's; another body is refused.
func (s *Service) repeated(ctx context.Context, a motcua.Actor, key string, hash []byte) (SubmitResult, bool, error) {
	k, ok, err := s.Store.IdempotencyKeyOf(ctx, a.UserID, key)
	if err != nil || !ok {
		return SubmitResult{}, false, err
	}
	if !bytes.Equal(k.RequestHash, hash) {
		return SubmitResult{}, false, errKeyReused
	}
	if k.DossierCode == "" {
		return SubmitResult{}, false, nil
	}
	if len(k.Response) > 0 {
		var r SubmitResult
		if json.Unmarshal(k.Response, &r) == nil {
			return r, true, nil
		}
	}
	sub, err := s.Store.Submission(ctx, k.DossierCode)
	if err != nil {
		return SubmitResult{}, false, err
	}
	p, err := s.Catalog.Version(sub.ProcedureCode, sub.ProcedureVersion)
	if err != nil {
		return SubmitResult{}, false, err
	}
	res, _, err := s.started(ctx, a, key, sub.Code, p)
	return res, err == nil, err
}

// SubmittedBy finds the dossier a's earlier submission with idempotency key made, if
// any (a page's form sent again after its draft is gone).
func (s *Service) SubmittedBy(ctx context.Context, a motcua.Actor, key string) (motcua.DossierCode, bool, error) {
	if key == "" {
		return "", false, nil
	}
	k, ok, err := s.Store.IdempotencyKeyOf(ctx, a.UserID, key)
	if err != nil || !ok || k.DossierCode == "" {
		return "", false, err
	}
	return k.DossierCode, true, nil
}

// started starts (or joins) the workflow of a stored submission and answers.
func (s *Service) started(ctx context.Context, a motcua.Actor, key string, code motcua.DossierCode, p *forms.Procedure) (SubmitResult, bool, error) {
	// A retry starts (or joins) the workflow with the first attempt's submission.
	sub, err := s.Store.Submission(ctx, code)
	if err != nil {
		return SubmitResult{}, false, err
	}
	channel := motcua.ChannelOf(sub.Channel, sub.Online)
	in := workflows.DossierInput{Code: code, ProcedureCode: sub.ProcedureCode, ProcedureVersion: sub.ProcedureVersion,
		ApplicantID: sub.ApplicantID, Online: channel.Electronic(), Channel: channel, SubmittedAt: sub.SubmittedAt, Fee: sub.Fee,
		FeeAfterReceipt: sub.Fee > 0 && p.Fee.AfterReceipt()}
	out, err := s.startDossier(ctx, in)
	if err != nil {
		return SubmitResult{}, false, err
	}
	res := SubmitResult{Code: code, Channel: channel, Status: out.State.Status, StatusLabel: out.State.Status.Label(), Procedure: in.ProcedureCode,
		Version: in.ProcedureVersion, SubmittedAt: in.SubmittedAt, DueAt: s.expectedDue(p, channel, in.SubmittedAt),
		Receipt: "/api/v1/dossiers/" + string(code) + "/receipt",
		Links:   Links{"self": "/api/v1/dossiers/" + string(code), "page": "/ho-so/" + string(code)}}
	if key != "" {
		body, _ := json.Marshal(res)
		if err := s.Store.KeepIdempotentAnswer(ctx, a.UserID, key, body); err != nil {
			s.Log.WarnContext(ctx, "keep idempotent answer", "code", code, "err", err)
		}
	}
	return res, false, nil
}

// errKeyReused refuses an Idempotency-Key sent again with another request.
var errKeyReused = &motcua.Error{Code: motcua.EINVALID, Field: "Idempotency-Key",
	Message: "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác."}

// startDossier starts the dossier's workflow (or joins the one already started for
// this code) and waits for its "submit" update: the submission is then in PostgreSQL.
func (s *Service) startDossier(ctx context.Context, in workflows.DossierInput) (workflows.Outcome, error) {
	var out workflows.Outcome
	if s.Engine == nil {
		return out, errUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, s.UpdateTimeout)
	defer cancel()
	err := s.Engine.StartWithUpdate(ctx,
		Start{ID: workflows.DossierID(in.Code), Workflow: workflows.DossierWorkflowName, TaskQueue: workflows.TaskQueue, Input: in},
		Update{Name: workflows.UpdateSubmit, ID: workflows.UpdateSubmit}, &out)
	return out, err
}

// expectedDue is the appointment if the dossier is received complete at t.
func (s *Service) expectedDue(p *forms.Procedure, channel motcua.Channel, t time.Time) time.Time {
	if s.WorkingTime == nil {
		return time.Time{}
	}
	v := p.TimeLimit.ForChannel(channel)
	minutes := int(v * 8 * 60)
	if p.TimeLimit.Unit == forms.WorkingHours {
		minutes = int(v * 60)
	}
	return s.WorkingTime.Due(s.WorkingTime.Start(t), minutes, nil)
}
