package main

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"motcua/internal/fonts"
)

// The test binary doubles as a `motcua sign` process: with MOTCUA_EXEC_SIGN=1 it runs
// signCmd on its arguments and exits. BenchmarkProcessSign uses it while main.go does
// not list the sign command yet; set MOTCUA_BIN to a built motcua to measure that
// instead ("$MOTCUA_BIN sign ...").
func init() {
	if os.Getenv("MOTCUA_EXEC_SIGN") == "1" {
		env := &Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
		os.Exit(exitCode(signCmd(context.Background(), os.Args[1:], env), os.Stderr))
	}
}

// benchFiles makes an RSA-2048 signer as a PKCS#12 file and in an NSS database (for
// pdfsig), and results of 1 and 100 pages with DejaVu Serif embedded, like
// internal/render's.
func benchFiles(b *testing.B) (dir string) {
	b.Helper()
	for _, tool := range []string{"pdfsig", "certutil", "pk12util"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not installed", tool)
		}
	}
	dir = b.TempDir()
	if keep := os.Getenv("MOTCUA_BENCH_DIR"); keep != "" {
		dir = keep // to run hyperfine on the same files afterwards
	}
	now := time.Now()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Nguyễn Thị Bích Lĩnh"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}, ca, key.Public(), caKey)
	if err != nil {
		b.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	write("leader.p12", p12)
	write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	db := filepath.Join(dir, "nss")
	os.Mkdir(db, 0o700)
	for _, c := range [][]string{
		{"certutil", "-N", "-d", "sql:" + db, "--empty-password"},
		{"certutil", "-A", "-n", "ca", "-t", "CT,C,C", "-i", filepath.Join(dir, "ca.pem"), "-d", "sql:" + db},
		{"pk12util", "-i", filepath.Join(dir, "leader.p12"), "-d", "sql:" + db, "-W", "bench"},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	for _, n := range []int{1, 100} {
		write(fmt.Sprintf("in%d.pdf", n), benchPDF(n))
	}
	return dir
}

// BenchmarkProcessSign compares whole processes on the same files and the same RSA-2048
// key: `motcua sign` (this test binary as the helper, or MOTCUA_BIN) against poppler's
// `pdfsig -add-signature` (NSS).
func BenchmarkProcessSign(b *testing.B) {
	dir := benchFiles(b)
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 100} {
		in := filepath.Join(dir, fmt.Sprintf("in%d.pdf", n))
		out := filepath.Join(dir, "out.pdf")
		b.Run(fmt.Sprintf("motcua/%dpages", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var cmd *exec.Cmd
				args := []string{"-p12", filepath.Join(dir, "leader.p12"), "-pass", "bench", in, out}
				if bin := os.Getenv("MOTCUA_BIN"); bin != "" {
					cmd = exec.Command(bin, append([]string{"sign"}, args...)...)
				} else {
					cmd = exec.Command(self, args...)
					cmd.Env = append(os.Environ(), "MOTCUA_EXEC_SIGN=1")
				}
				if o, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("motcua sign: %v\n%s", err, o)
				}
			}
		})
		b.Run(fmt.Sprintf("pdfsig/%dpages", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				os.Remove(out)
				cmd := exec.Command("pdfsig", "-nssdir", "sql:"+filepath.Join(dir, "nss"), "-nick", "Nguyễn Thị Bích Lĩnh", "-add-signature",
					"-new-signature-field-name", "bench", in, out)
				if o, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("pdfsig: %v\n%s", err, o)
				}
			}
		})
	}
}

// benchPDF writes an n-page PDF with DejaVu Serif embedded whole (as pdfcpu embeds form
// fonts), a classic xref and Flate streams. It is built by hand so that this test binary,
// which doubles as the `motcua sign` process, links no more than the command does.
func benchPDF(n int) []byte {
	var objs []string
	var b bytes.Buffer
	deflate := func(data []byte) []byte {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(data)
		w.Close()
		return z.Bytes()
	}
	font := deflate(fonts.Serif)
	// 1 catalog, 2 pages, 3 font, 4 descriptor, 5 font file, then page i: 6+2i, content 7+2i.
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 6+2*i)
	}
	objs = append(objs,
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n),
		"<< /Type /Font /Subtype /TrueType /BaseFont /DejaVuSerif /FirstChar 32 /LastChar 126 /Encoding /WinAnsiEncoding /FontDescriptor 4 0 R >>",
		"<< /Type /FontDescriptor /FontName /DejaVuSerif /Flags 32 /FontBBox [-770 -347 2106 1110] /ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 /FontFile2 5 0 R >>",
		fmt.Sprintf("<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(font), len(fonts.Serif), font),
	)
	for i := 0; i < n; i++ {
		text := deflate([]byte(fmt.Sprintf("BT /F1 12 Tf 60 700 Td (QUYET DINH ve viec cong nhan quy xa hoi - trang %d) Tj 0 -30 Td (Dieu 1. Cong nhan Quy Bao tro tre em Viet Nam du dieu kien hoat dong.) Tj ET", i+1)))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>", 7+2*i),
			fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(text), text))
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}
