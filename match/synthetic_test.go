package match

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"warden"
)

// synthetic builds n parties from the name parts of real listed names, with
// a fixed seed: 70% people ("FAMILY, Given Given"), 30% organisations (two
// to four words and a legal form), a quarter of them with an alias.
func synthetic(tb testing.TB, n int) []*warden.Entity {
	ix := ofac(tb)
	var given, family, words []string
	for _, e := range ix.entities {
		for _, nm := range e.Names {
			switch {
			case e.Schema == warden.SchemaPerson && nm.Family != "":
				family = append(family, nm.Family)
				given = append(given, strings.Fields(nm.Given)...)
			case e.Schema == warden.SchemaOrganization:
				words = append(words, strings.Fields(nm.Full)...)
			}
		}
	}
	legal := []string{"LLC", "LTD", "JSC", "GMBH", "CO., LTD.", "S.A.", "OOO", "LIMITED"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	out := make([]*warden.Entity, n)
	for i := range out {
		e := &warden.Entity{SourceID: fmt.Sprint(i), List: "synthetic"}
		e.ID = "synthetic:" + e.SourceID
		if rng.IntN(10) < 7 {
			e.Schema = warden.SchemaPerson
			e.Names = []warden.Name{{Full: pick(family) + ", " + pick(given) + " " + pick(given), Kind: warden.NamePrimary}}
		} else {
			e.Schema = warden.SchemaOrganization
			k := 2 + rng.IntN(3)
			ws := make([]string, k)
			for j := range ws {
				ws[j] = pick(words)
			}
			e.Names = []warden.Name{{Full: strings.Join(ws, " ") + " " + pick(legal), Kind: warden.NamePrimary}}
		}
		if rng.IntN(4) == 0 {
			e.Names = append(e.Names, warden.Name{Full: pick(family) + " " + pick(given), Kind: warden.NameAKA})
		}
		out[i] = e
	}
	return out
}

// BenchmarkSynthetic1M builds an index of 1,000,000 synthetic parties and
// measures queries against it: names taken from the list with a letter
// changed, and the dev queries.
func BenchmarkSynthetic1M(b *testing.B) {
	es := synthetic(b, 1_000_000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix := NewIndex(es)
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	var qs []Query
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		n := es[rng.IntN(len(es))].Names[0].Full
		if j := rng.IntN(len(n)); n[j] != ' ' {
			n = n[:j] + "e" + n[j+1:]
		}
		qs = append(qs, Query{Names: []string{n}})
	}
	qs = append(qs, benchQueries(b)...)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := ix.Search(qs[i%len(qs)], Options{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MB")
	b.ReportMetric(float64(ix.Names()), "names")
	runtime.KeepAlive(es)
}
