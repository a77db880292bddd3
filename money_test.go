package warden

import "testing"

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		currency, major string
		want            int64
		ok              bool
	}{
		{"USD", "12500", 1250000, true},
		{"USD", "12,500.5", 1250050, true},
		{"usd", " 0.01 ", 1, true},
		{"JPY", "1500", 1500, true},
		{"JPY", "1500.5", 0, false}, // yen have no decimals
		{"USD", "1.005", 0, false},
		{"USD", "-5", 0, false},
		{"USD", "0", 0, false},
		{"USD", "1e6", 0, false},
		{"USD", ".50", 0, false},
		{"XYZ", "5", 0, false},
		{"USD", "9999999999999999", 0, false},
	} {
		m, err := ParseMoney(tc.currency, tc.major)
		if (err == nil) != tc.ok || (tc.ok && m.Minor != tc.want) {
			t.Errorf("ParseMoney(%q, %q) = %v, %v; want %d (ok %v)", tc.currency, tc.major, m, err, tc.want, tc.ok)
		}
	}
}

func TestMoneyString(t *testing.T) {
	for m, want := range map[Money]string{{"USD", 1250050}: "USD 12500.50", {"JPY", 1500}: "JPY 1500", {"USD", -5}: "USD -0.05"} {
		if got := m.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", m, got, want)
		}
	}
}
