package motcua

import (
	"slices"
	"time"
)

// What people do to a task of an inbox (not to the dossier: the decisions of the
// transition table do that).
const (
	TaskClaim   = "claim"   // nhận xử lý: take an open task for oneself
	TaskRelease = "release" // trả lại việc: give a claimed task back to the unit
	TaskAssign  = "assign"  // giao, giao lại việc: the unit's head gives a task to someone
)

// TaskRule is one row of the task table: who may do what to an open task.
type TaskRule struct {
	Action string
	// StepRole: the actor must hold the role the task's step asks for, at the task's
	// unit (who claims it must be able to act on it).
	StepRole bool
	// Holder: the person holding the task may do it.
	Holder bool
	// Head: a leader of the task's unit (or a unit above it) may do it.
	Head bool
}

// TaskRules is the table of task actions. The dossier service reads it through
// MayTask; pages read it to offer only what it allows.
var TaskRules = []TaskRule{
	{Action: TaskClaim, StepRole: true},
	{Action: TaskRelease, Holder: true, Head: true},
	{Action: TaskAssign, Head: true},
}

// Task is an open task as the rules see it: its unit, the role its step asks for and
// who holds it (0: nobody).
type Task struct {
	ID         int64
	UnitPath   string
	StepRole   Role
	AssigneeID int64
}

// IsHead says whether a heads the unit at unitPath: a leader of that unit or of one
// above it.
func (a Actor) IsHead(unitPath string) bool { return a.Has(RoleLeader) && a.InScope(unitPath) }

// MayTask says whether a may do action to task t: nil, or an *Error (EINVALID unknown
// action, EFORBIDDEN not for this person, ECONFLICT not now).
func MayTask(action string, a Actor, t Task) error {
	i := slices.IndexFunc(TaskRules, func(r TaskRule) bool { return r.Action == action })
	if i < 0 {
		return Errorf(EINVALID, "Thao tác không được hỗ trợ.")
	}
	r := TaskRules[i]
	if !a.InScope(t.UnitPath) {
		return Errorf(EFORBIDDEN, "Việc này thuộc đơn vị khác; bạn không có quyền.")
	}
	switch {
	case r.StepRole && !a.Has(t.StepRole):
		return Errorf(EFORBIDDEN, "Việc này dành cho người có vai trò «%s»: tài khoản của bạn không nhận xử lý được.", t.StepRole.Label())
	case r.StepRole && t.AssigneeID != 0 && t.AssigneeID != a.UserID:
		return Errorf(ECONFLICT, "Việc này đã có người nhận xử lý.")
	case r.Holder || r.Head:
		if !(r.Holder && t.AssigneeID != 0 && t.AssigneeID == a.UserID) && !(r.Head && a.IsHead(t.UnitPath)) {
			if r.Holder {
				return Errorf(EFORBIDDEN, "Chỉ người đang xử lý việc hoặc lãnh đạo đơn vị mới trả lại được việc này.")
			}
			return Errorf(EFORBIDDEN, "Chỉ lãnh đạo đơn vị mới giao việc được.")
		}
		if action == TaskRelease && t.AssigneeID == 0 {
			return Errorf(ECONFLICT, "Việc này chưa có người nhận.")
		}
	}
	return nil
}

// MayHold says whether person to may be given task t: they must be able to act on it
// (the step's role, at the task's unit or above it).
func MayHold(to Actor, t Task) error {
	if !to.InScope(t.UnitPath) || !to.Has(t.StepRole) {
		return Errorf(EINVALID, "%s không xử lý được việc này: cần vai trò «%s» tại đơn vị của việc.", to.Name, t.StepRole.Label())
	}
	return nil
}

// Substitution is an out-of-office record (người thay thế): from From until Until
// (exclusive) the substitute sees the principal's tasks in their inbox and acts on
// them with the principal's authority. It is not a signing delegation.
type Substitution struct {
	ID           int64     `json:"id"`
	PrincipalID  int64     `json:"principalId"`
	Principal    string    `json:"principal"`
	SubstituteID int64     `json:"substituteId"`
	Substitute   string    `json:"substitute"`
	From         time.Time `json:"from"`
	Until        time.Time `json:"until"`
	Reason       string    `json:"reason,omitempty"`
}

// ActiveAt says whether the substitution is in force at t.
func (s Substitution) ActiveAt(t time.Time) bool { return !t.Before(s.From) && t.Before(s.Until) }

// LeaveDays is the period of an absence given in days of the Vietnam calendar, from
// the first day to the last inclusive: [first 00:00, the day after last 00:00).
func LeaveDays(first, last time.Time) (from, until time.Time, err error) {
	f, l := first.In(Vietnam), last.In(Vietnam)
	from = time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, Vietnam)
	until = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, Vietnam).AddDate(0, 0, 1)
	if !from.Before(until) {
		return from, until, &Error{Code: EINVALID, Field: "until", Message: "Ngày kết thúc phải từ ngày bắt đầu trở đi."}
	}
	if until.Sub(from) > 366*24*time.Hour {
		return from, until, &Error{Code: EINVALID, Field: "until", Message: "Một lần vắng mặt không quá một năm."}
	}
	return from, until, nil
}

// ActingFor is the actor a substitute acts as on the work of principal: the
// substitute's own identity (the history names who acted) with the principal's roles
// and unit (the authority of the work they hold).
func ActingFor(substitute, principal Actor) Actor {
	return Actor{UserID: substitute.UserID, Username: substitute.Username, Name: substitute.Name,
		Roles: slices.Clone(principal.Roles), UnitID: principal.UnitID, UnitPath: principal.UnitPath}
}
