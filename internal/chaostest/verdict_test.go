package chaostest

import (
	"strings"
	"testing"
	"time"

	"motcua"
)

// The suite's judgments run in `make test` on made-up records: a check that cannot fail
// would pass a broken system.

func TestCompareFindsLostDuplicatedStuckAndTwice(t *testing.T) {
	path := []string{"submit", "receive", "complete_step", "sign", "return_result"}
	good := records{
		Status:  map[motcua.DossierCode]motcua.Status{"A": motcua.StatusReturned, "B": motcua.StatusArchived},
		Keys:    map[string][]string{"k1": {"A"}, "k2": {"B"}},
		Actions: map[motcua.DossierCode][]string{"A": path, "B": path},
	}
	subs := []submission{{Key: "k1", Code: "A"}, {Key: "k2", Code: "B"}}
	if v := compare(subs, good); v.Finished != 2 || len(v.Lost)+len(v.Duplicated)+len(v.NotFinal)+len(v.Twice) != 0 {
		t.Fatalf("clean records judged %+v", v)
	}

	tests := []struct {
		name  string
		subs  []submission
		edit  func(r *records)
		field func(v verdict) []string
	}{
		{"a dossier answered 2xx is missing", subs, func(r *records) { delete(r.Status, "B"); delete(r.Actions, "B") },
			func(v verdict) []string { return v.Lost }},
		{"a dossier did not end", subs, func(r *records) { r.Status["B"] = motcua.StatusInReview },
			func(v verdict) []string { return v.NotFinal }},
		{"a retried submission made a second dossier", subs, func(r *records) { r.Status["C"] = motcua.StatusSubmitted },
			func(v verdict) []string { return v.Duplicated }},
		{"a key recorded another dossier", subs, func(r *records) { r.Keys["k2"] = []string{"C"} },
			func(v verdict) []string { return v.Duplicated }},
		{"a decision applied twice", append(subs, submission{Key: "k3", Code: "C"}), func(r *records) {
			r.Status["C"], r.Keys["k3"] = motcua.StatusReturned, []string{"C"}
			r.Actions["C"] = []string{"submit", "receive", "complete_step", "complete_step", "sign", "return_result"}
		}, func(v verdict) []string { return v.Twice }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := records{Status: map[motcua.DossierCode]motcua.Status{}, Keys: map[string][]string{}, Actions: map[motcua.DossierCode][]string{}}
			for k, v := range good.Status {
				r.Status[k] = v
			}
			for k, v := range good.Keys {
				r.Keys[k] = v
			}
			for k, v := range good.Actions {
				r.Actions[k] = v
			}
			tt.edit(&r)
			if got := tt.field(compare(tt.subs, r)); len(got) == 0 {
				t.Errorf("not found: %+v", compare(tt.subs, r))
			}
		})
	}
}

func TestJudgeAllowsOnlyTheListedOutageAnswers(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	windows := []window{{Fault: "pg-stop", Start: t0, End: t0.Add(30 * time.Second)}, {Fault: "kill", Start: t0.Add(time.Minute), End: t0.Add(80 * time.Second)}}
	at := func(s int, a answer) answer {
		a.Start, a.End = t0.Add(time.Duration(s)*time.Second), t0.Add(time.Duration(s)*time.Second+100*time.Millisecond)
		return a
	}
	tests := []struct {
		name string
		a    answer
		want judgment
	}{
		{"2xx anywhere", at(200, answer{Status: 201}), fine},
		{"429 anywhere", at(200, answer{Status: 429, Code: "too_many_requests", RetryAfter: "60"}), fine},
		{"503 unavailable with Retry-After in an outage", at(5, answer{Status: 503, Code: "unavailable", RetryAfter: "5"}), fine},
		{"the unknown outcome in an outage", at(5, answer{Status: 504, Code: motcua.EUNKNOWNOUTCOME}), fine},
		{"connection refused while the process is down", at(65, answer{Err: "dial tcp: connect: connection refused"}), fine},
		{"connection refused while PostgreSQL is down", at(5, answer{Err: "dial tcp: connect: connection refused"}), wrong},
		{"500 internal in an outage", at(5, answer{Status: 500, Code: "internal"}), wrong},
		{"503 without Retry-After in an outage", at(5, answer{Status: 503, Code: "unavailable"}), wrong},
		{"500 internal outside an outage", at(200, answer{Status: 500, Code: "internal"}), wrong},
		{"503 outside an outage", at(200, answer{Status: 503, Code: "unavailable", RetryAfter: "5"}), wrong},
		{"a refusal in an outage", at(5, answer{Status: 409, Code: "conflict"}), wrong},
		{"a request that hung through one fault and was cut by the next", answer{Start: t0.Add(20 * time.Second), End: t0.Add(70 * time.Second), Err: "EOF"}, fine},
		{"a request that began before the fault and failed in it", answer{Start: t0.Add(-time.Second), End: t0.Add(2 * time.Second), Status: 503, Code: "unavailable", RetryAfter: "5"}, fine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, where := judge(tt.a, windows); got != tt.want {
				t.Errorf("judge(%s) = %v (%s), want %v", tt.a.kind(), got, where, tt.want)
			}
		})
	}
	if !strings.Contains(answer{Err: "read: connection reset by peer"}.kind(), "connection reset") {
		t.Error("transport errors are named by kind")
	}
}
