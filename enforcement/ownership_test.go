package enforcement_test

import (
	"fmt"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestExactShares: the 50% rule adds shares exactly. In floating point
// 0.8 + 32.3 + 16.9 is 49.99999999999999, and a company owned exactly 50%
// by blocked parties was cleared; chains of companies blocked by the rule
// count with their whole share.
func TestExactShares(t *testing.T) {
	type stake struct{ owner, pct string }
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := setup(t, db)
		analyst := as("anna", warden.RoleAnalyst)
		for i, tc := range []struct {
			name    string
			stakes  map[string][]stake // company -> its owners
			company string
			blocked bool
		}{
			{"the reviewer's 0.8 + 32.3 + 16.9", map[string][]stake{
				"Floaty Holdings Ltd": {{"ofac:1", "0.8"}, {"ofac:3", "32.3"}, {"Floaty Parent", "16.9"}},
				"Floaty Parent":       {{"ofac:1", "100"}},
			}, "Floaty Holdings Ltd", true},
			{"the control 1.0 + 32.1 + 16.9", map[string][]stake{
				"Control Holdings Ltd": {{"ofac:1", "1.0"}, {"ofac:3", "32.1"}, {"Control Parent", "16.9"}},
				"Control Parent":       {{"ofac:3", "50"}},
			}, "Control Holdings Ltd", true},
			{"a hundredth short", map[string][]stake{
				"Short Holdings Ltd": {{"ofac:1", "0.8"}, {"ofac:3", "32.3"}, {"Short Parent", "16.89"}},
				"Short Parent":       {{"ofac:1", "100"}},
			}, "Short Holdings Ltd", false},
			{"one hundredth, 0.01 each", map[string][]stake{
				"Penny Ltd": {{"ofac:1", "49.99"}, {"ofac:3", "0.01"}},
			}, "Penny Ltd", true},
			{"a chain of halves", map[string][]stake{
				"Chain A": {{"ofac:1", "50"}},
				"Chain B": {{"Chain A", "50.00"}},
				"Chain C": {{"Chain B", "50"}},
			}, "Chain C", true},
			{"a chain whose top is a hundredth short", map[string][]stake{
				"Weak A": {{"ofac:1", "49.99"}},
				"Weak B": {{"Weak A", "100"}},
			}, "Weak B", false},
			{"thirds of blocked parents", map[string][]stake{
				"Third X": {{"ofac:1", "100"}},
				"Third Y": {{"ofac:3", "100"}},
				"Thirds":  {{"Third X", "16.67"}, {"Third Y", "16.67"}, {"ofac:3", "16.66"}},
			}, "Thirds", true},
			{"a rejecting program's share does not count", map[string][]stake{
				"Mixed Ltd": {{"ofac:2", "50"}, {"ofac:1", "0.8"}, {"ofac:3", "49.19"}},
			}, "Mixed Ltd", false},
		} {
			for company, owners := range tc.stakes {
				for _, st := range owners {
					pct, err := warden.ParsePercent(st.pct)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := e.svc.RecordStake(analyst, st.owner, company, pct); err != nil {
						t.Fatalf("%s: %v", tc.name, err)
					}
				}
			}
			ent, why, err := e.svc.OwnedBlocked(analyst, tc.company)
			if err != nil || (ent != nil) != tc.blocked {
				t.Errorf("%s: blocked %v (%s) %v; want %v", tc.name, ent != nil, why, err, tc.blocked)
			}
			d, _, err := e.svc.Screen(as("payments", warden.RoleScreener), pay(fmt.Sprintf("x%d", i), 100, us, warden.TxParty{Role: "beneficiary", Name: tc.company}))
			want := warden.DecisionCleared
			if tc.blocked {
				want = warden.DecisionBlocked
			}
			if err != nil || d.Decision != want {
				t.Errorf("%s: payment %s %v; want %s", tc.name, d.Decision, err, want)
			}
		}
		st, err := e.svc.Stakes(analyst)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.Owned == "floaty holdings ltd" && s.Owner == "entity:ofac:1" && s.Percent != 80 {
				t.Errorf("0.8%% stored as %d hundredths", s.Percent)
			}
		}
	})
}
