package formstest

// ResultContent is, per procedure code, what the result issued from its valid sample
// must print (pdftotext -layout, whitespace joined): first the title as the document
// prints the declared result, then the applicant's own data from the sample (the
// holder's name, date of birth and ID number, the scope and validity of a certificate,
// the fund's name, address, capital and scope, the nominees of a submission, ...). The
// render package's catalog test and the API's whole-path test read the same table, so
// a procedure added to the catalog without its expected result fails both.
var ResultContent = map[string][]string{
	"1.013932":     {"BẢN SAO TÀI LIỆU LƯU TRỮ CÓ CHỨNG THỰC LƯU TRỮ", "Trần Văn Minh", "001085012345", "Quyết định thành lập Trường Sư phạm Hà Nội", "HS 88/1995"},
	"1.014936":     {"QUYẾT ĐỊNH", "cấp giấy phép thành lập và công nhận điều lệ Quỹ Học bổng Ánh Dương", "Số 12 phố Tràng Thi", "5.500.000.000 đồng", "toàn quốc", "Lê Minh Khang", "079201008888"},
	"1.014937":     {"QUYẾT ĐỊNH", "Quỹ Học bổng Ánh Dương đủ điều kiện hoạt động", "Nguyễn Thị Hòa", "040190004567", "Lê Minh Khang", "215/QĐ-BNV"},
	"G09.CCVC.01":  {"QUYẾT ĐỊNH", "tiếp nhận vào làm công chức", "Nguyễn Thị Hòa", "21/07/1990", "040190004567", "Chuyên viên chính về văn thư, lưu trữ"},
	"G09.CCVC.02":  {"QUYẾT ĐỊNH", "kéo dài thời gian giữ chức vụ", "Đỗ Văn Thành", "02/02/1966", "Vụ trưởng Vụ Tổ chức cán bộ", "02/05/2028"},
	"1.013929":     {"CHỨNG CHỈ HÀNH NGHỀ LƯU TRỮ", "TRẦN VĂN MINH", "12/03/1985", "001085012345", "Số hóa tài liệu lưu trữ", "05 năm"},
	"G09.CVTLT.02": {"CHỨNG CHỈ HÀNH NGHỀ LƯU TRỮ", "TRẦN VĂN MINH", "12/03/1985", "001085012345", "CCHNLT-2020-0421", "05 năm"},
	"G09.TCPCP.01": {"GIẤY PHÉP THÀNH LẬP VÀ CÔNG NHẬN ĐIỀU LỆ QUỸ", "(Cấp lại)", "Quỹ Học bổng Ánh Dương", "215/QĐ-BNV", "Bị mất"},
	"G09.TCPCP.02": {"QUYẾT ĐỊNH", "hợp nhất", "Quỹ Khuyến học Bình Minh", "Quỹ Học bổng Ánh Dương Bình Minh", "88/QĐ-BNV"},
	"G09.TDKT.01":  {"TỜ TRÌNH", "đề nghị tặng Bằng khen của Thủ tướng Chính phủ", "Kính gửi: Thủ tướng Chính phủ", "Lê Thị Hoa", "Bộ phận Một cửa, Văn phòng Bộ Nội vụ", "92,5%", "85,7%"},
}
