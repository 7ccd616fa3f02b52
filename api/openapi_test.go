package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"motcua"
)

// TestOpenAPIMatchesRouter keeps api/openapi.json and routes.go in step: every route under
// /api/v1 (and /api/openapi.json) must be described, every described operation must be
// served, and the two must agree on which operations need authentication. It also checks
// that the document is a sound OpenAPI 3.1 document: operation IDs, responses, path
// parameters, references, and schemas that compile as JSON Schema 2020-12.
func TestOpenAPIMatchesRouter(t *testing.T) {
	doc := parseOpenAPI(t, openAPI)
	for _, problem := range checkOpenAPI(doc) {
		t.Error(problem)
	}
	// The router needs none of its dependencies to be built, only to serve.
	served := servedRoutes(t, New(Deps{}).Handler())
	if len(served) < 10 {
		t.Fatalf("found only %d API routes in the router; is chi.Walk still seeing the /api/v1 subrouter?", len(served))
	}
	for _, d := range compareRoutes(served, documentedRoutes(doc)) {
		t.Error(d)
	}
	if t.Failed() {
		t.Log("api/openapi.json must describe exactly the routes api/routes.go registers under /api/v1")
	}
}

// TestOpenAPIServesTheDocument checks GET /api/openapi.json answers the embedded file.
func TestOpenAPIServesTheDocument(t *testing.T) {
	rec := httptest.NewRecorder()
	New(Deps{}).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPI) {
		t.Fatal("GET /api/openapi.json does not answer api/openapi.json")
	}
}

// TestOpenAPIReportsUndocumentedRoutes proves the comparison bites: a route added to the
// real router without a description, an operation described but not served, and an
// operation whose authentication disagrees are each reported.
func TestOpenAPIReportsUndocumentedRoutes(t *testing.T) {
	h := New(Deps{}).Handler()
	mux, ok := h.(*chi.Mux)
	if !ok {
		t.Fatalf("New returns %T, not *chi.Mux", h)
	}
	mux.With(func(next http.Handler) http.Handler { return next }).
		Delete("/api/v1/dossiers/{code:[0-9A-Za-z.-]+}/files/{id}", func(http.ResponseWriter, *http.Request) {})

	doc := parseOpenAPI(t, openAPI)
	paths := doc["paths"].(map[string]any)
	paths["/api/v1/ghost"] = map[string]any{"get": map[string]any{"operationId": "ghost", "security": []any{},
		"responses": map[string]any{"200": map[string]any{"description": "nothing"}}}}
	me := paths["/api/v1/me"].(map[string]any)["get"].(map[string]any)
	me["security"] = []any{} // documented as public, but the router requires an actor

	got := compareRoutes(servedRoutes(t, h), documentedRoutes(doc))
	want := []string{
		"DELETE /api/v1/dossiers/{code}/files/{id}: served by the router but not described in api/openapi.json",
		"GET /api/v1/ghost: described in api/openapi.json but not served by the router",
		"GET /api/v1/me: the router requires authentication (RequireActor) but api/openapi.json lets anyone call it",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// route is an operation as the router serves it or the document describes it.
type route struct {
	method, path  string // OpenAPI spelling: lower-case method, {name} templates
	authenticated bool
}

func (r route) String() string { return strings.ToUpper(r.method) + " " + r.path }

// servedRoutes walks the router and returns its routes under /api/v1, and
// /api/openapi.json, keyed by "METHOD path".
func servedRoutes(t *testing.T, h http.Handler) map[string]route {
	t.Helper()
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("New returns %T, which chi cannot walk", h)
	}
	out := map[string]route{}
	err := chi.Walk(routes, func(method, pattern string, _ http.Handler, mws ...func(http.Handler) http.Handler) error {
		path := openAPIPath(pattern)
		if path != "/api/openapi.json" && !strings.HasPrefix(path, "/api/v1/") {
			return nil
		}
		rt := route{method: strings.ToLower(method), path: path}
		for _, mw := range mws {
			// httpx.Kit.RequireActor (people) and RequireSystem (calling systems) are the
			// middlewares that answer 401 without credentials.
			rt.authenticated = rt.authenticated || strings.HasSuffix(funcName(mw), "httpx.(*Kit).RequireActor-fm") ||
				strings.HasSuffix(funcName(mw), "httpx.(*Kit).RequireSystem-fm")
		}
		out[rt.String()] = rt
		return nil
	})
	if err != nil {
		t.Fatalf("walk the router: %v", err)
	}
	return out
}

func funcName(f any) string {
	if fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer()); fn != nil {
		return fn.Name()
	}
	return ""
}

// openAPIPath turns a chi pattern into OpenAPI path templating: {code:[0-9]+} becomes
// {code}. A chi wildcard (*) stays, and so shows up as a difference.
func openAPIPath(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '{' {
			b.WriteByte(pattern[i])
			continue
		}
		// A regexp may hold braces of its own ({n:[0-9]{4}}): find the matching one.
		depth, end := 0, len(pattern)
		for j := i; j < len(pattern); j++ {
			if pattern[j] == '{' {
				depth++
			} else if pattern[j] == '}' {
				if depth--; depth == 0 {
					end = j
					break
				}
			}
		}
		name, _, _ := strings.Cut(pattern[i+1:min(end, len(pattern))], ":")
		b.WriteString("{" + name + "}")
		i = end
	}
	return b.String()
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// documentedRoutes lists the document's operations, keyed by "METHOD path".
func documentedRoutes(doc map[string]any) map[string]route {
	out := map[string]route{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range httpMethods {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			sec, ok := op["security"]
			if !ok {
				sec = doc["security"]
			}
			rt := route{method: m, path: path, authenticated: !anonymous(sec)}
			out[rt.String()] = rt
		}
	}
	return out
}

// anonymous reports whether a security requirement lets a request without credentials
// in: none at all, an empty list, or an empty requirement among the alternatives.
func anonymous(sec any) bool {
	reqs, _ := sec.([]any)
	if len(reqs) == 0 {
		return true
	}
	for _, r := range reqs {
		if m, _ := r.(map[string]any); len(m) == 0 {
			return true
		}
	}
	return false
}

// compareRoutes lists, sorted, every difference between the router and the document.
func compareRoutes(served, documented map[string]route) []string {
	var out []string
	for k, s := range served {
		d, ok := documented[k]
		switch {
		case !ok:
			out = append(out, k+": served by the router but not described in api/openapi.json")
		case s.authenticated && !d.authenticated:
			out = append(out, k+": the router requires authentication (RequireActor) but api/openapi.json lets anyone call it")
		case !s.authenticated && d.authenticated:
			out = append(out, k+": the router serves it without authentication but api/openapi.json requires credentials")
		}
	}
	for k := range documented {
		if _, ok := served[k]; !ok {
			out = append(out, k+": described in api/openapi.json but not served by the router")
		}
	}
	slices.Sort(out)
	return out
}

func parseOpenAPI(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("api/openapi.json is not valid JSON: %v", err)
	}
	if dec.More() {
		t.Fatal("api/openapi.json has data after its object")
	}
	return doc
}

var (
	openAPIVersion = regexp.MustCompile(`^3\.1\.\d+$`)
	responseKey    = regexp.MustCompile(`^(default|[1-5](\d\d|XX))$`)
	templateParam  = regexp.MustCompile(`\{([^{}]+)\}`)
)

// checkOpenAPI returns what is wrong with the document as OpenAPI 3.1.
func checkOpenAPI(doc map[string]any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	if v, _ := doc["openapi"].(string); !openAPIVersion.MatchString(v) {
		bad("openapi is %q, want 3.1.x", doc["openapi"])
	}
	if info, _ := doc["info"].(map[string]any); info["title"] == nil || info["version"] == nil {
		bad("info needs a title and a version")
	}
	schemes := map[string]any{}
	if c, ok := doc["components"].(map[string]any); ok {
		schemes, _ = c["securitySchemes"].(map[string]any)
	}
	checkSecurity := func(where string, sec any) {
		for _, req := range asSlice(sec) {
			for name := range asMap(req) {
				if _, ok := schemes[name]; !ok {
					bad("%s: security scheme %q is not in components.securitySchemes", where, name)
				}
			}
		}
	}
	checkSecurity("security", doc["security"])

	ids := map[string]string{}
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		bad("paths is missing")
	}
	for path, v := range paths {
		item := asMap(v)
		if !strings.HasPrefix(path, "/") {
			bad("path %q does not start with /", path)
		}
		var templated []string
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			templated = append(templated, m[1])
		}
		pathParams := pathParameters(doc, asSlice(item["parameters"]))
		for key := range item {
			if !slices.Contains(httpMethods, key) && !slices.Contains([]string{"parameters", "summary", "description", "servers", "$ref"}, key) {
				bad("%s: %q is not a field of a path item", path, key)
			}
		}
		for _, m := range httpMethods {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			where := strings.ToUpper(m) + " " + path
			id, _ := op["operationId"].(string)
			switch {
			case id == "":
				bad("%s: no operationId", where)
			case ids[id] != "":
				bad("%s: operationId %q is also %s", where, id, ids[id])
			default:
				ids[id] = where
			}
			responses := asMap(op["responses"])
			if len(responses) == 0 {
				bad("%s: no responses", where)
			}
			for code, resp := range responses {
				if !responseKey.MatchString(code) {
					bad("%s: response key %q is not a status code", where, code)
				}
				if r := asMap(resp); r["$ref"] == nil && r["description"] == nil {
					bad("%s: response %s has no description", where, code)
				}
			}
			checkSecurity(where, op["security"])

			params := pathParameters(doc, asSlice(op["parameters"]))
			for name, p := range pathParams {
				if _, ok := params[name]; !ok {
					params[name] = p
				}
			}
			for _, name := range templated {
				p, ok := params[name]
				if !ok {
					bad("%s: path parameter {%s} is not declared", where, name)
				} else if p["required"] != true {
					bad("%s: path parameter {%s} must be required", where, name)
				}
			}
			for name := range params {
				if !slices.Contains(templated, name) {
					bad("%s: path parameter %q is not in the path", where, name)
				}
			}
		}
	}

	walkRefs(doc, "#", func(at, ref string) {
		if _, err := resolvePointer(doc, ref); err != nil {
			bad("%s: $ref %q: %v", at, ref, err)
		}
	})
	out = append(out, compileSchemas(doc)...)
	return out
}

// pathParameters returns the path parameters of a parameter list by name, following
// references into components.
func pathParameters(doc map[string]any, list []any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, p := range list {
		m := asMap(p)
		if ref, ok := m["$ref"].(string); ok {
			v, err := resolvePointer(doc, ref)
			if err != nil {
				continue // reported by walkRefs
			}
			m = asMap(v)
		}
		if m["in"] == "path" {
			name, _ := m["name"].(string)
			out[name] = m
		}
	}
	return out
}

// walkRefs calls fn with every $ref of v and where it is.
func walkRefs(v any, at string, fn func(at, ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(at, s)
				continue
			}
			walkRefs(x, at+"/"+escapePointer(k), fn)
		}
	case []any:
		for i, x := range v {
			walkRefs(x, fmt.Sprintf("%s/%d", at, i), fn)
		}
	}
}

// resolvePointer resolves a local reference ("#/components/schemas/Problem").
func resolvePointer(doc any, ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("only references inside the document are expected")
	}
	v := doc
	if ptr == "" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, fmt.Errorf("no %q", tok)
			}
			v = next
		default:
			return nil, fmt.Errorf("cannot step into %q", tok)
		}
	}
	return v, nil
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// compileSchemas compiles every schema of the document as JSON Schema 2020-12 (the
// dialect of OpenAPI 3.1), which also resolves their references, and validates the
// examples of the component schemas against them.
func compileSchemas(doc map[string]any) []string {
	const base = "https://motcua.invalid/openapi.json"
	var out []string
	// The compiler wants its own decoding of the document (numbers as json.Number).
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIBytes(doc)))
	if err != nil {
		return []string{fmt.Sprintf("decode for JSON Schema: %v", err)}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(base, raw); err != nil {
		return []string{fmt.Sprintf("add the document as a JSON Schema resource: %v", err)}
	}
	var locations []string
	collectSchemas(doc, "#", &locations)
	slices.Sort(locations)
	for _, loc := range locations {
		sch, err := c.Compile(base + loc)
		if err != nil {
			out = append(out, fmt.Sprintf("schema %s does not compile: %v", loc, err))
			continue
		}
		v, _ := resolvePointer(doc, loc)
		for i, ex := range asSlice(asMap(v)["examples"]) {
			exRaw, _ := json.Marshal(ex)
			inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(exRaw))
			if err := sch.Validate(inst); err != nil {
				out = append(out, fmt.Sprintf("schema %s: example %d does not validate: %v", loc, i, err))
			}
		}
	}
	if len(locations) == 0 {
		out = append(out, "no schemas found")
	}
	return out
}

// collectSchemas finds the schemas of the document: components.schemas and every
// "schema" of a parameter, header or media type. It does not descend into schemas, where
// "schema" may be a property's name.
func collectSchemas(v any, at string, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			here := at + "/" + escapePointer(k)
			switch {
			case k == "schema":
				*out = append(*out, here)
			case k == "schemas" && at == "#/components":
				for name := range asMap(x) {
					*out = append(*out, here+"/"+escapePointer(name))
				}
			default:
				collectSchemas(x, here, out)
			}
		}
	case []any:
		for i, x := range v {
			collectSchemas(x, fmt.Sprintf("%s/%d", at, i), out)
		}
	}
}

func openAPIBytes(doc map[string]any) []byte {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestOpenAPIDescribesTheTransitionTable holds the API's description of the staff
// decisions to the domain's transition table: the Action enum names exactly the staff
// decisions, and its table's "when (status)" column lists exactly the statuses each
// decision is allowed from.
func TestOpenAPIDescribesTheTransitionTable(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum        []string `json:"enum"`
				Description string   `json:"description"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	action, ok := doc.Components.Schemas["Action"]
	if !ok {
		t.Fatal("the description has no Action schema")
	}
	var staff []string
	for _, r := range motcua.Decisions {
		if r.Who != motcua.TheApplicant {
			staff = append(staff, r.Decision)
		}
	}
	if got, want := slices.Sorted(slices.Values(action.Enum)), slices.Sorted(slices.Values(staff)); !slices.Equal(got, want) {
		t.Errorf("Action enum %v, the table's staff decisions %v", got, want)
	}
	rows := 0
	for _, line := range strings.Split(action.Description, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		r, ok := motcua.RuleOf(name)
		if !ok {
			t.Errorf("the description's table names %q, which the transition table does not", name)
			continue
		}
		rows++
		var described []motcua.Status
		for _, s := range motcua.Statuses {
			if strings.Contains(cells[4], "`"+string(s)+"`") {
				described = append(described, s)
			}
		}
		if !slices.Equal(slices.Sorted(slices.Values(described)), slices.Sorted(slices.Values(r.From))) {
			t.Errorf("%s: described from %v, the table allows it from %v", name, described, r.From)
		}
	}
	if rows != len(staff) {
		t.Errorf("the description's table has %d rows, the transition table %d staff decisions", rows, len(staff))
	}
}
