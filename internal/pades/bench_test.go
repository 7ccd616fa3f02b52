package pades

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
)

var (
	benchMu   sync.Mutex
	benchPDFs = map[int][]byte{}
)

// benchPDF returns an unsigned result of n pages (made once per size).
func benchPDF(b *testing.B, n int) []byte {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if p, ok := benchPDFs[n]; ok {
		return p
	}
	p := resultPDF(b, n)
	benchPDFs[n] = p
	return p
}

// BenchmarkSign: one invisible approval signature with an RSA-2048 key, in process.
func BenchmarkSign1Page(b *testing.B)    { benchSign(b, 1, false) }
func BenchmarkSign100Pages(b *testing.B) { benchSign(b, 100, false) }

// BenchmarkSignVisible: the leader's certification with her signature image.
func BenchmarkSignVisible1Page(b *testing.B) { benchSign(b, 1, true) }

func benchSign(b *testing.B, pages int, visible bool) {
	p := newPKI(b)
	in := benchPDF(b, pages)
	opts := SignOptions{Kind: Approval, Key: p.leader.key, Chain: p.leader.chain}
	if visible {
		img, err := SignatureImage("Nguyễn Thị Bích Lĩnh")
		if err != nil {
			b.Fatal(err)
		}
		opts.Kind = Certification
		opts.Appearance = &Appearance{Page: 1, Rect: [4]float64{370, 200, 520, 280}, Image: img}
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Sign(context.Background(), in, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor: what any signer must do: SHA-256 of the file and one RSA-2048
// signature.
func BenchmarkFloor1Page(b *testing.B)    { benchFloor(b, 1) }
func BenchmarkFloor100Pages(b *testing.B) { benchFloor(b, 100) }

func benchFloor(b *testing.B, pages int) {
	p := newPKI(b)
	in := benchPDF(b, pages)
	key := p.leader.key.(*rsa.PrivateKey)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := sha256.Sum256(in)
		if _, err := key.Sign(rand.Reader, sum[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify: a result with the leader's certification, the filled number and date
// and the seal (two signatures, four revisions).
func BenchmarkVerify1Page(b *testing.B)    { benchVerify(b, 1) }
func BenchmarkVerify100Pages(b *testing.B) { benchVerify(b, 100) }

func benchVerify(b *testing.B, pages int) {
	p := newPKI(b)
	leader := leaderSign(b, p, benchPDF(b, pages), "")
	filled, err := FillFields(leader, map[string]string{"motcua.number": "125", "motcua.date": "ngày 22 tháng 11 năm 2026"})
	if err != nil {
		b.Fatal(err)
	}
	sealed := sealSign(b, p, filled, "")
	opts := verifyOpts(p)
	b.SetBytes(int64(len(sealed)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Verify(sealed, opts)
		if err != nil || !rep.Valid {
			b.Fatal(fmt.Sprint(err, rep))
		}
	}
}
