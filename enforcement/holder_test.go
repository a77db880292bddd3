package enforcement_test

import (
	"fmt"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestBech32HolderKeys: a bech32 or bech32m wallet (bc1, tb1, ltc1...),
// one case by definition, is one ledger holder in upper or lower case,
// as an EVM address is; "BC1QV7K..." and "bc1qv7k..." used to be two
// holders with two balances. Text that only looks like bech32 (its
// checksum fails) is kept as it came.
func TestBech32HolderKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		client := as("payments", warden.RoleScreener)
		analyst := as("anna", warden.RoleAnalyst)
		const (
			segwit  = "bc1qsmv6lkrw65l30yazdqpdjjtwzpvk9f8gfh0cy7"                     // bech32, an OFAC-listed wallet
			taproot = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297" // bech32m (BIP 350)
			other   = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"                  // any human-readable part (BIP 173)
			broken  = "BC1QSMV6LKRW65L30YAZDQPDJJTWZPVK9F8GFH0CY8"                     // checksum fails
		)
		for i, tc := range []struct {
			account, wallet, key string
		}{
			{segwit, "", segwit},
			{"BC1QSMV6LKRW65L30YAZDQPDJJTWZPVK9F8GFH0CY7", "", segwit},
			{"", "BC1QSMV6LKRW65L30YAZDQPDJJTWZPVK9F8GFH0CY7", segwit},
			{" Bc1qsmv6lkrw65l30yazdqpdjjtwzpvk9f8gfh0cy7", "", segwit},
			{"BC1P5D7RJQ7G6RDK2YHZKS9SMLAQTEDR4DEKQ08GE8ZTWAC72SFR9RUSXG3297", "", taproot},
			{"ABCDEF1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LMQQQXW", "", other},
			{broken, "", broken},
		} {
			p := warden.TxParty{Role: "beneficiary", Name: "EVIL CORP LTD", Country: "RU", Account: tc.account, Wallet: tc.wallet}
			d, _, err := e.svc.Screen(client, pay(fmt.Sprintf("b%d", i), 100, us, p))
			if err != nil || d.Decision != warden.DecisionBlocked {
				t.Fatalf("%q %q: %s %v", tc.account, tc.wallet, d.Decision, err)
			}
			es, _, err := e.svc.Ledger(analyst, warden.LedgerFilter{Reference: d.Reference})
			if err != nil || len(es) != 1 || es[0].Holder != tc.key {
				t.Errorf("%q %q: ledger %+v %v; want holder %q", tc.account, tc.wallet, es, err, tc.key)
			}
		}
		want := map[string]int64{segwit: 400, taproot: 100, other: 100, broken: 100}
		_, bs, err := e.svc.Ledger(analyst, warden.LedgerFilter{})
		if err != nil || len(bs) != len(want) {
			t.Fatalf("balances %+v %v; want %d holders", bs, err, len(want))
		}
		for _, b := range bs {
			if want[b.Holder] != b.Amount.Minor {
				t.Errorf("balance %q %d; want %d", b.Holder, b.Amount.Minor, want[b.Holder])
			}
		}
		_, bs, err = e.svc.Ledger(analyst, warden.LedgerFilter{Holder: "BC1QSMV6LKRW65L30YAZDQPDJJTWZPVK9F8GFH0CY7"})
		if err != nil || len(bs) != 1 || bs[0].Amount.Minor != 400 {
			t.Errorf("balances of the upper-case wallet: %+v %v", bs, err)
		}
	})
}
