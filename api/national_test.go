package api_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/portal"
	"motcua/internal/portal/portaltest"
	"motcua/internal/stacktest"
	"motcua/internal/store"
)

// TestNationalStoreFetchesAndPushesThroughAnOutage: against the development portal,
// the pusher gives the national store the certificate motcua issued (number, file),
// once; while the portal fails, the push waits and is retried, never lost. The fetch
// brings the citizen's documents of a type held there (his only) into his store.
func TestNationalStoreFetchesAndPushesThroughAnOutage(t *testing.T) {
	s := stacktest.Start(t)
	dev := portaltest.Start(t, portal.DevOptions{})
	client := dev.Client(t)
	const owner = "001090012345" // congdan1
	code, pdf := issuedCertificate(t, s)

	now := time.Date(2026, 11, 20, 9, 0, 0, 0, motcua.Vietnam)
	pusher := &portal.Pusher{Outbox: s.Store, Store: client, Now: func() time.Time { return now }}
	attempts := func() (n int, sent bool) {
		t.Helper()
		err := s.Store.Pool().QueryRow(t.Context(), `SELECT coalesce(max(attempts), 0), bool_or(sent_at IS NOT NULL) IS TRUE FROM national_pushes`).Scan(&n, &sent)
		if err != nil {
			t.Fatal(err)
		}
		return n, sent
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeFail}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second pass comes before the retry time: nothing is tried
		if n, err := pusher.Pass(t.Context()); err != nil || n != 0 {
			t.Fatalf("pass while the portal fails: %d sent, %v", n, err)
		}
	}
	if n, sent := attempts(); n != 1 || sent || len(dev.NationalDocuments(owner)) != 0 {
		t.Fatalf("after the outage: %d attempts, sent %v, the store holds %d", n, sent, len(dev.NationalDocuments(owner)))
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeOK}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if n, err := pusher.Pass(t.Context()); err != nil || n != 1 {
		t.Fatalf("pass after the outage: %d sent, %v", n, err)
	}
	if n, err := pusher.Pass(t.Context()); err != nil || n != 0 {
		t.Fatalf("a third pass sent %d (%v)", n, err)
	}
	held := dev.NationalDocuments(owner)
	if len(held) != 1 || held[0].Type != "1.013929" || held[0].Number == "" || held[0].Dossier != string(code) ||
		string(held[0].File) != string(pdf) || len(dev.Pushes()) != 1 {
		t.Fatalf("the national store holds %d documents, %d pushes", len(held), len(dev.Pushes()))
	}

	// Fetch: his documents of the type, not someone else's.
	dev.PutNationalDocument(portal.NationalDocument{ID: "KQ-QG-1", Owner: owner, Type: "1.013929", Name: "Chứng chỉ hành nghề lưu trữ",
		Number: "15/CCHNLT", Issuer: "Sở Nội vụ Hà Nội", IssuedOn: "2020-09-15", File: stacktest.SamplePDF("chứng chỉ"), FileType: "application/pdf"})
	dev.PutNationalDocument(portal.NationalDocument{ID: "KQ-QG-2", Owner: "001085099999", Type: "1.013929", Name: "Chứng chỉ của người khác",
		IssuedOn: "2021-01-01", File: stacktest.SamplePDF("khác"), FileType: "application/pdf"})
	var uid int64
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT id FROM users WHERE username = 'congdan1'`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	svc := dossiers.New(dossiers.Deps{Store: s.Store, Catalog: s.Catalog, National: client})
	actor := motcua.Actor{UserID: uid, Roles: []motcua.Role{motcua.RoleCitizen}}
	for range 2 { // fetching again adds nothing twice
		docs, err := svc.FetchNational(t.Context(), actor, "1.013929")
		if err != nil {
			t.Fatal(err)
		}
		var national []store.StoredDocument
		for _, d := range docs {
			if d.Source == store.SourceNational {
				national = append(national, d)
			}
		}
		if len(national) != 1 || national[0].Number != "15/CCHNLT" || national[0].Issuer != "Sở Nội vụ Hà Nội" || len(docs) != 2 {
			t.Fatalf("after the fetch: %+v", docs)
		}
	}
	if err := dev.SetControl(portal.Control{Mode: portal.ModeFail}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.FetchNational(t.Context(), actor, "1.013929"); motcua.ErrorCode(err) != motcua.EUNAVAILABLE {
		t.Errorf("fetch while the portal fails: %v", err)
	}
}
