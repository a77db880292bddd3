package enforcement_test

import (
	"strings"
	"testing"

	"warden"
	"warden/enforcement"
	"warden/store"
	"warden/store/storetest"
)

// TestTextFields: every free-text field a person or client sends refuses
// bidirectional controls, line and paragraph separators and invisible
// format characters, naming the field, and stores nothing: a reference
// "RLO-\u202eREF" or an account "\u202e0-NEB" would be shown as another
// holder's ("BEN-0") while holding its own balance.
func TestTextFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		analyst := as("anna", warden.RoleAnalyst)
		officer := as("olga", warden.RoleSanctionsOfficer)
		bene := func(f func(*warden.TxParty)) warden.Transaction {
			p := warden.TxParty{Role: "beneficiary", Name: "EVIL CORP LTD", Account: "BEN-0"}
			f(&p)
			return pay("t-ok", 100, us, p)
		}
		for _, tc := range []struct {
			name, field string
			do          func() error
		}{
			{"reference RLO", "reference", func() error {
				_, _, err := e.svc.Screen(client, pay("RLO-\u202eREF", 100, us, evil))
				return err
			}},
			{"reference LRI", "reference", func() error {
				_, _, err := e.svc.Screen(client, pay("a\u2066b", 100, us, evil))
				return err
			}},
			{"account RLO", "parties[1].account", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Account = "\u202e0-NEB" }))
				return err
			}},
			{"account line separator", "parties[1].account", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Account = "BEN\u20280" }))
				return err
			}},
			{"account RLI", "parties[1].account", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Account = "\u2067BEN-0" }))
				return err
			}},
			{"account mark", "parties[1].account", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Account = "BEN-0\u200e" }))
				return err
			}},
			{"wallet zero width", "parties[1].wallet", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Wallet = "1A1z\u200bP1" }))
				return err
			}},
			{"identifier ALM", "parties[1].identifiers[0]", func() error {
				_, _, err := e.svc.Screen(client, bene(func(p *warden.TxParty) { p.Identifiers = []string{"\u061c12345"} }))
				return err
			}},
			{"customer id", "id", func() error {
				_, _, err := e.svc.Onboard(as("bank", warden.RoleScreener), warden.Customer{ID: "C-\u202e1", Name: "Jane Doe"})
				return err
			}},
			{"customer account", "account", func() error {
				_, _, err := e.svc.Onboard(as("bank", warden.RoleScreener), warden.Customer{ID: "C-1", Name: "Jane Doe", Account: "x\u2029y"})
				return err
			}},
			{"licence number", "number", func() error {
				_, err := e.svc.CreateLicence(officer, warden.Licence{Number: "GL-\u202e1", Issuer: "OFAC", Kind: "general", Programs: []string{"CYBER2"}})
				return err
			}},
			{"licence issuer", "issuer", func() error {
				_, err := e.svc.CreateLicence(officer, warden.Licence{Number: "GL-1", Issuer: "OFAC\u2067", Kind: "general", Programs: []string{"CYBER2"}})
				return err
			}},
			{"case reason", "reason", func() error {
				_, err := e.svc.DecideCase(analyst, 1, false, "not him\u202e")
				return err
			}},
			{"release holder", "holder", func() error {
				_, err := e.svc.ProposeRelease(analyst, enforcement.Release{Holder: "\u202e0-NEB", EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: 1}, Licence: "GL-1", Reason: "r"})
				return err
			}},
			{"release reason", "reason", func() error {
				_, err := e.svc.ProposeRelease(analyst, enforcement.Release{Holder: "BEN-0", EntityID: "ofac:1", Amount: warden.Money{Currency: "USD", Minor: 1}, Licence: "GL-1", Reason: "r\u2028"})
				return err
			}},
			{"stake owned", "owned", func() error {
				_, err := e.svc.RecordStake(analyst, "ofac:1", "Shell\u202e Ltd", warden.Percent(3000))
				return err
			}},
			{"stake owner", "owner", func() error {
				_, err := e.svc.RecordStake(analyst, "Holding\u2066 AG", "Shell Ltd", warden.Percent(3000))
				return err
			}},
		} {
			err := tc.do()
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), tc.field+" holds ") {
				t.Errorf("%s: %v; want EINVALID naming %s", tc.name, err, tc.field)
			}
		}
		es, _, err := e.svc.Ledger(analyst, warden.LedgerFilter{})
		if err != nil || len(es) != 0 {
			t.Errorf("ledger after refused inputs: %+v %v", es, err)
		}
		// A name may hold what names are written with.
		if _, _, err := e.svc.Screen(client, pay("t-persian", 100, us, warden.TxParty{Role: "beneficiary", Name: "Mohammad\u200cReza Ahmadi"})); err != nil {
			t.Errorf("a Persian name with a zero-width non-joiner: %v", err)
		}
	})
}

// TestHolderKeys: one wallet or account is one holder in the ledger
// however it is written: surrounding spaces are trimmed, EVM addresses
// folded to lower case and IBANs (checksum valid) to upper case without
// spaces; other accounts (base58 wallets) are kept as they are.
func TestHolderKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		analyst := as("anna", warden.RoleAnalyst)
		const evm = "0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"
		for i, tc := range []struct{ account, key string }{
			{evm, evm},
			{"0x47CE0C6ED5B0CE3D3A51FDB1C52DC66A7C3C2936", evm},
			{"0x47Ce0c6eD5b0Ce3D3a51fdB1C52dC66A7c3C2936", evm},
			{"  " + evm + " ", evm},
			{"DE89370400440532013000", "DE89370400440532013000"},
			{"de89 3704 0044 0532 0130 00", "DE89370400440532013000"},
			{" DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
			{"de89 3704 0044 0532 0130 01", "de89 3704 0044 0532 0130 01"}, // not an IBAN: its checksum fails
			{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
			{"1a1zp1ep5qgefi2dmptftl5slmv7divfna", "1a1zp1ep5qgefi2dmptftl5slmv7divfna"}, // base58: another address
		} {
			p := warden.TxParty{Role: "beneficiary", Name: "EVIL CORP LTD", Country: "RU", Account: tc.account}
			d, _, err := e.svc.Screen(client, pay("h"+string(rune('a'+i)), 100, us, p))
			if err != nil || d.Decision != warden.DecisionBlocked {
				t.Fatalf("%q: %s %v", tc.account, d.Decision, err)
			}
			es, _, err := e.svc.Ledger(analyst, warden.LedgerFilter{Reference: d.Reference})
			if err != nil || len(es) != 1 || es[0].Holder != tc.key {
				t.Errorf("%q: ledger %+v %v; want holder %q", tc.account, es, err, tc.key)
			}
		}
		want := map[string]int64{evm: 400, "DE89370400440532013000": 300, "de89 3704 0044 0532 0130 01": 100, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa": 100, "1a1zp1ep5qgefi2dmptftl5slmv7divfna": 100}
		_, bs, err := e.svc.Ledger(analyst, warden.LedgerFilter{})
		if err != nil || len(bs) != len(want) {
			t.Fatalf("balances %+v %v; want %d holders", bs, err, len(want))
		}
		for _, b := range bs {
			if want[b.Holder] != b.Amount.Minor {
				t.Errorf("balance %q %d; want %d", b.Holder, b.Amount.Minor, want[b.Holder])
			}
		}
		// Filters and releases read holders the same way.
		_, bs, err = e.svc.Ledger(analyst, warden.LedgerFilter{Holder: " 0X47CE0C6ED5B0CE3D3A51FDB1C52DC66A7C3C2936"})
		if err != nil || len(bs) != 1 || bs[0].Holder != evm || bs[0].Amount.Minor != 400 {
			t.Errorf("balances of the upper-case address: %+v %v", bs, err)
		}
	})
}
