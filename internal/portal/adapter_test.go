package portal_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
)

// TestAlreadyExistsTurnsAnAddIntoAnUpdate: the portal knows a dossier motcua never
// told it of (filed on the portal, or an add whose answer was lost); its "exists"
// answer to the add makes the Syncer update the record instead, and the row is
// delivered as an update.
func TestAlreadyExistsTurnsAnAddIntoAnUpdate(t *testing.T) {
	f := newFixture(t)
	code := f.dossier()
	c, err := portal.NewClient(portal.ClientOptions{URL: f.url, Token: devToken, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Add(ctx, "elsewhere/1/add", portal.Dossier{Code: string(code), Status: 1, ProcedureName: "cũ"}); err != nil {
		t.Fatal(err)
	}
	f.step(code, motcua.StatusReceived, nil)
	if n, err := f.syncer(f.st, 2*time.Second).Pass(ctx); err != nil || n != 1 {
		t.Fatalf("pass: %d %v", n, err)
	}
	var outcomes []string
	for _, call := range f.dev.Calls() {
		if call.Code == string(code) {
			outcomes = append(outcomes, call.Op+":"+call.Outcome)
		}
	}
	want := "add:applied add:exists update:applied progress:applied"
	if got := strings.Join(outcomes, " "); got != want {
		t.Fatalf("calls %q, want %q", got, want)
	}
	d, _ := f.dev.Dossier(string(code))
	if d.Updates != 1 || d.Record.ProcedureName != "Thủ tục mẫu" || d.Record.Status != int(motcua.PortalReceived) {
		t.Fatalf("the record was not updated: %+v", d)
	}
	if n := f.count(`SELECT count(*) FROM status_outbox WHERE operation = 'update' AND sent_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d rows delivered as an update, want 1", n)
	}
}

// TestAHungPortalHoldsACallNoLongerThanTheTimeout: the portal, told to hang, never
// answers; the pass returns after the call's timeout and the change is rescheduled,
// not lost. Without the timeout the pass would wait until the portal is closed.
func TestAHungPortalHoldsACallNoLongerThanTheTimeout(t *testing.T) {
	f := newFixture(t)
	code := f.dossier()
	f.step(code, motcua.StatusReceived, nil)
	f.control(portal.Control{Mode: portal.ModeHang})
	const timeout = 300 * time.Millisecond
	s := f.syncer(f.st, timeout)
	done := make(chan error, 1)
	go func() { _, err := s.Pass(context.Background()); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		// Far beyond the timeout: the call is not bounded.
		t.Fatal("the pass is still waiting for the hung portal")
	}
	var lastErr string
	if err := f.st.Pool().QueryRow(context.Background(),
		`SELECT coalesce(last_error, '') FROM status_outbox WHERE sent_at IS NULL AND next_attempt_at > $1`, f.clock.Now()).
		Scan(&lastErr); err != nil {
		t.Fatalf("the change is not rescheduled: %v", err)
	}
	if !strings.Contains(lastErr, "deadline exceeded") && !strings.Contains(lastErr, "Timeout") {
		t.Fatalf("last error %q does not say the call timed out", lastErr)
	}
	hung := 0
	for _, c := range f.dev.Calls() {
		if c.Outcome == "hung" {
			hung++
		}
	}
	if hung != 1 {
		t.Fatalf("%d hung calls, want 1", hung)
	}
	// Every call of the client itself is bounded too, with no Syncer around it.
	c, _ := portal.NewClient(portal.ClientOptions{URL: f.url, Token: devToken, Timeout: timeout})
	errc := make(chan error, 1)
	go func() {
		errc <- c.Progress(context.Background(), "x/1/progress", portal.Progress{Code: "x", Status: 2})
	}()
	select {
	case err := <-errc:
		if err == nil || portal.Refused(err) {
			t.Fatalf("a hung call ended with %v, want a transient timeout", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the client is still waiting for the hung portal")
	}
}

// TestARefusedChangeIsParkedAndHoldsItsDossier: the portal refuses one dossier's change
// for good; it is parked with the portal's reason, the dossier's later change waits
// behind it, other dossiers go on; sent again by an administrator, both arrive in order.
func TestARefusedChangeIsParkedAndHoldsItsDossier(t *testing.T) {
	f := newFixture(t)
	bad, good := f.dossier(), f.dossier()
	f.control(portal.Control{Mode: portal.ModeRefuse, Code: string(bad), Reason: "Mã thủ tục không có trong CSDL quốc gia."})
	f.step(bad, motcua.StatusReceived, nil)
	f.step(bad, motcua.StatusInReview, nil)
	f.step(good, motcua.StatusReceived, nil)
	ctx := context.Background()
	s := f.syncer(f.st, 2*time.Second)
	for range 3 {
		if _, err := s.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}
	parked, err := f.st.ParkedOutbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(parked) != 1 || parked[0].Code != bad || parked[0].Seq != 1 || parked[0].Waiting != 1 ||
		!strings.Contains(parked[0].Reason, "Mã thủ tục không có trong CSDL quốc gia.") {
		t.Fatalf("parked %+v", parked)
	}
	if n := f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d delivered, want the other dossier's only", n)
	}
	var admin int64
	if err := f.st.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'admin'`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	f.control(portal.Control{Mode: portal.ModeOK})
	if err := f.st.RetryParkedOutbox(ctx, admin, parked[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetryParkedOutbox(ctx, admin, parked[0].ID); motcua.ErrorCode(err) != motcua.ENOTFOUND {
		t.Fatalf("retrying a row no longer parked: %v", err)
	}
	for range 2 {
		if _, err := s.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}
	d, ok := f.dev.Dossier(string(bad))
	if !ok || len(d.Steps) != 2 || d.Steps[0].Status != 2 || d.Steps[1].Status != 4 {
		t.Fatalf("after the retry the portal holds %+v", d)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'portal.retry'`); n != 1 {
		t.Fatalf("%d audit records of the retry", n)
	}
}

// TestClientClassifiesThePortalsAnswers: which answers are retried, refused, or turned
// into another call.
func TestClientClassifiesThePortalsAnswers(t *testing.T) {
	f := devPortal(t)
	c, _ := portal.NewClient(portal.ClientOptions{URL: f.url, Token: devToken, Timeout: 2 * time.Second})
	bad, _ := portal.NewClient(portal.ClientOptions{URL: f.url, Token: "wrong", Timeout: 2 * time.Second})
	ctx := context.Background()
	d := portal.Dossier{Code: "G09-1", Status: 2}
	tests := []struct {
		name    string
		control portal.Control
		call    func() error
		check   func(error) bool
	}{
		{"add", portal.Control{}, func() error { return c.Add(ctx, "k1", d) }, func(err error) bool { return err == nil }},
		{"add again, new key", portal.Control{}, func() error { return c.Add(ctx, "k2", d) },
			func(err error) bool { return errors.Is(err, portal.ErrExists) }},
		{"same key answers as before", portal.Control{}, func() error { return c.Add(ctx, "k1", d) }, func(err error) bool { return err == nil }},
		{"update unknown", portal.Control{}, func() error { return c.Update(ctx, "k3", portal.Dossier{Code: "G09-2", Status: 4}) },
			func(err error) bool { return errors.Is(err, portal.ErrUnknown) }},
		{"invalid status is refused", portal.Control{}, func() error { return c.Update(ctx, "k4", portal.Dossier{Code: "G09-1", Status: 11}) },
			portal.Refused},
		{"503 is transient", portal.Control{Mode: portal.ModeFail}, func() error { return c.Update(ctx, "k5", d) },
			func(err error) bool { return err != nil && !portal.Refused(err) }},
		{"a wrong token is transient", portal.Control{}, func() error { return bad.Update(ctx, "k6", d) },
			func(err error) bool { return err != nil && !portal.Refused(err) }},
		{"refusal", portal.Control{Mode: portal.ModeRefuse}, func() error { return c.Update(ctx, "k7", d) }, portal.Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.control(tt.control)
			if err := tt.call(); !tt.check(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// TestTheDevelopmentPortalRemembersThroughItsJournal: restarted on its journal, the
// development portal still knows the dossiers and the answered keys.
func TestTheDevelopmentPortalRemembersThroughItsJournal(t *testing.T) {
	path := t.TempDir() + "/portal/journal.jsonl"
	first, err := portal.NewDevServer(portal.DevOptions{Journal: path})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, first)
	c, _ := portal.NewClient(portal.ClientOptions{URL: srv, Timeout: 2 * time.Second})
	ctx := context.Background()
	if err := c.Add(ctx, "A/1/add", portal.Dossier{Code: "A", Status: 2}); err != nil {
		t.Fatal(err)
	}
	if err := c.Progress(ctx, "A/1/progress", portal.Progress{Code: "A", Status: 2}); err != nil {
		t.Fatal(err)
	}
	first.Close()
	second, err := portal.NewDevServer(portal.DevOptions{Journal: path})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	c2, _ := portal.NewClient(portal.ClientOptions{URL: newServer(t, second), Timeout: 2 * time.Second})
	if err := c2.Progress(ctx, "A/1/progress", portal.Progress{Code: "A", Status: 2}); err != nil {
		t.Fatal(err)
	}
	if err := c2.Update(ctx, "A/2/update", portal.Dossier{Code: "A", Status: 4}); err != nil {
		t.Fatalf("the restarted portal forgot the dossier: %v", err)
	}
	d, _ := second.Dossier("A")
	if len(d.Steps) != 1 || d.Record.Status != 4 {
		t.Fatalf("after the restart: %+v", d)
	}
}

// FuzzDecodeAnswer: the portal's answer is untrusted bytes; decoding never panics and
// an accepted answer has a short error code.
func FuzzDecodeAnswer(f *testing.F) {
	for _, s := range []string{`{"error_code":"0"}`, `{"error_code":-3,"message":"x"}`, `{"error_code":null}`, `[]`, ``,
		`{"error_code":{"a":1}}`, `{"error_code":"` + strings.Repeat("9", 40) + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := portal.DecodeAnswer(b)
		if err == nil && (a.ErrorCode == "" || len(a.ErrorCode) > 16) {
			t.Fatalf("accepted %q as error code %q", b, a.ErrorCode)
		}
	})
}

func newServer(t *testing.T, dev *portal.DevServer) string {
	t.Helper()
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// devPortal is the development portal alone, for tests without a database.
func devPortal(t *testing.T) *fixture {
	t.Helper()
	dev, err := portal.NewDevServer(portal.DevOptions{Token: devToken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	return &fixture{t: t, dev: dev, url: newServer(t, dev)}
}

// TestOnlyTheOldestUndeliveredChangeOfADossierIsClaimed: the claim that keeps each
// dossier's changes in order, whatever the number of drainers: one row per dossier, the
// oldest undelivered; a leased row is not claimed again until its lease ends.
func TestOnlyTheOldestUndeliveredChangeOfADossierIsClaimed(t *testing.T) {
	f := newFixture(t)
	a, b := f.dossier(), f.dossier()
	for _, s := range []motcua.Status{motcua.StatusReceived, motcua.StatusInReview, motcua.StatusSupplementRequested} {
		f.step(a, s, nil)
	}
	f.step(b, motcua.StatusReceived, nil)
	ctx := context.Background()
	claim := func() map[motcua.DossierCode]int {
		t.Helper()
		ev, err := f.st.ClaimOutbox(ctx, f.clock.Now(), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := map[motcua.DossierCode]int{}
		for _, e := range ev {
			if _, dup := got[e.Code]; dup {
				t.Fatalf("two changes of %s claimed at once", e.Code)
			}
			got[e.Code] = e.Seq
		}
		return got
	}
	first := claim()
	if len(first) != 2 || first[a] != 1 || first[b] != 1 {
		t.Fatalf("first claim %v, want seq 1 of both", first)
	}
	if again := claim(); len(again) != 0 {
		t.Fatalf("leased rows claimed again: %v", again)
	}
	var id int64
	if err := f.st.Pool().QueryRow(ctx, `SELECT o.id FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
		WHERE d.code = $1 AND o.seq = 1`, a).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := f.st.MarkOutboxDelivered(ctx, id, f.clock.Now(), "add"); err != nil {
		t.Fatal(err)
	}
	if next := claim(); len(next) != 1 || next[a] != 2 {
		t.Fatalf("after delivering a's first change: %v, want a's second only (b's is leased)", next)
	}
	f.clock.Advance(2 * time.Minute) // the leases end: a crashed drainer's rows come back
	if back := claim(); len(back) != 2 || back[a] != 2 || back[b] != 1 {
		t.Fatalf("after the leases ended: %v", back)
	}
}

// FuzzDevServerSync: the development portal reads its callers' bodies; whatever they
// send, it answers with a JSON error code and never panics.
func FuzzDevServerSync(f *testing.F) {
	for _, s := range []string{`{"MaHoSo":"A","TrangThaiHoSo":2}`, `{"MaHoSo":"A","TrangThai":4}`, `{"MaHoSo":""}`,
		`{"MaHoSo":"A","TrangThaiHoSo":11}`, `[`, `null`, `{"TaiLieuNop":[{"DuocTaiSuDung":"x"}]}`} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(2))
	}
	dev, err := portal.NewDevServer(portal.DevOptions{})
	if err != nil {
		f.Fatal(err)
	}
	h := dev.Handler()
	paths := []string{portal.DefaultPaths.Add, portal.DefaultPaths.Update, portal.DefaultPaths.Progress}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		req := httptest.NewRequest("POST", paths[int(which)%len(paths)], bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if _, err := portal.DecodeAnswer(rec.Body.Bytes()); err != nil {
			t.Fatalf("HTTP %d answer %q: %v", rec.Code, rec.Body.Bytes(), err)
		}
	})
}
