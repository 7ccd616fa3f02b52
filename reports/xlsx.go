package reports

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Workbook writes form 06 and the indicators as an XLSX workbook: sheet "Biểu 06"
// with one line per unit and field and the total, the columns of Form06Columns; sheet
// "Chỉ số 766" with the indicators. Figures are numbers, not text, so that a reader can
// sum them.
func Workbook(f Form06, indicators []Indicator) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const form = "Biểu 06"
	if err := x.SetSheetName("Sheet1", form); err != nil {
		return nil, err
	}
	set := func(sheet string, col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return x.SetCellValue(sheet, cell, v)
	}
	head := []any{"Biểu số 06/VPCP/KSTT: Tình hình, kết quả giải quyết thủ tục hành chính tại " + f.UnitName}
	head2 := []any{"Kỳ báo cáo: " + f.Period.Label()}
	for i, v := range append(head, head2...) {
		if err := set(form, 1, i+1, v); err != nil {
			return nil, err
		}
	}
	const first = 4 // the heading row
	headings := []string{"STT", "Đơn vị", "Lĩnh vực"}
	for _, c := range Form06Columns {
		headings = append(headings, c.Heading)
	}
	for i, h := range headings {
		if err := set(form, i+1, first, h); err != nil {
			return nil, err
		}
	}
	line := func(row int, n any, unit, domain string, r Form06Row) error {
		vals := []any{n, unit, domain}
		for _, v := range r.Values() {
			vals = append(vals, v)
		}
		for i, v := range vals {
			if err := set(form, i+1, row, v); err != nil {
				return err
			}
		}
		return nil
	}
	for i, r := range f.Rows {
		if err := line(first+1+i, i+1, r.UnitName, r.Domain, r); err != nil {
			return nil, err
		}
	}
	if err := line(first+1+len(f.Rows), "", "", "Tổng cộng", f.Total); err != nil {
		return nil, err
	}

	const ind = "Chỉ số 766"
	if _, err := x.NewSheet(ind); err != nil {
		return nil, err
	}
	for i, h := range []string{"Mã", "Nhóm", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%)"} {
		if err := set(ind, i+1, 1, h); err != nil {
			return nil, err
		}
	}
	for i, in := range indicators {
		var pct any = "Không phát sinh"
		if in.Defined {
			pct = in.Percent
		}
		for j, v := range []any{in.Code, in.Group, in.Name, in.Numerator, in.Denominator, pct} {
			if err := set(ind, j+1, i+2, v); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}
