package api_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/api"
	"motcua/dossiers"
	"motcua/internal/auth"
	"motcua/internal/httpx"
	"motcua/internal/pades"
	"motcua/internal/render"
	"motcua/internal/store/storetest"
)

// signedDecision renders a decision and certifies it with a leader key from a throw-away
// CA; it returns the signed PDF and a pool that trusts that CA.
func signedDecision(t *testing.T) ([]byte, *x509.CertPool) {
	t.Helper()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "motcua api test CA", Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "Nguyễn Thị Bích Lĩnh", Organization: []string{"Bộ Nội vụ"}, Country: []string{"VN"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)

	r, err := render.New(render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(context.Background(), &render.Decision{
		Header: render.Header{Agency: "BỘ NỘI VỤ", Place: "Hà Nội", Date: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			Signer:     render.Signer{Prefix: "KT. BỘ TRƯỞNG", Title: "THỨ TRƯỞNG", Name: "Nguyễn Thị Bích Lĩnh"},
			Recipients: []string{"Như Điều 3;", "Lưu: VT, TCPCP."}, VerifyURL: "https://motcua.example/tra-cuu/000.00.00.G09-261120-0001"},
		Symbol: "QĐ-BNV", Subject: "Về việc công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động", Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Bases:    []string{"Căn cứ Nghị định số 93/2019/NĐ-CP;"},
		Articles: []string{"Công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động.", "Quyết định này có hiệu lực kể từ ngày ký./."},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pades.Sign(context.Background(), out.PDF, pades.SignOptions{Kind: pades.Certification,
		DocMDP: pades.FormFillAndSign, Key: key, Chain: []*x509.Certificate{leaf}, Name: "Nguyễn Thị Bích Lĩnh"})
	if err != nil {
		t.Fatal(err)
	}
	filled, err := pades.FillFields(signed, map[string]string{render.FieldNumber: "125", render.FieldDate: "ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return filled, roots
}

// tamper flips one bit of a byte of the binary comment on the PDF's second line: inside
// the first signed range, yet the file stays a readable PDF.
func tamper(t *testing.T, pdf []byte) []byte {
	t.Helper()
	out := bytes.Clone(pdf)
	i := bytes.IndexByte(out[1:], '%') + 2
	if i < 2 || i >= 64 || out[i] < 0x80 {
		t.Fatalf("no binary comment at the start of the file: %q", out[:min(len(out), 32)])
	}
	out[i] ^= 0x01
	return out
}

func multipartBody(t *testing.T, field, filename string, data []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if err := mw.WriteField("note", "kiểm tra"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

func TestVerifyEndpointReportsSignaturesAndRefusesNonPDF(t *testing.T) {
	pdf, roots := signedDecision(t)
	st := storetest.NewSeeded(t)
	sessions := &auth.Sessions{Store: st}
	kit := httpx.New(httpx.Deps{Sessions: st, Auth: sessions})
	srv := httptest.NewServer(kit.Handler(nil, api.New(api.Deps{HTTP: kit, Sessions: sessions,
		Dossiers: dossiers.New(dossiers.Deps{Store: st, VerifyRoots: roots})})))
	t.Cleanup(srv.Close)

	bad := tamper(t, pdf)
	text := []byte("Đây là một tệp văn bản, không phải PDF.\n")
	mpCT, mpSigned := multipartBody(t, "file", "ket-qua.pdf", pdf)
	mpBadCT, mpBad := multipartBody(t, "file", "ket-qua.pdf", bad)
	mpTextCT, mpText := multipartBody(t, "file", "van-ban.pdf", text)
	mpNoFileCT, mpNoFile := multipartBody(t, "attachment", "ket-qua.pdf", pdf)
	huge := append([]byte("%PDF-1.7\n"), make([]byte, 20<<20)...)

	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		valid       bool
		title       string // a word the Vietnamese title of a refusal must contain
	}{
		{"signed PDF raw", "application/pdf", pdf, 200, true, ""},
		{"signed PDF as multipart", mpCT, mpSigned, 200, true, ""},
		{"signed PDF raw without a content type", "", pdf, 200, true, ""},
		{"tampered PDF raw", "application/pdf", bad, 200, false, ""},
		{"tampered PDF as multipart", mpBadCT, mpBad, 200, false, ""},
		{"text file named .pdf as multipart", mpTextCT, mpText, 422, false, "không phải là tệp PDF"},
		{"text file raw as application/pdf", "application/pdf", text, 422, false, "không phải là tệp PDF"},
		{"empty body", "application/pdf", nil, 422, false, "Chưa có tệp"},
		{"multipart without a file part", mpNoFileCT, mpNoFile, 422, false, "không có tệp"},
		{"PDF header but no PDF structure", "application/pdf", []byte("%PDF-1.7\nnothing here\n"), 422, false, "Không đọc được tệp PDF"},
		{"larger than 20 MB", "application/pdf", huge, 413, false, "quá lớn"}, // 413 since issue 11
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/verify", bytes.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.status != 200 {
				var p map[string]any
				if err := json.Unmarshal(b, &p); err != nil {
					t.Fatal(err)
				}
				code := motcua.EINVALID
				if tt.status == 413 {
					code = httpx.ETOOLARGE
				}
				if title, _ := p["title"].(string); p["code"] != code || !strings.Contains(title, tt.title) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Fatalf("problem %v (%s)", p, resp.Header.Get("Content-Type"))
				}
				return
			}
			var rep pades.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatalf("report: %v\n%s", err, b)
			}
			if rep.Valid != tt.valid || len(rep.Signatures) != 1 || rep.Message == "" {
				t.Fatalf("valid=%v signatures=%d message=%q, want valid=%v and one signature:\n%s", rep.Valid, len(rep.Signatures), rep.Message, tt.valid, b)
			}
			if !tt.valid && rep.Signatures[0].Checks.Integrity {
				t.Errorf("a tampered file passed the integrity check: %s", b)
			}
			if tt.valid && !rep.Signatures[0].Checks.Trusted {
				t.Errorf("the signer is not trusted with VerifyRoots: %s", b)
			}
		})
	}
}

// Without VerifyRoots nobody is trusted: the same signed file is reported, but not valid.
func TestVerifyEndpointWithoutRootsTrustsNoOne(t *testing.T) {
	pdf, _ := signedDecision(t)
	st := storetest.NewSeeded(t)
	srv := httptest.NewServer(api.New(api.Deps{Dossiers: dossiers.New(dossiers.Deps{Store: st})}).Handler())
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"/api/v1/verify", "application/pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep pades.Report
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	if rep.Valid || len(rep.Signatures) != 1 || rep.Signatures[0].Checks.Trusted {
		t.Fatalf("an untrusted signer was accepted: %+v", rep)
	}
}
