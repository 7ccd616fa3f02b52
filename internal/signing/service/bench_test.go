package service

import (
	"bytes"
	"crypto"
	"net/http"
	"testing"

	"github.com/digitorus/timestamp"
)

// BenchmarkTSA measures one RFC 3161 request and reply over loopback HTTP (RSA-2048 TSA
// key, certificates requested).
func BenchmarkTSA(b *testing.B) {
	svc, err := New(devDir(b), Options{Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	srv := newBenchServer(b, svc)
	req, err := timestamp.CreateRequest(bytes.NewReader([]byte("x")), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		resp, err := srv.Client().Post(srv.URL+TSAPath, ctTimestampQuery, bytes.NewReader(req))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
}

// BenchmarkFirstStart measures making the whole development CA (five keys) in an empty
// directory: the delay of the very first `motcua signer`.
func BenchmarkFirstStart(b *testing.B) {
	for _, alg := range []KeyAlgorithm{RSA2048, ECDSAP256} {
		b.Run(string(alg), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(b.TempDir(), Options{Token: "t", KeyAlgorithm: alg}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
