package exchange_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"motcua"
	"motcua/exchange"
	"motcua/internal/axis"
	"motcua/internal/axis/server"
	"motcua/internal/browsertest"
	"motcua/internal/signing/service"
	"motcua/internal/stacktest"
	"motcua/internal/store/storetest"
)

// TestComposePageDraftsACongVan: on one stack with the development axis, the clerical
// office writes the text of a công văn on the compose page ("Soạn nội dung") instead of
// uploading a PDF. Empty text is refused in Vietnamese and nothing is recorded; the
// text becomes a PDF laid out by render.Letter; after the leader's signature the
// register's number is filled in and the seal applied (pdfsig: two signatures) and the
// document is sent, its PDF holding the text.
func TestComposePageDraftsACongVan(t *testing.T) {
	if _, err := browsertest.ExecPath(); err != nil {
		t.Skip("no chromium: ", err)
	}
	ctx := context.Background()
	srv, err := server.Open(ctx, storetest.NewDatabase(t), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.EnsureAgencies(ctx, server.DemoAgencies(), server.DemoSecret); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	a := stacktest.Start(t, stacktest.Options{Axis: axis.ClientConfig{URL: hs.URL, AgencyID: ministryID, Secret: server.DemoSecret}})
	ax := a.App.Exchange()
	leader := actor(t, a, "lanhdao1")

	count := func() int {
		var n int
		if err := a.Store.Pool().QueryRow(ctx, "SELECT count(*) FROM exchange_outgoing").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	br := browsertest.Start(t, a.URL)
	tab := loginTab(t, br, "vanthu1")
	tab.Go("/van-ban/di/soan")
	tab.Type("#subject", "đề nghị cung cấp thông tin về quỹ xã hội")
	tab.Type("#symbol", "BNV-VP")
	tab.Click("input[value='" + otherID + "']")
	tab.Set("#signerId", fmt.Sprint(leader.UserID))
	tab.Click("#source-draft")
	tab.Submit("#soan-van-ban button[type=submit]") // no text: refused, nothing recorded
	if !strings.Contains(tab.Body(), "Nhập nội dung công văn, hoặc chọn “Tải lên tệp PDF”.") || count() != 0 {
		t.Fatalf("empty drafted text: %d documents, page %s", count(), tab.Body())
	}
	for _, problem := range tab.Accessibility() {
		t.Errorf("compose page with errors: %s", problem)
	}
	if !tab.Has("#source-draft:checked") {
		t.Errorf("the drafted choice is not kept after the error")
	}
	tab.Type("#text", "Thực hiện nhiệm vụ quản lý nhà nước về quỹ xã hội, Bộ Nội vụ đề nghị Quý cơ quan cung cấp thông tin về các quỹ trên địa bàn.\n\nTrân trọng cảm ơn./.")
	tab.Submit("#soan-van-ban button[type=submit]")
	if !strings.Contains(tab.Body(), "Đã lập văn bản đi; văn bản chờ lãnh đạo ký.") {
		t.Fatalf("after composing: %s", tab.Body())
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(tab.URL(), "?", 2)[0], a.URL+"/van-ban/di/"), 10, 64)
	if err != nil {
		t.Fatalf("landed on %s", tab.URL())
	}
	o, err := a.Store.OutgoingDocument(ctx, id)
	if err != nil || o.TypeName != "Công văn" || o.SignerID != leader.UserID {
		t.Fatalf("recorded %+v %v", o, err)
	}
	files, err := a.Store.ExchangeFiles(ctx, "outgoing", id)
	if err != nil || len(files) != 1 || files[0].Name != "cong-van.pdf" {
		t.Fatalf("files %d %v", len(files), err)
	}
	draft := stacktest.PDFText(t, files[0].Data)
	if !strings.Contains(draft, "V/v đề nghị cung cấp thông tin về quỹ xã hội") || !strings.Contains(draft, "Kính gửi:") {
		t.Fatalf("the draft is not laid out as a công văn:\n%s", draft)
	}

	if err := ax.Sign(ctx, leader, id, service.DefaultPIN); err != nil {
		t.Fatal(err)
	}
	eventually(t, "sent", func() bool {
		o, err = a.Store.OutgoingDocument(ctx, id)
		return err == nil && o.AxisMessageID != ""
	})
	files, err = a.Store.ExchangeFiles(ctx, "outgoing", id)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %d %v", len(files), err)
	}
	if sig := a.Pdfsig(t, files[0].Data); !strings.Contains(sig, "Signature #2") || strings.Contains(sig, "Signature #3") {
		t.Fatalf("want the leader's signature and the seal:\n%s", sig)
	}
	txt := strings.ReplaceAll(stacktest.PDFText(t, files[0].Data), " /", "/")
	pos := 0
	for _, w := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: " + o.CodeNumber + "/BNV-VP", "V/v đề nghị cung cấp thông tin về quỹ xã hội", "Kính gửi: Cơ quan",
		"Bộ Nội vụ đề nghị Quý cơ quan cung cấp thông tin", "Trân trọng cảm ơn./.", "Nơi nhận:"} {
		i := strings.Index(txt[pos:], w)
		if i < 0 {
			t.Fatalf("the sent công văn lacks %q (or it is out of order):\n%s", w, txt)
		}
		pos += i + len(w)
	}
	if o.CodeNumber == "" || !strings.Contains(txt, "Hà Nội, ngày ") {
		t.Errorf("number %q or the date of issue missing:\n%s", o.CodeNumber, txt)
	}

	// Through the service (the JSON API's path): too long, or another type, is refused
	// with the field named and nothing recorded.
	vt := actor(t, a, "vanthu1")
	before := count()
	for _, c := range []struct{ field, text, typ string }{
		{"text", strings.Repeat("Nội dung. ", 2500), "Công văn"},
		{"text", "Nội dung ngắn.", "Thông báo"},
	} {
		_, err := ax.Compose(ctx, vt, exchange.ComposeInput{Key: "dai-" + c.typ, Subject: "V/v thử", TypeName: c.typ, Symbol: "BNV-VP",
			Recipients: []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}, SignerID: leader.UserID, Text: c.text})
		var me *motcua.Error
		if !errors.As(err, &me) || me.Code != motcua.EINVALID || me.Field != c.field || me.Message == "" {
			t.Errorf("%s: got %v, want EINVALID on %s", c.typ, err, c.field)
		}
	}
	if count() != before {
		t.Errorf("a refused draft recorded a document")
	}
}
