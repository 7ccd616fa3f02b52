package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const corpus = "../../internal/pades/testdata/attacks"

func TestVerifyCommandExitStatus(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage.pdf")
	if err := os.WriteFile(garbage, []byte("not a pdf at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	roots := filepath.Join(corpus, "ca.pem")
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"valid", []string{"-roots", roots, filepath.Join(corpus, "valid_leader_number_seal.pdf")}, 0, "VALID"},
		{"valid with allowed fields", []string{"-roots", roots, "-fields", "motcua.number,motcua.date", filepath.Join(corpus, "valid_leader_number_seal.pdf")}, 0, "form_filled"},
		{"untrusted without the CA", []string{filepath.Join(corpus, "valid_leader_number_seal.pdf")}, 1, "certificate_untrusted"},
		{"incremental saving attack", []string{"-roots", roots, filepath.Join(corpus, "isa_content_stream_replaced.pdf")}, 1, "content_modified"},
		{"signature wrapping, json", []string{"-roots", roots, "-json", filepath.Join(corpus, "swa_content_in_gap.pdf")}, 1, `"byte_range_gap_mismatch"`},
		{"not a pdf", []string{garbage}, 2, ""},
		{"missing file", []string{"nope.pdf"}, 2, ""},
		{"no file", nil, 2, ""},
		{"bad flag", []string{"-nope", "x.pdf"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, out, _ := cliEnv()
			err := verifyCmd(context.Background(), tc.args, env)
			if got := exitStatus(err); got != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s", got, err, tc.code, out)
			}
			if !strings.Contains(out.String(), tc.out) {
				t.Errorf("output lacks %q:\n%s", tc.out, out)
			}
		})
	}
}
