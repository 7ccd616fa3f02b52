// Package populationtest holds population registries for tests.
package populationtest

import (
	"context"
	"errors"

	"motcua/internal/population"
)

// Hung is a registry that never answers until Release is closed, and ignores its
// context: the worst partner there is.
type Hung struct{ Release chan struct{} }

// NewHung returns a hung registry; close its Release to let its callers go.
func NewHung() Hung { return Hung{Release: make(chan struct{})} }

// Person waits for Release and fails.
func (h Hung) Person(context.Context, string) (population.Person, error) {
	<-h.Release
	return population.Person{}, errors.New("released")
}
