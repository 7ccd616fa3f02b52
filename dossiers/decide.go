package dossiers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"motcua"
	"motcua/workflows"
)

// Decision is a staff decision on a dossier.
type Decision struct {
	Action string `json:"action"`
	Note   string `json:"note,omitempty"`
	// NotePublic marks the note for the applicant to read; unmarked, a comment between
	// units stays internal (a refusal's, supplement request's, stop's or apology's reason
	// is addressed to the applicant anyway).
	NotePublic bool     `json:"notePublic,omitempty"`
	Missing    []string `json:"missing,omitempty"`
	Units      []string `json:"units,omitempty"`
	// Agencies are outside agencies consulted through the document axis, by organ ID.
	Agencies []string  `json:"agencies,omitempty"`
	Answer   string    `json:"answer,omitempty"`
	PIN      string    `json:"pin,omitempty"`
	NewDue   time.Time `json:"newDue,omitzero"`
	// RequestID makes a retried request the same decision (the Update's ID).
	RequestID string `json:"requestId,omitempty"`
	// signature is the block the signer signs under, found by the service (never sent
	// by the client).
	signature *motcua.SignatureBlock
}

// Limits of what a person writes into a decision: it goes into the workflow's history,
// the dossier's record and the notice it produces.
const (
	MaxNoteRunes    = 2000 // a note, a reason or a consulted unit's answer
	maxMissing      = 50   // documents asked for in one supplement request
	maxMissingRunes = 500  // one of them
	maxUnits        = 20   // units consulted at once
)

// check refuses a decision whose text is too long or whose lists are too many, naming
// the field; the workflow checks what the decision means.
func (d Decision) check() error {
	long := func(field, label, v string, max int) error {
		if utf8.RuneCountInString(v) > max {
			return &motcua.Error{Code: motcua.EINVALID, Field: field,
				Message: fmt.Sprintf("%s dài quá %d ký tự.", label, max)}
		}
		return nil
	}
	if err := long("note", "Nội dung ghi chú, lý do", d.Note, MaxNoteRunes); err != nil {
		return err
	}
	if err := long("answer", "Ý kiến", d.Answer, MaxNoteRunes); err != nil {
		return err
	}
	if len(d.Missing) > maxMissing {
		return &motcua.Error{Code: motcua.EINVALID, Field: "missing",
			Message: fmt.Sprintf("Mỗi lần chỉ yêu cầu bổ sung tối đa %d giấy tờ.", maxMissing)}
	}
	for i, m := range d.Missing {
		if err := long(fmt.Sprintf("missing/%d", i), "Tên giấy tờ cần bổ sung", m, maxMissingRunes); err != nil {
			return err
		}
	}
	if len(d.Units) > maxUnits {
		return &motcua.Error{Code: motcua.EINVALID, Field: "units",
			Message: fmt.Sprintf("Mỗi lần chỉ xin ý kiến tối đa %d đơn vị.", maxUnits)}
	}
	if len(d.Agencies) > maxUnits {
		return &motcua.Error{Code: motcua.EINVALID, Field: "agencies",
			Message: fmt.Sprintf("Mỗi lần chỉ xin ý kiến tối đa %d cơ quan.", maxUnits)}
	}
	if len(d.PIN) > 64 {
		return &motcua.Error{Code: motcua.EINVALID, Field: "pin", Message: "Mã PIN không hợp lệ."}
	}
	return nil
}

// updateArg is the argument of the update that carries decision d of a: the one place
// that turns a request into what the workflow receives.
func updateArg(a motcua.Actor, d Decision) any {
	return workflows.DecisionArg(d.Action, workflows.Decision{Actor: workflows.ActorOf(a), Note: strings.TrimSpace(d.Note), NotePublic: d.NotePublic,
		Missing: d.Missing, Units: d.Units, Agencies: d.Agencies, Answer: strings.TrimSpace(d.Answer), PIN: d.PIN, NewDue: d.NewDue,
		Signature: d.signature})
}

// Access says who a decision must first be hidden from.
type Access int

const (
	// AccessAPI: a citizen who may not read the dossier is told it does not exist, as
	// reading it tells them: a refusal from the workflow would say the code is real.
	// Staff learn which unit holds it from the workflow's refusal; the dossier's
	// contents stay hidden.
	AccessAPI Access = iota
	// AccessReaders: anyone who may not read the dossier, staff included, learns
	// nothing about it, not even whether the decision would be allowed (the pages,
	// which show the dossier around the decision).
	AccessReaders
)

// Decide sends a staff decision to the dossier's workflow, which checks who may take it
// and when; acc says whom the dossier is hidden from first. The access check reads
// PostgreSQL once; nothing asks the workflow before the decision.
func (s *Service) Decide(ctx context.Context, a motcua.Actor, code motcua.DossierCode, d Decision, acc Access) (State, error) {
	if _, _, _, err := motcua.ParseDossierCode(string(code)); err != nil {
		return State{}, err
	}
	var dossierID int64
	if acc == AccessReaders {
		v, err := s.readable(ctx, a, code)
		if err != nil {
			return State{}, err
		}
		dossierID = v.ID
	}
	if !slices.Contains(workflows.Actions, d.Action) {
		return State{}, &motcua.Error{Code: motcua.EINVALID, Field: "action",
			Message: "Thao tác không hợp lệ. Các thao tác: " + strings.Join(workflows.Actions, ", ") + "."}
	}
	if err := d.check(); err != nil {
		return State{}, err
	}
	if s.Engine == nil {
		return State{}, errUnavailable
	}
	switch {
	case acc == AccessReaders: // checked above
	case IsStaff(a):
		v, err := s.Store.DossierAccess(ctx, code)
		if err != nil {
			return State{}, err
		}
		dossierID = v.ID
	default:
		if _, err := s.readable(ctx, a, code); err != nil {
			return State{}, err
		}
	}
	if IsStaff(a) {
		var err error
		if a, err = s.actingActor(ctx, a, dossierID); err != nil {
			return State{}, err
		}
	}
	if d.Action == workflows.UpdateSign {
		// Who may sign today is read from the catalog and the delegations, which the
		// workflow cannot read; the signing activity checks the block against the
		// signer's certificate.
		b, err := s.signature(ctx, a, code)
		if err != nil {
			return State{}, err
		}
		d.signature = b
	}
	release, err := s.decisionSlot(ctx)
	if err != nil {
		return State{}, err
	}
	defer release()
	return s.update(ctx, code, Update{Name: d.Action, ID: d.RequestID, Arg: updateArg(a, d)})
}

// update sends an update to the dossier's workflow and answers the state it leaves.
func (s *Service) update(ctx context.Context, code motcua.DossierCode, u Update) (State, error) {
	if s.Engine == nil {
		return State{}, errUnavailable
	}
	var out workflows.Outcome
	ctx, cancel := context.WithTimeout(ctx, s.UpdateTimeout)
	defer cancel()
	if err := s.Engine.Update(ctx, code.WorkflowID(), u, &out); err != nil {
		return State{}, err
	}
	return stateOf(out.State), nil
}

// ESKIPPED is the code of a batch's dossier left undecided because an earlier one was
// refused (HTTP 409).
const ESKIPPED = "skipped"

// Batch is one decision for several dossiers (a leader signing a batch).
type Batch struct {
	Decision
	Codes []motcua.DossierCode `json:"codes"`
}

// BatchResult is the outcome of a decision on one dossier of a batch: its status, or
// why it was refused (Err, an *motcua.Error; code ESKIPPED when not tried).
type BatchResult struct {
	Code   motcua.DossierCode
	Status motcua.Status
	Err    error
}

// DecideBatch takes one decision for several dossiers, one after another. It stops at a
// refused PIN or permission: trying the same wrong PIN on the rest would lock the
// signer's credential.
func (s *Service) DecideBatch(ctx context.Context, a motcua.Actor, b Batch, acc Access) ([]BatchResult, error) {
	// A code chosen twice is decided once: the second would replay the first's answer
	// and be counted twice.
	var codes []motcua.DossierCode
	for _, c := range b.Codes {
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
			out = append(out, BatchResult{Code: code, Err: &motcua.Error{Code: ESKIPPED,
				Message: "Chưa thực hiện vì hồ sơ trước đó bị từ chối."}})
			continue
		}
		one := b.Decision
		if one.RequestID != "" {
			one.RequestID += "/" + string(code)
		}
		st, err := s.Decide(ctx, a, code, one, acc)
		if err != nil {
			out = append(out, BatchResult{Code: code, Err: err})
			// A refused signature (wrong PIN, locked credential) would be refused again.
			c := motcua.ErrorCode(err)
			stopped = c == motcua.EUNAUTHORIZED || c == motcua.EFORBIDDEN || b.Action == workflows.UpdateSign
			continue
		}
		out = append(out, BatchResult{Code: code, Status: st.Status})
	}
	return out, nil
}

// State is a dossier's live state as a decision leaves it: the workflow's State, named
// as the rest of the API names things, times absent until set.
type State struct {
	Code        motcua.DossierCode `json:"code"`
	Status      motcua.Status      `json:"status"`
	StatusLabel string             `json:"statusLabel"`
	Seq         int                `json:"seq"`
	Step        string             `json:"step,omitempty"`
	StepName    string             `json:"stepName,omitempty"`
	HolderUnit  string             `json:"holderUnit,omitempty"`
	ReceivedAt  *time.Time         `json:"receivedAt,omitempty"`
	DueAt       *time.Time         `json:"dueAt,omitempty"`
	StepDueAt   *time.Time         `json:"stepDueAt,omitempty"`
	Paused      bool               `json:"paused"`
	Apologized  bool               `json:"apologized"`
	Supplements int                `json:"supplements"`
	Consulting  []string           `json:"consulting"`
	// AwaitingAgencies say which outside agencies the dossier waits for (Vietnamese).
	AwaitingAgencies []string                       `json:"awaitingAgencies,omitempty"`
	Allowed          []string                       `json:"allowed"`
	Documents        map[motcua.DocumentKind]string `json:"documents"`
}

func stateOf(st workflows.State) State {
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
	return State{Code: st.Code, Status: st.Status, StatusLabel: st.Status.Label(), Seq: st.Seq, Step: st.Step,
		StepName: st.StepName, HolderUnit: st.HolderUnit, ReceivedAt: when(st.ReceivedAt), DueAt: when(st.DueAt),
		StepDueAt: when(st.StepDueAt), Paused: st.Paused, Apologized: st.Apologized, Supplements: st.Supplements,
		Consulting: nonNil(st.Consulting), AwaitingAgencies: st.AwaitingAgencies, Allowed: nonNil(st.Allowed), Documents: docs}
}
