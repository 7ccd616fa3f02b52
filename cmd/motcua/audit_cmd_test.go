package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestAuditVerifyNamesTheFirstBrokenRow: `motcua audit verify` exits 0 on an intact
// chain, 1 naming the first broken row once a row is changed behind the application's
// back, and 2 when the log cannot be read.
func TestAuditVerifyNamesTheFirstBrokenRow(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDatabase(t)
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if err := st.Tx(ctx, func(tx pgx.Tx) error {
			return store.Audit(ctx, tx, store.AuditEntry{Action: "dossier.receive", ObjectType: "dossier",
				ObjectID: fmt.Sprintf("000.00.01.G09-261206-000%d", i), Detail: map[string]any{"i": i}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(url string) (int, string, string) {
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"motcua", "audit", "verify"}, func(k string) string {
			return map[string]string{"DATABASE_URL": url}[k]
		}, strings.NewReader(""), &out, &errOut)
		code := exitCode(err, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, out, errOut := verify(db); code != 0 || out != "audit chain intact: 4 rows\n" {
		t.Fatalf("intact chain: exit %d, %q %q", code, out, errOut)
	}
	var third int64
	if err := st.Pool().QueryRow(ctx, "SELECT id FROM audit_log ORDER BY id OFFSET 2 LIMIT 1").Scan(&third); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE audit_log SET object_id = 'đã sửa' WHERE id = $1`, third); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := verify(db)
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("broken at row %d ", third)) || !strings.Contains(errOut, "dossier.receive") {
		t.Fatalf("tampered chain: exit %d, %q", code, errOut)
	}
	if code, _, errOut := verify(fmt.Sprintf("postgres://nobody@127.0.0.1:%d/x?connect_timeout=2", freePort(t))); code != 2 ||
		!strings.Contains(errOut, "cannot read the audit log") {
		t.Fatalf("unreachable database: exit %d, %q", code, errOut)
	}
}
