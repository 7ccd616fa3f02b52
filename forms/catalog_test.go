package forms

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"motcua"
)

func TestEmbeddedCatalogLoadsAndCoversTheMinistrysDomains(t *testing.T) {
	c, err := Default(WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatalf("the embedded catalog must load: %v", err)
	}
	procs := c.Procedures()
	if len(procs) < 8 {
		t.Fatalf("%d procedures in force, want at least 8", len(procs))
	}
	byUnit := map[string]int{}
	for _, p := range procs {
		for _, s := range p.Steps {
			if s.Action == motcua.StepAppraise {
				byUnit[s.Unit]++
			}
		}
	}
	for unit, want := range map[string]int{"TCPCP": 3, "CVTLT": 2, "CCVC": 2, "TDKT": 1} {
		if byUnit[unit] < want {
			t.Errorf("unit %s appraises %d procedures, want at least %d", unit, byUnit[unit], want)
		}
	}
	p, err := c.Procedure("G09.TDKT.01")
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]bool{}
	consults := 0
	for _, s := range p.Steps {
		units[s.Unit] = true
		consults += len(s.Consult)
	}
	if len(units) < 3 || consults == 0 {
		t.Errorf("commendation review spans %d units with %d consultations, want a multi-level review with consultation", len(units), consults)
	}
	if got := strings.Join(p.Signer.Lines(), " / "); got != "KT. BỘ TRƯỞNG / THỨ TRƯỞNG" {
		t.Errorf("signer lines = %q", got)
	}
}

// The certificate: the Director of Cục Văn thư và Lưu trữ nhà nước decides, so
// the result is issued under the Cục's authority line and signed KT. by a Phó Cục trưởng.
func TestArchivistCertificateIsSignedForTheDirectorOfTheCuc(t *testing.T) {
	c, err := Default(WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"1.013929", "G09.CVTLT.02"} {
		p, err := c.Procedure(code)
		if err != nil {
			t.Fatal(err)
		}
		b := p.Signature("Cục Văn thư và Lưu trữ nhà nước", "Bộ Nội vụ")
		if b.Authority != "CỤC TRƯỞNG CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC" || strings.Join(b.Lines(), " / ") != "KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG" {
			t.Errorf("%s: authority %q, block %q", code, b.Authority, b.Lines())
		}
		if err := b.CheckCertificate("Phó Cục trưởng"); err != nil {
			t.Errorf("%s: a Phó Cục trưởng may not sign: %v", code, err)
		}
		if err := b.CheckCertificate("Thứ trưởng"); err == nil {
			t.Errorf("%s: a Thứ trưởng's certificate signs «KT. CỤC TRƯỞNG»", code)
		}
	}
}

// validProcedure is a small correct procedure file; tests break one thing at a time.
const validProcedure = `{
  "code": "1.000001", "codeSource": "Thử nghiệm.", "version": 1, "name": "Thủ tục thử", "domain": "Thử",
  "effectiveFrom": "2025-01-01",
  "legalBasis": [{"number": "1/2025/NĐ-CP", "title": "Nghị định thử"}],
  "applicantKinds": ["citizen"], "receivingUnit": "VP", "decidingUnit": "G09",
  "decidingAuthority": "Bộ trưởng", "signer": {"prefix": "KT.", "authorityTitle": "BỘ TRƯỞNG", "title": "THỨ TRƯỞNG"},
  "timeLimit": {"unit": "working_days", "inPerson": 5, "online": 4},
  "steps": [
    {"id": "a", "name": "Tiếp nhận", "unit": "VP", "role": "clerk", "action": "receive", "budget": 0.5, "budgetOnline": 0.5},
    {"id": "b", "name": "Thẩm định", "unit": "TCPCP", "role": "clerk", "action": "appraise", "budget": 4, "budgetOnline": 3,
     "consult": ["CCVC"]},
    {"id": "c", "name": "Trả", "unit": "VP", "role": "clerk", "action": "return", "budget": 0.5}
  ],
  "supplement": {"policy": "pause", "applicantDeadline": {"value": 10, "unit": "working_days"}},
  "components": [{"id": "don", "name": "Đơn", "kind": "original", "count": 1, "mandatory": true,
                  "mimeTypes": ["application/pdf"], "maxBytes": 1048576}],
  "fee": {"kind": "per_unit", "amount": 2000, "unitName": "trang", "description": "2.000 đồng một trang"},
  "result": {"documentType": "van_ban", "name": "Văn bản", "template": "thu"},
  "retention": {"years": 5},
  "form": {"title": "Tờ khai", "sections": [{"id": "s", "title": "Thông tin", "fields": [
    {"key": "name", "label": "Họ và tên", "kind": "text", "required": true},
    {"key": "fileDon", "label": "Đơn", "kind": "file", "required": true, "component": "don"}
  ]}]},
  "sources": [{"url": "https://example.vn/a", "title": "Nguồn", "lookedUp": "2026-11-22", "confirms": "thời hạn"}]
}`

func TestBrokenCatalogFilesFailLoudlyWithEveryProblem(t *testing.T) {
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"budgets do not add up", `"budget": 4, "budgetOnline": 3`, `"budget": 3, "budgetOnline": 3`,
			[]string{"budgets (desk) add up to 4, the time limit of that channel is 5", "budgets (post) add up to 4"}},
		{"online budgets do not add up", `"budget": 4, "budgetOnline": 3`, `"budget": 4, "budgetOnline": 2`,
			[]string{"budgets (online) add up to 3, the time limit of that channel is 4", "budgets (portal) add up to 3"}},
		{"a post limit without the steps' post budgets", `"inPerson": 5, "online": 4`, `"inPerson": 5, "online": 4, "post": 7`,
			[]string{"budgets (post) add up to 5, the time limit of that channel is 7"}},
		{"unknown unit and prefix", `"decidingUnit": "G09"`, `"decidingUnit": "XYZ"`, []string{`decidingUnit "XYZ"`}},
		{"mandatory component without file field", `"required": true, "component": "don"`, `"component": "don"`,
			[]string{`mandatory component "don" has no required file field`}},
		{"unknown field in the file", `"domain": "Thử",`, `"domain": "Thử", "dommain": "x",`, []string{`unknown field "dommain"`}},
		{"consultation of the step's own unit", `"consult": ["CCVC"]`, `"consult": ["TCPCP"]`, []string{`consulted unit "TCPCP" unknown or the step's own`}},
		{"outside agency with a malformed organ ID", `"consult": ["CCVC"]`, `"consult": ["CCVC"], "consultExternal": [{"organId": "G04", "name": "Bộ Công an"}]`,
			[]string{`consulted agency "G04" needs an organ ID of the form 000.00.00.G09`}},
		{"outside agency without a name, twice", `"consult": ["CCVC"]`, `"consult": ["CCVC"], "consultExternal": [{"organId": "000.00.00.T01", "name": "Cơ quan"}, {"organId": "000.00.00.T01", "name": ""}]`,
			[]string{`consulted agency "000.00.00.T01" needs`}},
		{"consultation budget, a field that reaches nothing", `"consult": ["CCVC"]`, `"consult": ["CCVC"], "consultBudget": 2`, []string{`unknown field "consultBudget"`}},
		{"bad MIME type and fee", `"mimeTypes": ["application/pdf"]`, `"mimeTypes": ["PDF"]`, []string{`MIME type "PDF" malformed`}},
		{"CVTLT result under the minister's authority", `"decidingUnit": "G09"`, `"decidingUnit": "CVTLT"`,
			[]string{`the deciding unit CVTLT is headed by the CỤC TRƯỞNG`, `does not name the CỤC TRƯỞNG`, `KT. CỤC TRƯỞNG is signed by a PHÓ CỤC TRƯỞNG`}},
		{"KT. signed by a head's title", `"title": "THỨ TRƯỞNG"`, `"title": "PHÓ CỤC TRƯỞNG"`,
			[]string{`KT. BỘ TRƯỞNG is signed by a THỨ TRƯỞNG`}},
		{"TUQ. written in the catalog", `"prefix": "KT."`, `"prefix": "TUQ."`,
			[]string{`come from delegation records`}},
		{"code without its source", `"codeSource": "Thử nghiệm.",`, `"codeSource": " ",`, []string{"codeSource: say where code 1.000001 was confirmed"}},
		{"a field filled from a component that reuses nothing", `"kind": "text", "required": true}`,
			`"kind": "text", "required": true, "fromDocument": {"component": "don", "attribute": "number"}}`,
			[]string{`name: fromDocument names component "don", which reuses no stored document`}},
		{"a text field filled from a date, an unknown component", `"kind": "text", "required": true}`,
			`"kind": "text", "required": true, "fromDocument": {"component": "khac", "attribute": "issuedOn"}}`,
			[]string{`fromDocument names component "khac"`, `attribute "issuedOn" does not fill a text field`, `component "khac" has no top-level file field`}},
		{"several problems at once", `"receivingUnit": "VP"`, `"receivingUnit": "TCPCP", "retention": {"years": 1, "permanent": true}`,
			[]string{"one-stop desk", "retention"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(validProcedure, tc.from, tc.to, 1)
			if body == validProcedure {
				t.Fatalf("test case did not change the file")
			}
			if tc.name == "several problems at once" {
				body = strings.Replace(body, `"retention": {"years": 5},`, "", 1)
			}
			_, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: []byte(body)}})
			if err == nil {
				t.Fatal("broken catalog loaded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
	t.Run("the valid file loads", func(t *testing.T) {
		if _, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: []byte(validProcedure)}}); err != nil {
			t.Fatal(err)
		}
	})
	// National procedure codes: a provisional code (the catalog's own, where the
	// national database has none) loads only with a note saying why, and a code of any
	// other form not at all.
	for _, tc := range []struct{ name, code, notes, want string }{
		{"a provisional code without a note", "G09.THU.01", "", "provisional code G09.THU.01 needs a note saying why"},
		{"a provisional code with its note", "G09.THU.01", `"notes": ["Chưa có mã trên Cơ sở dữ liệu quốc gia: mã tạm."],`, ""},
		{"an invented code", "BNV.01", `"notes": ["Mã tự đặt."],`, `code "BNV.01": want a national code like 1.014936 or a provisional G09.UNIT.NN`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(validProcedure, `"code": "1.000001"`, `"code": "`+tc.code+`"`, 1)
			body = strings.Replace(body, `"effectiveFrom"`, tc.notes+` "effectiveFrom"`, 1)
			_, err := Load(fstest.MapFS{tc.code + "/v1/procedure.json": {Data: []byte(body)}})
			if tc.want == "" && err != nil {
				t.Fatalf("a provisional code with its note: %v", err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("path and content disagree", func(t *testing.T) {
		_, err := Load(fstest.MapFS{"1.000002/v1/procedure.json": {Data: []byte(validProcedure)}})
		if err == nil || !strings.Contains(err.Error(), "its path says 1.000002 v1") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestFormerCodesResolve: the provisional code the archivist certificate had before its
// national code was found (G09.CVTLT.01) still finds it, in every lookup: the version in
// force, a stored dossier's version, the list of versions, the search.
func TestFormerCodesResolve(t *testing.T) {
	c := testCatalog(t)
	if got, renamed := c.Resolve(" G09.CVTLT.01 "); got != "1.013929" || !renamed {
		t.Errorf("Resolve(G09.CVTLT.01) = %s %t", got, renamed)
	}
	if got, renamed := c.Resolve("1.014936"); got != "1.014936" || renamed {
		t.Errorf("Resolve(1.014936) = %s %t", got, renamed)
	}
	if slices.Contains(c.Codes(), "G09.CVTLT.01") {
		t.Error("the former code is listed as a procedure of its own")
	}
	now, err := c.Procedure("G09.CVTLT.01")
	if err != nil || now.Code != "1.013929" {
		t.Fatalf("Procedure(G09.CVTLT.01) = %v, %v", now, err)
	}
	if v, err := c.Version("G09.CVTLT.01", 1); err != nil || v != now {
		t.Errorf("Version(G09.CVTLT.01, 1) = %v, %v", v, err)
	}
	if vs := c.Versions("G09.CVTLT.01"); len(vs) != 1 || vs[0] != now {
		t.Errorf("Versions(G09.CVTLT.01) = %v", vs)
	}
	if got := c.Search("G09.CVTLT.01", ""); len(got) != 1 || got[0] != now {
		t.Errorf("Search(G09.CVTLT.01) = %v", got)
	}
	if !strings.Contains(now.CodeSource, "1.013929") {
		t.Errorf("codeSource does not cite the code: %q", now.CodeSource)
	}
}

// TestAliasTableIsChecked: a former code that is still a procedure, or one that leads
// nowhere, breaks the catalog.
func TestAliasTableIsChecked(t *testing.T) {
	for _, tc := range []struct{ name, table, want string }{
		{"leads nowhere", `{"G09.XX.01": "1.999999"}`, "not in the catalog"},
		{"still a procedure", `{"1.000001": "1.000001"}`, "still a procedure of its own"},
		{"not a code", `{"hello": "1.000001"}`, "not a procedure code"},
		{"not JSON", `["1.000001"]`, "aliases.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: []byte(validProcedure)},
				"aliases.json": {Data: []byte(tc.table)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	c, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: []byte(validProcedure)},
		"aliases.json": {Data: []byte(`{"G09.VP.01": "1.000001"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Resolve("G09.VP.01"); got != "1.000001" {
		t.Errorf("Resolve = %s", got)
	}
}

func TestUnknownProcedureIsNotFound(t *testing.T) {
	c := testCatalog(t)
	for _, get := range []func() error{
		func() error { _, err := c.Procedure("9.999999"); return err },
		func() error { _, err := c.Version("1.014936", 3); return err },
		func() error { _, err := c.Version("1.014936", 0); return err },
		func() error {
			_, err := c.At("1.014936", time.Date(2019, 1, 1, 0, 0, 0, 0, motcua.Vietnam))
			return err
		},
	} {
		err := get()
		var me *motcua.Error
		if !errors.As(err, &me) || me.Code != motcua.ENOTFOUND || me.Message == "" {
			t.Errorf("err = %v, want ENOTFOUND with a message", err)
		}
	}
}

func TestComponentAcceptsOnlyItsTypesAndSize(t *testing.T) {
	c := testCatalog(t)
	p, _ := c.Procedure("1.013929")
	photo, ok := p.Component("anh")
	if !ok {
		t.Fatal("no photo component")
	}
	if err := photo.Accepts("image/jpeg", 500<<10); err != nil {
		t.Errorf("a 500 KB JPEG photo refused: %v", err)
	}
	for _, tc := range []struct {
		mime string
		size int64
		want string
	}{
		{"application/pdf", 100, "phải là JPEG, PNG"},
		{"image/png; charset=binary", 3 << 20, "vượt quá 2 MB"},
	} {
		err := photo.Accepts(tc.mime, tc.size)
		if err == nil || !strings.Contains(motcua.ErrorMessage(err), tc.want) {
			t.Errorf("Accepts(%s, %d) = %v, want %q", tc.mime, tc.size, err, tc.want)
		}
	}
}

func TestFeeIsComputedByItsKind(t *testing.T) {
	perPage := Fee{Kind: FeePerUnit, Amount: 2000, UnitName: "trang"}
	if got, err := perPage.Compute(12); err != nil || got != 24000 {
		t.Errorf("12 pages = %d, %v; want 24000", got, err)
	}
	if _, err := perPage.Compute(-1); err == nil {
		t.Error("a negative count was priced")
	}
	if got, _ := (Fee{Kind: FeeNone}).Compute(5); got != 0 {
		t.Errorf("no fee = %d", got)
	}
	if _, err := (Fee{Kind: FeeByRegulation, Basis: "TT 275/2016"}).Compute(1); err == nil {
		t.Error("a fee not encoded was computed")
	}
}

func TestSchemaIsJSONSchema2020WithLabels(t *testing.T) {
	p, _ := testCatalog(t).Procedure("1.014936")
	s := string(p.Schema())
	for _, want := range []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"title": "Tên quỹ"`, `"format": "vn-cccd"`, `"minItems": 3`} {
		if !strings.Contains(s, want) {
			t.Errorf("schema lacks %s", want)
		}
	}
}

func TestFileIDsReadsOneOrSeveral(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want []string
	}{
		{"upl_1", []string{"upl_1"}},
		{[]string{"upl_1", "upl_2"}, []string{"upl_1", "upl_2"}},
		{[]any{"upl_1", 3, "upl_2"}, []string{"upl_1", "upl_2"}},
		{nil, nil},
		{42, nil},
	} {
		if got := FileIDs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("FileIDs(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestSamplesTravelWithTheBinary: the load tool submits the valid samples wherever it
// runs, so each is embedded as written.
func TestSamplesTravelWithTheBinary(t *testing.T) {
	c := testCatalog(t)
	for _, code := range c.Codes() {
		for _, p := range c.Versions(code) {
			got, err := Sample(p.Code, p.Version)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("catalog", p.Code, "v"+strconv.Itoa(p.Version), "valid.json"))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: embedded sample differs from the file (%v)", p.Key(), err)
			}
		}
	}
}

func TestTimeLimitPerChannel(t *testing.T) {
	three, two := 3.0, 2.0
	tl := TimeLimit{Unit: WorkingDays, InPerson: 10, Online: 8, Post: 12}
	st := Step{Budget: 5, BudgetOnline: &three, BudgetPortal: &two}
	tests := []struct {
		c             motcua.Channel
		limit, budget float64
	}{
		{motcua.ChannelDesk, 10, 5},
		{motcua.ChannelPost, 12, 5},
		{motcua.ChannelOnline, 8, 3},
		{motcua.ChannelPortal, 8, 2}, // no portal limit: the online one
	}
	for _, tt := range tests {
		if got := tl.ForChannel(tt.c); got != tt.limit {
			t.Errorf("limit %s = %v, want %v", tt.c, got, tt.limit)
		}
		if got := st.BudgetForChannel(tt.c); got != tt.budget {
			t.Errorf("budget %s = %v, want %v", tt.c, got, tt.budget)
		}
	}
}
