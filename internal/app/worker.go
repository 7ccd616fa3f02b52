package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"motcua/activities"
	"motcua/dossiers"
	"motcua/internal/mail"
	"motcua/internal/render"
	"motcua/internal/signing"
	"motcua/internal/signing/service"
	"motcua/worker"
)

// Activities returns the activities' dependencies, built on first use: a process that
// only serves HTTP never builds them.
func (a *App) Activities() (*activities.Activities, error) {
	a.actsMu.Lock()
	defer a.actsMu.Unlock()
	if a.acts != nil {
		return a.acts, nil
	}
	cfg := a.Config
	r, err := render.New(render.Options{FontDir: cfg.FontDir})
	if err != nil {
		return nil, fmt.Errorf("load the document templates: %w", err)
	}
	acts := &activities.Activities{Store: a.Store, Catalog: a.Catalog, Time: a.Time, Renderer: r,
		OrgName: cfg.Org.Name, Issuers: cfg.Org.issuers(cfg.SealCredential), PublicURL: cfg.PublicURL,
		Signing: activities.SigningConfig{SealCredential: cfg.SealCredential, SealPIN: cfg.SealPIN}}
	if cfg.Mail.Addr != "" {
		m, err := mail.New(cfg.Mail)
		if err != nil {
			return nil, fmt.Errorf("MOTCUA_SMTP_ADDR/MOTCUA_SMTP_FROM: %w", err)
		}
		acts.Mail = m
	}
	if cfg.SignerURL != "" {
		acts.Signer = signing.NewClient(cfg.SignerURL+service.CSCPath, cfg.SignerToken, &http.Client{Timeout: 30 * time.Second})
		acts.Signing.TSAURL = cfg.SignerURL + service.TSAPath
	}
	acts.Exchange = activities.ExchangeConfig{Axis: a.Axis, OrganID: cfg.Axis.AgencyID, Roots: a.Roots}
	a.acts = acts
	return acts, nil
}

// reportSigning is what the dossier service signs reports with: the activities'
// renderer and signature-service client, built on first use (so after SetSigner in
// `motcua run`). An API process signs reports itself, so it needs MOTCUA_SIGNER_URL too.
func (a *App) reportSigning() (dossiers.ReportSigning, error) {
	acts, err := a.Activities()
	if err != nil {
		return dossiers.ReportSigning{}, err
	}
	return dossiers.ReportSigning{Renderer: acts.Renderer, Signer: acts.Signer, TSAURL: acts.Signing.TSAURL, Place: "Hà Nội"}, nil
}

// SetSigner points the activities at a signature service started after New (`motcua
// run` starts its development service once everything else is up). It must come
// before the activities are built.
func (a *App) SetSigner(url, token string) error {
	a.actsMu.Lock()
	defer a.actsMu.Unlock()
	if a.acts != nil {
		return errors.New("SetSigner: the activities are built already")
	}
	a.Config.SignerURL, a.Config.SignerToken = url, token
	return nil
}

// NewWorker returns a worker, not started, on motcua's task queue with every workflow
// and the activities. The caller starts and stops it (the test harness stops one to
// play a crashed worker).
func (a *App) NewWorker() (sdkworker.Worker, error) {
	if a.Temporal == nil {
		return nil, errors.New("the worker needs Temporal (Config.TemporalAddress)")
	}
	acts, err := a.Activities()
	if err != nil {
		return nil, err
	}
	return worker.New(a.Temporal, acts, worker.Options{Sealer: a.Codec, Tuning: a.Config.Worker}), nil
}

// AxisPollInterval is how often a running worker takes what the axis delivered.
const AxisPollInterval = 5 * time.Second

// StartWorker starts a worker, stopped by Close, and the housekeeping workflow unless
// it already runs.
func (a *App) StartWorker(ctx context.Context) error {
	w, err := a.NewWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.onStop(w.Stop)
	if err := a.StartPortalSync(); err != nil {
		return err
	}
	if a.Axis != nil {
		pctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); a.PollAxis(pctx, AxisPollInterval) }()
		a.onStop(func() { cancel(); <-done })
	}
	return worker.StartHousekeeping(ctx, a.Temporal)
}
