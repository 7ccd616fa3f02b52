package api_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// TestOwnResultCarriesItsValidityAndExpires: where the catalog gives a result a validity
// (here one month, a test mode of the archive certificate), the issued result carries
// valid-from (its Vietnam date of issue) and valid-until (a month later, less a day) into
// the applicant's store; on its last day it is still reused, the next day (the service's
// clock moved) it is refused as expired, with the reason, and nothing is attached.
func TestOwnResultCarriesItsValidityAndExpires(t *testing.T) {
	// The issue day is the 10th of next month, 09:00 in Vietnam: "a month later, less a
	// day" then never meets a month's end, whatever day the suite runs.
	y, m, _ := time.Now().In(motcua.Vietnam).Date()
	var clock atomic.Int64
	clock.Store(time.Date(y, m+1, 10, 9, 0, 0, 0, motcua.Vietnam).UnixNano())
	s := stacktest.Start(t, stacktest.Options{
		Now: func() time.Time { return time.Unix(0, clock.Load()) },
		Catalog: stacktest.CatalogWith(t, "1.013929", 1, func(p map[string]any) {
			p["result"].(map[string]any)["validity"] = map[string]any{"months": 1, "basis": "test mode"}
		}),
	})
	code, _ := issuedCertificate(t, s)
	var doc store.StoredDocument
	for _, d := range myDocuments(t, s.As("congdan1"), "1.013929") {
		if d.Dossier == code {
			doc = d
		}
	}
	if doc.ID == "" || doc.ValidFrom == nil || doc.ValidUntil == nil {
		t.Fatalf("the stored certificate has no validity: %+v", doc)
	}
	issued := doc.IssuedAt.In(motcua.Vietnam)
	from := time.Date(issued.Year(), issued.Month(), issued.Day(), 0, 0, 0, 0, time.UTC)
	if !doc.ValidFrom.Equal(from) || !doc.ValidUntil.Equal(from.AddDate(0, 1, -1)) {
		t.Fatalf("validity %s – %s, issued %s", doc.ValidFrom, doc.ValidUntil, issued)
	}
	// The national store is given the end of validity with the result.
	dev := portaltest.Start(t, portal.DevOptions{})
	client := dev.Client(t)
	if _, err := (&portal.Pusher{Outbox: s.Store, Store: client, Now: s.Now}).Pass(t.Context()); err != nil {
		t.Fatal(err)
	}
	if pushed := dev.NationalDocuments("001090012345"); len(pushed) != 1 || pushed[0].ValidUntil != doc.ValidUntil.Format(time.DateOnly) {
		t.Errorf("pushed to the national store: %+v", pushed)
	}

	reuse := map[string]any{"procedure": "G09.CVTLT.02", "component": "chung-chi-cu"}
	lastDay := time.Date(doc.ValidUntil.Year(), doc.ValidUntil.Month(), doc.ValidUntil.Day(), 23, 0, 0, 0, motcua.Vietnam)

	clock.Store(lastDay.UnixNano())
	s.Login("congdan1").MustDo(201, "POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, nil)

	clock.Store(lastDay.Add(2 * time.Hour).UnixNano()) // 01:00 the next day
	var before, after int
	count := func(n *int) {
		t.Helper()
		if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM files WHERE reused_from IS NOT NULL`).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	count(&before)
	r := s.Login("congdan1").Request("POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, nil)
	if r.Status != 409 || r.Problem().Field != "reuse.expired" || !strings.Contains(r.Problem().Title, "đã hết hiệu lực") ||
		!strings.Contains(r.Problem().Title, doc.ValidUntil.Format("02/01/2006")) {
		t.Errorf("reuse of the expired certificate: %d %s", r.Status, r.Body)
	}
	if count(&after); after != before {
		t.Errorf("an expired certificate was attached: %d → %d", before, after)
	}
}
