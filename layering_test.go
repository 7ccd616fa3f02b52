package motcua_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The direction of imports DESIGN.md agrees on, checked on the real module: the HTTP
// faces (api, web) reach PostgreSQL and Temporal only through the services; nothing but
// the composition code imports them; internal packages import neither them nor the
// workflows.

const module = "motcua"

// engineImports are the packages api and web must not import: they call services.
var engineImports = []string{
	"github.com/jackc/pgx",      // PostgreSQL: internal/store
	"go.temporal.io/sdk/client", // Temporal: the services' engine adapters
	"go.temporal.io/api/",       // Temporal's API types and enums
	module + "/workflows",       // the engine's code: decisions are the domain's names
}

// composition are the packages that wire the system together and so may import api
// and web.
var composition = []string{
	module + "/cmd/motcua",
	// The test harness runs the production handler over a real Temporal test server
	// and PostgreSQL; it builds it through internal/app, as cmd/motcua does.
	module + "/internal/stacktest",
	// The composition root: builds the whole system from a config, once.
	module + "/internal/app",
}

// internalExempt are the internal packages that may import api, web or workflows, and
// why.
var internalExempt = map[string]string{
	// It starts a worker with the real workflows and serves the real handler: it is a
	// harness of the whole system, so it must see all of it.
	module + "/internal/stacktest": "test harness of the whole system",
	// The composition root.
	module + "/internal/app": "composition root",
}

// pkgImports is one package with its direct imports (go list's .Imports, tests excluded).
type pkgImports struct {
	Path    string
	Imports []string
}

func within(pkg, path string) bool {
	return pkg == path || strings.HasPrefix(pkg, path+"/")
}

// layeringViolations lists every import that breaks the rules.
func layeringViolations(pkgs []pkgImports) []string {
	var out []string
	faces := []string{module + "/api", module + "/web"}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			for _, face := range faces {
				if within(p.Path, face) {
					for _, e := range engineImports {
						if strings.HasPrefix(imp, e) {
							out = append(out, p.Path+" imports "+imp+": the HTTP faces reach PostgreSQL and Temporal only through the services")
						}
					}
				}
				if within(imp, face) && !within(p.Path, face) && !slices.Contains(composition, p.Path) {
					out = append(out, p.Path+" imports "+imp+": only the composition code may import api and web")
				}
			}
			if within(p.Path, module+"/internal") && internalExempt[p.Path] == "" {
				for _, banned := range []string{module + "/api", module + "/web", module + "/workflows"} {
					if within(imp, banned) {
						out = append(out, p.Path+" imports "+imp+": internal packages import neither api, web nor workflows")
					}
				}
			}
		}
	}
	out = append(out, workerViolations(pkgs)...)
	return append(out, pureViolations(pkgs)...)
}

// workerSide are the packages whose code runs in the worker's slots; outside are the
// partners they must not call: the payment platform and the population database are
// asked only from API and page requests, under their adapters' timeouts, so a hung
// partner never holds a worker slot (issue 14, point 6).
var (
	workerSide = []string{module + "/activities", module + "/workflows", module + "/worker"}
	outside    = []string{module + "/internal/payment", module + "/internal/population"}
)

func workerViolations(pkgs []pkgImports) []string {
	var out []string
	for _, p := range pkgs {
		if !slices.ContainsFunc(workerSide, func(w string) bool { return within(p.Path, w) }) {
			continue
		}
		for _, imp := range p.Imports {
			for _, o := range outside {
				if within(imp, o) {
					out = append(out, p.Path+" imports "+imp+": the worker never calls the payment platform or the population database")
				}
			}
		}
	}
	return out
}

// pure are the packages that compute without I/O, and what they may import besides the
// standard library and the domain: the reports' formulas are tested on plain inputs and
// must not reach PostgreSQL or Temporal.
var pure = map[string][]string{
	module + "/reports": {"github.com/xuri/excelize/v2"}, // the workbook is written to memory
}

func pureViolations(pkgs []pkgImports) []string {
	var out []string
	for _, p := range pkgs {
		allowed, ok := pure[p.Path]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !within(imp, module)
			if std || imp == module || slices.Contains(allowed, imp) {
				continue
			}
			out = append(out, p.Path+" imports "+imp+": it computes on plain inputs, without I/O")
		}
	}
	return out
}

// TestLayeringRulesBite shows each rule catches what it is for, and lets the rest be.
func TestLayeringRulesBite(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkgs []pkgImports
		want int
	}{
		{"api imports pgx", []pkgImports{{"motcua/api", []string{"github.com/jackc/pgx/v5"}}}, 1},
		{"web imports the Temporal client", []pkgImports{{"motcua/web", []string{"go.temporal.io/sdk/client"}}}, 1},
		{"web imports the workflows", []pkgImports{{"motcua/web", []string{"motcua/workflows"}}}, 1},
		{"api imports Temporal's enums", []pkgImports{{"motcua/api", []string{"go.temporal.io/api/enums/v1"}}}, 1},
		{"a subpackage of web imports pgxpool", []pkgImports{{"motcua/web/admin", []string{"github.com/jackc/pgx/v5/pgxpool"}}}, 1},
		{"the services import pgx and Temporal", []pkgImports{{"motcua/dossiers", []string{"go.temporal.io/sdk/client", "motcua/internal/store"}},
			{"motcua/internal/store", []string{"github.com/jackc/pgx/v5"}}}, 0},
		{"a service imports web", []pkgImports{{"motcua/dossiers", []string{"motcua/web"}}}, 1},
		{"web imports api", []pkgImports{{"motcua/web", []string{"motcua/api"}}}, 1},
		{"the worker imports api", []pkgImports{{"motcua/worker", []string{"motcua/api"}}}, 1},
		{"the composition imports both", []pkgImports{{"motcua/cmd/motcua", []string{"motcua/api", "motcua/web"}},
			{"motcua/internal/app", []string{"motcua/api", "motcua/web", "motcua/workflows"}}}, 0},
		{"internal imports workflows", []pkgImports{{"motcua/internal/render", []string{"motcua/workflows"}}}, 1},
		{"internal imports api", []pkgImports{{"motcua/internal/httpx", []string{"motcua/api"}}}, 2},
		{"the exempt harness", []pkgImports{{"motcua/internal/stacktest", []string{"motcua/api", "motcua/web", "motcua/workflows"}}}, 0},
		{"the reports import the store", []pkgImports{{"motcua/reports", []string{"motcua/internal/store", "github.com/jackc/pgx/v5"}}}, 2},
		{"the reports import the domain and excelize", []pkgImports{{"motcua/reports", []string{"motcua", "time", "github.com/xuri/excelize/v2"}}}, 0},
		{"an activity asks the payment platform", []pkgImports{{"motcua/activities", []string{"motcua/internal/payment"}}}, 1},
		{"the worker asks the population database", []pkgImports{{"motcua/worker", []string{"motcua/internal/population"}}}, 1},
		{"the services ask both", []pkgImports{{"motcua/dossiers", []string{"motcua/internal/payment", "motcua/internal/population"}}}, 0},
		{"a name that only starts like api", []pkgImports{{"motcua/worker", []string{"motcua/apidocs", "motcua/webhooks"}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := layeringViolations(tc.pkgs); len(got) != tc.want {
				t.Errorf("%d violations, want %d: %q", len(got), tc.want, got)
			}
		})
	}
}

// TestPackagesImportInTheAgreedDirection runs the rules over the module's real imports.
func TestPackagesImportInTheAgreedDirection(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			t.Skip("the go command is not available")
		}
	}
	cmd := exec.Command(gobin, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	var pkgs []pkgImports
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) > 0 {
			pkgs = append(pkgs, pkgImports{Path: f[0], Imports: f[1:]})
		}
	}
	// The list must be the real one: the faces, the service, and what they import.
	byPath := map[string][]string{}
	for _, p := range pkgs {
		byPath[p.Path] = p.Imports
	}
	for _, want := range []string{"motcua/api", "motcua/web", "motcua/dossiers", "motcua/internal/store"} {
		if _, ok := byPath[want]; !ok {
			t.Fatalf("go list does not list %s; its output cannot be trusted:\n%s", want, out)
		}
	}
	if !slices.Contains(byPath["motcua/internal/store"], "github.com/jackc/pgx/v5") {
		t.Fatalf("go list says internal/store does not import pgx; its output cannot be trusted")
	}
	for _, v := range layeringViolations(pkgs) {
		t.Error(v)
	}
}
