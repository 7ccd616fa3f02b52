package dossiers

import (
	"bytes"
	"strings"
	"testing"

	"motcua"
)

const portalSample = `{"portalCode": "G22.99-261206-000001", "procedure": "1.013932",
 "applicant": {"idNumber": "001090000001", "name": "Đặng Thị Mai"},
 "formData": {"fileDon": ["tep-1"]},
 "files": [{"ref": "tep-1", "name": "don.pdf", "content": "JVBERi0xLjQK", "digitized": true}]}`

func TestDecodePortalDossierRefusesWhatIsNotOneWellFormedDossier(t *testing.T) {
	if d, err := DecodePortalDossier(strings.NewReader(portalSample)); err != nil || d.PortalCode != "G22.99-261206-000001" || len(d.Files) != 1 {
		t.Fatalf("the sample: %+v, %v", d, err)
	}
	byURL := strings.Replace(portalSample, `"content": "JVBERi0xLjQK"`, `"url": "https://dichvucong.gov.vn/dvcqg/files/don.pdf"`, 1)
	if d, err := DecodePortalDossier(strings.NewReader(byURL)); err != nil || len(d.Files) != 1 || d.Files[0].URL == "" {
		t.Fatalf("a file by URL: %+v, %v", d, err)
	}
	cases := []struct{ name, from, to, field string }{
		{"unknown field", `"procedure"`, `"procedur"`, ""},
		{"portal code with spaces", `G22.99-261206-000001`, `G22 99`, "portalCode"},
		{"no procedure", `"1.013932"`, `""`, "procedure"},
		{"short ID number", `001090000001`, `0010900`, "applicant.idNumber"},
		{"no name", `"Đặng Thị Mai"`, `" "`, "applicant.name"},
		{"form data not an object", `{"fileDon": ["tep-1"]}`, `[1]`, "formData"},
		{"two files with one ref", `"files": [{"ref": "tep-1"`, `"files": [{"ref": "tep-1"}, {"ref": "tep-1"`, "files/1/ref"},
		{"content and url", `"digitized": true`, `"url": "https://dichvucong.gov.vn/tep/1", "digitized": true`, "files/0/content"},
		{"neither content nor url", `"content": "JVBERi0xLjQK", `, ``, "files/0/content"},
		{"url too long", `"content": "JVBERi0xLjQK"`, `"url": "https://dichvucong.gov.vn/` + strings.Repeat("a", 2048) + `"`, "files/0/url"},
		{"trailing data", `"digitized": true}]}`, `"digitized": true}]} {}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(portalSample, c.from, c.to, 1)
			if body == portalSample {
				t.Fatal("case changed nothing")
			}
			_, err := DecodePortalDossier(strings.NewReader(body))
			var me *motcua.Error
			if err == nil || !asError(err, &me) || me.Code != motcua.EINVALID || me.Field != c.field {
				t.Errorf("got %v, want invalid at %q", err, c.field)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		_, err := DecodePortalDossier(bytes.NewReader(make([]byte, MaxPortalBody+10)))
		if motcua.ErrorCode(err) != ETOOLARGE {
			t.Errorf("got %v, want too large", err)
		}
	})
}

func asError(err error, me **motcua.Error) bool {
	e, ok := err.(*motcua.Error)
	*me = e
	return ok
}

// FuzzDecodePortalDossier: whatever the portal sends, the decoder answers a dossier or
// a coded refusal, never a panic, and what it accepts keeps within its limits.
func FuzzDecodePortalDossier(f *testing.F) {
	f.Add([]byte(portalSample))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"files": [{"ref": ""}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(strings.Replace(portalSample, `"content": "JVBERi0xLjQK"`, `"url": "https://dichvucong.gov.vn/dvcqg/files/don.pdf"`, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodePortalDossier(bytes.NewReader(b))
		if err != nil {
			if code := motcua.ErrorCode(err); code != motcua.EINVALID && code != ETOOLARGE {
				t.Fatalf("refusal without a client code: %v", err)
			}
			return
		}
		if !portalCodeRE.MatchString(d.PortalCode) || !validID(d.Applicant.IDNumber) || len(d.Files) > MaxPortalFiles ||
			len(d.FormData) == 0 || d.FormData[0] != '{' {
			t.Fatalf("accepted out of bounds: %+v", d)
		}
		for _, f := range d.Files {
			if (f.Content == "") == (f.URL == "") || len(f.URL) > maxPortalFileURL {
				t.Fatalf("accepted a file with neither or both of content and url: %+v", f)
			}
		}
	})
}
