package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"motcua"
	"motcua/forms/formstest"
	"motcua/internal/stacktest"
)

// portalCall posts body to the inbound endpoint as system id with secret.
func portalCall(t *testing.T, s *stacktest.Stack, id, secret string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+"/api/v1/portal/dossiers", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-System-Id", id)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// portalDossier is the catalog's sample of G09.CVTLT.02 (a procedure with papers) as the portal files it:
// the files inline, named by ref in the form.
func portalDossier(t *testing.T, s *stacktest.Stack, portalCode, idNumber string) []byte {
	t.Helper()
	p, err := s.Catalog.Procedure("G09.CVTLT.02")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := formstest.Valid(p.Code, p.Version, s.Now())
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	var files []map[string]any
	err = stacktest.AttachSampleFiles(p, data, func(name string, content []byte) (string, error) {
		ref := fmt.Sprintf("tep-%d", len(files)+1)
		files = append(files, map[string]any{"ref": ref, "name": name, "content": base64.StdEncoding.EncodeToString(content),
			"digitized": true})
		return ref, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"portalCode": portalCode, "procedure": p.Code,
		"applicant": map[string]any{"idNumber": idNumber, "name": "Đặng Thị Mai", "phone": "0987654321"},
		"formData":  data, "files": files})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counts are the rows a portal dossier writes, to show that a refusal writes none.
func counts(t *testing.T, s *stacktest.Stack) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"dossiers", "submissions", "files", "users", "portal_intake", "blobs", "dossier_sequences"} {
		var n int
		q := "SELECT count(*) FROM " + table
		if table == "dossier_sequences" {
			q = "SELECT coalesce(sum(last), 0) FROM dossier_sequences"
		}
		if err := s.Store.Pool().QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestPortalDossiersAreAuthenticatedIdempotentAndAllOrNothing(t *testing.T) {
	s := stacktest.Start(t)
	ctx := context.Background()
	const secretA, secretB = "khoa-bi-mat-cong-dvcqg-0001", "khoa-bi-mat-lgsp-tinh-00002"
	if _, err := s.Store.CreateIntakeSystem(ctx, "dvcqg", "Cổng Dịch vụ công quốc gia", secretA); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.CreateIntakeSystem(ctx, "lgsp", "LGSP thử", secretB); err != nil {
		t.Fatal(err)
	}
	first := portalDossier(t, s, "G22.99-261206-000001", "001090000001")

	t.Run("unauthenticated and wrong-system calls are refused", func(t *testing.T) {
		before := counts(t, s)
		for _, c := range []struct{ name, id, secret string }{
			{"no credentials", "", ""},
			{"no secret", "dvcqg", ""},
			{"wrong secret", "dvcqg", "khoa-sai-khoa-sai-khoa-sai"},
			{"another system's secret", "dvcqg", secretB},
			{"unknown system", "khac", secretA},
		} {
			status, prob := portalCall(t, s, c.id, c.secret, first)
			if status != http.StatusUnauthorized || prob["code"] != motcua.EUNAUTHORIZED {
				t.Errorf("%s: %d %v, want 401 unauthorized", c.name, status, prob)
			}
		}
		// A person's API token is not a system's credential.
		citizen := s.Login("congdan1")
		r := citizen.Request("POST", "/api/v1/portal/dossiers", json.RawMessage(first), nil)
		if r.Status != http.StatusUnauthorized {
			t.Errorf("a citizen's token: %d, want 401", r.Status)
		}
		if after := counts(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("refused calls wrote rows: %v -> %v", before, after)
		}
	})

	t.Run("posted twice makes one dossier", func(t *testing.T) {
		before := counts(t, s)
		status, one := portalCall(t, s, "dvcqg", secretA, first)
		if status != http.StatusCreated || one["channel"] != "portal" {
			t.Fatalf("first post: %d %v", status, one)
		}
		status, two := portalCall(t, s, "dvcqg", secretA, first)
		if status != http.StatusOK || two["code"] != one["code"] {
			t.Fatalf("second post: %d %v, want 200 with %v", status, two, one["code"])
		}
		after := counts(t, s)
		if after["dossiers"] != before["dossiers"]+1 || after["portal_intake"] != before["portal_intake"]+1 ||
			after["users"] != before["users"]+1 {
			t.Errorf("rows %v -> %v: want one dossier and one new applicant", before, after)
		}
		var channel, portalCode string
		var digitized int
		err := s.Store.Pool().QueryRow(ctx, `SELECT d.channel, d.portal_code, (SELECT count(*) FROM files f WHERE f.dossier_id = d.id AND f.digitized)
			FROM dossiers d WHERE d.code = $1`, one["code"]).Scan(&channel, &portalCode, &digitized)
		if err != nil || channel != "portal" || portalCode != "G22.99-261206-000001" || digitized == 0 {
			t.Errorf("stored dossier: channel %q, portal code %q, %d digitized files, %v", channel, portalCode, digitized, err)
		}
		// The same portal code with another content is refused, and writes nothing.
		other := portalDossier(t, s, "G22.99-261206-000001", "001090000002")
		mid := counts(t, s)
		if status, prob := portalCall(t, s, "dvcqg", secretA, other); status != http.StatusConflict || prob["code"] != motcua.ECONFLICT {
			t.Errorf("same code, other content: %d %v, want 409", status, prob)
		}
		if after := counts(t, s); fmt.Sprint(after) != fmt.Sprint(mid) {
			t.Errorf("a refused reuse wrote rows: %v -> %v", mid, after)
		}
	})

	t.Run("malformed or unknown dossiers change nothing", func(t *testing.T) {
		var good map[string]any
		_ = json.Unmarshal(portalDossier(t, s, "G22.99-261206-000777", "001090000777"), &good)
		mutate := func(f func(m map[string]any)) []byte {
			var m map[string]any
			b, _ := json.Marshal(good)
			_ = json.Unmarshal(b, &m)
			f(m)
			out, _ := json.Marshal(m)
			return out
		}
		cases := []struct {
			name   string
			body   []byte
			status int
			code   string
		}{
			{"not JSON", []byte(`{"portalCode": `), 422, motcua.EINVALID},
			{"unknown field", mutate(func(m map[string]any) { m["extra"] = 1 }), 422, motcua.EINVALID},
			{"no portal code", mutate(func(m map[string]any) { delete(m, "portalCode") }), 422, motcua.EINVALID},
			{"unknown procedure", mutate(func(m map[string]any) { m["procedure"] = "9.999999" }), 422, "refused"},
			{"bad ID number", mutate(func(m map[string]any) { m["applicant"].(map[string]any)["idNumber"] = "12" }), 422, motcua.EINVALID},
			{"form invalid", mutate(func(m map[string]any) { m["formData"] = map[string]any{} }), 422, motcua.EINVALID},
			{"file not base64", mutate(func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["content"] = "%%%" }), 422, motcua.EINVALID},
			{"file not PDF or image", mutate(func(m map[string]any) {
				m["files"].([]any)[0].(map[string]any)["content"] = base64.StdEncoding.EncodeToString([]byte("MZ executable"))
			}), 422, motcua.EINVALID},
			{"form names a file not sent", mutate(func(m map[string]any) { m["files"] = m["files"].([]any)[1:] }), 422, motcua.EINVALID},
		}
		before := counts(t, s)
		for _, c := range cases {
			status, prob := portalCall(t, s, "dvcqg", secretA, c.body)
			if status != c.status || prob["code"] != c.code {
				t.Errorf("%s: %d %v, want %d %s", c.name, status, prob, c.status, c.code)
			}
		}
		if after := counts(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("refused dossiers wrote rows: %v -> %v", before, after)
		}
	})

	t.Run("100 posted concurrently make 100", func(t *testing.T) {
		before := counts(t, s)
		bodies := make([][]byte, 100)
		for i := range bodies {
			bodies[i] = portalDossier(t, s, fmt.Sprintf("G22.99-261206-%06d", 1000+i), fmt.Sprintf("0010910%05d", i))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[any]bool{}
		for i := range bodies {
			wg.Go(func() {
				status, out := portalCall(t, s, "dvcqg", secretA, bodies[i])
				mu.Lock()
				defer mu.Unlock()
				if status != http.StatusCreated {
					t.Errorf("dossier %d: %d %v", i, status, out)
					return
				}
				codes[out["code"]] = true
			})
		}
		wg.Wait()
		after := counts(t, s)
		if len(codes) != 100 || after["dossiers"] != before["dossiers"]+100 || after["portal_intake"] != before["portal_intake"]+100 {
			t.Errorf("%d distinct codes; rows %v -> %v: want 100 dossiers", len(codes), before, after)
		}
	})
}
