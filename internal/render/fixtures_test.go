package render

import (
	"time"
)

// Fixtures: the demo organization (Bộ Nội vụ, G09) and its demo users.

var vn = time.FixedZone("ICT", 7*3600)

func at(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, vn) }

const verifyBase = "https://dichvucong.moha.gov.vn/tra-cuu/xac-thuc?ma="

func deskHeader(date time.Time, code string) Header {
	return Header{
		ParentAgency: "BỘ NỘI VỤ",
		Agency:       "VĂN PHÒNG BỘ",
		Office:       "Bộ phận Một cửa Bộ Nội vụ",
		Place:        "Hà Nội",
		Date:         date,
		Signer:       Signer{Name: "Lê Thị Hoa"},
		VerifyURL:    verifyBase + code,
	}
}

var citizen = Applicant{
	Name:     "Trần Văn Minh",
	IDNumber: "001085012345",
	Address:  "Số 8 phố Tôn Thất Thuyết, phường Cầu Giấy, thành phố Hà Nội",
	Phone:    "0912 345 678",
	Email:    "tranvanminh@example.vn",
}

const (
	fundCode      = "000.00.00.G09-251120-0012"
	fundProcedure = "Cấp giấy phép thành lập và công nhận điều lệ quỹ xã hội, quỹ từ thiện có phạm vi hoạt động toàn quốc hoặc liên tỉnh"
)

func sampleReceipt() *Receipt {
	return &Receipt{
		Header:      deskHeader(at(2025, 11, 20, 9, 15), fundCode),
		DossierCode: fundCode,
		Applicant:   citizen,
		Procedure:   fundProcedure,
		Channel:     "trực tiếp",
		Components: []Component{
			{Name: "Đơn đề nghị cấp giấy phép thành lập và công nhận điều lệ quỹ", Form: "Bản chính", Count: 1},
			{Name: "Dự thảo điều lệ quỹ", Form: "Bản chính", Count: 1},
			{Name: "Phiếu lý lịch tư pháp của các sáng lập viên", Form: "Bản sao chứng thực", Count: 3},
			{Name: "Văn bản xác nhận tài sản đóng góp để thành lập quỹ", Form: "Bản chính", Count: 1},
		},
		TimeLimit:      "30 ngày làm việc",
		ReceivedAt:     at(2025, 11, 20, 9, 15),
		DueAt:          at(2026, 1, 6, 16, 30),
		ResultDelivery: "Trực tuyến trên Cổng Dịch vụ công quốc gia và bản giấy tại Bộ phận Một cửa",
	}
}

func sampleSupplement() *SupplementRequest {
	h := deskHeader(at(2025, 11, 20, 10, 5), "000.00.00.G09-251120-0013")
	return &SupplementRequest{
		Header:      h,
		DossierCode: "000.00.00.G09-251120-0013",
		Applicant:   citizen,
		Procedure:   fundProcedure,
		Items: []Missing{
			{What: "Phiếu lý lịch tư pháp của sáng lập viên Phạm Thị Lan", Why: "Hồ sơ chỉ có phiếu của hai trong ba sáng lập viên."},
			{What: "Văn bản xác nhận tài sản đóng góp (bản chính)", Why: "Bản đã nộp là bản chụp, không có xác nhận của ngân hàng."},
		},
		Deadline: at(2025, 12, 5, 17, 0),
		Contact:  "bà Lê Thị Hoa, Bộ phận Một cửa, điện thoại 024 3824 0000",
	}
}

func sampleRefusal() *Refusal {
	return &Refusal{
		Header:      deskHeader(at(2025, 11, 21, 8, 40), "000.00.00.G09-251121-0002"),
		DossierCode: "000.00.00.G09-251121-0002",
		Applicant:   citizen,
		Procedure:   "Cấp giấy phép thành lập quỹ xã hội có phạm vi hoạt động trong một tỉnh",
		Reason:      "Quỹ có phạm vi hoạt động trong một tỉnh thuộc thẩm quyền cấp phép của Ủy ban nhân dân cấp tỉnh, không thuộc thẩm quyền giải quyết của Bộ Nội vụ.\nĐề nghị Ông/Bà nộp hồ sơ tại Ủy ban nhân dân tỉnh nơi quỹ đặt trụ sở.",
	}
}

func officeHeader(date time.Time, code, number string) Header {
	h := deskHeader(date, code)
	h.Number = number
	h.Signer = Signer{Prefix: "TL. BỘ TRƯỞNG", Title: "CHÁNH VĂN PHÒNG", Name: "Đỗ Thu Trang"}
	h.Recipients = []string{"Như trên;", "Vụ Tổ chức phi chính phủ;", "Lưu: VT, MC."}
	return h
}

func sampleApology() *Apology {
	return &Apology{
		Header:      officeHeader(at(2026, 1, 2, 14, 0), fundCode, "05/VP-MC"),
		DossierCode: fundCode,
		Applicant:   citizen,
		Procedure:   fundProcedure,
		ReceivedAt:  at(2025, 11, 20, 9, 15),
		DueAt:       at(2026, 1, 6, 16, 30),
		Reason:      "Cần lấy ý kiến của Bộ Tài chính về nguồn tài sản đóng góp thành lập quỹ; đến nay chưa nhận được văn bản trả lời.",
		NewDueAt:    at(2026, 1, 20, 16, 30),
	}
}

func sampleStop() *StopNotice {
	return &StopNotice{
		Header:      officeHeader(at(2025, 12, 1, 15, 0), "000.00.00.G09-251120-0013", "07/TB-VP"),
		DossierCode: "000.00.00.G09-251120-0013",
		Applicant:   citizen,
		Procedure:   fundProcedure,
		ReceivedAt:  at(2025, 11, 20, 10, 5),
		RequestedAt: at(2025, 11, 28, 9, 0),
		Reason:      "Ông/Bà đề nghị dừng thực hiện thủ tục hành chính khi chưa có quyết định giải quyết.",
	}
}

func sampleControlSheet() *ControlSheet {
	return &ControlSheet{
		Header:      deskHeader(at(2025, 11, 20, 9, 30), fundCode),
		DossierCode: fundCode,
		Applicant:   citizen,
		Procedure:   fundProcedure,
		ReceivedAt:  at(2025, 11, 20, 9, 15),
		DueAt:       at(2026, 1, 6, 16, 30),
		Handovers: []Handover{
			{From: "Lê Thị Hoa (Bộ phận Một cửa)", To: "Phạm Quốc Huy (Vụ Tổ chức phi chính phủ)", At: at(2025, 11, 20, 11, 0), BudgetHours: 4, Result: Early},
			{From: "Phạm Quốc Huy (Vụ Tổ chức phi chính phủ)", To: "Nguyễn Thị Bích Lĩnh (Thứ trưởng)", At: at(2025, 12, 30, 15, 0), BudgetHours: 128, Result: OnTime},
			{From: "Nguyễn Thị Bích Lĩnh (Thứ trưởng)", To: "Đỗ Thu Trang (Văn thư)", At: at(2026, 1, 5, 10, 0), BudgetHours: 16, Result: Late, Note: "Chờ ý kiến Bộ Tài chính"},
			{From: "Đỗ Thu Trang (Văn thư)", To: "Lê Thị Hoa (Bộ phận Một cửa)", At: at(2026, 1, 6, 9, 0), BudgetHours: 8},
		},
	}
}

func leaderHeader(date time.Time, verifyCode string) Header {
	return Header{
		Agency:     "BỘ NỘI VỤ",
		Place:      "Hà Nội",
		Date:       date,
		Signer:     Signer{Prefix: "KT. BỘ TRƯỞNG", Title: "THỨ TRƯỞNG", Name: "Nguyễn Thị Bích Lĩnh"},
		Recipients: []string{"Như Điều 3;", "Bộ trưởng (để báo cáo);", "Cổng Thông tin điện tử Bộ Nội vụ;", "Lưu: VT, TCPCP."},
		VerifyURL:  verifyBase + verifyCode,
	}
}

func sampleDecision() *Decision {
	return &Decision{
		Header:    leaderHeader(at(2026, 1, 5, 10, 0), fundCode+"-KQ"),
		Symbol:    "QĐ-BNV",
		Subject:   "Về việc cấp giấy phép thành lập và công nhận điều lệ Quỹ Hỗ trợ người khuyết tật Việt Nam",
		Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Bases: []string{
			"Căn cứ Nghị định số 25/2025/NĐ-CP ngày 21 tháng 02 năm 2025 của Chính phủ quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ;",
			"Căn cứ Nghị định số 93/2019/NĐ-CP ngày 25 tháng 11 năm 2019 của Chính phủ về tổ chức, hoạt động của quỹ xã hội, quỹ từ thiện, được sửa đổi, bổ sung bởi Nghị định số 136/2024/NĐ-CP;",
		},
		Proposal: "Theo đề nghị của Vụ trưởng Vụ Tổ chức phi chính phủ.",
		Articles: []string{
			"Cấp giấy phép thành lập và công nhận điều lệ Quỹ Hỗ trợ người khuyết tật Việt Nam (sau đây gọi tắt là Quỹ) kèm theo Quyết định này.",
			"Quỹ có tư cách pháp nhân, con dấu và tài khoản riêng; hoạt động theo quy định của pháp luật và điều lệ được công nhận.\nQuyết định này có hiệu lực kể từ ngày ký.",
			"Chủ tịch Hội đồng quản lý Quỹ, Chánh Văn phòng Bộ, Vụ trưởng Vụ Tổ chức phi chính phủ và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
		},
	}
}

func sampleLicence() *Licence {
	h := leaderHeader(at(2026, 1, 5, 10, 0), "000.00.00.G09-251118-0004-KQ")
	h.Recipients = []string{"Trung tâm Lưu trữ quốc gia I;", "Lưu: VT, CVTLT."}
	return &Licence{
		Header:    h,
		Symbol:    "CCHN-BNV",
		Title:     "Chứng chỉ hành nghề lưu trữ",
		Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Bases: []string{
			"Căn cứ Luật Lưu trữ số 33/2024/QH15;",
			"Căn cứ Nghị định số 113/2025/NĐ-CP quy định chi tiết một số điều của Luật Lưu trữ;",
		},
		Proposal: "Theo đề nghị của Cục trưởng Cục Văn thư và Lưu trữ nhà nước.",
		Grant:    "CẤP CHỨNG CHỈ HÀNH NGHỀ LƯU TRỮ CHO:",
		Particulars: []Particular{
			{Label: "Ông/Bà", Value: "Trần Văn Minh"},
			{Label: "Ngày sinh", Value: "12/03/1985"},
			{Label: "Số định danh cá nhân", Value: "001085012345"},
			{Label: "Phạm vi hành nghề", Value: "Bảo quản, tu bổ, phục chế tài liệu lưu trữ; số hóa tài liệu lưu trữ"},
		},
		Articles: []string{
			"Người được cấp chứng chỉ có trách nhiệm hành nghề đúng phạm vi ghi trong chứng chỉ và tuân thủ quy định của pháp luật về lưu trữ.",
			"Chứng chỉ có giá trị trên phạm vi toàn quốc./.",
		},
	}
}

// samples is one document of every kind.
func samples() map[string]Document {
	return map[string]Document{
		"01-receipt":            sampleReceipt(),
		"02-supplement-request": sampleSupplement(),
		"03-refusal":            sampleRefusal(),
		"04-apology":            sampleApology(),
		"05-stop-notice":        sampleStop(),
		"06-control-sheet":      sampleControlSheet(),
		"decision":              sampleDecision(),
		"licence":               sampleLicence(),
	}
}
