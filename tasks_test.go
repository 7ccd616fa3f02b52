package motcua_test

import (
	"testing"
	"time"

	"motcua"
)

// TestTaskRules: who may claim, release and assign a task, by the task table.
func TestTaskRules(t *testing.T) {
	clerk := motcua.Actor{UserID: 1, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TCPCP/"}
	clerk2 := motcua.Actor{UserID: 2, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TCPCP/"}
	clerical := motcua.Actor{UserID: 3, Roles: []motcua.Role{motcua.RoleClerical}, UnitPath: "/G09/TCPCP/"}
	admin := motcua.Actor{UserID: 4, Roles: []motcua.Role{motcua.RoleAdmin}, UnitPath: "/G09/"}
	head := motcua.Actor{UserID: 5, Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	outsider := motcua.Actor{UserID: 6, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/TDKT/"}
	open := motcua.Task{ID: 1, UnitPath: "/G09/TCPCP/", StepRole: motcua.RoleClerk}
	held := open
	held.AssigneeID = clerk.UserID
	for _, c := range []struct {
		name, action string
		a            motcua.Actor
		t            motcua.Task
		code         string
	}{
		{"clerk claims", motcua.TaskClaim, clerk, open, ""},
		{"clerk claims own again", motcua.TaskClaim, clerk, held, ""},
		{"another clerk cannot take it", motcua.TaskClaim, clerk2, held, motcua.ECONFLICT},
		{"clerical officer cannot claim a clerk's step", motcua.TaskClaim, clerical, open, motcua.EFORBIDDEN},
		{"admin cannot claim", motcua.TaskClaim, admin, open, motcua.EFORBIDDEN},
		{"leader cannot claim a clerk's step", motcua.TaskClaim, head, open, motcua.EFORBIDDEN},
		{"other unit cannot claim", motcua.TaskClaim, outsider, open, motcua.EFORBIDDEN},
		{"holder releases", motcua.TaskRelease, clerk, held, ""},
		{"head releases", motcua.TaskRelease, head, held, ""},
		{"another clerk cannot release", motcua.TaskRelease, clerk2, held, motcua.EFORBIDDEN},
		{"admin cannot release", motcua.TaskRelease, admin, held, motcua.EFORBIDDEN},
		{"nothing to release", motcua.TaskRelease, head, open, motcua.ECONFLICT},
		{"head assigns", motcua.TaskAssign, head, held, ""},
		{"clerk cannot assign", motcua.TaskAssign, clerk, open, motcua.EFORBIDDEN},
		{"unknown action", "steal", head, open, motcua.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := motcua.MayTask(c.action, c.a, c.t)
			if got := motcua.ErrorCode(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
				t.Fatalf("got %v, want %q", err, c.code)
			}
		})
	}
	if motcua.MayHold(clerical, open) == nil || motcua.MayHold(outsider, open) == nil || motcua.MayHold(clerk2, open) != nil {
		t.Fatal("MayHold: only who can act on the step may be given it")
	}
}

// TestLeaveDaysAreWholeVietnamDays: an absence from 01/12 to 03/12 is in force from
// 00:00 on 01/12 until 00:00 on 04/12, Vietnam time.
func TestLeaveDaysAreWholeVietnamDays(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, motcua.Vietnam) }
	from, until, err := motcua.LeaveDays(day(1, 15), day(3, 9))
	if err != nil || !from.Equal(day(1, 0)) || !until.Equal(day(4, 0)) {
		t.Fatalf("%s–%s %v", from, until, err)
	}
	s := motcua.Substitution{From: from, Until: until}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{{day(1, 0).Add(-time.Nanosecond), false}, {day(1, 0), true}, {day(3, 23), true}, {day(4, 0), false}} {
		if s.ActiveAt(c.at) != c.want {
			t.Errorf("active at %s: %v", c.at, !c.want)
		}
	}
	if _, _, err := motcua.LeaveDays(day(3, 0), day(1, 0)); motcua.ErrorCode(err) != motcua.EINVALID {
		t.Errorf("ends before it starts: %v", err)
	}
}
