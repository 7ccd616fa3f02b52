package portal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/internal/store"
)

// Outbox is what the Syncer needs of the store.
type Outbox interface {
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxEvent, error)
	MarkOutboxDelivered(ctx context.Context, id int64, now time.Time, operation string) error
	RetryOutboxLater(ctx context.Context, id int64, next time.Time, reason string) error
	ParkOutbox(ctx context.Context, id int64, now time.Time, reason string) error
}

// Ratings is what the Syncer needs of the store to send the applicants' ratings.
type Ratings interface {
	UnsyncedRatings(ctx context.Context, limit int) ([]store.UnsyncedRating, error)
	MarkRatingSynced(ctx context.Context, dossierID int64, at time.Time) error
}

// SyncOptions configure a Syncer; zero fields take the defaults below.
type SyncOptions struct {
	Outbox Outbox // required
	Portal Portal // required
	// Ratings, when set, are sent too: each rating once, after the dossier's changes.
	Ratings Ratings
	// PublicURL is the base of the download links of results and components.
	PublicURL string
	// Timeout bounds each call to the portal (default DefaultTimeout). A claimed event
	// is leased for 4 timeouts (an add that becomes an update, then the step, and slack),
	// so a drainer that dies returns its events by then.
	Timeout time.Duration
	// Poll is how long the Syncer sleeps when the outbox is empty (default 1s).
	Poll time.Duration
	// Batch is how many events one pass claims (default 100); Workers how many of
	// them are sent at once (default 8). One pass sends at most one event per dossier.
	Batch, Workers int
	// MinBackoff and MaxBackoff bound the wait after a failed attempt, doubling from the
	// first to the second (defaults 5s and 1m: a portal back from an outage hears of
	// every waiting change within a minute).
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock of leases, retries and delivery times (default time.Now).
	Now func() time.Time
	Log *slog.Logger
}

// Syncer drains the status outbox to the portal: in order per dossier, each change
// once (an idempotency key per call), retried with backoff, parked when refused.
type Syncer struct {
	o SyncOptions

	// The ratings' retry: after a failed send no rating is tried before rateAfter,
	// the wait doubling from MinBackoff to MaxBackoff (rateFails in a row).
	rateMu    sync.Mutex
	rateAfter time.Time
	rateFails int
}

// NewSyncer returns a Syncer; Run starts it.
func NewSyncer(o SyncOptions) (*Syncer, error) {
	if o.Outbox == nil || o.Portal == nil {
		return nil, errors.New("portal syncer: Outbox and Portal are required")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 5 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(time.Minute, o.MinBackoff)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	return &Syncer{o: o}, nil
}

// Lease is how long a claimed event is held by this Syncer.
func (s *Syncer) Lease() time.Duration { return 4 * s.o.Timeout }

// Run drains until ctx is done: a pass, then another at once when the pass was full,
// else after Poll. A failing database is logged and retried at the next poll.
func (s *Syncer) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			s.o.Log.Error("portal sync pass", "err", err)
		}
		wait := s.o.Poll
		if n >= s.o.Batch {
			wait = 0
		}
		t.Reset(wait)
	}
}

// Pass claims a batch of events and sends them; it returns how many it claimed. Events
// whose send ctx ended are given back at once (a stop), the others settled: delivered,
// retried later, or parked.
func (s *Syncer) Pass(ctx context.Context) (int, error) {
	events, err := s.o.Outbox.ClaimOutbox(ctx, s.o.Now(), s.Lease(), s.o.Batch)
	if err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, s.rate(ctx)
	}
	sem := make(chan struct{}, s.o.Workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, e := range events {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			op, sendErr := s.send(ctx, e)
			if err := s.settle(ctx, e, op, sendErr); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(events), errors.Join(errs...)
}

// send tells the portal of one event: the dossier's record (an add the first time, an
// update after; the portal's "exists" turns an add into an update, its "unknown" an
// update into an add), then the processing step. It returns the operation that stored
// the record.
func (s *Syncer) send(ctx context.Context, e store.OutboxEvent) (op string, err error) {
	d := s.dossier(e)
	key := fmt.Sprintf("%s/%d", e.Code, e.Seq)
	if e.Known {
		op = "update"
		err = s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Update(ctx, key+"/update", d) })
		if errors.Is(err, ErrUnknown) {
			op = "add"
			err = s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Add(ctx, key+"/add", d) })
		}
	} else {
		op = "add"
		err = s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Add(ctx, key+"/add", d) })
		if errors.Is(err, ErrExists) {
			op = "update"
			err = s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Update(ctx, key+"/update", d) })
		}
	}
	if err != nil {
		return op, err
	}
	p := s.progress(e)
	return op, s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Progress(ctx, key+"/progress", p) })
}

// rate sends the ratings the portal has not had, when the outbox is drained: one call
// each, keyed by the dossier ("CODE/rating"), so a resend after a lost answer is
// harmless. A failed send stops the round and waits a backoff before the next.
func (s *Syncer) rate(ctx context.Context) error {
	if s.o.Ratings == nil {
		return nil
	}
	s.rateMu.Lock()
	defer s.rateMu.Unlock()
	if s.o.Now().Before(s.rateAfter) {
		return nil
	}
	rs, err := s.o.Ratings.UnsyncedRatings(ctx, s.o.Batch)
	if err != nil {
		return err
	}
	for _, r := range rs {
		pr := ratingOf(r.Rating)
		err := s.call(ctx, func(ctx context.Context) error { return s.o.Portal.Rate(ctx, string(r.DossierCode)+"/rating", pr) })
		if err != nil {
			s.rateFails++
			s.rateAfter = s.o.Now().Add(s.backoff(s.rateFails))
			s.o.Log.Info("portal rating failed; will retry", "dossier", r.DossierCode, "next", s.rateAfter, "err", err)
			return nil
		}
		s.rateFails = 0
		if err := s.o.Ratings.MarkRatingSynced(ctx, r.DossierID, s.o.Now()); err != nil {
			return err
		}
	}
	return nil
}

// ratingOf is a stored rating as the portal receives it.
func ratingOf(r store.Rating) Rating {
	out := Rating{Code: string(r.DossierCode), Level: r.Score, LevelKey: RatingCode(r.Score), Comment: r.Comment,
		At: Time(r.RatedAt), Criteria: []RatingCriterion{}}
	for _, c := range motcua.RatingCriteria() {
		if l, ok := r.Criteria[string(c)]; ok {
			out.Criteria = append(out.Criteria, RatingCriterion{Key: string(c), Name: c.Label(), Level: l, LevelKey: RatingCode(l)})
		}
	}
	return out
}

// call bounds one call by the timeout, whatever the Portal implementation does.
func (s *Syncer) call(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("portal call: %w", ctx.Err())
	}
}

// settle records what became of one event.
func (s *Syncer) settle(ctx context.Context, e store.OutboxEvent, op string, err error) error {
	now := s.o.Now()
	// Settling must happen even when ctx ended during the call (a stop).
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	switch {
	case err == nil:
		s.o.Log.Debug("portal sync delivered", "dossier", e.Code, "seq", e.Seq, "op", op, "delay", now.Sub(e.At))
		return s.o.Outbox.MarkOutboxDelivered(sctx, e.ID, now, op)
	case ctx.Err() != nil:
		// Stopping: give the event back now instead of when the lease ends. The call
		// may have reached the portal; its idempotency key makes the next one harmless.
		return s.o.Outbox.RetryOutboxLater(sctx, e.ID, now, "stopped during the call: "+err.Error())
	case Refused(err):
		s.o.Log.Warn("portal refused a status change; parked", "dossier", e.Code, "seq", e.Seq, "err", err)
		return s.o.Outbox.ParkOutbox(sctx, e.ID, now, err.Error())
	default:
		next := now.Add(s.backoff(e.Attempts))
		s.o.Log.Info("portal sync failed; will retry", "dossier", e.Code, "seq", e.Seq, "attempt", e.Attempts,
			"next", next, "err", err)
		return s.o.Outbox.RetryOutboxLater(sctx, e.ID, next, err.Error())
	}
}

// backoff is the wait after the attempts-th failed attempt: MinBackoff doubled each
// time, at most MaxBackoff.
func (s *Syncer) backoff(attempts int) time.Duration {
	d := s.o.MinBackoff
	for i := 1; i < attempts && d < s.o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.o.MaxBackoff)
}

// dossier is the dossier's record as the portal receives it with event e.
func (s *Syncer) dossier(e store.OutboxEvent) Dossier {
	f := factsOf(e)
	d := Dossier{
		Code: string(e.Code), ProcedureCode: e.ProcedureCode, ProcedureName: e.ProcedureName, Domain: e.Domain,
		Channel: f.Channel, Applicant: e.ApplicantName, Email: e.ApplicantEmail, Phone: e.ApplicantPhone,
		Summary: e.ProcedureName, SubmittedAt: Time(e.SubmittedAt), ReceivedAt: timePtr(e.ReceivedAt),
		DueAt: timePtr(e.DueAt), Status: int(e.PortalStatus), FinishedAt: timePtr(e.FinishedAt),
		Agency: e.AgencyName, VNeID: f.VNeID, PaidOnline: f.PaidOnline,
		Components: []Component{}, Results: []Result{}, Appointments: []Appointment{},
	}
	switch e.PortalStatus {
	case motcua.PortalResultDelivered:
		d.ReturnedAt = Time(e.At)
	case motcua.PortalNotReceived:
		d.RefusedAt = Time(e.At)
	}
	for _, c := range e.Components {
		cf := f.Components[c.ID]
		d.Components = append(d.Components, Component{ID: c.ID, Name: c.Name, Code: c.Component,
			Link:      s.o.PublicURL + "/api/v1/dossiers/" + string(e.Code) + "/files/" + c.ID,
			Digitized: cf.Digitized, Reused: cf.Reused})
		d.HasDigitized = d.HasDigitized || cf.Digitized
	}
	for _, r := range e.Results {
		d.Results = append(d.Results, Result{Name: r.Name, ID: r.ID, Number: r.Component,
			Link: s.o.PublicURL + "/api/v1/dossiers/" + string(e.Code) + "/documents/" + r.ID})
	}
	if e.PrevDueAt != nil && e.DueAt != nil && !e.PrevDueAt.Equal(*e.DueAt) {
		d.Appointments = append(d.Appointments, Appointment{RequestedBy: e.HandlerName, Content: e.Content,
			At: Time(e.At), Before: Time(*e.PrevDueAt), After: Time(*e.DueAt)})
	}
	return d
}

// progress is the processing step of event e: it starts with the change and ends, by
// the rules, when the step it opened is due; a change that opens no step (the result
// returned, a refusal) ends by the dossier's appointment.
func (s *Syncer) progress(e store.OutboxEvent) Progress {
	due := e.StepDueAt
	if due == nil {
		due = e.DueAt
	}
	return Progress{Code: string(e.Code), Handler: e.HandlerName, Title: e.HandlerTitle, At: Time(e.At),
		Unit: firstNonEmpty(e.UnitName, e.AgencyName), Content: e.Content, Status: int(e.PortalStatus),
		StartedAt: Time(e.At), DueAt: timePtr(due)}
}

// facts are what the portal asks beyond the dossier's own columns: the channel beyond
// online or desk, whether each component was digitized or reused, whether the
// applicant logged in through VNeID, whether fees were paid online. factsOf is the one
// place that reads them.
type facts struct {
	Channel           int
	VNeID, PaidOnline bool
	Components        map[string]componentFacts // by file ID
}

type componentFacts struct {
	Digitized bool
	Reused    int
}

// The portal's DuocTaiSuDung: not reused, reused from the ministry's own document
// store, or from the national portal's.
const (
	NotReused      = 0
	ReusedLocal    = 1
	ReusedNational = 2
)

// factsOf maps what the store has: the channel from dossiers.channel (or online);
// each component digitized at the desk (files.digitized) and reused from the
// applicant's document store (files.reused_from: the national store's documents count
// as the portal's own); whether the applicant submitted logged in through VNeID
// (dossiers.applicant_vneid); whether its fee was paid online (a paid payment).
func factsOf(e store.OutboxEvent) facts {
	f := facts{Channel: channelOf(e), VNeID: e.ApplicantVNeID, PaidOnline: e.PaidOnline, Components: map[string]componentFacts{}}
	for _, c := range e.Components {
		cf := componentFacts{Digitized: c.Digitized}
		switch c.ReusedFrom {
		case "":
		case store.SourceNational:
			cf.Reused = ReusedNational
		default:
			cf.Reused = ReusedLocal
		}
		f.Components[c.ID] = cf
	}
	return f
}

// channelOf numbers the dossier's intake channel as the portal does; a dossier filed on
// the portal itself was filed online.
func channelOf(e store.OutboxEvent) int {
	switch e.Channel {
	case motcua.ChannelDesk:
		return ChannelDesk
	case motcua.ChannelPost:
		return ChannelPost
	case motcua.ChannelOnline, motcua.ChannelPortal:
		return ChannelOnline
	}
	if e.Online {
		return ChannelOnline
	}
	return ChannelDesk
}
