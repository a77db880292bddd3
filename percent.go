package warden

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// Percent is a share of a company in hundredths of a percent (basis
// points): 5000 is 50%. The 50% rule adds shares; as integers the sum is
// exact, where in floating point 0.8 + 32.3 + 16.9 is 49.99999999999999
// and a company owned exactly 50% by blocked parties would go unblocked.
// Shares are recorded, stored and compared in this unit; people give them
// with at most two decimals, and what the lists state more finely is
// rounded to it (PercentOf).
type Percent int64

// Whole is 100%.
const Whole Percent = 100_00

// ParsePercent reads a share written as a decimal number of percent, such
// as "32.3", "0.75" or "100": digits, then at most two decimals; a sign,
// an exponent, more decimals than a Percent holds, or more than 100% is
// EINVALID rather than rounded.
func ParsePercent(s string) (Percent, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || dot && (frac == "" || !allDigits(frac)) {
		return 0, Errorf(EINVALID, "percent must be a number from 0 to 100, such as 32.5, not %q", s)
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, Errorf(EINVALID, "percent %s is more precise than the hundredths of a percent Warden records", s)
		}
		frac = frac[:2]
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 3 {
		return 0, Errorf(EINVALID, "percent %s is out of range: it must be from 0 to 100", s)
	}
	n, _ := strconv.Atoi("0" + whole + (frac + "00")[:2])
	if p := Percent(n); p <= Whole {
		return p, nil
	}
	return 0, Errorf(EINVALID, "percent %s is out of range: it must be from 0 to 100", s)
}

func allDigits(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// PercentOf rounds a share stated as a float (as list files give it) to
// the nearest hundredth of a percent; NaN is 0.
func PercentOf(f float64) Percent {
	if !(f > 0) {
		return 0
	}
	return Percent(math.Round(math.Min(f, 1e6) * 100))
}

// String writes p as a decimal number of percent without trailing zeros:
// "32.3", "0.08", "50".
func (p Percent) String() string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	s := sign + strconv.FormatInt(int64(p/100), 10)
	if f := p % 100; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(int64(100+f), 10)[1:], "0")
	}
	return s
}

// MarshalJSON writes p as a JSON number of percent (32.3).
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number of percent, or a string holding one,
// exactly, as ParsePercent does.
func (p *Percent) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if uq, err := strconv.Unquote(s); err == nil && len(b) > 0 && b[0] == '"' {
		s = uq
	}
	v, err := ParsePercent(s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
