package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"motcua/internal/calendar"
	"motcua/internal/calendar/lunar"
)

const calendarHelp = `usage: motcua calendar holidays YEAR
       motcua calendar due START DURATION

Working-day calendar (default sessions 07:00–11:30 and 13:30–17:00, cut-off 15:00,
Monday to Friday, Hanoi time), with the public holidays of the Labor Code 2019 and the
government's embedded announcements. Overrides kept in the database are not read here.

  holidays YEAR        print every day off of YEAR other than ordinary weekends, one per
                       line: ISO date, a tab, the Vietnamese name
  due START DURATION   print when DURATION of working time counted from a dossier
                       received at START runs out, in RFC 3339 (+07:00)
                       START: RFC 3339 (2026-02-13T09:00:00+07:00) or 2026-02-13T09:00
                       (Hanoi time); DURATION: 5d, 4h, 30m, 1d4h (1d = 8 working hours)
`

// calendarCmd answers working-calendar questions from the command line.
func calendarCmd(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		io.WriteString(env.Stderr, calendarHelp)
		return usageError("calendar: want a subcommand: holidays or due")
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" || a == "help" {
			_, err := io.WriteString(env.Stdout, calendarHelp)
			return err
		}
	}
	cal, err := calendar.New(calendar.Config{})
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	switch args[0] {
	case "holidays":
		if len(args) != 2 {
			return usageError("calendar holidays: want one YEAR, got %d arguments", len(args)-1)
		}
		year, err := strconv.Atoi(args[1])
		if err != nil || year < lunar.MinYear || year > lunar.MaxYear {
			return usageError("calendar holidays: year %q: want a year from %d to %d", args[1], lunar.MinYear, lunar.MaxYear)
		}
		var b strings.Builder
		for _, h := range cal.Holidays(year) {
			fmt.Fprintf(&b, "%s\t%s\n", h.Date, h.Name)
		}
		_, err = io.WriteString(env.Stdout, b.String())
		return err
	case "due":
		if len(args) != 3 {
			return usageError("calendar due: want START and DURATION, got %d arguments", len(args)-1)
		}
		start, err := parseStart(args[1], cal.Location())
		if err != nil {
			return usageError("calendar due: %v", err)
		}
		d, err := calendar.ParseDuration(args[2])
		if err != nil {
			return usageError("calendar due: %v", err)
		}
		_, err = fmt.Fprintln(env.Stdout, cal.Due(start, d, nil).Format(time.RFC3339))
		return err
	default:
		return usageError("calendar: unknown subcommand %q (want holidays or due)", args[0])
	}
}

// parseStart reads an instant as RFC 3339 or as a local date and time in loc.
func parseStart(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("start %q: want RFC 3339 (2026-02-13T09:00:00+07:00) or 2026-02-13T09:00 (Hanoi time)", s)
}
