package exchange_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/exchange"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/browsertest"
	"motcua/internal/edxml"
	"motcua/internal/signing/service"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
	"motcua/workflows"
)

const (
	ministryID = "000.00.00.G09"
	otherID    = "000.00.00.T01"
	thirdID    = "000.00.00.T02"
	fourthID   = "000.00.00.T03"
)

// pair is two motcua stacks (two agencies, two databases, two Temporal servers) on one
// development axis, and raw axis clients for two more agencies.
type pair struct {
	a, b       *stacktest.Stack
	ax, bx     *exchange.Service
	t02, t03   *axis.Client
	crashArmed atomic.Bool
	crashed    chan struct{}
	// aSends counts the Send calls A's activities make, by idempotency key.
	aSends *countingAxis
}

func startPair(t testing.TB) *pair { return startPairWith(t, nil) }

// startPairWith starts the pair with A on catalog (nil: the embedded one).
func startPairWith(t testing.TB, catalog fs.FS) *pair {
	t.Helper()
	ctx := context.Background()
	srv, err := server.Open(ctx, storetest.NewDatabase(t), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	agencies := append(server.DemoAgencies(), axis.Agency{ID: fourthID, Name: "Cơ quan thử nghiệm 3"})
	if err := srv.EnsureAgencies(ctx, agencies, server.DemoSecret); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	p := &pair{crashed: make(chan struct{}), aSends: &countingAxis{sends: map[string]int{}}}
	cfg := func(id string) axis.ClientConfig {
		return axis.ClientConfig{URL: hs.URL, AgencyID: id, Secret: server.DemoSecret}
	}
	p.a = stacktest.Start(t, stacktest.Options{Axis: cfg(ministryID), PayloadKey: replayKey, Catalog: catalog, WrapAxis: p.aSends.wrap, AfterAxisSend: func(ctx context.Context, key string) error {
		if p.crashArmed.CompareAndSwap(true, false) {
			// The worker dies here: after the axis took the document, before the record.
			go func() { p.a.StopWorker(); close(p.crashed) }()
			return errors.New("worker killed between the axis send and the database write")
		}
		return nil
	}})
	p.b = stacktest.Start(t, stacktest.Options{Axis: cfg(otherID), PayloadKey: replayKey})
	// B trusts A's signature service (in production both trust the national root).
	pemBytes, err := os.ReadFile(p.a.RootPEM)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(pemBytes)
	root, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	p.b.Roots.AddCert(root)
	if catalog != nil { // A takes B's signed replies too (the consultation test)
		bPEM, err := os.ReadFile(p.b.RootPEM)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(bPEM)
		bRoot, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		p.a.Roots.AddCert(bRoot)
	}
	p.ax, p.bx = p.a.App.Exchange(), p.b.App.Exchange()
	if p.t02, err = axis.NewClient(cfg(thirdID)); err != nil {
		t.Fatal(err)
	}
	if p.t03, err = axis.NewClient(cfg(fourthID)); err != nil {
		t.Fatal(err)
	}
	return p
}

func actor(t testing.TB, s *stacktest.Stack, username string) motcua.Actor {
	t.Helper()
	var id int64
	if err := s.Store.Pool().QueryRow(context.Background(), "SELECT id FROM users WHERE username = $1", username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	a, err := s.Store.Actor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// eventually retries cond until it holds (waiting for workflows and the axis; it asserts
// no time).
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 600 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("never happened: %s", what)
}

func minimalPDF(text string) []byte {
	content := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// loginTab logs username in (demo password) in a new tab of br.
func loginTab(t *testing.T, br *browsertest.Browser, username string) *browsertest.Tab {
	t.Helper()
	tab := br.NewTab(t)
	tab.Go("/dang-nhap")
	tab.Type("#username", username)
	tab.Type("#password", "demo")
	tab.Submit("form.card button[type=submit]")
	if strings.Contains(tab.URL(), "/dang-nhap") {
		t.Fatalf("%s could not log in: %s", username, tab.Body())
	}
	return tab
}

// send composes, signs and waits until A's workflow sent the document.
func (p *pair) send(t *testing.T, key, subject string, to []exchange.Recipient, business int, related string) store.Outgoing {
	t.Helper()
	ctx := context.Background()
	leader := actor(t, p.a, "lanhdao1")
	o, err := p.ax.Compose(ctx, actor(t, p.a, "vanthu1"), exchange.ComposeInput{Key: key, Subject: subject,
		TypeCode: "18", TypeName: "Công văn", Symbol: "BNV-VP", Recipients: to, SignerID: leader.UserID,
		BusinessType: business, RelatedDocumentID: related,
		Files: []exchange.File{{Name: key + ".pdf", ContentType: "application/pdf", Data: minimalPDF("Cong van " + key)}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ax.Sign(ctx, leader, o.ID, service.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	eventually(t, key+" sent", func() bool {
		o, err = p.a.Store.OutgoingDocument(ctx, o.ID)
		return err == nil && o.AxisMessageID != ""
	})
	return o
}

// incomingOf waits until B holds the document documentID (B polls the axis meanwhile).
func (p *pair) incomingOf(t *testing.T, documentID string, state string) store.Incoming {
	t.Helper()
	var found store.Incoming
	eventually(t, "B receives "+documentID+" in state "+state, func() bool {
		if _, err := p.bx.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
		list, _ := p.b.Store.ListIncoming(context.Background(), 1000)
		for _, in := range list {
			if in.DocumentID == documentID && in.State == state && in.State != store.IncomingRecall {
				if state == store.IncomingArrived { // arrived means 01 went back
					if h, _ := p.b.Store.IncomingHistory(context.Background(), in.ID); len(h) == 0 {
						return false
					}
				}
				found = in
				return true
			}
		}
		return false
	})
	return found
}

func (p *pair) recipientStatus(t *testing.T, outgoingID int64, organ, want string) {
	t.Helper()
	eventually(t, organ+" reaches "+want, func() bool {
		if _, err := p.bx.Poll(context.Background()); err != nil { // B takes what A sent (a recall)
			t.Fatal(err)
		}
		if _, err := p.ax.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
		v, err := p.ax.Outgoing(context.Background(), outgoingID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range v.Recipients {
			if r.OrganID == organ {
				return r.Status == want
			}
		}
		return false
	})
}

func historyCodes(h []store.StatusEvent) string {
	var cs []string
	for _, e := range h {
		cs = append(cs, e.Status)
	}
	return strings.Join(cs, ",")
}

// rawAnswer plays an agency without motcua: it takes every pending document of its
// queue and answers code about it.
func rawAnswer(t *testing.T, c *axis.Client, from string, codes ...edxml.StatusCode) {
	t.Helper()
	ctx := context.Background()
	var msgs []axis.Message
	eventually(t, from+" receives a document", func() bool {
		var err error
		msgs, err = c.Received(ctx, axis.ReceivedQuery{Kind: axis.KindDocument})
		return err == nil && len(msgs) > 0
	})
	for _, m := range msgs {
		for i, code := range codes {
			env := statusEnvelope(t, from, m.DocumentID, code, time.Date(2026, 3, 2, 9, i, 0, 0, motcua.Vietnam))
			if _, err := c.Send(ctx, axis.SendRequest{Key: fmt.Sprintf("%s/%s/%s", m.ID, code, from), Envelope: env}); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Ack(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func statusEnvelope(t *testing.T, from, documentID string, code edxml.StatusCode, at time.Time) []byte {
	t.Helper()
	env, err := edxml.Marshal(edxml.Envelope{Status: &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganId: ministryID, DocumentId: documentID},
		From:        edxml.Organization{OrganId: from, OrganName: "Cơ quan " + from},
		StatusCode:  code, Timestamp: at.Format(time.RFC3339)}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestExchangeBetweenTwoInstances runs the acceptance of issue 13 part B on two motcua
// stacks and one development axis, in order: a signed document to three agencies; a
// tampered and an unsigned attachment refused with 02 by nobody; duplicates flagged;
// recall before and after processing, replacement linked; a worker killed between the
// axis send and the database write.
func TestExchangeBetweenTwoInstances(t *testing.T) {
	p := startPair(t)
	ctx := context.Background()
	three := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"},
		{OrganID: thirdID, OrganName: "Cơ quan thử nghiệm 2"}, {OrganID: fourthID, OrganName: "Cơ quan thử nghiệm 3"}}

	var first store.Outgoing
	t.Run("a signed document reaches three agencies, each reaches 03 and the sender sees it", func(t *testing.T) {
		first = p.send(t, "cv-1", "Về việc phối hợp liên thông văn bản", three, 0, "")
		if first.CodeNumber != "01" || !strings.HasPrefix(first.DocumentID, ministryID+",") {
			t.Fatalf("numbered %q, DocumentId %q", first.CodeNumber, first.DocumentID)
		}
		files, err := p.a.Store.ExchangeFiles(ctx, "outgoing", first.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("files %v %v", len(files), err)
		}
		rep := p.a.Pdfsig(t, files[0].Data)
		if strings.Count(rep, "Signature is Valid.") != 2 {
			t.Fatalf("the sent copy should carry the leader's signature and the seal, both valid:\n%s", rep)
		}
		in := p.incomingOf(t, first.DocumentID, store.IncomingArrived)
		var v exchange.IncomingView
		eventually(t, "B answers 01", func() bool {
			v, err = p.bx.Incoming(ctx, in.ID)
			return err != nil || len(v.History) > 0
		})
		if err != nil || historyCodes(v.History) != "01" {
			t.Fatalf("before registration B sent %q (%v), want 01 only", historyCodes(v.History), err)
		}
		if v.Files[0].Verdict != "valid" || !strings.Contains(p.a.Pdfsig(t, v.Files[0].Data), "Signature is Valid.") {
			t.Fatalf("B's copy: verdict %q", v.Files[0].Verdict)
		}
		p.recipientStatus(t, first.ID, otherID, "01")
		reg, err := p.bx.Register(ctx, actor(t, p.b, "vanthu1"), in.ID)
		if err != nil || reg.Number != 1 {
			t.Fatalf("register: %+v %v", reg, err)
		}
		rawAnswer(t, p.t02, thirdID, edxml.StatusArrived, edxml.StatusRegistered)
		rawAnswer(t, p.t03, fourthID, edxml.StatusArrived, edxml.StatusRegistered)
		for _, r := range three {
			p.recipientStatus(t, first.ID, r.OrganID, "03")
		}
		// One child per recipient follows its statuses (outgoing-child-per-recipient).
		for _, r := range three {
			child := workflows.OutgoingRecipientWorkflowID(first.WorkflowID, r.OrganID)
			eventually(t, child+" at 03", func() bool {
				v, err := p.a.Temporal.QueryWorkflow(ctx, child, "", workflows.QueryExchangeState)
				var st workflows.ExchangeState
				return err == nil && v.Get(&st) == nil && st.State == "03"
			})
		}
		// T02's 03 delivered a second time (another axis message, same status): one row.
		dup := statusEnvelope(t, thirdID, first.DocumentID, edxml.StatusRegistered, time.Date(2026, 3, 2, 9, 1, 0, 0, motcua.Vietnam))
		if _, err := p.t02.Send(ctx, axis.SendRequest{Key: "again", Envelope: dup}); err != nil {
			t.Fatal(err)
		}
		res, err := p.ax.Poll(ctx)
		if err != nil || res.Statuses != 1 || res.Recorded != 0 {
			t.Fatalf("second delivery: %+v %v", res, err)
		}
		v2, _ := p.ax.Outgoing(ctx, first.ID)
		n := 0
		for _, e := range v2.History {
			if e.OrganID == thirdID && e.Status == "03" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("T02's 03 has %d history rows: %+v", n, v2.History)
		}
	})

	t.Run("a tampered or unsigned attachment gets 02 with a reason, with nobody involved", func(t *testing.T) {
		files, _ := p.a.Store.ExchangeFiles(ctx, "outgoing", first.ID)
		tampered := bytes.Replace(files[0].Data, []byte("Cong van cv-1"), []byte("Cong van cv-9"), 1)
		if bytes.Equal(tampered, files[0].Data) {
			t.Fatal("nothing tampered")
		}
		for _, tc := range []struct {
			name, docID string
			data        []byte
			reason      string
		}{
			{"tampered", "000.00.00.T02,2026/03/02,07/UBND", tampered, "không hợp lệ"},
			{"unsigned", "000.00.00.T02,2026/03/02,08/UBND", minimalPDF("khong ky"), "chưa được ký số"},
		} {
			env, err := edxml.Marshal(edxml.Envelope{Header: edxml.MessageHeader{
				From: edxml.Organization{OrganId: thirdID, OrganName: "Cơ quan thử nghiệm 2"},
				To:   []edxml.Organization{{OrganId: otherID, OrganName: "Cơ quan thử nghiệm 1"}},
				Code: edxml.Code{CodeNumber: "07", CodeNotation: tc.name}, Subject: "Văn bản " + tc.name,
				DocumentType: edxml.DocumentType{Type: "18", TypeName: "Công văn"}, DocumentId: tc.docID},
				Attachments: []edxml.Attachment{{ContentId: "a1", Name: tc.name + ".pdf", ContentType: "application/pdf", Data: tc.data}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.t02.Send(ctx, axis.SendRequest{Key: tc.name, Envelope: env}); err != nil {
				t.Fatal(err)
			}
			in := p.incomingOf(t, tc.docID, store.IncomingRefused)
			if !strings.Contains(in.Reason, tc.reason) {
				t.Fatalf("%s: reason %q", tc.name, in.Reason)
			}
			var st *edxml.Status
			eventually(t, "T02 gets 02", func() bool {
				msgs, _ := p.t02.Received(ctx, axis.ReceivedQuery{Kind: axis.KindStatus})
				for _, m := range msgs {
					f, _ := p.t02.Fetch(ctx, m.ID)
					e, err := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
					_ = p.t02.Ack(ctx, m.ID)
					if err == nil && e.Status.ResponseFor.DocumentId == tc.docID {
						st = e.Status
						return true
					}
				}
				return false
			})
			if st.StatusCode != edxml.StatusRefused || !strings.Contains(st.Description, tc.reason) {
				t.Fatalf("%s: status %s %q", tc.name, st.StatusCode, st.Description)
			}
		}
	})

	t.Run("a duplicate DocumentId, or the same number, symbol and issuer, is flagged and not registered twice", func(t *testing.T) {
		// A sends the very same envelope again under another key (a clerk's double send).
		sent, err := p.a.App.Axis.Sent(ctx, axis.SentQuery{Key: first.WorkflowID + "/send"})
		if err != nil || len(sent) != 1 {
			t.Fatalf("sent %v %v", sent, err)
		}
		f, err := p.a.App.Axis.Fetch(ctx, sent[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.a.App.Axis.Send(ctx, axis.SendRequest{Key: "resend-1", Envelope: f.Envelope}); err != nil {
			t.Fatal(err)
		}
		dup := p.incomingOf(t, first.DocumentID, store.IncomingDuplicate)
		if dup.DuplicateOf == 0 {
			t.Fatalf("duplicate not linked: %+v", dup)
		}
		// Same number + symbol + issuer under another DocumentId.
		env, err := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		env.Header.DocumentId = "another-id-of-the-same-document"
		b, err := edxml.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.a.App.Axis.Send(ctx, axis.SendRequest{Key: "resend-2", Envelope: b}); err != nil {
			t.Fatal(err)
		}
		p.incomingOf(t, "another-id-of-the-same-document", store.IncomingDuplicate)
		if _, err := p.bx.Register(ctx, actor(t, p.b, "vanthu1"), dup.ID); motcua.ErrorCode(err) == "" {
			t.Fatal("a duplicate was registered")
		}
		reg, err := p.b.Store.IncomingRegister(ctx, store.RegisterYear(p.b.Now()))
		if err != nil || len(reg) != 1 {
			t.Fatalf("incoming register holds %d rows, want 1 (%v)", len(reg), err)
		}
	})

	var processed, early store.Outgoing
	var earlyIn store.Incoming
	t.Run("recall before processing ends in 15, after processing in 16; replace links the documents", func(t *testing.T) {
		one := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}
		early = p.send(t, "cv-recall-early", "Văn bản sẽ thu hồi sớm", one, 0, "")
		in := p.incomingOf(t, early.DocumentID, store.IncomingArrived)
		earlyIn = in
		if err := p.ax.Recall(ctx, actor(t, p.a, "vanthu1"), early.ID, "Ban hành nhầm"); err != nil {
			t.Fatal(err)
		}
		p.incomingOf(t, early.DocumentID, store.IncomingRevoked)
		p.recipientStatus(t, early.ID, otherID, "15")
		v, _ := p.bx.Incoming(ctx, in.ID)
		if v.RecallReason != "Ban hành nhầm" || v.RecalledAt.IsZero() || v.Subject != early.Subject || v.Files[0].Data != nil {
			t.Fatalf("revoked copy: reason %q at %v subject %q, file kept %v", v.RecallReason, v.RecalledAt, v.Subject, v.Files[0].Data != nil)
		}
		if _, err := p.bx.Register(ctx, actor(t, p.b, "vanthu1"), in.ID); err == nil {
			t.Fatal("a recalled document was registered")
		}

		processed = p.send(t, "cv-recall-late", "Văn bản đã giao xử lý", one, 0, "")
		in2 := p.incomingOf(t, processed.DocumentID, store.IncomingArrived)
		// The workflow has checked the document once it answered 01: only then may it be
		// registered (before, it is still "fetching").
		eventually(t, "B answers 01 to the second document", func() bool {
			v, err := p.bx.Incoming(ctx, in2.ID)
			return err != nil || len(v.History) > 0
		})
		if _, err := p.bx.Register(ctx, actor(t, p.b, "vanthu1"), in2.ID); err != nil {
			t.Fatal(err)
		}
		if err := p.bx.Direct(ctx, actor(t, p.b, "lanhdao1"), in2.ID, exchange.DirectInput{LeadUnit: "Văn phòng",
			SupportingUnits: []string{"Vụ Pháp chế"}, Deadline: time.Date(2026, 3, 20, 0, 0, 0, 0, motcua.Vietnam)}); err != nil {
			t.Fatal(err)
		}
		if err := p.ax.Recall(ctx, actor(t, p.a, "vanthu1"), processed.ID, "Cần sửa"); err != nil {
			t.Fatal(err)
		}
		p.recipientStatus(t, processed.ID, otherID, "16")
		if v, _ := p.bx.Incoming(ctx, in2.ID); v.State != store.IncomingAssigned || v.LeadUnit != "Văn phòng" {
			t.Fatalf("after a refused recall: %s %q", v.State, v.LeadUnit)
		}

		repl := p.send(t, "cv-replace", "Văn bản thay thế", one, int(edxml.BusinessReplace), processed.DocumentID)
		got := p.incomingOf(t, repl.DocumentID, store.IncomingArrived)
		if got.BusinessType != int(edxml.BusinessReplace) || got.RelatedDocumentID != processed.DocumentID {
			t.Fatalf("replacement not linked: type %d related %q", got.BusinessType, got.RelatedDocumentID)
		}
	})

	t.Run("pages: the clerical office registers an incoming document, the leader directs it, the registers and inbox show it", func(t *testing.T) {
		if _, err := browsertest.ExecPath(); err != nil {
			t.Skip("no chromium: ", err)
		}
		one := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}
		o := p.send(t, "cv-trang", "Về việc thử giao diện văn bản đến", one, 0, "")
		in := p.incomingOf(t, o.DocumentID, store.IncomingArrived)
		br := browsertest.Start(t, p.b.URL)
		login := func(username string) *browsertest.Tab {
			tab := br.NewTab(t)
			tab.Go("/dang-nhap")
			tab.Type("#username", username)
			tab.Type("#password", "demo")
			tab.Submit("form.card button[type=submit]")
			if strings.Contains(tab.URL(), "/dang-nhap") {
				t.Fatalf("%s could not log in: %s", username, tab.Body())
			}
			return tab
		}
		clerk := login("vanthu1")
		clerk.Go("/van-ban/den")
		row := fmt.Sprintf("#vb-%d", in.ID)
		if !strings.Contains(clerk.Text(row), "Về việc thử giao diện văn bản đến") {
			t.Fatalf("the incoming list lacks the document: %s", clerk.Body())
		}
		clerk.Submit(row + " button[type=submit]")
		if !strings.Contains(clerk.Body(), "Đã vào sổ văn bản đến.") || !strings.Contains(clerk.Text("#tinh-trang"), "Đã vào sổ") {
			t.Fatalf("after registration: %s", clerk.Body())
		}
		if clerk.Has("#leadUnit") {
			t.Error("the clerical office is offered the leader's direction form")
		}

		leader := login("lanhdao1")
		leader.Go(fmt.Sprintf("/van-ban/den/%d", in.ID))
		leader.Submit("form[action$='/chi-dao'] button[type=submit]") // empty: refused, with the field marked
		if !strings.Contains(leader.Body(), "Chọn đơn vị chủ trì giải quyết.") {
			t.Fatalf("an empty direction was not refused: %s", leader.Body())
		}
		leader.Type("#leadUnit", "TDKT")
		leader.Type("#supportingUnits", "VP")
		leader.Set("#deadline", "2026-12-31")
		leader.Submit("form[action$='/chi-dao'] button[type=submit]")
		if !strings.Contains(leader.Body(), "Đã ghi ý kiến chỉ đạo.") || leader.Text("#chu-tri") != "TDKT" ||
			leader.Text("#thoi-han") != "31/12/2026" {
			t.Fatalf("after direction: %s", leader.Body())
		}
		p.recipientStatus(t, o.ID, otherID, "04")

		// The registers: the document is in the incoming register and the tracking book
		// with its lead unit and deadline, with links to the XLSX and PDF.
		clerk.Go(fmt.Sprintf("/van-ban/so?nam=%d", store.RegisterYear(p.b.Now())))
		book := clerk.Text("#so-theo-doi")
		if !strings.Contains(book, "TDKT (chủ trì); phối hợp: VP") || !strings.Contains(book, "31/12/2026") {
			t.Errorf("the tracking book lacks the direction: %s", book)
		}
		if !strings.Contains(clerk.Text("#so-den"), "Về việc thử giao diện văn bản đến") {
			t.Errorf("the incoming register lacks the document: %s", clerk.Text("#so-den"))
		}
		if href := clerk.Attr("#so-den a[href*='format=xlsx']", "href"); !strings.Contains(href, "/api/v1/exchange/registers/den") {
			t.Errorf("XLSX link %q", href)
		}
		// The lead unit's inbox lists the document beside its dossiers.
		var page struct {
			Documents []struct {
				ID       int64  `json:"id"`
				LeadUnit string `json:"leadUnit"`
			} `json:"documents"`
		}
		p.b.As("chuyenvien4").MustDo(200, "GET", "/api/v1/inbox", nil, &page)
		found := false
		for _, d := range page.Documents {
			found = found || d.ID == in.ID
		}
		if !found {
			t.Errorf("TDKT's inbox lacks the directed document: %+v", page.Documents)
		}
		// The same on the inbox page: the lead unit's clerk sees it as lead, a clerk of
		// a supporting unit as supporting, with the deadline and its bucket.
		lead := login("chuyenvien4")
		lead.Go("/can-bo/viec")
		if row := lead.Text(fmt.Sprintf("#vbg-%d", in.ID)); !strings.Contains(row, "Về việc thử giao diện văn bản đến") ||
			!strings.Contains(row, "Chủ trì") || !strings.Contains(row, "31/12/2026") {
			t.Errorf("TDKT's inbox page row: %q\n%s", row, lead.Body())
		}
		support := login("canbo1")
		support.Go("/can-bo/viec")
		for _, problem := range support.Accessibility() {
			t.Errorf("inbox page with documents: %s", problem)
		}
		if row := support.Text(fmt.Sprintf("#vbg-%d", in.ID)); !strings.Contains(row, "Phối hợp") {
			t.Errorf("VP's inbox page row: %q\n%s", row, support.Body())
		}
		if !strings.Contains(support.Text("nav.menu"), "Văn bản") {
			t.Errorf("no Văn bản link in the menu: %s", support.Text("nav.menu"))
		}
		// The sender's page shows each recipient's status.
		ab := browsertest.Start(t, p.a.URL)
		tab := ab.NewTab(t)
		tab.Go("/dang-nhap")
		tab.Type("#username", "vanthu1")
		tab.Type("#password", "demo")
		tab.Submit("form.card button[type=submit]")
		tab.Go(fmt.Sprintf("/van-ban/di/%d", o.ID))
		if !strings.Contains(tab.Body(), "04 Đã phân công") {
			t.Errorf("the sender's page lacks the recipient's 04: %s", tab.Body())
		}
	})

	t.Run("a dossier's signed result goes to another agency as it is, and the dossier links to it", func(t *testing.T) {
		one := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}
		proc, err := p.a.Catalog.Procedure("1.014937")
		if err != nil {
			t.Fatal(err)
		}
		sub := stacktest.Submit(p.a.As(stacktest.ApplicantFor(proc)), proc)
		clerical := actor(t, p.a, "vanthu1")
		if _, err := p.ax.SendResult(ctx, clerical, sub.Code, one); motcua.ErrorCode(err) != motcua.ECONFLICT {
			t.Fatalf("a dossier without a result was sent: %v", err)
		}
		if _, err := p.ax.SendResult(ctx, actor(t, p.a, "lanhdao1"), sub.Code, one); motcua.ErrorCode(err) != motcua.EFORBIDDEN {
			t.Fatalf("a leader sent the result: %v", err)
		}
		p.a.Drive(sub.Code, proc)
		d, err := p.a.Store.DossierByCode(ctx, sub.Code)
		if err != nil {
			t.Fatal(err)
		}
		result, err := p.a.Store.LatestDocument(ctx, d.ID, motcua.DocResult)
		if err != nil {
			t.Fatal(err)
		}
		o, err := p.ax.SendResult(ctx, clerical, sub.Code, one)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "the result sent", func() bool {
			o, err = p.a.Store.OutgoingDocument(ctx, o.ID)
			return err == nil && o.AxisMessageID != ""
		})
		if o.DossierCode != string(sub.Code) || o.CodeNumber == "" {
			t.Fatalf("not linked or not numbered: dossier %q number %q", o.DossierCode, o.CodeNumber)
		}
		again, err := p.ax.SendResult(ctx, clerical, sub.Code, one)
		if err != nil || again.ID != o.ID {
			t.Fatalf("the same result to the same agency made another document: %d %v", again.ID, err)
		}
		sends, err := p.ax.ResultSends(ctx, sub.Code)
		if err != nil || len(sends) != 1 || sends[0].ID != o.ID {
			t.Fatalf("the dossier's sends: %+v %v", sends, err)
		}
		// The envelope carries the signed result byte for byte: not signed, not sealed again.
		in := p.incomingOf(t, o.DocumentID, store.IncomingArrived)
		v, err := p.bx.Incoming(ctx, in.ID)
		if err != nil || len(v.Files) != 1 {
			t.Fatalf("B's copy: %v files, %v", len(v.Files), err)
		}
		if !bytes.Equal(v.Files[0].Data, result.Data) || v.Files[0].Verdict != "valid" {
			t.Fatalf("B's attachment: same bytes %v, verdict %q", bytes.Equal(v.Files[0].Data, result.Data), v.Files[0].Verdict)
		}
		want := strings.Count(p.a.Pdfsig(t, result.Data), "Signature is Valid.")
		if got := strings.Count(p.b.Pdfsig(t, v.Files[0].Data), "Signature is Valid."); want == 0 || got != want {
			t.Fatalf("pdfsig at B: %d valid signatures, the result has %d", got, want)
		}
		p.recipientStatus(t, o.ID, otherID, "01")

		// The same through the JSON API: the agencies to pick from, a send, the list.
		api := p.a.As("vanthu1")
		var ags struct {
			Agencies []exchange.Recipient `json:"agencies"`
		}
		api.MustDo(200, "GET", "/api/v1/exchange/agencies", nil, &ags)
		if len(ags.Agencies) != 3 || slices.ContainsFunc(ags.Agencies, func(r exchange.Recipient) bool { return r.OrganID == ministryID }) {
			t.Fatalf("agencies: %+v", ags.Agencies)
		}
		var sent struct {
			ID          int64  `json:"id"`
			DossierCode string `json:"dossierCode"`
		}
		api.MustDo(201, "POST", "/api/v1/exchange/dossiers/"+string(sub.Code)+"/result",
			map[string]any{"recipients": []exchange.Recipient{{OrganID: fourthID, OrganName: "Cơ quan thử nghiệm 3"}}}, &sent)
		if sent.DossierCode != string(sub.Code) || sent.ID == o.ID {
			t.Fatalf("sent through the API: %+v", sent)
		}
		p.a.As("lanhdao1").MustDo(403, "POST", "/api/v1/exchange/dossiers/"+string(sub.Code)+"/result",
			map[string]any{"recipients": []exchange.Recipient{{OrganID: thirdID}}}, nil)
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		api.MustDo(200, "GET", "/api/v1/exchange/dossiers/"+string(sub.Code)+"/result", nil, &list)
		if len(list.Items) != 2 || list.Items[0].ID != o.ID || list.Items[1].ID != sent.ID {
			t.Fatalf("the dossier's sends through the API: %+v", list.Items)
		}

		if _, err := browsertest.ExecPath(); err != nil {
			t.Skip("no chromium: ", err)
		}
		br := browsertest.Start(t, p.a.URL)
		tab := loginTab(t, br, "vanthu1")
		tab.Go("/can-bo/ho-so/" + string(sub.Code))
		if href := tab.Attr(fmt.Sprintf("#gui-ket-qua ~ ul a[href='/van-ban/di/%d']", o.ID), "href"); href == "" {
			t.Fatalf("the dossier page does not link the sent result: %s", tab.Body())
		}
		tab.Go("/van-ban/ket-qua/" + string(sub.Code))
		tab.Submit("form[action^='/van-ban/ket-qua/'] button[type=submit]") // nothing picked
		if !strings.Contains(tab.Body(), "Chọn ít nhất một cơ quan nhận trong danh sách.") {
			t.Fatalf("an empty choice was not refused: %s", tab.Body())
		}
		for _, problem := range tab.Accessibility() {
			t.Errorf("send-result page with an error: %s", problem)
		}
		tab.Click("input[value='" + thirdID + "']")
		tab.Submit("form[action^='/van-ban/ket-qua/'] button[type=submit]")
		if !strings.Contains(tab.Body(), "Đã lập văn bản gửi kết quả") || tab.Count("#da-gui li") != 3 {
			t.Fatalf("after sending from the page: %s", tab.Body())
		}
	})

	t.Run("pages: the clerical office composes an outgoing document, the leader signs it and it is sent", func(t *testing.T) {
		if _, err := browsertest.ExecPath(); err != nil {
			t.Skip("no chromium: ", err)
		}
		pdf := filepath.Join(t.TempDir(), "cong-van.pdf")
		if err := os.WriteFile(pdf, minimalPDF("Cong van soan tren trang"), 0o644); err != nil {
			t.Fatal(err)
		}
		br := browsertest.Start(t, p.a.URL)
		tab := loginTab(t, br, "vanthu1")
		tab.Go("/van-ban/di")
		if !strings.Contains(tab.Attr("nav.menu a[aria-current=page]", "href"), "/van-ban") {
			t.Errorf("the menu's Văn bản link is not current on /van-ban/di: %s", tab.Text("nav.menu"))
		}
		if href := tab.Attr("#soan", "href"); href != "/van-ban/di/soan" {
			t.Fatalf("the outgoing list links the compose page at %q", href)
		}
		tab.Go("/van-ban/di/soan")
		tab.Submit("#soan-van-ban button[type=submit]") // empty: refused, fields marked
		for _, msg := range []string{"Nhập trích yếu nội dung văn bản.", "Chọn ít nhất một cơ quan nhận trong danh sách.",
			"Chọn lãnh đạo ký văn bản.", "Chọn tệp PDF của văn bản."} {
			if !strings.Contains(tab.Body(), msg) {
				t.Fatalf("missing %q: %s", msg, tab.Body())
			}
		}
		for _, problem := range tab.Accessibility() {
			t.Errorf("compose page with errors: %s", problem)
		}
		if tab.Count("#recipients input[type=checkbox]") != 3 || tab.Has("input[value='"+ministryID+"']") {
			t.Fatalf("recipients offered: %d (own agency offered: %v)", tab.Count("#recipients input[type=checkbox]"), tab.Has("input[value='"+ministryID+"']"))
		}
		tab.Type("#subject", "Về việc soạn văn bản trên trang")
		tab.Type("#symbol", "BNV-VP")
		tab.Set("#priority", "1")
		tab.Click("input[value='" + otherID + "']")
		leader := actor(t, p.a, "lanhdao1")
		tab.Set("#signerId", fmt.Sprint(leader.UserID))
		tab.Upload("#file", pdf)
		tab.Submit("#soan-van-ban button[type=submit]")
		if !strings.Contains(tab.Body(), "Đã lập văn bản đi; văn bản chờ lãnh đạo ký.") {
			t.Fatalf("after composing: %s", tab.Body())
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(tab.URL(), "?", 2)[0], p.a.URL+"/van-ban/di/"), 10, 64)
		if err != nil {
			t.Fatalf("landed on %s", tab.URL())
		}
		o, err := p.a.Store.OutgoingDocument(ctx, id)
		if err != nil || o.Subject != "Về việc soạn văn bản trên trang" || o.Priority != 1 || o.SignerID != leader.UserID ||
			len(o.Recipients) != 1 || o.Recipients[0].OrganID != otherID {
			t.Fatalf("recorded %+v %v", o, err)
		}
		if err := p.ax.Sign(ctx, leader, o.ID, service.DefaultPIN); err != nil {
			t.Fatal(err)
		}
		eventually(t, "sent", func() bool {
			o, err = p.a.Store.OutgoingDocument(ctx, o.ID)
			return err == nil && o.AxisMessageID != ""
		})
		p.incomingOf(t, o.DocumentID, store.IncomingArrived)
		p.recipientStatus(t, o.ID, otherID, "01")
	})

	t.Run("a worker killed between the axis send and the database write sends nothing twice and loses no status", func(t *testing.T) {
		one := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}
		p.crashArmed.Store(true)
		leader := actor(t, p.a, "lanhdao1")
		o, err := p.ax.Compose(ctx, actor(t, p.a, "vanthu1"), exchange.ComposeInput{Key: "cv-crash", Subject: "Văn bản khi worker dừng",
			TypeName: "Công văn", Symbol: "BNV-VP", Recipients: one, SignerID: leader.UserID,
			Files: []exchange.File{{Name: "crash.pdf", ContentType: "application/pdf", Data: minimalPDF("crash")}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.ax.Sign(ctx, leader, o.ID, service.DefaultPIN); err != nil {
			t.Fatal(err)
		}
		<-p.crashed
		o, _ = p.a.Store.OutgoingDocument(ctx, o.ID)
		if o.AxisMessageID != "" {
			t.Fatal("the record was written before the crash")
		}
		// While A's worker is down, B receives the document and answers 01.
		in := p.incomingOf(t, o.DocumentID, store.IncomingArrived)
		p.b.StopWorker() // B too is restarted, while its status waits on the axis
		p.b.StartWorker()
		p.a.StartWorker()
		eventually(t, "A records the send after restart", func() bool {
			o, _ = p.a.Store.OutgoingDocument(ctx, o.ID)
			return o.AxisMessageID != ""
		})
		p.recipientStatus(t, o.ID, otherID, "01")
		sent, err := p.a.App.Axis.Sent(ctx, axis.SentQuery{DocumentID: o.DocumentID})
		if err != nil || len(sent) != 1 || sent[0].ID != o.AxisMessageID {
			t.Fatalf("the axis holds %d sends of the document (%v)", len(sent), err)
		}
		// The retried activity found the send in the axis's sent list (axis.SendOnce)
		// and never called Send again: the axis's own dedup on the key was not needed.
		if n := p.aSends.count(o.WorkflowID + "/send"); n != 1 {
			t.Fatalf("A's activities called Send %d times for %s, want 1 (reconciliation before resending)", n, o.WorkflowID)
		}
		all, _ := p.b.Store.ListIncoming(ctx, 1000)
		n := 0
		for _, x := range all {
			if x.DocumentID == o.DocumentID {
				n++
			}
		}
		if n != 1 || in.ID == 0 {
			t.Fatalf("B holds %d copies", n)
		}
	})

	t.Run("the exchange workflows' histories replay with today's code", func(t *testing.T) {
		if early.WorkflowID == "" || earlyIn.WorkflowID == "" {
			t.Skip("the recall subtest did not run")
		}
		// outgoing_v1.json was recorded before changeChildPerRecipient; today's
		// executions start one child per recipient (outgoing_v2, outgoing_recipient_v1).
		recordHistory(t, p.a, early.WorkflowID, "outgoing_v2.json")
		recordHistory(t, p.a, workflows.OutgoingRecipientWorkflowID(early.WorkflowID, otherID), "outgoing_recipient_v1.json")
		recordHistory(t, p.b, earlyIn.WorkflowID, "incoming_v1.json")
	})
}
