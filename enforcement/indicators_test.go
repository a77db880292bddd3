package enforcement_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/ingest"
	"warden/intel"
	"warden/screening"
	"warden/sources"
	"warden/sources/sourcetest"
	sstix "warden/sources/stix"
	"warden/store"
	"warden/store/storetest"
)

// Markings of TLP 2.0.
const (
	tlpGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	tlpRed   = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
)

// intelBundle holds an incident attributed to a threat actor, indicators
// of every kind a payment carries (one indicating the incident, one on the
// listed party's wallet), a RED one, a revoked one and an expired one.
var intelBundle = `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
{"type":"incident","spec_version":"2.1","id":"incident--0b5b5d6b-6a2f-4c4e-9d7e-2d9a4a1b7a01","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Ransomware at First Bank","object_marking_refs":["` + tlpGreen + `"]},
{"type":"threat-actor","spec_version":"2.1","id":"threat-actor--6c1f2a3b-4d5e-4f60-8a71-92b3c4d5e6f7","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Evil Spider","object_marking_refs":["` + tlpGreen + `"]},
{"type":"relationship","spec_version":"2.1","id":"relationship--1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","relationship_type":"attributed-to","source_ref":"incident--0b5b5d6b-6a2f-4c4e-9d7e-2d9a4a1b7a01","target_ref":"threat-actor--6c1f2a3b-4d5e-4f60-8a71-92b3c4d5e6f7","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--11111111-1111-4111-8111-111111111111","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"C2 range","pattern":"[ipv4-addr:value ISSUBSET '198.51.100.0/24']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]},
{"type":"relationship","spec_version":"2.1","id":"relationship--2a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--11111111-1111-4111-8111-111111111111","target_ref":"incident--0b5b5d6b-6a2f-4c4e-9d7e-2d9a4a1b7a01","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--22222222-2222-4222-8222-222222222222","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Payment site","pattern":"[domain-name:value = 'evil-pay.example']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--33333333-3333-4333-8333-333333333333","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Extortion mailbox","pattern":"[email-addr:value = 'extort@mailbox.example']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--44444444-4444-4444-8444-444444444444","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Ransom wallets","pattern":"[cryptocurrency-wallet:value = 'bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z'] OR [cryptocurrency-wallet:value = '` + wallet + `']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--55555555-5555-4555-8555-555555555555","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","name":"Secret source","pattern":"[domain-name:value = 'red.example']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpRed + `"]},
{"type":"relationship","spec_version":"2.1","id":"relationship--3a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--55555555-5555-4555-8555-555555555555","target_ref":"incident--0b5b5d6b-6a2f-4c4e-9d7e-2d9a4a1b7a01","object_marking_refs":["` + tlpRed + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--66666666-6666-4666-8666-666666666666","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-02T00:00:00.000Z","revoked":true,"name":"Withdrawn","pattern":"[domain-name:value = 'revoked.example']","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]},
{"type":"indicator","spec_version":"2.1","id":"indicator--77777777-7777-4777-8777-777777777777","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Old host","pattern":"[domain-name:value = 'expired.example']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z","valid_until":"2026-02-01T00:00:00Z","object_marking_refs":["` + tlpGreen + `"]}
]}`

// withIntel adds the intelligence service, with intelBundle imported, to
// the payments' screening.
func withIntel(t *testing.T, e *env) *intel.Service {
	t.Helper()
	is := intel.New(e.db)
	is.Now = e.svc.Now
	if _, err := is.Import(as("ana", warden.RoleAnalyst), strings.NewReader(intelBundle), intel.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	e.svc.Indicators = is
	return is
}

func TestIndicatorScreening(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		withIntel(t, e)
		client, reader := as("payments", warden.RoleScreener), as("ana", warden.RoleAnalyst)
		party := func(f func(*warden.TxParty)) warden.TxParty {
			p := warden.TxParty{Role: "beneficiary", Name: "Acme Trading", Country: "DE"}
			f(&p)
			return p
		}
		for _, tc := range []struct {
			ref, want string
			party     warden.TxParty
			hits      string // the indicators hit
			explains  []string
		}{
			{"ip", warden.DecisionHeld, party(func(p *warden.TxParty) { p.IP = "198.51.100.23" }), "indicator--11111111-1111-4111-8111-111111111111",
				[]string{"C2 range", "Ransomware at First Bank", "Evil Spider", "198.51.100.0/24"}},
			{"subdomain", warden.DecisionHeld, party(func(p *warden.TxParty) { p.Domain = "Checkout.Evil-Pay.example" }), "indicator--22222222-2222-4222-8222-222222222222", []string{"Payment site"}},
			{"email", warden.DecisionHeld, party(func(p *warden.TxParty) { p.Email = "Extort@mailbox.example" }), "indicator--33333333-3333-4333-8333-333333333333", []string{"Extortion mailbox"}},
			{"wallet of an indicator", warden.DecisionHeld, warden.TxParty{Role: "beneficiary", Wallet: "bc1qvhnfknw852ephxyc5hm4q520zmvf9maphetc9z"}, "indicator--44444444-4444-4444-8444-444444444444", []string{"Ransom wallets"}},
			{"wallet of a listed party", warden.DecisionBlocked, evil, "indicator--44444444-4444-4444-8444-444444444444", nil},
			{"RED", warden.DecisionHeld, party(func(p *warden.TxParty) { p.Domain = "red.example" }), "indicator--55555555-5555-4555-8555-555555555555", []string{"TLP:RED"}},
			{"revoked", warden.DecisionCleared, party(func(p *warden.TxParty) { p.Domain = "revoked.example" }), "", nil},
			{"expired", warden.DecisionCleared, party(func(p *warden.TxParty) { p.Domain = "expired.example" }), "", nil},
			{"clean", warden.DecisionCleared, party(func(p *warden.TxParty) { p.IP, p.Domain, p.Email = "192.0.2.1", "shop.example", "a@shop.example" }), "", nil},
			{"address only", warden.DecisionHeld, warden.TxParty{Role: "beneficiary", IP: "198.51.100.9"}, "indicator--11111111-1111-4111-8111-111111111111", nil},
		} {
			d, _, err := e.svc.Screen(client, pay(tc.ref, 1000, us, tc.party))
			if err != nil || d.Decision != tc.want {
				t.Errorf("%s: %s %v, want %s; hits %+v", tc.ref, d.Decision, err, tc.want, d.Hits)
				continue
			}
			var ids []string
			for _, h := range d.Hits {
				if id, ok := strings.CutPrefix(h.EntityID, "indicator:"); ok {
					ids = append(ids, id)
					if h.Action != warden.HitReview || h.Score != 1 || h.Confirmed || h.Party != 1 {
						t.Errorf("%s: hit %+v", tc.ref, h)
					}
				}
			}
			if strings.Join(ids, " ") != tc.hits {
				t.Errorf("%s: indicators hit %v, want %s", tc.ref, ids, tc.hits)
			}
			// What the payment's answer says, as stored and read back.
			stored, err := e.svc.Transaction(reader, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(stored.Hits)
			for _, w := range tc.explains {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s: the explanation does not name %q: %s", tc.ref, w, b)
				}
			}
			if tc.ref == "RED" && (strings.Contains(string(b), "Secret source") || strings.Contains(string(b), "Ransomware")) {
				t.Errorf("RED: the explanation tells more than TLP:RED: %s", b)
			}
			if tc.want == warden.DecisionHeld {
				c, err := e.db.Case(reader, *stored.Case)
				if err != nil || c.Case.EntityID != "indicator:"+tc.hits || c.Case.Reference != tc.ref {
					t.Errorf("%s: case %+v %v", tc.ref, c, err)
				}
				// The indicator's view lists the payment and the case.
				for kind, ref := range map[string]string{warden.LinkPayment: tc.ref, warden.LinkCase: fmt.Sprint(*stored.Case)} {
					if ls, err := e.db.IntelLinksTo(reader, kind, ref); err != nil || len(ls) != 1 || ls[0].Object != tc.hits {
						t.Errorf("%s: links to %s %s: %+v %v", tc.ref, kind, ref, ls, err)
					}
				}
			} else if ls, err := e.db.IntelLinksTo(reader, warden.LinkPayment, tc.ref); err != nil || len(ls) != len(ids) {
				t.Errorf("%s: links %+v %v", tc.ref, ls, err)
			}
		}

		// An analyst clears the subdomain's case: the same counterparty with
		// the same domain is not held again; another domain of it is.
		d, err := e.svc.Transaction(reader, "subdomain")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.DecideCase(reader, *d.Case, false, "our own payment processor, checked"); err != nil {
			t.Fatal(err)
		}
		if d, err := e.svc.Transaction(reader, "subdomain"); err != nil || d.Status != warden.DecisionCleared {
			t.Errorf("cleared case: status %s %v", d.Status, err)
		}
		again := party(func(p *warden.TxParty) { p.Domain = "Checkout.Evil-Pay.example" })
		if d, _, err := e.svc.Screen(client, pay("subdomain-2", 1000, us, again)); err != nil || d.Decision != warden.DecisionCleared {
			t.Errorf("remembered false positive: %s %v %+v", d.Decision, err, d.Hits)
		}
		again.Domain = "pay.evil-pay.example"
		if d, _, err := e.svc.Screen(client, pay("subdomain-3", 1000, us, again)); err != nil || d.Decision != warden.DecisionHeld {
			t.Errorf("another domain: %s %v", d.Decision, err)
		}

		// Confirming an indicator's case rejects the payment: an indicator
		// is no listing, so nothing is blocked into the ledger.
		d, err = e.svc.Transaction(reader, "ip")
		if err != nil {
			t.Fatal(err)
		}
		if c, err := e.svc.DecideCase(reader, *d.Case, true, "the address is the attacker's"); err != nil || c.Outcome != warden.DecisionRejected {
			t.Errorf("confirmed indicator case: %+v %v", c, err)
		}
		if d, err := e.svc.Transaction(reader, "ip"); err != nil || d.Status != warden.DecisionRejected {
			t.Errorf("confirmed indicator case: payment %s %v", d.Status, err)
		}
		if entries, _, err := e.svc.Ledger(reader, warden.LedgerFilter{Reference: "ip"}); err != nil || len(entries) != 0 {
			t.Errorf("confirmed indicator case: ledger %+v %v", entries, err)
		}

		// A customer carrying an indicated e-mail address is held at
		// onboarding.
		c, _, err := e.svc.Onboard(client, warden.Customer{ID: "C77", Name: "Acme Trading", Country: "DE", Email: "extort@mailbox.example"})
		if err != nil || c.Decision != warden.DecisionHeld || len(c.Cases) != 1 || len(c.Hits) != 1 || c.Hits[0].EntityID != "indicator:indicator--33333333-3333-4333-8333-333333333333" {
			t.Errorf("customer: %+v %v", c, err)
		}
		if c, err := e.svc.Customer(reader, "C77"); err != nil || c.Email != "extort@mailbox.example" {
			t.Errorf("customer read back: %+v %v", c, err)
		}
		if ls, err := e.db.IntelLinksTo(reader, warden.LinkCustomer, "C77"); err != nil || len(ls) != 1 || ls[0].Object != "indicator--33333333-3333-4333-8333-333333333333" {
			t.Errorf("customer links: %+v %v", ls, err)
		}
		c, _, err = e.svc.Onboard(client, warden.Customer{ID: "C78", Email: "someone@shop.example"})
		if err != nil || c.Decision != warden.DecisionCleared {
			t.Errorf("customer with an e-mail alone: %+v %v", c, err)
		}
	})
}

func TestIndicatorBadInput(t *testing.T) {
	e := setup(t, storetest.OpenSQLite(t))
	withIntel(t, e)
	client := as("payments", warden.RoleScreener)
	for name, p := range map[string]warden.TxParty{
		"ip with a line break": {Role: "beneficiary", Name: "X", IP: "198.51.100.1\n"},
		"domain too long":      {Role: "beneficiary", Name: "X", Domain: strings.Repeat("a", 300) + ".example"},
		"email with a tab":     {Role: "beneficiary", Name: "X", Email: "a\t@b.example"},
	} {
		if _, _, err := e.svc.Screen(client, pay("bad-"+strings.ReplaceAll(name, " ", "-"), 5, us, p)); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := e.svc.Onboard(client, warden.Customer{ID: "C1", Name: "X", Domain: strings.Repeat("a", 300)}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("customer domain too long: %v", err)
	}
}

// TestListIndicatorScreening screens against the real OFAC list (the
// sample) with the indicators of its CYBER parties: KHORASHADIZADEH, Ali
// (26137, CYBER2) carries a wallet and five e-mail addresses. His wallet
// blocks, as a listed party's wallet always did; his e-mail address holds
// the payment with the indicator.
func TestListIndicatorScreening(t *testing.T) {
	db := storetest.OpenSQLite(t)
	paths, err := sources.Expand([]string{sourcetest.OFACSample(t, "ofac")})
	if err != nil {
		t.Fatal(err)
	}
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := ingest.Import(op, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}}, nil); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(op); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	svc := enforcement.New(db, sc, auth.New(db).Approvals)
	svc.Now = func() time.Time { return now }
	is := intel.New(db)
	is.Now = svc.Now
	if _, err := is.SyncListIndicators(op); err != nil {
		t.Fatal(err)
	}
	svc.Indicators = is
	client := as("payments", warden.RoleScreener)
	d, _, err := svc.Screen(client, pay("k-wallet", 5000, us, warden.TxParty{Role: "beneficiary", Wallet: "149w62rY42aZBox8fGcmqNsXUzSStKeq8C"}))
	if err != nil || d.Decision != warden.DecisionBlocked || d.Hits[0].EntityID != "ofac:26137" {
		t.Errorf("his wallet: %s %v %+v", d.Decision, err, d.Hits)
	}
	d, _, err = svc.Screen(client, pay("k-email", 5000, us, warden.TxParty{Role: "beneficiary", Name: "Visa Services", Email: "iranvisacart@yahoo.com"}))
	want := "indicator:" + sstix.ID("indicator", "list:ofac:26137:email:iranvisacart@yahoo.com")
	if err != nil || d.Decision != warden.DecisionHeld || len(d.Hits) != 1 || d.Hits[0].EntityID != want || d.Hits[0].Name != "KHORASHADIZADEH, Ali (ofac)" {
		t.Fatalf("his e-mail: %s %v %+v", d.Decision, err, d.Hits)
	}
	b, _ := json.Marshal(d.Hits[0].Explanation)
	if !strings.Contains(string(b), `"parties":["ofac:26137"]`) {
		t.Errorf("the explanation does not name the party: %s", b)
	}
}

func TestReadChannelColumns(t *testing.T) {
	txs, _, err := enforcement.ReadPayments(strings.NewReader("reference,currency,minor,role,name,ip,domain,email\nr1,USD,5,beneficiary,Acme,198.51.100.7,evil-pay.example,a@b.example\n"), "p.csv")
	if err != nil || len(txs) != 1 || txs[0].Parties[0].IP != "198.51.100.7" || txs[0].Parties[0].Domain != "evil-pay.example" || txs[0].Parties[0].Email != "a@b.example" {
		t.Errorf("payments: %+v %v", txs, err)
	}
	cs, _, err := enforcement.ReadCustomers(strings.NewReader("id,name,ip,domain,email\nC1,Acme,2001:db8::1,acme.example,x@acme.example\n"), "c.csv")
	if err != nil || len(cs) != 1 || cs[0].IP != "2001:db8::1" || cs[0].Domain != "acme.example" || cs[0].Email != "x@acme.example" {
		t.Errorf("customers: %+v %v", cs, err)
	}
}

// TestRescreenOnIndicators checks that the customer register is screened
// again when intelligence changes, not only when lists do: a customer
// cleared at onboarding carries a domain an indicator recorded later
// observes, and the server's re-screening holds it.
func TestRescreenOnIndicators(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		is := intel.New(e.db)
		is.Now = e.svc.Now
		e.svc.Indicators = is
		clerk, reader := as("onboarding", warden.RoleScreener), as("ana", warden.RoleAnalyst)
		if c, _, err := e.svc.Onboard(clerk, warden.Customer{ID: "C90", Name: "Acme Trading", Country: "DE", Domain: "late-evil.example"}); err != nil || c.Decision != warden.DecisionCleared {
			t.Fatalf("onboarding: %+v %v", c, err)
		}
		if res, err := e.svc.RescreenIfNew(clerk); err != nil || res.Skipped {
			t.Fatalf("first re-screening: %+v %v", res, err)
		}
		if res, err := e.svc.RescreenIfNew(clerk); err != nil || !res.Skipped {
			t.Errorf("nothing changed: %+v %v", res, err)
		}
		obs := warden.Observable{Kind: warden.KindDomain, Value: "late-evil.example"}
		if _, err := is.Create(reader, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Late payment site"}, Observable: &obs}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.RescreenIfNew(clerk)
		if err != nil || res.Skipped || res.Changed != 1 {
			t.Errorf("after the indicator: %+v %v", res, err)
		}
		if c, err := e.svc.Customer(reader, "C90"); err != nil || c.Status != warden.DecisionHeld || len(c.Hits) != 1 || !strings.HasPrefix(c.Hits[0].EntityID, enforcement.IndicatorPrefix) {
			t.Errorf("C90 after the indicator: %+v %v", c, err)
		}
		if res, err := e.svc.RescreenIfNew(clerk); err != nil || !res.Skipped {
			t.Errorf("again: %+v %v", res, err)
		}
	})
}
