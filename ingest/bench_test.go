package ingest_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"warden"
	"warden/ingest"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// benchImport imports rel into a fresh SQLite database per iteration and
// reports parties per second and the peak Go heap.
func benchImport(b *testing.B, rel, format string) { benchImportOn(b, rel, format, nil) }

// benchImportOn is benchImport on the database open returns (nil: SQLite).
func benchImportOn(b *testing.B, rel, format string, open func(testing.TB) *store.DB) {
	paths, err := sources.Expand([]string{sourcetest.Data(b, rel)})
	if err != nil {
		b.Fatal(err)
	}
	var peak uint64
	var parties int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var db *store.DB
		if open != nil {
			db = open(b)
		} else if db, err = store.Open(context.Background(), filepath.Join(b.TempDir(), "w.db")); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		done := make(chan struct{})
		peakc := make(chan uint64)
		go samplePeak(done, peakc)
		b.StartTimer()
		v, err := ingest.Import(context.Background(), db, ingest.Request{List: "l", Format: format, Input: warden.Input{Paths: paths}}, nil)
		b.StopTimer()
		close(done)
		if p := <-peakc; p > peak {
			peak = p
		}
		if err != nil {
			b.Fatal(err)
		}
		parties = v.Entities
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(parties)*float64(b.N)/b.Elapsed().Seconds(), "parties/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// samplePeak samples the heap in use every 5 ms until done is closed.
func samplePeak(done chan struct{}, out chan uint64) {
	var peak uint64
	var ms runtime.MemStats
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak {
			peak = ms.HeapInuse
		}
		select {
		case <-done:
			out <- peak
			return
		case <-tick.C:
		}
	}
}

func BenchmarkImportOFACCSV(b *testing.B) { benchImport(b, "ofac", "ofac-csv") }
func BenchmarkImportUKXLSX(b *testing.B)  { benchImport(b, "uk/ConList.xlsx", "uk-xlsx") }
func BenchmarkImportUN(b *testing.B)      { benchImport(b, "un/consolidated.xml", "un-xml") }
func BenchmarkImportCSL(b *testing.B)     { benchImport(b, "us_csl/consolidated.csv.gz", "csl-csv") }

func BenchmarkImportOFACCSVPostgres(b *testing.B) {
	benchImportOn(b, "ofac", "ofac-csv", storetest.OpenPostgres)
}

// BenchmarkImportOFACOnto2021 imports the 2024 OFAC list onto the 2021 one
// (3,938 parties modified, 7,394 added, 927 removed): the import that the
// guards weigh most, since they compare what every modified and removed
// party had with what it has now.
func BenchmarkImportOFACOnto2021(b *testing.B) {
	old, err := sources.Expand([]string{sourcetest.Data(b, "ofac/2021-07-07")})
	if err != nil {
		b.Fatal(err)
	}
	paths, err := sources.Expand([]string{sourcetest.Data(b, "ofac")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "w.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: old}}, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}, MaxRemoved: 0.2}, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
