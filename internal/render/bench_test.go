package render

import (
	"context"
	"testing"
)

// BenchmarkRender renders one document of each kind; b.N documents per sub-benchmark.
func BenchmarkRender(b *testing.B) {
	r := newRenderer(b)
	docs := samples()
	for _, name := range sortedSamples() {
		d := docs[name]
		b.Run(name, func(b *testing.B) {
			var size int
			for b.Loop() {
				out, err := r.Render(context.Background(), d)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out.PDF)
			}
			b.ReportMetric(float64(size)/1024, "KiB/doc")
		})
	}
}

// BenchmarkRenderParallel measures throughput with every core rendering receipts.
func BenchmarkRenderParallel(b *testing.B) {
	r := newRenderer(b)
	d := sampleReceipt()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Render(context.Background(), d); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
