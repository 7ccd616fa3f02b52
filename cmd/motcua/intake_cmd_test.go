package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestIntakeAddSystemPrintsASecretThatAuthenticatesOnlyThatSystem.
func TestIntakeAddSystemPrintsASecretThatAuthenticatesOnlyThatSystem(t *testing.T) {
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
	add := func(id string) (int, string, string) {
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"motcua", "intake", "add-system", "-id", id, "-name", "Cổng DVC quốc gia"}, func(k string) string {
			return map[string]string{"DATABASE_URL": db}[k]
		}, strings.NewReader(""), &out, &errOut)
		return exitCode(err, &errOut), out.String(), errOut.String()
	}
	code, out, errOut := add("dvcqg")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || len(lines[1]) < 40 {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
	if _, err := st.AuthenticateIntakeSystem(ctx, "dvcqg", lines[1]); err != nil {
		t.Errorf("the printed secret does not authenticate: %v", err)
	}
	if _, err := st.AuthenticateIntakeSystem(ctx, "dvcqg", lines[1]+"x"); motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
		t.Errorf("a wrong secret: %v", err)
	}
	var stored []byte
	if err := st.Pool().QueryRow(ctx, `SELECT secret_hash FROM intake_systems WHERE id = 'dvcqg'`).Scan(&stored); err != nil ||
		bytes.Contains(stored, []byte(lines[1])) {
		t.Errorf("the secret is stored in clear or not at all: %v", err)
	}
	if code, _, _ := add("dvcqg"); code == 0 {
		t.Error("the same system registered twice")
	}
}
