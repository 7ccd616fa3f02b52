// Package formstest reads the catalog's sample forms for tests (and resolves them for the
// load tool, which takes them from forms.Sample). A sample's dates that a
// rule compares with today (a résumé of the last 30 days, a proposal of the last 90) are
// written relative to the test's clock, so that a sample accepted today is accepted on any
// later day too: "@today", "@today-34d", "@today+2d". Every other value stays as written.
//
// It must not import forms: the forms package's own tests use it.
package formstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// Resolve returns the sample with every relative date replaced by the day it names on the
// clock now (Vietnam time), written dd/mm/yyyy as people write it.
func Resolve(raw []byte, now time.Time) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("read sample: %w", err)
	}
	v, err := resolve(v, now)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write sample: %w", err)
	}
	return out, nil
}

func resolve(v any, now time.Time) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			r, err := resolve(e, now)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			x[k] = r
		}
	case []any:
		for i, e := range x {
			r, err := resolve(e, now)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			x[i] = r
		}
	case string:
		if strings.HasPrefix(x, "@") {
			return Day(x, now)
		}
	}
	return v, nil
}

// Day is the date a relative date names on the clock now: "@today", or "@today" followed
// by a signed number of days ("@today-34d").
func Day(rel string, now time.Time) (string, error) {
	rest, ok := strings.CutPrefix(rel, "@today")
	if !ok {
		return "", fmt.Errorf("relative date %q: want @today, @today-Nd or @today+Nd", rel)
	}
	days := 0
	if rest != "" {
		n, ok := strings.CutSuffix(rest, "d")
		if !ok || len(n) < 2 || (n[0] != '-' && n[0] != '+') {
			return "", fmt.Errorf("relative date %q: want @today, @today-Nd or @today+Nd", rel)
		}
		var err error
		if days, err = strconv.Atoi(n); err != nil {
			return "", fmt.Errorf("relative date %q: %w", rel, err)
		}
	}
	return now.In(motcua.Vietnam).AddDate(0, 0, days).Format("02/01/2006"), nil
}

// CatalogDir is the catalog's folder in the source tree, whatever the test's directory.
func CatalogDir() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "catalog")
}

// Valid reads the valid sample of a procedure version, resolved on the clock now.
func Valid(code string, version int, now time.Time) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join(CatalogDir(), code, "v"+strconv.Itoa(version), "valid.json"))
	if err != nil {
		return nil, fmt.Errorf("valid sample of %s v%d: %w", code, version, err)
	}
	b, err := Resolve(raw, now)
	if err != nil {
		return nil, fmt.Errorf("valid sample of %s v%d: %w", code, version, err)
	}
	return b, nil
}
