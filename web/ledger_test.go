package web

import (
	"encoding/json"
	"fmt"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestBlockedPropertyFilters: the ledger's filters select balances as they
// select entries; ?currency=JPY once returned the JPY entries with the
// balances in every currency. A holder is read as the ledger keys it.
func TestBlockedPropertyFilters(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	const evm = "0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936"
	for i, b := range []struct {
		currency, account string
		minor             int64
	}{{"USD", "RU-9", 100}, {"EUR", "RU-9", 200}, {"JPY", "RU-9", 300}, {"JPY", evm, 400}, {"USD", "0x47CE0C6ED5B0CE3D3A51FDB1C52DC66A7C3C2936", 500}} {
		body := fmt.Sprintf(`{"reference":"f%d","amount":{"currency":%q,"minor":%d},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","country":"RU","account":%q}]}`, i, b.currency, b.minor, b.account)
		if resp := p.do(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener], "application/json", body); resp.StatusCode != 200 {
			t.Fatalf("payment %d: %d %v", i, resp.StatusCode, problem(t, resp))
		}
	}
	for _, tc := range []struct {
		query             string
		entries, balances int
		total             int64 // of the balances
	}{
		{"", 5, 5, 1500},
		{"currency=JPY", 2, 2, 700},
		{"currency=USD", 2, 2, 600},
		{"holder=RU-9", 3, 3, 600},
		{"holder=" + evm, 2, 2, 900},
		{"holder=0x47CE0C6ED5B0CE3D3A51FDB1C52DC66A7C3C2936", 2, 2, 900},
		{"holder=RU-9&currency=JPY", 1, 1, 300},
		{"holder=nobody", 0, 0, 0},
		{"entity=ofac:26663&currency=EUR", 1, 1, 200},
		{"entity=ofac:1&currency=EUR", 0, 0, 0},
	} {
		resp := p.do(t, "GET", "/v1/blocked-property?"+tc.query, p.tokens[warden.RoleAuditor], "", "")
		var got struct {
			Entries  []warden.LedgerEntry `json:"entries"`
			Balances []warden.Balance     `json:"balances"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", tc.query, resp.StatusCode, err)
		}
		var total int64
		for _, b := range got.Balances {
			total += b.Amount.Minor
		}
		if len(got.Entries) != tc.entries || len(got.Balances) != tc.balances || total != tc.total {
			t.Errorf("?%s: %d entries, %d balances totalling %d; want %d, %d, %d", tc.query, len(got.Entries), len(got.Balances), total, tc.entries, tc.balances, tc.total)
		}
	}
}
