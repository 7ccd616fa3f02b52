package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"motcua/activities"
	"motcua/forms"
	"motcua/internal/calendar"
	"motcua/internal/mail"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
	"motcua/worker"
)

// Organization and numbering of the results (the Ministry of Home Affairs).
const (
	orgName      = "Bộ Nội vụ"
	resultSymbol = "QĐ-BNV"
)

// workingTime builds the working-time calendar: the rules, the yearly announcements
// and the administrator's overrides from PostgreSQL (which win), read again every
// worker.CalendarRefresh.
func (a *app) workingTime(ctx context.Context) (activities.WorkingTime, error) {
	return worker.LiveWorkingTime(ctx, a.loadWorkingTime, worker.CalendarRefresh, time.Now, a.log)
}

func (a *app) loadWorkingTime(ctx context.Context) (activities.WorkingTime, error) {
	rows, err := a.store.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	var extra []calendar.Override
	for _, r := range rows {
		kind := calendar.DayOff
		if r.Kind == "working_day" {
			kind = calendar.WorkingDay
		}
		extra = append(extra, calendar.Override{Date: calendar.Date{Year: r.Day.Year(), Month: r.Day.Month(), Day: r.Day.Day()},
			Kind: kind, Name: r.Name})
	}
	wt, err := worker.WorkingTime(calendar.Config{}, extra...)
	if err != nil {
		return nil, fmt.Errorf("working-time calendar: %w", err)
	}
	return wt, nil
}

// activities builds the activities' dependencies.
func (a *app) activities(ctx context.Context) (*activities.Activities, error) {
	cat, err := forms.Default()
	if err != nil {
		return nil, fmt.Errorf("load the procedure catalog: %w", err)
	}
	wt, err := a.workingTime(ctx)
	if err != nil {
		return nil, err
	}
	r, err := render.New(render.Options{})
	if err != nil {
		return nil, fmt.Errorf("load the document templates: %w", err)
	}
	acts := &activities.Activities{Store: a.store, Catalog: cat, Time: wt, Renderer: r, OrgName: orgName, Symbol: resultSymbol,
		PublicURL: a.publicURL(), Signing: activities.SigningConfig{SealCredential: a.cfg.SealCredential, SealPIN: a.cfg.SealPIN}}
	if a.cfg.SMTPAddr != "" {
		m, err := mail.New(mail.Config{Addr: a.cfg.SMTPAddr, From: a.cfg.SMTPFrom, Username: a.cfg.SMTPUsername, Password: a.cfg.SMTPPassword})
		if err != nil {
			return nil, fmt.Errorf("MOTCUA_SMTP_ADDR/MOTCUA_SMTP_FROM: %w", err)
		}
		acts.Mail = m
	}
	if base := a.signerURL(); base != "" {
		acts.Signer = signing.NewClient(base+service.CSCPath, a.signerToken(), &http.Client{Timeout: 30 * time.Second})
		acts.Signing.TSAURL = base + service.TSAPath
	}
	return acts, nil
}

// signerURL is the signature service's root URL: run's own, or MOTCUA_SIGNER_URL.
func (a *app) signerURL() string {
	if a.signer != "" {
		return a.signer
	}
	return a.cfg.SignerURL
}

func (a *app) signerToken() string {
	if a.signerTok != "" {
		return a.signerTok
	}
	return a.cfg.SignerToken
}
