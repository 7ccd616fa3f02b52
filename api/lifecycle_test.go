package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/authority"
	"motcua/internal/stacktest"
)

var ict = time.FixedZone("ICT", 7*3600)

// dossierJSON is what GET /api/v1/dossiers/{code} answers.
type dossierJSON struct {
	Code     motcua.DossierCode `json:"code"`
	Status   motcua.Status      `json:"status"`
	DueAt    *time.Time         `json:"dueAt"`
	Expected string             `json:"expected"`
	Missing  []string           `json:"missing"`
	Allowed  []string           `json:"allowed"`
	History  []struct {
		Seq    int           `json:"seq"`
		Action string        `json:"action"`
		Status motcua.Status `json:"status"`
	} `json:"history"`
	Documents []struct {
		ID     string `json:"id"`
		Kind   string `json:"kind"`
		Seq    int    `json:"seq"`
		Number string `json:"number"`
	} `json:"documents"`
	ControlSheet []struct {
		Step    string `json:"step"`
		Outcome string `json:"outcome"`
	} `json:"controlSheet"`
}

func (d dossierJSON) latest(kind string) string {
	id, seq := "", -1
	for _, doc := range d.Documents {
		if doc.Kind == kind && doc.Seq > seq {
			id, seq = doc.ID, doc.Seq
		}
	}
	return id
}

// TestEveryProcedureThroughTheWholePath submits one dossier of every procedure in force
// over HTTP and takes it through receipt, review (with consultation where the procedure
// asks), the leader's signature, numbering and sealing, return and archiving; the
// result carries two signatures pdfsig validates and trusts, and the receipt shows the
// appointment date the calendar gives.
func TestEveryProcedureThroughTheWholePath(t *testing.T) {
	root := stacktest.Start(t)
	for _, p := range root.Catalog.Procedures() {
		t.Run(p.Code, func(t *testing.T) {
			t.Parallel()
			s := root.For(t)
			citizen := s.As("congdan1")
			sub := stacktest.Submit(citizen, p)
			if sub.Status != motcua.StatusSubmitted {
				t.Fatalf("status after submission %s", sub.Status)
			}
			if r := citizen.Get(sub.Receipt); r.Status != 409 {
				t.Errorf("receipt before receipt: %d %s", r.Status, r.Body)
			}
			end := s.Drive(sub.Code, p)
			if end.Status != motcua.StatusArchived {
				t.Fatalf("ended %s, want archived", end.Status)
			}
			var d dossierJSON
			citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
			if d.Status != motcua.StatusArchived || d.DueAt == nil {
				t.Fatalf("citizen sees %s, due %v", d.Status, d.DueAt)
			}
			for i, e := range d.History {
				if e.Seq != i+1 {
					t.Fatalf("history out of sequence at %d: %+v", i, e)
				}
			}

			// The receipt: the appointment the calendar gives, counted from receipt.
			var received time.Time
			if err := s.Store.Pool().QueryRow(t.Context(), `SELECT received_at FROM dossiers WHERE code = $1`, sub.Code).Scan(&received); err != nil {
				t.Fatal(err)
			}
			limit := p.TimeLimit.For(true)
			minutes := int(limit * 480)
			if p.TimeLimit.Unit == "working_hours" {
				minutes = int(limit * 60)
			}
			want := s.Time.Due(s.Time.Start(received), minutes, nil)
			if !d.DueAt.Equal(want) {
				t.Errorf("due %s, calendar says %s", d.DueAt, want)
			}
			receipt := citizen.Get(sub.Receipt)
			if receipt.Status != 200 || receipt.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("receipt: %d %s", receipt.Status, receipt.Header.Get("Content-Type"))
			}
			text := stacktest.PDFText(t, receipt.Body)
			if day := want.In(ict).Format("02/01/2006"); !strings.Contains(text, day) {
				t.Errorf("receipt does not show the appointment %s:\n%s", day, text)
			}
			if !strings.Contains(text, string(sub.Code)) {
				t.Errorf("receipt does not show the dossier code %s", sub.Code)
			}

			// The result: leader's signature and the organization's seal, both valid.
			id := d.latest("result")
			if id == "" {
				t.Fatalf("no result among %+v", d.Documents)
			}
			res := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + id)
			if res.Status != 200 {
				t.Fatalf("result: %d %s", res.Status, res.Body)
			}
			report := s.Pdfsig(t, res.Body)
			if n := strings.Count(report, "Signature is Valid"); n != 2 {
				t.Errorf("%d valid signatures, want 2:\n%s", n, report)
			}
			if n := strings.Count(report, "Certificate is Trusted"); n != 2 {
				t.Errorf("%d trusted certificates, want 2:\n%s", n, report)
			}
			stacktest.QPDFCheck(t, res.Body)
			checkAuthorityAgrees(t, s, p.Code, p.Version, res.Body, report)

			// One archive package, and the citizen cannot read the draft.
			var packages int
			if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM archive_packages a JOIN dossiers d ON d.id = a.dossier_id
				WHERE d.code = $1`, sub.Code).Scan(&packages); err != nil || packages != 1 {
				t.Errorf("%d archive packages (%v)", packages, err)
			}
			if draft := d.latest("draft_result"); draft != "" {
				if r := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/documents/" + draft); r.Status != 404 {
					t.Errorf("citizen reads the draft: %d", r.Status)
				}
			}
		})
	}
}

// checkAuthorityAgrees checks that a signed result's authority line and signature block
// are the catalog's for its deciding unit, and that pdfsig names as its first signer the
// one person who holds that authority, with the title the block prints.
func checkAuthorityAgrees(t *testing.T, s *stacktest.Stack, code string, version int, pdf []byte, report string) {
	t.Helper()
	b, holders, err := authority.Resolver{Store: s.Store, Catalog: s.Catalog}.Default(context.Background(), code, version)
	if err != nil {
		t.Fatal(err)
	}
	if len(holders) != 1 {
		t.Fatalf("%d holders of the signing authority of %s, want 1 in the demo", len(holders), code)
	}
	text := strings.Join(strings.Fields(stacktest.PDFText(t, pdf)), " ")
	for _, want := range append([]string{b.Authority}, b.Lines()...) {
		if !strings.Contains(text, want) {
			t.Errorf("the result does not print %q:\n%s", want, text)
		}
	}
	first, _, _ := strings.Cut(report, "Signature #2")
	if !strings.Contains(first, "Signer Certificate Common Name: "+holders[0].Name) {
		t.Errorf("first signature is not %s's:\n%s", holders[0].Name, first)
	}
	if !strings.Contains(first, holders[0].Title) || !motcua.SameTitle(holders[0].Title, b.SignerTitle) {
		t.Errorf("signer's certificate does not carry the block's title %q (account: %q):\n%s", b.SignerTitle, holders[0].Title, first)
	}
}
