package api_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/activities"
	"motcua/forms"
	"motcua/internal/authority"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// queueCodes is who sees what in GET /api/v1/signing-queue.
func queueCodes(t *testing.T, c *stacktest.Client) map[motcua.DossierCode]string {
	t.Helper()
	var q struct {
		Items []struct {
			Code   motcua.DossierCode `json:"dossierCode"`
			SignAs string             `json:"signAs"`
		} `json:"items"`
	}
	c.MustDo(200, "GET", "/api/v1/signing-queue", nil, &q)
	out := map[motcua.DossierCode]string{}
	for _, it := range q.Items {
		out[it.Code] = it.SignAs
	}
	return out
}

// toSigning drives a dossier along the happy path until it awaits a signature.
func toSigning(t *testing.T, s *stacktest.Stack, p *forms.Procedure) motcua.DossierCode {
	t.Helper()
	code := stacktest.Submit(s.As(stacktest.ApplicantFor(p)), p).Code
	for range 30 {
		st := s.State(code)
		if st.Status == motcua.StatusAwaitingSignature {
			return code
		}
		user, body, _, err := stacktest.NextDecision(p, st, false)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.Act(user, code, body); r.Status != 200 {
			t.Fatalf("%s: %s as %s: %d %s", code, body["action"], user, r.Status, r.Body)
		}
	}
	t.Fatalf("%s never awaited a signature", code)
	return ""
}

func userID(t *testing.T, s *stacktest.Stack, username string) int64 {
	t.Helper()
	var id int64
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestTUQDelegationSignsOnlyWithinItsDatesAndProcedures: the Thứ trưởng who signs
// «KT. BỘ TRƯỞNG» authorizes the Chánh Văn phòng (TUQ.) to sign the fund licences from
// five days. Within those days the licence is in the delegate's queue and not
// the delegator's, the delegate may sign it and not a dossier of another procedure; the
// day after, and the day before, the delegate may not, and the licence is back in the
// delegator's queue. Signed on the last day, it reads «TUQ. BỘ TRƯỞNG / CHÁNH VĂN
// PHÒNG» with the delegate's name, and pdfsig names the delegate as its signer. The
// days are the stack's clock, never today's.
func TestTUQDelegationSignsOnlyWithinItsDatesAndProcedures(t *testing.T) {
	// The dossiers are submitted and reviewed on the stack's clock as it starts (the
	// workflows run on the Temporal server's); the delegation's days are counted from
	// it, and the clock is then moved to each day the test looks at.
	var clock atomic.Int64
	now := func() time.Time {
		if v := clock.Load(); v != 0 {
			return time.Unix(0, v)
		}
		return time.Now()
	}
	s := stacktest.Start(t, stacktest.Options{Now: now})
	first := motcua.Day(now()).AddDate(0, 0, 10)
	last := first.AddDate(0, 0, 4)
	set := func(t time.Time) { clock.Store(t.UnixNano()) }

	licence, err := s.Catalog.Procedure("1.014936")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Catalog.Procedure("G09.CCVC.01")
	if err != nil {
		t.Fatal(err)
	}
	admin, deputy, chief := s.As("admin"), s.As("lanhdao1"), s.As("lanhdao3")
	var created struct {
		ID int64 `json:"id"`
	}
	admin.MustDo(201, "POST", "/api/v1/delegations", map[string]any{
		"delegatorId": userID(t, s, "lanhdao1"), "delegateId": userID(t, s, "lanhdao3"), "kind": "TUQ.",
		"procedures": []string{"1.014936"}, "from": first.Format("02/01/2006"), "until": last.Format(time.DateOnly),
		"document": "Quyết định số 15/QĐ-BNV ngày 25/02/2027 của Bộ trưởng Bộ Nội vụ"}, &created)

	// A delegate may not pass the authority on, nor may anyone but an administrator
	// record one.
	if r := admin.Request("POST", "/api/v1/delegations", map[string]any{
		"delegatorId": userID(t, s, "lanhdao3"), "delegateId": userID(t, s, "lanhdao2"), "kind": "TUQ.",
		"procedures": []string{"1.014936"}, "from": first.Format(time.DateOnly), "until": last.Format(time.DateOnly),
		"document": "x"}, nil); r.Status != 422 ||
		r.Problem().Field != "delegatorId" {
		t.Errorf("a delegate passes the authorization on: %d %s", r.Status, r.Body)
	}
	if r := deputy.Request("GET", "/api/v1/delegations", nil, nil); r.Status != 403 {
		t.Errorf("a leader reads the delegations: %d", r.Status)
	}

	a := toSigning(t, s, licence)
	b := toSigning(t, s, other)
	set(first.Add(36 * time.Hour)) // the second day, at noon
	sign := func(c *stacktest.Client, code motcua.DossierCode) stacktest.Response {
		return c.Request("POST", "/api/v1/dossiers/"+string(code)+"/actions",
			map[string]any{"action": workflows.UpdateSign, "pin": "123456"}, nil)
	}

	// Within the delegation: the licence is the delegate's, the other dossier the deputy's.
	if q := queueCodes(t, chief); q[a] != "TUQ. BỘ TRƯỞNG / CHÁNH VĂN PHÒNG" || len(q) != 1 {
		t.Errorf("delegate's queue during the delegation: %v", q)
	}
	if q := queueCodes(t, deputy); q[b] != "KT. BỘ TRƯỞNG / THỨ TRƯỞNG" || len(q) != 1 {
		t.Errorf("delegator's queue during the delegation: %v", q)
	}
	if r := sign(chief, b); r.Status != 403 {
		t.Errorf("the delegate signs a procedure the delegation does not name: %d %s", r.Status, r.Body)
	}

	// The day after until (00:00 Vietnam time), and the day before from.
	for _, at := range []time.Time{last.AddDate(0, 0, 1), first.Add(-time.Minute)} {
		set(at)
		if q := queueCodes(t, chief); len(q) != 0 {
			t.Errorf("%s: delegate's queue %v, want empty", at, q)
		}
		if q := queueCodes(t, deputy); q[a] == "" || q[b] == "" {
			t.Errorf("%s: the licence is not back in the delegator's queue: %v", at, q)
		}
		if r := sign(chief, a); r.Status != 403 || !strings.Contains(r.Problem().Title, "không có thẩm quyền") {
			t.Errorf("%s: the delegate signs outside the delegation: %d %s", at, r.Status, r.Body)
		}
		if st := s.State(a); st.Status != motcua.StatusAwaitingSignature {
			t.Fatalf("a refused signature changed the dossier: %s", st.Status)
		}
	}

	// The last day, late in the evening: the delegate signs under TUQ.
	set(last.Add(23*time.Hour + 30*time.Minute))
	if r := sign(chief, a); r.Status != 200 {
		t.Fatalf("the delegate cannot sign on the delegation's last day: %d %s", r.Status, r.Body)
	}
	if r := sign(deputy, b); r.Status != 200 {
		t.Fatalf("the delegator cannot sign another procedure's result: %d %s", r.Status, r.Body)
	}
	var d dossierJSON
	chief.MustDo(200, "GET", "/api/v1/dossiers/"+string(a), nil, &d)
	res := chief.Get("/api/v1/dossiers/" + string(a) + "/documents/" + d.latest("result"))
	if res.Status != 200 {
		t.Fatalf("result: %d %s", res.Status, res.Body)
	}
	text := stacktest.PDFText(t, res.Body)
	for _, want := range []string{"BỘ TRƯỞNG BỘ NỘI VỤ", "TUQ. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG", "Phan Thị Thu Hà"} {
		if !strings.Contains(text, want) {
			t.Errorf("the result does not print %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "KT. BỘ TRƯỞNG") {
		t.Errorf("the delegate's result prints the deputy's block:\n%s", text)
	}
	if report := s.Pdfsig(t, res.Body); !strings.Contains(report, "Signer Certificate Common Name: Phan Thị Thu Hà") {
		t.Errorf("pdfsig does not name the delegate:\n%s", report)
	}

	// Revoked, the delegation hands nothing on any more.
	admin.MustDo(204, "POST", stacktest.Sprintf("/api/v1/delegations/%d/revoke", created.ID), nil, nil)
	var list struct {
		Items []struct {
			ID        int64      `json:"id"`
			RevokedAt *time.Time `json:"revokedAt"`
		} `json:"items"`
	}
	admin.MustDo(200, "GET", "/api/v1/delegations", nil, &list)
	if len(list.Items) != 1 || list.Items[0].RevokedAt == nil {
		t.Errorf("delegations after revoking: %+v", list.Items)
	}
}

// TestSigningRefusesACertificateWhoseTitleIsNotTheBlocks is the certificate:
// the signing activity, asked to sign a Cục's result «KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG»
// with the Thứ trưởng's key, refuses and stores nothing; the Phó Cục trưởng's key signs.
func TestSigningRefusesACertificateWhoseTitleIsNotTheBlocks(t *testing.T) {
	s := stacktest.Start(t)
	p, err := s.Catalog.Procedure("1.013929")
	if err != nil {
		t.Fatal(err)
	}
	code := toSigning(t, s, p)
	d, err := s.Store.DossierByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := s.Store.LatestDocument(t.Context(), d.ID, motcua.DocDraftResult)
	if err != nil {
		t.Fatal(err)
	}
	block, err := authority.Resolver{Store: s.Store, Catalog: s.Catalog}.For(t.Context(), userID(t, s, "lanhdao2"), p.Code, p.Version, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in := activities.SignInput{Code: code, Seq: 99, Document: activities.DocumentRef{ID: draft.ID}, PIN: "123456", At: time.Now()}
	for _, tc := range []struct {
		user string
		ok   bool
	}{{"lanhdao1", false}, {"lanhdao2", true}} {
		wrong := block
		wrong.SignerID = 0 // as a block that names nobody: only the certificate can tell
		in.LeaderID, in.Signature = userID(t, s, tc.user), &wrong
		ref, err := s.Acts.SignAsLeader(t.Context(), in)
		if tc.ok != (err == nil) {
			t.Fatalf("%s signs «%s»: %v", tc.user, strings.Join(block.Lines(), " / "), err)
		}
		if !tc.ok {
			if !strings.Contains(err.Error(), "Thứ trưởng") {
				t.Errorf("the refusal does not name the certificate's title: %v", err)
			}
			if _, err := s.Store.LatestDocument(t.Context(), d.ID, motcua.DocResult); err == nil {
				t.Fatal("a refused signature stored a result")
			}
			continue
		}
		signed, err := s.Store.Document(t.Context(), ref.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := stacktest.PDFText(t, signed.Data)
		for _, want := range []string{"CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", "KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Đặng Minh Tuấn"} {
			if !strings.Contains(text, want) {
				t.Errorf("the signed result does not print %q:\n%s", want, text)
			}
		}
	}
}
