package deploytest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

const root = "../.."

// deploymentEnv is what an operator sets before `docker compose up`: every secret, the
// host name, the directory of the certificates.
var deploymentEnv = map[string]string{
	"POSTGRES_PASSWORD":              "pg-secret",
	"MOTCUA_PAYLOAD_KEYS":            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	"MOTCUA_SIGNER_TOKEN":            "signer-token",
	"MOTCUA_SEAL_PIN":                "seal-pin",
	"OIDC_ISSUER":                    "https://sso.example.gov.vn",
	"OIDC_CLIENT_SECRET":             "oidc-secret",
	"TEMPORAL_UI_OIDC_CLIENT_ID":     "temporal-ui",
	"TEMPORAL_UI_OIDC_CLIENT_SECRET": "ui-secret",
	"MOTCUA_HOST":                    "motcua.example.gov.vn",
	"MOTCUA_TLS_DIR":                 "/etc/motcua/tls",
	"PORTAL_URL":                     "https://portal.example.gov.vn/api",
	"PORTAL_TOKEN":                   "portal-token",
}

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadComposeWith(deploymentEnv)
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func loadComposeWith(env map[string]string) (*types.Project, error) {
	var vars []string
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithName("motcua"), cli.WithResolvedPaths(true), cli.WithEnv(vars))
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

// section returns the README text under the heading "## title", up to the next "## ".
func section(t *testing.T, title string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n## "+title+"\n")
	if !ok {
		t.Fatalf("README has no section %q", title)
	}
	body, _, _ := strings.Cut(rest, "\n## ")
	return body
}

// tableRows returns the cells of each row of the first Markdown table in text.
func tableRows(text string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) > 0 {
		rows = rows[1:] // header
	}
	return rows
}

var backticked = regexp.MustCompile("`([^`]+)`")

func TestComposeHasEveryServiceAndPortTheREADMENames(t *testing.T) {
	p := loadCompose(t)
	rows := tableRows(section(t, "Production topology"))
	if len(rows) < 8 {
		t.Fatalf("README topology table has %d rows", len(rows))
	}
	for _, r := range rows {
		name := strings.Trim(r[0], "`")
		svc, err := p.GetService(name)
		if err != nil {
			t.Errorf("README names service %q, compose lacks it", name)
			continue
		}
		if r[1] == "" {
			continue
		}
		found := false
		for _, port := range svc.Ports {
			if port.Published == r[1] || strings.HasPrefix(port.Published, r[1]+"-") {
				found = true
			}
		}
		if !found {
			t.Errorf("service %s does not publish port %s", name, r[1])
		}
	}
	for _, name := range []string{"api", "worker"} {
		svc, _ := p.GetService(name)
		if svc.Deploy == nil || svc.Deploy.Replicas == nil || *svc.Deploy.Replicas != 2 {
			t.Errorf("%s should run 2 replicas", name)
		}
	}
}

func TestComposeSetsEveryVariableTheREADMEMarksAndNoOther(t *testing.T) {
	p := loadCompose(t)
	documented := map[string]bool{}
	for _, r := range tableRows(section(t, "Configuration")) {
		m := backticked.FindStringSubmatch(r[0])
		if m == nil {
			continue
		}
		v := m[1]
		documented[v] = true
		if r[4] != "yes" {
			continue
		}
		users := strings.Split(r[3], ",")
		seen := false
		for _, u := range users {
			u = strings.TrimSpace(u)
			if u == "all" {
				u = "api"
			}
			if svc, err := p.GetService(u); err == nil {
				if _, ok := svc.Environment[v]; ok {
					seen = true
				}
			}
		}
		if !seen {
			t.Errorf("README marks %s as set in compose for %s, but no such service sets it", v, r[3])
		}
	}
	for _, name := range []string{"api", "worker", "signer", "migrate"} {
		svc, err := p.GetService(name)
		if err != nil {
			t.Fatalf("compose lacks %s", name)
		}
		for v := range svc.Environment {
			if !documented[v] {
				t.Errorf("compose sets %s for %s, README does not document it", v, name)
			}
		}
	}
}

func TestDockerfileBuildsTheOneBinary(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GOTOOLCHAIN=local", "-tags slim", "./cmd/motcua", `ENTRYPOINT ["/motcua"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	gomod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if goLine == nil || !strings.Contains(string(b), "golang:"+string(goLine[1])) {
		t.Errorf("the Dockerfile's Go image must match go.mod's go %s", goLine[1])
	}
}
