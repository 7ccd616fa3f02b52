package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// records counts what a dossier has in PostgreSQL, to show a refused decision changed
// nothing.
type records struct {
	LastSeq, Events, Tasks, Handovers, Outbox, Documents int
	Status                                               string
}

func recordsOf(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) records {
	t.Helper()
	var r records
	err := s.Store.Pool().QueryRow(t.Context(), `SELECT d.last_seq, d.status,
			(SELECT count(*) FROM dossier_events WHERE dossier_id = d.id),
			(SELECT count(*) FROM tasks WHERE dossier_id = d.id),
			(SELECT count(*) FROM handovers WHERE dossier_id = d.id),
			(SELECT count(*) FROM status_outbox WHERE dossier_id = d.id),
			(SELECT count(*) FROM documents WHERE dossier_id = d.id)
		FROM dossiers d WHERE d.code = $1`, code).
		Scan(&r.LastSeq, &r.Status, &r.Events, &r.Tasks, &r.Handovers, &r.Outbox, &r.Documents)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// act sends a decision and fails unless it is accepted.
func act(t *testing.T, s *stacktest.Stack, user string, code motcua.DossierCode, body map[string]any) workflows.State {
	t.Helper()
	r := s.Act(user, code, body)
	if r.Status != 200 {
		t.Fatalf("%s as %s: %d %s", body["action"], user, r.Status, r.Body)
	}
	var answer map[string]any
	if err := json.Unmarshal(r.Body, &answer); err != nil || answer["code"] != string(code) || answer["statusLabel"] == nil ||
		answer["Status"] != nil {
		t.Errorf("%s answered %s, want the state in the API's names (code, status, statusLabel, ...)", body["action"], r.Body)
	}
	return s.State(code)
}

func procedure(t *testing.T, s *stacktest.Stack, code string) *forms.Procedure {
	t.Helper()
	p, err := s.Catalog.Procedure(code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dueOf reads the dossier's appointment from PostgreSQL.
func dueOf(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) time.Time {
	t.Helper()
	var due time.Time
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT due_at FROM dossiers WHERE code = $1`, code).Scan(&due); err != nil {
		t.Fatal(err)
	}
	return due
}

// TestSupplementLoopsUnderBothClockPolicies asks twice for a supplement during review,
// under a pause-and-extend procedure and a restart procedure; the citizen answers each
// time over HTTP with a new file, the appointment never comes earlier, and the dossier
// then finishes.
func TestSupplementLoopsUnderBothClockPolicies(t *testing.T) {
	root := stacktest.Start(t)
	for _, tc := range []struct{ code, policy string }{
		{"1.013929", "pause"},
		{"G09.TCPCP.01", "restart"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			t.Parallel()
			s := root.For(t)
			p := procedure(t, s, tc.code)
			if string(p.Supplement.Policy) != tc.policy {
				t.Fatalf("%s has policy %s", tc.code, p.Supplement.Policy)
			}
			citizen := s.As(stacktest.ApplicantFor(p))
			sub := stacktest.Submit(citizen, p)
			act(t, s, "canbo1", sub.Code, map[string]any{"action": "receive"})
			reviewer, _ := s.Actor(sub.Code, p)
			for round := 1; round <= 2; round++ {
				before := dueOf(t, s, sub.Code)
				st := act(t, s, reviewer, sub.Code, map[string]any{"action": "request-supplement",
					"note": fmt.Sprintf("Lần %d: thiếu bản sao chứng thực.", round), "missing": []string{"Bản sao chứng thực quyết định"}})
				if st.Status != motcua.StatusSupplementRequested || !st.Paused {
					t.Fatalf("round %d: %s paused=%v", round, st.Status, st.Paused)
				}
				var d dossierJSON
				citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
				if d.Expected == "" || len(d.Missing) != 1 {
					t.Errorf("round %d: citizen is not told what to do: %q %v", round, d.Expected, d.Missing)
				}
				if d.latest("supplement_request") == "" {
					t.Errorf("round %d: no supplement request notice (form 02)", round)
				}
				comp := p.Components[0]
				file := stacktest.SamplePDF("bo sung")
				name := "bo-sung.pdf"
				if comp.MimeTypes[0] != "application/pdf" {
					file, name = stacktest.SamplePNG(), "bo-sung.png"
				}
				id, r := citizen.Upload(name, file)
				if r.Status != 201 {
					t.Fatalf("upload: %d %s", r.Status, r.Body)
				}
				var after workflows.State
				citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(sub.Code)+"/supplement",
					map[string]any{"files": []map[string]string{{"id": id, "component": comp.ID}}, "note": "Đã bổ sung."}, &after)
				if after.Status != motcua.StatusInReview || after.Supplements != round {
					t.Fatalf("round %d after supplement: %s, %d supplements", round, after.Status, after.Supplements)
				}
				// In real time the wait is about a second, which counts for nothing outside
				// working hours: the appointment may stay, but never comes earlier. How far
				// it moves is checked on the real calendar with time skipping, in
				// workflows.TestSupplementTwiceUnderEachPolicyOnTheRealCalendar.
				if due := dueOf(t, s, sub.Code); due.Before(before) {
					t.Errorf("round %d (%s): due %s came before %s", round, tc.policy, due, before)
				}
				var attached int
				_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM files f JOIN dossiers d ON d.id = f.dossier_id
					WHERE d.code = $1 AND f.id = $2::uuid`, sub.Code, id).Scan(&attached)
				if attached != 1 {
					t.Errorf("round %d: the supplemented file is not attached to the dossier", round)
				}
				// The same answer again is not allowed: nothing is owed now.
				if r := citizen.Request("POST", "/api/v1/dossiers/"+string(sub.Code)+"/supplement",
					map[string]any{"note": "lần nữa"}, nil); r.Status != 409 {
					t.Errorf("supplement when none is owed: %d %s", r.Status, r.Body)
				}
			}
			if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
				t.Fatalf("ended %s", end.Status)
			}
		})
	}
}

// TestEndingsOtherThanAResult covers refusal at intake and in review, withdrawal and
// stopping: each ends the dossier with its notice, which gives the reason the officer
// wrote, and nothing further is allowed.
func TestEndingsOtherThanAResult(t *testing.T) {
	root := stacktest.Start(t)
	p := procedure(t, root, "1.014937")
	cases := []struct {
		name   string
		run    func(t *testing.T, s *stacktest.Stack, code motcua.DossierCode)
		status motcua.Status
		notice string
		reason string // what the notice must say
	}{
		{"refused at intake", func(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) {
			act(t, s, "canbo1", code, map[string]any{"action": "refuse", "note": "Không thuộc thẩm quyền giải quyết của Bộ."})
		}, motcua.StatusRefused, "refusal", "Không thuộc thẩm quyền giải quyết của Bộ."},
		{"refused in review", func(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) {
			act(t, s, "canbo1", code, map[string]any{"action": "receive"})
			act(t, s, "chuyenvien1", code, map[string]any{"action": "refuse", "note": "Quỹ không đủ điều kiện hoạt động."})
		}, motcua.StatusRejected, "refusal", "Quỹ không đủ điều kiện hoạt động."},
		{"withdrawn", func(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) {
			act(t, s, "canbo1", code, map[string]any{"action": "receive"})
			s.As(stacktest.ApplicantFor(p)).MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/withdraw", map[string]string{"note": "Tôi rút hồ sơ."}, nil)
		}, motcua.StatusWithdrawn, "", ""},
		{"stopped", func(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) {
			act(t, s, "canbo1", code, map[string]any{"action": "receive"})
			act(t, s, "chuyenvien1", code, map[string]any{"action": "stop", "note": "Tổ chức đề nghị dừng để hoàn thiện điều lệ."})
		}, motcua.StatusStopped, "stop_notice", "Tổ chức đề nghị dừng để hoàn thiện điều lệ."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := root.For(t)
			citizen := s.As(stacktest.ApplicantFor(p))
			sub := stacktest.Submit(citizen, p)
			tc.run(t, s, sub.Code)
			var d dossierJSON
			citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
			if d.Status != tc.status {
				t.Fatalf("status %s, want %s", d.Status, tc.status)
			}
			if tc.notice != "" {
				id := d.latest(tc.notice)
				if id == "" {
					t.Fatalf("no %s notice among %+v", tc.notice, d.Documents)
				}
				doc := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + id)
				if rep := s.Pdfsig(t, doc.Body); !contains(rep, "Signature is Valid") {
					t.Errorf("the %s notice is not validly sealed:\n%s", tc.notice, rep)
				}
				if text := stacktest.PDFText(t, doc.Body); !strings.Contains(text, tc.reason) {
					t.Errorf("the %s notice does not give the reason %q:\n%s", tc.notice, tc.reason, text)
				}
			}
			var open int
			_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM tasks t JOIN dossiers d ON d.id = t.dossier_id
				WHERE d.code = $1 AND t.state = 'open'`, sub.Code).Scan(&open)
			if open != 0 {
				t.Errorf("%d tasks still open", open)
			}
			if r := s.Act("canbo1", sub.Code, map[string]any{"action": "receive"}); r.Status != 409 && r.Status != 404 {
				t.Errorf("a decision on an ended dossier: %d %s", r.Status, r.Body)
			}
		})
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestSendBackRecallAndConsultation: a reviewer's leader sends the dossier back; the
// reviewer hands it on again and recalls it before the next unit acts (someone else
// may not); consultation runs without stopping the clock and blocks hand-over until
// answered; the leader returns the draft for rework.
func TestSendBackRecallAndConsultation(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.TDKT.01") // appraise at TDKT with consultation of CCVC
	citizen := s.As(stacktest.ApplicantFor(p))
	sub := stacktest.Submit(citizen, p)
	code := sub.Code
	act(t, s, "canbo1", code, map[string]any{"action": "receive"})
	due := dueOf(t, s, code)

	// Consultation: asked, hand-over refused until answered, clock unchanged.
	st := act(t, s, "chuyenvien4", code, map[string]any{"action": "consult", "units": []string{"CCVC"}, "note": "Xin ý kiến."})
	if len(st.Consulting) != 1 || st.Paused {
		t.Fatalf("consulting %v paused %v", st.Consulting, st.Paused)
	}
	before := recordsOf(t, s, code)
	if r := s.Act("chuyenvien4", code, map[string]any{"action": "complete-step"}); r.Status != 409 {
		t.Errorf("hand-over while consulting: %d %s", r.Status, r.Body)
	}
	if r := s.Act("chuyenvien1", code, map[string]any{"action": "answer-consult", "answer": "?"}); r.Status != 403 {
		t.Errorf("answer by a unit not consulted: %d %s", r.Status, r.Body)
	}
	if after := recordsOf(t, s, code); after != before {
		t.Errorf("refused decisions changed records: %+v → %+v", before, after)
	}
	var inbox struct {
		Items []struct {
			DossierCode motcua.DossierCode `json:"dossierCode"`
			Step        string             `json:"step"`
		} `json:"items"`
	}
	s.As("chuyenvien3").MustDo(200, "GET", "/api/v1/inbox", nil, &inbox)
	if len(inbox.Items) != 1 || inbox.Items[0].DossierCode != code {
		t.Errorf("consulted unit's inbox: %+v", inbox.Items)
	}
	act(t, s, "chuyenvien3", code, map[string]any{"action": "answer-consult", "answer": "Vụ Công chức - Viên chức nhất trí."})
	if !dueOf(t, s, code).Equal(due) {
		t.Errorf("consultation moved the due date")
	}

	// Hand on, then the leader at review sends it back to appraisal.
	st = act(t, s, "chuyenvien4", code, map[string]any{"action": "complete-step", "note": "Đủ điều kiện."})
	if st.Step != "xem-xet-ban" {
		t.Fatalf("at %s", st.Step)
	}
	st = act(t, s, "lanhdao1", code, map[string]any{"action": "send-back", "note": "Bổ sung đánh giá thành tích."})
	if st.Step != p.Steps[1].ID {
		t.Fatalf("sent back to %s", st.Step)
	}

	// Hand on again and recall: only the one who handed over, only before the next acts.
	act(t, s, "chuyenvien4", code, map[string]any{"action": "complete-step"})
	if r := s.Act("canbo1", code, map[string]any{"action": "recall"}); r.Status != 403 {
		t.Errorf("recall by someone else: %d %s", r.Status, r.Body)
	}
	st = act(t, s, "chuyenvien4", code, map[string]any{"action": "recall", "note": "Thu hồi để sửa tờ trình."})
	if st.Step != p.Steps[1].ID {
		t.Fatalf("recalled to %s", st.Step)
	}
	act(t, s, "chuyenvien4", code, map[string]any{"action": "complete-step"})
	act(t, s, "lanhdao1", code, map[string]any{"action": "submit-for-signing"})
	if r := s.Act("chuyenvien4", code, map[string]any{"action": "recall"}); r.Status != 403 && r.Status != 409 {
		t.Errorf("recall by someone who did not hand over last: %d %s", r.Status, r.Body)
	}
	// The leader returns the draft for rework, then it goes the whole way.
	st = act(t, s, "lanhdao1", code, map[string]any{"action": "return-for-rework", "note": "Sửa trích yếu."})
	if st.Status != motcua.StatusInReview {
		t.Fatalf("after rework: %s", st.Status)
	}
	if end := s.Drive(code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	var actions []string
	rows, _ := s.Store.Pool().Query(t.Context(), `SELECT e.action FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE d.code = $1 ORDER BY e.seq`, code)
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	for _, want := range []string{"consult", "answer-consult", "send-back", "recall", "return-for-rework", "sign", "issue", "archive"} {
		if !containsString(actions, want) {
			t.Errorf("history lacks %s: %v", want, actions)
		}
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestDisallowedDecisionsAreRejectedAndChangeNothing: out of order, wrong role, a
// clerk of another unit, the same decision twice, a wrong PIN, a citizen reading
// someone else's dossier.
func TestDisallowedDecisionsAreRejectedAndChangeNothing(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "1.014937")
	citizen := s.As(stacktest.ApplicantFor(p))
	sub := stacktest.Submit(citizen, p)
	code := sub.Code

	check := func(name, user string, body map[string]any, want int) {
		t.Helper()
		before := recordsOf(t, s, code)
		r := s.Act(user, code, body)
		if r.Status != want {
			t.Errorf("%s: status %d, want %d: %s", name, r.Status, want, r.Body)
		}
		if pr := r.Problem(); pr.Title == "" || pr.Code == "" {
			t.Errorf("%s: no reason given: %s", name, r.Body)
		}
		if after := recordsOf(t, s, code); after != before {
			t.Errorf("%s changed records: %+v → %+v", name, before, after)
		}
	}
	check("sign before receipt (out of order)", "lanhdao1", map[string]any{"action": "sign", "pin": "123456"}, 409)
	check("receive by the applicant (wrong role)", stacktest.ApplicantFor(p), map[string]any{"action": "receive"}, 403)
	check("receive by a clerk of another unit", "chuyenvien1", map[string]any{"action": "receive"}, 403)
	check("refuse without a reason", "canbo1", map[string]any{"action": "refuse"}, 422)
	check("an unknown action", "canbo1", map[string]any{"action": "approve-everything"}, 422)
	act(t, s, "canbo1", code, map[string]any{"action": "receive"})
	check("receive twice", "canbo1", map[string]any{"action": "receive"}, 409)
	check("complete the step of another unit", "chuyenvien3", map[string]any{"action": "complete-step"}, 403)
	act(t, s, "chuyenvien1", code, map[string]any{"action": "complete-step"})
	act(t, s, "lanhdao1", code, map[string]any{"action": "submit-for-signing"})
	check("sign by a clerk", "chuyenvien1", map[string]any{"action": "sign", "pin": "123456"}, 403)
	check("sign with a wrong PIN", "lanhdao1", map[string]any{"action": "sign", "pin": "000000"}, 422)
	check("issue before signing", "vanthu1", map[string]any{"action": "issue"}, 409)

	// Reading: the citizen's own is visible, someone else's is not found.
	var mine struct {
		Items []struct {
			Code motcua.DossierCode `json:"code"`
		} `json:"items"`
	}
	citizen.MustDo(200, "GET", "/api/v1/dossiers", nil, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Code != code {
		t.Errorf("my dossiers: %+v", mine.Items)
	}
	stranger := s.As("chuyenvien2") // staff of a unit that never handled it
	if r := stranger.Get("/api/v1/dossiers/" + string(code)); r.Status != 404 {
		t.Errorf("staff of another unit reads the dossier: %d", r.Status)
	}
	if _, err := s.Store.CreateUser(t.Context(), storeUser("congdan2"), ""); err != nil {
		t.Fatal(err)
	}
	c2 := s.As("congdan2")
	for _, path := range []string{"", "/receipt", "/documents/00000000-0000-0000-0000-000000000000"} {
		if r := c2.Get("/api/v1/dossiers/" + string(code) + path); r.Status != 404 {
			t.Errorf("another citizen GET %s: %d", path, r.Status)
		}
	}
	if r := c2.Request("POST", "/api/v1/dossiers/"+string(code)+"/withdraw", map[string]string{}, nil); r.Status != 404 {
		t.Errorf("another citizen withdraws: %d %s", r.Status, r.Body)
	}
	// A decision on someone else's dossier answers as one on a code that does not exist,
	// so that a citizen cannot learn which codes are real.
	missing := motcua.DossierCode(strings.Replace(string(code), "-0001", "-0999", 1))
	for _, c := range []motcua.DossierCode{code, missing} {
		if r := s.Act("congdan2", c, map[string]any{"action": "receive"}); r.Status != 404 {
			t.Errorf("another citizen's decision on %s: %d %s", c, r.Status, r.Body)
		}
	}
}

// TestIdempotentSubmission: the same Idempotency-Key gives the same dossier, also for
// 50 concurrent identical requests; the same key with another body is a 422.
func TestIdempotentSubmission(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "1.013929")
	citizen := s.As("congdan1")
	form := stacktest.SampleForm(citizen, p)
	body := map[string]any{"procedure": p.Code, "formData": form}
	hdr := http.Header{"Idempotency-Key": {"9d7c1c1e-5b3a-4a57-8f7e-0d6b0b6c1a01"}}

	const n = 50
	codes := make([]motcua.DossierCode, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := citizen.Request("POST", "/api/v1/dossiers", body, hdr)
			statuses[i] = r.Status
			var out stacktest.Submitted
			_ = jsonUnmarshal(r.Body, &out)
			codes[i] = out.Code
		}()
	}
	wg.Wait()
	for i := range n {
		if statuses[i] != 201 || codes[i] != codes[0] || codes[0] == "" {
			t.Fatalf("request %d: status %d code %q (first %q)", i, statuses[i], codes[i], codes[0])
		}
	}
	again := citizen.Request("POST", "/api/v1/dossiers", body, hdr)
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %v", again.Status, again.Header)
	}
	var count int
	_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM dossiers`).Scan(&count)
	var subs int
	_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM submissions`).Scan(&subs)
	if count != 1 || subs != 1 {
		t.Errorf("%d dossiers, %d submissions, want 1", count, subs)
	}
	changed := map[string]any{"procedure": p.Code, "formData": form, "online": false}
	if r := citizen.Request("POST", "/api/v1/dossiers", changed, hdr); r.Status != 422 {
		t.Errorf("same key, other body: %d %s", r.Status, r.Body)
	}
	// Without a key, each submission is a new dossier, numbered in sequence.
	for i := 0; i < 2; i++ {
		var out stacktest.Submitted
		citizen.MustDo(201, "POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": stacktest.SampleForm(citizen, p)}, &out)
		if _, _, seq, err := motcua.ParseDossierCode(string(out.Code)); err != nil || seq != i+2 {
			t.Errorf("code %s: seq %d, want %d (%v)", out.Code, seq, i+2, err)
		}
	}
	// A file already submitted cannot be submitted again with another dossier.
	if r := citizen.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": form}, nil); r.Status != 422 {
		t.Errorf("files reused: %d %s", r.Status, r.Body)
	}
}

// TestWorkerKilledMidwayEveryDossierFinishesOnce stops the worker while dossiers are
// being decided, starts it again, and checks that every dossier finishes with exactly
// one result, one archive package and a history without duplicates.
func TestWorkerKilledMidwayEveryDossierFinishesOnce(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	citizen := s.As("congdan1")
	const n = 4
	codes := make([]motcua.DossierCode, n)
	for i := range codes {
		codes[i] = stacktest.Submit(citizen, p).Code
		act(t, s, "canbo1", codes[i], map[string]any{"action": "receive"})
		act(t, s, "chuyenvien2", codes[i], map[string]any{"action": "submit-for-signing"})
	}
	// Sign them concurrently and stop the worker while the signatures are in flight.
	var wg sync.WaitGroup
	results := make([]int, n)
	for i, code := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Act("lanhdao2", code, map[string]any{"action": "sign", "pin": "123456", "requestId": "sign-" + string(code)}).Status
		}()
	}
	time.Sleep(150 * time.Millisecond)
	s.StopWorker()
	time.Sleep(500 * time.Millisecond)
	s.StartWorker()
	wg.Wait()
	for i, code := range codes {
		if results[i] != 200 {
			// The update may have timed out on the client side; the decision is still
			// taken once the worker is back: the same request again joins it.
			r := s.Act("lanhdao2", code, map[string]any{"action": "sign", "pin": "123456", "requestId": "sign-" + string(code)})
			if r.Status != 200 {
				t.Fatalf("%s: sign after restart: %d %s", code, r.Status, r.Body)
			}
		}
		if end := s.Drive(code, p); end.Status != motcua.StatusArchived {
			t.Fatalf("%s ended %s", code, end.Status)
		}
	}
	for _, code := range codes {
		var results, packages, dupEvents, signs int
		err := s.Store.Pool().QueryRow(t.Context(), `SELECT
				(SELECT count(DISTINCT number) FROM documents WHERE dossier_id = d.id AND kind = 'result' AND number IS NOT NULL),
				(SELECT count(*) FROM archive_packages WHERE dossier_id = d.id),
				(SELECT count(*) - count(DISTINCT seq) FROM dossier_events WHERE dossier_id = d.id),
				(SELECT count(*) FROM dossier_events WHERE dossier_id = d.id AND action = 'sign')
			FROM dossiers d WHERE d.code = $1`, code).Scan(&results, &packages, &dupEvents, &signs)
		if err != nil {
			t.Fatal(err)
		}
		if results != 1 || packages != 1 || dupEvents != 0 || signs != 1 {
			t.Errorf("%s: %d issued results, %d packages, %d duplicated events, %d signatures", code, results, packages, dupEvents, signs)
		}
	}
	var numbers, distinct int
	_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*), count(DISTINCT number) FROM document_numbers`).Scan(&numbers, &distinct)
	if numbers != n || distinct != n {
		t.Errorf("%d numbers given, %d distinct, want %d", numbers, distinct, n)
	}
}

func storeUser(username string) store.User {
	return store.User{Username: username, Name: "Đinh Thị Mai", Password: store.DemoPassword, Roles: []motcua.Role{motcua.RoleCitizen}}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
