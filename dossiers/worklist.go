package dossiers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
)

// Claim takes a task of the inbox for a (nhận xử lý). Only someone with the role the
// task's step asks for may claim it (motcua.TaskRules): a claim by anyone else could
// not be acted on, and would hide the work from those who can do it.
func (s *Service) Claim(ctx context.Context, a motcua.Actor, task int64) error {
	_, err := s.Store.ChangeTasks(ctx, a, motcua.TaskClaim, []int64{task}, a.UserID, func(t store.TaskRecord) error {
		return motcua.MayTask(motcua.TaskClaim, a, t.Task)
	})
	return err
}

// Release gives a claimed task back to its unit (trả lại việc): its holder or the
// unit's head may.
func (s *Service) Release(ctx context.Context, a motcua.Actor, task int64) error {
	_, err := s.Store.ChangeTasks(ctx, a, motcua.TaskRelease, []int64{task}, 0, func(t store.TaskRecord) error {
		return motcua.MayTask(motcua.TaskRelease, a, t.Task)
	})
	return err
}

// Assignment gives tasks to a person, or back to nobody (To "").
type Assignment struct {
	Tasks []int64 `json:"tasks"`
	To    string  `json:"to"` // username; "" releases the tasks
}

// Assign gives the tasks to a person as one action of the unit's head (giao, giao lại
// việc), audited per task: every task must be one a may assign and the person one
// who can act on it, or nothing changes.
func (s *Service) Assign(ctx context.Context, a motcua.Actor, as Assignment) ([]store.TaskChange, error) {
	action, to := motcua.TaskRelease, motcua.Actor{}
	if as.To != "" {
		action = motcua.TaskAssign
		var err error
		if to, err = s.Store.ActorByUsername(ctx, as.To); err != nil {
			if motcua.ErrorCode(err) == motcua.ENOTFOUND {
				return nil, &motcua.Error{Code: motcua.EINVALID, Field: "to", Message: "Không tìm thấy tài khoản «" + as.To + "»."}
			}
			return nil, err
		}
	}
	return s.Store.ChangeTasks(ctx, a, action, as.Tasks, to.UserID, func(t store.TaskRecord) error {
		if action == motcua.TaskRelease {
			if !a.IsHead(t.UnitPath) {
				return motcua.Errorf(motcua.EFORBIDDEN, "Chỉ lãnh đạo đơn vị mới giao việc được.")
			}
			return nil
		}
		if err := motcua.MayTask(motcua.TaskAssign, a, t.Task); err != nil {
			return err
		}
		return motcua.MayHold(to, t.Task)
	})
}

// Absence is an out-of-office period a person declares, with their substitute.
type Absence struct {
	Substitute string `json:"substitute"` // username
	From       string `json:"from"`       // first day away (YYYY-MM-DD or dd/mm/yyyy)
	Until      string `json:"until"`      // last day away, inclusive
	Reason     string `json:"reason,omitempty"`
}

// DeclareAbsence records that a is away for the absence's days and names the substitute
// who acts for them meanwhile. The substitute must be staff; a period that has ended,
// or overlaps another of a's, is refused.
func (s *Service) DeclareAbsence(ctx context.Context, a motcua.Actor, ab Absence) (motcua.Substitution, error) {
	if !IsStaff(a) {
		return motcua.Substitution{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ cán bộ mới cử người thay thế.")
	}
	first, err := ParseDay(ab.From)
	if err != nil {
		return motcua.Substitution{}, &motcua.Error{Code: motcua.EINVALID, Field: "from", Message: "Ngày bắt đầu phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
	}
	last, err := ParseDay(ab.Until)
	if err != nil {
		return motcua.Substitution{}, &motcua.Error{Code: motcua.EINVALID, Field: "until", Message: "Ngày kết thúc phải là một ngày có thật, dạng dd/mm/yyyy hoặc YYYY-MM-DD.", Err: err}
	}
	from, until, err := motcua.LeaveDays(first, last)
	if err != nil {
		return motcua.Substitution{}, err
	}
	if !until.After(s.Now()) {
		return motcua.Substitution{}, &motcua.Error{Code: motcua.EINVALID, Field: "until", Message: "Thời gian vắng mặt đã qua."}
	}
	if ab.Reason = strings.TrimSpace(ab.Reason); utf8.RuneCountInString(ab.Reason) > 500 || !utf8.ValidString(ab.Reason) {
		return motcua.Substitution{}, &motcua.Error{Code: motcua.EINVALID, Field: "reason", Message: "Lý do dài quá 500 ký tự."}
	}
	sub, err := s.Store.ActorByUsername(ctx, ab.Substitute)
	if err != nil || !IsStaff(sub) || sub.UserID == a.UserID {
		return motcua.Substitution{}, &motcua.Error{Code: motcua.EINVALID, Field: "substitute", Message: "Người thay thế phải là một cán bộ khác có tài khoản trong hệ thống."}
	}
	return s.Store.CreateSubstitution(ctx, a.UserID, motcua.Substitution{PrincipalID: a.UserID, Principal: a.Name,
		SubstituteID: sub.UserID, Substitute: sub.Name, From: from, Until: until, Reason: ab.Reason})
}

// Substitutions lists a's absences and the colleagues a stands in for, not ended yet.
func (s *Service) Substitutions(ctx context.Context, a motcua.Actor) ([]motcua.Substitution, error) {
	return s.Store.Substitutions(ctx, a.UserID, s.Now())
}

// CancelAbsence ends one of a's absences now.
func (s *Service) CancelAbsence(ctx context.Context, a motcua.Actor, id int64) error {
	return s.Store.CancelSubstitution(ctx, a.UserID, id, s.Now())
}

// actingActor is who a acts as on the dossier: a themself, or, when a stands in now
// for a colleague on leave who holds the dossier's open task, a with that colleague's
// roles and unit (motcua.ActingFor). The leave is judged by the service's clock; after
// it a acts only with their own authority.
func (s *Service) actingActor(ctx context.Context, a motcua.Actor, dossierID int64) (motcua.Actor, error) {
	if dossierID == 0 {
		return a, nil
	}
	holder, err := s.Store.SubstitutedHolder(ctx, dossierID, a.UserID, s.Now())
	if err != nil || holder == 0 {
		return a, err
	}
	p, err := s.Store.Actor(ctx, holder)
	if err != nil {
		return a, fmt.Errorf("acting for %d: %w", holder, err)
	}
	return motcua.ActingFor(a, p), nil
}

// MaxCommentRunes bounds a colleague's comment.
const MaxCommentRunes = 4000

// AddComment writes a's comment on the dossier for colleagues: internal, never shown to
// the applicant. Staff who may read the dossier may comment.
func (s *Service) AddComment(ctx context.Context, a motcua.Actor, code motcua.DossierCode, body string) (int64, error) {
	if !IsStaff(a) {
		return 0, notFound(code)
	}
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return 0, err
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > MaxCommentRunes || !utf8.ValidString(body) {
		return 0, &motcua.Error{Code: motcua.EINVALID, Field: "body", Message: fmt.Sprintf("Ý kiến phải có nội dung, không quá %d ký tự.", MaxCommentRunes)}
	}
	return s.Store.AddComment(ctx, acc.ID, a.UserID, body, s.Now())
}

// Comments lists colleagues' comments on the dossier, for staff who may read it (an
// applicant is told the dossier's comments do not exist).
func (s *Service) Comments(ctx context.Context, a motcua.Actor, code motcua.DossierCode) ([]store.Comment, error) {
	if !IsStaff(a) {
		return nil, notFound(code)
	}
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.Store.Comments(ctx, acc.ID)
}

// SaveFilter keeps the inbox filter q under name for a; the filter is checked as the
// inbox would read it.
func (s *Service) SaveFilter(ctx context.Context, a motcua.Actor, name string, q url.Values) (store.SavedFilter, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return store.SavedFilter{}, &motcua.Error{Code: motcua.EINVALID, Field: "name", Message: "Tên bộ lọc phải có từ 1 đến 100 ký tự."}
	}
	kept := url.Values{}
	for _, k := range []string{"q", "mine", "status", "procedure", "bucket", "dueBefore", "limit"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			kept.Set(k, v)
		}
	}
	if _, err := s.InboxFilter(a, kept); err != nil {
		return store.SavedFilter{}, err
	}
	return s.Store.SaveFilter(ctx, a.UserID, name, kept.Encode())
}

// SavedFilters lists a's saved filters.
func (s *Service) SavedFilters(ctx context.Context, a motcua.Actor) ([]store.SavedFilter, error) {
	return s.Store.SavedFilters(ctx, a.UserID)
}

// DeleteFilter removes one of a's saved filters.
func (s *Service) DeleteFilter(ctx context.Context, a motcua.Actor, id int64) error {
	return s.Store.DeleteFilter(ctx, a.UserID, id)
}

// Assignees lists whom a, the head of a unit, may give its work to: the clerks and
// leaders of a's unit and the units below it (none for someone who is not a head).
func (s *Service) Assignees(ctx context.Context, a motcua.Actor) ([]store.Colleague, error) {
	if !a.IsHead(a.UnitPath) {
		return nil, nil
	}
	return s.Store.Colleagues(ctx, a.UnitPath)
}

// Colleagues lists the clerks and leaders of a's organization (the top unit of a's
// unit and the units below it), whom a may name as substitute.
func (s *Service) Colleagues(ctx context.Context, a motcua.Actor) ([]store.Colleague, error) {
	if !IsStaff(a) {
		return nil, nil
	}
	root := a.UnitPath
	if parts := strings.SplitN(strings.TrimPrefix(root, "/"), "/", 2); len(parts) > 0 && parts[0] != "" {
		root = "/" + parts[0] + "/"
	}
	return s.Store.Colleagues(ctx, root)
}
