package intel

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// benchRows is n indicators of mixed kinds, a tenth of them CIDR ranges
// (IPv4 /20 to /28 and IPv6 /48, some nested in others), and parties that
// hit them and parties that miss.
func benchRows(n int) ([]store.IndexRow, []warden.TxParty, []warden.TxParty) {
	rows := make([]store.IndexRow, 0, n)
	var hits, misses []warden.TxParty
	add := func(k warden.IndicatorKind, v string) {
		rows = append(rows, store.IndexRow{ID: fmt.Sprintf("indicator--%08x-0000-4000-8000-000000000000", len(rows)), Name: "bench", TLP: warden.TLPGreen,
			Observable: warden.Observable{Kind: k, Value: v}})
	}
	for i := 0; len(rows) < n; i++ {
		a, b, c := byte(i>>16), byte(i>>8), byte(i)
		switch i % 10 {
		case 0: // a range
			if i%20 == 0 {
				add(warden.KindIPv6, fmt.Sprintf("2001:db8:%x::/48", i&0xffff))
			} else {
				add(warden.KindIPv4, fmt.Sprintf("10.%d.%d.0/%d", b, c&0xf0, 20+i%9))
			}
		case 1, 2:
			add(warden.KindIPv4, fmt.Sprintf("172.%d.%d.%d", a&0x0f+16, b, c))
		case 3:
			add(warden.KindIPv6, fmt.Sprintf("2001:db9::%x:%x", i>>16, i&0xffff))
		case 4, 5:
			add(warden.KindDomain, fmt.Sprintf("c2-%d.evil%d.example", i, i%97))
		case 6, 7:
			add(warden.KindEmail, fmt.Sprintf("ransom%d@mail%d.example", i, i%89))
		default:
			add(warden.KindWallet, fmt.Sprintf("0x%040x", i))
		}
		if i%1000 == 1 {
			hits = append(hits, warden.TxParty{IP: fmt.Sprintf("172.%d.%d.%d", a&0x0f+16, b, c), Domain: fmt.Sprintf("pay.c2-%d.evil%d.example", i+3, (i+3)%97),
				Email: fmt.Sprintf("ransom%d@mail%d.example", i+5, (i+5)%89), Wallet: fmt.Sprintf("0x%040x", i+7)})
			misses = append(misses, warden.TxParty{IP: fmt.Sprintf("192.0.%d.%d", b, c), Domain: fmt.Sprintf("shop%d.example.org", i),
				Email: fmt.Sprintf("jane%d@example.net", i), Wallet: fmt.Sprintf("0xffff%036x", i)})
		}
	}
	return rows, hits, misses
}

// BenchmarkIndicatorLookup looks up the IP address, domain, e-mail
// address and wallet of a party among 100,000 indicators (10,000 of them
// ranges), and reports the median time of one lookup (all four values)
// as p50-ns.
func BenchmarkIndicatorLookup(b *testing.B) {
	rows, hits, misses := benchRows(100_000)
	x := NewIndex(nil)
	start := time.Now()
	x.Load(1, rows, store.IndexGraph{})
	b.Logf("built an index of %d values in %v", x.Size(), time.Since(start))
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, bc := range []struct {
		name    string
		parties []warden.TxParty
		hits    int
	}{{"hit", hits, 4}, {"miss", misses, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := bc.parties[i%len(bc.parties)]
				i++
				t0 := time.Now()
				hs, err := x.Match(ctx, p, now)
				ds = append(ds, time.Since(t0))
				if err != nil || len(hs) < bc.hits || bc.hits == 0 && len(hs) != 0 {
					b.Fatalf("%+v: %d hits %v", p, len(hs), err)
				}
			}
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(ds[len(ds)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}

// benchRefreshN is how many indicators BenchmarkIndexRefresh stores.
var benchRefreshN = 100_000

// BenchmarkIndexRefresh rebuilds the index from the store (SQLite) holding
// 100,000 indicators: what a rebuild after a change costs, in the
// background, while the old index answers. The indicators are stored
// directly (the import's parsing and validation are not measured here).
func BenchmarkIndexRefresh(b *testing.B) {
	rows, _, _ := benchRows(benchRefreshN)
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	vs := make([]store.IntelVersion, len(rows))
	for i, r := range rows {
		raw := fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"bench %d","pattern":%q,"pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z"}`,
			r.ID, i, stix.Pattern(r.Observable))
		vs[i] = store.IntelVersion{Spec: "2.1", Object: warden.IntelObject{ID: r.ID, Type: "indicator", Name: r.Name, TLP: r.TLP, Created: at, Modified: at, Source: "api", Object: json.RawMessage(raw)},
			Observables: []store.IntelObservable{{Observable: r.Observable, ValidFrom: at}}}
	}
	db := storetest.OpenSQLite(b)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	start := time.Now()
	if err := db.StoreIntel(ctx, vs, nil, "", at, warden.NewAuditEvent(ctx, "intel.bench", "bench", "", nil)); err != nil {
		b.Fatal(err)
	}
	b.Logf("stored %d indicators in %v", len(vs), time.Since(start))
	x := NewIndex(db)
	for b.Loop() {
		if err := x.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if x.Size() != len(rows) {
		b.Fatalf("index of %d values", x.Size())
	}
}
