package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// InboxFilter selects a unit's open tasks.
type InboxFilter struct {
	UnitPath  string // the unit and the units below it
	Status    motcua.Status
	Procedure string
	Bucket    motcua.SLABucket // "" for every bucket
	DueBefore time.Time
	// Now and Soon set the buckets: due before Now is overdue, before Soon due soon (the
	// API puts Soon one working day ahead).
	Now, Soon time.Time
	Limit     int
	Offset    int
}

// InboxItem is an open task of a unit, as the clerk's inbox lists it.
type InboxItem struct {
	TaskID        int64              `json:"taskId"`
	DossierCode   motcua.DossierCode `json:"dossierCode"`
	ProcedureCode string             `json:"procedureCode"`
	ProcedureName string             `json:"procedureName"`
	Status        motcua.Status      `json:"status"`
	Step          string             `json:"step"`
	Unit          string             `json:"unit"`
	AssigneeID    *int64             `json:"assigneeId,omitempty"`
	Assignee      string             `json:"assignee,omitempty"`
	OpenedAt      time.Time          `json:"openedAt"`
	StepDueAt     *time.Time         `json:"stepDueAt,omitempty"`
	DueAt         *time.Time         `json:"dueAt,omitempty"` // the dossier's appointment (before receipt: the intake step's)
	Bucket        motcua.SLABucket   `json:"bucket"`
}

// BucketCounts counts open tasks per SLA bucket.
type BucketCounts struct {
	OnTime  int `json:"onTime"`
	DueSoon int `json:"dueSoon"`
	Overdue int `json:"overdue"`
	Total   int `json:"total"`
}

// InboxPage is a page of the inbox with the counts of the whole (filtered but for the
// bucket) inbox.
type InboxPage struct {
	Items  []InboxItem  `json:"items"`
	Counts BucketCounts `json:"counts"`
	// Documents are the incoming documents the units lead the handling of (on the
	// first page of an inbox not filtered by a dossier's status or procedure).
	Documents []InboxDocument `json:"documents,omitempty"`
}

// inboxBucket is the SLA bucket of an open task ($2 now, $3 soon), in SQL: the same rule
// as motcua.BucketOf, which a test holds it to. Its due time is the task's copy of its
// dossier's appointment (inbox_due, kept by triggers: migration 0003), the one a
// dossier's page judges it by too (DossierView.WorkDue).
var inboxBucket = BucketSQL("t.inbox_due", "$2", "$3")

// BucketSQL writes motcua.BucketOf as an SQL expression over a due time, now and soon
// (column names or parameters), for every query that buckets open work.
func BucketSQL(due, now, soon string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s IS NULL THEN '%[4]s' WHEN %[1]s < %[2]s THEN '%[5]s' WHEN %[1]s < %[3]s THEN '%[6]s' ELSE '%[4]s' END`,
		due, now, soon, motcua.BucketOnTime, motcua.BucketOverdue, motcua.BucketDueSoon)
}

// Inbox returns the open tasks of a unit and the units below it, due first first, with
// the counts per SLA bucket.
//
// The counts and the choice of the page's rows come from the index tasks_inbox_idx
// alone: the units in scope are looked up first and passed as an array, and a condition
// is written only for a filter that is set, so that the planner sees exactly what is
// asked (a prepared statement's generic plan keeps a condition that a parameter
// switches off, and with it t.dossier_id, which the index does not hold).
// Only the page's rows are joined to their dossiers, unless a filter names a dossier's
// status or procedure.
func (s *Store) Inbox(ctx context.Context, f InboxFilter) (InboxPage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var units []int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM units WHERE path LIKE $1 || '%'`, f.UnitPath).
		Scan(&units); err != nil {
		return InboxPage{}, fmt.Errorf("inbox scope %s: %w", f.UnitPath, err)
	}
	args := []any{units, f.Now, f.Soon}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := `t.state = 'open' AND t.unit_id = ANY ($1)`
	if f.Status != "" || f.Procedure != "" {
		where += ` AND EXISTS (SELECT 1 FROM dossiers d WHERE d.id = t.dossier_id`
		if f.Status != "" {
			where += ` AND d.status = ` + arg(string(f.Status))
		}
		if f.Procedure != "" {
			where += ` AND d.procedure_code = ` + arg(f.Procedure)
		}
		where += `)`
	}
	if !f.DueBefore.IsZero() {
		where += ` AND t.inbox_due < ` + arg(f.DueBefore)
	}
	var page InboxPage
	err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE bucket = '`+string(motcua.BucketOnTime)+`'),
			count(*) FILTER (WHERE bucket = '`+string(motcua.BucketDueSoon)+`'),
			count(*) FILTER (WHERE bucket = '`+string(motcua.BucketOverdue)+`'), count(*)
		FROM (SELECT `+inboxBucket+` AS bucket FROM tasks t WHERE `+where+`) x`, args...).
		Scan(&page.Counts.OnTime, &page.Counts.DueSoon, &page.Counts.Overdue, &page.Counts.Total)
	if err != nil {
		return InboxPage{}, fmt.Errorf("inbox counts of %s: %w", f.UnitPath, err)
	}
	if f.Bucket != "" {
		where += ` AND ` + inboxBucket + ` = ` + arg(string(f.Bucket))
	}
	rows, err := s.pool.Query(ctx, `SELECT t.id, d.code, d.procedure_code, p.name, d.status, t.step, un.code, t.assignee_id,
			coalesce(a.name, ''), t.opened_at, t.due_at, t.inbox_due, `+inboxBucket+`
		FROM (SELECT t.id FROM tasks t WHERE `+where+`
			ORDER BY t.inbox_due NULLS LAST, t.id LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset)+`) page
		JOIN tasks t ON t.id = page.id
		JOIN dossiers d ON d.id = t.dossier_id
		JOIN units un ON un.id = t.unit_id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		LEFT JOIN users a ON a.id = t.assignee_id
		ORDER BY t.inbox_due NULLS LAST, t.id`, args...)
	if err != nil {
		return InboxPage{}, fmt.Errorf("inbox of %s: %w", f.UnitPath, err)
	}
	page.Items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[InboxItem])
	if err != nil {
		return InboxPage{}, fmt.Errorf("inbox of %s: %w", f.UnitPath, err)
	}
	if page.Items == nil {
		page.Items = []InboxItem{}
	}
	if f.Offset == 0 && f.Status == "" && f.Procedure == "" {
		if page.Documents, err = s.inboxDocuments(ctx, units, f.Now, f.Soon); err != nil {
			return InboxPage{}, err
		}
	}
	return page, nil
}

// ClaimTask assigns an open task of a unit in scope to a person (nhận xử lý); a task
// someone else claimed is a conflict.
func (s *Store) ClaimTask(ctx context.Context, taskID int64, a motcua.Actor) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tasks t SET assignee_id = $2
		FROM units un WHERE un.id = t.unit_id AND t.id = $1 AND t.state = 'open'
			AND un.path LIKE $3 || '%' AND (t.assignee_id IS NULL OR t.assignee_id = $2)`, taskID, a.UserID, a.UnitPath)
	if err != nil {
		return fmt.Errorf("claim task %d: %w", taskID, err)
	}
	if tag.RowsAffected() == 0 {
		return &motcua.Error{Code: motcua.ECONFLICT, Message: "Việc này đã có người nhận, đã xong hoặc không thuộc đơn vị của bạn."}
	}
	return nil
}

// QueueItem is a dossier awaiting a leader's signature.
type QueueItem struct {
	DossierCode   motcua.DossierCode `json:"dossierCode"`
	ProcedureCode string             `json:"procedureCode"`
	ProcedureName string             `json:"procedureName"`
	ApplicantName string             `json:"applicant"`
	Unit          string             `json:"unit"`
	SubmittedAt   time.Time          `json:"submittedAt"`
	DueAt         *time.Time         `json:"dueAt,omitempty"`
	DraftID       string             `json:"draftId,omitempty"`
	Since         time.Time          `json:"since"`
	// ProcedureVersion is the catalog version the result is signed under.
	ProcedureVersion int `json:"procedureVersion"`
	// SignAs is the first line of the signature block the reader would sign under
	// ("TUQ. BỘ TRƯỞNG"); set by the dossier service, not read from the database.
	SignAs string `json:"signAs,omitempty" db:"-"`
}

// InboxDocument is an incoming document a unit leads the handling of, with the deadline
// of its direction: the units' inboxes show it beside their dossiers.
type InboxDocument struct {
	ID           int64            `json:"id"`
	CodeNumber   string           `json:"codeNumber"`
	CodeNotation string           `json:"codeNotation"`
	IssuerName   string           `json:"issuerName"`
	Subject      string           `json:"subject"`
	LeadUnit     string           `json:"leadUnit"`
	State        string           `json:"state"`
	Deadline     *time.Time       `json:"deadline,omitempty"`
	Bucket       motcua.SLABucket `json:"bucket"`
}

// inboxDocuments lists the incoming documents being handled (assigned or in progress)
// whose lead unit is a unit in scope, named by its code or its name, deadline first.
func (s *Store) inboxDocuments(ctx context.Context, units []int64, now, soon time.Time) ([]InboxDocument, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.code_number, e.code_notation, e.issuer_name, e.subject, e.lead_unit, e.state,
			e.deadline, `+BucketSQL("(e.deadline + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", "$2", "$3")+`
		FROM exchange_incoming e
		WHERE e.state IN ('assigned', 'processing') AND e.lead_unit <> ''
			AND EXISTS (SELECT 1 FROM units u WHERE u.id = ANY ($1) AND (u.code = e.lead_unit OR u.name = e.lead_unit))
		ORDER BY e.deadline NULLS LAST, e.id LIMIT 200`, units, now, soon)
	if err != nil {
		return nil, fmt.Errorf("inbox documents: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[InboxDocument])
	if err != nil {
		return nil, fmt.Errorf("inbox documents: %w", err)
	}
	return out, nil
}
