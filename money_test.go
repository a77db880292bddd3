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
		{"USD", "1,000.00", 100000, true},
		{"USD", "1,234,567.89", 123456789, true},
		{"usd", " 0.01 ", 1, true},
		{"JPY", "1500", 1500, true},
		{"JPY", "1,500", 1500, true},
		{"KWD", "1.005", 1005, true},
		{"JPY", "1500.5", 0, false}, // yen have no decimals
		{"JPY", "1500.", 0, false},
		{"USD", "1.005", 0, false},
		{"USD", "-5", 0, false},
		{"USD", "0", 0, false},
		{"USD", "1e6", 0, false},
		{"USD", ".50", 0, false},
		{"USD", "12.", 0, false},
		{"USD", "1.2.3", 0, false},
		{"XYZ", "5", 0, false},
		// Commas only between groups of three digits.
		{"USD", "10,00", 0, false}, // a decimal comma is refused, not read as 1000.00
		{"USD", "1,0,0.00", 0, false},
		{"USD", "1000,000", 0, false},
		{"USD", "1,000,", 0, false},
		{"USD", ",100", 0, false},
		{"USD", "1,00.50", 0, false},
		{"USD", "1,000.5,0", 0, false},
		{"USD", "1 000", 0, false},
		// The ceiling, MaxMinor minor units, in major units per currency.
		{"USD", "10,000,000,000,000.00", MaxMinor, true},
		{"USD", "10,000,000,000,000.01", 0, false},
		{"JPY", "1000000000000000", MaxMinor, true},
		{"JPY", "1000000000000001", 0, false},
		{"CLF", "100000000000", MaxMinor, true},
		{"CLF", "999999999999999", 0, false}, // would overflow int64 if not checked as read
		{"USD", "99999999999999999999999", 0, false},
	} {
		m, err := ParseMoney(tc.currency, tc.major)
		if (err == nil) != tc.ok || (tc.ok && m.Minor != tc.want) {
			t.Errorf("ParseMoney(%q, %q) = %v, %v; want %d (ok %v)", tc.currency, tc.major, m, err, tc.want, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q, %q): error code %s, want invalid", tc.currency, tc.major, ErrorCode(err))
		}
	}
}

func TestCheckMoneyCeiling(t *testing.T) {
	for _, tc := range []struct {
		m  Money
		ok bool
	}{
		{Money{"USD", MaxMinor}, true},
		{Money{"USD", MaxMinor + 1}, false},
		{Money{"JPY", 1<<63 - 1}, false},
		{Money{"USD", 1}, true},
	} {
		if err := CheckMoney(tc.m); (err == nil) != tc.ok {
			t.Errorf("CheckMoney(%+v) = %v, want ok %v", tc.m, err, tc.ok)
		}
	}
	if MaxBalance/MaxMinor != 1000 || MaxBalance > 1<<63-1-MaxMinor {
		t.Errorf("MaxBalance %d is not a thousand ceilings with room for one more amount in int64", MaxBalance)
	}
}

func TestMoneyString(t *testing.T) {
	for m, want := range map[Money]string{{"USD", 1250050}: "USD 12500.50", {"JPY", 1500}: "JPY 1500", {"USD", -5}: "USD -0.05"} {
		if got := m.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", m, got, want)
		}
	}
}
