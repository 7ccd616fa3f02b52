package render

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestEReceiptShowsWhatWasPaid renders the e-receipt and reads it back: the payer, the
// dossier, the amount with thousands separated by dots, the platform's references.
func TestEReceiptShowsWhatWasPaid(t *testing.T) {
	vn, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2026, 3, 2, 9, 15, 0, 0, vn)
	r, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := &EReceipt{Header: Header{ParentAgency: "BỘ NỘI VỤ", Agency: "VĂN PHÒNG BỘ", Office: "Bộ phận Một cửa Bộ Nội vụ",
		Place: "Hà Nội", Date: paid, Signer: Signer{Name: "Bộ phận Một cửa Bộ Nội vụ"}, VerifyURL: "https://motcua.example/tra-cuu/xac-thuc?ma=abc"},
		DossierCode: "000.00.01.H01-260302-0001", Applicant: Applicant{Name: "Trần Văn Minh"},
		Procedure: "Sử dụng tài liệu lưu trữ", FeeName: "Phí sao chụp tài liệu lưu trữ", Amount: 1234567,
		Reference: "000.00.01.H01-260302-0001-1", Transaction: "GD00000001", PaidAt: paid}
	out, err := r.Render(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	text := oneLine(tool(t, "pdftotext", writePDF(t, "e-receipt", out.PDF), "-"))
	for _, want := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ", "Trần Văn Minh", "1.234.567 đồng", "GD00000001",
		"000.00.01.H01-260302-0001-1", "09 giờ 15 phút, ngày 02/03/2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("e-receipt lacks %q:\n%s", want, text)
		}
	}
	bad := *doc
	bad.Amount = 0
	if _, err := r.Render(context.Background(), &bad); err == nil {
		t.Error("an e-receipt of 0 đồng was rendered")
	}
}
