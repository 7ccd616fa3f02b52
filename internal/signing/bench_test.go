package signing_test

import (
	"context"
	"crypto"
	"testing"

	"motcua/internal/signing"
	"motcua/internal/signing/service"
)

// BenchmarkRemoteSign measures one crypto.Signer.Sign through the client: a
// credentials/authorize with the PIN and a signatures/signHash, over loopback HTTP, with
// the key operation in the service.
func BenchmarkRemoteSign(b *testing.B) {
	for _, alg := range []service.KeyAlgorithm{service.RSA2048, service.ECDSAP256} {
		b.Run(string(alg), func(b *testing.B) {
			dir := devDir(b)
			if alg != service.RSA2048 {
				dir = b.TempDir()
			}
			_, _, client := startService(b, dir, service.Options{KeyAlgorithm: alg})
			s, err := client.Signer(context.Background(), "lanhdao1", signing.PIN(service.DefaultPIN))
			if err != nil {
				b.Fatal(err)
			}
			digest := digestOf("benchmark")
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Sign(nil, digest, crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
