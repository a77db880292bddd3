package intel

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestIndexInvalidateWaits: after Invalidate, lookups that arrive while
// another lookup rebuilds the index wait for that rebuild and answer from
// it — none answers from the index before the import (a batch screened
// right after an import cleared nearly every customer carrying the new
// indicator's domain) — and only one of them builds. The rebuild is held
// by the test until every lookup is waiting.
func TestIndexInvalidateWaits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		store1 := func(id, domain string) {
			t.Helper()
			at := indexNow.Add(-time.Hour)
			v := store.IntelVersion{Spec: "2.1", Object: warden.IntelObject{ID: id, Type: "indicator", Name: domain, TLP: warden.TLPGreen, Created: at, Modified: at, Source: "api",
				Object: json.RawMessage(`{"type":"indicator","id":"` + id + `"}`)}, Observables: []store.IntelObservable{{Observable: obs(warden.KindDomain, domain)}}}
			if err := db.StoreIntel(ctx, []store.IntelVersion{v}, nil, "", at, warden.NewAuditEvent(ctx, "intel.test", id, "", nil)); err != nil {
				t.Fatal(err)
			}
		}
		x := NewIndex(db)
		hits := func() int {
			hs, err := x.Match(ctx, warden.TxParty{Domain: "fresh.example"}, indexNow)
			if err != nil {
				return -1
			}
			return len(hs)
		}
		if n := hits(); n != 0 {
			t.Fatalf("before the import: %d hits", n)
		}
		store1("indicator--0b000000-0000-4000-8000-000000000001", "fresh.example")
		x.Invalidate()

		const lookups = 8
		started, release := make(chan struct{}), make(chan struct{})
		waiting := make(chan struct{}, lookups+1)
		var builds atomic.Int32
		x.building = func() {
			if builds.Add(1) == 1 {
				close(started)
				<-release
			}
		}
		x.waiting = func() { waiting <- struct{}{} }

		results := make(chan int, lookups+1)
		go func() { results <- hits() }() // the lookup that rebuilds
		<-started
		<-waiting // the rebuilding lookup's own
		for range lookups {
			go func() { results <- hits() }()
		}
		for range lookups {
			select {
			case n := <-results:
				close(release)
				t.Fatalf("a lookup answered during the rebuild with %d hits, from the index before the import", n)
			case <-waiting:
			}
		}
		close(release)
		for range lookups + 1 {
			if n := <-results; n != 1 {
				t.Errorf("after the rebuild: %d hits, want 1", n)
			}
		}
		if n := builds.Load(); n != 1 {
			t.Errorf("%d builds for one Invalidate, want 1", n)
		}
	})
}
