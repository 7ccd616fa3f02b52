package stacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"go.temporal.io/sdk/converter"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
	"motcua/internal/load"
	"motcua/internal/store"
	"motcua/workflows"
)

// Staff are the demo users who act at a unit in a role.
var Staff = map[string]string{
	"VP/clerk":        "canbo1",
	"VP/clerical":     "vanthu1",
	"TCPCP/clerk":     "chuyenvien1",
	"CVTLT/clerk":     "chuyenvien2",
	"CVTLT/clerical":  "vanthu2",
	"CCVC/clerk":      "chuyenvien3",
	"TDKT/clerk":      "chuyenvien4",
	"G09/leader":      "lanhdao1",
	"TCPCP/leader":    "lanhdao1", // the ministry's leader is above every unit
	"CVTLT/leader":    "lanhdao2", // Phó Cục trưởng: KT. CỤC TRƯỞNG
	"CCVC/leader":     "lanhdao1",
	"TDKT/leader":     "lanhdao1",
	"G09/clerk":       "canbo1",
	"G09/clerical":    "vanthu1",
	"TDKT/clerical":   "vanthu1",
	"CCVC/clerical":   "vanthu1",
	"TCPCP/clerical":  "vanthu1",
	"VP/leader":       "lanhdao1",
	"consult/CCVC":    "chuyenvien3",
	"consult/TCPCP":   "chuyenvien1",
	"consult/CVTLT":   "chuyenvien2",
	"consult/TDKT":    "chuyenvien4",
	"consult/VP":      "canbo1",
	"consult/G09":     "canbo1",
	"default/citizen": "congdan1",
}

// SamplePDF, SamplePNG, SampleFile and AttachSampleFiles are the load tool's sample
// files (internal/load), which the tests share.
func SamplePDF(text string) []byte { return load.SamplePDF(text) }

// SamplePNG is a small PNG image.
func SamplePNG() []byte { return load.SamplePNG() }

// SampleFile is a file the component of field fd accepts.
func SampleFile(p *forms.Procedure, fd forms.Field) (name string, content []byte) {
	return load.SampleFile(p, fd)
}

// AttachSampleFiles replaces the file IDs in data, a sample form of p, with files
// uploaded through upload.
func AttachSampleFiles(p *forms.Procedure, data map[string]any, upload func(name string, content []byte) (string, error)) error {
	return load.AttachSampleFiles(p, data, upload)
}

// SampleForm reads the catalog's valid sample of a procedure version, its recent dates
// made relative to the stack's clock, and puts freshly uploaded files (of c) in its file
// fields.
func SampleForm(c *Client, p *forms.Procedure) map[string]any {
	c.S.T.Helper()
	b, err := formstest.Valid(p.Code, p.Version, c.S.Now())
	if err != nil {
		c.S.T.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		c.S.T.Fatal(err)
	}
	err = AttachSampleFiles(p, data, func(name string, content []byte) (string, error) {
		id, r := c.Upload(name, content)
		if r.Status != 201 {
			return "", fmt.Errorf("upload: %d %s", r.Status, r.Body)
		}
		return id, nil
	})
	if err != nil {
		c.S.T.Fatal(err)
	}
	return data
}

// Submitted is the API's answer to a submission.
type Submitted struct {
	Code        motcua.DossierCode `json:"code"`
	Status      motcua.Status      `json:"status"`
	DueAt       string             `json:"dueAt"`
	Receipt     string             `json:"receipt"`
	SubmittedAt string             `json:"submittedAt"`
}

// Submit submits the sample dossier of a procedure as the citizen c, and pays its fee
// on the development gateway when it has one: the dossier is then at the desk.
func Submit(c *Client, p *forms.Procedure) Submitted {
	c.S.T.Helper()
	out := SubmitUnpaid(c, p)
	if out.Status == motcua.StatusAwaitingPayment {
		c.Pay(out.Code, "pay", 0)
		c.S.waitAtDesk(out.Code)
		out.Status = motcua.StatusSubmitted
	}
	return out
}

// waitAtDesk waits until a paid dossier has reached the desk's inbox: the workflow goes
// on to it after the payment's update has answered.
func (s *Stack) waitAtDesk(code motcua.DossierCode) {
	s.T.Helper()
	for range 200 {
		var at bool
		err := s.Store.Pool().QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM dossier_events e
			JOIN dossiers d ON d.id = e.dossier_id WHERE d.code = $1 AND e.action = 'assign' AND e.seq > (
				SELECT coalesce(max(p.seq), 0) FROM dossier_events p WHERE p.dossier_id = d.id AND p.action = 'pay'))`, code).Scan(&at)
		if err != nil {
			s.T.Fatalf("wait for %s at the desk: %v", code, err)
		}
		if at {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.T.Fatalf("%s did not reach the desk after its payment", code)
}

// SubmitUnpaid submits the sample dossier of a procedure as the citizen c.
func SubmitUnpaid(c *Client, p *forms.Procedure) Submitted {
	c.S.T.Helper()
	var out Submitted
	c.MustDo(201, "POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": SampleForm(c, p)}, &out)
	return out
}

// Payment is a payment as the API shows it.
type Payment struct {
	Reference  string `json:"reference"`
	Amount     int64  `json:"amount"`
	Status     string `json:"status"`
	PayURL     string `json:"payUrl"`
	PaidAmount *int64 `json:"paidAmount"`
}

// Pay starts the payment of the dossier's fee as c and answers it on the development
// gateway's page as the applicant would: action "pay" (amount 0: the fee; another
// amount pays that instead) or "cancel". The gateway then posts its notice and the
// browser would come back; Pay returns the payment as started.
func (c *Client) Pay(code motcua.DossierCode, action string, amount int64) Payment {
	c.S.T.Helper()
	var p Payment
	c.MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/payments", nil, &p)
	if amount == 0 {
		amount = p.Amount
	}
	form := url.Values{"action": {action}, "amount": {fmt.Sprint(amount)}}
	noRedirect := &http.Client{Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(p.PayURL, form)
	if err != nil {
		c.S.T.Fatalf("pay %s: %v", code, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		c.S.T.Fatalf("pay %s: gateway answered %d", code, res.StatusCode)
	}
	return p
}

// State asks the dossier's workflow for its live state.
func (s *Stack) State(code motcua.DossierCode) workflows.State {
	s.T.Helper()
	// A query right after a worker restart may wait out the old worker's sticky queue.
	var resp converter.EncodedValue
	var err error
	for range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		resp, err = s.Temporal.QueryWorkflow(ctx, code.WorkflowID(), "", workflows.QueryState)
		cancel()
		if err == nil {
			break
		}
	}
	if err != nil {
		s.T.Fatalf("query %s: %v", code, err)
	}
	var st workflows.State
	if err := resp.Get(&st); err != nil {
		s.T.Fatal(err)
	}
	return st
}

// Actor returns the demo user who acts at the dossier's current step, and the step.
func (s *Stack) Actor(code motcua.DossierCode, p *forms.Procedure) (string, forms.Step) {
	st := s.State(code)
	for _, step := range p.Steps {
		if step.ID == st.Step {
			return Staff[step.Unit+"/"+string(step.Role)], step
		}
	}
	s.T.Fatalf("%s: step %q not in %s", code, st.Step, p.Key())
	return "", forms.Step{}
}

// Act sends a decision as username and returns the response. A decision answers once
// it is recorded, and its notice is made after (dossier-async-notices): Act returns
// once that is done too, so a test reads the dossier as a person would a moment later.
func (s *Stack) Act(username string, code motcua.DossierCode, body map[string]any) Response {
	r := s.client(username).Request("POST", "/api/v1/dossiers/"+string(code)+"/actions", body, nil)
	if r.Status == 200 {
		s.Settle(code)
	}
	return r
}

// Settle waits (at most a minute) until the dossier's workflow has made the notices
// of the decisions it recorded.
func (s *Stack) Settle(code motcua.DossierCode) {
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		resp, err := s.Temporal.QueryWorkflow(ctx, code.WorkflowID(), "", workflows.QueryState)
		cancel()
		var st workflows.State
		if err != nil || resp.Get(&st) != nil || len(st.Making) == 0 {
			return
		}
	}
}

// client returns a logged-in client of username, logging in once per stack.
func (s *Stack) client(username string) *Client {
	s.shared.mu.Lock()
	tok, ok := s.shared.tokens[username]
	s.shared.mu.Unlock()
	if ok {
		return &Client{S: s, Username: username, Token: tok, HTTP: &http.Client{Timeout: 2 * time.Minute}}
	}
	c := s.Login(username)
	s.shared.mu.Lock()
	s.shared.tokens[username] = c.Token
	s.shared.mu.Unlock()
	return c
}

// As returns a logged-in client of a demo user.
func (s *Stack) As(username string) *Client { return s.client(username) }

// Drive takes a dossier from wherever it is to the end of the happy path (returned and
// archived): receive, consult where the step asks, hand on, submit for signing, sign
// with the PIN, issue, return. It fails the test on any refusal.
func (s *Stack) Drive(code motcua.DossierCode, p *forms.Procedure) workflows.State {
	s.T.Helper()
	for range 40 {
		st := s.State(code)
		if st.Status == motcua.StatusAwaitingPayment {
			s.client(Staff["default/citizen"]).Pay(code, "pay", 0)
			continue
		}
		user, body, done, err := NextDecision(p, st, s.consulted(code))
		if err != nil {
			s.T.Fatalf("%s: %v", code, err)
		}
		if done {
			s.finished(code)
			return st
		}
		if r := s.Act(user, code, body); r.Status != 200 {
			s.T.Fatalf("%s: %s as %s at %s (%s): %d %s", code, body["action"], user, st.Step, st.Status, r.Status, r.Body)
		}
	}
	s.T.Fatalf("%s: did not finish", code)
	return workflows.State{}
}

// finished waits (a minute at most) for a dossier's workflow to end: after the result
// is returned, the control sheet, the notification and the archive are made after the
// click, and the dossier is archived a moment later.
func (s *Stack) finished(code motcua.DossierCode) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = s.Temporal.GetWorkflow(ctx, code.WorkflowID(), "").Get(ctx, nil)
}

// NextDecision is the happy path's next decision for a dossier of p in state st: the
// demo user who takes it and the body of POST /api/v1/dossiers/{code}/actions.
// consulted says whether the dossier's step already asked its units for an opinion.
// done is true once the result is returned (or the dossier ended otherwise). Drive, the
// benchmark and the browser tests all follow it.
func NextDecision(p *forms.Procedure, st workflows.State, consulted bool) (user string, body map[string]any, done bool, err error) {
	if st.Status.Final() || st.Status == motcua.StatusReturned {
		return "", nil, true, nil
	}
	i := slices.IndexFunc(p.Steps, func(s forms.Step) bool { return s.ID == st.Step })
	if i < 0 {
		return "", nil, false, fmt.Errorf("step %q not in %s", st.Step, p.Key())
	}
	step := p.Steps[i]
	user = Staff[step.Unit+"/"+string(step.Role)]
	switch st.Status {
	case motcua.StatusSubmitted:
		body = map[string]any{"action": workflows.UpdateReceive}
	case motcua.StatusInReview:
		switch {
		case len(st.Consulting) > 0:
			user = Staff["consult/"+st.Consulting[0]]
			body = map[string]any{"action": workflows.UpdateAnswerConsult, "answer": "Nhất trí với đề nghị."}
		case len(step.Consult) > 0 && allowed(st, workflows.UpdateConsult) && !consulted:
			body = map[string]any{"action": workflows.UpdateConsult, "units": step.Consult, "note": "Đề nghị cho ý kiến."}
		case allowed(st, workflows.UpdateSubmitForSigning):
			body = map[string]any{"action": workflows.UpdateSubmitForSigning, "note": "Kính trình lãnh đạo."}
		default:
			body = map[string]any{"action": workflows.UpdateCompleteStep, "note": "Đủ điều kiện."}
		}
	case motcua.StatusAwaitingSignature:
		body = map[string]any{"action": workflows.UpdateSign, "pin": "123456"}
	case motcua.StatusSigned:
		body = map[string]any{"action": workflows.UpdateIssue}
	case motcua.StatusResultReady:
		body = map[string]any{"action": workflows.UpdateReturnResult}
	default:
		return "", nil, false, fmt.Errorf("cannot drive from %s", st.Status)
	}
	return user, body, false, nil
}

func allowed(st workflows.State, name string) bool {
	for _, a := range st.Allowed {
		if a == name {
			return true
		}
	}
	return false
}

// consulted reports whether the dossier's units were already consulted.
func (s *Stack) consulted(code motcua.DossierCode) bool {
	var n int
	_ = s.Store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE d.code = $1 AND e.action = 'consult'`, code).Scan(&n)
	return n > 0
}

// ApplicantFor is the demo account that submits p's sample dossiers: congdan1 where
// citizens may apply, else the representative of the demo organization or agency
// (store.ApplicantFor).
func ApplicantFor(p *forms.Procedure) string { return store.ApplicantFor(p.ApplicantKinds) }
