//go:build slim

package main

import "context"

// serveTemporal is not available in a slim build: the Temporal server is in the
// motcua-temporal image (Dockerfile's temporal target).
func serveTemporal(ctx context.Context, f temporalFlags, env *Env) error {
	return &exitError{code: 1, msg: "this motcua was built without the Temporal server (-tags slim): use the image of the Dockerfile's temporal target"}
}
