package match

import (
	"runtime"
	"sort"
	"testing"
	"time"
)

func BenchmarkBuildOFAC(b *testing.B) {
	ix := ofac(b)
	es := ix.entities
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewIndex(es)
	}
	b.StopTimer()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	keep := NewIndex(es)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MB")
	b.ReportMetric(float64(keep.Names()), "names")
}

// benchQueries are the dev queries: every category, all scripts.
func benchQueries(b *testing.B) []Query {
	var qs []Query
	for _, r := range screeningDev(b) {
		qs = append(qs, r.query())
	}
	return qs
}

// BenchmarkSearchOFAC measures one query at a time against the full list and
// reports p50 and p99 latency.
func BenchmarkSearchOFAC(b *testing.B) {
	ix := ofac(b)
	qs := benchQueries(b)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := ix.Search(qs[i%len(qs)], Options{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkSearchOFACParallel measures throughput with all cores busy.
func BenchmarkSearchOFACParallel(b *testing.B) {
	ix := ofac(b)
	qs := benchQueries(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ix.Search(qs[i%len(qs)], Options{})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkBaselineJaroWinkler is the simple baseline: a brute-force scan of
// every listed name with Jaro-Winkler on the whole folded name, as
// moov-io/watchman does, over the same queries.
func BenchmarkBaselineJaroWinkler(b *testing.B) {
	ix := ofac(b)
	qs := benchQueries(b)
	var listed []string
	for _, e := range ix.entities {
		for _, n := range e.Names {
			listed = append(listed, fold(n.Full))
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		start := time.Now()
		if len(q.Names) > 0 {
			qn := fold(q.Names[0])
			best := 0.0
			for _, l := range listed {
				if s := jaroWinkler(qn, l); s > best {
					best = s
				}
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// jaroWinkler is the textbook Jaro-Winkler similarity, for the baseline.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	ma := make([]bool, la)
	mb := make([]bool, lb)
	m := 0
	for i := 0; i < la; i++ {
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if ma[i] {
			for !mb[k] {
				k++
			}
			if a[i] != b[k] {
				t++
			}
			k++
		}
	}
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(t)/2)/fm) / 3
	p := 0
	for p < min(4, la, lb) && a[p] == b[p] {
		p++
	}
	return jaro + float64(p)*0.1*(1-jaro)
}
