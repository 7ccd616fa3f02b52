package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"motcua"
	"motcua/internal/store"
)

// sampleDossiers loads the sample procedure IX.01 (in force a month before at) and
// records n of its dossiers, submitted online by congdan1 to VP at at.
func sampleDossiers(t *testing.T, s *store.Store, at time.Time, n int) []motcua.DossierCode {
	t.Helper()
	ctx := context.Background()
	if err := s.SyncProcedures(ctx, []store.ProcedureRecord{{Code: "IX.01", Version: 1, Name: "Thủ tục mẫu", Domain: "Mẫu",
		Definition: json.RawMessage(`{}`), EffectiveFrom: at.AddDate(0, -1, 0)}}); err != nil {
		t.Fatal(err)
	}
	var applicant int64
	if err := s.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'congdan1'`).Scan(&applicant); err != nil {
		t.Fatal(err)
	}
	vp, err := s.UnitByCode(ctx, "VP")
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]motcua.DossierCode, n)
	for i := range codes {
		err := s.Tx(ctx, func(tx pgx.Tx) (err error) {
			if codes[i], err = store.NextDossierCode(ctx, tx, vp.Agency, at); err != nil {
				return err
			}
			return store.CreateSubmission(ctx, tx, store.Submission{Code: codes[i], ApplicantID: applicant, UnitCode: "VP",
				ProcedureCode: "IX.01", ProcedureVersion: 1, Online: true, FormData: json.RawMessage(`{}`), SubmittedAt: at})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordSubmission(ctx, codes[i]); err != nil {
			t.Fatal(err)
		}
	}
	return codes
}
