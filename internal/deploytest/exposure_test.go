package deploytest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"motcua/internal/httpx"
)

// secretish names the variables that hold secrets: a default for any of them is a
// known password in every deployment that forgot to set it.
var secretish = regexp.MustCompile(`(PASSWORD|PASSWD|PWD|TOKEN|PIN|SECRET|KEYS?)$`)

// interpolation is ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?msg}, ${NAME?msg}.
var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:?[-?])?`)

// TestComposeRefusesToStartWithADefaultSecret: every secret compose reads is required
// (${VAR:?message}); none falls back to a default ("motcua", "change-me", "123456"
// before issue 11) or to empty. Without any one of them compose does not start, and
// says which is missing.
func TestComposeRefusesToStartWithADefaultSecret(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{}
	for _, m := range interpolation.FindAllStringSubmatch(string(b), -1) {
		name, op := m[1], m[2]
		if op == ":?" {
			required[name] = true
		}
		if !secretish.MatchString(name) || name == "MOTCUA_SMTP_PASSWORD" {
			continue // SMTP without AUTH is a valid set-up: empty means none
		}
		if op != ":?" {
			t.Errorf("docker-compose.yml reads secret %s with %q: it must be ${%s:?message}", name, "${"+name+op, name)
		}
	}
	for _, v := range []string{"POSTGRES_PASSWORD", "MOTCUA_SIGNER_TOKEN", "MOTCUA_SEAL_PIN", "MOTCUA_PAYLOAD_KEYS",
		"OIDC_CLIENT_SECRET", "TEMPORAL_UI_OIDC_CLIENT_SECRET", "MOTCUA_TLS_DIR"} {
		if !required[v] {
			t.Errorf("docker-compose.yml does not require %s", v)
		}
	}
	for v := range required {
		env := map[string]string{}
		for k, val := range deploymentEnv {
			if k != v {
				env[k] = val
			}
		}
		if _, err := loadComposeWith(env); err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("without %s compose loads (or does not name it): %v", v, err)
		}
	}
}

// TestComposePublishesOnlyTheProxysHTTPSPort: PostgreSQL (5432), the Temporal frontend
// (7233), its UI (8233), the API (8080), the signature service (8090) and the metrics
// are reached on the compose network only; the proxy publishes 443, nothing else.
func TestComposePublishesOnlyTheProxysHTTPSPort(t *testing.T) {
	p := loadCompose(t)
	for _, svc := range p.Services {
		for _, port := range svc.Ports {
			if svc.Name == "proxy" && port.Published == "443" && port.Target == 443 {
				continue
			}
			t.Errorf("service %s publishes %s:%d; only the proxy's HTTPS port may be published", svc.Name, port.Published, port.Target)
		}
	}
	proxy, err := p.GetService("proxy")
	if err != nil {
		t.Fatal("compose has no TLS proxy in front of the API")
	}
	if len(proxy.Ports) != 1 {
		t.Errorf("the proxy publishes %d ports, want 443 only", len(proxy.Ports))
	}
	caddy, err := os.ReadFile(filepath.Join(root, "deploy", "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://{$MOTCUA_HOST}:443", "tls /run/secrets/proxy-cert /run/secrets/proxy-key",
		"dynamic a api 8080", "handle /temporal*", "reverse_proxy temporal-ui:8080", "respond /metrics* 404"} {
		if !strings.Contains(string(caddy), want) {
			t.Errorf("deploy/Caddyfile lacks %q", want)
		}
	}
}

// TestTemporalIsReachedOverMutualTLSOnly: the frontend requires a client certificate of
// the Temporal CA; motcua's API and worker each present their own (the identities the
// CA issues, deploy/README.md); the UI speaks TLS to the frontend, asks for single
// sign-on, and is served under the proxy's /temporal.
func TestTemporalIsReachedOverMutualTLSOnly(t *testing.T) {
	p := loadCompose(t)
	env := func(service, name string) string {
		t.Helper()
		svc, err := p.GetService(service)
		if err != nil {
			t.Fatalf("compose lacks %s", service)
		}
		v := svc.Environment[name]
		if v == nil {
			return ""
		}
		return *v
	}
	for name, want := range map[string]string{
		"TEMPORAL_SERVER_TLS_CERT": "/run/secrets/temporal-cert",
		"TEMPORAL_SERVER_TLS_KEY":  "/run/secrets/temporal-key",
		"TEMPORAL_SERVER_TLS_CA":   "/run/secrets/temporal-ca",
	} {
		if got := env("temporal", name); got != want {
			t.Errorf("temporal: %s = %q, want %q", name, got, want)
		}
	}
	certs := map[string]string{}
	for _, svc := range []string{"api", "worker", "temporal-ui", "temporal-namespace"} {
		for _, name := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_NAME"} {
			if env(svc, name) == "" {
				t.Errorf("%s does not set %s: it cannot reach the frontend", svc, name)
			}
		}
		if other, ok := certs[env(svc, "TEMPORAL_TLS_CERT")]; ok {
			t.Errorf("%s and %s share a client certificate: the frontend could not tell them apart", svc, other)
		}
		certs[env(svc, "TEMPORAL_TLS_CERT")] = svc
	}
	for name, want := range map[string]string{"TEMPORAL_AUTH_ENABLED": "true", "TEMPORAL_UI_PUBLIC_PATH": "/temporal"} {
		if got := env("temporal-ui", name); got != want {
			t.Errorf("temporal-ui: %s = %q, want %q", name, got, want)
		}
	}
	if env("temporal-ui", "TEMPORAL_AUTH_CLIENT_SECRET") == "" {
		t.Error("temporal-ui has no SSO client secret")
	}
}

// TestTemporalRunsTheAuthorizer: the temporal service is motcua's own server (`motcua
// temporal`, the Dockerfile's temporal target, built without -tags slim), which always
// requires mutual TLS and authorizes each call by the client certificate's name
// (internal/temporalauth; TestEmbeddedTemporalAdmitsByClientCertificate), not the stock
// image, whose only claim mapper reads JWTs, so that any certificate of the CA could do
// anything.
func TestTemporalRunsTheAuthorizer(t *testing.T) {
	p := loadCompose(t)
	svc, err := p.GetService("temporal")
	if err != nil {
		t.Fatal("compose lacks temporal")
	}
	if strings.HasPrefix(svc.Image, "temporalio/") {
		t.Errorf("temporal runs the stock image %s, which has no certificate-name authorizer", svc.Image)
	}
	if svc.Build == nil || svc.Build.Target != "temporal" {
		t.Fatalf("temporal does not build the Dockerfile's temporal target: %+v", svc.Build)
	}
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stage := regexp.MustCompile(`(?s)FROM \S+ AS temporal\n(.*?)(\nFROM |$)`).FindSubmatch(df)
	if stage == nil || !strings.Contains(string(stage[1]), `ENTRYPOINT ["/motcua", "temporal"]`) {
		t.Error(`the Dockerfile's temporal stage does not run "motcua temporal"`)
	}
	build := regexp.MustCompile(`(?s)AS build-temporal\n(.*?)\n\n`).FindSubmatch(df)
	if build == nil || strings.Contains(string(build[1]), "slim") || !strings.Contains(string(build[1]), "./cmd/motcua") {
		t.Error("the temporal image must be built without -tags slim (a slim motcua has no Temporal server)")
	}
	if svc.HealthCheck == nil || !slices.Contains(svc.HealthCheck.Test, "-check") {
		t.Error("temporal's health check is not motcua temporal -check")
	}
}

// TestMetricsAreNotOnThePublicRouter: the router the proxy forwards to answers /metrics
// with 404 (before issue 11 it served Prometheus to anyone); the API's metrics listen
// on an address of their own, which the proxy does not forward to.
func TestMetricsAreNotOnThePublicRouter(t *testing.T) {
	h := httpx.New(httpx.Deps{}).Handler(nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("the public router answers /metrics with %d", rec.Code)
	}
	p := loadCompose(t)
	api, _ := p.GetService("api")
	m := api.Environment["MOTCUA_METRICS_ADDR"]
	if m == nil || *m == "" || strings.HasSuffix(*m, ":8080") {
		t.Errorf("api: MOTCUA_METRICS_ADDR = %v; it must be an internal address other than the public 8080", m)
	}
}
