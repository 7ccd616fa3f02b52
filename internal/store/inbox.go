package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	// Search finds tasks by their dossier's code, the applicant's name (diacritics and
	// case ignored) or a personal ID number its form names: at least 3 characters.
	Search string
	// Reader, when set, adds the work of the people the reader stands in for now (out of
	// office): the tasks they hold, wherever their unit, and the unclaimed tasks of their
	// unit and the units below it; with Mine it keeps only the tasks the reader holds,
	// for themselves or for them.
	Reader int64
	Mine   bool
}

// InboxItem is an open task of a unit, as the clerk's inbox lists it.
//
// Seam for the document exchange: its deadlines join the inbox as rows of tasks (the
// same inbox_due, unit and holder, so the per-day counts, the page, claims, assignment
// and substitutes apply unchanged); a task that belongs to a document rather than a
// dossier would add its own kind and reference here and in inboxPageSQL's joins.
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
	Applicant     string             `json:"applicant"`
}

// BucketCounts counts open tasks per SLA bucket.
type BucketCounts struct {
	OnTime  int `json:"onTime"`
	DueSoon int `json:"dueSoon"`
	Overdue int `json:"overdue"`
	Total   int `json:"total"`
	// Capped says a search matched more than MaxSearchCount open tasks: counting stopped
	// there, Total is MaxSearchCount + 1 and the buckets are not counted (0).
	Capped bool `json:"capped,omitempty"`
}

// MaxSearchCount is how many open tasks a search counts at most: a search is for
// finding a dossier, and counting every task a common name matches would cost a read of
// each (a page of them costs only its rows).
const MaxSearchCount = 1000

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
	// units: the reader's scope; principals: the colleagues on leave the reader stands in
	// for now; theirs: the units of the principals' scope, whose unclaimed work the
	// reader sees for them.
	var units, principals, theirs []int64
	if err := s.pool.QueryRow(ctx, `WITH p AS (SELECT s.principal_id, pu.path FROM substitutes s
				JOIN users pr ON pr.id = s.principal_id AND pr.active LEFT JOIN units pu ON pu.id = pr.unit_id
				WHERE s.substitute_id = $2 AND s.cancelled_at IS NULL AND s.starts_at <= $3 AND $3 < s.ends_at)
		SELECT coalesce((SELECT array_agg(id) FROM units WHERE path LIKE $1 || '%'), '{}'),
			coalesce((SELECT array_agg(principal_id) FROM p), '{}'),
			coalesce((SELECT array_agg(u.id) FROM units u WHERE NOT u.path LIKE $1 || '%'
				AND EXISTS (SELECT 1 FROM p WHERE p.path IS NOT NULL AND u.path LIKE p.path || '%')), '{}')`, f.UnitPath, f.Reader, f.Now).
		Scan(&units, &principals, &theirs); err != nil {
		return InboxPage{}, fmt.Errorf("inbox scope %s: %w", f.UnitPath, err)
	}
	args := []any{units, f.Now, f.Soon}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := `t.state = 'open' AND t.unit_id = ANY ($1)`
	switch {
	case f.Mine:
		// The reader's own and their absent colleagues' tasks: tasks_assignee_idx.
		// $1 is then the holders, not the units: whose work it is decides, not where.
		args[0] = append([]int64{f.Reader}, principals...)
		where = `t.state = 'open' AND t.assignee_id IS NOT NULL AND t.assignee_id = ANY ($1)`
	case len(principals) > 0:
		// The substitute's scope: their own units', the tasks their absent colleagues hold,
		// and the unclaimed tasks of those colleagues' units (what they could take by role).
		where = `t.state = 'open' AND (t.unit_id = ANY ($1) OR (t.assignee_id IS NOT NULL AND t.assignee_id = ANY (` + arg(principals) + `))`
		if len(theirs) > 0 {
			where += ` OR (t.assignee_id IS NULL AND t.unit_id = ANY (` + arg(theirs) + `))`
		}
		where += `)`
	}
	if f.Search != "" {
		where += ` AND t.search LIKE '%' || motcua_fold(` + arg(likePattern(f.Search)) + `) || '%'`
	}
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
	// The whole unit's inbox (no filter but its units) is counted from the open tasks
	// per day (migration 0015) and the two days now and soon fall in.
	// A search by a code or an ID number (any digit) is selective: one scan of the
	// trigram index, then a sort, whatever the units. A name may be shared by thousands:
	// it is read unit by unit in the inbox's order, which stops at the page or the cap.
	byUnits := !f.Mine && len(principals) == 0 && !strings.ContainsAny(f.Search, "0123456789")
	countSQL := inboxCountSQL(where)
	switch {
	case f.Search != "" && byUnits:
		countSQL = inboxUnitsSearchCountSQL(strings.Replace(where, `t.unit_id = ANY ($1)`, `t.unit_id = u.id`, 1))
	case f.Search != "":
		countSQL = inboxCountSQL(where + fmt.Sprintf(` LIMIT %d`, MaxSearchCount+1))
	case byUnits && f.Status == "" && f.Procedure == "" && f.DueBefore.IsZero():
		countSQL = inboxDayCountSQL
	}
	countArgs := slices.Clone(args)
	if f.Bucket != "" {
		where += ` AND ` + inboxBucket + ` = ` + arg(string(f.Bucket))
	}
	limit, offset := arg(f.Limit), arg(f.Offset)
	pageSQL := inboxPageSQL(where, limit, offset)
	if byUnits {
		// Each unit's first rows in order from its own part of tasks_inbox_idx, merged; a
		// search is then a filter on the index's copy of the search text (migration 0024),
		// unless the planner finds the trigram index more selective.
		pageSQL = inboxUnitsPageSQL(strings.Replace(where, `t.unit_id = ANY ($1)`, `t.unit_id = u.id`, 1), limit, offset)
	}
	// The counts, the page and the documents, each read by a function of its rows.
	type query struct {
		sql  string
		args []any
		read func(pgx.Rows) error
	}
	qs := []query{{countSQL, countArgs, func(rows pgx.Rows) error {
		c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[struct{ OnTime, DueSoon, Overdue, Total int }])
		page.Counts = BucketCounts{OnTime: c.OnTime, DueSoon: c.DueSoon, Overdue: c.Overdue, Total: c.Total}
		return err
	}}, {pageSQL, args, func(rows pgx.Rows) error {
		var err error
		page.Items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[InboxItem])
		return err
	}}}
	if f.Offset == 0 && f.Status == "" && f.Procedure == "" {
		qs = append(qs, query{inboxDocumentsSQL, []any{units, f.Now, f.Soon}, func(rows pgx.Rows) error {
			var err error
			page.Documents, err = pgx.CollectRows(rows, pgx.RowToStructByPos[InboxDocument])
			return err
		}})
	}
	if f.Search == "" {
		// One round trip for them all: on a busy machine each round trip is a wait for a
		// CPU on both sides.
		b := &pgx.Batch{}
		for _, q := range qs {
			b.Queue(q.sql, q.args...).Query(q.read)
		}
		if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
			return InboxPage{}, fmt.Errorf("inbox of %s: %w", f.UnitPath, err)
		}
	} else {
		// A search is planned for its own words (an unnamed statement, never a cached
		// generic plan): a rare name or a number goes through the trigram index, a common
		// name through the inbox's index in its order. A batch would use cached plans.
		for _, q := range qs {
			rows, err := s.pool.Query(ctx, q.sql, append([]any{pgx.QueryExecModeExec}, q.args...)...)
			if err == nil {
				err = q.read(rows)
			}
			if err != nil {
				return InboxPage{}, fmt.Errorf("search the inbox of %s: %w", f.UnitPath, err)
			}
		}
	}
	if f.Search != "" && page.Counts.Total > MaxSearchCount {
		page.Counts = BucketCounts{Total: MaxSearchCount + 1, Capped: true}
	}
	if page.Items == nil {
		page.Items = []InboxItem{}
	}
	return page, nil
}

// inboxCountSQL counts the open tasks where selects ($2 now, $3 soon) per SLA bucket.
func inboxCountSQL(where string) string {
	return `SELECT count(*) FILTER (WHERE bucket = '` + string(motcua.BucketOnTime) + `'),
			count(*) FILTER (WHERE bucket = '` + string(motcua.BucketDueSoon) + `'),
			count(*) FILTER (WHERE bucket = '` + string(motcua.BucketOverdue) + `'), count(*)
		FROM (SELECT ` + inboxBucket + ` AS bucket FROM tasks t WHERE ` + where + `) x`
}

// inboxUnitsSearchCountSQL counts, per SLA bucket, up to MaxSearchCount + 1 of the open
// tasks of the units $1 that where (over t, with u.id the unit: a search) selects, read
// unit by unit in the inbox's order: a common name is then an index-only scan of
// tasks_inbox_idx that stops at the cap (the index carries the search text), a rare one
// the trigram index; a LIMIT over all the units at once made the planner walk the
// tasks themselves, one heap visit per task.
func inboxUnitsSearchCountSQL(where string) string {
	return fmt.Sprintf(`SELECT count(*) FILTER (WHERE bucket = '%[1]s'), count(*) FILTER (WHERE bucket = '%[2]s'),
			count(*) FILTER (WHERE bucket = '%[3]s'), count(*)
		FROM (SELECT %[4]s AS bucket FROM unnest($1::bigint[]) u(id) CROSS JOIN LATERAL (
				SELECT t.inbox_due FROM tasks t WHERE %[5]s ORDER BY t.inbox_due NULLS LAST, t.id LIMIT %[6]d) t
			LIMIT %[6]d) x`, motcua.BucketOnTime, motcua.BucketDueSoon, motcua.BucketOverdue, inboxBucket, where, MaxSearchCount+1)
}

// inboxDayCountSQL counts the open tasks of the units $1 per SLA bucket ($2 now, $3
// soon) from inbox_day_counts: the days wholly before now's (soon's) day, plus the tasks
// of that day due before now (soon), read from tasks_inbox_idx. Overdue: due before now;
// due soon: before soon but not before now; on time: the rest, and no due time.
const inboxDayCountSQL = `WITH h AS (SELECT day, sum(n) AS n FROM inbox_day_counts WHERE unit_id = ANY ($1) GROUP BY day),
	before AS (SELECT
		(SELECT coalesce(sum(n), 0) FROM h WHERE day < inbox_day($2)) + (SELECT count(*) FROM tasks t WHERE t.state = 'open'
			AND t.unit_id = ANY ($1) AND t.inbox_due >= inbox_day($2)::timestamp AT TIME ZONE 'UTC' AND t.inbox_due < $2) AS now,
		(SELECT coalesce(sum(n), 0) FROM h WHERE day < inbox_day($3)) + (SELECT count(*) FROM tasks t WHERE t.state = 'open'
			AND t.unit_id = ANY ($1) AND t.inbox_due >= inbox_day($3)::timestamp AT TIME ZONE 'UTC' AND t.inbox_due < $3) AS soon,
		(SELECT coalesce(sum(n), 0) FROM h) AS total)
	SELECT (total - soon)::int, (soon - now)::int, now::int, total::int FROM before`

// inboxUnitsPageSQL reads a page of the open tasks of the units $1 that where (over t,
// with u.id the unit) selects: each unit's first offset+limit rows in the inbox's
// order, read in order from tasks_inbox_idx, then merged. PostgreSQL 15 cannot keep
// the index's order across an array of units, so one scan of them all would read and
// sort every open task of the ministry for a page of 100.
func inboxUnitsPageSQL(where, limit, offset string) string {
	return `SELECT t.id, d.code, d.procedure_code, p.name, d.status, t.step, un.code, t.assignee_id,
			coalesce(a.name, ''), t.opened_at, t.due_at, t.inbox_due, ` + inboxBucket + `, ` + applicantSQL("ap", "og") + `
		FROM (SELECT x.id, x.inbox_due FROM unnest($1::bigint[]) u(id) CROSS JOIN LATERAL (
				SELECT t.id, t.inbox_due FROM tasks t WHERE ` + where + `
				ORDER BY t.inbox_due NULLS LAST, t.id LIMIT ` + limit + `::bigint + ` + offset + `::bigint) x
			ORDER BY x.inbox_due NULLS LAST, x.id LIMIT ` + limit + ` OFFSET ` + offset + `) page
		JOIN tasks t ON t.id = page.id
		JOIN dossiers d ON d.id = t.dossier_id
		JOIN units un ON un.id = t.unit_id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		JOIN users ap ON ap.id = d.applicant_id
		LEFT JOIN users og ON og.id = d.organization_id
		LEFT JOIN users a ON a.id = t.assignee_id
		ORDER BY t.inbox_due NULLS LAST, t.id`
}

// inboxPageSQL reads a page (limit, offset: parameters) of the open tasks where
// selects, due first: the page's rows are chosen from the tasks alone, then joined.
func inboxPageSQL(where, limit, offset string) string {
	return `SELECT t.id, d.code, d.procedure_code, p.name, d.status, t.step, un.code, t.assignee_id,
			coalesce(a.name, ''), t.opened_at, t.due_at, t.inbox_due, ` + inboxBucket + `, ` + applicantSQL("ap", "og") + `
		FROM (SELECT t.id FROM tasks t WHERE ` + where + `
			ORDER BY t.inbox_due NULLS LAST, t.id LIMIT ` + limit + ` OFFSET ` + offset + `) page
		JOIN tasks t ON t.id = page.id
		JOIN dossiers d ON d.id = t.dossier_id
		JOIN units un ON un.id = t.unit_id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		JOIN users ap ON ap.id = d.applicant_id
		LEFT JOIN users og ON og.id = d.organization_id
		LEFT JOIN users a ON a.id = t.assignee_id
		ORDER BY t.inbox_due NULLS LAST, t.id`
}

// applicantSQL is a dossier's applicant as a list shows it, from the filer's account
// (alias person) and the organization's it was filed for (alias org, LEFT JOINed on
// dossiers.organization_id): the person; the organization; or the organization and the
// representative who filed for it.
func applicantSQL(person, org string) string {
	return fmt.Sprintf(`CASE WHEN %[2]s.id IS NULL THEN %[1]s.name WHEN %[2]s.id = %[1]s.id THEN %[2]s.name
		ELSE %[2]s.name || ' (người đại diện: ' || %[1]s.name || ')' END`, person, org)
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
	// Role is the units' part in the handling: "lead" (chủ trì) or "supporting" (phối hợp).
	Role string `json:"role"`
}

// inboxDocumentsSQL lists the incoming documents being handled (assigned or in
// progress) whose lead unit or one of whose supporting units is a unit in scope ($1),
// named by its code or its name, deadline first ($2 now, $3 soon), with the units' part.
var inboxDocumentsSQL = `SELECT e.id, e.code_number, e.code_notation, e.issuer_name, e.subject, e.lead_unit, e.state,
		e.deadline, ` + BucketSQL("(e.deadline + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'", "$2", "$3") + `,
		CASE WHEN EXISTS (SELECT 1 FROM units u WHERE u.id = ANY ($1) AND (u.code = e.lead_unit OR u.name = e.lead_unit))
			THEN 'lead' ELSE 'supporting' END
	FROM exchange_incoming e
	WHERE e.state IN ('assigned', 'processing') AND e.lead_unit <> ''
		AND EXISTS (SELECT 1 FROM units u WHERE u.id = ANY ($1) AND (u.code = e.lead_unit OR u.name = e.lead_unit
			OR (e.supporting_units <> '' AND (u.code = ANY (string_to_array(e.supporting_units, '; '))
				OR u.name = ANY (string_to_array(e.supporting_units, '; '))))))
	ORDER BY e.deadline NULLS LAST, e.id LIMIT 200`
