package app

import (
	"fmt"

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
	return nil
}
