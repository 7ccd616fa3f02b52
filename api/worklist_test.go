package api_test

import (
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
)

type inboxJSON struct {
	Items []struct {
		TaskID      int64              `json:"taskId"`
		DossierCode motcua.DossierCode `json:"dossierCode"`
		Applicant   string             `json:"applicant"`
		Assignee    string             `json:"assignee"`
	} `json:"items"`
}

func (in inboxJSON) codes() []motcua.DossierCode {
	var out []motcua.DossierCode
	for _, it := range in.Items {
		out = append(out, it.DossierCode)
	}
	return out
}

// TestSubstituteActsDuringTheLeaveAndNotAfter: a reviewing clerk claims two dossiers
// and names a clerk of another unit as substitute for three days (the stack's clock is
// injected: 01/12/2026, then 04/12/2026). During the leave the two tasks show in the
// substitute's "my work", the substitute takes the step's decision on one of them with
// the holder's authority, and its history names both who acted and whom for (staff
// only: the applicant does not see the holder). After the leave the other task is gone
// from the substitute's inbox and the same decision is refused; the holder, back, takes
// it.
func TestSubstituteActsDuringTheLeaveAndNotAfter(t *testing.T) {
	var clock atomic.Int64
	set := func(day int) { clock.Store(time.Date(2026, 12, day, 9, 0, 0, 0, motcua.Vietnam).UnixNano()) }
	set(1)
	s := stacktest.Start(t, stacktest.Options{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	var p *forms.Procedure
	for _, c := range s.Catalog.Procedures() {
		if len(c.Steps) > 2 && c.Steps[1].Role == motcua.RoleClerk && c.Steps[1].Unit != "TDKT" {
			p = c
			break
		}
	}
	if p == nil {
		t.Fatal("no procedure with a clerk's second step")
	}
	holder := stacktest.Staff[p.Steps[1].Unit+"/clerk"]
	const substitute = "chuyenvien4" // TDKT: no authority of their own over the step's unit
	citizen := s.As("congdan1")
	a, b := stacktest.Submit(citizen, p).Code, stacktest.Submit(citizen, p).Code
	for _, code := range []motcua.DossierCode{a, b} {
		user, body, _, err := stacktest.NextDecision(p, s.State(code), false)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.Act(user, code, body); r.Status != 200 { // the desk receives it
			t.Fatalf("%s: %d %s", body["action"], r.Status, r.Body)
		}
		var in inboxJSON
		s.As(holder).MustDo(200, "GET", "/api/v1/inbox?q="+url.QueryEscape(string(code)), nil, &in)
		if len(in.Items) != 1 || in.Items[0].Applicant == "" {
			t.Fatalf("%s: search by code found %+v", code, in.Items)
		}
		s.As(holder).MustDo(204, "POST", stacktest.Sprintf("/api/v1/inbox/%d/claim", in.Items[0].TaskID), nil, nil)
	}
	var sub struct {
		ID int64 `json:"id"`
	}
	s.As(holder).MustDo(201, "POST", "/api/v1/substitutes", map[string]any{"substitute": substitute, "from": "2026-12-01",
		"until": "03/12/2026", "reason": "Đi công tác"}, &sub)

	// During the leave.
	var mine inboxJSON
	s.As(substitute).MustDo(200, "GET", "/api/v1/inbox?mine=true", nil, &mine)
	if !slices.Contains(mine.codes(), a) || !slices.Contains(mine.codes(), b) {
		t.Fatalf("substitute's work during the leave: %v, want %s and %s", mine.codes(), a, b)
	}
	_, body, _, err := stacktest.NextDecision(p, s.State(a), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(substitute, a, body); r.Status != 200 {
		t.Fatalf("substitute's %s during the leave: %d %s", body["action"], r.Status, r.Body)
	}
	hs, err := s.Store.ActorByUsername(t.Context(), holder)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := s.Store.ActorByUsername(t.Context(), substitute)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		History []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
			Holder string `json:"holder"`
		} `json:"history"`
	}
	s.As(holder).MustDo(200, "GET", "/api/v1/dossiers/"+string(a), nil, &d)
	last := d.History[len(d.History)-1]
	if last.Actor != ss.Name || last.Holder != hs.Name {
		t.Fatalf("history's last event %+v: want actor %q for holder %q", last, ss.Name, hs.Name)
	}
	d.History = nil // decoding into the staff's rows would keep their holder
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(a), nil, &d)
	if len(d.History) == 0 {
		t.Fatal("the applicant sees no history")
	}
	for _, e := range d.History {
		if e.Holder != "" {
			t.Fatalf("the applicant sees who held the work: %+v", e)
		}
	}

	// After the leave (it ended at the end of 03/12).
	set(4)
	mine = inboxJSON{}
	s.As(substitute).MustDo(200, "GET", "/api/v1/inbox?mine=true", nil, &mine)
	if slices.Contains(mine.codes(), b) {
		t.Fatalf("substitute still holds %s after the leave: %v", b, mine.codes())
	}
	_, body, _, err = stacktest.NextDecision(p, s.State(b), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(substitute, b, body); r.Status != 403 {
		t.Fatalf("substitute's %s after the leave: %d %s, want 403", body["action"], r.Status, r.Body)
	}
	if r := s.Act(holder, b, body); r.Status != 200 {
		t.Fatalf("holder's %s after the leave: %d %s", body["action"], r.Status, r.Body)
	}
}

// TestSubstituteActsOnTheUnclaimedWorkOfTheirColleague: the substitute's scope is all
// the absent colleague could act on by role in their unit, not only what they hold. A
// reviewing clerk, holding nothing, names a clerk of another unit as substitute for
// three days: during the leave the unit's unclaimed tasks show in the substitute's
// inbox, the substitute takes the step's decision on one with the colleague's authority
// and the history names both; after the leave the other is gone from the substitute's
// inbox and the decision is refused.
func TestSubstituteActsOnTheUnclaimedWorkOfTheirColleague(t *testing.T) {
	var clock atomic.Int64
	set := func(day int) { clock.Store(time.Date(2026, 12, day, 9, 0, 0, 0, motcua.Vietnam).UnixNano()) }
	set(1)
	s := stacktest.Start(t, stacktest.Options{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	var p *forms.Procedure
	for _, c := range s.Catalog.Procedures() {
		if len(c.Steps) > 2 && c.Steps[1].Role == motcua.RoleClerk && c.Steps[1].Unit != "TDKT" {
			p = c
			break
		}
	}
	if p == nil {
		t.Fatal("no procedure with a clerk's second step")
	}
	principal := stacktest.Staff[p.Steps[1].Unit+"/clerk"]
	const substitute = "chuyenvien4" // TDKT: no authority of their own over the step's unit
	citizen := s.As(stacktest.ApplicantFor(p))
	a, b := stacktest.Submit(citizen, p).Code, stacktest.Submit(citizen, p).Code
	for _, code := range []motcua.DossierCode{a, b} {
		user, body, _, err := stacktest.NextDecision(p, s.State(code), false)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.Act(user, code, body); r.Status != 200 { // the desk receives it
			t.Fatalf("%s: %d %s", body["action"], r.Status, r.Body)
		}
	}
	var in inboxJSON
	s.As(substitute).MustDo(200, "GET", "/api/v1/inbox", nil, &in)
	if slices.Contains(in.codes(), a) || slices.Contains(in.codes(), b) {
		t.Fatalf("substitute sees the unit's work before any leave: %v", in.codes())
	}
	_, body, _, err := stacktest.NextDecision(p, s.State(a), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(substitute, a, body); r.Status != 403 && r.Status != 404 {
		t.Fatalf("substitute's %s before the leave: %d %s, want 403 or 404", body["action"], r.Status, r.Body)
	}
	s.As(principal).MustDo(201, "POST", "/api/v1/substitutes", map[string]any{"substitute": substitute, "from": "2026-12-01",
		"until": "03/12/2026", "reason": "Nghỉ phép"}, nil)

	// During the leave: the unclaimed work of the colleague's unit.
	in = inboxJSON{}
	s.As(substitute).MustDo(200, "GET", "/api/v1/inbox", nil, &in)
	if !slices.Contains(in.codes(), a) || !slices.Contains(in.codes(), b) {
		t.Fatalf("substitute's inbox during the leave: %v, want %s and %s", in.codes(), a, b)
	}
	if r := s.Act(substitute, a, body); r.Status != 200 {
		t.Fatalf("substitute's %s during the leave: %d %s", body["action"], r.Status, r.Body)
	}
	ps, err := s.Store.ActorByUsername(t.Context(), principal)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := s.Store.ActorByUsername(t.Context(), substitute)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		History []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
			Holder string `json:"holder"`
		} `json:"history"`
	}
	s.As(principal).MustDo(200, "GET", "/api/v1/dossiers/"+string(a), nil, &d)
	last := d.History[len(d.History)-1]
	if last.Actor != ss.Name || last.Holder != ps.Name {
		t.Fatalf("history's last event %+v: want actor %q for %q", last, ss.Name, ps.Name)
	}

	// After the leave.
	set(4)
	in = inboxJSON{}
	s.As(substitute).MustDo(200, "GET", "/api/v1/inbox", nil, &in)
	if slices.Contains(in.codes(), b) {
		t.Fatalf("substitute still sees %s after the leave: %v", b, in.codes())
	}
	_, body, _, err = stacktest.NextDecision(p, s.State(b), false)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Act(substitute, b, body); r.Status != 403 && r.Status != 404 {
		t.Fatalf("substitute's %s after the leave: %d %s, want 403 or 404", body["action"], r.Status, r.Body)
	}
	if r := s.Act(principal, b, body); r.Status != 200 {
		t.Fatalf("the colleague's %s after the leave: %d %s", body["action"], r.Status, r.Body)
	}
}
