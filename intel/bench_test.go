package intel_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"warden/intel"
	"warden/store"
	"warden/store/storetest"
)

// coreIndicators is a bundle of n indicators, each observing an IPv4
// address of its own, with new ids.
func coreIndicators(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"bundle","id":"bundle--` + uuid.NewString() + `","objects":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"indicator","spec_version":"2.1","id":"indicator--%s","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",`+
			`"name":"C2 %d","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '10.%d.%d.%d']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z",`+
			`"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}`, uuid.NewString(), i, i>>16&255, i>>8&255, i&255)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkImport imports a bundle of 100,000 indicators (parsed,
// validated against the schema, patterns read, stored in one transaction)
// on SQLite and PostgreSQL; the issue asks for 10 s at most.
func BenchmarkImport(b *testing.B) {
	const n = 100000
	for _, engine := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		b.Run(engine.name, func(b *testing.B) {
			db := engine.open(b)
			s := intel.New(db)
			for b.Loop() {
				b.StopTimer()
				bundle := coreIndicators(n)
				b.StartTimer()
				rep, err := s.Import(coreAnalyst, bytes.NewReader(bundle), intel.ImportOptions{Source: "bench"})
				if err != nil || rep.Added != n {
					b.Fatalf("import: %v, %d added", err, rep.Added)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
		})
	}
}
