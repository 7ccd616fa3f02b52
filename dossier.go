package motcua

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// DossierCode is the dossier code (mã hồ sơ): {agency identifier}-{YYMMDD}-{NNNN}, where
// the agency identifier is the receiving agency's code (000.00.00.G09 for the Ministry of
// Home Affairs), YYMMDD the date of receipt in Vietnam time, and NNNN a sequence that
// restarts every day per agency (Circular 03/2025/TT-VPCP). The format lives here only.
type DossierCode string

var dossierCodeRE = regexp.MustCompile(`^([0-9A-Za-z.]{1,40})-([0-9]{6})-([0-9]{4,6})$`)

// NewDossierCode formats a dossier code. seq starts at 1 each day.
func NewDossierCode(agency string, receivedLocal time.Time, seq int) DossierCode {
	return DossierCode(fmt.Sprintf("%s-%s-%04d", agency, receivedLocal.Format("060102"), seq))
}

// ParseDossierCode checks a dossier code and returns its parts.
func ParseDossierCode(s string) (agency string, day time.Time, seq int, err error) {
	m := dossierCodeRE.FindStringSubmatch(s)
	if m == nil {
		return "", time.Time{}, 0, &Error{Code: EINVALID, Field: "code",
			Message: "Mã hồ sơ không đúng định dạng (ví dụ: 000.00.00.G09-251120-0001)."}
	}
	day, err = time.Parse("060102", m[2])
	if err != nil {
		return "", time.Time{}, 0, &Error{Code: EINVALID, Field: "code",
			Message: "Ngày trong mã hồ sơ không hợp lệ.", Err: err}
	}
	seq, _ = strconv.Atoi(m[3])
	return m[1], day, seq, nil
}

// WorkflowID is the Temporal workflow ID of the dossier's workflow.
func (c DossierCode) WorkflowID() string { return "dossier/" + string(c) }

// Dossier is an application (hồ sơ) for one procedure, as the records keep it. Form data
// and files live in PostgreSQL only; workflows carry the code, never personal data.
type Dossier struct {
	ID               int64
	Code             DossierCode
	ProcedureCode    string
	ProcedureVersion int
	ApplicantID      int64
	UnitID           int64 // the unit that holds it now
	Status           Status
	SubmittedAt      time.Time
	ReceivedAt       time.Time // zero until received
	DueAt            time.Time // zero until received
	FinishedAt       time.Time // zero until resolved
}
