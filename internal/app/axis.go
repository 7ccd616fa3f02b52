package app

import (
	"context"
	"fmt"
	"time"

	"motcua/exchange"
	"motcua/internal/render"

	"motcua/internal/axis"
)

// SetAxis points the system at a document axis: `motcua run` calls it once its
// development axis listens. The exchange service and its activities use App.Axis.
func (a *App) SetAxis(cfg axis.ClientConfig) error {
	c, err := axis.NewClient(cfg)
	if err != nil {
		return fmt.Errorf("document axis: %w", err)
	}
	a.Config.Axis = cfg
	a.Axis = c
	if a.acts != nil {
		a.acts.Exchange.Axis, a.acts.Exchange.OrganID = c, cfg.AgencyID
	}
	return nil
}

// Exchange returns the document-exchange service over the system's store, Temporal and
// axis.
func (a *App) Exchange() *exchange.Service {
	now := a.Config.Now
	return exchange.New(exchange.Deps{Store: a.Store, Engine: exchange.Temporal(a.Temporal), Axis: a.Axis,
		OrganID: a.Config.Axis.AgencyID, Now: now, Log: a.Log, AgencyName: "Bộ Nội vụ",
		Renderer: func() (*render.Renderer, error) {
			acts, err := a.Activities()
			if err != nil {
				return nil, err
			}
			return acts.Renderer, nil
		}})
}

// PollAxis takes what the axis delivered every interval until ctx ends: documents start
// their workflows, statuses are recorded. `motcua run` and `motcua worker` run it.
func (a *App) PollAxis(ctx context.Context, every time.Duration) {
	svc := a.Exchange()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := svc.Poll(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("poll the document axis", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
