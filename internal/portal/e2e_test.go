package portal_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/stacktest"
)

// TestADossiersWholePathReachesThePortal: the whole system (API, real workflow, worker,
// PostgreSQL) takes a dossier from submission to the returned result; the status sync
// that internal/app builds tells the development portal every change, in order, and the
// result's link on the portal downloads the signed result.
func TestADossiersWholePathReachesThePortal(t *testing.T) {
	s := stacktest.Start(t)
	dev, err := portal.NewDevServer(portal.DevOptions{Token: devToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	if err := s.App.SetPortal(srv.URL, devToken); err != nil {
		t.Fatal(err)
	}
	sync, err := s.App.NewPortalSync()
	if err != nil {
		t.Fatal(err)
	}
	stop := run(sync)
	t.Cleanup(stop)

	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As(stacktest.ApplicantFor(p))
	code := stacktest.Submit(citizen, p).Code
	s.Drive(code, p)

	ctx := context.Background()
	var want []int
	waitFor(t, "every change on the portal", func() bool {
		rows, err := s.Store.Pool().Query(ctx, `SELECT o.portal_status FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NOT NULL ORDER BY o.seq`, code)
		if err != nil {
			t.Fatal(err)
		}
		want = want[:0]
		for rows.Next() {
			var st int
			_ = rows.Scan(&st)
			want = append(want, st)
		}
		var pending int
		_ = s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NULL`, code).Scan(&pending)
		return pending == 0 && len(want) > 0 && want[len(want)-1] == 10
	})
	d, ok := dev.Dossier(string(code))
	if !ok {
		t.Fatalf("the portal does not know %s", code)
	}
	if len(d.Steps) != len(want) {
		t.Fatalf("%d steps on the portal, %d changes recorded", len(d.Steps), len(want))
	}
	for i, st := range d.Steps {
		if st.Status != want[i] || st.Content == "" || st.Unit == "" || st.At == "" {
			t.Fatalf("step %d: %+v, want status %d", i+1, st, want[i])
		}
	}
	r := d.Record
	if r.ProcedureCode != p.Code || r.ProcedureName == "" || r.Channel != portal.ChannelOnline || r.Applicant == "" ||
		r.ReceivedAt == "" || r.DueAt == "" || r.ReturnedAt == "" || r.Status != 10 || len(r.Components) == 0 {
		t.Fatalf("record %+v", r)
	}
	if len(r.Results) != 1 || r.Results[0].Number == "" || !strings.HasPrefix(r.Results[0].Link, s.URL+"/api/v1/dossiers/"+string(code)+"/documents/") {
		t.Fatalf("results %+v", r.Results)
	}
	res := citizen.Get(strings.TrimPrefix(r.Results[0].Link, s.URL))
	if res.Status != 200 || !strings.HasPrefix(string(res.Body), "%PDF") {
		t.Fatalf("the result's link: %d", res.Status)
	}
}

// TestARatingReachesThePortalOnceAfterTheReturn: the applicant rates a returned dossier
// through the API; while the development portal fails, the rating waits (synced_at
// stays NULL); once it answers, the portal has the rating (levels with the portal's
// codes, the criteria) once, and the rating is marked synced.
func TestARatingReachesThePortalOnceAfterTheReturn(t *testing.T) {
	s := stacktest.Start(t)
	dev, err := portal.NewDevServer(portal.DevOptions{Token: devToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	if err := s.App.SetPortal(srv.URL, devToken); err != nil {
		t.Fatal(err)
	}
	sync, err := s.App.NewPortalSync()
	if err != nil {
		t.Fatal(err)
	}
	stop := run(sync)
	t.Cleanup(stop)

	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	code := stacktest.Submit(citizen, p).Code
	s.Drive(code, p)
	// The rating follows the dossier's changes: every one delivered first.
	waitFor(t, "every change on the portal", func() bool {
		var pending int
		_ = s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.sent_at IS NULL`, code).Scan(&pending)
		d, ok := dev.Dossier(string(code))
		return pending == 0 && ok && d.Record.Status == 10
	})
	if err := dev.SetControl(portal.Control{Mode: portal.ModeFail}); err != nil {
		t.Fatal(err)
	}
	citizen.MustDo(201, "POST", "/api/v1/dossiers/"+string(code)+"/rating",
		map[string]any{"score": 4, "criteria": map[string]int{"attitude": 5, "timeliness": 2}, "comment": "Đúng hẹn."}, nil)
	waitFor(t, "a refused rating call", func() bool {
		for _, c := range dev.Calls() {
			if c.Op == "rate" && c.Outcome == "failed" {
				return true
			}
		}
		return false
	})
	synced := func() bool {
		var at *time.Time
		_ = s.Store.Pool().QueryRow(t.Context(), `SELECT r.synced_at FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
			WHERE d.code = $1`, code).Scan(&at)
		return at != nil
	}
	if synced() {
		t.Fatal("the rating is marked synced while the portal fails")
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeOK}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rating marked synced", synced)
	d, _ := dev.Dossier(string(code))
	r := d.Rating
	if r == nil || r.Level != 4 || r.LevelKey != "HL" || r.Comment != "Đúng hẹn." || r.At == "" || len(r.Criteria) != 2 ||
		r.Criteria[0] != (portal.RatingCriterion{Key: "attitude", Name: motcua.RateAttitude.Label(), Level: 5, LevelKey: "RHL"}) ||
		r.Criteria[1].Key != "timeliness" || r.Criteria[1].LevelKey != "KHL" {
		t.Fatalf("the portal's rating %+v", r)
	}
	applied := 0
	for _, c := range dev.Calls() {
		if c.Op == "rate" && c.Outcome == "applied" {
			applied++
			if c.Key != string(code)+"/rating" {
				t.Errorf("rating call key %q", c.Key)
			}
		}
	}
	if applied != 1 {
		t.Errorf("%d applied rating calls, want 1", applied)
	}
}

// TestAFeeDossierWaitsOnThePortalAsStatus6: with the status sync that internal/app
// builds running against the development portal, a dossier of 1.013932 that owes its
// fee reaches the portal with status 6 (Yêu cầu thực hiện nghĩa vụ tài chính) while
// it waits; once paid on the development gateway, the portal hears the next change,
// with the fee marked paid online.
func TestAFeeDossierWaitsOnThePortalAsStatus6(t *testing.T) {
	s := stacktest.Start(t)
	dev, err := portal.NewDevServer(portal.DevOptions{Token: devToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() })
	if err := s.App.SetPortal(srv.URL, devToken); err != nil {
		t.Fatal(err)
	}
	sync, err := s.App.NewPortalSync()
	if err != nil {
		t.Fatal(err)
	}
	stop := run(sync)
	t.Cleanup(stop)

	p, err := s.Catalog.Version("1.013932", 1)
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	code := stacktest.SubmitUnpaid(citizen, p).Code
	waitFor(t, "the dossier on the portal, waiting for payment", func() bool {
		d, ok := dev.Dossier(string(code))
		return ok && d.Record.Status == int(motcua.PortalFinancial)
	})
	d, _ := dev.Dossier(string(code))
	if last := d.Steps[len(d.Steps)-1]; last.Status != 6 || d.Record.PaidOnline {
		t.Fatalf("while waiting: last step %+v, paid online %t", last, d.Record.PaidOnline)
	}

	citizen.Pay(code, "pay", 0)
	waitFor(t, "the payment's change on the portal", func() bool {
		d, ok := dev.Dossier(string(code))
		return ok && d.Record.Status != int(motcua.PortalFinancial)
	})
	d, _ = dev.Dossier(string(code))
	if d.Record.Status != int(motcua.PortalNew) || !d.Record.PaidOnline {
		t.Fatalf("after payment: status %d, paid online %t; want %d, true", d.Record.Status, d.Record.PaidOnline, motcua.PortalNew)
	}
	sixes := 0
	for _, st := range d.Steps {
		if st.Status == 6 {
			sixes++
		}
	}
	if sixes != 1 {
		t.Errorf("%d steps with status 6 on the portal, want 1: %+v", sixes, d.Steps)
	}
}
