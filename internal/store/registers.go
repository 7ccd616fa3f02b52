package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// The registers of outgoing and incoming documents (Decree 30/2020 art. 15, 16 and 22).
// A number is allocated in the transaction that writes the register row: the counter's
// row lock orders concurrent registrations, and a registration that fails rolls its
// number back with it, so the numbers have no gap and no duplicate. The year is Vietnam
// time's: numbers restart from 01 at 00:00 on 1 January in Vietnam, not in UTC.
// Registrations are keyed by the caller's idempotency key: a retried activity gets the
// row, and the number, it wrote the first time.

// Channels of an incoming document.
const (
	ChannelPaper      = "paper"
	ChannelElectronic = "electronic"
)

// OutgoingEntry is one row of the outgoing register (sổ đăng ký văn bản đi).
type OutgoingEntry struct {
	ID     int64
	Key    string // idempotency key of the registration
	Series string // "" for the agency's one sequence
	Year   int    // set by RegisterOutgoing
	Number int    // set by RegisterOutgoing
	Symbol string // ký hiệu: BNV-VP
	// RegisteredAt is when the number was given; its Vietnam date is the document's
	// date unless IssuedOn is set.
	RegisteredAt time.Time
	IssuedOn     time.Time // a date (Vietnam); zero: RegisteredAt's
	TypeName     string
	Subject      string
	Signer       string
	Recipients   string
	Copies       int
	Attachments  int
	DocumentID   string // edXML DocumentId; zero: made from the agency, date, number and symbol
	Status       string
	Note         string
}

// IncomingEntry is one row of the incoming register (sổ đăng ký văn bản đến).
type IncomingEntry struct {
	ID            int64
	Key           string
	Year          int // set by RegisterIncoming
	Number        int // số đến, set by RegisterIncoming
	RegisteredAt  time.Time
	Channel       string // ChannelPaper or ChannelElectronic
	IssuerID      string
	IssuerName    string
	CodeNumber    string
	CodeNotation  string
	IssuedOn      time.Time // zero when unknown
	TypeName      string
	Subject       string
	DueOn         time.Time // zero when none
	Attachments   int
	DocumentID    string
	AxisMessageID string // "" for paper
	Recipient     string
	Status        string
	Note          string
}

// RegisterYear is the register year of t: its year in Vietnam time.
func RegisterYear(t time.Time) int { return t.In(motcua.Vietnam).Year() }

// FormatRegisterNumber writes a register number as documents print it: two digits at
// least (01, 02, …, 10, 125).
func FormatRegisterNumber(n int) string { return fmt.Sprintf("%02d", n) }

// OutgoingDocumentID is the edXML DocumentId of an outgoing document, in the form the
// Lạng Sơn LGSP uses: "{OrganId},{YYYY/MM/DD},{number}/{symbol}".
func OutgoingDocumentID(organID string, issued time.Time, number int, symbol string) string {
	return fmt.Sprintf("%s,%s,%s/%s", organID, issued.In(motcua.Vietnam).Format("2006/01/02"), FormatRegisterNumber(number), symbol)
}

// nextNumber allocates the next number of a register's series and year inside tx.
func nextNumber(ctx context.Context, tx pgx.Tx, register, series string, year int) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO register_counters (register, series, year, last_number) VALUES ($1, $2, $3, 1)
		ON CONFLICT (register, series, year) DO UPDATE SET last_number = register_counters.last_number + 1
		RETURNING last_number`, register, series, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("allocate %s number %d: %w", register, year, err)
	}
	return n, nil
}

func vietnamDate(t time.Time) time.Time {
	y, m, d := t.In(motcua.Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateOrNil is a date column's value: nil for the zero time.
func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return vietnamDate(t)
}

// RegisterOutgoing gives e the next outgoing number of its series in the Vietnam year of
// e.RegisteredAt and writes its register row, in one transaction. agencyID is the
// sender's OrganId, for the DocumentId. A second call with the same Key returns the
// first row unchanged.
func (s *Store) RegisterOutgoing(ctx context.Context, agencyID string, e OutgoingEntry) (OutgoingEntry, error) {
	if e.Key == "" || e.Symbol == "" || e.Subject == "" || e.TypeName == "" || e.RegisteredAt.IsZero() {
		return OutgoingEntry{}, &motcua.Error{Code: motcua.EINVALID,
			Message: "Văn bản đi cần có khóa đăng ký, ký hiệu, tên loại, trích yếu và thời điểm cấp số."}
	}
	if old, err := s.outgoingByKey(ctx, s.pool, e.Key); err == nil {
		return old, nil
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return OutgoingEntry{}, err
	}
	if e.Copies <= 0 {
		e.Copies = 1
	}
	if e.Status == "" {
		e.Status = "registered"
	}
	e.Year = RegisterYear(e.RegisteredAt)
	if e.IssuedOn.IsZero() {
		e.IssuedOn = e.RegisteredAt
	}
	e.IssuedOn = vietnamDate(e.IssuedOn)
	e.RegisteredAt = e.RegisteredAt.UTC()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		n, err := nextNumber(ctx, tx, "outgoing", e.Series, e.Year)
		if err != nil {
			return err
		}
		e.Number = n
		if e.DocumentID == "" {
			e.DocumentID = OutgoingDocumentID(agencyID, e.RegisteredAt, n, e.Symbol)
		}
		return tx.QueryRow(ctx, `INSERT INTO outgoing_register (idempotency_key, series, year, number, symbol, registered_at,
			issued_on, type_name, subject, signer, recipients, copies, attachments, document_id, status, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			e.Key, e.Series, e.Year, e.Number, e.Symbol, e.RegisteredAt, e.IssuedOn, e.TypeName, e.Subject,
			e.Signer, e.Recipients, e.Copies, e.Attachments, e.DocumentID, e.Status, e.Note).Scan(&e.ID)
	})
	if isUniqueViolation(err) {
		// The same key registered concurrently: its row stands. Otherwise the number and
		// symbol, or the DocumentId, are taken.
		if old, err2 := s.outgoingByKey(ctx, s.pool, e.Key); err2 == nil {
			return old, nil
		}
		return OutgoingEntry{}, &motcua.Error{Code: motcua.ECONFLICT, Err: err,
			Message: fmt.Sprintf("Số và ký hiệu %s/%s hoặc mã văn bản đã có trong sổ văn bản đi năm %d.", FormatRegisterNumber(e.Number), e.Symbol, e.Year)}
	}
	if err != nil {
		return OutgoingEntry{}, fmt.Errorf("register outgoing %s: %w", e.Key, err)
	}
	return e, nil
}

const outgoingColumns = `id, idempotency_key, series, year, number, symbol, registered_at, issued_on, type_name, subject,
	signer, recipients, copies, attachments, document_id, status, note`

func scanOutgoing(row pgx.Row) (OutgoingEntry, error) {
	var e OutgoingEntry
	err := row.Scan(&e.ID, &e.Key, &e.Series, &e.Year, &e.Number, &e.Symbol, &e.RegisteredAt, &e.IssuedOn, &e.TypeName,
		&e.Subject, &e.Signer, &e.Recipients, &e.Copies, &e.Attachments, &e.DocumentID, &e.Status, &e.Note)
	e.RegisteredAt = e.RegisteredAt.UTC()
	return e, err
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) outgoingByKey(ctx context.Context, q queryRower, key string) (OutgoingEntry, error) {
	return scanOutgoing(q.QueryRow(ctx, "SELECT "+outgoingColumns+" FROM outgoing_register WHERE idempotency_key = $1", key))
}

// OutgoingRegister lists the outgoing register of a year (Vietnam time), by series and
// number.
func (s *Store) OutgoingRegister(ctx context.Context, year int) ([]OutgoingEntry, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+outgoingColumns+" FROM outgoing_register WHERE year = $1 ORDER BY series, number", year)
	if err != nil {
		return nil, fmt.Errorf("outgoing register %d: %w", year, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutgoingEntry, error) { return scanOutgoing(r) })
	if err != nil {
		return nil, fmt.Errorf("outgoing register %d: %w", year, err)
	}
	return out, nil
}

// RegisterIncoming gives e the next incoming number (số đến) of the Vietnam year of
// e.RegisteredAt, one sequence for paper and electronic documents, and writes its
// register row, in one transaction. A second call with the same Key, or for the same
// axis message, returns the first row unchanged.
func (s *Store) RegisterIncoming(ctx context.Context, e IncomingEntry) (IncomingEntry, error) {
	if e.Key == "" || e.Subject == "" || e.IssuerName == "" || e.RegisteredAt.IsZero() {
		return IncomingEntry{}, &motcua.Error{Code: motcua.EINVALID,
			Message: "Văn bản đến cần có khóa đăng ký, tác giả, trích yếu và ngày đến."}
	}
	if e.Channel != ChannelPaper && e.Channel != ChannelElectronic {
		return IncomingEntry{}, &motcua.Error{Code: motcua.EINVALID, Field: "channel",
			Message: "Hình thức nhận văn bản phải là giấy hoặc điện tử."}
	}
	if old, err := s.incomingBy(ctx, "idempotency_key", e.Key); err == nil {
		return old, nil
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return IncomingEntry{}, err
	}
	if e.Status == "" {
		e.Status = "registered"
	}
	e.Year = RegisterYear(e.RegisteredAt)
	e.RegisteredAt = e.RegisteredAt.UTC()
	var axisID any
	if e.AxisMessageID != "" {
		axisID = e.AxisMessageID
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		n, err := nextNumber(ctx, tx, "incoming", "", e.Year)
		if err != nil {
			return err
		}
		e.Number = n
		return tx.QueryRow(ctx, `INSERT INTO incoming_register (idempotency_key, year, number, registered_at, channel,
			issuer_id, issuer_name, code_number, code_notation, issued_on, type_name, subject, due_on, attachments,
			document_id, axis_message_id, recipient, status, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			e.Key, e.Year, e.Number, e.RegisteredAt, e.Channel, e.IssuerID, e.IssuerName, e.CodeNumber, e.CodeNotation,
			dateOrNil(e.IssuedOn), e.TypeName, e.Subject, dateOrNil(e.DueOn), e.Attachments, e.DocumentID, axisID,
			e.Recipient, e.Status, e.Note).Scan(&e.ID)
	})
	if isUniqueViolation(err) {
		if old, err2 := s.incomingBy(ctx, "idempotency_key", e.Key); err2 == nil {
			return old, nil
		}
		if e.AxisMessageID != "" {
			if old, err2 := s.incomingBy(ctx, "axis_message_id", e.AxisMessageID); err2 == nil {
				return old, nil
			}
		}
	}
	if err != nil {
		return IncomingEntry{}, fmt.Errorf("register incoming %s: %w", e.Key, err)
	}
	if !e.IssuedOn.IsZero() {
		e.IssuedOn = vietnamDate(e.IssuedOn)
	}
	if !e.DueOn.IsZero() {
		e.DueOn = vietnamDate(e.DueOn)
	}
	return e, nil
}

const incomingColumns = `id, idempotency_key, year, number, registered_at, channel, issuer_id, issuer_name, code_number,
	code_notation, issued_on, type_name, subject, due_on, attachments, document_id, coalesce(axis_message_id, ''),
	recipient, status, note`

func scanIncoming(row pgx.Row) (IncomingEntry, error) {
	var (
		e           IncomingEntry
		issued, due *time.Time
	)
	err := row.Scan(&e.ID, &e.Key, &e.Year, &e.Number, &e.RegisteredAt, &e.Channel, &e.IssuerID, &e.IssuerName,
		&e.CodeNumber, &e.CodeNotation, &issued, &e.TypeName, &e.Subject, &due, &e.Attachments, &e.DocumentID,
		&e.AxisMessageID, &e.Recipient, &e.Status, &e.Note)
	e.RegisteredAt = e.RegisteredAt.UTC()
	if issued != nil {
		e.IssuedOn = *issued
	}
	if due != nil {
		e.DueOn = *due
	}
	return e, err
}

// incomingBy reads the incoming row whose column (a fixed name, never input) is value.
func (s *Store) incomingBy(ctx context.Context, column, value string) (IncomingEntry, error) {
	return scanIncoming(s.pool.QueryRow(ctx, "SELECT "+incomingColumns+" FROM incoming_register WHERE "+column+" = $1", value))
}

// IncomingByDocument finds the incoming rows of one document of one issuer, for the
// duplicate warning of Decree 30/2020 appendix VI (1.h).
func (s *Store) IncomingByDocument(ctx context.Context, issuerID, documentID string) ([]IncomingEntry, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+incomingColumns+` FROM incoming_register
		WHERE issuer_id = $1 AND document_id = $2 AND document_id <> '' ORDER BY year, number`, issuerID, documentID)
	if err != nil {
		return nil, fmt.Errorf("incoming by document %s: %w", documentID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (IncomingEntry, error) { return scanIncoming(r) })
}

// IncomingRegister lists the incoming register of a year (Vietnam time), by number.
func (s *Store) IncomingRegister(ctx context.Context, year int) ([]IncomingEntry, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+incomingColumns+" FROM incoming_register WHERE year = $1 ORDER BY number", year)
	if err != nil {
		return nil, fmt.Errorf("incoming register %d: %w", year, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (IncomingEntry, error) { return scanIncoming(r) })
	if err != nil {
		return nil, fmt.Errorf("incoming register %d: %w", year, err)
	}
	return out, nil
}
