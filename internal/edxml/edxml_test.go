package edxml

import (
	"bytes"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"motcua"
)

func parseFile(t *testing.T, name string) Envelope {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := Parse(f, Limits{})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return e
}

func TestThirdPartyEnvelopeMapsEveryField(t *testing.T) {
	got := parseFile(t, "thirdparty-congvan.xml")
	want := Envelope{
		Header: MessageHeader{
			From: Organization{OrganId: "000.00.01.H26", OrganizationInCharge: "Ủy ban nhân dân tỉnh Hưng Yên",
				OrganName: "Sở Nội vụ tỉnh Hưng Yên", OrganAdd: "Số 6 Đinh Điền, Hưng Yên",
				Email: "sonoivu@hungyen.gov.vn", Telephone: "02213863615", Fax: "02213863616",
				Website: "sonoivu.hungyen.gov.vn"},
			To: []Organization{{OrganId: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
				{OrganId: "000.00.01.H29", OrganName: "Sở Nội vụ tỉnh Hải Dương"}},
			Code:             Code{CodeNumber: "125", CodeNotation: "SNV-VP"},
			PromulgationInfo: PromulgationInfo{Place: "Hưng Yên", Date: "2025-03-14"},
			DocumentType:     DocumentType{Type: "18", TypeName: "Công văn", TypeDetail: "0"},
			Subject:          "V/v đề nghị cung cấp thông tin về chứng chỉ hành nghề lưu trữ",
			Content:          "Đề nghị Bộ Nội vụ cung cấp thông tin.",
			SignerInfo:       SignerInfo{Competence: "KT. GIÁM ĐỐC", Position: "PHÓ GIÁM ĐỐC", FullName: "Nguyễn Văn An"},
			DueDate:          "2025-03-28",
			ToPlaces:         []string{"Như trên", "Lưu: VT, VP"},
			OtherInfo: OtherInfo{Priority: PriorityUrgent, SphereOfPromulgation: "Liên thông văn bản quốc gia",
				TyperNotation: "TH", PromulgationAmount: 4, PageAmount: 2, Appendixes: []string{"Phụ lục I: Danh sách"}},
			SteeringType: 0,
			ResponseFor: []ResponseFor{{OrganId: "000.00.00.G09", Code: "310/BNV-VTLTNN", PromulgationDate: "2025-03-03",
				DocumentId: "000.00.00.G09,2025/03/03,310/BNV-VTLTNN"}},
			DocumentId: "000.00.01.H26,2025/03/14,125/SNV-VP",
		},
		Traces: []TraceHeader{{OrganId: "000.00.01.H26", Timestamp: "2025-03-14T09:30:00+07:00"}},
		Business: Business{DocType: BusinessReplace, Reason: "Thay thế Công văn số 120/SNV-VP do sai thời hạn",
			StaffInfo: StaffInfo{Department: "Văn phòng", Staff: "Trần Thị Bình", Mobile: "0912345678", Email: "binhtt@hungyen.gov.vn"},
			Replacements: []Replacement{{DocumentId: "000.00.01.H26,2025/03/10,120/SNV-VP",
				OrganIds: []string{"000.00.00.G09", "000.00.01.H29"}}}},
		Attachments: []Attachment{
			{ContentId: "congvan-125", Name: "125-SNV-VP.pdf", ContentType: "application/pdf",
				Description: "Công văn đã ký số", Data: []byte("Công văn mẫu")},
			{ContentId: "phuluc-1", Name: "phu-luc-1.pdf", ContentType: "application/pdf", Data: []byte("Phụ lục")},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("mapped\n%+v\nwant\n%+v", got, want)
	}
	if got.Header.OtherInfo.Priority.Label() != "Khẩn" || got.Business.DocType.Label() != "Thay thế" {
		t.Fatalf("labels %q %q", got.Header.OtherInfo.Priority.Label(), got.Business.DocType.Label())
	}
}

func TestThirdPartyStatusMapsEveryField(t *testing.T) {
	got := parseFile(t, "thirdparty-status.xml")
	want := Envelope{Status: &Status{
		ResponseFor: ResponseFor{OrganId: "000.00.01.H26", Code: "125/SNV-VP", PromulgationDate: "2025-03-14",
			DocumentId: "000.00.01.H26,2025/03/14,125/SNV-VP"},
		From:        Organization{OrganId: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
		StatusCode:  StatusRefused,
		Description: "Tệp đính kèm không có chữ ký số hợp lệ",
		Timestamp:   "2025-03-14T10:05:00+07:00",
		StaffInfo:   StaffInfo{Department: "Văn phòng Bộ", Staff: "Lê Văn Cường"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("mapped\n%+v\nwant\n%+v", got, want)
	}
	if got.Status.StatusCode.Label() != "Từ chối tiếp nhận" {
		t.Fatal(got.Status.StatusCode.Label())
	}
}

func TestStatusLabels(t *testing.T) {
	want := map[StatusCode]string{"01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận",
		"04": "Phân công", "05": "Đang xử lý", "06": "Hoàn thành", "13": "Lấy lại",
		"15": "Đồng ý lấy lại/cập nhật", "16": "Từ chối lấy lại/cập nhật"}
	for c, l := range want {
		if c.Label() != l || !c.Known() {
			t.Errorf("%s: %q", c, c.Label())
		}
	}
	if StatusCode("07").Known() {
		t.Error("07 is not a status")
	}
}

func roundTrip(t *testing.T, e Envelope) {
	t.Helper()
	out, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out), Limits{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, e) {
		t.Fatalf("round trip\n%+v\nwant\n%+v", back, e)
	}
}

func TestRoundTrip(t *testing.T) {
	roundTrip(t, parseFile(t, "thirdparty-congvan.xml"))
	roundTrip(t, parseFile(t, "thirdparty-status.xml"))
	roundTrip(t, Envelope{
		Header: MessageHeader{From: Organization{OrganId: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
			Subject: "Thu hồi công văn <số 5> & \"bản sửa\"\n dòng hai"},
		Business: Business{DocType: BusinessRevoke, DocumentId: "000.00.00.G09,2025/01/02,5/BNV-VP", Paper: 1},
	})
	for _, c := range []StatusCode{"01", "03", "04", "05", "06", "13", "15", "16"} {
		roundTrip(t, Envelope{Status: &Status{ResponseFor: ResponseFor{DocumentId: "x"},
			From: Organization{OrganId: "000.00.01.H26"}, StatusCode: c, Timestamp: "2025-03-14 10:05:00"}})
	}
}

func validDoc() Envelope {
	return Envelope{Header: MessageHeader{From: Organization{OrganId: "000.00.00.G09"}, Subject: "Trích yếu"}}
}

func TestMarshalRefusesTooLongFields(t *testing.T) {
	long := validDoc()
	long.Header.Subject = strings.Repeat("ắ", 501)
	_, err := Marshal(long)
	var me *motcua.Error
	if !asError(err, &me) || me.Code != motcua.EINVALID || me.Field != "MessageHeader.Subject" ||
		!strings.Contains(me.Message, "vượt quá 500 ký tự") {
		t.Fatalf("got %v", err)
	}
	ok := validDoc()
	ok.Header.Subject = strings.Repeat("ắ", 500)
	if _, err := Marshal(ok); err != nil {
		t.Fatalf("500 characters must pass: %v", err)
	}
	for name, mut := range map[string]func(*Envelope){
		"MessageHeader.From.OrganId":      func(e *Envelope) { e.Header.From.OrganId = "000.00.00.G091" },
		"MessageHeader.Code.CodeNumber":   func(e *Envelope) { e.Header.Code.CodeNumber = "123456789012" },
		"MessageHeader.Code.CodeNotation": func(e *Envelope) { e.Header.Code.CodeNotation = strings.Repeat("A", 31) },
		"MessageHeader.ToPlaces":          func(e *Envelope) { e.Header.ToPlaces = []string{strings.Repeat("a", 600), strings.Repeat("b", 401)} },
		"Status.Description": func(e *Envelope) {
			*e = Envelope{Status: &Status{StatusCode: "02", ResponseFor: ResponseFor{DocumentId: "x"}, From: Organization{OrganId: "1"}}}
		},
		"Bussiness.DocumentId": func(e *Envelope) { e.Business.DocType = BusinessUpdate },
		"MessageHeader.ResponseFor[0].OrganId": func(e *Envelope) {
			e.Header.ResponseFor = []ResponseFor{{OrganId: "000.00.00.G091", DocumentId: "x"}}
		},
		"MessageHeader.ResponseFor[1].Code": func(e *Envelope) {
			e.Header.ResponseFor = []ResponseFor{{DocumentId: "x"}, {DocumentId: "y", Code: strings.Repeat("1", 43)}}
		},
		"MessageHeader.ResponseFor[0].DocumentId": func(e *Envelope) {
			e.Header.ResponseFor = []ResponseFor{{DocumentId: strings.Repeat("d", 101)}}
		},
		"MessageHeader.ResponseFor[0].PromulgationDate": func(e *Envelope) {
			e.Header.ResponseFor = []ResponseFor{{DocumentId: "x", PromulgationDate: "14.03.2025"}}
		},
		"MessageHeader.ResponseFor": func(e *Envelope) {
			e.Header.ResponseFor = make([]ResponseFor, 21)
			for i := range e.Header.ResponseFor {
				e.Header.ResponseFor[i].DocumentId = "x"
			}
		},
		"Status.StatusCode": func(e *Envelope) { *e = Envelope{Status: &Status{StatusCode: "07"}} },
	} {
		e := validDoc()
		mut(&e)
		_, err := Marshal(e)
		if !asError(err, &me) || me.Code != motcua.EINVALID || me.Field != name {
			t.Errorf("%s: got %v (field %q)", name, err, fieldOf(err))
		}
	}
}

func asError(err error, target **motcua.Error) bool {
	e, ok := err.(*motcua.Error)
	*target = e
	return ok
}

func fieldOf(err error) string {
	if e, ok := err.(*motcua.Error); ok {
		return e.Field
	}
	return ""
}

func doc(inner string) string {
	return `<edXML xmlns="http://www.go.vn/eDoc"><edXMLEnvelope><edXMLHeader><MessageHeader>` +
		`<From><OrganId>000.00.00.G09</OrganId></From>` + inner +
		`</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`
}

func TestParseRefusesHostileAndInvalidInput(t *testing.T) {
	small := Limits{MaxBytes: 4 << 20, MaxAttachmentBytes: 1 << 20}
	huge := base64Of(2 << 20)
	cases := []struct {
		name, input, field, msg string
	}{
		{"depth bomb", `<edXML xmlns="http://www.go.vn/eDoc">` + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + `</edXML>`, "", "lồng quá"},
		{"100k elements", doc("<Subject>s</Subject>" + strings.Repeat("<x/>", 100000)), "", "phần tử"},
		{"too big", doc("<Subject>" + strings.Repeat("a", 5<<20) + "</Subject>"), "", "dung lượng"},
		{"huge attachment", doc("<Subject>s</Subject>") + "", "", ""},
		{"doctype entity", `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + doc("<Subject>&x;</Subject>"), "", "DOCTYPE"},
		{"undeclared entity", doc("<Subject>&x;</Subject>"), "", "không phải XML hợp lệ"},
		{"too long subject", doc("<Subject>" + strings.Repeat("ư", 501) + "</Subject>"), "MessageHeader.Subject", "vượt quá 500 ký tự"},
		{"wrong namespace", strings.Replace(doc("<Subject>s</Subject>"), "http://www.go.vn/eDoc", "http://example.com/eDoc", 1), "edXML", "không gian tên"},
		{"foreign child", strings.Replace(doc("<Subject>s</Subject>"), "<Subject>", `<Subject xmlns="urn:x">`, 1), "Subject", "không gian tên"},
		{"no header", `<edXML xmlns="http://www.go.vn/eDoc"/>`, "MessageHeader", "thiếu"},
		{"not xml", "hello", "", "XML"},
		{"attachment not in manifest", `<edXML xmlns="http://www.go.vn/eDoc"><edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>1</OrganId></From><Subject>s</Subject></MessageHeader></edXMLHeader>` +
			`<edXMLBody><edXMLManifest><Reference><ContentId>a</ContentId></Reference></edXMLManifest></edXMLBody></edXMLEnvelope>` +
			`<AttachmentEncoded><Attachment><ContentId>b</ContentId><ContentTransferEncoded>QUFB</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`, "Attachment[0].ContentId", "danh mục"},
		{"document and status", strings.Replace(doc("<Subject>s</Subject>"), "</MessageHeader>", "</MessageHeader><Status/>", 1), "Status", "vừa là"},
		{"bad priority", doc("<Subject>s</Subject><OtherInfo><Priority>9</Priority></OtherInfo>"), "MessageHeader.OtherInfo.Priority", "Độ khẩn"},
		{"bad date", doc("<Subject>s</Subject><DueDate>mai</DueDate>"), "MessageHeader.DueDate", "định dạng"},
		{"reply without document", doc("<Subject>s</Subject><ResponseFor><OrganId>000.00.00.G09</OrganId></ResponseFor>"), "MessageHeader.ResponseFor[0].DocumentId", "thiếu"},
		{"reply's issuer too long", doc("<Subject>s</Subject><ResponseFor><OrganId>000.00.00.G09X</OrganId><DocumentId>d</DocumentId></ResponseFor>"), "MessageHeader.ResponseFor[0].OrganId", "vượt quá 13 ký tự"},
		{"reply's code too long", doc("<Subject>s</Subject><ResponseFor><Code>" + strings.Repeat("9", 43) + "</Code><DocumentId>d</DocumentId></ResponseFor>"), "MessageHeader.ResponseFor[0].Code", "vượt quá 42 ký tự"},
		{"reply's date", doc("<Subject>s</Subject><ResponseFor><PromulgationDate>hôm qua</PromulgationDate><DocumentId>d</DocumentId></ResponseFor>"), "MessageHeader.ResponseFor[0].PromulgationDate", "định dạng"},
	}
	cases[3].input = `<edXML xmlns="http://www.go.vn/eDoc"><edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>1</OrganId></From><Subject>s</Subject></MessageHeader></edXMLHeader>` +
		`<edXMLBody><edXMLManifest><Reference><ContentId>a</ContentId></Reference></edXMLManifest></edXMLBody></edXMLEnvelope>` +
		`<AttachmentEncoded><Attachment><ContentId>a</ContentId><ContentTransferEncoded>` + huge + `</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`
	cases[3].msg = "vượt quá"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(strings.NewReader(c.input), small)
			var me *motcua.Error
			if !asError(err, &me) || me.Code != motcua.EINVALID {
				t.Fatalf("got %v", err)
			}
			if me.Field != c.field || !strings.Contains(strings.ToLower(me.Message), strings.ToLower(c.msg)) {
				t.Fatalf("field %q message %q", me.Field, me.Message)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func base64Of(n int) string {
	return strings.Repeat("QUFB", n/3+1)
}

func TestParseRefusesTooManyAttachments(t *testing.T) {
	e := validDoc()
	for i := range 3 {
		e.Attachments = append(e.Attachments, Attachment{ContentId: string(rune('a' + i)), Data: []byte("x")})
	}
	out, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(bytes.NewReader(out), Limits{MaxAttachments: 2})
	if fieldOf(err) != "Attachment" {
		t.Fatalf("got %v", err)
	}
}

func TestParseMemoryIsBoundedByTheInput(t *testing.T) {
	data := base64Of(3 << 20) // about 4 MiB of base64, 3 MiB decoded
	input := `<edXML xmlns="http://www.go.vn/eDoc"><edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>1</OrganId></From><Subject>s</Subject></MessageHeader></edXMLHeader>` +
		`<edXMLBody><edXMLManifest><Reference><ContentId>a</ContentId></Reference></edXMLManifest></edXMLBody></edXMLEnvelope>` +
		`<AttachmentEncoded><Attachment><ContentId>a</ContentId><ContentTransferEncoded>` + data + `</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e, err := Parse(strings.NewReader(input), Limits{MaxBytes: 8 << 20, MaxAttachmentBytes: 4 << 20})
	runtime.ReadMemStats(&after)
	if err != nil || len(e.Attachments) != 1 {
		t.Fatalf("%v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(16*len(input)) {
		t.Fatalf("parsing %d bytes allocated %d bytes", len(input), alloc)
	}
}
