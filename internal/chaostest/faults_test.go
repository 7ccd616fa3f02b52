//go:build chaos

package chaostest

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// fault is one thing that goes wrong under load. inject does it and undoes it (restarts
// what it killed, thaws what it froze) and returns when the fault ended: from then on
// the system should recover by itself.
type fault struct {
	name     string
	what     string
	estimate time.Duration // how long it and its recovery usually take, to pace the load
	inject   func(ctx context.Context, s *system, cfg config) (ended time.Time, err error)
}

// faults are the faults the suite knows, in the order a round runs them (CHAOS_FAULTS
// picks some).
var faults = []fault{
	{name: "kill", what: "kill -9 of motcua run (API, worker, embedded Temporal, signer), then started again",
		estimate: 25 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			run, _ := s.current()
			run.kill()
			ended := time.Now()
			return ended, s.startRun(ctx)
		}},
	{name: "pg-fast", what: "PostgreSQL restarted (pg_ctl stop -m fast, start)",
		estimate: 12 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			return restartPostgres(ctx, s, "fast", 0)
		}},
	{name: "pg-immediate", what: "PostgreSQL crashed and restarted (pg_ctl stop -m immediate, start: recovery)",
		estimate: 12 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			return restartPostgres(ctx, s, "immediate", 0)
		}},
	{name: "pg-stop", what: "PostgreSQL stopped for CHAOS_PG_STOP (20 s), then started",
		estimate: 35 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			return restartPostgres(ctx, s, "fast", cfg.PGStop)
		}},
	{name: "freeze", what: "motcua run frozen for CHAOS_FREEZE (30 s): SIGSTOP, then SIGCONT",
		estimate: 45 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			run, _ := s.current()
			if err := run.signal(syscall.SIGSTOP); err != nil {
				return time.Now(), err
			}
			sleep(ctx, cfg.Freeze)
			err := run.signal(syscall.SIGCONT)
			return time.Now(), err
		}},
	{name: "worker", what: "kill -9 of the second worker (motcua worker), a new one started",
		estimate: 40 * time.Second, inject: func(ctx context.Context, s *system, cfg config) (time.Time, error) {
			_, w := s.current()
			w.kill()
			ended := time.Now()
			return ended, s.startWorker(ctx)
		}},
}

func faultNamed(name string) (fault, error) {
	for _, f := range faults {
		if f.name == name {
			return f, nil
		}
	}
	return fault{}, fmt.Errorf("unknown fault %q in CHAOS_FAULTS: use kill, pg-fast, pg-immediate, pg-stop, freeze, worker", name)
}

// restartPostgres stops the private cluster in mode, waits down, and starts it again.
func restartPostgres(ctx context.Context, s *system, mode string, down time.Duration) (time.Time, error) {
	if err := s.pg.Stop(mode); err != nil {
		return time.Now(), err
	}
	sleep(ctx, down)
	err := s.pg.Start(ctx)
	return time.Now(), err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
