package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"motcua"
)

// Payment statuses.
const (
	PaymentPending   = "pending"
	PaymentPaid      = "paid"
	PaymentCancelled = "cancelled"
	// PaymentMismatch: the platform confirmed an amount other than the fee; it is kept
	// for the desk to settle and does not count as paid.
	PaymentMismatch = "mismatch"
)

// Payment is one payment asked of the payment platform for a dossier's fee.
type Payment struct {
	Reference   string
	DossierCode motcua.DossierCode
	Amount      int64 // the fee, VND
	Status      string
	PayURL      string
	Transaction string
	PaidAmount  *int64
	ConfirmedBy string // callback | poll
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}

const paymentColumns = `reference, dossier_code, amount, status, pay_url, transaction, paid_amount, confirmed_by, created_at, confirmed_at`

func scanPayment(row pgx.Row) (Payment, error) {
	var p Payment
	err := row.Scan(&p.Reference, &p.DossierCode, &p.Amount, &p.Status, &p.PayURL, &p.Transaction, &p.PaidAmount,
		&p.ConfirmedBy, &p.CreatedAt, &p.ConfirmedAt)
	return p, err
}

// CreatePayment stores a new pending payment.
func (s *Store) CreatePayment(ctx context.Context, p Payment) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO payments (reference, dossier_code, amount, pay_url, created_at)
		VALUES ($1, $2, $3, $4, $5)`, p.Reference, p.DossierCode, p.Amount, p.PayURL, p.CreatedAt)
	if err != nil {
		return fmt.Errorf("create payment %s: %w", p.Reference, err)
	}
	return nil
}

// SetPayURL keeps where the applicant pays a pending payment.
func (s *Store) SetPayURL(ctx context.Context, ref, url string) error {
	_, err := s.pool.Exec(ctx, `UPDATE payments SET pay_url = $2 WHERE reference = $1`, ref, url)
	return err
}

// PaymentByReference returns the payment ref (ENOTFOUND when there is none).
func (s *Store) PaymentByReference(ctx context.Context, ref string) (Payment, error) {
	p, err := scanPayment(s.pool.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE reference = $1`, ref))
	if err != nil {
		return Payment{}, notFound(err, "Không tìm thấy giao dịch thanh toán.")
	}
	return p, nil
}

// Payments lists a dossier's payments, the latest first.
func (s *Store) Payments(ctx context.Context, code motcua.DossierCode) ([]Payment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE dossier_code = $1
		ORDER BY created_at DESC, reference DESC`, code)
	if err != nil {
		return nil, fmt.Errorf("payments of %s: %w", code, err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PaymentOutcome is what the platform confirmed of a payment.
type PaymentOutcome struct {
	Status      string // paid, cancelled or mismatch
	PaidAmount  int64
	Transaction string
	By          string // callback | poll
	At          time.Time
}

// SettlePayment records the platform's confirmation of a pending payment, once: a
// payment already settled is returned as it is (changed false), whatever the second
// confirmation says, so a callback and a poll of the same payment change it once.
func (s *Store) SettlePayment(ctx context.Context, ref string, o PaymentOutcome) (p Payment, changed bool, err error) {
	var paid *int64
	if o.Status != PaymentCancelled {
		paid = &o.PaidAmount
	}
	p, err = scanPayment(s.pool.QueryRow(ctx, `UPDATE payments SET status = $2, paid_amount = $3, transaction = $4,
			confirmed_by = $5, confirmed_at = $6
		WHERE reference = $1 AND status = 'pending' RETURNING `+paymentColumns, ref, o.Status, paid, o.Transaction, o.By, o.At))
	if err == nil {
		return p, true, nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		// Another payment of the dossier was paid first: this one is a second payment.
		p, err = scanPayment(s.pool.QueryRow(ctx, `UPDATE payments SET status = 'mismatch', paid_amount = $2, transaction = $3,
				confirmed_by = $4, confirmed_at = $5
			WHERE reference = $1 AND status = 'pending' RETURNING `+paymentColumns, ref, paid, o.Transaction, o.By, o.At))
		if err == nil {
			return p, true, nil
		}
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Payment{}, false, fmt.Errorf("settle payment %s: %w", ref, err)
	}
	p, err = s.PaymentByReference(ctx, ref)
	return p, false, err
}

// Rating is an applicant's rating of how a dossier was handled.
type Rating struct {
	DossierCode motcua.DossierCode `json:"dossierCode"`
	ApplicantID int64              `json:"-"`
	Score       int                `json:"score"`
	Criteria    map[string]int     `json:"criteria"`
	Comment     string             `json:"comment,omitempty"`
	RatedAt     time.Time          `json:"ratedAt"`
}

// AddRating stores the rating of a dossier; false when the dossier is rated already.
func (s *Store) AddRating(ctx context.Context, r Rating) (bool, error) {
	criteria, err := json.Marshal(r.Criteria)
	if err != nil {
		return false, err
	}
	// The rating joins the statistics' rollup (migration 0027) in the same transaction:
	// the dossier's contribution is taken out and put back with its rating.
	var added bool
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM dossiers WHERE code = $1 FOR UPDATE`, r.DossierCode).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT stats_apply(ARRAY[$1::bigint], -1)`, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO ratings (dossier_id, applicant_id, score, criteria, comment, rated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dossier_id) DO NOTHING`,
			id, r.ApplicantID, r.Score, criteria, r.Comment, r.RatedAt)
		if err != nil {
			return err
		}
		added = tag.RowsAffected() == 1
		_, err = tx.Exec(ctx, `SELECT stats_apply(ARRAY[$1::bigint], 1)`, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("rate %s: %w", r.DossierCode, err)
	}
	return added, nil
}

// RatingOf returns the dossier's rating, if it has one.
func (s *Store) RatingOf(ctx context.Context, code motcua.DossierCode) (Rating, bool, error) {
	r := Rating{DossierCode: code}
	var criteria []byte
	err := s.pool.QueryRow(ctx, `SELECT r.applicant_id, r.score, r.criteria, r.comment, r.rated_at
		FROM ratings r JOIN dossiers d ON d.id = r.dossier_id WHERE d.code = $1`, code).
		Scan(&r.ApplicantID, &r.Score, &criteria, &r.Comment, &r.RatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Rating{}, false, nil
	}
	if err != nil {
		return Rating{}, false, fmt.Errorf("rating of %s: %w", code, err)
	}
	if err := json.Unmarshal(criteria, &r.Criteria); err != nil {
		return Rating{}, false, err
	}
	return r, true, nil
}

// RatingCount is how many ratings gave each overall level, in [from, to).
func (s *Store) RatingCount(ctx context.Context, from, to time.Time) (map[int]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT score, count(*) FROM ratings WHERE rated_at >= $1 AND rated_at < $2 GROUP BY score`, from, to)
	if err != nil {
		return nil, fmt.Errorf("count ratings: %w", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var score, n int
		if err := rows.Scan(&score, &n); err != nil {
			return nil, err
		}
		out[score] = n
	}
	return out, rows.Err()
}

// UnsyncedRating is a rating the portal has not been sent yet.
type UnsyncedRating struct {
	DossierID int64
	Rating
}

// UnsyncedRatings lists up to limit ratings not yet on the portal whose dossier the
// portal knows and has every status change of (no undelivered outbox row): the
// portal hears of the rating after the return it follows.
func (s *Store) UnsyncedRatings(ctx context.Context, limit int) ([]UnsyncedRating, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.dossier_id, d.code, r.score, r.criteria, r.comment, r.rated_at
		FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.synced_at IS NULL
			AND EXISTS (SELECT 1 FROM status_outbox o WHERE o.dossier_id = r.dossier_id AND o.sent_at IS NOT NULL)
			AND NOT EXISTS (SELECT 1 FROM status_outbox o WHERE o.dossier_id = r.dossier_id AND o.sent_at IS NULL)
		ORDER BY r.rated_at LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("unsynced ratings: %w", err)
	}
	defer rows.Close()
	var out []UnsyncedRating
	for rows.Next() {
		var u UnsyncedRating
		var criteria []byte
		if err := rows.Scan(&u.DossierID, &u.DossierCode, &u.Score, &criteria, &u.Comment, &u.RatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(criteria, &u.Criteria); err != nil {
			return nil, fmt.Errorf("rating of %s: %w", u.DossierCode, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// MarkRatingSynced records that the portal has the dossier's rating.
func (s *Store) MarkRatingSynced(ctx context.Context, dossierID int64, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE ratings SET synced_at = $2 WHERE dossier_id = $1 AND synced_at IS NULL`, dossierID, at); err != nil {
		return fmt.Errorf("mark rating synced: %w", err)
	}
	return nil
}
