package store_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestInboxShowsDirectedDocumentsOfTheLeadUnit: an incoming document directed to a unit
// as lead or supporting (by its code or its name) is in that unit's inbox, and its parent's, beside the
// dossiers, bucketed by the end of its deadline's day (Vietnam time); not in another
// unit's; not once done; not on a filtered inbox.
func TestInboxShowsDirectedDocumentsOfTheLeadUnit(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	vn := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, motcua.Vietnam) }
	unit := func(code string) motcua.Unit {
		u, err := s.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tdkt, tcpcp := unit("TDKT"), unit("TCPCP")
	doc := func(key, lead string, deadline time.Time, state string) int64 {
		d, err := s.CreateIncoming(ctx, store.Incoming{AxisMessageID: key, WorkflowID: "incoming/" + key, DocumentID: key,
			IssuerID: "000.00.00.T01", IssuerName: "Cơ quan thử nghiệm", CodeNumber: key, CodeNotation: "T01",
			TypeName: "Công văn", Subject: "Về việc " + key, State: store.IncomingArrived, ArrivedAt: vn(1, 8)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeIncoming(ctx, d.ID, store.IncomingChange{State: state, At: vn(1, 10), LeadUnit: lead,
			Deadline: deadline}); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	late := doc("1", "TDKT", vn(10, 0), store.IncomingAssigned)
	today := doc("2", tdkt.Name, vn(15, 0), store.IncomingProcessing)
	doc("3", "TCPCP", vn(20, 0), store.IncomingAssigned)
	doc("4", "TDKT", vn(20, 0), store.IncomingDone)

	now := vn(15, 9)
	inbox := func(path string, f store.InboxFilter) []store.InboxDocument {
		f.UnitPath, f.Now, f.Soon = path, now, now.Add(24*time.Hour)
		p, err := s.Inbox(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return p.Documents
	}
	got := inbox(tdkt.Path, store.InboxFilter{})
	if len(got) != 2 || got[0].ID != late || got[1].ID != today {
		t.Fatalf("TDKT's inbox documents: %+v, want %d then %d", got, late, today)
	}
	if got[0].Bucket != motcua.BucketOverdue || got[1].Bucket != motcua.BucketDueSoon {
		t.Errorf("buckets %s, %s; want overdue (deadline 10/12) and due soon (deadline today, 15/12)", got[0].Bucket, got[1].Bucket)
	}
	if got[0].Deadline == nil || got[0].Deadline.Format("2006-01-02") != "2026-12-10" {
		t.Errorf("deadline %v, want 2026-12-10", got[0].Deadline)
	}
	if other := inbox(tcpcp.Path, store.InboxFilter{}); len(other) != 1 || other[0].LeadUnit != "TCPCP" {
		t.Errorf("TCPCP's inbox documents: %+v, want its one", other)
	}
	root := tdkt.Path[:len(tdkt.Path)-len(tdkt.Code)-1]
	if all := inbox(root, store.InboxFilter{}); len(all) != 3 {
		t.Errorf("the ministry's inbox has %d documents, want the 3 being handled", len(all))
	}
	if f := inbox(tdkt.Path, store.InboxFilter{Procedure: "IX.01"}); len(f) != 0 {
		t.Errorf("an inbox filtered by procedure lists documents: %+v", f)
	}
	for _, d := range got {
		if d.Role != "lead" {
			t.Errorf("document %d: role %q, want lead", d.ID, d.Role)
		}
	}

	// A supporting unit (by code or by name, among the "; "-joined units) sees it too,
	// marked supporting; a unit named in neither does not.
	d, err := s.CreateIncoming(ctx, store.Incoming{AxisMessageID: "5", WorkflowID: "incoming/5", DocumentID: "5",
		IssuerID: "000.00.00.T01", IssuerName: "Cơ quan thử nghiệm", CodeNumber: "5", CodeNotation: "T01",
		TypeName: "Công văn", Subject: "Về việc phối hợp", State: store.IncomingArrived, ArrivedAt: vn(1, 8)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeIncoming(ctx, d.ID, store.IncomingChange{State: store.IncomingAssigned, At: vn(1, 10), LeadUnit: "TCPCP",
		SupportingUnits: "VP; " + tdkt.Name, Deadline: vn(30, 0)}); err != nil {
		t.Fatal(err)
	}
	got = inbox(tdkt.Path, store.InboxFilter{})
	if len(got) != 3 || got[2].ID != d.ID || got[2].Role != "supporting" || got[2].LeadUnit != "TCPCP" {
		t.Fatalf("TDKT's inbox documents with a supported one: %+v", got)
	}
	if vp := inbox(unit("VP").Path, store.InboxFilter{}); len(vp) != 1 || vp[0].ID != d.ID || vp[0].Role != "supporting" {
		t.Errorf("VP's inbox documents: %+v", vp)
	}
	if cv := inbox(unit("CVTLT").Path, store.InboxFilter{}); len(cv) != 0 {
		t.Errorf("CVTLT's inbox lists documents it neither leads nor supports: %+v", cv)
	}
}
