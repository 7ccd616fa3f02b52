package chaostest

import (
	"fmt"
	"slices"
	"strings"

	"motcua"
)

// submission is what the driver was told about one dossier it submitted.
type submission struct {
	Key  string             // its Idempotency-Key
	Code motcua.DossierCode // the code a 2xx answer gave, empty without one
	Err  string             // why the driver could not finish it
}

// records is what motcua's database holds after the run.
type records struct {
	Status  map[motcua.DossierCode]motcua.Status
	Keys    map[string][]string             // Idempotency-Key → the dossier codes recorded for it
	Actions map[motcua.DossierCode][]string // a dossier's recorded decisions and events, in order
}

// verdict is the suite's judgment of the records.
type verdict struct {
	Finished                                      int
	Lost, Duplicated, NotFinal, Twice, DriverErrs []string
	Audit                                         string
}

// compare checks the records against what the driver was told: every dossier answered
// 2xx exists and reached a final status (or was returned), one dossier per
// Idempotency-Key and no dossier nobody was told about, and no decision recorded twice.
// All dossiers of one procedure take the same path, so the most common sequence of
// recorded actions is the path; a dossier that holds an action more often than the path
// took a decision twice.
func compare(subs []submission, r records) verdict {
	var v verdict
	answered := 0
	for _, s := range subs {
		if s.Err != "" {
			v.DriverErrs = append(v.DriverErrs, fmt.Sprintf("%s %s: %s", s.Key, s.Code, s.Err))
		}
		if s.Code == "" {
			continue
		}
		answered++
		st, ok := r.Status[s.Code]
		switch {
		case !ok:
			v.Lost = append(v.Lost, fmt.Sprintf("%s (key %s): not in the database", s.Code, s.Key))
		case st.Final() || st == motcua.StatusReturned:
			v.Finished++
		default:
			v.NotFinal = append(v.NotFinal, fmt.Sprintf("%s: %s", s.Code, st))
		}
		if codes := r.Keys[s.Key]; len(codes) != 1 || codes[0] != string(s.Code) {
			v.Duplicated = append(v.Duplicated, fmt.Sprintf("key %s: answered %s, recorded %v", s.Key, s.Code, codes))
		}
	}
	if len(r.Status) != answered {
		v.Duplicated = append(v.Duplicated, fmt.Sprintf("%d dossiers in the database for %d submissions answered 2xx", len(r.Status), answered))
	}

	seen := map[string]int{}
	for _, a := range r.Actions {
		seen[strings.Join(a, " ")]++
	}
	path, most := "", 0
	for k, n := range seen {
		if n > most || (n == most && k < path) {
			path, most = k, n
		}
	}
	want := counts(strings.Fields(path))
	for code, a := range r.Actions {
		for action, n := range counts(a) {
			if n > want[action] {
				v.Twice = append(v.Twice, fmt.Sprintf("%s: %s recorded %d times, the path has it %d times: %s",
					code, action, n, want[action], strings.Join(a, " ")))
			}
		}
	}
	slices.Sort(v.Twice)
	return v
}

func counts(xs []string) map[string]int {
	m := map[string]int{}
	for _, x := range xs {
		m[x]++
	}
	return m
}
