package web_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/store"
)

// TestAdministratorSeesRefusedPortalChangesAndSendsThemAgain: the development portal
// refuses a dossier's status change; the drainer parks it; the administration shows
// it with the portal's reason and the change waiting behind it, a clerk may not see
// it, and "Gửi lại" sends both once the portal accepts them.
func TestAdministratorSeesRefusedPortalChangesAndSendsThemAgain(t *testing.T) {
	base, count, st := pagesWithoutTemporal(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	if err := st.SyncProcedures(ctx, []store.ProcedureRecord{{Code: "IX.01", Version: 1, Name: "Thủ tục mẫu", Domain: "Mẫu",
		Definition: json.RawMessage(`{}`), EffectiveFrom: at.AddDate(0, -1, 0)}}); err != nil {
		t.Fatal(err)
	}
	applicant := int64(count(`SELECT id FROM users WHERE username = 'congdan1'`))
	var code motcua.DossierCode
	err := st.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if code, err = store.NextDossierCode(ctx, tx, "000.00.00.G09", at); err != nil {
			return err
		}
		return store.CreateSubmission(ctx, tx, store.Submission{Code: code, ApplicantID: applicant, UnitCode: "VP",
			ProcedureCode: "IX.01", ProcedureVersion: 1, Online: true, FormData: json.RawMessage(`{}`), SubmittedAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordSubmission(ctx, code); err != nil {
		t.Fatal(err)
	}
	for i, s := range []motcua.Status{motcua.StatusReceived, motcua.StatusInReview} {
		if _, err := st.RecordTransition(ctx, motcua.Transition{Code: code, Seq: i + 1, At: at, Action: "act", Status: s, UnitCode: "VP"}); err != nil {
			t.Fatal(err)
		}
	}
	dev, err := portal.NewDevServer(portal.DevOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dev.Handler())
	t.Cleanup(srv.Close)
	client, _ := portal.NewClient(portal.ClientOptions{URL: srv.URL, Timeout: 2 * time.Second})
	sync, _ := portal.NewSyncer(portal.SyncOptions{Outbox: st, Portal: client, Now: func() time.Time { return at }})
	const reason = "Mã thủ tục IX.01 chưa được công bố trên Cơ sở dữ liệu quốc gia về TTHC."
	if err := dev.SetControl(portal.Control{Mode: portal.ModeRefuse, Reason: reason}); err != nil {
		t.Fatal(err)
	}
	if _, err := sync.Pass(ctx); err != nil {
		t.Fatal(err)
	}

	admin := pageLogin(t, base, "admin")
	if p := admin.get("/quan-tri"); p.Status != 200 || !strings.Contains(p.Body, "1 thay đổi trạng thái bị Cổng từ chối") {
		t.Fatalf("admin index: %d", p.Status)
	}
	list := admin.get("/quan-tri/dong-bo-cong-dvc")
	if list.Status != 200 || !strings.Contains(list.Body, string(code)) || !strings.Contains(list.Body, reason) ||
		!strings.Contains(list.Body, "Bước 1: Đã tiếp nhận") || !strings.Contains(list.Body, "1 thay đổi sau") {
		t.Fatalf("parked list: %d\n%s", list.Status, list.Body)
	}
	if p := pageLogin(t, base, "canbo1").get("/quan-tri/dong-bo-cong-dvc"); p.Status != 403 {
		t.Fatalf("a clerk reads the parked list: %d", p.Status)
	}
	forms := find(list.Doc, func(n *html.Node) bool {
		return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/gui-lai")
	})
	if len(forms) != 1 {
		t.Fatalf("%d retry forms, want 1", len(forms))
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeOK}); err != nil {
		t.Fatal(err)
	}
	resent := admin.post(attr(forms[0], "action"), nil)
	if resent.Status != 200 || !strings.Contains(resent.Body, "Không có thay đổi nào bị Cổng từ chối") ||
		!strings.Contains(resent.Body, "Đã đưa thay đổi vào hàng gửi lại") {
		t.Fatalf("after the retry: %d\n%s", resent.Status, resent.Body)
	}
	if again := admin.post(attr(forms[0], "action"), nil); again.Status != 404 {
		t.Fatalf("retry twice: %d", again.Status)
	}
	for range 2 {
		if _, err := sync.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}
	d, ok := dev.Dossier(string(code))
	if !ok || len(d.Steps) != 2 {
		t.Fatalf("the portal holds %+v after the retry", d)
	}
	if n := count(`SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'portal.retry' AND u.username = 'admin'`); n != 1 {
		t.Fatalf("%d audit records of the retry", n)
	}
}
