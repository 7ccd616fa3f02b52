package dossiers

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

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

// TestUpdateArgCarriesTheAuthenticatedActor: the decision the workflow receives is the
// update's own input, naming the actor the request authenticated, with the person's text
// trimmed.
func TestUpdateArgCarriesTheAuthenticatedActor(t *testing.T) {
	a := motcua.Actor{UserID: 7, Username: "lanhdao1", Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	d := Decision{Note: "  Thiếu giấy tờ.  ", Answer: " Đồng ý ", Missing: []string{"Bản sao"}, PIN: "123456"}
	by := workflows.Actor{UserID: 7, Roles: []motcua.Role{motcua.RoleLeader}, UnitPath: "/G09/"}
	for _, tc := range []struct {
		action string
		want   any
	}{
		{workflows.UpdateRefuse, workflows.RefuseInput{Actor: by, Note: "Thiếu giấy tờ."}},
		{workflows.UpdateRequestSupplement, workflows.RequestSupplementInput{Actor: by, Note: "Thiếu giấy tờ.", Missing: []string{"Bản sao"}}},
		{workflows.UpdateAnswerConsult, workflows.AnswerConsultInput{Actor: by, Answer: "Đồng ý"}},
		{workflows.UpdateSign, workflows.SignInput{Actor: by, Note: "Thiếu giấy tờ.", PIN: "123456"}},
		{workflows.UpdateIssue, workflows.IssueInput{Actor: by}},
	} {
		d.Action = tc.action
		if got := updateArg(a, d); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: update argument %#v, want %#v", tc.action, got, tc.want)
		}
	}
}
