package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
)

// Event is one row of a dossier's history, as people read it.
type Event struct {
	Seq       int              `json:"seq"`
	Action    motcua.EventKind `json:"action"`
	Status    motcua.Status    `json:"status"`
	ActorName string           `json:"actor,omitempty"`
	UnitName  string           `json:"unit,omitempty"`
	Note      string           `json:"note,omitempty"`
	Data      json.RawMessage  `json:"data,omitempty"`
	At        time.Time        `json:"at"`
	ActorID   int64            `json:"-"` // 0: the process itself, or nobody recorded
	// NotePublic: the note's author marked it for the applicant (see
	// motcua.NoteVisibleToApplicant).
	NotePublic bool `json:"notePublic,omitempty"`
	// HolderName is who held the work when someone else acted on it (a substitute for a
	// colleague on leave): "" when the actor held it, or nobody did.
	HolderName string `json:"holder,omitempty"`
}

// HandoverRow is one row of the process control sheet (form 06).
type HandoverRow struct {
	Seq           int        `json:"seq"`
	Step          string     `json:"step"`
	FromUnitName  string     `json:"from,omitempty"`
	ToUnitName    string     `json:"to"`
	HandedAt      time.Time  `json:"handedAt"`
	BudgetMinutes int        `json:"budgetMinutes"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
	FinishedAt    *time.Time `json:"finishedAt,omitempty"`
	Outcome       string     `json:"outcome,omitempty"` // early, on-time, late; "" while open
}

// DossierView is a dossier with everything a page or a notice shows of it.
type DossierView struct {
	ID            int64
	Code          motcua.DossierCode
	ApplicantID   int64 // who filed it
	ApplicantName string
	// Organization is the organization the dossier was filed for (the applicant; the
	// filer is its representative or its own account), zero for a person's own dossier.
	Organization     Organization
	ProcedureCode    string
	ProcedureName    string
	ProcedureVersion int
	Online           bool
	Channel          motcua.Channel
	Status           motcua.Status
	UnitPath         string // receiving unit
	HolderUnitCode   string
	HolderUnitName   string
	HolderUnitPath   string
	Step             string
	FormData         json.RawMessage
	SubmittedAt      time.Time
	ReceivedAt       *time.Time
	DueAt            *time.Time
	// WorkDue is when the dossier's open work falls due, the time the inbox buckets it
	// by: its appointment, or before receipt the intake step's due time. Nil when no
	// work is open.
	WorkDue *time.Time
	// Consulting are the units asked for an opinion at the current step that have not
	// answered (their consultation task is open), by code.
	Consulting []motcua.Unit
	// AwaitingAgencies are the agencies outside the ministry asked at the current step
	// that have not replied, by organ ID; ExternalConsultations every such request.
	AwaitingAgencies      []string
	ExternalConsultations []ExternalConsultation
	DueOriginal           *time.Time
	FinishedAt            *time.Time
	ApologyGiven          bool
	SupplementCount       int
	Events                []Event
	Documents             []DocumentInfo
	Files                 []File
	Handovers             []HandoverRow
}

// Organization is an organization's or an agency's account as an applicant: its name and
// its identifier (a business's tax code, or another organization's identifier).
type Organization struct {
	ID         int64
	Name       string
	TaxCode    string
	Identifier string
}

// IdentifierLabel is the organization's identifier with what it is, for pages and
// notices ("Mã số thuế 0101234567"); "" when it records none.
func (o Organization) IdentifierLabel() string {
	switch {
	case o.TaxCode != "":
		return "Mã số thuế " + o.TaxCode
	case o.Identifier != "":
		return "Mã định danh " + o.Identifier
	}
	return ""
}

// Number is the organization's tax code, or its identifier.
func (o Organization) Number() string {
	if o.TaxCode != "" {
		return o.TaxCode
	}
	return o.Identifier
}

// DossierView reads a dossier with its history, documents, files and control sheet.
func (s *Store) DossierView(ctx context.Context, code motcua.DossierCode) (DossierView, error) {
	var v DossierView
	var holderCode, holderName, holderPath, step *string
	err := s.pool.QueryRow(ctx, `SELECT d.id, d.code, d.applicant_id, a.name, d.procedure_code, p.name, d.procedure_version,
			d.online, d.status, ru.path, hu.code, hu.name, hu.path, d.current_step, d.form_data, d.submitted_at, d.received_at,
			d.due_at, (SELECT min(t.inbox_due) FROM tasks t WHERE t.dossier_id = d.id AND t.state = 'open'),
			d.due_original, d.finished_at, d.apology_given, d.supplement_count, d.channel,
			coalesce(o.id, 0), coalesce(o.name, ''), coalesce(o.tax_code, ''), coalesce(o.org_identifier, '')
		FROM dossiers d
		JOIN users a ON a.id = d.applicant_id
		LEFT JOIN users o ON o.id = d.organization_id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		JOIN units ru ON ru.id = d.unit_id
		LEFT JOIN units hu ON hu.id = d.holder_unit_id
		WHERE d.code = $1`, code).
		Scan(&v.ID, &v.Code, &v.ApplicantID, &v.ApplicantName, &v.ProcedureCode, &v.ProcedureName, &v.ProcedureVersion,
			&v.Online, &v.Status, &v.UnitPath, &holderCode, &holderName, &holderPath, &step, &v.FormData, &v.SubmittedAt,
			&v.ReceivedAt, &v.DueAt, &v.WorkDue, &v.DueOriginal, &v.FinishedAt, &v.ApologyGiven, &v.SupplementCount, &v.Channel,
			&v.Organization.ID, &v.Organization.Name, &v.Organization.TaxCode, &v.Organization.Identifier)
	if err != nil {
		return DossierView{}, notFound(err, "Không tìm thấy hồ sơ "+string(code)+".")
	}
	v.HolderUnitCode, v.HolderUnitName, v.HolderUnitPath, v.Step = str(holderCode), str(holderName), str(holderPath), str(step)
	rows, err := s.pool.Query(ctx, `SELECT e.seq, e.action, e.status, coalesce(u.name, ''), coalesce(un.name, ''),
			coalesce(e.note, ''), e.data, e.at, coalesce(e.actor_id, 0), e.note_public, coalesce(h.name, '')
		FROM dossier_events e
		LEFT JOIN users h ON h.id = e.holder_id
		LEFT JOIN users u ON u.id = e.actor_id
		LEFT JOIN units un ON un.id = e.unit_id
		WHERE e.dossier_id = $1 ORDER BY e.seq`, v.ID)
	if err != nil {
		return DossierView{}, fmt.Errorf("history of %s: %w", code, err)
	}
	if v.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Event]); err != nil {
		return DossierView{}, fmt.Errorf("history of %s: %w", code, err)
	}
	if v.Documents, err = s.Documents(ctx, v.ID); err != nil {
		return DossierView{}, err
	}
	if v.Files, err = s.Files(ctx, v.ID); err != nil {
		return DossierView{}, err
	}
	if v.Handovers, err = s.Handovers(ctx, v.ID); err != nil {
		return DossierView{}, err
	}
	rows, err = s.pool.Query(ctx, `SELECT un.code, un.path FROM tasks t JOIN units un ON un.id = t.unit_id
		WHERE t.dossier_id = $1 AND t.state = 'open' AND t.step = $2 ORDER BY un.code`, v.ID, motcua.ConsultationStep(v.Step))
	if err != nil {
		return DossierView{}, fmt.Errorf("consultations of %s: %w", code, err)
	}
	if v.Consulting, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (motcua.Unit, error) {
		var u motcua.Unit
		return u, r.Scan(&u.Code, &u.Path)
	}); err != nil {
		return DossierView{}, fmt.Errorf("consultations of %s: %w", code, err)
	}
	if v.ExternalConsultations, err = s.ExternalConsultations(ctx, code); err != nil {
		return DossierView{}, fmt.Errorf("external consultations of %s: %w", code, err)
	}
	for _, c := range v.ExternalConsultations {
		if c.Step == v.Step && c.AnsweredAt.IsZero() {
			v.AwaitingAgencies = append(v.AwaitingAgencies, c.OrganID)
		}
	}
	return v, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Handovers returns the dossier's process control sheet.
func (s *Store) Handovers(ctx context.Context, dossierID int64) ([]HandoverRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT h.seq, h.step, coalesce(fu.name, ''), tu.name, h.handed_at, h.budget_minutes,
			h.due_at, h.finished_at, coalesce(h.outcome, '')
		FROM handovers h
		LEFT JOIN units fu ON fu.id = h.from_unit_id
		JOIN units tu ON tu.id = h.to_unit_id
		WHERE h.dossier_id = $1 ORDER BY h.seq`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("control sheet of dossier %d: %w", dossierID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[HandoverRow])
}

// DossierSummary is a dossier in a list.
type DossierSummary struct {
	Code          motcua.DossierCode `json:"code"`
	ProcedureCode string             `json:"procedureCode"`
	ProcedureName string             `json:"procedureName"`
	Status        motcua.Status      `json:"status"`
	SubmittedAt   time.Time          `json:"submittedAt"`
	ReceivedAt    *time.Time         `json:"receivedAt,omitempty"`
	DueAt         *time.Time         `json:"dueAt,omitempty"`
	FinishedAt    *time.Time         `json:"finishedAt,omitempty"`
	HolderUnit    string             `json:"holderUnit,omitempty"`
}

// DossiersOfApplicant lists, newest first, the dossiers a person follows as their
// applicant: those they filed for themself (applicantID), and those filed for the
// organization organizationID (0: none) by anyone: its account or any of its
// representatives (motcua.Actor.ActsFor).
func (s *Store) DossiersOfApplicant(ctx context.Context, applicantID, organizationID int64, limit int) ([]DossierSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.code, d.procedure_code, p.name, d.status, d.submitted_at, d.received_at,
			d.due_at, d.finished_at, coalesce(hu.name, '')
		FROM dossiers d
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		LEFT JOIN units hu ON hu.id = d.holder_unit_id
		WHERE (d.applicant_id = $1 AND d.organization_id IS NULL) OR d.organization_id = $3
		ORDER BY d.submitted_at DESC, d.id DESC LIMIT $2`, applicantID, limit, organizationID)
	if err != nil {
		return nil, fmt.Errorf("dossiers of %d: %w", applicantID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DossierSummary])
}

// UnitReached reports whether a dossier was handed to, or asked of (a task), the unit at
// unitPath or one below it.
func (s *Store) UnitReached(ctx context.Context, dossierID int64, unitPath string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM handovers h JOIN units u ON u.id = h.to_unit_id
			WHERE h.dossier_id = $1 AND u.path LIKE $2 || '%')
		OR EXISTS (SELECT 1 FROM tasks t JOIN units u ON u.id = t.unit_id
			WHERE t.dossier_id = $1 AND u.path LIKE $2 || '%')`, dossierID, unitPath).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("units reached by dossier %d: %w", dossierID, err)
	}
	return ok, nil
}

// DossierAccess is what deciding who may read a dossier needs, and nothing more.
type DossierAccess struct {
	ID             int64
	Code           motcua.DossierCode
	ApplicantID    int64
	OrganizationID int64 // the organization it was filed for, 0 for none
	Procedure      string
	Version        int // of the procedure
	Status         motcua.Status
	UnitPath       string // receiving unit
	HolderUnitPath string // "" before the dossier is handed to a unit
}

// DossierAccess reads a dossier's applicant and units: one row, for the access check of
// a decision taken from a page.
func (s *Store) DossierAccess(ctx context.Context, code motcua.DossierCode) (DossierAccess, error) {
	var a DossierAccess
	var holderPath *string
	err := s.pool.QueryRow(ctx, `SELECT d.id, d.code, d.applicant_id, coalesce(d.organization_id, 0), d.procedure_code, d.procedure_version,
			d.status, ru.path, hu.path
		FROM dossiers d
		JOIN units ru ON ru.id = d.unit_id
		LEFT JOIN units hu ON hu.id = d.holder_unit_id
		WHERE d.code = $1`, code).Scan(&a.ID, &a.Code, &a.ApplicantID, &a.OrganizationID, &a.Procedure, &a.Version, &a.Status,
		&a.UnitPath, &holderPath)
	if err != nil {
		return DossierAccess{}, notFound(err, "Không tìm thấy hồ sơ "+string(code)+".")
	}
	a.HolderUnitPath = str(holderPath)
	return a, nil
}
