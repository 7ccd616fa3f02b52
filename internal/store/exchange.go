package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// The records of documents exchanged through the axis (migration 0016): outgoing
// documents with each recipient's status and the history of statuses, incoming
// documents with their checks, registration, direction and recall, and the files of
// both. Every write is keyed (workflow ID, axis message ID, status and its timestamp),
// so a retried activity writes once.

// Outgoing is one outgoing document (văn bản đi) and where it stands.
type Outgoing struct {
	ID                int64
	WorkflowID        string
	Subject           string
	TypeCode          string
	TypeName          string
	Symbol            string
	Priority          int
	BusinessType      int
	RelatedDocumentID string
	SignerID          int64
	RegisterID        int64
	CodeNumber        string
	DocumentID        string
	DossierCode       string
	State             string
	AxisMessageID     string
	CreatedAt         time.Time
	SentAt            time.Time
	Recipients        []OutgoingRecipient
}

// OutgoingRecipient is one agency an outgoing document goes to, with the last status it
// reported.
type OutgoingRecipient struct {
	OrganID     string
	OrganName   string
	Status      string
	Description string
	StatusAt    time.Time
}

// StatusEvent is one status reported about a document.
type StatusEvent struct {
	OrganID       string
	Status        string
	Description   string
	At            time.Time
	AxisMessageID string
}

// ExchangeFile is one file of an exchanged document.
type ExchangeFile struct {
	ID          int64
	Name        string
	ContentType string
	Data        []byte // nil once removed
	Signed      bool
	Verdict     string
}

// CreateOutgoing records a draft outgoing document with its recipients and files. A
// second call with the same WorkflowID returns the first record's ID.
func (s *Store) CreateOutgoing(ctx context.Context, o Outgoing, files []ExchangeFile) (int64, error) {
	if o.WorkflowID == "" || o.Subject == "" || o.TypeName == "" || o.Symbol == "" || len(o.Recipients) == 0 {
		return 0, &motcua.Error{Code: motcua.EINVALID,
			Message: "Văn bản đi cần có trích yếu, tên loại, ký hiệu và ít nhất một nơi nhận."}
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO exchange_outgoing (workflow_id, subject, type_code, type_name, symbol, priority,
			business_type, related_document_id, signer_id, dossier_code, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0), $10, 'draft', $11)
			ON CONFLICT (workflow_id) DO NOTHING RETURNING id`,
			o.WorkflowID, o.Subject, o.TypeCode, o.TypeName, o.Symbol, o.Priority, o.BusinessType, o.RelatedDocumentID,
			o.SignerID, o.DossierCode, o.CreatedAt.UTC()).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return tx.QueryRow(ctx, "SELECT id FROM exchange_outgoing WHERE workflow_id = $1", o.WorkflowID).Scan(&id)
		}
		if err != nil {
			return err
		}
		for _, r := range o.Recipients {
			if _, err := tx.Exec(ctx, `INSERT INTO exchange_outgoing_recipients (outgoing_id, organ_id, organ_name)
				VALUES ($1, $2, $3)`, id, r.OrganID, r.OrganName); err != nil {
				return err
			}
		}
		for _, f := range files {
			if _, err := tx.Exec(ctx, `INSERT INTO exchange_files (owner, owner_id, name, content_type, data, signed, verdict)
				VALUES ('outgoing', $1, $2, $3, $4, $5, $6)`, id, f.Name, f.ContentType, f.Data, f.Signed, f.Verdict); err != nil {
				return err
			}
		}
		return nil
	})
	if isUniqueViolation(err) {
		return 0, &motcua.Error{Code: motcua.EINVALID, Err: err, Message: "Nơi nhận hoặc tệp đính kèm bị trùng."}
	}
	if err != nil {
		return 0, fmt.Errorf("create outgoing %s: %w", o.WorkflowID, err)
	}
	return id, nil
}

const outgoingDocColumns = `id, workflow_id, subject, type_code, type_name, symbol, priority, business_type,
	related_document_id, coalesce(signer_id, 0), coalesce(register_id, 0), code_number, coalesce(document_id, ''),
	dossier_code, state, axis_message_id, created_at, coalesce(sent_at, 'epoch'::timestamptz)`

func scanOutgoingDoc(row pgx.Row) (Outgoing, error) {
	var o Outgoing
	err := row.Scan(&o.ID, &o.WorkflowID, &o.Subject, &o.TypeCode, &o.TypeName, &o.Symbol, &o.Priority, &o.BusinessType,
		&o.RelatedDocumentID, &o.SignerID, &o.RegisterID, &o.CodeNumber, &o.DocumentID, &o.DossierCode, &o.State,
		&o.AxisMessageID, &o.CreatedAt, &o.SentAt)
	if o.SentAt.Unix() == 0 {
		o.SentAt = time.Time{}
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return o, err
}

func exNotFound(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return &motcua.Error{Code: motcua.ENOTFOUND, Message: "Không tìm thấy " + what + ".", Err: err}
	}
	return err
}

// OutgoingDocument reads one outgoing document with its recipients.
func (s *Store) OutgoingDocument(ctx context.Context, id int64) (Outgoing, error) {
	return s.outgoingWhere(ctx, "id = $1", id)
}

// OutgoingByDocumentID reads the outgoing document of an edXML DocumentId.
func (s *Store) OutgoingByDocumentID(ctx context.Context, documentID string) (Outgoing, error) {
	return s.outgoingWhere(ctx, "document_id = $1", documentID)
}

func (s *Store) outgoingWhere(ctx context.Context, where string, arg any) (Outgoing, error) {
	o, err := scanOutgoingDoc(s.pool.QueryRow(ctx, "SELECT "+outgoingDocColumns+" FROM exchange_outgoing WHERE "+where, arg))
	if err != nil {
		return Outgoing{}, exNotFound("văn bản đi", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT organ_id, organ_name, status, description, coalesce(status_at, 'epoch'::timestamptz)
		FROM exchange_outgoing_recipients WHERE outgoing_id = $1 ORDER BY organ_id`, o.ID)
	if err != nil {
		return Outgoing{}, err
	}
	o.Recipients, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutgoingRecipient, error) {
		var x OutgoingRecipient
		err := r.Scan(&x.OrganID, &x.OrganName, &x.Status, &x.Description, &x.StatusAt)
		if x.StatusAt.Unix() == 0 {
			x.StatusAt = time.Time{}
		}
		return x, err
	})
	return o, err
}

// VerdictPresigned marks an outgoing file that carries its signatures already (a
// dossier's signed result): it is sent as it is, neither signed nor sealed again.
const VerdictPresigned = "presigned"

// OutgoingForDossier lists the outgoing documents that serve a dossier (its result sent
// to other agencies), oldest first.
func (s *Store) OutgoingForDossier(ctx context.Context, code string) ([]Outgoing, error) {
	rows, err := s.pool.Query(ctx, "SELECT id FROM exchange_outgoing WHERE dossier_code = $1 AND dossier_code <> '' ORDER BY id LIMIT 200", code)
	if err != nil {
		return nil, fmt.Errorf("outgoing of dossier %s: %w", code, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("outgoing of dossier %s: %w", code, err)
	}
	out := make([]Outgoing, 0, len(ids))
	for _, id := range ids {
		o, err := s.OutgoingDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ListOutgoing lists the outgoing documents, newest first.
func (s *Store) ListOutgoing(ctx context.Context, limit int) ([]Outgoing, error) {
	rows, err := s.pool.Query(ctx, "SELECT id FROM exchange_outgoing ORDER BY id DESC LIMIT $1", limit)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]Outgoing, 0, len(ids))
	for _, id := range ids {
		o, err := s.OutgoingDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ExchangeFiles lists the files of an outgoing or incoming document.
func (s *Store) ExchangeFiles(ctx context.Context, owner string, ownerID int64) ([]ExchangeFile, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, content_type, data, signed, verdict FROM exchange_files
		WHERE owner = $1 AND owner_id = $2 ORDER BY id`, owner, ownerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ExchangeFile, error) {
		var f ExchangeFile
		err := r.Scan(&f.ID, &f.Name, &f.ContentType, &f.Data, &f.Signed, &f.Verdict)
		return f, err
	})
}

// SetExchangeFile replaces a file's bytes (the signed, then sealed, copy).
func (s *Store) SetExchangeFile(ctx context.Context, id int64, data []byte, signed bool) error {
	_, err := s.pool.Exec(ctx, "UPDATE exchange_files SET data = $2, signed = $3 WHERE id = $1", id, data, signed)
	return err
}

// SetOutgoingState moves an outgoing document to state; signed by the leader, or
// recalled.
func (s *Store) SetOutgoingState(ctx context.Context, id int64, state string) error {
	_, err := s.pool.Exec(ctx, "UPDATE exchange_outgoing SET state = $2 WHERE id = $1", id, state)
	return err
}

// SetOutgoingRegistered links the outgoing document to its register row and number.
func (s *Store) SetOutgoingRegistered(ctx context.Context, id int64, e OutgoingEntry) error {
	_, err := s.pool.Exec(ctx, `UPDATE exchange_outgoing SET register_id = $2, code_number = $3, document_id = $4,
		state = 'registered' WHERE id = $1 AND register_id IS NULL`, id, e.ID, FormatRegisterNumber(e.Number), e.DocumentID)
	return err
}

// SetOutgoingSent records the axis message that carried the document.
func (s *Store) SetOutgoingSent(ctx context.Context, id int64, axisMessageID string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE exchange_outgoing SET axis_message_id = $2, sent_at = coalesce(sent_at, $3),
		state = CASE WHEN state = 'registered' THEN 'sent' ELSE state END WHERE id = $1`, id, axisMessageID, at.UTC())
	return err
}

// RecordOutgoingStatus records a status a recipient reported about one of our documents.
// The same status (document, agency, code, timestamp) recorded twice is one row; the
// recipient's current status follows the latest one. It answers whether the row is new.
func (s *Store) RecordOutgoingStatus(ctx context.Context, documentID string, e StatusEvent) (bool, error) {
	var added bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, "SELECT id FROM exchange_outgoing WHERE document_id = $1", documentID).Scan(&id); err != nil {
			return exNotFound("văn bản đi "+documentID, err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO exchange_status_history (outgoing_id, organ_id, status, description, reported_at, axis_message_id)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, id, e.OrganID, e.Status, e.Description, e.At.UTC(), e.AxisMessageID)
		if err != nil {
			return err
		}
		added = tag.RowsAffected() == 1
		if added {
			_, err = tx.Exec(ctx, `UPDATE exchange_outgoing_recipients SET status = $3, description = $4, status_at = $5
				WHERE outgoing_id = $1 AND organ_id = $2 AND (status_at IS NULL OR status_at <= $5)`,
				id, e.OrganID, e.Status, e.Description, e.At.UTC())
		}
		return err
	})
	return added, err
}

// OutgoingHistory lists the statuses reported about an outgoing document, oldest first.
func (s *Store) OutgoingHistory(ctx context.Context, id int64) ([]StatusEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT organ_id, status, description, reported_at, axis_message_id
		FROM exchange_status_history WHERE outgoing_id = $1 ORDER BY reported_at, id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatusEvent, error) {
		var e StatusEvent
		err := r.Scan(&e.OrganID, &e.Status, &e.Description, &e.At, &e.AxisMessageID)
		e.At = e.At.UTC()
		return e, err
	})
}

// Incoming is one document that arrived through the axis and where it stands.
type Incoming struct {
	ID                int64
	AxisMessageID     string
	WorkflowID        string
	DocumentID        string
	IssuerID          string
	IssuerName        string
	CodeNumber        string
	CodeNotation      string
	PromulgationDate  string
	TypeName          string
	Subject           string
	Priority          int
	BusinessType      int
	RelatedDocumentID string
	DueOn             string
	State             string
	Reason            string
	DuplicateOf       int64
	RegisterID        int64
	LeaderDue         time.Time
	LeadUnit          string
	SupportingUnits   string
	Deadline          time.Time
	ReplyDocumentID   string
	RecallReason      string
	RecalledAt        time.Time
	ArrivedAt         time.Time
	UpdatedAt         time.Time
}

// Incoming states.
const (
	IncomingArrived    = "arrived"
	IncomingRefused    = "refused"
	IncomingDuplicate  = "duplicate"
	IncomingRegistered = "registered"
	IncomingAssigned   = "assigned"
	IncomingProcessing = "processing"
	IncomingDone       = "done"
	IncomingRevoked    = "revoked"
	IncomingRecall     = "recall" // the message that revoked another
)

// CreateIncoming records a document that arrived, with its files, keyed by its axis
// message: a second call returns the first record. A document that passed its checks
// (State arrived) but whose DocumentId, or number + symbol, the same issuer sent before
// and that was not refused or revoked is recorded as a duplicate of that one, in the
// same transaction.
func (s *Store) CreateIncoming(ctx context.Context, in Incoming, files []ExchangeFile) (Incoming, error) {
	if old, err := s.incomingDocWhere(ctx, "axis_message_id = $1", in.AxisMessageID); err == nil {
		return old, nil
	}
	at := in.ArrivedAt.UTC()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Serialize the duplicate check of one issuer's documents.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('exchange_incoming:' || $1))", in.IssuerID); err != nil {
			return err
		}
		if in.State == IncomingArrived && in.BusinessType != 1 {
			var dup int64
			err := tx.QueryRow(ctx, `SELECT id FROM exchange_incoming WHERE issuer_id = $1
				AND state NOT IN ('refused', 'duplicate', 'revoked', 'recall')
				AND ((document_id <> '' AND document_id = $2) OR (code_number <> '' AND code_number = $3 AND code_notation = $4))
				ORDER BY id LIMIT 1`, in.IssuerID, in.DocumentID, in.CodeNumber, in.CodeNotation).Scan(&dup)
			if err == nil {
				in.State, in.DuplicateOf = IncomingDuplicate, dup
				in.Reason = "Văn bản trùng với văn bản đã nhận trước đó (cùng mã định danh văn bản hoặc cùng số, ký hiệu và cơ quan ban hành)."
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO exchange_incoming (axis_message_id, workflow_id, document_id, issuer_id, issuer_name,
			code_number, code_notation, promulgation_date, type_name, subject, priority, business_type, related_document_id,
			due_on, state, reason, duplicate_of, arrived_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, nullif($17, 0), $18, $18) RETURNING id`,
			in.AxisMessageID, in.WorkflowID, in.DocumentID, in.IssuerID, in.IssuerName, in.CodeNumber, in.CodeNotation,
			in.PromulgationDate, in.TypeName, in.Subject, in.Priority, in.BusinessType, in.RelatedDocumentID, in.DueOn,
			in.State, in.Reason, in.DuplicateOf, at).Scan(&in.ID)
		if err != nil {
			return err
		}
		for _, f := range files {
			if _, err := tx.Exec(ctx, `INSERT INTO exchange_files (owner, owner_id, name, content_type, data, signed, verdict)
				VALUES ('incoming', $1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, in.ID, f.Name, f.ContentType, f.Data, f.Signed, f.Verdict); err != nil {
				return err
			}
		}
		return nil
	})
	if isUniqueViolation(err) {
		return s.incomingDocWhere(ctx, "axis_message_id = $1", in.AxisMessageID)
	}
	if err != nil {
		return Incoming{}, fmt.Errorf("record incoming message %s: %w", in.AxisMessageID, err)
	}
	return s.incomingDocWhere(ctx, "id = $1", in.ID)
}

const incomingDocColumns = `id, axis_message_id, workflow_id, document_id, issuer_id, issuer_name, code_number, code_notation,
	promulgation_date, type_name, subject, priority, business_type, related_document_id, due_on, state, reason,
	coalesce(duplicate_of, 0), coalesce(register_id, 0), leader_due, lead_unit, supporting_units, deadline,
	reply_document_id, recall_reason, recalled_at, arrived_at, updated_at`

func scanIncomingDoc(row pgx.Row) (Incoming, error) {
	var (
		in                    Incoming
		due, deadline, recall *time.Time
	)
	err := row.Scan(&in.ID, &in.AxisMessageID, &in.WorkflowID, &in.DocumentID, &in.IssuerID, &in.IssuerName, &in.CodeNumber,
		&in.CodeNotation, &in.PromulgationDate, &in.TypeName, &in.Subject, &in.Priority, &in.BusinessType,
		&in.RelatedDocumentID, &in.DueOn, &in.State, &in.Reason, &in.DuplicateOf, &in.RegisterID, &due, &in.LeadUnit,
		&in.SupportingUnits, &deadline, &in.ReplyDocumentID, &in.RecallReason, &recall, &in.ArrivedAt, &in.UpdatedAt)
	for _, p := range []struct {
		src *time.Time
		dst *time.Time
	}{{due, &in.LeaderDue}, {deadline, &in.Deadline}, {recall, &in.RecalledAt}} {
		if p.src != nil {
			*p.dst = p.src.UTC()
		}
	}
	in.ArrivedAt, in.UpdatedAt = in.ArrivedAt.UTC(), in.UpdatedAt.UTC()
	return in, err
}

func (s *Store) incomingDocWhere(ctx context.Context, where string, args ...any) (Incoming, error) {
	in, err := scanIncomingDoc(s.pool.QueryRow(ctx, "SELECT "+incomingDocColumns+" FROM exchange_incoming WHERE "+where, args...))
	if err != nil {
		return Incoming{}, exNotFound("văn bản đến", err)
	}
	return in, nil
}

// IncomingDocument reads one incoming document.
func (s *Store) IncomingDocument(ctx context.Context, id int64) (Incoming, error) {
	return s.incomingDocWhere(ctx, "id = $1", id)
}

// IncomingOriginal is the document of an issuer that a recall, update or replacement
// names: the first one received that was not refused nor a duplicate.
func (s *Store) IncomingOriginal(ctx context.Context, issuerID, documentID string) (Incoming, error) {
	return s.incomingDocWhere(ctx, `issuer_id = $1 AND document_id = $2 AND state NOT IN ('refused', 'duplicate', 'recall')
		ORDER BY id LIMIT 1`, issuerID, documentID)
}

// ListIncoming lists incoming documents, newest first.
func (s *Store) ListIncoming(ctx context.Context, limit int) ([]Incoming, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+incomingDocColumns+" FROM exchange_incoming ORDER BY id DESC LIMIT $1", limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Incoming, error) { return scanIncomingDoc(r) })
}

// IncomingChange is one change of an incoming document's record.
type IncomingChange struct {
	State           string
	At              time.Time
	RegisterID      int64
	LeaderDue       time.Time
	LeadUnit        string
	SupportingUnits string
	Deadline        time.Time
	ReplyDocumentID string
	RecallReason    string
	// RemoveFiles drops the files' bytes (a recalled document is removed; its metadata
	// and the recall's stay).
	RemoveFiles bool
}

// ChangeIncoming applies c to the incoming document id in one transaction. Fields left
// zero are kept.
func (s *Store) ChangeIncoming(ctx context.Context, id int64, c IncomingChange) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE exchange_incoming SET state = coalesce(nullif($2, ''), state), updated_at = $3,
			register_id = coalesce(nullif($4, 0), register_id), leader_due = coalesce($5, leader_due),
			lead_unit = coalesce(nullif($6, ''), lead_unit), supporting_units = coalesce(nullif($7, ''), supporting_units),
			deadline = coalesce($8, deadline), reply_document_id = coalesce(nullif($9, ''), reply_document_id),
			recall_reason = coalesce(nullif($10, ''), recall_reason),
			recalled_at = CASE WHEN $2 = 'revoked' THEN $3 ELSE recalled_at END WHERE id = $1`,
			id, c.State, c.At.UTC(), c.RegisterID, timeOrNil(c.LeaderDue), c.LeadUnit, c.SupportingUnits,
			dateOrNil(c.Deadline), c.ReplyDocumentID, c.RecallReason)
		if err != nil {
			return fmt.Errorf("change incoming %d: %w", id, err)
		}
		if c.RemoveFiles {
			_, err = tx.Exec(ctx, "UPDATE exchange_files SET data = NULL WHERE owner = 'incoming' AND owner_id = $1", id)
		}
		return err
	})
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// RecordIncomingStatus records a status this agency sent about an incoming document,
// once.
func (s *Store) RecordIncomingStatus(ctx context.Context, id int64, status, description string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO exchange_incoming_history (incoming_id, status, description, at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, status, description, at.UTC())
	return err
}

// IncomingHistory lists the statuses sent about an incoming document, oldest first.
func (s *Store) IncomingHistory(ctx context.Context, id int64) ([]StatusEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, description, at FROM exchange_incoming_history
		WHERE incoming_id = $1 ORDER BY at, status`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatusEvent, error) {
		var e StatusEvent
		err := r.Scan(&e.Status, &e.Description, &e.At)
		e.At = e.At.UTC()
		return e, err
	})
}

// SealExchangeFile stores a file's sealed copy and marks it sealed, so that a retried
// registration does not seal it twice.
func (s *Store) SealExchangeFile(ctx context.Context, id int64, data []byte) error {
	_, err := s.pool.Exec(ctx, "UPDATE exchange_files SET data = $2, signed = true, verdict = 'sealed' WHERE id = $1", id, data)
	return err
}

// OutgoingRegisterEntry reads one row of the outgoing register.
func (s *Store) OutgoingRegisterEntry(ctx context.Context, id int64) (OutgoingEntry, error) {
	e, err := scanOutgoing(s.pool.QueryRow(ctx, "SELECT "+outgoingColumns+" FROM outgoing_register WHERE id = $1", id))
	if err != nil {
		return OutgoingEntry{}, exNotFound("sổ văn bản đi", err)
	}
	return e, nil
}

// IncomingHandled lists the incoming documents registered in the incoming register of
// year (Vietnam time), by their register row: what the incoming-handling tracking book
// shows beside each number (lead unit, deadline, progress, reply).
func (s *Store) IncomingHandled(ctx context.Context, year int) (map[int64]Incoming, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+incomingDocColumns+` FROM exchange_incoming
		WHERE register_id IN (SELECT id FROM incoming_register WHERE year = $1)`, year)
	if err != nil {
		return nil, fmt.Errorf("incoming handled %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Incoming, error) { return scanIncomingDoc(r) })
	if err != nil {
		return nil, fmt.Errorf("incoming handled %d: %w", year, err)
	}
	out := make(map[int64]Incoming, len(list))
	for _, in := range list {
		out[in.RegisterID] = in
	}
	return out, nil
}
