package calendar

import (
	"math/rand/v2"
	"testing"
	"time"

	"motcua"
)

// benchCases are 10,000 receipts spread over 2025–2026 (weekends, holidays and make-up
// days included) with the time limits procedures really have: 4 hours to 45 days.
func benchCases(b *testing.B, withPauses bool) ([]time.Time, []Duration, [][]Interval) {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	limits := []Duration{Hours(4), Hours(8), Days(1), Days(2), Days(5), Days(7), Days(15), Days(20), Days(30), Days(40), Days(45)}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, motcua.Vietnam)
	rs := make([]time.Time, 10000)
	ds := make([]Duration, 10000)
	ps := make([][]Interval, 10000)
	for i := range rs {
		rs[i] = base.Add(time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
		ds[i] = limits[rng.IntN(len(limits))]
		if withPauses {
			s := rs[i].Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
			ps[i] = []Interval{{Start: s, End: s.Add(time.Duration(rng.Int64N(int64(15 * 24 * time.Hour))))}}
		}
	}
	return rs, ds, ps
}

// BenchmarkDue10000 computes 10,000 due dates per operation with a warm calendar (the
// holidays of each year are computed once per Calendar).
func BenchmarkDue10000(b *testing.B) {
	c := newDefault(b)
	rs, ds, _ := benchCases(b, false)
	for _, y := range []int{2025, 2026, 2027} {
		c.Holidays(y)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range rs {
			c.Due(rs[i], ds[i], nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/due")
}

// BenchmarkDue10000Paused is the same with one supplement pause per dossier.
func BenchmarkDue10000Paused(b *testing.B) {
	c := newDefault(b)
	rs, ds, ps := benchCases(b, true)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range rs {
			c.Due(rs[i], ds[i], ps[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/due")
}

// BenchmarkElapsed10000 measures the inverse question (time used so far).
func BenchmarkElapsed10000(b *testing.B) {
	c := newDefault(b)
	rs, ds, _ := benchCases(b, false)
	dues := make([]time.Time, len(rs))
	for i := range rs {
		dues[i] = c.Due(rs[i], ds[i], nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range rs {
			c.Elapsed(rs[i], dues[i], nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/elapsed")
}

// BenchmarkNewAndFirstYear is the cost a worker pays once: New (parsing the embedded
// announcements) and the holidays of one year (two lunar conversions).
func BenchmarkNewAndFirstYear(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := New(Config{})
		if err != nil {
			b.Fatal(err)
		}
		c.Holidays(2026)
	}
}
