package main

import (
	"fmt"
	"time"

	"motcua/internal/population"
)

// populationConfig is the population database the desk asks (MOTCUA_POPULATION): the
// development registry (run's default) or none. No production adapter exists yet (the
// database's protocol was not available): it is an implementation of
// population.Registry, added here as one more value.
func (p *process) populationConfig() (population.Registry, time.Duration, error) {
	var timeout time.Duration
	if s := p.cfg.PopulationTimeout; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, 0, &exitError{code: 1, msg: fmt.Sprintf("POPULATION_TIMEOUT %q is not a positive duration (e.g. 10s)", s)}
		}
		timeout = d
	}
	switch p.cfg.Population {
	case "development":
		return population.NewDevelopment(), timeout, nil
	case "none", "":
		return nil, timeout, nil
	}
	return nil, 0, &exitError{code: 1, msg: fmt.Sprintf("MOTCUA_POPULATION %q: use \"development\" (made-up people) or \"none\"; a production registry is an implementation of population.Registry (docs/accounts.md)", p.cfg.Population)}
}
