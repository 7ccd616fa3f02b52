package edxml

import (
	"bytes"
	"os"
	"reflect"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"thirdparty-congvan.xml", "thirdparty-status.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(doc("<Subject>s</Subject>")))
	f.Add([]byte(`<!DOCTYPE x><edXML xmlns="http://www.go.vn/eDoc"/>`))
	limits := Limits{MaxBytes: 1 << 20, MaxDepth: 12, MaxElements: 2000, MaxAttachments: 10, MaxAttachmentBytes: 256 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		e, err := Parse(bytes.NewReader(data), limits)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("parse took %v", d)
		}
		if err != nil {
			return
		}
		out, err := Marshal(e)
		if err != nil {
			t.Fatalf("parsed but does not marshal: %v", err)
		}
		back, err := Parse(bytes.NewReader(out), limits)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("re-parse differs\n%+v\n%+v", back, e)
		}
	})
}
