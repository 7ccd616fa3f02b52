package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// clock is the tests' clock: it moves only when the test says so.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a seeded database, the development portal over real HTTP and a clock.
type fixture struct {
	t     testing.TB
	db    string
	st    *store.Store
	dev   *portal.DevServer
	url   string
	clock *clock
	seqs  map[motcua.DossierCode]int
}

const devToken = "dev-portal-token"

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.NewDatabase(t)
	st := openStore(t, db)
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	if err := st.SyncProcedures(ctx, []store.ProcedureRecord{{Code: "IX.01", Version: 1, Name: "Thủ tục mẫu", Domain: "Mẫu",
		Definition: json.RawMessage(`{}`), EffectiveFrom: t0.AddDate(0, -1, 0)}}); err != nil {
		t.Fatal(err)
	}
	dev, err := portal.NewDevServer(portal.DevOptions{Token: devToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = dev.Close() }) // runs first: releases hung calls
	return &fixture{t: t, db: db, st: st, dev: dev, url: srv.URL, clock: &clock{t: t0}, seqs: map[motcua.DossierCode]int{}}
}

func openStore(t testing.TB, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// dossier files a dossier (no outbox row: the portal hears of it when it is received).
func (f *fixture) dossier() motcua.DossierCode {
	f.t.Helper()
	ctx := context.Background()
	var applicant int64
	if err := f.st.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'congdan1'`).Scan(&applicant); err != nil {
		f.t.Fatal(err)
	}
	vp, err := f.st.UnitByCode(ctx, "VP")
	if err != nil {
		f.t.Fatal(err)
	}
	var code motcua.DossierCode
	err = f.st.Tx(ctx, func(tx pgx.Tx) error {
		if code, err = store.NextDossierCode(ctx, tx, vp.Agency, f.clock.Now()); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: applicant, UnitCode: "VP",
			ProcedureCode: "IX.01", ProcedureVersion: 1, Online: true, FormData: json.RawMessage(`{}`), SubmittedAt: f.clock.Now()})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.RecordSubmission(ctx, code); err != nil {
		f.t.Fatal(err)
	}
	return code
}

// step records the dossier's next transition at the clock's time.
func (f *fixture) step(code motcua.DossierCode, status motcua.Status, due *time.Time) {
	f.t.Helper()
	f.seqs[code]++
	tr := motcua.Transition{Code: code, Seq: f.seqs[code], At: f.clock.Now(), Action: "act", Status: status,
		UnitCode: "VP", DueAt: due, Note: fmt.Sprintf("bước %d", f.seqs[code]), NotePublic: true}
	if _, err := f.st.RecordTransition(context.Background(), tr); err != nil {
		f.t.Fatal(err)
	}
}

// lifecycle is the statuses each dossier of the outage test goes through.
var lifecycle = []motcua.Status{motcua.StatusReceived, motcua.StatusInReview, motcua.StatusSupplementRequested,
	motcua.StatusInReview, motcua.StatusResultReady, motcua.StatusReturned}

func (f *fixture) syncer(st *store.Store, timeout time.Duration) *portal.Syncer {
	f.t.Helper()
	c, err := portal.NewClient(portal.ClientOptions{URL: f.url, Token: devToken, Timeout: timeout})
	if err != nil {
		f.t.Fatal(err)
	}
	s, err := portal.NewSyncer(portal.SyncOptions{Outbox: st, Portal: c, PublicURL: "https://motcua.example",
		Timeout: timeout, Poll: 5 * time.Millisecond, MinBackoff: 5 * time.Second, MaxBackoff: time.Minute,
		Now: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// run starts a Syncer in the background; stop ends it and waits.
func run(s *portal.Syncer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// control tells the development portal what to do, through its control endpoint.
func (f *fixture) control(c portal.Control) {
	f.t.Helper()
	b, _ := json.Marshal(c)
	req, _ := http.NewRequest(http.MethodPut, f.url+"/dev/control", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+devToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("control %+v: HTTP %d", c, resp.StatusCode)
	}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.st.Pool().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// waitFor polls cond (real time, bounded) — a wait, not a timing assertion.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestEveryStatusChangeArrivesOnceInOrderThroughAnOutageAndARestart: the portal fails
// for 15 (simulated) minutes while dossiers move and motcua's drainer is replaced by a
// new one on the same database; afterwards the portal holds every change once, in
// order per dossier, and each row's delay (sent_at − at) is recorded.
func TestEveryStatusChangeArrivesOnceInOrderThroughAnOutageAndARestart(t *testing.T) {
	f := newFixture(t)
	const dossiers = 4
	codes := make([]motcua.DossierCode, dossiers)
	for i := range codes {
		codes[i] = f.dossier()
	}
	stop := run(f.syncer(f.st, 2*time.Second))
	// Healthy: the first change of each dossier arrives.
	for _, c := range codes {
		f.step(c, lifecycle[0], nil)
	}
	waitFor(t, "the first changes", func() bool {
		return f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NOT NULL`) == dossiers
	})

	// The portal fails for 15 minutes; the dossiers keep moving, one change a minute.
	f.control(portal.Control{Mode: portal.ModeFail})
	outageStart := f.clock.Now()
	due := outageStart.Add(72 * time.Hour)
	restarted := false
	for minute := 1; minute <= 15; minute++ {
		f.clock.Advance(time.Minute)
		if minute < len(lifecycle) {
			for _, c := range codes {
				var d *time.Time
				if lifecycle[minute] == motcua.StatusSupplementRequested {
					moved := due.Add(48 * time.Hour) // the supplement moves the appointment
					d = &moved
				} else if minute == 1 {
					d = &due
				}
				f.step(c, lifecycle[minute], d)
			}
		}
		// Wait until the drainer tried (and failed) every head again at this time.
		now := f.clock.Now()
		waitFor(t, fmt.Sprintf("failed attempts at minute %d", minute), func() bool {
			return f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NULL AND
				(next_attempt_at IS NULL OR next_attempt_at <= $1) AND parked_at IS NULL
				AND seq = (SELECT min(seq) FROM status_outbox h WHERE h.dossier_id = status_outbox.dossier_id AND h.sent_at IS NULL)`,
				now) == 0
		})
		if minute == 7 && !restarted {
			// motcua restarts: the drainer stops, a new one starts on a new connection.
			stop()
			stop = run(f.syncer(openStore(t, f.db), 2*time.Second))
			restarted = true
		}
	}
	if n := f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NOT NULL`); n != dossiers {
		t.Fatalf("%d changes delivered while the portal failed, want only the %d before", n, dossiers)
	}
	if n := f.count(`SELECT count(*) FROM status_outbox WHERE attempts > 1`); n == 0 {
		t.Fatal("no change was retried during the outage")
	}
	// The portal is back; within a minute (the backoff's cap) everything arrives.
	f.control(portal.Control{Mode: portal.ModeOK})
	f.clock.Advance(time.Minute)
	total := dossiers * len(lifecycle)
	waitFor(t, "every change delivered", func() bool {
		return f.count(`SELECT count(*) FROM status_outbox WHERE sent_at IS NOT NULL`) == total
	})
	stop()

	for _, c := range codes {
		d, ok := f.dev.Dossier(string(c))
		if !ok {
			t.Fatalf("the portal does not know %s", c)
		}
		if len(d.Steps) != len(lifecycle) {
			t.Fatalf("%s: %d steps on the portal, want %d (once each)", c, len(d.Steps), len(lifecycle))
		}
		for i, s := range d.Steps {
			if want := int(lifecycle[i].Portal()); s.Status != want || s.Content != fmt.Sprintf("%s: bước %d", lifecycle[i].Label(), i+1) {
				t.Fatalf("%s step %d: status %d %q, want %d (in order)", c, i+1, s.Status, s.Content, want)
			}
		}
		if d.Record.Status != int(motcua.PortalResultDelivered) || d.Record.ReturnedAt == "" {
			t.Fatalf("%s: record status %d returned %q", c, d.Record.Status, d.Record.ReturnedAt)
		}
		if d.Record.Channel != portal.ChannelOnline {
			t.Fatalf("%s: channel %d", c, d.Record.Channel)
		}
	}
	// The supplement moved the appointment: the portal was told the old and new dates.
	for _, c := range codes {
		d, _ := f.dev.Dossier(string(c))
		want := portal.Appointment{Before: portal.Time(due), After: portal.Time(due.Add(48 * time.Hour))}
		if len(d.Moves) != 1 || d.Moves[0].Before != want.Before || d.Moves[0].After != want.After {
			t.Fatalf("%s: appointment moves %+v, want %s -> %s", c, d.Moves, want.Before, want.After)
		}
		var op string
		if err := f.st.Pool().QueryRow(context.Background(), `SELECT o.operation FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 AND o.seq = 1`, c).Scan(&op); err != nil || op != "add" {
			t.Fatalf("%s: first change stored by %q (%v), want add", c, op, err)
		}
	}
	// Delays: the changes made during the outage waited for the portal's return.
	if n := f.count(`SELECT count(*) FROM status_outbox WHERE delay IS NULL`); n != 0 {
		t.Fatalf("%d rows without a delay", n)
	}
	for seq, want := range map[int]string{1: "0", 2: "15 minutes", 6: "11 minutes"} {
		if n := f.count(`SELECT count(*) FROM status_outbox WHERE seq = $1 AND delay = $2::interval`, seq, want); n != dossiers {
			t.Fatalf("%d changes number %d waited %s, want %d", n, seq, want, dossiers)
		}
	}
}
