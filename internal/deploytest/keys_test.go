package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// keyHolder is the only package that loads the leaders' and seals' private keys. It
// belongs in the signer process alone; `motcua run` may start it in-process, but the
// API, the worker and what they link must not.
const keyHolder = "motcua/internal/signing/service"

// The roles that face users and run workflows never link the key-holding service, so
// a compromise of the API or the worker cannot read a signing key from memory or disk.
func TestAPIAndWorkerDoNotLinkTheKeyHoldingSignatureService(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			t.Skip("the go command is not available")
		}
	}
	pkgs := []string{"motcua/worker", "motcua/api", "motcua/web", "motcua/dossiers", "motcua/activities", "motcua/workflows"}
	cmd := exec.Command(gobin, append([]string{"list", "-deps"}, pkgs...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -deps: %v\n%s", err, stderr)
	}
	deps := strings.Fields(string(out))
	// The list must be the real one: each named package and the standard library.
	for _, want := range append(pkgs, "net/http") {
		if !slices.Contains(deps, want) {
			t.Fatalf("go list -deps lacks %s, so its output cannot be trusted:\n%s", want, out)
		}
	}
	for _, d := range deps {
		if d == keyHolder || strings.HasPrefix(d, keyHolder+"/") {
			t.Errorf("%s is linked by one of %v; only the signer process may load signing keys (use the client in motcua/internal/signing)", d, pkgs)
		}
	}
}
