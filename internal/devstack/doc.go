// Package devstack brings up what motcua needs to run on one machine without Docker:
// PostgreSQL (the one named by DATABASE_URL, else the one on localhost:5432, else a
// private cluster under the data directory made with the machine's initdb and pg_ctl)
// and, in the subpackage embedded, a Temporal server persisted in that PostgreSQL.
//
// In production only the DATABASE_URL path is taken, and motcua connects to a Temporal
// cluster (TEMPORAL_ADDRESS).
package devstack
