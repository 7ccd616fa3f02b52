package api_test

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/stacktest"
)

// TestWhoMayApply (issue 12, acceptance 3): a citizen cannot submit an agency-only
// procedure (403 with a Vietnamese reason), an agency's representative can; an
// organization's representative cannot submit a procedure for citizens, and the
// association's and the business's representatives can submit one for organizations. The former
// code of the archivist certificate still submits, under the national code.
func TestWhoMayApply(t *testing.T) {
	s := stacktest.Start(t)
	commendation := procedure(t, s, "G09.TDKT.01") // for agencies
	certificate := procedure(t, s, "1.013929")     // for citizens
	citizen, agency, association := s.As("congdan1"), s.As("daidien.cq1"), s.As("daidien.hoi1")

	for _, tc := range []struct {
		who    *stacktest.Client
		p      string
		reason string
	}{
		{citizen, commendation.Code, "chỉ dành cho cơ quan nhà nước; tài khoản công dân không nộp được"},
		{association, certificate.Code, "chỉ dành cho công dân; tài khoản đại diện cho Hội Văn thư - Lưu trữ Việt Nam (mẫu) (tổ chức) không nộp được"},
		{s.As("hoi1"), commendation.Code, "chỉ dành cho cơ quan nhà nước; tài khoản tổ chức không nộp được"},
	} {
		p := procedure(t, s, tc.p)
		r := tc.who.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": stacktest.SampleForm(tc.who, p)}, nil)
		if r.Status != 403 || r.Problem().Code != string(motcua.EFORBIDDEN) || !strings.Contains(r.Problem().Title, tc.reason) {
			t.Errorf("%s submits %s: %d %s; want 403 saying %q", tc.who.Username, p.Code, r.Status, r.Body, tc.reason)
		}
	}
	var n int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM submissions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused submissions left %d rows (%v)", n, err)
	}

	sub := stacktest.Submit(agency, commendation)
	if sub.Status != motcua.StatusSubmitted {
		t.Fatalf("the agency's representative's dossier is %s", sub.Status)
	}
	var d struct {
		Procedure string `json:"procedure"`
	}
	agency.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	if d.Procedure != commendation.Code {
		t.Errorf("dossier of %q", d.Procedure)
	}
	// The association's and the business's representatives submit a procedure open
	// to organizations only; a citizen may not.
	recognition := procedure(t, s, "1.014937")
	if r := citizen.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": recognition.Code,
		"formData": stacktest.SampleForm(citizen, recognition)}, nil); r.Status != 403 || !strings.Contains(r.Problem().Title, "chỉ dành cho tổ chức") {
		t.Errorf("a citizen submits %s: %d %s", recognition.Code, r.Status, r.Body)
	}
	for _, rep := range []string{"daidien.hoi1", "daidien.dn1"} {
		if sub := stacktest.Submit(s.As(rep), recognition); sub.Status != motcua.StatusSubmitted {
			t.Errorf("%s's dossier of %s is %s", rep, recognition.Code, sub.Status)
		}
	}

	// The former code: the API's procedure and a submission under it.
	var got struct {
		Code           string   `json:"code"`
		ApplicantKinds []string `json:"applicantKinds"`
	}
	citizen.MustDo(200, "GET", "/api/v1/procedures/G09.CVTLT.01", nil, &got)
	if got.Code != "1.013929" || strings.Join(got.ApplicantKinds, ",") != "citizen" {
		t.Errorf("GET /procedures/G09.CVTLT.01 = %+v", got)
	}
	var old stacktest.Submitted
	var oldProc struct {
		Procedure string `json:"procedure"`
	}
	citizen.MustDo(201, "POST", "/api/v1/dossiers", map[string]any{"procedure": "G09.CVTLT.01", "formData": stacktest.SampleForm(citizen, certificate)}, &old)
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(old.Code), nil, &oldProc)
	if oldProc.Procedure != "1.013929" {
		t.Errorf("a dossier submitted under the former code is of %q", oldProc.Procedure)
	}
}

// TestVNeIDLoginIsRecordedOnTheDossier: a dossier submitted in a session opened
// through VNeID records it (the portal sync reports it); one submitted after the
// development login does not.
func TestVNeIDLoginIsRecordedOnTheDossier(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	plain := s.As("congdan1")
	var userID int64
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT id FROM users WHERE username = 'congdan1'`).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	sess, err := s.Store.CreateSessionVia(t.Context(), userID, "api", time.Hour, true)
	if err != nil {
		t.Fatal(err)
	}
	vneid := &stacktest.Client{S: s, Username: "congdan1", Token: sess.Token, HTTP: plain.HTTP}
	for _, tc := range []struct {
		c    *stacktest.Client
		want bool
	}{{plain, false}, {vneid, true}} {
		code := stacktest.Submit(tc.c, p).Code
		var got bool
		if err := s.Store.Pool().QueryRow(t.Context(), `SELECT applicant_vneid FROM dossiers WHERE code = $1`, code).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: applicant_vneid %t, want %t", code, got, tc.want)
		}
	}
}
