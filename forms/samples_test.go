package forms

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// update rewrites the messages of the invalid samples from the validator's output. Paths
// and codes are written by hand and never updated: they are what the samples prove.
var update = flag.Bool("update", false, "rewrite expected messages in catalog/*/*/invalid/*.json")

// testNow is the fixed clock of the tests: the samples' dates (a résumé of the last 30
// days, a birth date not in the future) are relative to it.
var testNow = time.Date(2026, 11, 22, 9, 0, 0, 0, vnZone)

func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load(os.DirFS("catalog"), WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatalf("load catalog: %v", err)
	}
	return c
}

type invalidSample struct {
	Description string          `json:"description"`
	Data        json.RawMessage `json:"data"`
	Errors      []FieldError    `json:"errors"`
}

func sortErrs(es []FieldError) []FieldError {
	es = slices.Clone(es)
	slices.SortFunc(es, func(a, b FieldError) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return es
}

func TestEveryProcedureVersionAcceptsItsValidSampleAndRejectsItsInvalidOnes(t *testing.T) {
	c := testCatalog(t)
	for _, code := range c.Codes() {
		for _, p := range c.Versions(code) {
			dir := filepath.Join("catalog", p.Code, "v"+strconv.Itoa(p.Version))
			t.Run(p.Key(), func(t *testing.T) {
				valid, err := os.ReadFile(filepath.Join(dir, "valid.json"))
				if err != nil {
					t.Fatalf("every procedure version needs a valid sample: %v", err)
				}
				if _, errs := p.Validate(valid); len(errs) != 0 {
					t.Errorf("valid.json rejected: %+v", errs)
				}
				files, _ := filepath.Glob(filepath.Join(dir, "invalid", "*.json"))
				if len(files) < 2 {
					t.Fatalf("want at least 2 invalid samples, have %d", len(files))
				}
				for _, f := range files {
					t.Run(filepath.Base(f), func(t *testing.T) { checkInvalidSample(t, p, f) })
				}
			})
		}
	}
}

func checkInvalidSample(t *testing.T, p *Procedure, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var s invalidSample
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	_, got := p.Validate(s.Data)
	if *update {
		msgs := map[string]string{}
		for _, e := range got {
			msgs[e.Path+" "+e.Code] = e.Message
		}
		for i, e := range s.Errors {
			s.Errors[i].Message = msgs[e.Path+" "+e.Code]
		}
		out, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, gotS := sortErrs(s.Errors), sortErrs(got)
	if !slices.Equal(want, gotS) {
		t.Errorf("%s\n got: %s\nwant: %s", s.Description, show(gotS), show(want))
	}
}

func show(es []FieldError) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("\n  " + e.Path + " " + e.Code + " «" + e.Message + "»")
	}
	return b.String()
}
