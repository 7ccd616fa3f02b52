package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua/dossiers"
	"motcua/internal/portal"
)

// PortalConfig is where the national portal is and how to call it.
type PortalConfig struct {
	// URL is the base URL of the portal's sync API (PORTAL_URL); `motcua run` points it
	// at its development portal.
	URL string
	// Token is the bearer token the portal issued to this ministry (PORTAL_TOKEN).
	Token string
	// Timeout bounds each call (PORTAL_TIMEOUT, default portal.DefaultTimeout).
	Timeout time.Duration
	// Paths are the portal's endpoints (default portal.DefaultPaths).
	Paths portal.Paths
}

// SetPortal points the status sync at a portal started after New (`motcua run` starts
// its development portal once everything else is up). It must come before
// StartPortalSync.
func (a *App) SetPortal(url, token string) error {
	if a.syncing {
		return errors.New("SetPortal: the status sync runs already")
	}
	a.Config.Portal.URL, a.Config.Portal.Token = url, token
	return nil
}

// NewPortalSync returns the drainer of the status outbox to the configured portal, not
// started (the test harness runs one, stops it and starts another to play a restart).
func (a *App) NewPortalSync() (*portal.Syncer, error) {
	pc := a.Config.Portal
	if pc.URL == "" {
		return nil, errors.New("the status sync needs the portal's URL (PORTAL_URL)")
	}
	c, err := portal.NewClient(portal.ClientOptions{URL: pc.URL, Token: pc.Token, Timeout: pc.Timeout, Paths: pc.Paths})
	if err != nil {
		return nil, err
	}
	return portal.NewSyncer(portal.SyncOptions{Outbox: a.Store, Ratings: a.Store, Portal: c, PublicURL: a.Config.PublicURL,
		Timeout: c.Timeout(), Log: a.Log.With("component", "portal-sync")})
}

// StartPortalSync starts draining the status outbox to the portal, stopped by Close;
// without a portal URL it does nothing (the changes wait in the outbox, and are sent
// once a worker with PORTAL_URL runs). Several workers may drain at once: each claims
// its own rows.
func (a *App) StartPortalSync() error {
	if a.Config.Portal.URL == "" || a.syncing {
		return nil
	}
	s, err := a.NewPortalSync()
	if err != nil {
		return fmt.Errorf("portal sync: %w", err)
	}
	pc := a.Config.Portal
	c, err := portal.NewClient(portal.ClientOptions{URL: pc.URL, Token: pc.Token, Timeout: pc.Timeout, Paths: pc.Paths})
	if err != nil {
		return fmt.Errorf("national store push: %w", err)
	}
	// Every issued result goes to the national document store too (issue 15).
	pusher := &portal.Pusher{Outbox: a.Store, Store: c, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { s.Run(ctx); done <- struct{}{} }()
	go func() { pusher.Run(ctx, a.Log.With("component", "national-store"), 0); done <- struct{}{} }()
	a.syncing = true
	a.onStop(func() { cancel(); <-done; <-done })
	return nil
}

// nationalStore is the national document store of the configured portal; nil without
// a portal URL.
func (a *App) nationalStore() dossiers.NationalStore {
	pc := a.Config.Portal
	if pc.URL == "" {
		return nil
	}
	c, err := portal.NewClient(portal.ClientOptions{URL: pc.URL, Token: pc.Token, Timeout: pc.Timeout, Paths: pc.Paths})
	if err != nil {
		return nil
	}
	return c
}

// portalFiles fetches a portal dossier's files by reference from the configured portal
// (only URLs on its host). It reads the configuration at each fetch: `motcua run`
// builds the HTTP layer before it starts its development portal (SetPortal).
func (a *App) portalFiles() dossiers.FileFetcher { return portalFiles{a} }

type portalFiles struct{ a *App }

func (f portalFiles) FetchFile(ctx context.Context, url string, max int64) ([]byte, error) {
	pc := f.a.Config.Portal
	if pc.URL == "" {
		return nil, errors.New("portal file: no portal configured (PORTAL_URL)")
	}
	c, err := portal.NewClient(portal.ClientOptions{URL: pc.URL, Token: pc.Token, Timeout: pc.Timeout, Paths: pc.Paths})
	if err != nil {
		return nil, err
	}
	return c.FetchFile(ctx, url, max)
}
