package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// The national portal's status outbox, as the portal drainer (internal/portal) reads
// and settles it. RecordTransition writes a row in the transition's transaction; the
// drainer claims the oldest undelivered row of each dossier, sends it and settles it
// (delivered, retry later, or parked). Times come from the drainer's clock so that tests
// can move it.

// OutboxEvent is one status change waiting for the portal, with what the portal is told
// about the dossier at that moment.
type OutboxEvent struct {
	ID           int64
	DossierID    int64
	Code         motcua.DossierCode
	Seq          int
	PortalStatus motcua.PortalStatus
	Status       motcua.Status
	Content      string
	At           time.Time
	DueAt        *time.Time // the appointment after this change
	StepDueAt    *time.Time // the end of the step this change leaves open, when one is
	PrevDueAt    *time.Time // the appointment before it (the previous row's), when there is one
	Attempts     int        // including the one being made
	// Known reports that an earlier row of this dossier was delivered: the portal knows
	// the dossier, so this one updates it instead of adding it.
	Known bool

	HandlerName, HandlerTitle string // who made the change, when a person did
	UnitName                  string // the unit that made it or holds the dossier

	ProcedureCode, ProcedureName, Domain string
	AgencyName                           string // the unit that received the dossier
	Online                               bool
	Channel                              motcua.Channel
	SubmittedAt                          time.Time
	ReceivedAt, FinishedAt               *time.Time
	// ApplicantName is the dossier's owner (the portal's ChuHoSo): the organization an
	// organization's dossier was filed for, else the person; its e-mail and phone, or
	// (an organization that records none) those of who filed.
	ApplicantName                  string
	ApplicantEmail, ApplicantPhone string
	// ApplicantVNeID reports that the applicant submitted logged in through VNeID.
	ApplicantVNeID bool
	// PaidOnline reports that the dossier's fee was paid through the payment platform.
	PaidOnline bool

	Components []OutboxFile
	Results    []OutboxFile
}

// OutboxFile is a submitted component or a result document of the dossier.
type OutboxFile struct {
	ID        string // file or document UUID
	Name      string
	Component string // the component's code (files) or the document's number (results)
	Kind      string // documents: their kind
	// Files: Digitized at the desk; ReusedFrom is the source of the stored document it
	// refers to (SourceResult, SourceComponent, SourceNational), "" when uploaded.
	Digitized  bool
	ReusedFrom string
}

// ClaimOutbox leases up to limit undelivered, unparked rows whose retry time has come,
// the oldest undelivered row of each dossier only (the portal learns of a dossier's
// changes in order), until now+lease: another drainer skips them meanwhile, and a
// drainer that dies returns them when the lease ends. Each claim counts an attempt.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxEvent, error) {
	var out []OutboxEvent
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, `WITH heads AS (
				SELECT DISTINCT ON (dossier_id) id
				FROM status_outbox WHERE sent_at IS NULL ORDER BY dossier_id, seq),
			claimable AS (
				SELECT o.id FROM status_outbox o JOIN heads h ON h.id = o.id
				-- on o, not on the snapshot of heads: rechecked on the row once it is locked
				WHERE o.sent_at IS NULL AND o.parked_at IS NULL
					AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $1)
					AND (o.lease_until IS NULL OR o.lease_until <= $1)
				ORDER BY o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED)
			UPDATE status_outbox o SET lease_until = $2, attempts = o.attempts + 1
			FROM claimable c WHERE o.id = c.id
			RETURNING o.id`, now.UTC(), now.Add(lease).UTC(), limit)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		out, err = outboxEvents(ctx, tx, ids)
		return err
	})
	return out, err
}

// outboxEvents reads the rows with what the portal is told of their dossiers.
func outboxEvents(ctx context.Context, tx pgx.Tx, ids []int64) ([]OutboxEvent, error) {
	rows, err := tx.Query(ctx, `SELECT o.id, o.dossier_id, d.code, o.seq, o.portal_status, o.status, o.content, o.at,
			o.due_at, o.step_due_at, prev.due_at, o.attempts,
			EXISTS (SELECT 1 FROM status_outbox k WHERE k.dossier_id = o.dossier_id AND k.sent_at IS NOT NULL),
			coalesce(h.name, ''), coalesce(h.title, ''), coalesce(u.name, ''),
			d.procedure_code, coalesce(p.name, ''), coalesce(p.domain, ''), du.name, d.online, d.channel, d.submitted_at,
			d.received_at, d.finished_at, coalesce(og.name, a.name), coalesce(og.email, a.email, ''), coalesce(og.phone, a.phone, ''), d.applicant_vneid,
			EXISTS (SELECT 1 FROM payments pay WHERE pay.dossier_code = d.code AND pay.status = 'paid')
		FROM status_outbox o
		JOIN dossiers d ON d.id = o.dossier_id
		JOIN units du ON du.id = d.unit_id
		JOIN users a ON a.id = d.applicant_id
		LEFT JOIN users og ON og.id = d.organization_id
		LEFT JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		LEFT JOIN users h ON h.id = o.handler_id
		LEFT JOIN units u ON u.id = o.unit_id
		LEFT JOIN status_outbox prev ON prev.dossier_id = o.dossier_id AND prev.seq = o.seq - 1
		WHERE o.id = ANY ($1) ORDER BY o.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxEvent, error) {
		var e OutboxEvent
		var ps int16
		err := r.Scan(&e.ID, &e.DossierID, &e.Code, &e.Seq, &ps, &e.Status, &e.Content, &e.At,
			&e.DueAt, &e.StepDueAt, &e.PrevDueAt, &e.Attempts, &e.Known,
			&e.HandlerName, &e.HandlerTitle, &e.UnitName,
			&e.ProcedureCode, &e.ProcedureName, &e.Domain, &e.AgencyName, &e.Online, &e.Channel, &e.SubmittedAt,
			&e.ReceivedAt, &e.FinishedAt, &e.ApplicantName, &e.ApplicantEmail, &e.ApplicantPhone, &e.ApplicantVNeID, &e.PaidOnline)
		e.PortalStatus = motcua.PortalStatus(ps)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	for i := range events {
		e := &events[i]
		files, err := tx.Query(ctx, `SELECT f.id::text, f.name, coalesce(f.component, ''), '', f.digitized, coalesce(a.source, '')
			FROM files f LEFT JOIN applicant_documents a ON a.id = f.reused_from
			WHERE f.dossier_id = $1 ORDER BY f.created_at, f.id`, e.DossierID)
		if err != nil {
			return nil, fmt.Errorf("read components of %s: %w", e.Code, err)
		}
		if e.Components, err = pgx.CollectRows(files, pgx.RowToStructByPos[OutboxFile]); err != nil {
			return nil, fmt.Errorf("read components of %s: %w", e.Code, err)
		}
		// A result is rewritten as it goes (signed, then numbered and sealed): each version
		// is a row of its own; the portal gets the latest, the one the applicant receives.
		docs, err := tx.Query(ctx, `SELECT id::text, name, coalesce(number, ''), kind, false, '' FROM documents
			WHERE dossier_id = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1`, e.DossierID, motcua.DocResult)
		if err != nil {
			return nil, fmt.Errorf("read results of %s: %w", e.Code, err)
		}
		if e.Results, err = pgx.CollectRows(docs, pgx.RowToStructByPos[OutboxFile]); err != nil {
			return nil, fmt.Errorf("read results of %s: %w", e.Code, err)
		}
	}
	return events, nil
}

// MarkOutboxDelivered records that the portal acknowledged row id at now, by an add
// or an update. A row already delivered keeps its first delivery.
func (s *Store) MarkOutboxDelivered(ctx context.Context, id int64, now time.Time, operation string) error {
	_, err := s.pool.Exec(ctx, `UPDATE status_outbox SET sent_at = $2, operation = $3, lease_until = NULL,
			last_error = NULL, next_attempt_at = NULL
		WHERE id = $1 AND sent_at IS NULL`, id, now.UTC(), operation)
	if err != nil {
		return fmt.Errorf("mark outbox row %d delivered: %w", id, err)
	}
	return nil
}

// RetryOutboxLater records a failed attempt: the row is tried again from next.
func (s *Store) RetryOutboxLater(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE status_outbox SET next_attempt_at = $2, last_error = $3, lease_until = NULL
		WHERE id = $1 AND sent_at IS NULL`, id, next.UTC(), truncate(reason, 1000))
	if err != nil {
		return fmt.Errorf("reschedule outbox row %d: %w", id, err)
	}
	return nil
}

// ParkOutbox sets row id aside: the portal refused it for good. The dossier's later
// rows wait behind it (order is kept) until an administrator sends it again.
func (s *Store) ParkOutbox(ctx context.Context, id int64, now time.Time, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE status_outbox SET parked_at = $2, parked_reason = $3, last_error = $3,
			lease_until = NULL
		WHERE id = $1 AND sent_at IS NULL`, id, now.UTC(), truncate(reason, 1000))
	if err != nil {
		return fmt.Errorf("park outbox row %d: %w", id, err)
	}
	return nil
}

// ParkedOutboxRow is a status change the portal refused, as the administrator sees it.
type ParkedOutboxRow struct {
	ID       int64
	Code     motcua.DossierCode
	Seq      int
	Status   motcua.Status
	At       time.Time
	ParkedAt time.Time
	Reason   string
	Attempts int
	Waiting  int // later changes of the dossier held behind it
}

// ParkedOutbox lists the parked rows, oldest first.
func (s *Store) ParkedOutbox(ctx context.Context, limit int) ([]ParkedOutboxRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT o.id, d.code, o.seq, o.status, o.at, o.parked_at, coalesce(o.parked_reason, ''),
			o.attempts,
			(SELECT count(*) FROM status_outbox w WHERE w.dossier_id = o.dossier_id AND w.seq > o.seq AND w.sent_at IS NULL)
		FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
		WHERE o.parked_at IS NOT NULL AND o.sent_at IS NULL
		ORDER BY o.parked_at, o.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list parked outbox rows: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ParkedOutboxRow])
}

// ParkedOutboxCount counts the parked rows.
func (s *Store) ParkedOutboxCount(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM status_outbox WHERE parked_at IS NOT NULL AND sent_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count parked outbox rows: %w", err)
	}
	return n, nil
}

// RetryParkedOutbox sends parked row id again at the next drain, and audits who asked.
func (s *Store) RetryParkedOutbox(ctx context.Context, by, id int64) error {
	return s.Tx(ctx, func(tx pgx.Tx) error {
		var code string
		var seq int
		err := tx.QueryRow(ctx, `UPDATE status_outbox o SET parked_at = NULL, parked_reason = NULL, next_attempt_at = NULL,
				lease_until = NULL, attempts = 0
			FROM dossiers d WHERE o.id = $1 AND d.id = o.dossier_id AND o.parked_at IS NOT NULL AND o.sent_at IS NULL
			RETURNING d.code, o.seq`, id).Scan(&code, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return &motcua.Error{Code: motcua.ENOTFOUND,
				Message: "Không tìm thấy sự kiện đồng bộ đang tạm dừng (có thể đã được gửi lại)."}
		}
		if err != nil {
			return fmt.Errorf("retry outbox row %d: %w", id, err)
		}
		return Audit(ctx, tx, AuditEntry{ActorID: by, Action: "portal.retry", ObjectType: "dossier", ObjectID: code,
			Detail: map[string]any{"seq": seq, "outbox_id": strconv.FormatInt(id, 10)}})
	})
}

// OutboxDelays returns the delivery delays (sent_at − at) of the rows delivered since
// since, for the performance note's percentiles.
func (s *Store) OutboxDelays(ctx context.Context, since time.Time) ([]time.Duration, error) {
	rows, err := s.pool.Query(ctx, `SELECT (extract(epoch FROM delay) * 1000000)::bigint FROM status_outbox
		WHERE sent_at IS NOT NULL AND at >= $1 ORDER BY delay`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("read outbox delays: %w", err)
	}
	us, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(us))
	for i, u := range us {
		out[i] = time.Duration(u) * time.Microsecond
	}
	return out, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
