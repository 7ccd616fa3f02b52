package web_test

import (
	"slices"
	"strings"
	"testing"

	"motcua"
	"motcua/internal/stacktest"
)

// TestLeaderSignsSeveralAtOnce: the signing queue lists the dossiers awaiting the
// leader's signature; one request signs them all with the PIN; a wrong PIN stops the
// batch at the first dossier, so the credential is not locked by the rest.
func TestLeaderSignsSeveralAtOnce(t *testing.T) {
	s := stacktest.Start(t)
	p := procedure(t, s, "G09.CVTLT.02")
	citizen := s.As("congdan1")
	var codes []motcua.DossierCode
	for range 3 {
		code := stacktest.Submit(citizen, p).Code
		act(t, s, "canbo1", code, map[string]any{"action": "receive"})
		act(t, s, "chuyenvien2", code, map[string]any{"action": "submit-for-signing", "note": "Kính trình."})
		codes = append(codes, code)
	}
	leader := s.As("lanhdao2") // the Phó Cục trưởng signs the Cục's results, KT. CỤC TRƯỞNG
	var queue struct {
		Items []struct {
			DossierCode motcua.DossierCode `json:"dossierCode"`
			DraftID     string             `json:"draftId"`
		} `json:"items"`
	}
	leader.MustDo(200, "GET", "/api/v1/signing-queue", nil, &queue)
	if len(queue.Items) != 3 {
		t.Fatalf("queue: %+v", queue.Items)
	}
	for _, it := range queue.Items {
		if it.DraftID == "" {
			t.Errorf("%s: no draft to read", it.DossierCode)
		}
		draft := leader.Get("/api/v1/dossiers/" + string(it.DossierCode) + "/documents/" + it.DraftID)
		if draft.Status != 200 || !strings.HasPrefix(string(draft.Body), "%PDF-") {
			t.Errorf("%s: draft %d", it.DossierCode, draft.Status)
		}
	}
	if r := s.As("canbo1").Get("/api/v1/signing-queue"); r.Status != 403 {
		t.Errorf("a clerk reads the signing queue: %d", r.Status)
	}

	type result struct {
		Code   motcua.DossierCode `json:"code"`
		OK     bool               `json:"ok"`
		Status motcua.Status      `json:"status"`
		Error  *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	var bad struct{ Results []result }
	leader.MustDo(200, "POST", "/api/v1/actions", map[string]any{"action": "sign", "pin": "999999", "codes": codes}, &bad)
	if len(bad.Results) != 3 || bad.Results[0].OK || bad.Results[1].Error == nil || bad.Results[1].Error.Code != "skipped" {
		t.Fatalf("wrong PIN batch: %+v", bad.Results)
	}
	var good struct{ Results []result }
	// The first dossier is chosen twice: it is signed once and answered once.
	leader.MustDo(200, "POST", "/api/v1/actions", map[string]any{"action": "sign", "pin": "123456",
		"codes": append(slices.Clone(codes), codes[0])}, &good)
	if len(good.Results) != len(codes) {
		t.Errorf("%d results for %d distinct dossiers", len(good.Results), len(codes))
	}
	for _, r := range good.Results {
		if !r.OK || r.Status != motcua.StatusSigned {
			t.Errorf("%s: %+v", r.Code, r)
		}
	}
	leader.MustDo(200, "GET", "/api/v1/signing-queue", nil, &queue)
	if len(queue.Items) != 0 {
		t.Errorf("queue after signing: %+v", queue.Items)
	}
	if r := leader.Request("POST", "/api/v1/actions", map[string]any{"action": "sign", "pin": "123456", "codes": []string{}}, nil); r.Status != 422 {
		t.Errorf("empty batch: %d", r.Status)
	}

	// The applicant sees neither the draft nor the result the leader signed until it is
	// issued (numbered and sealed); staff see both.
	type docs struct {
		Documents []struct{ ID, Kind string } `json:"documents"`
	}
	kinds := func(c *stacktest.Client, code motcua.DossierCode) (map[string]string, docs) {
		var d docs
		c.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &d)
		m := map[string]string{}
		for _, doc := range d.Documents {
			m[doc.Kind] = doc.ID
		}
		return m, d
	}
	staffView, _ := kinds(s.As("vanthu1"), codes[0])
	if staffView["draft_result"] == "" || staffView["result"] == "" {
		t.Fatalf("staff do not see the draft and the signed result: %v", staffView)
	}
	if mine, d := kinds(citizen, codes[0]); mine["draft_result"] != "" || mine["result"] != "" {
		t.Errorf("the applicant sees %+v before the result is issued", d.Documents)
	}
	for _, kind := range []string{"draft_result", "result"} {
		if r := citizen.Get("/api/v1/dossiers/" + string(codes[0]) + "/documents/" + staffView[kind]); r.Status != 404 {
			t.Errorf("the applicant downloads the %s before issue: %d", kind, r.Status)
		}
	}
	s.Drive(codes[0], p)
	if mine, _ := kinds(citizen, codes[0]); mine["result"] == "" || mine["draft_result"] != "" {
		t.Errorf("after the result is returned, the applicant sees %v", mine)
	}
}

// TestInboxAndStatisticsOverHTTP: the inbox filters and counts per SLA bucket, claims,
// and the statistics endpoint's groupings and its refusal of bad parameters.
func TestInboxAndStatisticsOverHTTP(t *testing.T) {
	s := stacktest.Start(t)
	citizen := s.As("congdan1")
	a := stacktest.Submit(citizen, procedure(t, s, "G09.CVTLT.02")).Code
	fund := procedure(t, s, "1.014937") // for organizations: its representative submits it
	b := stacktest.Submit(s.As(stacktest.ApplicantFor(fund)), fund).Code
	clerk := s.As("canbo1")
	type inbox struct {
		Items []struct {
			TaskID        int64              `json:"taskId"`
			DossierCode   motcua.DossierCode `json:"dossierCode"`
			ProcedureCode string             `json:"procedureCode"`
			Bucket        string             `json:"bucket"`
			Assignee      string             `json:"assignee"`
		} `json:"items"`
		Counts struct {
			OnTime, DueSoon, Overdue, Total int
		} `json:"counts"`
	}
	var all inbox
	clerk.MustDo(200, "GET", "/api/v1/inbox", nil, &all)
	if len(all.Items) != 2 || all.Counts.Total != 2 || all.Counts.OnTime+all.Counts.DueSoon+all.Counts.Overdue != 2 {
		t.Fatalf("inbox: %+v", all)
	}
	var one inbox
	clerk.MustDo(200, "GET", "/api/v1/inbox?procedure=1.014937", nil, &one)
	if len(one.Items) != 1 || one.Items[0].DossierCode != b {
		t.Errorf("filtered by procedure: %+v", one.Items)
	}
	clerk.MustDo(200, "GET", "/api/v1/inbox?status=in_review", nil, &one)
	if len(one.Items) != 0 {
		t.Errorf("filtered by status: %+v", one.Items)
	}
	for _, q := range []string{"?status=nonsense", "?bucket=soon", "?dueBefore=31/02/2026", "?limit=0"} {
		if r := clerk.Get("/api/v1/inbox" + q); r.Status != 422 {
			t.Errorf("inbox%s: %d", q, r.Status)
		}
	}
	if r := s.As("chuyenvien1").Get("/api/v1/inbox"); r.Status != 200 || strings.Contains(string(r.Body), string(a)) {
		t.Errorf("another unit's inbox shows the desk's work: %d %s", r.Status, r.Body)
	}
	if r := citizen.Get("/api/v1/inbox"); r.Status != 403 {
		t.Errorf("a citizen reads an inbox: %d", r.Status)
	}
	task := all.Items[0].TaskID
	if r := clerk.Request("POST", stacktest.Sprintf("/api/v1/inbox/%d/claim", task), nil, nil); r.Status != 204 {
		t.Errorf("claim: %d %s", r.Status, r.Body)
	}
	if r := s.As("chuyenvien1").Request("POST", stacktest.Sprintf("/api/v1/inbox/%d/claim", task), nil, nil); r.Status != 409 {
		t.Errorf("claim by another unit: %d %s", r.Status, r.Body)
	}

	act(t, s, "canbo1", a, map[string]any{"action": "receive"})
	act(t, s, "canbo1", b, map[string]any{"action": "refuse", "note": "Hồ sơ không thuộc thẩm quyền."})
	type stats struct {
		By   string `json:"by"`
		Rows []struct {
			Key      string `json:"key"`
			Received int    `json:"received"`
			Refused  int    `json:"refused"`
			Pending  int    `json:"pending"`
		} `json:"rows"`
		Total struct {
			Received, Refused, Pending int
		} `json:"total"`
	}
	leader := s.As("lanhdao1")
	var st stats
	leader.MustDo(200, "GET", "/api/v1/stats?by=procedure", nil, &st)
	if st.Total.Received != 1 || st.Total.Refused != 1 || st.Total.Pending != 1 || len(st.Rows) != 2 {
		t.Errorf("stats by procedure: %+v", st)
	}
	for _, by := range []string{"unit", "month"} {
		leader.MustDo(200, "GET", "/api/v1/stats?by="+by, nil, &st)
		if st.By != by || len(st.Rows) == 0 {
			t.Errorf("stats by %s: %+v", by, st)
		}
	}
	for _, q := range []string{"?by=week", "?from=2026-12-01&to=2026-11-01", "?from=yesterday"} {
		if r := leader.Get("/api/v1/stats" + q); r.Status != 422 {
			t.Errorf("stats%s: %d", q, r.Status)
		}
	}
	if r := citizen.Get("/api/v1/stats"); r.Status != 403 {
		t.Errorf("a citizen reads statistics: %d", r.Status)
	}
}
