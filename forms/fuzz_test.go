package forms

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua/forms/formstest"
)

var (
	fuzzOnce sync.Once
	fuzzCat  *Catalog
)

// FuzzValidate feeds arbitrary bytes to every procedure's validator. It must never panic,
// every error must carry a code and a message, and data that validates must validate again,
// unchanged, once normalized (normalizing is idempotent).
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("catalog/*/*/valid.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			if r, err := formstest.Resolve(b, testNow); err == nil {
				b = r
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"founders":[{"idNumber":"001085012345","birthDate":"1/1/1985"}]}`))
	f.Add([]byte(`{"initialAssets":"1e999999"}`))
	fuzzOnce.Do(func() {
		c, err := Load(os.DirFS("catalog"), WithClock(func() time.Time { return testNow }))
		if err != nil {
			f.Fatal(err)
		}
		fuzzCat = c
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, code := range fuzzCat.Codes() {
			for _, p := range fuzzCat.Versions(code) {
				out, errs := p.Validate(data)
				for _, e := range errs {
					if e.Code == "" || e.Message == "" {
						t.Fatalf("%s: error without code or message: %+v", p.Key(), e)
					}
				}
				if errs != nil {
					continue
				}
				again, err := json.Marshal(out)
				if err != nil {
					t.Fatalf("%s: normalized data does not encode: %v", p.Key(), err)
				}
				out2, errs2 := p.Validate(again)
				if errs2 != nil {
					t.Fatalf("%s: normalized data rejected: %v\n%s", p.Key(), errs2, again)
				}
				b2, _ := json.Marshal(out2)
				if string(b2) != string(again) {
					t.Fatalf("%s: normalizing twice changed the data:\n%s\n%s", p.Key(), again, b2)
				}
			}
		}
	})
}
