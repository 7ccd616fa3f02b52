package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// DocumentRef names an earlier document, as edXML's ResponseFor does: its issuer, its
// number and symbol ("125/SNV-VP"), its date of issue and its DocumentId.
type DocumentRef struct {
	OrganID          string `json:"organId"`
	Code             string `json:"code"`
	PromulgationDate string `json:"promulgationDate"`
	DocumentID       string `json:"documentId"`
}

// SetResponseFor records the documents an exchanged document answers (owner "outgoing"
// or "incoming"); a second call with the same references writes nothing new.
func (s *Store) SetResponseFor(ctx context.Context, owner string, ownerID int64, refs []DocumentRef) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, r := range refs {
			if _, err := tx.Exec(ctx, `INSERT INTO exchange_response_for (owner, owner_id, organ_id, code, promulgation_date, document_id)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, owner, ownerID, r.OrganID, r.Code, r.PromulgationDate, r.DocumentID); err != nil {
				return fmt.Errorf("record response-for of %s %d: %w", owner, ownerID, err)
			}
		}
		return nil
	})
}

// ResponseFor reads the documents an exchanged document answers.
func (s *Store) ResponseFor(ctx context.Context, owner string, ownerID int64) ([]DocumentRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT organ_id, code, promulgation_date, document_id FROM exchange_response_for
		WHERE owner = $1 AND owner_id = $2 ORDER BY document_id`, owner, ownerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (DocumentRef, error) {
		var d DocumentRef
		return d, r.Scan(&d.OrganID, &d.Code, &d.PromulgationDate, &d.DocumentID)
	})
}

// ExternalConsultation is an agency outside the ministry consulted at a dossier's step:
// the outgoing document that asks and, once it came, the incoming reply.
type ExternalConsultation struct {
	ID              int64
	DossierCode     string
	Step            string
	OrganID         string
	OrganName       string
	OutgoingID      int64
	AskedBy         int64
	AskedAt         time.Time
	ReplyIncomingID int64
	AnsweredAt      time.Time
}

// CreateExternalConsultation records a consultation; its outgoing document identifies
// it, so a retry returns the first row.
func (s *Store) CreateExternalConsultation(ctx context.Context, c ExternalConsultation) (ExternalConsultation, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO dossier_external_consultations (dossier_code, step, organ_id, organ_name,
		outgoing_id, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7) ON CONFLICT (outgoing_id) DO NOTHING`,
		c.DossierCode, c.Step, c.OrganID, c.OrganName, c.OutgoingID, c.AskedBy, c.AskedAt.UTC())
	if err != nil {
		return ExternalConsultation{}, fmt.Errorf("record consultation of %s for %s: %w", c.OrganID, c.DossierCode, err)
	}
	return s.consultationWhere(ctx, "outgoing_id = $1", c.OutgoingID)
}

const consultationColumns = `id, dossier_code, step, organ_id, organ_name, outgoing_id, coalesce(asked_by, 0), asked_at,
	coalesce(reply_incoming_id, 0), answered_at`

func scanConsultation(r pgx.Row) (ExternalConsultation, error) {
	var (
		c        ExternalConsultation
		answered *time.Time
	)
	err := r.Scan(&c.ID, &c.DossierCode, &c.Step, &c.OrganID, &c.OrganName, &c.OutgoingID, &c.AskedBy, &c.AskedAt,
		&c.ReplyIncomingID, &answered)
	if answered != nil {
		c.AnsweredAt = *answered
	}
	return c, err
}

func (s *Store) consultationWhere(ctx context.Context, where string, arg any) (ExternalConsultation, error) {
	c, err := scanConsultation(s.pool.QueryRow(ctx, "SELECT "+consultationColumns+" FROM dossier_external_consultations WHERE "+where, arg))
	return c, exNotFound("yêu cầu xin ý kiến", err)
}

// ExternalConsultations lists a dossier's consultations of outside agencies, oldest first.
func (s *Store) ExternalConsultations(ctx context.Context, code motcua.DossierCode) ([]ExternalConsultation, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+consultationColumns+` FROM dossier_external_consultations
		WHERE dossier_code = $1 ORDER BY id`, string(code))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExternalConsultation, error) { return scanConsultation(r) })
}

// LinkReply links an incoming document to the outgoing document it answers: the first
// of refs whose DocumentId is one of our outgoing documents that went to the incoming
// document's issuer. When that document asked a dossier's consultation, the
// consultation takes the reply (the first reply; a second one is only linked) and is
// returned. A reply to no document of ours links nothing: ENOTFOUND.
func (s *Store) LinkReply(ctx context.Context, incomingID int64, issuerID string, refs []DocumentRef, at time.Time) (ExternalConsultation, error) {
	var outgoingID int64
	for _, r := range refs {
		if r.DocumentID == "" {
			continue
		}
		err := s.pool.QueryRow(ctx, `SELECT o.id FROM exchange_outgoing o
			JOIN exchange_outgoing_recipients r ON r.outgoing_id = o.id AND r.organ_id = $2
			WHERE o.document_id = $1`, r.DocumentID, issuerID).Scan(&outgoingID)
		if err == nil {
			break
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return ExternalConsultation{}, err
		}
	}
	if outgoingID == 0 {
		return ExternalConsultation{}, &motcua.Error{Code: motcua.ENOTFOUND, Message: "Văn bản không trả lời văn bản đi nào của cơ quan."}
	}
	var c ExternalConsultation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE exchange_incoming SET answers_outgoing_id = $2 WHERE id = $1`, incomingID, outgoingID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE dossier_external_consultations SET reply_incoming_id = $2, answered_at = $3
			WHERE outgoing_id = $1 AND reply_incoming_id IS NULL`, outgoingID, incomingID, at.UTC()); err != nil {
			return err
		}
		var err error
		c, err = scanConsultation(tx.QueryRow(ctx, "SELECT "+consultationColumns+" FROM dossier_external_consultations WHERE outgoing_id = $1", outgoingID))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return ExternalConsultation{OutgoingID: outgoingID}, nil // a reply to a document no dossier asked
	}
	if err != nil {
		return ExternalConsultation{}, fmt.Errorf("link reply %d to outgoing %d: %w", incomingID, outgoingID, err)
	}
	return c, nil
}

// AnsweringOutgoing is the outgoing document an incoming one answers, 0 for none.
func (s *Store) AnsweringOutgoing(ctx context.Context, incomingID int64) (int64, error) {
	var id *int64
	if err := s.pool.QueryRow(ctx, "SELECT answers_outgoing_id FROM exchange_incoming WHERE id = $1", incomingID).Scan(&id); err != nil {
		return 0, exNotFound("văn bản đến", err)
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}

// OutgoingDocumentByWorkflow reads the outgoing document its workflow carries.
func (s *Store) OutgoingDocumentByWorkflow(ctx context.Context, workflowID string) (Outgoing, error) {
	return s.outgoingWhere(ctx, "workflow_id = $1", workflowID)
}
