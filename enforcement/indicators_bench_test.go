package enforcement

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/intel"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// benchIndex is an index of 100,000 indicators of mixed kinds, 10,000 of
// them ranges.
func benchIndex() *intel.Index {
	rows := make([]store.IndexRow, 0, 100_000)
	for i := 0; len(rows) < 100_000; i++ {
		var o warden.Observable
		switch i % 10 {
		case 0:
			o = warden.Observable{Kind: warden.KindIPv4, Value: fmt.Sprintf("10.%d.%d.0/24", byte(i>>8), byte(i))}
		case 1, 2:
			o = warden.Observable{Kind: warden.KindIPv4, Value: fmt.Sprintf("172.%d.%d.%d", byte(i>>16)&0x0f+16, byte(i>>8), byte(i))}
		case 3:
			o = warden.Observable{Kind: warden.KindIPv6, Value: fmt.Sprintf("2001:db9::%x:%x", i>>16, i&0xffff)}
		case 4, 5:
			o = warden.Observable{Kind: warden.KindDomain, Value: fmt.Sprintf("c2-%d.evil.example", i)}
		case 6, 7:
			o = warden.Observable{Kind: warden.KindEmail, Value: fmt.Sprintf("ransom%d@mail.example", i)}
		default:
			o = warden.Observable{Kind: warden.KindWallet, Value: fmt.Sprintf("bc1q%038x", i)}
		}
		rows = append(rows, store.IndexRow{ID: fmt.Sprintf("indicator--%08x-0000-4000-8000-000000000000", i), Name: "bench", TLP: warden.TLPGreen, Observable: o})
	}
	x := intel.NewIndex(nil)
	x.Load(1, rows, store.IndexGraph{})
	return x
}

// BenchmarkDecideWithIndicators decides the same payments with and
// without 100,000 indicators, alternately in one run, and reports the
// median decision of each and their difference (added-p50-ns): what the
// indicators add to a payment whose parties carry an IP address, a
// domain, an e-mail address and a wallet that no indicator observes.
func BenchmarkDecideWithIndicators(b *testing.B) {
	db := storetest.OpenSQLite(b)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		im.Put(&warden.Entity{SourceID: fmt.Sprint(i), Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: fmt.Sprintf("BENCH TRADING %d LIMITED", i), Kind: warden.NamePrimary}},
			Programs: []string{"CYBER2"}})
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		b.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	s := New(db, sc, auth.New(db).Approvals)
	is := intel.New(db)
	is.Index = benchIndex()
	p := warden.Principal{Name: "bench", Role: warden.RoleScreener}
	parties := func(i int) []warden.TxParty {
		return []warden.TxParty{
			{Role: "originator", Name: "Jane Doe", Country: "US", Account: "US-001", IP: fmt.Sprintf("192.0.2.%d", byte(i)), Email: fmt.Sprintf("jane%d@example.net", i)},
			{Role: "beneficiary", Name: fmt.Sprintf("Acme Supplies %d GmbH", i%50), Country: "DE", Domain: fmt.Sprintf("shop%d.example.org", i), Wallet: fmt.Sprintf("bc1qzz%036x", i)},
		}
	}
	var with, without []time.Duration
	i := 0
	for b.Loop() {
		ps := parties(i)
		i++
		for _, ind := range []Indicators{nil, is} {
			s.Indicators = ind
			t0 := time.Now()
			d, _, _, err := s.decide(ctx, p, "bench", warden.Money{Currency: "USD", Minor: 100}, ps)
			dt := time.Since(t0)
			if err != nil || d.Decision != warden.DecisionCleared {
				b.Fatalf("%s %v %+v", d.Decision, err, d.Hits)
			}
			if ind == nil {
				without = append(without, dt)
			} else {
				with = append(with, dt)
			}
		}
	}
	slices.Sort(with)
	slices.Sort(without)
	w, wo := with[len(with)/2], without[len(without)/2]
	b.ReportMetric(float64(wo.Nanoseconds()), "without-p50-ns")
	b.ReportMetric(float64(w.Nanoseconds()), "with-p50-ns")
	b.ReportMetric(float64((w - wo).Nanoseconds()), "added-p50-ns")
}
