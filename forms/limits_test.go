package forms

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func firstCode(t *testing.T, errs []FieldError) string {
	t.Helper()
	if len(errs) != 1 {
		t.Fatalf("want exactly one error for a broken input, got %v", errs)
	}
	if errs[0].Message == "" {
		t.Fatal("error without message")
	}
	return errs[0].Code
}

func TestHugeOrHostileInputIsRefusedEarly(t *testing.T) {
	p, _ := testCatalog(t).Procedure("1.014936")
	deep := `{"fundName":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	many := `{"founders":[` + strings.TrimSuffix(strings.Repeat("1,", 60000), ",") + `]}`
	for _, tc := range []struct {
		name, in, code string
	}{
		{"10 MB", `{"purpose":"` + strings.Repeat("a", 10<<20) + `"}`, "too_large"},
		{"deeply nested", deep, "too_deep"},
		{"many values", many, "too_many_values"},
		{"long string", `{"purpose":"` + strings.Repeat("ạ", 30000) + `"}`, "value_too_long"},
		{"long number", `{"initialAssets":` + strings.Repeat("9", 40) + `}`, "value_too_long"},
		{"array at the top", `[1,2]`, "not_object"},
		{"broken JSON", `{"fundName": "a"`, "invalid_json"},
		{"trailing data", `{"fundName": "a"} {}`, "invalid_json"},
		{"duplicate key", `{"fundName": "a", "fundName": "b"}`, "duplicate_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := p.Validate([]byte(tc.in))
			if got := firstCode(t, errs); got != tc.code {
				t.Errorf("code = %s, want %s (%v)", got, tc.code, errs)
			}
		})
	}
}

func TestValidateMapAppliesTheSameLimits(t *testing.T) {
	p, _ := testCatalog(t).Procedure("1.014936")
	var v any = "x"
	for range 50 {
		v = map[string]any{"a": v}
	}
	if code := firstCode(t, func() []FieldError { _, e := p.ValidateMap(v.(map[string]any)); return e }()); code != "too_deep" {
		t.Errorf("code = %s", code)
	}
	if code := firstCode(t, func() []FieldError {
		_, e := p.ValidateMap(map[string]any{"purpose": strings.Repeat("a", 2<<20)})
		return e
	}()); code != "value_too_long" {
		t.Errorf("code = %s", code)
	}
	// Data decoded by encoding/json (float64 numbers) validates like raw JSON.
	raw := mustRead(t, "catalog/1.014936/v2/valid.json")
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if _, errs := p.ValidateMap(m); errs != nil {
		t.Errorf("decoded valid sample rejected: %v", errs)
	}
}

func TestValidationReturnsEveryErrorInPageOrder(t *testing.T) {
	p, _ := testCatalog(t).Procedure("1.014936")
	_, errs := p.Validate([]byte(`{"phone": "12", "fundName": "", "founders": [{"fullName": "A"}]}`))
	if len(errs) < 10 {
		t.Fatalf("only %d errors: %v", len(errs), errs)
	}
	// fundName comes before phone on the page, founders after both.
	pos := map[string]int{}
	for i, e := range errs {
		pos[e.Path] = i
	}
	if !(pos["/fundName"] < pos["/phone"] && pos["/phone"] < pos["/founders"] && pos["/founders"] < pos["/founders/0/birthDate"]) {
		t.Errorf("errors out of page order: %v", show(errs))
	}
	if err := AsError(errs); err == nil || !strings.Contains(err.Error(), "chỗ cần sửa") {
		t.Errorf("AsError = %v", err)
	}
}

func TestNormalizedDataIsReturned(t *testing.T) {
	p, _ := testCatalog(t).Procedure("1.014936")
	out, errs := p.Validate(mustRead(t, "catalog/1.014936/v2/valid.json"))
	if errs != nil {
		t.Fatal(errs)
	}
	for key, want := range map[string]any{
		"fundName": "Quỹ Học bổng Ánh Dương", "initialAssets": int64(5500000000), "phone": "02438253456", "repBirthDate": "1985-03-12",
	} {
		if out[key] != want {
			t.Errorf("%s = %#v, want %#v", key, out[key], want)
		}
	}
	b, _ := json.Marshal(out)
	if !bytes.Contains(b, []byte(`"contribution":1500000000`)) {
		t.Errorf("money inside a group not normalized: %s", b)
	}
}

func mustRead(t *testing.T, name string) []byte { t.Helper(); return mustReadB(t, name) }

func mustReadB(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
