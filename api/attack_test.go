package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/api"
	"motcua/forms"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// The roles of the authorization matrix, in the order their cells run: the clerk of
// the unit holding the dossier comes last, so that the cells before it meet the task
// still open (a claim by a role that cannot act on the step must be refused, not lose
// to an earlier claim).
var matrixRoles = []string{"anonymous", "owner", "other citizen", "clerk of another unit", "leader", "clerical", "admin", "clerk of the holding unit"}

// authzMatrix is the expected status of every API operation for every role, on a
// dossier of the owner, received at the desk and now in review at another unit. A route
// added to the API without a row here fails TestAuthorizationMatrix.
var authzMatrix = map[string][8]int{
	// anonymous, owner, other citizen, clerk of another unit, leader, clerical, admin, clerk of the holding unit
	"GET /api/openapi.json":                      {200, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/dossiers":                       {401, 200, 200, 403, 403, 403, 403, 403},
	"GET /api/v1/dossiers/{code}":                {401, 200, 404, 404, 200, 200, 200, 200},
	"GET /api/v1/dossiers/{code}/documents/{id}": {401, 200, 404, 404, 200, 200, 200, 200},
	"GET /api/v1/dossiers/{code}/files/{id}":     {401, 200, 404, 404, 200, 200, 200, 200},
	"GET /api/v1/dossiers/{code}/receipt":        {401, 200, 404, 404, 200, 200, 200, 200},
	"GET /api/v1/inbox":                          {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/me":                             {401, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/notifications":                  {401, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/procedures":                     {200, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/procedures/{code}":              {200, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/signing-queue":                  {401, 403, 403, 403, 200, 403, 403, 403},
	"GET /api/v1/delegations":                    {401, 403, 403, 403, 403, 403, 200, 403},
	// Administrators only: an empty delegation is invalid, {id} here is no delegation's.
	"POST /api/v1/delegations":             {401, 403, 403, 403, 403, 403, 422, 403},
	"POST /api/v1/delegations/{id}/revoke": {401, 403, 403, 403, 403, 403, 404, 403},
	"GET /api/v1/stats":                    {401, 403, 403, 200, 200, 200, 200, 200},
	// A batch answers 200 with each dossier's refusal inside.
	"POST /api/v1/actions":     {401, 200, 200, 200, 200, 200, 200, 200},
	"POST /api/v1/auth/login":  {200, 200, 200, 200, 200, 200, 200, 200},
	"POST /api/v1/auth/logout": {401, 204, 204, 204, 204, 204, 204, 204},
	"POST /api/v1/dossiers":    {401, 422, 422, 403, 403, 403, 403, 403},
	// Signing is not allowed in review: staff hear 409 before their unit is looked at.
	"POST /api/v1/dossiers/{code}/actions":    {401, 409, 404, 409, 409, 409, 409, 409},
	"POST /api/v1/dossiers/{code}/supplement": {401, 409, 404, 404, 403, 403, 403, 403},
	"POST /api/v1/dossiers/{code}/withdraw":   {401, 200, 404, 404, 403, 403, 403, 403},
	"POST /api/v1/files":                      {401, 201, 201, 201, 201, 201, 201, 201},
	// The review step is a clerk's: the leader and the administrator, both in scope,
	// may not claim it (issue 11; they could); the other unit's clerk and the desk's
	// clerical officer are out of scope (409, the one answer for "not yours").
	// The clerical officer of the holding unit is in scope but has not the step's role:
	// 403 (the fixture's dossier is now one a citizen may submit, held by that unit).
	"POST /api/v1/inbox/{task}/claim": {401, 403, 403, 409, 403, 403, 403, 204},
	"POST /api/v1/verify":             {200, 200, 200, 200, 200, 200, 200, 200},
	// Fees: the dossier owes none, so the owner's payment is refused (409); staff see the
	// payments, never pay. No payment exists to check (404).
	"GET /api/v1/dossiers/{code}/payments":        {401, 200, 404, 404, 200, 200, 200, 200},
	"POST /api/v1/dossiers/{code}/payments":       {401, 409, 404, 404, 403, 403, 403, 403},
	"POST /api/v1/dossiers/{code}/payments/check": {401, 404, 404, 404, 404, 404, 404, 404},
	// The platform's notice is authenticated by its hash, not a session: an empty one is
	// invalid for everyone.
	"POST /api/v1/payments/notify": {422, 422, 422, 422, 422, 422, 422, 422},
	// A rating only by the owner, only after return (409 now); none given yet (404).
	"GET /api/v1/dossiers/{code}/rating":  {401, 404, 404, 404, 404, 404, 404, 404},
	"POST /api/v1/dossiers/{code}/rating": {401, 409, 404, 404, 403, 403, 403, 403},
	// The national portal's intake authenticates calling systems, never people.
	"POST /api/v1/portal/dossiers": {401, 401, 401, 401, 401, 401, 401, 401},
	// Reports: staff; the signed PDF only by a leader of the report's unit (the ministry's
	// leader; the running period cannot be signed: 409); none signed yet (404).
	"GET /api/v1/reports/form06":         {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/reports/form06.xlsx":    {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/reports/indicators-766": {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/reports/form06.pdf":     {401, 403, 403, 404, 404, 404, 404, 404},
	"POST /api/v1/reports/form06.pdf":    {401, 403, 403, 403, 409, 403, 403, 403},
	// Issue 16's inbox. The task is in the other unit's claimed by the holding unit's
	// clerk (claim runs first): the leader, its head, releases it; then nobody holds it
	// (409 for the clerical officer, out of scope or not), and neither the
	// administrator nor the former holder may release it (403).
	"POST /api/v1/inbox/{task}/release": {401, 403, 403, 409, 204, 403, 403, 403},
	// No such task: the answer for "not yours" (nothing changes).
	"POST /api/v1/inbox/assign":         {401, 403, 403, 409, 409, 409, 409, 409},
	"GET /api/v1/inbox/filters":         {401, 403, 403, 200, 200, 200, 200, 200},
	"POST /api/v1/inbox/filters":        {401, 403, 403, 200, 200, 200, 200, 200},
	"DELETE /api/v1/inbox/filters/{id}": {401, 403, 403, 404, 404, 404, 404, 404},
	"GET /api/v1/substitutes":           {401, 403, 403, 200, 200, 200, 200, 200},
	// An absence that has ended is refused for everyone who may declare one.
	"POST /api/v1/substitutes":        {401, 403, 403, 422, 422, 422, 422, 422},
	"DELETE /api/v1/substitutes/{id}": {401, 403, 403, 404, 404, 404, 404, 404},
	// Colleagues' comments: staff who may read the dossier; never the applicant.
	"GET /api/v1/dossiers/{code}/comments":  {401, 403, 403, 404, 200, 200, 200, 200},
	"POST /api/v1/dossiers/{code}/comments": {401, 403, 403, 404, 201, 201, 201, 201},
	// Exchanged documents: staff read (no document {id} exists: 404); the clerical office
	// and clerks compose (an empty draft is invalid), the clerical office registers,
	// leaders direct, clerks, leaders and the clerical office close.
	"GET /api/v1/exchange/outgoing":                {401, 403, 403, 200, 200, 200, 200, 200},
	"POST /api/v1/exchange/outgoing":               {401, 403, 403, 422, 403, 422, 403, 422},
	"GET /api/v1/exchange/outgoing/{id}":           {401, 403, 403, 404, 404, 404, 404, 404},
	"GET /api/v1/exchange/incoming":                {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/exchange/incoming/{id}":           {401, 403, 403, 404, 404, 404, 404, 404},
	"POST /api/v1/exchange/incoming/{id}/register": {401, 403, 403, 403, 403, 404, 403, 403},
	"POST /api/v1/exchange/incoming/{id}/direct":   {401, 403, 403, 403, 404, 403, 403, 403},
	"POST /api/v1/exchange/incoming/{id}/file":     {401, 403, 403, 404, 404, 404, 403, 404},
	"POST /api/v1/exchange/incoming/{id}/reply":    {401, 403, 403, 404, 404, 404, 403, 404},
	"GET /api/v1/exchange/registers/{kind}":        {401, 403, 403, 200, 200, 200, 200, 200},
	"GET /api/v1/exchange/agencies":                {401, 403, 403, 503, 503, 503, 503, 503}, // the matrix stack has no axis
	"GET /api/v1/exchange/dossiers/{code}/result":  {401, 403, 403, 200, 200, 200, 200, 200},
	"POST /api/v1/exchange/dossiers/{code}/result": {401, 403, 403, 422, 403, 422, 403, 422},
	// The applicant's document store: one's own list (empty for staff), anyone else's
	// document 404; an empty request to reuse, fetch or revoke is invalid before anything.
	"GET /api/v1/my-documents":                   {401, 200, 200, 200, 200, 200, 200, 200},
	"GET /api/v1/my-documents/{id}":              {401, 404, 404, 404, 404, 404, 404, 404},
	"POST /api/v1/my-documents/{id}/reuse":       {401, 422, 422, 422, 422, 422, 422, 422},
	"POST /api/v1/my-documents/national":         {401, 422, 422, 422, 422, 422, 422, 422},
	"POST /api/v1/dossiers/{code}/result/revoke": {401, 422, 422, 422, 422, 422, 422, 422},
	// Corrections and replacements of the result: read by whoever reads the dossier; an
	// empty proposal is invalid before anything; no correction {id} exists to sign or
	// issue (404 for everyone).
	"GET /api/v1/dossiers/{code}/result/corrections":             {401, 200, 404, 404, 200, 200, 200, 200},
	"POST /api/v1/dossiers/{code}/result/corrections":            {401, 422, 422, 422, 422, 422, 422, 422},
	"POST /api/v1/dossiers/{code}/result/corrections/{id}/sign":  {401, 404, 404, 404, 404, 404, 404, 404},
	"POST /api/v1/dossiers/{code}/result/corrections/{id}/issue": {401, 404, 404, 404, 404, 404, 404, 404},
}

// matrixBodies are the request bodies: valid JSON that reaches authorization and does
// no harm to the fixture (a decision not allowed in the dossier's status, an empty
// submission, a withdrawal last of all).
var matrixBodies = map[string]string{
	"POST /api/v1/auth/login":                      `{"username":"congdan1","password":"demo"}`,
	"POST /api/v1/delegations":                     `{}`,
	"POST /api/v1/dossiers":                        `{"procedure":"","formData":{}}`,
	"POST /api/v1/dossiers/{code}/supplement":      `{"note":"Bổ sung.","files":[]}`,
	"POST /api/v1/dossiers/{code}/withdraw":        `{"note":"Rút."}`,
	"POST /api/v1/dossiers/{code}/actions":         `{"action":"sign","pin":"000000"}`,
	"POST /api/v1/actions":                         `{"action":"sign","codes":["{code}"],"pin":"000000"}`,
	"POST /api/v1/inbox/{task}/claim":              ``,
	"POST /api/v1/inbox/{task}/release":            ``,
	"POST /api/v1/inbox/assign":                    `{"tasks":[0],"to":"canbo1"}`,
	"POST /api/v1/inbox/filters":                   `{"name":"Quá hạn","query":"bucket=overdue"}`,
	"POST /api/v1/substitutes":                     `{"substitute":"canbo1","from":"2020-01-01","until":"2020-01-02"}`,
	"POST /api/v1/dossiers/{code}/comments":        `{"body":"Đề nghị kiểm tra lại giấy tờ."}`,
	"POST /api/v1/auth/logout":                     ``,
	"POST /api/v1/verify":                          `%PDF-1.7`,
	"POST /api/v1/files":                           `file`,
	"GET /api/v1/dossiers/{code}/documents/{id}":   ``,
	"POST /api/v1/dossiers/{code}/rating":          `{"score":5}`,
	"POST /api/v1/reports/form06.pdf":              `{"pin":"000000"}`,
	"POST /api/v1/exchange/outgoing":               `{}`,
	"POST /api/v1/exchange/dossiers/{code}/result": `{}`,
	"POST /api/v1/exchange/incoming/{id}/direct":   `{"leadUnit":"VP","deadline":"2026-12-31"}`,
	"POST /api/v1/exchange/incoming/{id}/reply":    `{"replyDocumentId":"000.00.00.T01,2026/12/01,01/T01"}`,
}

// apiRoutes lists every operation the API registers, walked from its router, so that
// a new route is in the matrix without anyone remembering to add it.
func apiRoutes(t *testing.T) []string {
	t.Helper()
	r := chi.NewRouter()
	api.New(api.Deps{}).Routes(r)
	var out []string
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+strings.Replace(route, "/*/", "/", 1))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestAuthorizationMatrix: every API operation × every role, on one dossier, answers the
// status of its cell, with the security headers and no-store on every answer. Dump the
// matrix as it is with MOTCUA_DUMP_MATRIX=1.
func TestAuthorizationMatrix(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	// A dossier with an attachment (the first procedure whose sample form has one),
	// received at the desk: now in review at another unit.
	owner := s.As("congdan1")
	var p *forms.Procedure
	var sub stacktest.Submitted
	var fileID string
	for _, proc := range s.Catalog.Procedures() {
		if !hasFileField(proc) {
			continue
		}
		p, sub = proc, stacktest.Submit(owner, proc)
		if err := s.Store.Pool().QueryRow(ctx, `SELECT f.id::text FROM submissions x, jsonb_to_recordset(x.files) AS f(id uuid)
			WHERE x.code = $1 LIMIT 1`, sub.Code).Scan(&fileID); err == nil {
			break
		}
	}
	if fileID == "" {
		t.Fatal("no sample form of the catalog has an attachment")
	}
	if r := s.Act("canbo1", sub.Code, map[string]any{"action": "receive"}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	holder, step := s.Actor(sub.Code, p)
	if _, err := s.Store.CreateUser(ctx, store.User{Username: "congdan2", Name: "Phạm Thị Mai", Password: "demo",
		Roles: []motcua.Role{motcua.RoleCitizen}}, ""); err != nil {
		t.Fatal(err)
	}
	other := "chuyenvien4"
	if step.Unit == "TDKT" {
		other = "chuyenvien2"
	}
	users := map[string]string{"owner": "congdan1", "other citizen": "congdan2", "clerk of another unit": other,
		"leader": "lanhdao1", "clerical": stacktest.Staff[step.Unit+"/clerical"], "admin": "admin", "clerk of the holding unit": holder}

	var d dossierJSON
	owner.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	var task int64
	if err := s.Store.Pool().QueryRow(ctx, `SELECT t.id FROM tasks t JOIN dossiers d ON d.id = t.dossier_id
		WHERE d.code = $1 AND t.state = 'open'`, sub.Code).Scan(&task); err != nil {
		t.Fatal(err)
	}
	if d.latest("receipt") == "" {
		t.Fatalf("the fixture needs a receipt: %+v", d)
	}
	fill := func(route string) string {
		path := strings.SplitN(route, " ", 2)[1]
		id := fileID
		if strings.Contains(path, "/documents/") {
			id = d.latest("receipt")
		}
		if strings.HasPrefix(path, "/api/v1/procedures/") {
			return "/api/v1/procedures/" + p.Code
		}
		return strings.NewReplacer("{code}", string(sub.Code), "{id}", id, "{task}", fmt.Sprint(task), "{kind}", "den").Replace(path)
	}

	routes := apiRoutes(t)
	got := map[string][8]int{}
	for _, route := range routes {
		// The withdrawal changes the dossier: it runs last of all.
		if strings.HasSuffix(route, "/withdraw") {
			continue
		}
		got[route] = [8]int{}
	}
	order := append(slices.DeleteFunc(slices.Clone(routes), func(r string) bool { return strings.HasSuffix(r, "/withdraw") }),
		"POST /api/v1/dossiers/{code}/withdraw")
	for _, route := range order {
		row := got[route]
		for i, role := range matrixRoles {
			token := ""
			if role != "anonymous" {
				token = s.As(users[role]).Token
				if strings.HasSuffix(route, "/logout") {
					token = s.Login(users[role]).Token // a session of its own, for this cell
				}
			}
			resp := matrixRequest(t, s, route, fill(route), token, strings.ReplaceAll(matrixBodies[route], "{code}", string(sub.Code)))
			row[i] = resp.StatusCode
			checkAnswerHeaders(t, route+" as "+role, resp, route != "GET /api/openapi.json")
		}
		got[route] = row
	}

	if os.Getenv("MOTCUA_DUMP_MATRIX") != "" {
		var b strings.Builder
		for _, route := range routes {
			fmt.Fprintf(&b, "\t%q: {%s},\n", route, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(got[route])), ", "), "[]"))
		}
		t.Logf("the matrix as it is:\n%s", b.String())
	}
	for _, route := range routes {
		want, ok := authzMatrix[route]
		if !ok {
			t.Errorf("%s has no row in the authorization matrix: add the status each role must get", route)
			continue
		}
		for i, role := range matrixRoles {
			if got[route][i] != want[i] {
				t.Errorf("%s as %s (%s): %d, want %d", route, role, users[role], got[route][i], want[i])
			}
		}
	}
	for route := range authzMatrix {
		if !slices.Contains(routes, route) {
			t.Errorf("the matrix has a row for %s, which the API no longer has", route)
		}
	}
}

// hasFileField says whether p's e-form asks for a file at its top level.
func hasFileField(p *forms.Procedure) bool {
	for _, sec := range p.Form.Sections {
		for _, f := range sec.Fields {
			if f.Kind == forms.KindFile && f.Component != "" {
				return true
			}
		}
	}
	return false
}

func matrixRequest(t *testing.T, s *stacktest.Stack, route, path, token, body string) *http.Response {
	t.Helper()
	method := strings.SplitN(route, " ", 2)[0]
	var rd io.Reader
	ctype := "application/json"
	switch body {
	case "":
	case "file":
		ct, b := multipartBody(t, "file", "a.pdf", stacktest.SamplePDF("matrix"))
		rd, ctype = bytes.NewReader(b), ct
	case "%PDF-1.7":
		rd, ctype = bytes.NewReader(stacktest.SamplePDF("verify")), "application/pdf"
	default:
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// checkAnswerHeaders: the headers every answer of the API carries.
// personal says whether the answer must say no-store (all but the public OpenAPI
// description, which may be cached).
func checkAnswerHeaders(t *testing.T, what string, resp *http.Response, personal bool) {
	t.Helper()
	h := resp.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, h.Get("X-Content-Type-Options"))
	}
	if cc := h.Get("Cache-Control"); personal && !strings.Contains(cc, "no-store") {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
}

// TestVerificationLinksAreUnguessable: the QR code of an issued receipt, read from the
// PDF as a phone would, carries a random ID that names neither the dossier nor the
// document's sequence; it verifies the receipt; the link the receipt would have carried
// before (dossier code, kind, sequence), nearby sequences and a random well-formed ID
// all get the same answer, byte for byte, which says nothing of the dossier.
func TestVerificationLinksAreUnguessable(t *testing.T) {
	s := stacktest.Start(t)
	p := s.Catalog.Procedures()[0]
	owner := s.As(stacktest.ApplicantFor(p))
	sub := stacktest.Submit(owner, p)
	if r := s.Act("canbo1", sub.Code, map[string]any{"action": "receive"}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	receipt := owner.Get(sub.Receipt)
	if receipt.Status != 200 {
		t.Fatalf("receipt: %d", receipt.Status)
	}
	link, err := url.Parse(stacktest.QRLink(t, receipt.Body))
	if err != nil || link.Path != "/tra-cuu/xac-thuc" {
		t.Fatalf("the receipt's QR code says %q", link)
	}
	id := link.Query().Get("ma")
	if !store.ValidVerifyID(id) || strings.Contains(id, string(sub.Code)) {
		t.Fatalf("the QR code's ID %q is not a random verification ID", id)
	}
	page := func(ma string) (int, string) {
		t.Helper()
		resp, err := http.Get(s.URL + "/tra-cuu/xac-thuc?ma=" + url.QueryEscape(ma))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := page(id); status != 200 || !strings.Contains(body, string(sub.Code)) || !strings.Contains(body, "ket-luan") {
		t.Fatalf("the real ID: %d\n%s", status, body)
	}
	var receiptSeq int
	var d dossierJSON
	owner.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	for _, doc := range d.Documents {
		if doc.Kind == "receipt" {
			receiptSeq = doc.Seq
		}
	}
	guesses := []string{
		fmt.Sprintf("%s-receipt-%d", sub.Code, receiptSeq), // the old link of this very receipt
		fmt.Sprintf("%s-receipt-%d", sub.Code, receiptSeq+1),
		fmt.Sprintf("%s-result-%d", sub.Code, receiptSeq),
		store.NewVerifyID(),
		id[:25] + "a", id[:25] + "b",
	}
	_, want := page(guesses[len(guesses)-1])
	for _, g := range guesses {
		if g == id {
			continue
		}
		status, body := page(g)
		if status != 404 || body != want {
			t.Errorf("guess %q: %d, a different answer from an unknown ID's:\n%s", g, status, body)
		}
		for _, leak := range []string{string(sub.Code), p.Name} {
			if strings.Contains(body, leak) {
				t.Errorf("guess %q: the answer tells %q", g, leak)
			}
		}
	}
}
