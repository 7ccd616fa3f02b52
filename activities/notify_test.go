package activities_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/testsuite"

	"motcua"
	"motcua/activities"
	"motcua/forms"
	"motcua/internal/mail"
	"motcua/internal/mail/mailtest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// dossierOf records a submitted dossier of username, as the API and the workflow's
// first activity do.
func dossierOf(t *testing.T, st *store.Store, username string) motcua.DossierCode {
	t.Helper()
	ctx := context.Background()
	cat, err := forms.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SyncCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	who, err := st.CheckPassword(ctx, username, store.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	var code motcua.DossierCode
	at := time.Now()
	err = st.Tx(ctx, func(tx pgx.Tx) error {
		if code, err = store.NextDossierCode(ctx, tx, "000.00.01.G09", at); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: who.UserID, UnitCode: "VP",
			ProcedureCode: p.Code, ProcedureVersion: p.Version, Online: true, FormData: json.RawMessage(`{}`), SubmittedAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordSubmission(ctx, code); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestNotifyEmailsOnceAndKeepsTheOutbox: with mail configured, a notification to a
// citizen with an address is recorded and e-mailed once, however often the activity
// runs; staff without an address get it on their pages only; an address the server
// refuses leaves it on the pages, unsent, without failing the workflow.
func TestNotifyEmailsOnceAndKeepsTheOutbox(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	box := mailtest.Start(t)
	sender, err := mail.New(mail.Config{Addr: box.Addr, From: "Bộ phận Một cửa <motcua@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{Store: st, Mail: sender}
	code := dossierOf(t, st, "congdan1")
	citizen, _ := st.CheckPassword(ctx, "congdan1", store.DemoPassword)
	clerk, _ := st.CheckPassword(ctx, "canbo1", store.DemoPassword)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	notify := func(in activities.NotifyInput) {
		t.Helper()
		if _, err := env.ExecuteActivity(acts.Notify, in); err != nil {
			t.Fatalf("notify %s: %v", in.Key, err)
		}
	}
	received := activities.NotifyInput{Key: "dossier/" + string(code) + "/receive/3", Code: code, RecipientID: citizen.UserID,
		Subject: "Hồ sơ " + string(code) + " đã được tiếp nhận", Body: "Ngày hẹn trả kết quả: 10/12/2026."}
	notify(received)
	notify(received) // a retried activity
	if got := box.Messages(); len(got) != 1 || got[0].To[0] != "congdan1@example.vn" {
		t.Fatalf("delivered %+v, want one message to congdan1@example.vn", got)
	}
	var channel string
	var sent bool
	if err := st.Pool().QueryRow(ctx, `SELECT channel, sent_at IS NOT NULL FROM notifications WHERE key = $1`,
		received.Key+"/"+itoa(citizen.UserID)).Scan(&channel, &sent); err != nil || channel != "email" || !sent {
		t.Errorf("the citizen's notification: %s sent=%v (%v)", channel, sent, err)
	}

	notify(activities.NotifyInput{Key: "dossier/" + string(code) + "/remind/4", Code: code, RecipientID: clerk.UserID,
		Subject: "Sắp đến hạn xử lý", Body: "Hồ sơ " + string(code) + "."})
	if got := box.Messages(); len(got) != 1 {
		t.Errorf("a clerk without an address was e-mailed: %d messages", len(got))
	}
	mine, err := st.DossierNotifications(ctx, mustDossierID(t, st, code), clerk.UserID)
	if err != nil || len(mine) != 1 || mine[0].Channel != "outbox" {
		t.Errorf("the clerk's pages show %+v (%v)", mine, err)
	}

	box.RejectRcpt = func(string) bool { return true }
	refused := activities.NotifyInput{Key: "dossier/" + string(code) + "/return/9", Code: code, RecipientID: citizen.UserID,
		Subject: "Trả kết quả", Body: "Kết quả đã sẵn sàng."}
	notify(refused)
	if err := st.Pool().QueryRow(ctx, `SELECT sent_at IS NOT NULL FROM notifications WHERE key = $1`,
		refused.Key+"/"+itoa(citizen.UserID)).Scan(&sent); err != nil || sent {
		t.Errorf("a refused address is marked sent (%v)", err)
	}
}

func mustDossierID(t *testing.T, st *store.Store, code motcua.DossierCode) int64 {
	t.Helper()
	d, err := st.DossierByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
