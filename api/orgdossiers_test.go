package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// TestAnOrganizationsDossierBelongsToTheOrganization (issue 12, who may apply): a
// representative files for the association; the association's own account and its
// other representative find the dossier in their list, open it, read its receipt, answer
// the supplement request and, once returned, download the result and rate it; the
// business's representative, the business and a citizen get the 404 of an unknown code;
// the receipt, the staff's dossier, the inbox and the portal's record name the
// association (with its identifier) as the applicant and the representative as who
// filed; once the second representative's authorization ends, they get 404.
func TestAnOrganizationsDossierBelongsToTheOrganization(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	const association, filer, other = "Hội Văn thư - Lưu trữ Việt Nam (mẫu)", "Trịnh Văn Sơn", "Phạm Thị Thu"
	if _, err := s.Store.CreateUser(ctx, store.User{Username: "daidien2.hoi1", Name: other, Password: "demo",
		Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "hoi1"}, ""); err != nil {
		t.Fatal(err)
	}
	p := procedure(t, s, "1.014937") // for organizations
	repA, repB, org := s.As("daidien.hoi1"), s.As("daidien2.hoi1"), s.As("hoi1")
	sub := stacktest.Submit(repA, p)
	path := "/api/v1/dossiers/" + string(sub.Code)

	var orgID, recorded int64
	if err := s.Store.Pool().QueryRow(ctx, `SELECT u.id, coalesce(d.organization_id, 0) FROM users u, dossiers d
		WHERE u.username = 'hoi1' AND d.code = $1`, sub.Code).Scan(&orgID, &recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != orgID {
		t.Fatalf("the dossier records organization %d, want the association's account %d", recorded, orgID)
	}

	type detail struct {
		dossierJSON
		Applicant           string `json:"applicant"`
		ApplicantIdentifier string `json:"applicantIdentifier"`
		FiledBy             string `json:"filedBy"`
		History             []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
			Note   string `json:"note"`
		} `json:"history"`
	}
	listed := func(c *stacktest.Client) bool {
		t.Helper()
		var list struct {
			Items []struct {
				Code motcua.DossierCode `json:"code"`
			} `json:"items"`
		}
		c.MustDo(200, "GET", "/api/v1/dossiers", nil, &list)
		return slices.ContainsFunc(list.Items, func(d struct {
			Code motcua.DossierCode `json:"code"`
		}) bool {
			return d.Code == sub.Code
		})
	}
	// Unknown is what any outsider must hear: the 404 of a code no dossier has.
	unknown := repA.Request("GET", "/api/v1/dossiers/"+string(sub.Code)[:len(sub.Code)-4]+"9999", nil, nil)
	outsiders := func(when string, cs ...*stacktest.Client) {
		t.Helper()
		for _, c := range cs {
			for _, sfx := range []string{"", "/receipt", "/payments", "/rating"} {
				if r := c.Request("GET", path+sfx, nil, nil); r.Status != 404 || r.Problem().Code != unknown.Problem().Code {
					t.Errorf("%s: %s GET %s: %d %s; want the 404 of an unknown code (%d %s)", when, c.Username, sfx, r.Status, r.Body,
						unknown.Status, unknown.Problem().Code)
				}
			}
			if r := c.Request("POST", path+"/supplement", map[string]any{"note": "Bổ sung."}, nil); r.Status != 404 {
				t.Errorf("%s: %s answers the supplement request: %d %s", when, c.Username, r.Status, r.Body)
			}
			if listed(c) {
				t.Errorf("%s: %s lists the association's dossier", when, c.Username)
			}
		}
	}
	if unknown.Status != 404 {
		t.Fatalf("an unknown code: %d %s", unknown.Status, unknown.Body)
	}

	for _, c := range []*stacktest.Client{repA, repB, org} {
		if !listed(c) {
			t.Errorf("%s does not list the association's dossier", c.Username)
		}
		var d detail
		c.MustDo(200, "GET", path, nil, &d)
		if d.Applicant != association || d.FiledBy != filer || !strings.Contains(d.ApplicantIdentifier, "HOI.DEMO.0001") {
			t.Errorf("%s reads applicant %q (%q), filed by %q", c.Username, d.Applicant, d.ApplicantIdentifier, d.FiledBy)
		}
		if len(d.ControlSheet) != 0 || len(d.Allowed) != 0 {
			t.Errorf("%s, an applicant, is shown the staff's control sheet or decisions: %+v %v", c.Username, d.ControlSheet, d.Allowed)
		}
	}
	outsiders("filed", s.As("daidien.dn1"), s.As("doanhnghiep1"), s.As("congdan1"))

	// The desk receives: the receipt names the association, its identifier and the
	// representative; the association's people all download it.
	act(t, s, "canbo1", sub.Code, map[string]any{"action": "receive"})
	var receipt []byte
	for end := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		r := repB.Request("GET", path+"/receipt", nil, nil)
		if r.Status == 200 {
			receipt = r.Body
			break
		}
		if r.Status != 409 || time.Now().After(end) {
			t.Fatalf("the other representative's receipt: %d %s", r.Status, r.Body)
		}
	}
	text := strings.Join(strings.Fields(stacktest.PDFText(t, receipt)), " ")
	for _, want := range []string{association, "HOI.DEMO.0001", "Người đại diện nộp hồ sơ: " + filer} {
		if !strings.Contains(text, want) {
			t.Errorf("the receipt does not say %q:\n%s", want, text)
		}
	}
	org.MustDo(200, "GET", path+"/receipt", nil, nil)

	// The reviewer asks for a supplement; the other representative answers it with a file.
	reviewer, _ := s.Actor(sub.Code, p)
	var inbox struct {
		Items []struct {
			DossierCode motcua.DossierCode `json:"dossierCode"`
			Applicant   string             `json:"applicant"`
		} `json:"items"`
	}
	s.As(reviewer).MustDo(200, "GET", "/api/v1/inbox?q="+string(sub.Code), nil, &inbox)
	if len(inbox.Items) == 0 || inbox.Items[0].Applicant != association+" (người đại diện: "+filer+")" {
		t.Errorf("the inbox names the applicant %+v", inbox.Items)
	}
	act(t, s, reviewer, sub.Code, map[string]any{"action": "request-supplement", "note": "Thiếu danh sách thành viên.",
		"missing": []string{"Danh sách thành viên Hội đồng quản lý quỹ"}})
	comp := p.Components[0]
	id, r := repB.Upload("bo-sung.pdf", stacktest.SamplePDF("bo sung"))
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var after struct {
		Status motcua.Status `json:"status"`
	}
	repB.MustDo(200, "POST", path+"/supplement", map[string]any{"files": []map[string]string{{"id": id, "component": comp.ID}},
		"note": "Hội đã bổ sung."}, &after)
	if after.Status != motcua.StatusInReview {
		t.Fatalf("after the other representative's answer: %s", after.Status)
	}
	var attached int
	if err := s.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM files f JOIN dossiers d ON d.id = f.dossier_id
		WHERE d.code = $1 AND f.id = $2::uuid`, sub.Code, id).Scan(&attached); err != nil || attached != 1 {
		t.Errorf("the other representative's file is not attached to the dossier (%d, %v)", attached, err)
	}
	var staff detail
	s.As(reviewer).MustDo(200, "GET", path, nil, &staff)
	if staff.Applicant != association || staff.FiledBy != filer {
		t.Errorf("staff read applicant %q filed by %q", staff.Applicant, staff.FiledBy)
	}
	if i := slices.IndexFunc(staff.History, func(e struct {
		Action string `json:"action"`
		Actor  string `json:"actor"`
		Note   string `json:"note"`
	}) bool {
		return e.Action == "supplement"
	}); i < 0 || staff.History[i].Actor != other {
		t.Errorf("the history does not name %s as who answered: %+v", other, staff.History)
	}

	// The portal's record: the association is the dossier's owner (ChuHoSo).
	record := portaltest.Start(t, portal.DevOptions{}).Record(t, s.Store, s.Now, string(sub.Code))
	if record.Applicant != association {
		t.Errorf("the portal's ChuHoSo is %q, want %q", record.Applicant, association)
	}

	// The association ends the second representative's authorization: from then on it
	// is a stranger to the dossier.
	var admin int64
	if err := s.Store.Pool().QueryRow(ctx, `SELECT id FROM users WHERE username = 'admin'`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	if err := s.Store.EndRepresentation(ctx, admin, "daidien2.hoi1"); err != nil {
		t.Fatal(err)
	}
	outsiders("representation ended", repB)

	// Returned: the association's account downloads the issued result and rates; the
	// draft stays hidden from it.
	if end := s.Drive(sub.Code, p); end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}
	var done detail
	org.MustDo(200, "GET", path, nil, &done)
	result := done.latest("result")
	if result == "" || done.latest("draft_result") != "" {
		t.Fatalf("the association reads documents %+v", done.Documents)
	}
	org.MustDo(200, "GET", path+"/documents/"+result, nil, nil)
	org.MustDo(201, "POST", path+"/rating", map[string]any{"score": 5, "criteria": map[string]int{}}, nil)
	repA.MustDo(200, "GET", path+"/rating", nil, nil)
	outsiders("returned", repB, s.As("daidien.dn1"))
}
