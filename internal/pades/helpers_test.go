package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"motcua/internal/fonts"
)

// testPKI is a throw-away CA with the keys of the demo organization's signers and a TSA.
type testPKI struct {
	root     *x509.Certificate
	rootKey  crypto.Signer
	leader   identity // Nguyễn Thị Bích Lĩnh, Thứ trưởng
	org      identity // Bộ Nội vụ (the seal)
	tsa      identity
	roots    *x509.CertPool
	rootPEM  []byte
	stranger identity // a key from another, untrusted CA
}

type identity struct {
	key   crypto.Signer
	chain []*x509.Certificate
}

var (
	pkiOnce sync.Once
	pki     *testPKI
	pkiErr  error
)

// newPKI returns the test PKI, made once per test binary (RSA key generation is slow).
func newPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = makePKI() })
	if pkiErr != nil {
		t.Fatalf("make test PKI: %v", pkiErr)
	}
	return pki
}

var oidEKUTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

func makePKI() (*testPKI, error) {
	now := time.Now()
	rootKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "motcua test CA", Organization: []string{"Bộ Nội vụ (thử nghiệm)"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(40 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	root, _ := x509.ParseCertificate(der)
	p := &testPKI{root: root, rootKey: rootKey, roots: x509.NewCertPool()}
	p.roots.AddCert(root)
	p.rootPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})

	leaf := func(serial int64, cn, org string, rsaKey bool, eku []x509.ExtKeyUsage, issuer *x509.Certificate, issuerKey crypto.Signer) (identity, error) {
		var key crypto.Signer
		if rsaKey {
			key, err = rsa.GenerateKey(rand.Reader, 2048)
		} else {
			key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
		if err != nil {
			return identity{}, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn, Organization: []string{org}, Country: []string{"VN"}},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(30 * 365 * 24 * time.Hour), // the stored attack corpus must stay verifiable
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
			ExtKeyUsage:  eku,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), issuerKey)
		if err != nil {
			return identity{}, err
		}
		c, _ := x509.ParseCertificate(der)
		return identity{key: key, chain: []*x509.Certificate{c}}, nil
	}
	docEKU := []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	if p.leader, err = leaf(2, "Nguyễn Thị Bích Lĩnh", "Bộ Nội vụ", true, docEKU, root, rootKey); err != nil {
		return nil, err
	}
	if p.org, err = leaf(3, "Bộ Nội vụ", "Bộ Nội vụ", false, docEKU, root, rootKey); err != nil {
		return nil, err
	}
	if p.tsa, err = leaf(4, "motcua test TSA", "Bộ Nội vụ", true, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, root, rootKey); err != nil {
		return nil, err
	}
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherTmpl := *rootTmpl
	otherTmpl.Subject = pkix.Name{CommonName: "not trusted CA"}
	oder, _ := x509.CreateCertificate(rand.Reader, &otherTmpl, &otherTmpl, otherKey.Public(), otherKey)
	other, _ := x509.ParseCertificate(oder)
	if p.stranger, err = leaf(5, "Kẻ giả mạo", "Không rõ", false, docEKU, other, otherKey); err != nil {
		return nil, err
	}
	return p, nil
}

// tsaServer runs an RFC 3161 time-stamping service signed by the test PKI's TSA key.
func tsaServer(t testing.TB, p *testPKI) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ts := timestamp.Timestamp{
			HashAlgorithm:     req.HashAlgorithm,
			HashedMessage:     req.HashedMessage,
			Time:              time.Now(),
			Nonce:             req.Nonce,
			Policy:            asn1.ObjectIdentifier{1, 2, 3, 4, 1},
			Ordering:          false,
			Accuracy:          time.Second,
			Qualified:         false,
			AddTSACertificate: req.Certificates,
		}
		resp, err := ts.CreateResponseWithOpts(p.tsa.chain[0], p.tsa.key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

var (
	fontsOnce sync.Once
	fontsErr  error
	fontsDir  string
)

// TestMain removes pdfcpu's private configuration directory after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fontsDir != "" {
		os.RemoveAll(fontsDir)
	}
	os.Exit(code)
}

// installFonts gives pdfcpu the DejaVu fonts in a private config directory (pdfcpu's
// configuration is process-global, so once per test binary).
func installFonts(t testing.TB) {
	t.Helper()
	fontsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pades-pdfcpu-")
		if err != nil {
			fontsErr = err
			return
		}
		fontsDir = dir
		if err := api.EnsureDefaultConfigAt(dir); err != nil {
			fontsErr = err
			return
		}
		var files []string
		for _, f := range fonts.All() {
			p := filepath.Join(dir, f.File)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				fontsErr = err
				return
			}
			files = append(files, p)
		}
		fontsErr = api.InstallFonts(files)
	})
	if fontsErr != nil {
		t.Fatalf("install fonts for pdfcpu: %v", fontsErr)
	}
}

// resultPDF builds a result document like internal/render's: Vietnamese text in DejaVu
// Serif on `pages` pages, and on page 1 the empty fields motcua.number and motcua.date
// for the clerical office.
func resultPDF(t testing.TB, pages int) []byte {
	t.Helper()
	installFonts(t)
	var pj []string
	for i := 1; i <= pages; i++ {
		content := fmt.Sprintf(`"text":[
 {"value":"BỘ NỘI VỤ","pos":[60,790],"font":{"name":"$bold"}},
 {"value":"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM","pos":[280,790],"font":{"name":"$bold"}},
 {"value":"Độc lập - Tự do - Hạnh phúc","pos":[330,774],"font":{"name":"$body"}},
 {"value":"QUYẾT ĐỊNH về việc công nhận quỹ xã hội, quỹ từ thiện — trang %d","pos":[60,700],"font":{"name":"$body"}},
 {"value":"Điều 1. Công nhận Quỹ Bảo trợ trẻ em Việt Nam đủ điều kiện hoạt động.","pos":[60,670],"font":{"name":"$body"}},
 {"value":"KT. BỘ TRƯỞNG","pos":[380,300],"font":{"name":"$bold"}},
 {"value":"THỨ TRƯỞNG","pos":[390,285],"font":{"name":"$bold"}},
 {"value":"Nguyễn Thị Bích Lĩnh","pos":[380,180],"font":{"name":"$bold"}}]`, i)
		if i == 1 {
			content += `,"textfield":[
 {"id":"motcua.number","value":"","pos":[60,745],"width":160,"font":{"name":"$body"}},
 {"id":"motcua.date","value":"","pos":[300,745],"width":230,"font":{"name":"$body"}}]`
		}
		pj = append(pj, fmt.Sprintf(`"%d":{"content":{%s}}`, i, content))
	}
	js := `{"paper":"A4P","origin":"LowerLeft",
"fonts":{"body":{"name":"DejaVuSerif","size":12},"bold":{"name":"DejaVuSerif-Bold","size":12}},
"pages":{` + strings.Join(pj, ",") + `}}`
	var out bytes.Buffer
	if err := api.Create(nil, strings.NewReader(js), &out, nil); err != nil {
		t.Fatalf("pdfcpu create: %v", err)
	}
	return out.Bytes()
}

// smallPDF is a one-page result with the same two fields but only core fonts (nothing
// embedded), so that the stored attack corpus stays small.
func smallPDF(t testing.TB) []byte {
	t.Helper()
	installFonts(t)
	js := `{"paper":"A4P","origin":"LowerLeft","fonts":{"body":{"name":"Helvetica","size":12}},
"pages":{"1":{"content":{"text":[
 {"value":"BO NOI VU - QUYET DINH cong nhan quy xa hoi","pos":[60,700],"font":{"name":"$body"}},
 {"value":"Dieu 1. Cong nhan Quy Bao tro tre em Viet Nam.","pos":[60,670],"font":{"name":"$body"}},
 {"value":"KT. BO TRUONG - THU TRUONG","pos":[380,300],"font":{"name":"$body"}}],
"textfield":[
 {"id":"motcua.number","value":"","pos":[60,745],"width":160,"font":{"name":"$body"}},
 {"id":"motcua.date","value":"","pos":[300,745],"width":230,"font":{"name":"$body"}}]}}}}`
	var out bytes.Buffer
	if err := api.Create(nil, strings.NewReader(js), &out, nil); err != nil {
		t.Fatalf("pdfcpu create: %v", err)
	}
	return out.Bytes()
}

// leaderSign signs as the leader: certification, DocMDP P=2, her signature image between
// title and name on the last page.
func leaderSign(t testing.TB, p *testPKI, in []byte, tsaURL string) []byte {
	t.Helper()
	img, err := SignatureImage("Nguyễn Thị Bích Lĩnh")
	if err != nil {
		t.Fatal(err)
	}
	opts := SignOptions{
		Kind: Certification, DocMDP: FormFillAndSign,
		Key: p.leader.key, Chain: p.leader.chain,
		Appearance: &Appearance{Page: 1, Rect: [4]float64{370, 200, 520, 280}, Image: img},
		Name:       "Nguyễn Thị Bích Lĩnh (Phó Vụ trưởng)", Reason: "Ký ban hành (Thứ trưởng)", Location: "Hà Nội",
		FieldName: "motcua.leader",
	}
	if tsaURL != "" {
		opts.TSA = &TSA{URL: tsaURL}
	}
	out, err := Sign(context.Background(), in, opts)
	if err != nil {
		t.Fatalf("leader sign: %v", err)
	}
	return out
}

// sealSign adds the organization's seal over the left third of the leader's image.
func sealSign(t testing.TB, p *testPKI, in []byte, tsaURL string) []byte {
	t.Helper()
	img, err := SealImage("Bộ Nội vụ", "", 40)
	if err != nil {
		t.Fatal(err)
	}
	d := 40 * PointsPerMM
	x1, y1 := 370-d/2+50, 240-d/2
	opts := SignOptions{
		Kind: Approval, LockFields: true,
		Key: p.org.key, Chain: p.org.chain,
		Appearance: &Appearance{Page: 1, Rect: [4]float64{x1, y1, x1 + d, y1 + d}, Image: img},
		Name:       "Bộ Nội vụ", Reason: "Đóng dấu (Văn thư)", FieldName: "motcua.seal",
	}
	if tsaURL != "" {
		opts.TSA = &TSA{URL: tsaURL}
	}
	out, err := Sign(context.Background(), in, opts)
	if err != nil {
		t.Fatalf("seal sign: %v", err)
	}
	return out
}

// needTool skips the test when an external tool is missing (CI installs them).
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" { // CI installs it: missing there is a failure, not a skip
			t.Fatalf("%s not installed (apt-get install poppler-utils qpdf libnss3-tools)", name)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils qpdf libnss3-tools)", name)
	}
	return p
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// nssDB makes an NSS database that trusts the test CA.
func nssDB(t testing.TB, p *testPKI) string {
	t.Helper()
	needTool(t, "certutil")
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, p.rootPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + dir, "--empty-password"},
		{"-A", "-n", "ca", "-t", "CT,C,C", "-i", ca, "-d", "sql:" + dir},
	} {
		if out, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	return dir
}
