package main

import (
	"testing"
	"time"

	"motcua/internal/population"
)

// TestPopulationConfigIsDevelopmentNoneOrRefused: MOTCUA_POPULATION names the
// development registry or none; anything else, and a POPULATION_TIMEOUT that is not a
// positive duration, stop the process with a one-line reason instead of running
// without the lookup the operator asked for.
func TestPopulationConfigIsDevelopmentNoneOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name, population, timeout string
		dev, bad                  bool
		want                      time.Duration
	}{
		{"run's default", "development", "", true, false, 0},
		{"api's default", "none", "", false, false, 0},
		{"a timeout", "development", "3s", true, false, 3 * time.Second},
		{"an unknown registry", "https://dancu.example.vn", "", false, true, 0},
		{"a bad timeout", "development", "soon", false, true, 0},
		{"a negative timeout", "development", "-1s", false, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &process{cfg: config{Population: tc.population, PopulationTimeout: tc.timeout}}
			reg, timeout, err := p.populationConfig()
			if (err != nil) != tc.bad {
				t.Fatalf("err = %v, want an error: %t", err, tc.bad)
			}
			if _, isDev := reg.(population.Development); isDev != tc.dev || timeout != tc.want {
				t.Errorf("registry %T, timeout %s; want development %t, %s", reg, timeout, tc.dev, tc.want)
			}
		})
	}
}
