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

	"motcua"
	"motcua/forms/formstest"
)

// update rewrites the messages of the invalid samples from the validator's output. Paths
// and codes are written by hand and never updated: they are what the samples prove.
var update = flag.Bool("update", false, "rewrite expected messages in catalog/*/*/invalid/*.json")

// testNow is the fixed clock of the tests. The valid samples' recent dates are written
// relative to the clock (formstest); the invalid samples' dates and their expected
// messages are written for this day.
var testNow = time.Date(2026, 11, 22, 9, 0, 0, 0, motcua.Vietnam)

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
				valid, err := formstest.Valid(p.Code, p.Version, testNow)
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

// TestValidSamplesStayValidOnLaterDays runs the whole-path test's validation (the valid
// sample of every procedure version in force, its recent dates made relative to the clock)
// on days long after the samples were written: a sample must not expire with the calendar.
func TestValidSamplesStayValidOnLaterDays(t *testing.T) {
	for _, day := range []time.Time{
		testNow,
		time.Date(2027, 6, 1, 9, 0, 0, 0, motcua.Vietnam),
		time.Date(2030, 1, 1, 9, 0, 0, 0, motcua.Vietnam),
	} {
		t.Run(day.Format(time.DateOnly), func(t *testing.T) {
			c, err := Load(os.DirFS("catalog"), WithClock(func() time.Time { return day }))
			if err != nil {
				t.Fatal(err)
			}
			ps := c.Procedures()
			if len(ps) == 0 {
				t.Fatal("no procedure in force")
			}
			for _, p := range ps {
				data, err := formstest.Valid(p.Code, p.Version, day)
				if err != nil {
					t.Fatal(err)
				}
				if _, errs := p.Validate(data); len(errs) != 0 {
					t.Errorf("%s: valid sample rejected on %s: %+v", p.Key(), day.Format(time.DateOnly), errs)
				}
			}
		})
	}
}

func TestRelativeSampleDates(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC) // 2 March in Vietnam
	for _, tc := range []struct{ in, want, err string }{
		{in: "@today", want: "02/03/2026"},
		{in: "@today-2d", want: "28/02/2026"},
		{in: "@today+30d", want: "01/04/2026"},
		{in: "@tomorrow", err: "want @today"},
		{in: "@today-2", err: "want @today"},
		{in: "@today2d", err: "want @today"},
		{in: "@todayd", err: "want @today"},
		{in: "@today-xd", err: "invalid syntax"},
	} {
		got, err := formstest.Day(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one saying %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	b, err := formstest.Resolve([]byte(`{"a":"@today","b":[{"c":"@today-1d"}],"n":1.50,"s":"x@today"}`), now)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["a"] != "02/03/2026" || got["b"].([]any)[0].(map[string]any)["c"] != "01/03/2026" || got["s"] != "x@today" || got["n"] != 1.5 {
		t.Errorf("resolved %s", b)
	}
}
