package web_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/workflows"
)

// TestPagesOfferExactlyWhatTheValidatorsAccept walks real dossiers through the statuses a
// dossier rests in (submitted, in review at each step, consulting, supplement requested,
// sent back, recalled, apologized, awaiting signature, signed, result ready, and the
// endings) and, at each, asks every staff user's dossier page which decisions it offers.
// The page reads the records; the workflow's validators decide by the facts of its own
// state (queried here). For every person the page must offer exactly the decisions the
// validators accept, neither more nor fewer.
func TestPagesOfferExactlyWhatTheValidatorsAccept(t *testing.T) {
	s := stacktest.Start(t)
	users := []string{"canbo1", "chuyenvien1", "chuyenvien2", "chuyenvien3", "chuyenvien4", "vanthu1", "vanthu2",
		"lanhdao1", "admin"}
	actors := map[string]motcua.Actor{}
	pages := map[string]*browser{}
	for _, u := range users {
		var id int64
		if err := s.Store.Pool().QueryRow(context.Background(), `SELECT id FROM users WHERE username = $1`, u).Scan(&id); err != nil {
			t.Fatal(err)
		}
		a, err := s.Store.Actor(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		actors[u] = a
		pages[u] = pageLogin(t, s.URL, u)
	}
	cells, offered := 0, 0
	check := func(code motcua.DossierCode, where string) {
		t.Helper()
		st := s.State(code)
		for _, u := range users {
			want := st.Facts.Offers(actors[u])
			if !st.Status.Final() && st.Status != motcua.StatusReturned {
				// What the validators accept for this person: the domain's answer over the
				// workflow's facts must be what its Allowed list (the validators' state
				// check, person aside) permits too.
				for _, name := range want {
					if !slices.Contains(st.Allowed, name) {
						t.Errorf("%s, %s: the facts let %s take %s, the workflow's state check does not", where, st.Status, u, name)
					}
				}
			} else {
				want = nil
			}
			got := pageOffers(t, pages[u], code)
			cells += len(motcua.Decisions)
			offered += len(got)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s (%s, step %s): the page offers %s %v, the validators accept %v", where, st.Status, st.Step, u, got, want)
			}
		}
	}

	// A procedure with a consultation, driven along the main path, with a send-back and
	// a recall, an apology and a supplement round on the way.
	p := procedure(t, s, "G09.TDKT.01")
	citizen := s.Login(stacktest.ApplicantFor(p)) // an agency's representative

	sub := stacktest.Submit(citizen, p)
	code := sub.Code
	check(code, "submitted")
	act(t, s, "canbo1", code, map[string]any{"action": workflows.UpdateRequestSupplement, "note": "Thiếu tờ trình.",
		"missing": []string{p.Components[0].Name}})
	check(code, "supplement requested at the desk")
	if r := citizen.Request("POST", "/api/v1/dossiers/"+string(code)+"/supplement", map[string]any{"note": "Đã bổ sung."}, nil); r.Status != 200 {
		t.Fatalf("supplement: %d %s", r.Status, r.Body)
	}
	check(code, "supplemented")
	var consulted, sentBack, apologized bool
	for i := 0; i < 20; i++ {
		st := s.State(code)
		user, body, done, err := stacktest.NextDecision(p, st, consulted)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		if body["action"] == workflows.UpdateConsult {
			consulted = true
		}
		st = act(t, s, user, code, body)
		check(code, "after "+body["action"].(string))
		if st.Status == motcua.StatusInReview && !sentBack && slices.Contains(st.Allowed, workflows.UpdateSendBack) {
			holder, _ := s.Actor(code, p)
			st = act(t, s, holder, code, map[string]any{"action": workflows.UpdateSendBack, "note": "Đề nghị xem lại."})
			check(code, "sent back")
			sentBack = true
		}
		if st.Status == motcua.StatusInReview && !apologized && slices.Contains(st.Allowed, workflows.UpdateApologize) {
			holder, _ := s.Actor(code, p)
			due := st.DueAt.AddDate(0, 0, 7).Format(time.RFC3339)
			act(t, s, holder, code, map[string]any{"action": workflows.UpdateApologize, "note": "Cần thêm thời gian.", "newDue": due})
			check(code, "apologized")
			apologized = true
		}
	}
	if !sentBack || !apologized || !consulted {
		t.Errorf("the walk missed part of the way: sent back %v, apologized %v, consulted %v", sentBack, apologized, consulted)
	}

	// A recall: the desk receives and recalls before the next step acts; then endings.
	p2 := procedure(t, s, "G09.CVTLT.02")
	citizen = s.Login(stacktest.ApplicantFor(p2)) // a citizen's procedure
	code2 := stacktest.Submit(citizen, p2).Code
	act(t, s, "canbo1", code2, map[string]any{"action": workflows.UpdateReceive})
	check(code2, "received")
	act(t, s, "canbo1", code2, map[string]any{"action": workflows.UpdateRecall, "note": "Nhầm đơn vị."})
	check(code2, "recalled")
	act(t, s, "canbo1", code2, map[string]any{"action": workflows.UpdateStop, "note": "Dừng theo đề nghị."})
	check(code2, "stopped")
	code3 := stacktest.Submit(citizen, p2).Code
	act(t, s, "canbo1", code3, map[string]any{"action": workflows.UpdateRefuse, "note": "Không thuộc thẩm quyền."})
	check(code3, "refused at the desk")

	if offered == 0 || cells < 1000 {
		t.Fatalf("the walk looked at %d cells and saw %d offers: it did not walk", cells, offered)
	}
	t.Logf("%d status × decision × person cells, %d offers", cells, offered)
}

// pageOffers lists the decisions the staff dossier page offers to the person logged in
// on b: one form per decision, named by its hidden action field. A page the person may not
// read offers nothing.
func pageOffers(t *testing.T, b *browser, code motcua.DossierCode) []string {
	t.Helper()
	page := b.get("/can-bo/ho-so/" + string(code))
	if page.Status != 200 || page.Doc == nil {
		return nil
	}
	var out []string
	for _, form := range find(page.Doc, func(n *html.Node) bool {
		return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/xu-ly")
	}) {
		for _, in := range find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "action" }) {
			out = append(out, attr(in, "value"))
		}
	}
	return out
}
