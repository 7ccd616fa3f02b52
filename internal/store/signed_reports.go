package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// SignedReport is a report signed by a leader (migration 0019): one issue of one
// report, period and unit.
type SignedReport struct {
	ID       string
	Report   string // "form06"
	Period   string // reports.Period.Key
	UnitID   int64
	Issue    int
	SignerID int64
	SignedAt time.Time
	Name     string
	SHA256   string // hex
	Data     []byte
}

// LatestSignedReport is the newest issue of the report of the unit for the period, or
// an ENOTFOUND error.
func (s *Store) LatestSignedReport(ctx context.Context, report, period string, unitID int64) (SignedReport, error) {
	r := SignedReport{Report: report, Period: period, UnitID: unitID}
	var sum []byte
	err := s.pool.QueryRow(ctx, `SELECT id::text, issue, signer_id, signed_at, name, sha256, data FROM signed_reports
		WHERE report = $1 AND period = $2 AND unit_id = $3 ORDER BY issue DESC LIMIT 1`, report, period, unitID).
		Scan(&r.ID, &r.Issue, &r.SignerID, &r.SignedAt, &r.Name, &sum, &r.Data)
	if err != nil {
		return SignedReport{}, notFound(err, "Báo cáo của kỳ này chưa được ký.")
	}
	r.SHA256 = hex.EncodeToString(sum)
	return r, nil
}

// AddSignedReport stores r as issue r.Issue. When that issue is stored already (two
// leaders' requests crossed), the stored one is kept and returned with stored false:
// one issue is never signed twice.
func (s *Store) AddSignedReport(ctx context.Context, r SignedReport) (out SignedReport, stored bool, err error) {
	if r.Issue < 1 {
		return SignedReport{}, false, errors.New("signed report: issue must be at least 1")
	}
	sum := sha256.Sum256(r.Data)
	var id string
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO signed_reports (report, period, unit_id, issue, signer_id, signed_at, name, sha256, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (report, period, unit_id, issue) DO NOTHING RETURNING id::text`,
			r.Report, r.Period, r.UnitID, r.Issue, r.SignerID, r.SignedAt.UTC(), r.Name, sum[:], r.Data).Scan(&id)
		if err != nil {
			return err
		}
		// Signing a report is an official act: the audit log keeps who signed which.
		return Audit(ctx, tx, AuditEntry{ActorID: r.SignerID, Action: "report.sign", ObjectType: "signed_report", ObjectID: id,
			Detail: map[string]any{"report": r.Report, "period": r.Period, "unit_id": r.UnitID, "issue": r.Issue,
				"sha256": hex.EncodeToString(sum[:])}})
	})
	switch {
	case err == nil:
		r.ID, r.SHA256 = id, hex.EncodeToString(sum[:])
		return r, true, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return SignedReport{}, false, fmt.Errorf("store signed %s %s of unit %d: %w", r.Report, r.Period, r.UnitID, err)
	}
	var sumStored []byte
	out = SignedReport{Report: r.Report, Period: r.Period, UnitID: r.UnitID, Issue: r.Issue}
	err = s.pool.QueryRow(ctx, `SELECT id::text, signer_id, signed_at, name, sha256, data FROM signed_reports
		WHERE report = $1 AND period = $2 AND unit_id = $3 AND issue = $4`, r.Report, r.Period, r.UnitID, r.Issue).
		Scan(&out.ID, &out.SignerID, &out.SignedAt, &out.Name, &sumStored, &out.Data)
	if err != nil {
		return SignedReport{}, false, fmt.Errorf("read signed %s %s of unit %d: %w", r.Report, r.Period, r.UnitID, err)
	}
	out.SHA256 = hex.EncodeToString(sumStored)
	return out, false, nil
}

// UserTitle is a staff member's title ("Thứ trưởng"), "" when none is recorded.
func (s *Store) UserTitle(ctx context.Context, userID int64) (string, error) {
	var title string
	err := s.pool.QueryRow(ctx, `SELECT coalesce(title, '') FROM users WHERE id = $1`, userID).Scan(&title)
	if err != nil {
		return "", notFound(err, "Không tìm thấy tài khoản.")
	}
	return title, nil
}

// UnitOf is the unit with the given ID.
func (s *Store) UnitOf(ctx context.Context, id int64) (motcua.Unit, error) {
	var code string
	if err := s.pool.QueryRow(ctx, `SELECT code FROM units WHERE id = $1`, id).Scan(&code); err != nil {
		return motcua.Unit{}, notFound(err, "Không tìm thấy đơn vị.")
	}
	return s.UnitByCode(ctx, code)
}
