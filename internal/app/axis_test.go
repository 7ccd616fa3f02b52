package app

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"motcua"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/edxml"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestTwoInstancesExchangeThroughOneAxis: two motcua systems, two agencies with two
// databases, built by New from their configs, share one development axis with a database
// of its own. The sender registers the document in its outgoing register and sends it;
// the receiver fetches it, registers it in its incoming register (its own numbers),
// answers status 01 and acknowledges; the sender reads the status.
func TestTwoInstancesExchangeThroughOneAxis(t *testing.T) {
	ctx := context.Background()
	srv, err := server.Open(ctx, storetest.NewDatabase(t), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.EnsureAgencies(ctx, server.DemoAgencies(), server.DemoSecret); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	open := func(agency string) *App {
		a, err := New(ctx, Config{DatabaseURL: storetest.NewDatabase(t),
			Axis: axis.ClientConfig{URL: hs.URL, AgencyID: agency, Secret: server.DemoSecret}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		if a.Axis == nil {
			t.Fatal("New built no axis client from Config.Axis")
		}
		return a
	}
	ministry, other := open("000.00.00.G09"), open("000.00.00.T01")
	at := time.Date(2026, time.December, 31, 23, 59, 0, 0, motcua.Vietnam)

	out, err := ministry.Store.RegisterOutgoing(ctx, "000.00.00.G09", store.OutgoingEntry{Key: "wf-out-1/register",
		Symbol: "BNV-VP", RegisteredAt: at, TypeName: "Công văn", Subject: "Về việc phối hợp liên thông", Recipients: "Cơ quan thử nghiệm 1"})
	if err != nil {
		t.Fatal(err)
	}
	env, err := edxml.Marshal(edxml.Envelope{Header: edxml.MessageHeader{
		From:             edxml.Organization{OrganId: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
		To:               []edxml.Organization{{OrganId: "000.00.00.T01", OrganName: "Cơ quan thử nghiệm 1"}},
		Code:             edxml.Code{CodeNumber: store.FormatRegisterNumber(out.Number), CodeNotation: out.Symbol},
		PromulgationInfo: edxml.PromulgationInfo{Place: "Hà Nội", Date: out.IssuedOn.Format("2006-01-02")},
		DocumentType:     edxml.DocumentType{Type: "18", TypeName: out.TypeName},
		Subject:          out.Subject, DocumentId: out.DocumentID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := axis.SendOnce(ctx, ministry.Axis, axis.SendRequest{Key: "wf-out-1/send", Envelope: env}); err != nil {
		t.Fatal(err)
	}

	pending, err := other.Axis.Received(ctx, axis.ReceivedQuery{Kind: axis.KindDocument})
	if err != nil || len(pending) != 1 {
		t.Fatalf("received %+v %v", pending, err)
	}
	f, err := other.Axis.Fetch(ctx, pending[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := other.Store.RegisterIncoming(ctx, store.IncomingEntry{Key: "wf-in-" + f.Message.ID + "/register",
		RegisteredAt: at.Add(2 * time.Minute), Channel: store.ChannelElectronic, IssuerID: doc.Header.From.OrganId,
		IssuerName: doc.Header.From.OrganName, CodeNumber: doc.Header.Code.CodeNumber, CodeNotation: doc.Header.Code.CodeNotation,
		TypeName: doc.Header.DocumentType.TypeName, Subject: doc.Header.Subject, DocumentID: doc.Header.DocumentId,
		AxisMessageID: f.Message.ID})
	if err != nil {
		t.Fatal(err)
	}
	if in.Year != 2027 || in.Number != 1 || out.Year != 2026 || out.Number != 1 {
		t.Fatalf("outgoing %d/%d, incoming %d/%d", out.Number, out.Year, in.Number, in.Year)
	}
	if reg, _ := ministry.Store.IncomingRegister(ctx, 2027); len(reg) != 0 {
		t.Fatalf("the sender's database holds the receiver's register: %+v", reg)
	}
	st, err := edxml.Marshal(edxml.Envelope{Status: &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganId: doc.Header.From.OrganId, DocumentId: doc.Header.DocumentId},
		From:        edxml.Organization{OrganId: "000.00.00.T01", OrganName: "Cơ quan thử nghiệm 1"},
		StatusCode:  edxml.StatusArrived, Timestamp: at.Add(2 * time.Minute).Format(time.RFC3339)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Axis.Send(ctx, axis.SendRequest{Key: "wf-in-" + f.Message.ID + "/status-01", Envelope: st}); err != nil {
		t.Fatal(err)
	}
	if err := other.Axis.Ack(ctx, f.Message.ID); err != nil {
		t.Fatal(err)
	}

	statuses, err := ministry.Axis.Received(ctx, axis.ReceivedQuery{Kind: axis.KindStatus})
	if err != nil || len(statuses) != 1 || statuses[0].DocumentID != out.DocumentID {
		t.Fatalf("statuses %+v %v", statuses, err)
	}
	sent, err := ministry.Axis.Sent(ctx, axis.SentQuery{Key: "wf-out-1/send"})
	if err != nil || len(sent) != 1 || sent[0].Deliveries[0].AckedAt == nil {
		t.Fatalf("sent %+v %v", sent, err)
	}
}
