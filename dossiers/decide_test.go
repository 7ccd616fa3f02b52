package dossiers

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/workflows"
)

// TestDecideRefusesBeforeItReachesTheEngine: what the service checks itself (the code,
// the action's name, the lengths) is refused with the field named, and without Temporal
// a decision is refused as unavailable (503), not as an internal error.
func TestDecideRefusesBeforeItReachesTheEngine(t *testing.T) {
	s := New(Deps{})
	clerk := motcua.Actor{UserID: 2, Roles: []motcua.Role{motcua.RoleClerk}, UnitPath: "/G09/VP/"}
	code := motcua.DossierCode("000.00.01.G09-261129-0001")
	for _, tc := range []struct {
		name      string
		code      motcua.DossierCode
		d         Decision
		wantCode  string
		wantField string
	}{
		{"a malformed code", "không-phải-mã", Decision{Action: workflows.UpdateReceive}, motcua.EINVALID, ""},
		{"an unknown action", code, Decision{Action: "approve-everything"}, motcua.EINVALID, "action"},
		{"a note too long", code, Decision{Action: workflows.UpdateRefuse, Note: strings.Repeat("ạ", MaxNoteRunes+1)}, motcua.EINVALID, "note"},
		{"too many units", code, Decision{Action: workflows.UpdateConsult, Units: make([]string, maxUnits+1)}, motcua.EINVALID, "units"},
		{"a PIN too long", code, Decision{Action: workflows.UpdateSign, PIN: strings.Repeat("1", 65)}, motcua.EINVALID, "pin"},
		{"no Temporal", code, Decision{Action: workflows.UpdateReceive}, motcua.EUNAVAILABLE, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Decide(context.Background(), clerk, tc.code, tc.d, AccessAPI)
			if motcua.ErrorCode(err) != tc.wantCode {
				t.Fatalf("error %v, want code %s", err, tc.wantCode)
			}
			var e *motcua.Error
			if tc.wantField != "" && (!errors.As(err, &e) || e.Field != tc.wantField) {
				t.Errorf("error %v, want it to name field %q", err, tc.wantField)
			}
		})
	}
}

// TestUpdateArgCarriesTheAuthenticatedActor: the decision the workflow receives names
// the actor the request authenticated, and nothing else: Decision (what the API and the
// pages decode from a request) has no field that names an actor, so every decision's
// input carries the caller's identity, whatever the request says. The person's text is
// trimmed. (The worker, for its part, accepts only inputs sealed by the payload key:
// worker.TestForgedDecisionsThroughTheTemporalFrontendAreRefused.)
func TestUpdateArgCarriesTheAuthenticatedActor(t *testing.T) {
	a := motcua.Actor{UserID: 7, Username: "lanhdao1", Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	d := Decision{Note: "  Thiếu giấy tờ.  ", Answer: " Đồng ý ", Missing: []string{"Bản sao"}, PIN: "123456"}
	if f, ok := reflect.TypeFor[Decision]().FieldByNameFunc(func(n string) bool {
		return strings.Contains(strings.ToLower(n), "actor") || strings.Contains(strings.ToLower(n), "user")
	}); ok {
		t.Fatalf("Decision has a field %s: a request could name its own actor", f.Name)
	}
	for _, action := range workflows.Actions {
		d.Action = action
		arg := reflect.ValueOf(updateArg(a, d))
		actor, ok := arg.FieldByName("Actor").Interface().(workflows.Actor)
		if !ok || actor.UserID != 7 || actor.UnitPath != "/G09/" || !slices.Equal(actor.Roles, a.Roles) {
			t.Errorf("%s: the update's input %T names actor %+v", action, arg.Interface(), actor)
		}
	}
	refuse, ok := updateArg(a, Decision{Action: workflows.UpdateRefuse, Note: d.Note}).(workflows.RefuseInput)
	if !ok || refuse.Note != "Thiếu giấy tờ." {
		t.Errorf("refuse: %+v", refuse)
	}
	answer, ok := updateArg(a, Decision{Action: workflows.UpdateAnswerConsult, Answer: d.Answer}).(workflows.AnswerConsultInput)
	if !ok || answer.Answer != "Đồng ý" {
		t.Errorf("answer-consult: %+v", answer)
	}
	sign, ok := updateArg(a, Decision{Action: workflows.UpdateSign, PIN: d.PIN}).(workflows.SignInput)
	if !ok || sign.PIN != "123456" {
		t.Errorf("sign: %+v", sign)
	}
	supp, ok := updateArg(a, Decision{Action: workflows.UpdateRequestSupplement, Missing: d.Missing}).(workflows.RequestSupplementInput)
	if !ok || len(supp.Missing) != 1 {
		t.Errorf("request-supplement: %+v", supp)
	}
}

// TestDecisionSlotsHoldTheNinthClick: with DecisionsInFlight slots taken, the next
// decision waits for one, and is refused as unavailable (503: nothing was sent, so it
// may be tried again) when none frees within UpdateTimeout; a freed slot is taken at
// once; a request that goes away stops waiting. Without a bound nothing waits.
func TestDecisionSlotsHoldTheNinthClick(t *testing.T) {
	ctx := context.Background()
	s := New(Deps{DecisionsInFlight: 2, UpdateTimeout: 100 * time.Millisecond})
	first, err := s.decisionSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.decisionSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.decisionSlot(ctx); motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
		t.Fatalf("a third decision with two slots taken: %v, want %s", err, motcua.EUNAVAILABLE)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.decisionSlot(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("a request gone away: %v, want context.Canceled", err)
	}
	waiting := make(chan error, 1)
	go func() {
		release, err := s.decisionSlot(ctx)
		if err == nil {
			release()
		}
		waiting <- err
	}()
	first()
	if err := <-waiting; err != nil {
		t.Fatalf("a decision waiting when a slot is freed: %v", err)
	}
	second()

	unbounded := New(Deps{UpdateTimeout: time.Millisecond})
	for i := range 100 {
		if _, err := unbounded.decisionSlot(ctx); err != nil {
			t.Fatalf("no bound: decision %d: %v", i, err)
		}
	}
}
