package main

import (
	"context"
	"strings"
	"testing"
)

func TestCalendarCommandHolidaysPrintsEveryDayOff(t *testing.T) {
	env, out, _ := cliEnv()
	if err := calendarCmd(context.Background(), []string{"holidays", "2026"}, env); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 14 {
		t.Fatalf("%d lines, want 14:\n%s", len(lines), out)
	}
	for _, want := range []string{
		"2026-01-01\tTết Dương lịch",
		"2026-02-17\tTết Nguyên đán",
		"2026-04-27\tNghỉ bù Giỗ Tổ Hùng Vương",
		"2026-09-02\tQuốc khánh",
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("missing line %q in:\n%s", want, out)
		}
	}
}

func TestCalendarCommandDue(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		// Friday before Tết 2026 at 09:00: 6h that day, 8h on Monday 23, 2h on Tuesday 24.
		{[]string{"due", "2026-02-13T09:00", "2d"}, "2026-02-24T09:00:00+07:00"},
		// The same instant in UTC.
		{[]string{"due", "2026-02-13T02:00:00Z", "2d"}, "2026-02-24T09:00:00+07:00"},
		// After the cut-off: counting starts Tuesday 07:00.
		{[]string{"due", "2026-03-02 15:30", "4h"}, "2026-03-03T11:00:00+07:00"},
		{[]string{"due", "2026-03-02T07:00:00+07:00", "5d"}, "2026-03-06T17:00:00+07:00"},
	} {
		env, out, _ := cliEnv()
		if err := calendarCmd(context.Background(), tc.args, env); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got := strings.TrimSpace(out.String()); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestCalendarCommandBadArgumentsAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "want a subcommand"},
		{[]string{"leap"}, "unknown subcommand"},
		{[]string{"holidays"}, "want one YEAR"},
		{[]string{"holidays", "twenty"}, "want a year"},
		{[]string{"holidays", "3000"}, "want a year"},
		{[]string{"due", "2026-03-02T07:00"}, "want START and DURATION"},
		{[]string{"due", "yesterday", "5d"}, "want RFC 3339"},
		{[]string{"due", "2026-03-02T07:00", "5 days"}, "working duration"},
	} {
		env, out, _ := cliEnv()
		err := calendarCmd(context.Background(), tc.args, env)
		if got := exitStatus(err); got != 2 {
			t.Errorf("%v: exit %d (%v), want 2", tc.args, got, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.msg) || strings.Contains(msg, "\n") {
			t.Errorf("%v: message %q, want one line containing %q", tc.args, msg, tc.msg)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed %q on stdout", tc.args, out)
		}
	}
}

func TestCalendarCommandHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"due", "-h"}, {"--help"}} {
		env, out, _ := cliEnv()
		if err := calendarCmd(context.Background(), args, env); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "motcua calendar due START DURATION") {
			t.Errorf("%v: help is %q", args, out)
		}
	}
}
