// Package motcua is the domain of the one-stop (một cửa) administrative procedure engine:
// dossiers, procedures, statuses, roles, actors, units and the error type every layer speaks.
//
// It is plain Go with no I/O and no dependency beyond the standard library; adapters
// (internal/store for PostgreSQL, api for HTTP, workflows for Temporal) depend on it, never
// the other way round.
package motcua
