//go:build slim

package main

import "context"

// embeddedTemporal is not available in a slim build (production images), which leaves
// the Temporal server out so that every motcua process starts 45 ms sooner.
func (p *process) embeddedTemporal(ctx context.Context) (string, string, error) {
	return "", "", &exitError{code: 1, msg: "this motcua was built without the embedded Temporal server (-tags slim): set TEMPORAL_ADDRESS to a Temporal cluster"}
}
