// Package chaostest is motcua's fault suite: it runs the real binary (`motcua run` and a
// second `motcua worker`) on a private PostgreSQL cluster, drives dossiers through their
// whole path over HTTP as citizens, clerks and leaders do, and meanwhile kills the
// process, restarts and stops PostgreSQL, freezes the process and kills a worker. It
// asserts that nothing submitted is lost, duplicated or left stuck, that the answers
// given during each outage are among the allowed ones (answers.go's list), and that the
// audit chain verifies; it prints the recovery time of each fault.
//
// Its test is behind the build tag "chaos", so `make test` does not build it; run it
// with `make chaos` (docs/chaos.md). It never touches the shared PostgreSQL on
// localhost:5432: every server it starts listens on a free loopback port and stops
// with the test.
package chaostest
