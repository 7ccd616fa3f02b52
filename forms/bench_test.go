package forms

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// largeForm builds a procedure whose form has 200 top-level fields of every simple kind and
// a repeating group filled with 50 items, and a matching valid input.
func largeForm(tb testing.TB) (*Procedure, []byte) {
	tb.Helper()
	kinds := []string{
		`{"key":"t%d","label":"Văn bản %d","kind":"text","required":true}`,
		`{"key":"t%d","label":"Ngày %d","kind":"date","required":true,"past":true}`,
		`{"key":"t%d","label":"Số tiền %d","kind":"money"}`,
		`{"key":"t%d","label":"Số %d","kind":"number","integer":true,"min":0,"max":1000}`,
		`{"key":"t%d","label":"Điện thoại %d","kind":"phone"}`,
		`{"key":"t%d","label":"Chọn %d","kind":"choice","options":[{"value":"a","label":"A"},{"value":"b","label":"B"}]}`,
		`{"key":"t%d","label":"Thư %d","kind":"email"}`,
		`{"key":"t%d","label":"Địa chỉ %d","kind":"address"}`,
	}
	values := []string{`"Nguyễn Văn An %d"`, `"0%d/01/2020"`, `"1.000.%03d"`, `%d`, `"0912 345 %03d"`, `"a"`, `"a%d@example.vn"`,
		`{"street":"Số %d","ward":"Phường Ba Đình","province":"Hà Nội"}`}
	var fields, data []string
	for i := range 200 {
		k := i % len(kinds)
		fields = append(fields, fmt.Sprintf(kinds[k], i, i))
		v := values[k]
		if strings.Contains(v, "%") {
			n := i % 9
			if k == 1 {
				n = 1 + i%9
			}
			v = fmt.Sprintf(v, n)
		}
		data = append(data, fmt.Sprintf(`"t%d":%s`, i, v))
	}
	fields = append(fields, `{"key":"members","label":"Thành viên","kind":"group","required":true,"minItems":1,"maxItems":50,"itemLabel":"thành viên","fields":[
		{"key":"fullName","label":"Họ và tên","kind":"text","required":true},
		{"key":"birthDate","label":"Ngày sinh","kind":"date","required":true,"past":true},
		{"key":"sex","label":"Giới tính","kind":"choice","required":true,"options":[{"value":"nam","label":"Nam"},{"value":"nu","label":"Nữ"}]},
		{"key":"idNumber","label":"CCCD","kind":"cccd","required":true,"birthDateField":"birthDate","sexField":"sex"},
		{"key":"address","label":"Địa chỉ","kind":"address","required":true}]}`)
	var members []string
	for i := range 50 {
		members = append(members, fmt.Sprintf(`{"fullName":"Trần Thị Bình %d","birthDate":"1990-07-21","sex":"nu","idNumber":"0401900045%02d","address":{"ward":"Phường Vinh","province":"Nghệ An"}}`, i, i))
	}
	data = append(data, `"members":[`+strings.Join(members, ",")+`]`, `"fileDon":"upl_00000000000000000001"`)
	fields = append(fields, `{"key":"fileDon","label":"Đơn","kind":"file","required":true,"component":"don"}`)

	proc := strings.Replace(validProcedure,
		`{"key": "name", "label": "Họ và tên", "kind": "text", "required": true},
    {"key": "fileDon", "label": "Đơn", "kind": "file", "required": true, "component": "don"}`,
		strings.Join(fields, ",\n"), 1)
	c, err := Load(fstest.MapFS{"1.000001/v1/procedure.json": {Data: []byte(proc)}},
		WithClock(func() time.Time { return testNow }))
	if err != nil {
		tb.Fatal(err)
	}
	p, _ := c.Procedure("1.000001")
	return p, []byte("{" + strings.Join(data, ",") + "}")
}

func TestLargeFormIsValid(t *testing.T) {
	p, data := largeForm(t)
	out, errs := p.Validate(data)
	if errs != nil {
		t.Fatalf("large form rejected: %v", show(errs[:min(5, len(errs))]))
	}
	if len(out) != 202 {
		t.Errorf("%d fields out, want 202", len(out))
	}
}

func BenchmarkValidateLargeForm(b *testing.B) {
	p, data := largeForm(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := p.Validate(data); errs != nil {
			b.Fatal(errs[0])
		}
	}
}

// BenchmarkValidateLargeFormAllWrong measures the slow path: every field reported.
func BenchmarkValidateLargeFormAllWrong(b *testing.B) {
	p, data := largeForm(b)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for k := range m {
		m[k] = []any{true}
	}
	bad, _ := json.Marshal(m)
	b.SetBytes(int64(len(bad)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := p.Validate(bad); len(errs) < 200 {
			b.Fatalf("%d errors", len(errs))
		}
	}
}

func BenchmarkValidateFundLicence(b *testing.B) {
	p, _ := testCatalog(b).Procedure("1.014936")
	data := mustReadB(b, "catalog/1.014936/v2/valid.json")
	b.ReportAllocs()
	for b.Loop() {
		p.Validate(data)
	}
}

func BenchmarkRefuse10MB(b *testing.B) {
	p, _ := testCatalog(b).Procedure("1.014936")
	data := []byte(`{"purpose":"` + strings.Repeat("a", 10<<20) + `"}`)
	b.ReportAllocs()
	for b.Loop() {
		p.Validate(data)
	}
}

func BenchmarkRefuseDeepNesting(b *testing.B) {
	p, _ := testCatalog(b).Procedure("1.014936")
	data := []byte(`{"fundName":` + strings.Repeat("[", 400000) + strings.Repeat("]", 400000) + `}`)
	b.ReportAllocs()
	for b.Loop() {
		p.Validate(data)
	}
}

func BenchmarkLoadCatalog(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
