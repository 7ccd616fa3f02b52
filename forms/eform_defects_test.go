package forms_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"motcua"
	"motcua/forms"
	"motcua/forms/formstest"
)

// archiveSample is the archive certificate's valid sample, with changes, validated on
// the day now.
func archiveSample(t *testing.T, now time.Time, change func(map[string]any)) []forms.FieldError {
	t.Helper()
	c, err := forms.Default(forms.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.At("1.013929", now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := formstest.Valid(p.Code, p.Version, now)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	change(data)
	_, errs := p.ValidateMap(data)
	return errs
}

func messageAt(errs []forms.FieldError, path string) string {
	for _, e := range errs {
		if e.Path == path {
			return e.Message
		}
	}
	return ""
}

// TestAYearIsWrittenWithoutAThousandsDotAndBoundByTheClock: a new user met «không được
// lớn hơn 2.026»; a year reads "2026", and the latest year allowed is the current one
// on the day the form is checked, not a number written into the catalog.
func TestAYearIsWrittenWithoutAThousandsDotAndBoundByTheClock(t *testing.T) {
	for _, tc := range []struct {
		name string
		now  time.Time
		year any
		want string // "" for no error
	}{
		{"next year", time.Date(2026, 11, 22, 9, 0, 0, 0, motcua.Vietnam), "2027",
			"«Năm tốt nghiệp» không được sau năm nay (2026)."},
		{"this year", time.Date(2026, 11, 22, 9, 0, 0, 0, motcua.Vietnam), "2026", ""},
		{"this year, some years on", time.Date(2031, 1, 5, 9, 0, 0, 0, motcua.Vietnam), "2030", ""},
		{"too old", time.Date(2026, 11, 22, 9, 0, 0, 0, motcua.Vietnam), "1950",
			"«Năm tốt nghiệp» không được nhỏ hơn 1960."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := archiveSample(t, tc.now, func(m map[string]any) { m["graduationYear"] = tc.year })
			got := messageAt(errs, "/graduationYear")
			if got != tc.want {
				t.Errorf("graduation year %v on %s: %q, want %q (all: %v)", tc.year, tc.now.Format(time.DateOnly), got, tc.want, errs)
			}
			if strings.Contains(got, "2.0") || strings.Contains(got, "1.9") {
				t.Errorf("a year written with a thousands dot: %q", got)
			}
		})
	}
}

// TestTwoPhotosAreRequiredWhereTheComponentAsksForTwo: the archive certificate asks for
// 02 portraits; one is refused.
func TestTwoPhotosAreRequiredWhereTheComponentAsksForTwo(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, motcua.Vietnam)
	one := archiveSample(t, now, func(m map[string]any) { m["fileAnh"] = m["fileAnh"].([]any)[:1] })
	if got := messageAt(one, "/fileAnh"); !strings.Contains(got, "ít nhất 2 tệp") {
		t.Errorf("one photo: %q, want at least 2 files (all: %v)", got, one)
	}
	if two := archiveSample(t, now, func(map[string]any) {}); len(two) != 0 {
		t.Errorf("two photos refused: %v", two)
	}
}

// TestTheCatalogRefusesAPhotoFieldTakingFewerFilesThanTheComponentAsks: a procedure
// file that lets one photo through where two are asked does not load.
func TestTheCatalogRefusesAPhotoFieldTakingFewerFilesThanTheComponentAsks(t *testing.T) {
	fsys := fstest.MapFS{}
	root := formstest.CatalogDir()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := forms.Load(fsys); err != nil {
		t.Fatalf("the catalog as it is: %v", err)
	}
	f := fsys["1.013929/v1/procedure.json"]
	f.Data = bytes.Replace(f.Data, []byte(`"minItems": 2,`), nil, 1)
	_, err = forms.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), `component "anh", which asks for 2 photos`) {
		t.Errorf("a photo field taking one file for two photos loads: %v", err)
	}
}
