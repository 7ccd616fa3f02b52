package api_test

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/reports"
)

// myDocuments lists a citizen's store of the given type.
func myDocuments(t *testing.T, c *stacktest.Client, typ string) []store.StoredDocument {
	t.Helper()
	var docs []store.StoredDocument
	c.MustDo(200, "GET", "/api/v1/my-documents?type="+typ, nil, &docs)
	return docs
}

// TestReuseTheIssuedCertificateAtTheNextSubmission: the archive practice certificate
// issued to congdan1 is in his store; he reissues it (G09.CVTLT.02) choosing it for the
// component "chung-chi-cu": nothing is uploaded, the file refers to the stored result
// (same content), and the dossier's component is marked reused. Another citizen never
// sees the document, by list, by ID or by reuse (404), nor do staff through this API.
func TestReuseTheIssuedCertificateAtTheNextSubmission(t *testing.T) {
	s := stacktest.Start(t)
	code, pdf := issuedCertificate(t, s)
	citizen := s.As("congdan1")

	docs := myDocuments(t, citizen, "1.013929")
	if len(docs) != 1 || docs[0].Source != store.SourceResult || docs[0].Dossier != code || docs[0].Number == "" || !docs[0].Signed {
		t.Fatalf("congdan1's certificates: %+v", docs)
	}
	doc := docs[0]
	if r := citizen.Get("/api/v1/my-documents/" + doc.ID); r.Status != 200 || string(r.Body) != string(pdf) {
		t.Fatalf("his certificate: %d, same bytes as the result: %v", r.Status, string(r.Body) == string(pdf))
	}

	// Acceptance 3: nobody else sees or reuses it.
	if _, err := s.Store.CreateUser(t.Context(), store.User{Username: "congdan2", Name: "Phạm Thị Mai", Password: "demo",
		Roles: []motcua.Role{motcua.RoleCitizen}}, ""); err != nil {
		t.Fatal(err)
	}
	reuse := map[string]any{"procedure": "G09.CVTLT.02", "component": "chung-chi-cu"}
	for _, user := range []string{"congdan2", "canbo1", "lanhdao2"} {
		c := s.As(user)
		if got := myDocuments(t, c, ""); len(got) != 0 || len(myDocuments(t, citizen, "")) == 0 {
			t.Errorf("%s's store lists %+v", user, got)
		}
		if r := c.Get("/api/v1/my-documents/" + doc.ID); r.Status != 404 {
			t.Errorf("%s reads congdan1's certificate: %d", user, r.Status)
		}
		if r := c.Request("POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, nil); r.Status != 404 {
			t.Errorf("%s reuses congdan1's certificate: %d %s", user, r.Status, r.Body)
		}
	}
	// His page lists it; another citizen's page does not.
	if page := citizen.Get("/kho-giay-to"); page.Status != 200 || !strings.Contains(string(page.Body), doc.Number) ||
		!strings.Contains(string(page.Body), "/api/v1/my-documents/"+doc.ID) {
		t.Errorf("congdan1's store page: %d\n%s", page.Status, page.Body)
	}
	if page := s.As("congdan2").Get("/kho-giay-to"); page.Status != 200 || strings.Contains(string(page.Body), doc.ID) {
		t.Errorf("congdan2's store page: %d shows congdan1's certificate", page.Status)
	}
	for _, guess := range []string{"00000000-0000-0000-0000-000000000000", "x", strings.ToUpper(doc.ID)} {
		if r := s.As("congdan2").Get("/api/v1/my-documents/" + guess); r.Status != 404 {
			t.Errorf("guessed ID %q: %d", guess, r.Status)
		}
	}

	// A component that does not take certificates refuses it.
	if r := citizen.Request("POST", "/api/v1/my-documents/"+doc.ID+"/reuse",
		map[string]any{"procedure": "G09.CVTLT.02", "component": "anh"}, nil); r.Status != 409 || r.Problem().Field != "reuse.type" {
		t.Errorf("reuse for the photo: %d %s", r.Status, r.Body)
	}

	// Acceptance 1: reuse at submission.
	var f store.File
	citizen.MustDo(201, "POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, &f)
	if f.ReusedFrom != doc.ID {
		t.Fatalf("the reused file: %+v", f)
	}
	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	form := stacktest.SampleForm(citizen, p)
	form["fileChungChiCu"] = []string{f.ID}
	// The certificate's number and date are held to the chosen certificate.
	form["certificateNumber"] = "999/SAI"
	if r := citizen.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": form}, nil); r.Status != 422 ||
		len(r.Problem().Errors) != 2 || r.Problem().Errors[0].Field != "/certificateNumber" || r.Problem().Errors[0].Code != "from_document" ||
		!strings.Contains(r.Problem().Errors[0].Message, doc.Number) {
		t.Fatalf("a number other than the chosen certificate's: %d %s", r.Status, r.Body)
	}
	form["certificateNumber"] = doc.Number
	form["issuedOn"] = doc.IssuedAt.In(motcua.Vietnam).Format("2006-01-02")
	var sub stacktest.Submitted
	citizen.MustDo(201, "POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": form}, &sub)
	var d struct {
		Files []store.File `json:"files"`
	}
	citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(sub.Code), nil, &d)
	var reused []store.File
	for _, x := range d.Files {
		if x.ReusedFrom != "" {
			reused = append(reused, x)
		}
	}
	if len(reused) != 1 || reused[0].Component != "chung-chi-cu" || reused[0].ID != f.ID || reused[0].ReusedFrom != doc.ID {
		t.Fatalf("files of the reissue: %+v", d.Files)
	}
	if r := citizen.Get("/api/v1/dossiers/" + string(sub.Code) + "/files/" + f.ID); r.Status != 200 || string(r.Body) != string(pdf) {
		t.Errorf("the reused component is not the certificate: %d", r.Status)
	}
	// The desk receives it: the staff page, the 766 statistics and the portal's record
	// say the component was reused.
	if r := s.Act("canbo1", sub.Code, map[string]any{"action": "receive"}); r.Status != 200 {
		t.Fatalf("receive: %d %s", r.Status, r.Body)
	}
	if page := s.As("canbo1").Get("/can-bo/ho-so/" + string(sub.Code)); page.Status != 200 ||
		strings.Count(string(page.Body), "tái sử dụng từ kho dữ liệu điện tử") != 1 {
		t.Errorf("the staff page: %d\n%s", page.Status, page.Body)
	}
	var root string
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT path FROM units WHERE code = 'G09'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	period, err := reports.ParsePeriod(now.In(motcua.Vietnam).Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.Store.Inputs766(t.Context(), root, period, now.Add(time.Minute))
	if err != nil || in.ComponentsReused != 1 {
		t.Errorf("766 inputs: %d dossiers reused a component (%v), want 1", in.ComponentsReused, err)
	}
	record := portaltest.Start(t, portal.DevOptions{}).Record(t, s.Store, s.Now, string(sub.Code))
	reusedOnPortal := map[string]int{}
	for _, c := range record.Components {
		reusedOnPortal[c.ID] = c.Reused
	}
	if len(record.Components) != len(d.Files) || reusedOnPortal[f.ID] != portal.ReusedLocal {
		t.Errorf("the portal's record of the components: %+v", record.Components)
	}
	for id, n := range reusedOnPortal {
		if id != f.ID && n != portal.NotReused {
			t.Errorf("uploaded file %s reported reused (%d)", id, n)
		}
	}

	// A reused file goes with one dossier only.
	form2 := stacktest.SampleForm(citizen, p)
	form2["fileChungChiCu"] = []string{f.ID}
	if r := citizen.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": form2}, nil); r.Status != 422 {
		t.Errorf("the same reused file in a second dossier: %d %s", r.Status, r.Body)
	}

	// Chosen, then revoked before the dossier is sent: the submission checks it again.
	var f2 store.File
	citizen.MustDo(201, "POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, &f2)
	s.As("lanhdao2").MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/result/revoke",
		map[string]any{"reason": "Cấp sai đối tượng."}, nil)
	form3 := stacktest.SampleForm(citizen, p)
	form3["fileChungChiCu"] = []string{f2.ID}
	form3["certificateNumber"], form3["issuedOn"] = form["certificateNumber"], form["issuedOn"]
	if r := citizen.Request("POST", "/api/v1/dossiers", map[string]any{"procedure": p.Code, "formData": form3}, nil); r.Status != 422 ||
		len(r.Problem().Errors) != 1 || r.Problem().Errors[0].Code != "file.reuse" || !strings.Contains(r.Problem().Errors[0].Message, "đã bị thu hồi") {
		t.Errorf("a certificate revoked after it was chosen: %d %s", r.Status, r.Body)
	}
}

// TestReuseIsRefusedForTamperedRevokedAndExpiredDocuments: each refusal says why
// (problem field and message), and attaches nothing.
func TestReuseIsRefusedForTamperedRevokedAndExpiredDocuments(t *testing.T) {
	s := stacktest.Start(t)
	reuse := map[string]any{"procedure": "G09.CVTLT.02", "component": "chung-chi-cu"}
	ctx := t.Context()
	reusedFiles := func(t *testing.T) int {
		t.Helper()
		var n int
		if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM files WHERE reused_from IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, tc := range []struct {
		name   string
		spoil  func(code motcua.DossierCode, doc store.StoredDocument)
		reason string
		words  string
		shown  string // on the store page (a tampered one is found out only when chosen)
	}{
		{"tampered in storage", func(_ motcua.DossierCode, doc store.StoredDocument) {
			// One byte of the stored PDF changes where it lies (the blob of its hash).
			if _, err := s.Store.Pool().Exec(ctx, `UPDATE blobs SET data = overlay(data placing '\x20'::bytea from 200 for 1)
				WHERE sha256 = (SELECT sha256 FROM applicant_documents WHERE id = $1::uuid)`, doc.ID); err != nil {
				t.Fatal(err)
			}
		}, "reuse.signature", "chữ ký số không còn hợp lệ", ""},
		{"revoked", func(code motcua.DossierCode, _ store.StoredDocument) {
			s.As("lanhdao2").MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/result/revoke",
				map[string]any{"reason": "Cấp sai đối tượng."}, nil)
		}, "reuse.revoked", "đã bị thu hồi", "Đã bị thu hồi ngày"},
		{"expired", func(_ motcua.DossierCode, doc store.StoredDocument) {
			// A document whose validity ended the day before the stack's today.
			if _, err := s.Store.Pool().Exec(ctx, `UPDATE applicant_documents SET valid_until = $2::date WHERE id = $1::uuid`,
				doc.ID, s.Now().In(motcua.Vietnam).AddDate(0, 0, -1).Format("2006-01-02")); err != nil {
				t.Fatal(err)
			}
		}, "reuse.expired", "đã hết hiệu lực", "Hết hiệu lực từ ngày"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := s.For(t)
			citizen := s.As("congdan1")
			code, _ := issuedCertificate(t, s)
			var doc store.StoredDocument
			for _, d := range myDocuments(t, citizen, "1.013929") {
				if d.Dossier == code {
					doc = d
				}
			}
			if doc.ID == "" {
				t.Fatalf("%s is not in the store", code)
			}
			tc.spoil(code, doc)
			before := reusedFiles(t)
			r := citizen.Request("POST", "/api/v1/my-documents/"+doc.ID+"/reuse", reuse, nil)
			if r.Status != 409 || r.Problem().Field != tc.reason || !strings.Contains(r.Problem().Title, tc.words) {
				t.Errorf("reuse: %d %s", r.Status, r.Body)
			}
			if after := reusedFiles(t); after != before {
				t.Errorf("a refused reuse attached %d files", after-before)
			}
			if page := citizen.Get("/kho-giay-to"); tc.shown != "" && (page.Status != 200 || !strings.Contains(string(page.Body), tc.shown)) {
				t.Errorf("the store page does not say %q: %d", tc.shown, page.Status)
			}
		})
	}
}
