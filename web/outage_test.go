package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"motcua"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// actions lists a dossier's recorded actions, oldest first.
func actions(t *testing.T, s *stacktest.Stack, code motcua.DossierCode) []string {
	t.Helper()
	rows, err := s.Store.Pool().Query(context.Background(), `SELECT e.action FROM dossier_events e
		JOIN dossiers d ON d.id = e.dossier_id WHERE d.code = $1 ORDER BY e.seq`, code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// TestADecisionWhoseOutcomeIsUnknownSaysSo is the frozen process of issue 11: the
// clerk's decision is sent while no worker runs, so its answer does not come within
// the update timeout. The API answers 504 `unknown_outcome` and the page says the
// decision may have been carried out, with a link to reload the dossier (not 500
// "unexpected error"). Once a worker is back, each decision is carried out exactly
// once, and the same request sent again gets its outcome without a second receipt.
func TestADecisionWhoseOutcomeIsUnknownSaysSo(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{UpdateTimeout: 2 * time.Second})
	p := procedure(t, s, "G09.CVTLT.02")
	citizen := s.Login("congdan1")
	viaAPI := stacktest.Submit(citizen, p).Code
	viaPage := stacktest.Submit(citizen, p).Code
	clerk := s.Login("canbo1")
	page := pageLogin(t, s.URL, "canbo1")
	receivedBefore := count(actions(t, s, viaAPI), "receive")

	s.StopWorker()
	decision := map[string]any{"action": "receive", "requestId": "outage-receive-1"}
	r := clerk.Request("POST", "/api/v1/dossiers/"+string(viaAPI)+"/actions", decision, nil)
	if pr := r.Problem(); r.Status != 504 || pr.Code != motcua.EUNKNOWNOUTCOME || !strings.Contains(pr.Title, "có thể đã được thực hiện") {
		t.Fatalf("API decision without a worker: %d %s", r.Status, r.Body)
	}
	f := page.post("/can-bo/ho-so/"+string(viaPage)+"/xu-ly", url.Values{"action": {"receive"}, "requestId": {"page-outage-1"}})
	if f.Status != 504 || !strings.Contains(f.Body, "có thể đã được thực hiện") || strings.Contains(f.Body, "ngoài dự kiến") {
		t.Fatalf("page decision without a worker: %d\n%s", f.Status, f.Body)
	}
	reload := find(f.Doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/can-bo/ho-so/"+string(viaPage) })
	if len(reload) != 1 {
		t.Errorf("the page has no link to reload the dossier")
	}

	s.StartWorker()
	for _, code := range []motcua.DossierCode{viaAPI, viaPage} {
		deadline := time.Now().Add(60 * time.Second)
		for count(actions(t, s, code), "receive") == receivedBefore {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the decision was never carried out: %v", code, actions(t, s, code))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if st := s.State(code).Status; st != motcua.StatusInReview {
			t.Errorf("%s: %s after the worker came back", code, st)
		}
	}
	// The clerk looks again and sends the same request: its outcome, not a second one.
	clerk.MustDo(200, "POST", "/api/v1/dossiers/"+string(viaAPI)+"/actions", decision, nil)
	for _, code := range []motcua.DossierCode{viaAPI, viaPage} {
		if n := count(actions(t, s, code), "receive"); n != receivedBefore+1 {
			t.Errorf("%s: received %d times: %v", code, n-receivedBefore, actions(t, s, code))
		}
	}
}

// TestPagesAnswer503WhilePostgreSQLIsDown: with the database closed to connections and
// its sessions ended (what a PostgreSQL restart does), a page answers 503 with
// Retry-After and a Vietnamese page saying the service is briefly interrupted, not 500
// "unexpected error"; once the database is back, the same page answers again.
func TestPagesAnswer503WhilePostgreSQLIsDown(t *testing.T) {
	base, _, st := pagesWithoutTemporal(t)
	admin := pageLogin(t, base, "admin")
	var name string
	if err := st.Pool().QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	pg, err := pgx.Connect(context.Background(), storetest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(context.Background())
	exec := func(q string) {
		t.Helper()
		if _, err := pg.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS false`)
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + name + `' AND pid <> pg_backend_pid()`)
	down := admin.get("/quan-tri")
	exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`)
	if down.Status != 503 || down.Header.Get("Retry-After") == "" || !strings.Contains(down.Body, "tạm thời gián đoạn") ||
		strings.Contains(down.Body, "ngoài dự kiến") {
		t.Fatalf("a page while PostgreSQL is down: %d Retry-After %q\n%s", down.Status, down.Header.Get("Retry-After"), down.Body)
	}
	if strings.Contains(down.Body, name) || strings.Contains(down.Body, "SQLSTATE") {
		t.Errorf("the page shows the database's error")
	}
	if up := admin.get("/quan-tri"); up.Status != 200 {
		t.Errorf("after PostgreSQL is back: %d", up.Status)
	}
}

// TestAdministrationChecksTheAuditChain: the administration page runs the audit log's
// check on demand: intact, it says how many rows; after a row is changed behind the
// application's back, it names that row.
func TestAdministrationChecksTheAuditChain(t *testing.T) {
	base, _, st := pagesWithoutTemporal(t)
	admin := pageLogin(t, base, "admin")
	ctx := context.Background()
	for i := range 3 {
		if err := st.Tx(ctx, func(tx pgx.Tx) error {
			return store.Audit(ctx, tx, store.AuditEntry{Action: "unit.create", ObjectType: "unit", ObjectID: fmt.Sprintf("P%d", i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if p := admin.get("/quan-tri"); p.Status != 200 || !strings.Contains(p.Body, "Kiểm tra chuỗi nhật ký") || strings.Contains(p.Body, "nguyên vẹn") {
		t.Fatalf("admin index without a check: %d", p.Status)
	}
	intact := admin.get("/quan-tri?kiem-tra-nhat-ky=1")
	if intact.Status != 200 || !strings.Contains(intact.Body, "Chuỗi nhật ký nguyên vẹn") {
		t.Fatalf("intact chain: %d", intact.Status)
	}
	var second int64
	if err := st.Pool().QueryRow(ctx, "SELECT id FROM audit_log ORDER BY id OFFSET 1 LIMIT 1").Scan(&second); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE audit_log SET action = 'unit.delete' WHERE id = $1`, second); err != nil {
		t.Fatal(err)
	}
	broken := admin.get("/quan-tri?kiem-tra-nhat-ky=1")
	if broken.Status != 200 || !strings.Contains(broken.Body, fmt.Sprintf("Chuỗi nhật ký bị đứt tại dòng số %d", second)) {
		t.Fatalf("tampered chain: %d\n%s", broken.Status, broken.Body)
	}
}
