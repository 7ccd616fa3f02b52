package exchange_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/exchange"
	"motcua/internal/signing/service"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/workflows"
)

// TestDossierStepConsultsAnExternalAgency is acceptance 9 of issue 13 on two stacks and
// the development axis: the appraisal step of 1.014936 (a test catalog names agency B,
// 000.00.00.T01, as an agency the step consults) asks B for an opinion; the request is an
// outgoing document of A, signed by A's leader, numbered and sealed, sent through the
// axis; B answers with a document whose ResponseFor names it; A's incoming workflow of
// that reply links it and tells the dossier, which records the reply as B's answer and
// lets the step move on. A reply to a document A never sent is an ordinary incoming
// document. With -update it keeps the dossier's and the reply's histories for replay.
func TestDossierStepConsultsAnExternalAgency(t *testing.T) {
	const agencyName = "Cơ quan thử nghiệm 1"
	p := startPairWith(t, stacktest.CatalogWith(t, "1.014936", 2, func(proc map[string]any) {
		for _, st := range proc["steps"].([]any) {
			if st := st.(map[string]any); st["id"] == "tham-dinh" {
				st["consultExternal"] = []any{map[string]any{"organId": otherID, "name": agencyName}}
			}
		}
	}))
	ctx := context.Background()
	a := p.a
	proc, err := a.Catalog.Procedure("1.014936")
	if err != nil {
		t.Fatal(err)
	}
	sub := stacktest.Submit(a.As(stacktest.ApplicantFor(proc)), proc)
	code := sub.Code
	// Drive to the appraisal step.
	for range 10 {
		st := a.State(code)
		if st.Step == "tham-dinh" && st.Status == motcua.StatusInReview {
			break
		}
		user, body, _, err := stacktest.NextDecision(proc, st, false)
		if err != nil {
			t.Fatal(err)
		}
		if r := a.Act(user, code, body); r.Status != 200 {
			t.Fatalf("%s: %d %s", body["action"], r.Status, r.Body)
		}
	}
	clerk := stacktest.Staff["TCPCP/clerk"]
	if st := a.State(code); st.Step != "tham-dinh" || !slices.Contains(st.Allowed, workflows.UpdateConsult) {
		t.Fatalf("at %s, allowed %v", st.Step, st.Allowed)
	}
	// An agency the step does not name is refused by the workflow.
	if r := a.Act(clerk, code, map[string]any{"action": workflows.UpdateConsult, "agencies": []string{thirdID}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), "không có trong danh sách cơ quan ngoài Bộ") {
		t.Fatalf("consulting an agency the step does not name: %d %s", r.Status, r.Body)
	}
	if r := a.Act(clerk, code, map[string]any{"action": workflows.UpdateConsult, "agencies": []string{otherID},
		"note": "Đề nghị cho ý kiến về hoạt động chính của quỹ."}); r.Status != 200 {
		t.Fatalf("consult: %d %s", r.Status, r.Body)
	}
	st := a.State(code)
	if want := "Đang chờ ý kiến của " + agencyName; !slices.Contains(st.AwaitingAgencies, want) {
		t.Fatalf("awaiting %q, want %q", st.AwaitingAgencies, want)
	}
	if page := a.As(clerk).Get("/can-bo/ho-so/" + string(code)); !strings.Contains(string(page.Body), "Đang chờ ý kiến của "+agencyName) {
		t.Fatalf("the dossier page does not say it waits for the agency: %d", page.Status)
	}
	if slices.Contains(st.Allowed, workflows.UpdateCompleteStep) {
		t.Fatalf("the step may move on before the agency replied: %v", st.Allowed)
	}
	if r := a.Act(clerk, code, map[string]any{"action": workflows.UpdateCompleteStep}); r.Status != 409 ||
		!strings.Contains(string(r.Body), "cơ quan ngoài Bộ") {
		t.Fatalf("complete-step while waiting: %d %s", r.Status, r.Body)
	}

	// The request is an outgoing document of the dossier: the leader signs, the
	// clerical office's register numbers and seals it, it goes to B.
	cs, err := a.Store.ExternalConsultations(ctx, code)
	if err != nil || len(cs) != 1 || cs[0].OrganID != otherID || !cs[0].AnsweredAt.IsZero() {
		t.Fatalf("consultations %+v, %v", cs, err)
	}
	out, err := a.Store.OutgoingDocument(ctx, cs[0].OutgoingID)
	if err != nil || out.DossierCode != string(code) || out.State != "draft" {
		t.Fatalf("request %+v, %v", out, err)
	}
	leader := actor(t, a, "lanhdao1")
	if err := p.ax.Sign(ctx, leader, out.ID, service.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the request is sent", func() bool {
		out, err = a.Store.OutgoingDocument(ctx, out.ID)
		return err == nil && out.AxisMessageID != ""
	})
	files, err := a.Store.ExchangeFiles(ctx, "outgoing", out.ID)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v %v", len(files), err)
	}
	if sig := a.Pdfsig(t, files[0].Data); !strings.Contains(sig, "Signature #2") {
		t.Fatalf("the request is not signed and sealed:\n%s", sig)
	}
	// The request is a công văn (render.Letter): its parts in order, the register's
	// number filled in after the leader's signature, the reviewer's note in the body.
	txt := strings.ReplaceAll(stacktest.PDFText(t, files[0].Data), " /", "/")
	pos := 0
	for _, w := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: " + out.CodeNumber + "/BNV-XYK", "V/v xin ý kiến về hồ sơ " + string(code), "Kính gửi: " + agencyName,
		"đang giải quyết hồ sơ mã số " + string(code), "Đề nghị cho ý kiến về hoạt động chính của quỹ.", "Nơi nhận:"} {
		i := strings.Index(txt[pos:], w)
		if i < 0 {
			t.Fatalf("the request lacks %q (or it is out of order):\n%s", w, txt)
		}
		pos += i + len(w)
	}

	// B receives it, and answers with a document whose ResponseFor names it.
	got := p.incomingOf(t, out.DocumentID, store.IncomingArrived)
	bClerical, bLeader := actor(t, p.b, "vanthu1"), actor(t, p.b, "lanhdao1")
	reply, err := p.bx.Compose(ctx, bClerical, exchange.ComposeInput{Key: "tra-loi-" + string(code),
		Subject: "V/v trả lời xin ý kiến về hồ sơ " + string(code), TypeCode: "18", TypeName: "Công văn", Symbol: "T01-VP",
		Recipients: []exchange.Recipient{{OrganID: ministryID, OrganName: "Bộ Nội vụ"}}, SignerID: bLeader.UserID,
		ReplyToIncomingID: got.ID,
		Files:             []exchange.File{{Name: "tra-loi.pdf", ContentType: "application/pdf", Data: minimalPDF("Nhat tri")}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.bx.Sign(ctx, bLeader, reply.ID, service.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B's reply is sent", func() bool {
		reply, err = p.b.Store.OutgoingDocument(ctx, reply.ID)
		return err == nil && reply.AxisMessageID != ""
	})

	// A takes the reply: linked to the request, told to the dossier, which records it.
	for i := 0; ; i++ {
		if _, err := p.ax.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if len(a.State(code).AwaitingAgencies) == 0 {
			break
		}
		if i == 300 {
			list, _ := a.Store.ListIncoming(ctx, 100)
			cs, _ := a.Store.ExternalConsultations(ctx, code)
			t.Fatalf("the dossier never took B's reply (sent as %s): incoming %+v; consultations %+v", reply.DocumentID, list, cs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cs, err = a.Store.ExternalConsultations(ctx, code)
	if err != nil || len(cs) != 1 || cs[0].ReplyIncomingID == 0 || cs[0].AnsweredAt.IsZero() {
		t.Fatalf("consultation after the reply %+v, %v", cs, err)
	}
	in, err := a.Store.IncomingDocument(ctx, cs[0].ReplyIncomingID)
	if err != nil || in.DocumentID != reply.DocumentID || in.State != store.IncomingArrived {
		t.Fatalf("reply %+v, %v", in, err)
	}
	if linked, err := a.Store.AnsweringOutgoing(ctx, in.ID); err != nil || linked != out.ID {
		t.Fatalf("the reply answers outgoing %d, want %d (%v)", linked, out.ID, err)
	}
	v, err := a.Store.DossierView(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(v.Events, func(e store.Event) bool { return e.Action == motcua.EventAgencyReply })
	if i < 0 || !strings.Contains(v.Events[i].Note, "trả lời xin ý kiến") {
		t.Fatalf("no reply in the dossier's history: %+v", v.Events)
	}

	// The staff see the consultation and the reply through the API.
	var dv map[string]any
	a.As(clerk).MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &dv)
	ext, _ := dv["externalConsultations"].([]any)
	if len(ext) != 1 || !strings.Contains(stacktest.Sprintf("%v", ext[0]), reply.DocumentID) {
		t.Fatalf("the API shows %v", dv["externalConsultations"])
	}

	page := a.As(clerk).Get("/can-bo/ho-so/" + string(code))
	if body := string(page.Body); page.Status != 200 || !strings.Contains(body, "Xin ý kiến cơ quan ngoài Bộ") ||
		!strings.Contains(body, agencyName+" đã trả lời") || !strings.Contains(body, reply.DocumentID) {
		t.Fatalf("the dossier page does not show the reply: %d\n%s", page.Status, page.Body)
	}

	// The step moves on, and the dossier ends as any other.
	if end := a.Drive(code, proc); end.Status != motcua.StatusReturned && end.Status != motcua.StatusArchived {
		t.Fatalf("ended %s", end.Status)
	}

	// A reply to a document A never sent is an ordinary incoming document: nothing links,
	// no dossier hears of it.
	unknown := store.DocumentRef{OrganID: ministryID, Code: "999/BNV-VP", DocumentID: "000.00.00.G09,2025/01/01,999/BNV-VP"}
	stray, err := p.bx.Compose(ctx, bClerical, exchange.ComposeInput{Key: "tra-loi-khac-" + string(code),
		Subject: "V/v trả lời Công văn số 999/BNV-VP", TypeCode: "18", TypeName: "Công văn", Symbol: "T01-VP",
		Recipients: []exchange.Recipient{{OrganID: ministryID, OrganName: "Bộ Nội vụ"}}, SignerID: bLeader.UserID,
		Files: []exchange.File{{Name: "tra-loi-khac.pdf", ContentType: "application/pdf", Data: minimalPDF("Tra loi khac")}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.b.Store.SetResponseFor(ctx, "outgoing", stray.ID, []store.DocumentRef{unknown}); err != nil {
		t.Fatal(err)
	}
	if err := p.bx.Sign(ctx, bLeader, stray.ID, service.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the stray reply is sent", func() bool {
		stray, err = p.b.Store.OutgoingDocument(ctx, stray.ID)
		return err == nil && stray.DocumentID != "" && stray.AxisMessageID != ""
	})
	var strayIn store.Incoming
	eventually(t, "A takes the stray reply", func() bool {
		if _, err := p.ax.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		list, _ := a.Store.ListIncoming(ctx, 100)
		for _, x := range list {
			if x.DocumentID == stray.DocumentID {
				strayIn = x
				h, _ := a.Store.IncomingHistory(ctx, x.ID)
				return len(h) > 0 // 01 went back
			}
		}
		return false
	})
	if strayIn.State != store.IncomingArrived {
		t.Fatalf("the stray reply is %s (%s), want an ordinary arrived document", strayIn.State, strayIn.Reason)
	}
	if linked, err := a.Store.AnsweringOutgoing(ctx, strayIn.ID); err != nil || linked != 0 {
		t.Fatalf("the stray reply answers outgoing %d (%v)", linked, err)
	}
	if refs, err := a.Store.ResponseFor(ctx, "incoming", strayIn.ID); err != nil || len(refs) != 1 || refs[0] != unknown {
		t.Fatalf("the stray reply's ResponseFor %+v (%v)", refs, err)
	}
	if cs, err := a.Store.ExternalConsultations(ctx, code); err != nil || len(cs) != 1 || cs[0].ReplyIncomingID != in.ID {
		t.Fatalf("consultations after the stray reply %+v (%v)", cs, err)
	}

	// The reply's incoming workflow ends once the clerical office files it.
	if _, err := p.ax.Register(ctx, actor(t, a, "vanthu1"), in.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.ax.Direct(ctx, leader, in.ID, exchange.DirectInput{LeadUnit: "TCPCP"}); err != nil {
		t.Fatal(err)
	}
	if err := p.ax.Finish(ctx, leader, in.ID, "", true); err != nil {
		t.Fatal(err)
	}
	recordHistory(t, a, workflows.DossierID(code), "dossier_consult_external_v1.json")
	recordHistory(t, a, in.WorkflowID, "incoming_reply_v1.json")
}
