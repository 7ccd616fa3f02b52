package render

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"motcua"
)

// sampleReport is a report of n rows in the shape of form 06: three text columns and
// figures.
func sampleReport(n int) Report {
	rep := Report{Agency: "BỘ NỘI VỤ", Form: "Biểu số 06/VPCP/KSTT", Place: "Hà Nội", Date: at(2025, 4, 22, 10, 0),
		Title: "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
		Lines: []string{"Kỳ báo cáo: từ ngày 15/03/2025 đến ngày 14/04/2025"},
		Columns: []ReportColumn{{"STT", 2, "center"}, {"Đơn vị", 7, "left"}, {"Lĩnh vực", 8, "left"},
			{"Tổng số hồ sơ nhận giải quyết", 4, "right"}, {"Trước hạn", 3, "right"}},
		Recipients: []string{"Văn phòng Chính phủ (Cục Kiểm soát TTHC);", "Lưu: VT."},
		Signer:     Signer{Title: "THỨ TRƯỞNG", Name: "Nguyễn Thị Bích Lĩnh"}}
	for i := range n {
		rep.Rows = append(rep.Rows, []string{fmt.Sprint(i + 1), "Văn phòng Bộ", fmt.Sprintf("Lĩnh vực số %d", i+1),
			fmt.Sprint(1000 + i), fmt.Sprint(i)})
	}
	rep.Total = []string{"", "", "Tổng cộng", "9999", "42"}
	return rep
}

// TestReportTableBreaksAcrossPagesWithItsHeaderRepeated renders a long table: every
// page of the table starts with the header row, every row is on exactly one page, the
// signer is on the last page, and the pages are landscape A4 that qpdf finds clean.
func TestReportTableBreaksAcrossPagesWithItsHeaderRepeated(t *testing.T) {
	r := newRenderer(t)
	const n = 70
	out, err := r.RenderReport(context.Background(), sampleReport(n))
	if err != nil {
		t.Fatal(err)
	}
	if out.Layout.PageCount < 3 {
		t.Fatalf("%d rows on %d pages, want at least 3", n, out.Layout.PageCount)
	}
	if out.Layout.PageSize.W <= out.Layout.PageSize.H {
		t.Errorf("page %v is not landscape", out.Layout.PageSize)
	}
	p := writePDF(t, "report", out.PDF)
	seen := map[string]int{}
	for page := 1; page <= out.Layout.PageCount; page++ {
		text := oneLine(tool(t, "pdftotext", "-layout", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), p, "-"))
		hasRows := strings.Contains(text, "Lĩnh vực số")
		if hasRows && !strings.Contains(text, "Tổng số hồ sơ nhận giải quyết") {
			t.Errorf("page %d has rows but no header:\n%s", page, text)
		}
		for i := range n {
			if strings.Contains(text, fmt.Sprintf("Lĩnh vực số %d %d", i+1, 1000+i)) {
				seen[fmt.Sprint(i)]++
			}
		}
		if strings.Contains(text, "Nguyễn Thị Bích Lĩnh") != (page == out.Layout.PageCount) {
			t.Errorf("the signer on page %d of %d", page, out.Layout.PageCount)
		}
	}
	if len(seen) != n {
		t.Errorf("%d of %d rows found once in the text", len(seen), n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("row %s on %d pages", k, c)
		}
	}
	if out.Layout.Page != out.Layout.PageCount || out.Layout.SignerImage.W == 0 {
		t.Errorf("signature box %+v on page %d", out.Layout.SignerImage, out.Layout.Page)
	}
	check := string(tool(t, "qpdf", "--check", p))
	if !strings.Contains(check, "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", check)
	}
	info := string(tool(t, "pdfinfo", p))
	if !strings.Contains(info, "841.89 x 595.276") {
		t.Errorf("not landscape A4:\n%s", info)
	}
}

// TestBadReportIsRefusedWithEINVALID: rows that do not fit the columns, too many rows,
// a missing signer are refused, not drawn.
func TestBadReportIsRefusedWithEINVALID(t *testing.T) {
	r := newRenderer(t)
	for name, change := range map[string]func(*Report){
		"short row":     func(rep *Report) { rep.Rows[0] = rep.Rows[0][:2] },
		"too many rows": func(rep *Report) { rep.Rows = make([][]string, maxReportRows+1) },
		"no signer":     func(rep *Report) { rep.Signer.Name = "" },
		"bad total":     func(rep *Report) { rep.Total = []string{"1"} },
		"unprintable":   func(rep *Report) { rep.Rows[0][1] = "Văn phòng \U0001F600" },
	} {
		t.Run(name, func(t *testing.T) {
			rep := sampleReport(2)
			change(&rep)
			if _, err := r.RenderReport(context.Background(), rep); motcua.ErrorCode(err) != motcua.EINVALID {
				t.Errorf("got %v, want EINVALID", err)
			}
		})
	}
}
