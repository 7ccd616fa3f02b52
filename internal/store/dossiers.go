package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/forms"
)

// Submission is what the API took from a citizen, numbered, before its workflow
// recorded it as a dossier.
type Submission struct {
	Code        motcua.DossierCode
	ApplicantID int64
	// OrganizationID is the organization (its account) the dossier is filed for, 0 for
	// none: an organization's account or representative files for it
	// (motcua.Actor.ApplicantOrganizationID); ApplicantID is then who filed.
	OrganizationID   int64
	UnitCode         string // receiving unit
	ProcedureCode    string
	ProcedureVersion int
	Online           bool
	// Channel is how the dossier arrived; "" is online (or desk, when Online is false).
	Channel motcua.Channel
	// RegisteredBy is the desk clerk who registered a desk or postal dossier for its
	// applicant (0 otherwise); files they uploaded may be attached.
	RegisteredBy int64
	// PortalCode is the dossier's code on the national portal, for portal dossiers.
	PortalCode string
	// Uploader owns the files of a portal dossier (the calling system's account); 0
	// means the applicant or RegisteredBy.
	Uploader    int64
	FormData    json.RawMessage
	Files       []SubmittedFile
	SubmittedAt time.Time
	// NewApplicant, when ApplicantID is 0, is found by ID number or created, in the
	// transaction that stores the submission.
	NewApplicant *Applicant
	// NewFiles are stored (owned by Uploader) in the transaction that stores the
	// submission: a portal dossier's inline files.
	NewFiles []NewFile
	// Fee is what the dossier owes in VND (0: nothing), paid online at submission.
	Fee int64
	// ApplicantVNeID reports that the applicant had logged in through VNeID when they
	// submitted (the national portal's sync reports it).
	ApplicantVNeID bool
}

// NewFile is a file delivered with a submission, stored with it.
type NewFile struct {
	ID          string
	Name        string
	ContentType string
	Data        []byte
	Digitized   bool
	Copy        bool
}

// SubmittedFile is an uploaded file attached to a component of the dossier.
type SubmittedFile struct {
	ID        string `json:"id"`
	Component string `json:"component"`
	// Digitized marks a scan of a paper component made at intake; Copy that the paper
	// was a copy (bản sao), not the original.
	Digitized bool `json:"digitized,omitempty"`
	Copy      bool `json:"copy,omitempty"`
}

// ProcedureRecord is a published procedure version, as the procedures table keeps it.
type ProcedureRecord struct {
	Code          string
	Version       int
	Name          string
	Domain        string
	Definition    json.RawMessage
	EffectiveFrom time.Time
	EffectiveTo   *time.Time
}

// SyncProcedures records the catalog's procedure versions; a version already recorded
// is updated in place (its wording may be corrected; its code and number never change).
func (s *Store) SyncProcedures(ctx context.Context, ps []ProcedureRecord) error {
	return s.Tx(ctx, func(tx pgx.Tx) error {
		for _, p := range ps {
			_, err := tx.Exec(ctx, `INSERT INTO procedures (code, version, name, domain, definition, effective_from, effective_to)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (code, version) DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
					definition = EXCLUDED.definition, effective_from = EXCLUDED.effective_from, effective_to = EXCLUDED.effective_to`,
				p.Code, p.Version, p.Name, p.Domain, p.Definition, p.EffectiveFrom, p.EffectiveTo)
			if err != nil {
				return fmt.Errorf("record procedure %s v%d: %w", p.Code, p.Version, err)
			}
		}
		return nil
	})
}

// NextDossierCode takes the next number of the agency's daily sequence (Vietnam day of
// at) inside tx; the row lock makes concurrent submissions get consecutive numbers.
func NextDossierCode(ctx context.Context, tx pgx.Tx, agency string, at time.Time) (motcua.DossierCode, error) {
	local := at.In(motcua.Vietnam)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO dossier_sequences (agency_code, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1
		RETURNING last`, agency, day).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next dossier code of %s: %w", agency, err)
	}
	return motcua.NewDossierCode(agency, local, n), nil
}

// CreateSubmission stores a numbered submission inside tx and checks that every file
// belongs to the applicant and is not attached elsewhere.
func CreateSubmission(ctx context.Context, tx pgx.Tx, sub Submission) error {
	if sub.ApplicantID == 0 && sub.NewApplicant != nil {
		id, err := applicantInTx(ctx, tx, *sub.NewApplicant)
		if err != nil {
			return err
		}
		sub.ApplicantID = id
	}
	channel := motcua.ChannelOf(sub.Channel, sub.Online)
	for _, f := range sub.NewFiles {
		sum, err := putBlob(ctx, tx, f.Data)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO files (id, sha256, size, content_type, name, owner_id, storage_key)
			VALUES ($1, $2, $3, $4, $5, $6, 'pg:' || encode($2, 'hex'))`, f.ID, sum, len(f.Data), f.ContentType, f.Name, sub.Uploader)
		if err != nil {
			return fmt.Errorf("store file %q: %w", f.Name, err)
		}
	}
	for _, f := range sub.Files {
		var owner int64
		var dossier *int64
		err := tx.QueryRow(ctx, `SELECT owner_id, dossier_id FROM files WHERE id = $1`, f.ID).Scan(&owner, &dossier)
		mine := owner == sub.ApplicantID || (sub.RegisteredBy != 0 && owner == sub.RegisteredBy) ||
			(sub.Uploader != 0 && owner == sub.Uploader)
		if err != nil || !mine {
			return &motcua.Error{Code: motcua.EINVALID, Field: "files",
				Message: "Tệp đính kèm không tồn tại hoặc không thuộc về bạn.", Err: err}
		}
		if dossier != nil {
			return &motcua.Error{Code: motcua.EINVALID, Field: "files",
				Message: "Tệp đính kèm đã được nộp cùng một hồ sơ khác."}
		}
	}
	files, err := json.Marshal(sub.Files)
	if err != nil {
		return err
	}
	if sub.Files == nil {
		files = []byte("[]")
	}
	_, err = tx.Exec(ctx, `INSERT INTO submissions (code, applicant_id, unit_id, procedure_code, procedure_version, online,
			form_data, files, submitted_at, channel, registered_by, portal_code, fee, applicant_vneid, organization_id)
		SELECT $1, $2, u.id, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, 0), NULLIF($12, ''), $13, $14, NULLIF($15, 0) FROM units u WHERE u.code = $3`,
		sub.Code, sub.ApplicantID, sub.UnitCode, sub.ProcedureCode, sub.ProcedureVersion, channel.Electronic(),
		sub.FormData, files, sub.SubmittedAt, channel, sub.RegisteredBy, sub.PortalCode, sub.Fee, sub.ApplicantVNeID, sub.OrganizationID)
	if err != nil {
		return fmt.Errorf("store submission %s: %w", sub.Code, err)
	}
	return nil
}

// Submission returns a stored submission (recorded or not).
func (s *Store) Submission(ctx context.Context, code motcua.DossierCode) (Submission, error) {
	var sub Submission
	var files []byte
	err := s.pool.QueryRow(ctx, `SELECT s.code, s.applicant_id, u.code, s.procedure_code, s.procedure_version, s.online,
			s.form_data, s.files, s.submitted_at, s.channel, coalesce(s.registered_by, 0), coalesce(s.portal_code, ''), s.fee,
			coalesce(s.organization_id, 0)
		FROM submissions s JOIN units u ON u.id = s.unit_id WHERE s.code = $1`, code).
		Scan(&sub.Code, &sub.ApplicantID, &sub.UnitCode, &sub.ProcedureCode, &sub.ProcedureVersion, &sub.Online,
			&sub.FormData, &files, &sub.SubmittedAt, &sub.Channel, &sub.RegisteredBy, &sub.PortalCode, &sub.Fee, &sub.OrganizationID)
	if err != nil {
		return Submission{}, notFound(err, "Không tìm thấy hồ sơ đã nộp "+string(code)+".")
	}
	if err := json.Unmarshal(files, &sub.Files); err != nil {
		return Submission{}, fmt.Errorf("files of submission %s: %w", code, err)
	}
	return sub, nil
}

// RecordSubmission turns a stored submission into the dossier: its row, its files
// attached, the first history event, the audit record. Recording again returns the
// same dossier and writes nothing.
func (s *Store) RecordSubmission(ctx context.Context, code motcua.DossierCode) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(tx pgx.Tx) error {
		var recorded *time.Time
		var applicant int64
		err := tx.QueryRow(ctx, `SELECT recorded_at, applicant_id FROM submissions WHERE code = $1 FOR UPDATE`, code).
			Scan(&recorded, &applicant)
		if err != nil {
			return notFound(err, "Không tìm thấy hồ sơ đã nộp "+string(code)+".")
		}
		if recorded != nil {
			return tx.QueryRow(ctx, `SELECT id FROM dossiers WHERE code = $1`, code).Scan(&id)
		}
		err = tx.QueryRow(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, applicant_id, unit_id, status,
				form_data, submitted_at, online, holder_unit_id, channel, registered_by, portal_code, applicant_vneid, organization_id)
			SELECT code, procedure_code, procedure_version, applicant_id, unit_id, $2, form_data, submitted_at, online, unit_id,
				channel, registered_by, portal_code, applicant_vneid, organization_id
			FROM submissions WHERE code = $1
			RETURNING id`, code, motcua.StatusSubmitted).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert dossier: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE files f SET dossier_id = $2, component = x.component,
				digitized = coalesce(x.digitized, false), from_copy = coalesce(x.copy, false)
			FROM submissions s, jsonb_to_recordset(s.files) AS x(id uuid, component text, digitized boolean, copy boolean)
			WHERE s.code = $1 AND f.id = x.id`, code, id)
		if err != nil {
			return fmt.Errorf("attach files: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE submissions SET recorded_at = now() WHERE code = $1`, code); err != nil {
			return err
		}
		return Audit(ctx, tx, AuditEntry{ActorID: applicant, Action: "dossier.submit", ObjectType: "dossier", ObjectID: string(code)})
	})
	if err != nil {
		return 0, fmt.Errorf("record submission %s: %w", code, err)
	}
	return id, nil
}

// DossierByCode returns the dossier's record.
func (s *Store) DossierByCode(ctx context.Context, code motcua.DossierCode) (motcua.Dossier, error) {
	var d motcua.Dossier
	var received, due, finished *time.Time
	var holder *int64
	err := s.pool.QueryRow(ctx, `SELECT id, code, procedure_code, procedure_version, applicant_id, coalesce(holder_unit_id, unit_id),
		status, submitted_at, received_at, due_at, finished_at
	FROM dossiers WHERE code = $1`, code).
		Scan(&d.ID, &d.Code, &d.ProcedureCode, &d.ProcedureVersion, &d.ApplicantID, &holder, &d.Status,
			&d.SubmittedAt, &received, &due, &finished)
	if err != nil {
		return motcua.Dossier{}, notFound(err, "Không tìm thấy hồ sơ "+string(code)+".")
	}
	if holder != nil {
		d.UnitID = *holder
	}
	d.ReceivedAt, d.DueAt, d.FinishedAt = deref(received), deref(due), deref(finished)
	return d, nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// RecordTransition writes a transition: the dossier's status and clock, the history
// event, the tasks it closes and opens, the control sheet, the portal's status outbox
// and the audit record, in one transaction. Transitions are numbered: one already
// written is not written again (applied is false); one out of order is a conflict.
func (s *Store) RecordTransition(ctx context.Context, t motcua.Transition) (applied bool, err error) {
	n, err := s.RecordTransitions(ctx, []motcua.Transition{t})
	return n == 1, err
}

// RecordTransitions writes consecutive transitions of one dossier (a decision that
// receives it and hands it to the first review step) in one transaction, each as
// RecordTransition does; applied counts those not written before.
func (s *Store) RecordTransitions(ctx context.Context, ts []motcua.Transition) (applied int, err error) {
	for _, t := range ts {
		if !t.Status.Valid() {
			return 0, &motcua.Error{Code: motcua.EINVALID, Message: fmt.Sprintf("Trạng thái %q không hợp lệ.", t.Status)}
		}
	}
	err = s.Tx(ctx, func(tx pgx.Tx) error {
		applied = 0
		// Each transition audits, and the audit lock is held to the commit: taken after
		// the first transition's row locks and before the second's, it ordered locks
		// one way here and the other way in a concurrent writer of the same rows (the
		// dossier's, its unit's counters): deadlocks at 32 dossiers at once (issue 17).
		// Every transition writer takes it first, so none waits for it holding a row.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", auditLock); err != nil {
			return fmt.Errorf("record transitions: lock the audit chain: %w", err)
		}
		// The statistics' rollups (migration 0027): a dossier's contribution is taken out
		// before its first transition here and put back, as the last leaves it, once:
		// one pair of stats_apply for the batch, not one a transition (each costs about
		// 2 ms of the database's time at 1,000,000 dossiers).
		var rolled []int64
		for _, t := range ts {
			ok, err := recordTransition(ctx, tx, t, s.workingMinutes, &rolled)
			if err != nil {
				return fmt.Errorf("record transition %s: %w", t, err)
			}
			if ok {
				applied++
			}
		}
		for _, id := range rolled {
			if _, err := tx.Exec(ctx, `SELECT stats_apply(ARRAY[$1::bigint], 1)`, id); err != nil {
				return fmt.Errorf("statistics rollup: %w", err)
			}
		}
		return nil
	})
	return applied, err
}

// recordTransition writes one transition inside tx. The first time it may change a
// dossier's contribution to the statistics' rollups (movesStatistics) it takes that
// contribution out and adds the dossier to rolled; the caller puts the contributions
// back after the last.
func recordTransition(ctx context.Context, tx pgx.Tx, t motcua.Transition, minutes func(from, to time.Time) int64, rolled *[]int64) (applied bool, err error) {
	var last int
	var dossierID int64
	var before reportState
	var status motcua.Status
	if err := tx.QueryRow(ctx, `SELECT id, last_seq, status, received_at, finished_at, due_at FROM dossiers WHERE code = $1 FOR UPDATE`, t.Code).
		Scan(&dossierID, &last, &status, &before.received, &before.finished, &before.due); err != nil {
		return false, notFound(err, "Không tìm thấy hồ sơ.")
	}
	code := string(t.Code)
	if t.Seq <= last {
		return false, nil
	}
	if t.Seq != last+1 {
		return false, &motcua.Error{Code: motcua.ECONFLICT,
			Message: fmt.Sprintf("Bước chuyển %d của hồ sơ %s đến trước bước %d.", t.Seq, code, last+1)}
	}
	var unitID int64
	if t.UnitCode != "" {
		if err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, t.UnitCode).Scan(&unitID); err != nil {
			return false, notFound(err, "Không tìm thấy đơn vị "+t.UnitCode+".")
		}
	}
	at := t.At.UTC()
	var holder *int64
	if t.HolderUnit != "" {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, t.HolderUnit).Scan(&id); err != nil {
			return false, notFound(err, "Không tìm thấy đơn vị "+t.HolderUnit+".")
		}
		holder = &id
	}
	var step *string
	if t.Step != "" {
		step = &t.Step
	}
	if movesStatistics(t, status, before) && !slices.Contains(*rolled, dossierID) {
		if _, err := tx.Exec(ctx, `SELECT stats_apply(ARRAY[$1::bigint], -1)`, dossierID); err != nil {
			return false, fmt.Errorf("statistics rollup: %w", err)
		}
		*rolled = append(*rolled, dossierID)
	}
	_, err = tx.Exec(ctx, `UPDATE dossiers SET last_seq = $2, status = $3, updated_at = $4,
			holder_unit_id = coalesce($5, holder_unit_id), current_step = coalesce($6, current_step),
			due_at = coalesce($7, due_at), due_original = coalesce($8, due_original),
			received_at = coalesce($9, received_at), finished_at = coalesce($10, finished_at),
			apology_given = apology_given OR $11, supplement_count = coalesce($12, supplement_count)
		WHERE id = $1`, dossierID, t.Seq, t.Status, at, holder, step, t.DueAt, t.DueOriginal,
		t.ReceivedAt, t.FinishedAt, t.ApologyGiven, t.SupplementCount)
	if err != nil {
		return false, fmt.Errorf("update dossier: %w", err)
	}
	if err := recordReportFlows(ctx, tx, dossierID, t, before, minutes); err != nil {
		return false, err
	}
	data, err := json.Marshal(orEmpty(t.Data))
	if err != nil {
		return false, err
	}
	// holder_id: whose work the actor acted on as their substitute (the holder of an open
	// task of the dossier who named the actor substitute, or, for an unclaimed task of
	// a unit outside the actor's own, the colleague of that unit who named them, as
	// Store.SubstitutedHolder chose): the history names both. The leave's dates were
	// judged by the service that let the actor act, on its clock; the transition's time
	// is the workflow's, so they are not compared again here.
	_, err = tx.Exec(ctx, `INSERT INTO dossier_events (dossier_id, seq, action, status, actor_id, unit_id, note, data, at, note_public, holder_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT s.principal_id FROM tasks t JOIN units tu ON tu.id = t.unit_id
			JOIN substitutes s ON s.substitute_id = $5 AND s.cancelled_at IS NULL
			JOIN users p ON p.id = s.principal_id LEFT JOIN units pu ON pu.id = p.unit_id
			WHERE t.dossier_id = $1 AND t.state = 'open' AND $5::bigint IS NOT NULL AND (t.assignee_id = s.principal_id
				OR (t.assignee_id IS NULL AND tu.path LIKE pu.path || '%' AND NOT EXISTS (SELECT 1 FROM users su
					JOIN units suu ON suu.id = su.unit_id WHERE su.id = $5 AND tu.path LIKE suu.path || '%')))
			ORDER BY t.assignee_id IS NULL, t.id, s.starts_at DESC LIMIT 1))`,
		dossierID, t.Seq, t.Action, t.Status, nullID(t.ActorID), nullID(unitID), nullText(t.Note), data, at, t.NotePublic)
	if err != nil {
		return false, fmt.Errorf("insert event: %w", err)
	}
	if t.CloseTasks {
		if _, err := tx.Exec(ctx, `UPDATE tasks SET state = 'done', closed_at = $2 WHERE dossier_id = $1 AND state = 'open'`,
			dossierID, at); err != nil {
			return false, fmt.Errorf("close tasks: %w", err)
		}
	}
	if t.CloseTasksOf != "" {
		if _, err := tx.Exec(ctx, `UPDATE tasks SET state = 'done', closed_at = $2
			WHERE dossier_id = $1 AND state = 'open' AND unit_id = (SELECT id FROM units WHERE code = $3)`,
			dossierID, at, t.CloseTasksOf); err != nil {
			return false, fmt.Errorf("close tasks of %s: %w", t.CloseTasksOf, err)
		}
	}
	if t.FinishHandover {
		// Timeliness is day-granular in Vietnam time: before the due day is early, on
		// the due day (not after the due time) on time, after the due time late.
		_, err := tx.Exec(ctx, `UPDATE handovers SET finished_at = $2, finished_seq = $3,
				outcome = CASE
					WHEN due_at IS NULL THEN 'on-time'
					WHEN $2 > due_at THEN 'late'
					WHEN ($2 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
					ELSE 'on-time' END
			WHERE dossier_id = $1 AND finished_at IS NULL`, dossierID, at, t.Seq)
		if err != nil {
			return false, fmt.Errorf("finish hand-over: %w", err)
		}
	}
	if len(t.AttachFiles) > 0 {
		// The applicant's files: of an organization's dossier, those its account or a
		// current representative uploaded (who answered a supplement request).
		_, err := tx.Exec(ctx, `UPDATE files f SET dossier_id = d.id FROM dossiers d
			WHERE d.id = $1 AND f.dossier_id IS NULL AND f.id::text = ANY ($2)
				AND (f.owner_id = d.applicant_id OR f.owner_id = d.organization_id
					OR EXISTS (SELECT 1 FROM users r WHERE r.id = f.owner_id AND r.represents = d.organization_id))`,
			dossierID, t.AttachFiles)
		if err != nil {
			return false, fmt.Errorf("attach files: %w", err)
		}
	}
	if o := t.OpenTask; o != nil {
		_, err := tx.Exec(ctx, `INSERT INTO tasks (dossier_id, unit_id, step, budget_minutes, opened_at, due_at, opened_seq)
			SELECT $1, id, $3, $4, $5, $6, $7 FROM units WHERE code = $2`,
			dossierID, o.UnitCode, o.Step, o.BudgetMinutes, at, o.DueAt, t.Seq)
		if err != nil {
			return false, fmt.Errorf("open task: %w", err)
		}
	}
	if h := t.Handover; h != nil {
		_, err := tx.Exec(ctx, `INSERT INTO handovers (dossier_id, seq, step, from_unit_id, from_user_id, to_unit_id,
				handed_at, budget_minutes, due_at)
			VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5, (SELECT id FROM units WHERE code = $6), $7, $8, $9)`,
			dossierID, t.Seq, h.Step, nullText(h.FromUnitCode), nullID(h.FromUserID), h.ToUnitCode, at, h.BudgetMinutes, h.DueAt)
		if err != nil {
			return false, fmt.Errorf("open hand-over: %w", err)
		}
	}
	// The portal shows this line to the applicant: an internal note stays out of it.
	content := t.Status.Label()
	if t.Note != "" && motcua.NoteVisibleToApplicant(t.Action, t.NotePublic) {
		content += ": " + t.Note
	}
	// The step's end is the due time of the task this change leaves open (the latest
	// opened, which a consultation shares with its step).
	_, err = tx.Exec(ctx, `INSERT INTO status_outbox (dossier_id, seq, portal_status, status, handler_id, unit_id, content, at, due_at,
			step_due_at)
		SELECT $1, $2, $3, $4, $5, coalesce($6, d.holder_unit_id), $7, $8, d.due_at,
			(SELECT t.due_at FROM tasks t WHERE t.dossier_id = d.id AND t.state = 'open' ORDER BY t.opened_seq DESC, t.id DESC LIMIT 1)
		FROM dossiers d WHERE d.id = $1`,
		dossierID, t.Seq, int(t.Status.Portal()), t.Status, nullID(t.ActorID), nullID(unitID), content, at)
	if err != nil {
		return false, fmt.Errorf("status outbox: %w", err)
	}
	return true, Audit(ctx, tx, AuditEntry{ActorID: t.ActorID, Action: "dossier." + string(t.Action), ObjectType: "dossier",
		ObjectID: code, Detail: map[string]any{"seq": t.Seq, "status": t.Status}})
}

// movesStatistics tells whether t may change its dossier's contribution to the
// statistics' rollups (stats_contrib and stats_unit_contrib, migration 0027), from the
// status and dates the dossier has before it. The contribution reads the receipt, due
// and end times, the status once the dossier has ended, the hand-overs, and, once
// received, which of its events enter or leave "waiting for the applicant"; a
// transition that touches none of these (most of the steps between a receipt and the
// end: consultations, a signature, the seal) leaves the rollups alone, and skips the
// two stats_apply calls that would take the contribution out and put it back
// unchanged (TestTheRollupsAreTheSumOfTheContributions holds this to the functions).
func movesStatistics(t motcua.Transition, status motcua.Status, before reportState) bool {
	switch {
	case t.ReceivedAt != nil, t.DueAt != nil, t.FinishedAt != nil, t.Handover != nil, t.FinishHandover:
		return true
	case before.finished != nil:
		return true
	case before.received != nil:
		return (status == motcua.StatusSupplementRequested) != (t.Status == motcua.StatusSupplementRequested)
	}
	return false
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// UnitMembers returns the active users of a unit with the role.
func (s *Store) UnitMembers(ctx context.Context, unitCode string, role motcua.Role) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id FROM users u
		JOIN units un ON un.id = u.unit_id
		JOIN user_roles r ON r.user_id = u.id
		WHERE un.code = $1 AND r.role = $2 AND u.active ORDER BY u.id`, unitCode, role)
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", unitCode, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", unitCode, err)
	}
	return ids, nil
}

// SyncCatalog records every procedure version of the catalog, so that dossiers can name
// the version they were received under.
func (s *Store) SyncCatalog(ctx context.Context, cat *forms.Catalog) error {
	var recs []ProcedureRecord
	for _, code := range cat.Codes() {
		for _, p := range cat.Versions(code) {
			def, err := json.Marshal(p)
			if err != nil {
				return err
			}
			from, err := p.EffectiveFrom.Start()
			if err != nil {
				return fmt.Errorf("procedure %s: %w", p.Key(), err)
			}
			rec := ProcedureRecord{Code: p.Code, Version: p.Version, Name: p.Name, Domain: p.Domain, Definition: def,
				EffectiveFrom: from}
			if p.EffectiveTo != "" {
				to, err := p.EffectiveTo.Start()
				if err != nil {
					return fmt.Errorf("procedure %s: %w", p.Key(), err)
				}
				rec.EffectiveTo = &to
			}
			recs = append(recs, rec)
		}
	}
	return s.SyncProcedures(ctx, recs)
}
