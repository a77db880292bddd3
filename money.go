package warden

import (
	"fmt"
	"strings"
)

// Money is an amount in a currency's minor units (cents, pence, yen):
// never a float, so sums and balances are exact.
type Money struct {
	Currency string `json:"currency"` // ISO 4217 alphabetic code
	Minor    int64  `json:"minor"`
}

// String shows m in major units, e.g. "USD 12500.00".
func (m Money) String() string {
	d, ok := currencyDigits[m.Currency]
	if !ok || d == 0 {
		return fmt.Sprintf("%s %d", m.Currency, m.Minor)
	}
	p := int64(1)
	for i := 0; i < d; i++ {
		p *= 10
	}
	sign := ""
	v := m.Minor
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s %s%d.%0*d", m.Currency, sign, v/p, d, v%p)
}

// MaxMinor is the ceiling on any one amount Warden takes (a payment, a
// release): 10^15 minor units in every currency, so 10 trillion in a
// currency with cents, a quadrillion yen, 100 billion in a four-decimal
// unit such as CLF. It keeps every amount, and every sum of them Warden
// makes, far inside int64 (see MaxBalance).
const MaxMinor int64 = 1_000_000_000_000_000

// MaxBalance is the ceiling on what may be blocked for one holder, party
// and currency: a thousand amounts at MaxMinor, 10^18 minor units, still
// inside int64 (about 9.2 × 10^18). A blocking that would go beyond it is
// refused, so every ledger sum (a balance, a balance as of a date, a
// release check) fits an int64 exactly.
const MaxBalance int64 = 1000 * MaxMinor

// CheckMoney rejects unknown currencies and amounts that are not positive
// or are above MaxMinor.
func CheckMoney(m Money) error {
	if _, ok := currencyDigits[m.Currency]; !ok {
		if strings.ToUpper(m.Currency) != m.Currency {
			return Errorf(EINVALID, "currency %q: use the upper-case ISO 4217 code", m.Currency)
		}
		return Errorf(EINVALID, "unknown currency %q (ISO 4217)", m.Currency)
	}
	if m.Minor <= 0 {
		return Errorf(EINVALID, "amount must be a positive number of minor units, got %d", m.Minor)
	}
	if m.Minor > MaxMinor {
		return ceilingError(m.Currency)
	}
	return nil
}

func ceilingError(currency string) error {
	return Errorf(EINVALID, "amount must be at most %s (%d minor units, Warden's ceiling in any currency)", Money{Currency: currency, Minor: MaxMinor}, MaxMinor)
}

// ParseMoney reads an amount written in major units ("12500", "12,500.50")
// exactly, without floating point. It is strict, because a misread amount
// moves or frees money: at most one decimal point, followed by no more
// decimals than the currency has; commas only between groups of three
// digits ("10,00" and "1,0,0.00" are refused, not guessed at).
func ParseMoney(currency, major string) (Money, error) {
	m := Money{Currency: strings.ToUpper(strings.TrimSpace(currency))}
	d, ok := currencyDigits[m.Currency]
	if !ok {
		return m, Errorf(EINVALID, "unknown currency %q (ISO 4217)", currency)
	}
	whole, frac, point := strings.Cut(strings.TrimSpace(major), ".")
	if !grouped(whole) || point && (frac == "" || len(frac) > d || !digits(frac)) {
		example := "12,500"
		if d > 0 {
			example += "." + strings.Repeat("5", d)
		}
		return m, Errorf(EINVALID, "amount %q: write it in %s as digits, commas only between groups of three, and at most %d decimals after a point (e.g. %s)",
			major, m.Currency, d, example)
	}
	for _, r := range strings.ReplaceAll(whole, ",", "") + frac + strings.Repeat("0", d-len(frac)) {
		m.Minor = m.Minor*10 + int64(r-'0')
		if m.Minor > MaxMinor { // checked digit by digit: never overflows
			return m, ceilingError(m.Currency)
		}
	}
	return m, CheckMoney(m)
}

// grouped reports whether s is the whole part of an amount: digits, either
// ungrouped or in thousands groups separated by commas ("12500",
// "12,500").
func grouped(s string) bool {
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !digits(g) || i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && len(g) > 3 {
			return false
		}
	}
	return true
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// currencyDigits holds the active ISO 4217 currencies and their minor-unit
// digits.
var currencyDigits = func() map[string]int {
	m := map[string]int{}
	for _, c := range strings.Fields(`AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN
		BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
		GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD
		MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB
		SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU
		UZS VES WST XCD YER ZAR ZMW ZWG`) {
		m[c] = 2
	}
	for _, c := range strings.Fields(`BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF`) {
		m[c] = 0
	}
	for _, c := range strings.Fields(`BHD IQD JOD KWD LYD OMR TND`) {
		m[c] = 3
	}
	m["CLF"], m["UYW"] = 4, 4
	return m
}()
