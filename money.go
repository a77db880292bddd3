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

// CheckMoney rejects unknown currencies and amounts that are not positive.
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
	return nil
}

// ParseMoney reads an amount written in major units ("12500", "12,500.50")
// exactly, without floating point: no more decimals than the currency has.
func ParseMoney(currency, major string) (Money, error) {
	m := Money{Currency: strings.ToUpper(strings.TrimSpace(currency))}
	d, ok := currencyDigits[m.Currency]
	if !ok {
		return m, Errorf(EINVALID, "unknown currency %q (ISO 4217)", currency)
	}
	v := strings.ReplaceAll(strings.TrimSpace(major), ",", "")
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > d || len(whole) > 15 || strings.ContainsFunc(whole+frac, func(r rune) bool { return r < '0' || r > '9' }) {
		return m, Errorf(EINVALID, "amount %q: write it in %s with at most %d decimals", major, m.Currency, d)
	}
	for _, r := range whole {
		m.Minor = m.Minor*10 + int64(r-'0')
	}
	for i := 0; i < d; i++ {
		m.Minor *= 10
		if i < len(frac) {
			m.Minor += int64(frac[i] - '0')
		}
	}
	return m, CheckMoney(m)
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
