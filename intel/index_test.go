package intel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

var indexNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func obs(kind warden.IndicatorKind, v string) warden.Observable {
	return warden.Observable{Kind: kind, Value: v}
}

// testIndex is an index of indicators of every kind the lookups read,
// nested and overlapping ranges, RED, expired and future ones, explained
// by a small graph.
func testIndex() *Index {
	row := func(id string, tlp warden.TLP, o warden.Observable) store.IndexRow {
		return store.IndexRow{ID: "indicator--" + id, Name: "indicator " + id, TLP: tlp, Observable: o}
	}
	rows := []store.IndexRow{
		row("a", warden.TLPGreen, obs(warden.KindIPv4, "198.51.100.0/24")),
		row("b", warden.TLPAmber, obs(warden.KindIPv4, "198.51.100.7")),
		row("c", warden.TLPClear, obs(warden.KindIPv4, "198.51.0.0/16")),
		row("c", warden.TLPClear, obs(warden.KindIPv4, "10.9.0.0/16")),
		row("d", warden.TLPClear, obs(warden.KindIPv4, "198.51.100.128/25")),
		row("e", warden.TLPClear, obs(warden.KindIPv6, "2001:db8::/32")),
		row("f", warden.TLPGreen, obs(warden.KindDomain, "evil.example")),
		row("g", warden.TLPGreen, obs(warden.KindEmail, "boss@mail.example")),
		row("h", warden.TLPGreen, obs(warden.KindDomain, "mail.example")),
		row("i", warden.TLPGreen, obs(warden.KindWallet, "0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535")),
		row("j", warden.TLPGreen, obs(warden.KindWallet, "149w62rY42aZBox8fGcmqNsXUzSStKeq8C")),
		row("k", warden.TLPRed, obs(warden.KindDomain, "red.example")),
		row("l", warden.TLPGreen, obs(warden.KindDomain, "old.example")),
		row("m", warden.TLPGreen, obs(warden.KindDomain, "soon.example")),
		row("n", warden.TLPGreen, obs(warden.KindIPv4, "0.0.0.0/0")), // too broad: never screens
		row("o", warden.TLPGreen, obs(warden.KindURL, "http://evil.example/x")),
	}
	rows[12].ValidUntil = indexNow.Add(-time.Hour)
	rows[13].ValidFrom = indexNow.Add(time.Hour)
	g := store.IndexGraph{
		Objects: map[string]store.IndexRef{
			"incident--1":     {ID: "incident--1", Type: "incident", Name: "Ransom at First Bank", TLP: warden.TLPGreen},
			"incident--red":   {ID: "incident--red", Type: "incident", Name: "Secret", TLP: warden.TLPRed},
			"threat-actor--1": {ID: "threat-actor--1", Type: "threat-actor", Name: "Evil Corp", TLP: warden.TLPAmber},
		},
		Edges: []warden.IntelEdge{
			{Source: "indicator--a", Type: "indicates", Target: "incident--1"},
			{Source: "incident--1", Type: "attributed-to", Target: "threat-actor--1"},
			{Source: "indicator--f", Type: "indicates", Target: "incident--red"},
			{Source: "report--1", Type: "object_refs", Target: "indicator--b"},
			{Source: "report--1", Type: "object_refs", Target: "incident--1"},
			{Source: "threat-actor--1", Type: "uses", Target: "indicator--g"},
		},
		Parties: map[string][]string{"threat-actor--1": {"ofac:1"}, "indicator--j": {"ofac:26137"}},
	}
	x := NewIndex(nil)
	x.Load(1, rows, g)
	return x
}

func hitKeys(hs []warden.IndicatorHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, strings.TrimPrefix(h.Indicator, "indicator--")+"/"+h.Field)
	}
	slices.Sort(out)
	return out
}

func TestIndexLookup(t *testing.T) {
	x := testIndex()
	for _, tc := range []struct {
		name  string
		party warden.TxParty
		want  string
	}{
		{"address in nested ranges", warden.TxParty{IP: "198.51.100.7"}, "a/ip b/ip c/ip"},
		{"upper half of the /24", warden.TxParty{IP: "198.51.100.200"}, "a/ip c/ip d/ip"},
		{"only the /16", warden.TxParty{IP: "198.51.7.1"}, "c/ip"},
		{"second range of an indicator", warden.TxParty{IP: "10.9.8.7"}, "c/ip"},
		{"IPv4-mapped", warden.TxParty{IP: "::ffff:198.51.100.7"}, "a/ip b/ip c/ip"},
		{"a range too broad", warden.TxParty{IP: "192.0.2.1"}, ""},
		{"IPv6", warden.TxParty{IP: "2001:db8:1::5"}, "e/ip"},
		{"IPv6 outside", warden.TxParty{IP: "2001:db9::5"}, ""},
		{"bad address", warden.TxParty{IP: "198.51.100"}, ""},
		{"domain", warden.TxParty{Domain: "evil.example"}, "f/domain"},
		{"subdomain, upper case, final dot", warden.TxParty{Domain: "Pay.EVIL.example."}, "f/domain"},
		{"not a parent", warden.TxParty{Domain: "notevil.example"}, ""},
		{"e-mail and its domain", warden.TxParty{Email: "Boss@Mail.Example"}, "g/email h/email"},
		{"another address of the domain", warden.TxParty{Email: "clerk@eu.mail.example"}, "h/email"},
		{"EVM wallet in checksum case", warden.TxParty{Wallet: "0x2F389CE8bd8ff92de3402ffce4691d17fc4f6535"}, "i/wallet"},
		{"base58 wallet", warden.TxParty{Wallet: " 149w62rY42aZBox8fGcmqNsXUzSStKeq8C"}, "j/wallet"},
		{"base58 wallet in another case", warden.TxParty{Wallet: "149W62RY42AZBOX8FGCMQNSXUZSSTKEQ8C"}, ""},
		{"RED", warden.TxParty{Domain: "www.red.example"}, "k/domain"},
		{"expired", warden.TxParty{Domain: "old.example"}, ""},
		{"not yet valid", warden.TxParty{Domain: "soon.example"}, ""},
		{"urls are not screened", warden.TxParty{Domain: "http://evil.example/x"}, ""},
		{"everything at once", warden.TxParty{IP: "2001:db8::1", Domain: "a.evil.example", Email: "boss@mail.example", Wallet: "149w62rY42aZBox8fGcmqNsXUzSStKeq8C"}, "e/ip f/domain g/email h/email j/wallet"},
		{"nothing", warden.TxParty{Name: "Jane Doe"}, ""},
	} {
		hs, err := x.Match(context.Background(), tc.party, indexNow)
		if got := strings.Join(hitKeys(hs), " "); err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestIndexExplanation(t *testing.T) {
	x := testIndex()
	byID := func(p warden.TxParty) map[string]warden.IndicatorHit {
		hs, err := x.Match(context.Background(), p, indexNow)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]warden.IndicatorHit{}
		for _, h := range hs {
			m[h.Indicator] = h
		}
		return m
	}
	hs := byID(warden.TxParty{IP: "198.51.100.7"})
	incident := []warden.IntelRefName{{ID: "incident--1", Name: "Ransom at First Bank"}}
	actor := []warden.IntelRefName{{ID: "threat-actor--1", Name: "Evil Corp"}}
	for id, want := range map[string]warden.IndicatorHit{
		// indicates the incident, which is attributed to the actor
		"indicator--a": {Name: "indicator a", TLP: warden.TLPGreen, Observed: obs(warden.KindIPv4, "198.51.100.0/24"), Incidents: incident, Actors: actor, Parties: []string{"ofac:1"}},
		// listed in a report with the incident
		"indicator--b": {Name: "indicator b", TLP: warden.TLPAmber, Observed: obs(warden.KindIPv4, "198.51.100.7"), Incidents: incident, Actors: actor, Parties: []string{"ofac:1"}},
		"indicator--c": {Name: "indicator c", TLP: warden.TLPClear, Observed: obs(warden.KindIPv4, "198.51.0.0/16")},
	} {
		want.Indicator, want.Value, want.Field = id, "198.51.100.7", "ip"
		if got := hs[id]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %+v\nwant %+v", id, got, want)
		}
	}
	// An actor that uses the indicator; a party the indicator was taken from.
	if h := byID(warden.TxParty{Email: "boss@mail.example"})["indicator--g"]; fmt.Sprint(h.Actors) != fmt.Sprint(actor) || len(h.Incidents) != 0 {
		t.Errorf("uses: %+v", h)
	}
	if h := byID(warden.TxParty{Wallet: "149w62rY42aZBox8fGcmqNsXUzSStKeq8C"})["indicator--j"]; fmt.Sprint(h.Parties) != "[ofac:26137]" {
		t.Errorf("listed party: %+v", h)
	}
	// A RED incident is never named; a RED indicator says only its id.
	if h := byID(warden.TxParty{Domain: "evil.example"})["indicator--f"]; len(h.Incidents) != 0 || h.Name != "indicator f" {
		t.Errorf("RED incident named: %+v", h)
	}
	want := warden.IndicatorHit{Indicator: "indicator--k", Name: "TLP:RED", TLP: warden.TLPRed, Observed: warden.Observable{Kind: warden.KindDomain}, Value: "red.example", Field: "domain"}
	if h := byID(warden.TxParty{Domain: "red.example"})["indicator--k"]; fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("RED indicator: %+v", h)
	}
}

// TestIndexMissAllocates nothing: screening calls it for every party of
// every payment.
func TestIndexMissAllocates(t *testing.T) {
	x := testIndex()
	ctx := context.Background()
	miss := warden.TxParty{IP: "2001:db9::1", Domain: "Shop.Example.ORG", Email: "Someone@Example.NET", Wallet: "0xAbCdEf0000000000000000000000000000000000"}
	if n := testing.AllocsPerRun(100, func() {
		if hs, err := x.Match(ctx, miss, indexNow); hs != nil || err != nil {
			t.Fatal(hs, err)
		}
	}); n != 0 {
		t.Errorf("a miss allocated %v times", n)
	}
}

func TestRangesNested(t *testing.T) {
	// Random-looking nested and disjoint CIDRs against a brute force scan;
	// the ranges wider than /16 do not screen.
	var rows []store.IndexRow
	cidrs := []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.128/25", "10.1.2.200/32", "10.2.0.0/15", "10.1.3.0/24", "11.0.0.0/8", "10.1.2.0/24", "0.0.0.0/1"}
	for i, c := range cidrs {
		rows = append(rows, store.IndexRow{ID: fmt.Sprintf("indicator--%d", i), TLP: warden.TLPClear, Observable: obs(warden.KindIPv4, c)})
	}
	x := NewIndex(nil)
	x.Load(1, rows, store.IndexGraph{})
	for _, ip := range []string{"10.1.2.200", "10.1.2.201", "10.1.2.127", "10.1.3.1", "10.3.255.255", "10.4.0.0", "11.1.1.1", "9.255.255.255", "127.0.0.1", "128.0.0.0", "255.255.255.255", "0.0.0.0"} {
		hs, _ := x.Match(context.Background(), warden.TxParty{IP: ip}, indexNow)
		var want []string
		for i, c := range cidrs {
			if inCIDR(t, c, ip) && netip.MustParsePrefix(c).Bits() >= 16 { // a wider range does not screen
				want = append(want, fmt.Sprintf("%d/ip", i))
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if got := hitKeys(hs); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", ip, got, want)
		}
	}
}

func inCIDR(t *testing.T, cidr, ip string) bool {
	t.Helper()
	return netip.MustParsePrefix(cidr).Contains(netip.MustParseAddr(ip))
}

// TestIndexRefresh: another process's write shows once a lookup a second
// later has seen the store's generation move and the rebuild (in the
// background, the old index answering meanwhile) is done; Invalidate
// shows a write at the next lookup.
func TestIndexRefresh(t *testing.T) {
	db := storetest.OpenSQLite(t)
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
	hits := func(domain string, at time.Time) int {
		t.Helper()
		hs, err := x.Match(ctx, warden.TxParty{Domain: domain}, at)
		if err != nil {
			t.Fatal(err)
		}
		return len(hs)
	}
	if n := hits("a.example", indexNow); n != 0 || x.Size() != 0 {
		t.Fatalf("empty store: %d hits, size %d", n, x.Size())
	}
	store1("indicator--0a000000-0000-4000-8000-000000000001", "a.example")
	if n := hits("a.example", indexNow.Add(500*time.Millisecond)); n != 0 || x.checking.Load() {
		t.Errorf("checked before a second passed: %d hits", n)
	}
	if n := hits("a.example", indexNow.Add(1500*time.Millisecond)); n != 0 {
		t.Errorf("the lookup that starts the rebuild waited for it: %d hits", n)
	}
	for x.checking.Load() { // the background check and rebuild
		runtime.Gosched()
	}
	if n := hits("a.example", indexNow.Add(1600*time.Millisecond)); n != 1 {
		t.Errorf("after the rebuild: %d hits", n)
	}
	store1("indicator--0a000000-0000-4000-8000-000000000002", "b.example")
	x.Invalidate()
	if n := hits("b.example", indexNow.Add(1700*time.Millisecond)); n != 1 || x.Size() != 2 {
		t.Errorf("after Invalidate: %d hits, size %d", n, x.Size())
	}

	// Another process swaps an indicator's party: as many links as
	// before, and no new object version, but the index sees it.
	b := warden.IntelLink{Object: "indicator--0a000000-0000-4000-8000-000000000002", Kind: warden.LinkEntity, Ref: "ofac:1", CreatedAt: indexNow}
	if err := db.AddIntelLink(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	x.Invalidate()
	hits("b.example", indexNow.Add(1800*time.Millisecond))
	before := x.snap.Load().gen
	if err := db.RemoveIntelLink(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	b.Ref = "ofac:2"
	if err := db.AddIntelLink(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	x.checking.Store(true)
	x.check(before) // what the lookup a second later starts
	hs, err := x.Match(ctx, warden.TxParty{Domain: "b.example"}, indexNow.Add(1900*time.Millisecond))
	if err != nil || len(hs) != 1 || fmt.Sprint(hs[0].Parties) != "[ofac:2]" {
		t.Errorf("after another process swapped the party: %+v, %v", hs, err)
	}
}

// TestIndexRebuildFails: a background rebuild that fails is not lost:
// the next lookup rebuilds itself, returns the error while the store
// still fails, and the store's state once it answers again.
func TestIndexRebuildFails(t *testing.T) {
	db := storetest.OpenSQLite(t)
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	x := NewIndex(db)
	if _, err := x.Match(ctx, warden.TxParty{Domain: "a.example"}, indexNow); err != nil {
		t.Fatal(err)
	}
	gen := x.snap.Load().gen
	id, at := "indicator--0b000000-0000-4000-8000-000000000001", indexNow.Add(-time.Hour)
	v := store.IntelVersion{Spec: "2.1", Object: warden.IntelObject{ID: id, Type: "indicator", Name: "a.example", TLP: warden.TLPGreen, Created: at, Modified: at, Source: "api",
		Object: json.RawMessage(`{"type":"indicator","id":"` + id + `"}`)}, Observables: []store.IntelObservable{{Observable: obs(warden.KindDomain, "a.example")}}}
	if err := db.StoreIntel(ctx, []store.IntelVersion{v}, nil, "", at, nil); err != nil {
		t.Fatal(err)
	}
	rename := func(from, to string) {
		t.Helper()
		if _, err := raw.Exec(`ALTER TABLE ` + from + ` RENAME TO ` + to); err != nil {
			t.Fatal(err)
		}
	}
	rename("intel_links", "intel_links_away") // the rebuild's last read fails
	x.checking.Store(true)
	x.check(gen) // what a lookup a second later starts
	if _, err := x.Match(ctx, warden.TxParty{Domain: "a.example"}, indexNow.Add(100*time.Millisecond)); err == nil {
		t.Error("a lookup while the store fails: no error")
	}
	rename("intel_links_away", "intel_links")
	hs, err := x.Match(ctx, warden.TxParty{Domain: "a.example"}, indexNow.Add(200*time.Millisecond))
	if err != nil || len(hs) != 1 {
		t.Errorf("once the store answers: %+v, %v", hs, err)
	}
}

// TestIndexIdleChecksFirst checks that the first lookup after a quiet
// spell asks the store before it answers: another process (another node,
// the command line) wrote while nobody looked up, and the background
// check would answer that lookup from the old index.
func TestIndexIdleChecksFirst(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	x := NewIndex(db)
	if hs, err := x.Match(ctx, warden.TxParty{Domain: "idle.example"}, indexNow); err != nil || len(hs) != 0 {
		t.Fatalf("empty store: %v %v", hs, err)
	}
	at := indexNow.Add(-time.Hour)
	id := "indicator--0a000000-0000-4000-8000-0000000000aa"
	v := store.IntelVersion{Spec: "2.1", Object: warden.IntelObject{ID: id, Type: "indicator", Name: "idle", TLP: warden.TLPGreen, Created: at, Modified: at, Source: "api",
		Object: json.RawMessage(`{"type":"indicator","id":"` + id + `"}`)}, Observables: []store.IntelObservable{{Observable: obs(warden.KindDomain, "idle.example")}}}
	if err := db.StoreIntel(ctx, []store.IntelVersion{v}, nil, "", at, warden.NewAuditEvent(ctx, "intel.test", id, "", nil)); err != nil {
		t.Fatal(err)
	}
	if hs, err := x.Match(ctx, warden.TxParty{Domain: "idle.example"}, indexNow.Add(20*time.Second)); err != nil || len(hs) != 1 {
		t.Errorf("the first lookup after 20 quiet seconds: %d hits %v, want the indicator written meanwhile", len(hs), err)
	}
}
