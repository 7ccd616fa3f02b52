package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/edxml"
	"motcua/internal/store/storetest"
)

const (
	agencyA = "000.00.00.G09"
	agencyB = "000.00.00.T01"
	agencyC = "000.00.00.T02"
)

var secrets = map[string]string{agencyA: "secret-a", agencyB: "secret-b", agencyC: "secret-c"}

// testAxis is a development axis over its own database, served over real HTTP.
type testAxis struct {
	srv *server.Server
	url string
}

func newAxis(t *testing.T, o server.Options) *testAxis {
	t.Helper()
	ctx := context.Background()
	srv, err := server.Open(ctx, storetest.NewDatabase(t), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for id, name := range map[string]string{agencyA: "Bộ Nội vụ", agencyB: "Cơ quan thử nghiệm 1", agencyC: "Cơ quan thử nghiệm 2"} {
		if err := srv.EnsureAgency(ctx, axis.Agency{ID: id, Name: name}, secrets[id]); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testAxis{srv: srv, url: hs.URL}
}

func (a *testAxis) client(t *testing.T, agency string) *axis.Client {
	t.Helper()
	c, err := axis.NewClient(axis.ClientConfig{URL: a.url, AgencyID: agency, Secret: secrets[agency]})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func document(t *testing.T, subject string, to ...string) []byte {
	t.Helper()
	e := edxml.Envelope{Header: edxml.MessageHeader{
		From:             edxml.Organization{OrganId: agencyA, OrganName: "Bộ Nội vụ"},
		Code:             edxml.Code{CodeNumber: "15", CodeNotation: "BNV-VP"},
		PromulgationInfo: edxml.PromulgationInfo{Place: "Hà Nội", Date: "2026-12-01"},
		DocumentType:     edxml.DocumentType{Type: "18", TypeName: "Công văn"},
		Subject:          subject,
		SignerInfo:       edxml.SignerInfo{Position: "Chánh Văn phòng", FullName: "Nguyễn Văn A"},
		DocumentId:       agencyA + ",2026/12/01,15/BNV-VP",
	}, Attachments: []edxml.Attachment{{ContentId: "a1", Name: "congvan.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 test")}}}
	for _, id := range to {
		e.Header.To = append(e.Header.To, edxml.Organization{OrganId: id, OrganName: "Cơ quan " + id})
	}
	out, err := edxml.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func status(t *testing.T, from string, code edxml.StatusCode) []byte {
	t.Helper()
	out, err := edxml.Marshal(edxml.Envelope{Status: &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganId: agencyA, Code: "15/BNV-VP", PromulgationDate: "2026-12-01", DocumentId: agencyA + ",2026/12/01,15/BNV-VP"},
		From:        edxml.Organization{OrganId: from, OrganName: "Cơ quan " + from},
		StatusCode:  code, Timestamp: "2026-12-01T09:00:00+07:00",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func code(err error) string { return motcua.ErrorCode(err) }

func TestAgenciesExchangeADocumentAndItsStatus(t *testing.T) {
	ctx := context.Background()
	ax := newAxis(t, server.Options{})
	a, b, c := ax.client(t, agencyA), ax.client(t, agencyB), ax.client(t, agencyC)

	env := document(t, "Về việc phối hợp giải quyết thủ tục hành chính", agencyB, agencyC)
	res, err := a.Send(ctx, axis.SendRequest{Key: "wf-1/act-5", Envelope: env})
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicate || res.Message.Kind != axis.KindDocument || len(res.Message.Deliveries) != 2 {
		t.Fatalf("send result %+v", res)
	}

	for _, r := range []*axis.Client{b, c} {
		pending, err := r.Received(ctx, axis.ReceivedQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].ID != res.Message.ID || pending[0].From != agencyA ||
			len(pending[0].Deliveries) != 1 || pending[0].Deliveries[0].To != r.AgencyID() {
			t.Fatalf("%s pending %+v", r.AgencyID(), pending)
		}
		got, err := r.Fetch(ctx, pending[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Envelope, env) {
			t.Fatalf("%s fetched a different envelope", r.AgencyID())
		}
		parsed, err := edxml.Parse(bytes.NewReader(got.Envelope), edxml.Limits{})
		if err != nil || parsed.Header.Subject != "Về việc phối hợp giải quyết thủ tục hành chính" || string(parsed.Attachments[0].Data) != "%PDF-1.7 test" {
			t.Fatalf("parse fetched: %v %+v", err, parsed.Header)
		}
		if err := r.Ack(ctx, pending[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := r.Ack(ctx, pending[0].ID); err != nil {
			t.Fatalf("second ack: %v", err)
		}
		if left, _ := r.Received(ctx, axis.ReceivedQuery{}); len(left) != 0 {
			t.Fatalf("%s: acked message still pending: %+v", r.AgencyID(), left)
		}
		if all, _ := r.Received(ctx, axis.ReceivedQuery{All: true}); len(all) != 1 || all[0].Deliveries[0].AckedAt == nil {
			t.Fatalf("%s: all %+v", r.AgencyID(), all)
		}
	}

	// The transport acknowledgement is not a business status: A's queue is still empty.
	if got, _ := a.Received(ctx, axis.ReceivedQuery{}); len(got) != 0 {
		t.Fatalf("A received %+v before any status", got)
	}
	st, err := b.Send(ctx, axis.SendRequest{Key: "b/status-01", Envelope: status(t, agencyB, edxml.StatusArrived)})
	if err != nil {
		t.Fatal(err)
	}
	if st.Message.Kind != axis.KindStatus || st.Message.DocumentID != agencyA+",2026/12/01,15/BNV-VP" {
		t.Fatalf("status %+v", st.Message)
	}
	if docs, _ := a.Received(ctx, axis.ReceivedQuery{Kind: axis.KindDocument}); len(docs) != 0 {
		t.Fatalf("A's document queue %+v", docs)
	}
	statuses, err := a.Received(ctx, axis.ReceivedQuery{Kind: axis.KindStatus})
	if err != nil || len(statuses) != 1 || statuses[0].From != agencyB {
		t.Fatalf("A's statuses %+v %v", statuses, err)
	}
	f, err := a.Fetch(ctx, statuses[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	se, err := edxml.Parse(bytes.NewReader(f.Envelope), edxml.Limits{})
	if err != nil || se.Status == nil || se.Status.StatusCode != edxml.StatusArrived {
		t.Fatalf("status envelope %v %+v", err, se)
	}

	// A's sent list shows the document with both recipients' acknowledgements.
	sent, err := a.Sent(ctx, axis.SentQuery{DocumentID: agencyA + ",2026/12/01,15/BNV-VP"})
	if err != nil || len(sent) != 1 || len(sent[0].Deliveries) != 2 ||
		sent[0].Deliveries[0].AckedAt == nil || sent[0].Deliveries[1].AckedAt == nil {
		t.Fatalf("A sent %+v %v", sent, err)
	}
	// C is neither sender nor recipient of B's status: it does not see it.
	if _, err := c.Fetch(ctx, statuses[0].ID); code(err) != motcua.ENOTFOUND {
		t.Fatalf("C fetched B's status to A: %v", err)
	}
	if err := c.Ack(ctx, statuses[0].ID); code(err) != motcua.ENOTFOUND {
		t.Fatalf("C acked B's status to A: %v", err)
	}
	agencies, err := b.Agencies(ctx)
	if err != nil || len(agencies) != 3 || agencies[0].ID != agencyA {
		t.Fatalf("agencies %+v %v", agencies, err)
	}
}

func TestRetriedSendIsStoredOnceAndReconciles(t *testing.T) {
	ctx := context.Background()
	ax := newAxis(t, server.Options{})
	a, b := ax.client(t, agencyA), ax.client(t, agencyB)
	env := document(t, "Gửi lại sau khi mất kết nối", agencyB)

	first, err := a.Send(ctx, axis.SendRequest{Key: "wf-7/act-3", Envelope: env})
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.Send(ctx, axis.SendRequest{Key: "wf-7/act-3", Envelope: env})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.Message.ID != first.Message.ID {
		t.Fatalf("retry %+v, first %+v", again, first)
	}
	if got, _ := b.Received(ctx, axis.ReceivedQuery{All: true}); len(got) != 1 {
		t.Fatalf("B received %d messages, want 1", len(got))
	}
	// The same key for another envelope is a conflict, not a second message.
	_, err = a.Send(ctx, axis.SendRequest{Key: "wf-7/act-3", Envelope: document(t, "Nội dung khác", agencyB)})
	if code(err) != motcua.ECONFLICT {
		t.Fatalf("reused key: %v", err)
	}
	// Reconciliation after a crash: the sent list, by key, knows the message.
	sent, err := a.Sent(ctx, axis.SentQuery{Key: "wf-7/act-3"})
	if err != nil || len(sent) != 1 || sent[0].ID != first.Message.ID {
		t.Fatalf("sent by key %+v %v", sent, err)
	}
	if none, _ := a.Sent(ctx, axis.SentQuery{Key: "wf-7/act-4"}); len(none) != 0 {
		t.Fatalf("sent by another key %+v", none)
	}
	once, err := axis.SendOnce(ctx, a, axis.SendRequest{Key: "wf-7/act-3", Envelope: env})
	if err != nil || !once.Duplicate || once.Message.ID != first.Message.ID {
		t.Fatalf("SendOnce %+v %v", once, err)
	}
	fresh, err := axis.SendOnce(ctx, a, axis.SendRequest{Key: "wf-8/act-3", Envelope: env})
	if err != nil || fresh.Duplicate || fresh.Message.ID == first.Message.ID {
		t.Fatalf("SendOnce new key %+v %v", fresh, err)
	}
	// B's sent list does not show A's messages.
	if other, _ := b.Sent(ctx, axis.SentQuery{Key: "wf-7/act-3"}); len(other) != 0 {
		t.Fatalf("B sees A's sent messages: %+v", other)
	}
}

func TestConcurrentRetriesOfOneSendStoreOneMessage(t *testing.T) {
	ctx := context.Background()
	ax := newAxis(t, server.Options{})
	a, b := ax.client(t, agencyA), ax.client(t, agencyB)
	env := document(t, "Gửi đồng thời", agencyB)
	ids := make(chan string, 8)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			res, err := a.Send(ctx, axis.SendRequest{Key: "same", Envelope: env})
			errs <- err
			ids <- res.Message.ID
		}()
	}
	seen := map[string]bool{}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		seen[<-ids] = true
	}
	if len(seen) != 1 {
		t.Fatalf("concurrent sends with one key made messages %v", seen)
	}
	if got, _ := b.Received(ctx, axis.ReceivedQuery{}); len(got) != 1 {
		t.Fatalf("B has %d messages", len(got))
	}
}

func TestWrongCredentialsAreRefused(t *testing.T) {
	ctx := context.Background()
	ax := newAxis(t, server.Options{})
	for _, tc := range []struct{ name, agency, secret string }{
		{"wrong secret", agencyB, "secret-a"},
		{"unknown agency", "000.00.00.X99", "secret-b"},
		{"empty-looking secret", agencyB, " "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := axis.NewClient(axis.ClientConfig{URL: ax.url, AgencyID: tc.agency, Secret: tc.secret})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Received(ctx, axis.ReceivedQuery{}); code(err) != motcua.EUNAUTHORIZED {
				t.Fatalf("received: %v", err)
			}
			if _, err := c.Send(ctx, axis.SendRequest{Key: "k", Envelope: document(t, "x", agencyC)}); code(err) != motcua.EUNAUTHORIZED {
				t.Fatalf("send: %v", err)
			}
		})
	}
	resp, err := http.Get(ax.url + axis.PathPrefix + "/agencies")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
		t.Fatalf("no credentials: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	// B may not send in A's name.
	b := ax.client(t, agencyB)
	if _, err := b.Send(ctx, axis.SendRequest{Key: "k", Envelope: document(t, "mạo danh", agencyC)}); code(err) != motcua.EFORBIDDEN {
		t.Fatalf("send as another agency: %v", err)
	}
}

func TestHostileAndInvalidBodiesAreRefused(t *testing.T) {
	ax := newAxis(t, server.Options{Limits: edxml.Limits{MaxBytes: 64 << 10}})
	post := func(t *testing.T, key string, body []byte) (int, axis.ErrorBody) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ax.url+axis.PathPrefix+"/messages", bytes.NewReader(body))
		req.SetBasicAuth(agencyA, secrets[agencyA])
		if key != "" {
			req.Header.Set(axis.HeaderIdemKey, key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var eb axis.ErrorBody
		_ = jsonDecode(resp, &eb)
		return resp.StatusCode, eb
	}
	big := bytes.Repeat([]byte("a"), 1<<20)
	cases := []struct {
		name   string
		key    string
		body   []byte
		status int
		msg    string
	}{
		{"oversized body", "k1", append([]byte(`<edXML xmlns="http://www.go.vn/eDoc"><x>`), big...), http.StatusRequestEntityTooLarge, "dung lượng"},
		{"no key", "", document(t, "x", agencyB), http.StatusBadRequest, "Idempotency-Key"},
		{"key too long", strings.Repeat("k", 201), document(t, "x", agencyB), http.StatusBadRequest, "Idempotency-Key"},
		{"not XML", "k2", []byte("hello"), http.StatusUnprocessableEntity, "XML"},
		{"DOCTYPE with entity", "k3", []byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML xmlns="http://www.go.vn/eDoc"/>`), http.StatusUnprocessableEntity, "DOCTYPE"},
		{"depth bomb", "k4", []byte(`<edXML xmlns="http://www.go.vn/eDoc">` + strings.Repeat("<a>", 5000) + strings.Repeat("</a>", 5000) + `</edXML>`), http.StatusUnprocessableEntity, "lồng quá"},
		{"no recipient", "k5", document(t, "x"), http.StatusUnprocessableEntity, "cơ quan nhận"},
		{"unknown recipient", "k6", document(t, "x", "000.00.00.X99"), http.StatusUnprocessableEntity, "không kết nối"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, eb := post(t, tc.key, tc.body)
			if st != tc.status || !strings.Contains(strings.ToLower(eb.Message), strings.ToLower(tc.msg)) {
				t.Fatalf("status %d %+v, want %d %q", st, eb, tc.status, tc.msg)
			}
		})
	}
	// Nothing of the refused sends was stored.
	b := ax.client(t, agencyB)
	if got, err := b.Received(context.Background(), axis.ReceivedQuery{All: true}); err != nil || len(got) != 0 {
		t.Fatalf("B received %+v %v", got, err)
	}
	// The client refuses an envelope over its own bound before sending it.
	small, err := axis.NewClient(axis.ClientConfig{URL: ax.url, AgencyID: agencyA, Secret: secrets[agencyA], MaxEnvelope: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := small.Send(context.Background(), axis.SendRequest{Key: "k", Envelope: big}); code(err) != motcua.EINVALID {
		t.Fatalf("client sent an oversized envelope: %v", err)
	}
	// Bad list parameters are refused, not clamped.
	for _, q := range []string{"limit=0", "limit=501", "after=-1", "kind=spam"} {
		req, _ := http.NewRequest(http.MethodGet, ax.url+axis.PathPrefix+"/received?"+q, nil)
		req.SetBasicAuth(agencyB, secrets[agencyB])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d", q, resp.StatusCode)
		}
	}
}

// TestClientBoundsTheAxisAnswers runs the client against a hostile axis: oversized
// lists and envelopes, garbage, and an axis that never answers.
func TestClientBoundsTheAxisAnswers(t *testing.T) {
	block := make(chan struct{})
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/received"):
			w.Write([]byte(`{"messages":[`))
			for range 40000 {
				w.Write([]byte(`{"id":"1","kind":"edoc","from":"x","key":"k","documentId":"d","size":1,"sentAt":"2026-01-01T00:00:00Z","deliveries":[]},`))
			}
			w.Write([]byte(`]}`))
		case strings.HasSuffix(r.URL.Path, "/sent"):
			w.Write([]byte(`{"messages":[{"id":"1","kind":"bomb","from":"x"}]}`))
		case strings.HasSuffix(r.URL.Path, "/envelope"):
			w.Write(bytes.Repeat([]byte("x"), 2048))
		case strings.HasSuffix(r.URL.Path, "/messages/1"):
			w.Write([]byte(`{"id":"1","kind":"edoc","from":"x","key":"k","documentId":"d","size":1,"sentAt":"2026-01-01T00:00:00Z","deliveries":[]}`))
		case strings.HasSuffix(r.URL.Path, "/messages"):
			select {
			case <-block:
			case <-r.Context().Done():
			}
		default:
			w.Write([]byte(`not json`))
		}
	}))
	defer hostile.Close()
	defer close(block) // before Close, which waits for the blocked handler
	c, err := axis.NewClient(axis.ClientConfig{URL: hostile.URL, AgencyID: agencyA, Secret: "s", MaxEnvelope: 1024, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Received(ctx, axis.ReceivedQuery{}); code(err) != motcua.EUNAVAILABLE {
		t.Fatalf("oversized list: %v", err)
	}
	if _, err := c.Sent(ctx, axis.SentQuery{}); code(err) != motcua.EUNAVAILABLE {
		t.Fatalf("bad kind: %v", err)
	}
	if _, err := c.Agencies(ctx); code(err) != motcua.EUNAVAILABLE {
		t.Fatalf("not json: %v", err)
	}
	if _, err := c.Fetch(ctx, "1"); code(err) != motcua.EINVALID {
		t.Fatalf("oversized envelope: %v", err)
	}
	if _, err := c.Fetch(ctx, "../agencies"); code(err) != motcua.ENOTFOUND {
		t.Fatalf("path in an ID: %v", err)
	}
	// An axis that does not answer a send: the outcome is unknown, so the caller must
	// reconcile before it sends again.
	_, err = c.Send(ctx, axis.SendRequest{Key: "k", Envelope: []byte("<x/>")})
	if code(err) != motcua.EUNKNOWNOUTCOME || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hanging send: %v", err)
	}
}

func TestStatusIsDeliveredToTheIssuerOnly(t *testing.T) {
	ctx := context.Background()
	ax := newAxis(t, server.Options{})
	b, c := ax.client(t, agencyB), ax.client(t, agencyC)
	if _, err := b.Send(ctx, axis.SendRequest{Key: "s1", Envelope: status(t, agencyB, edxml.StatusRegistered)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Received(ctx, axis.ReceivedQuery{All: true})
	if err != nil || len(got) != 0 {
		t.Fatalf("C got %+v %v", got, err)
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
