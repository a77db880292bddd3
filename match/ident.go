package match

import (
	"strings"
	"unicode"

	"warden"
)

// NormalizeWallet returns the form in which two writings of the same digital
// currency address are equal: EVM hex addresses (0x...) and bech32 addresses
// (bc1..., ltc1..., tb1...) in lower case, everything else (base58 and other
// case-sensitive encodings) as written, without surrounding space.
func NormalizeWallet(addr string) string {
	a := strings.TrimSpace(addr)
	l := strings.ToLower(a)
	switch {
	case strings.HasPrefix(l, "0x") && len(a) == 42:
		return l
	case isBech32(l):
		return l
	}
	return a
}

func isBech32(l string) bool {
	i := strings.LastIndexByte(l, '1')
	if i < 1 || len(l)-i < 7 {
		return false
	}
	switch l[:i] {
	case "bc", "tb", "ltc", "tltc", "bcrt", "bitcoincash", "zs", "cosmos", "terra":
		return true
	}
	return false
}

// NormalizeID returns the form in which two writings of a document number,
// e-mail or website are equal: upper case without spaces, dashes, dots or
// slashes for numbers; lower case for e-mail; lower case host without scheme
// and "www." for websites.
func NormalizeID(t warden.IDType, v string) string {
	v = strings.TrimSpace(v)
	switch t {
	case warden.IDCrypto:
		return NormalizeWallet(v)
	case warden.IDEmail:
		return strings.ToLower(v)
	case warden.IDWebsite:
		l := strings.ToLower(v)
		for _, p := range []string{"https://", "http://", "www."} {
			l = strings.TrimPrefix(l, p)
		}
		if i := strings.IndexAny(l, "/?#"); i >= 0 {
			l = l[:i]
		}
		return l
	}
	var b strings.Builder
	for _, r := range v {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// idKey is how identifiers are keyed in the index: document numbers of every
// type share one space (a passport number given as an "id" still meets a
// listed passport), contact points and wallets have their own.
func idKey(t warden.IDType, v string) string {
	n := NormalizeID(t, v)
	if n == "" {
		return ""
	}
	switch t {
	case warden.IDCrypto:
		return "w:" + n
	case warden.IDEmail:
		return "e:" + n
	case warden.IDWebsite:
		return "d:" + n
	case warden.IDPhone:
		return "p:" + n
	}
	if len(n) < 5 {
		return "" // too short to identify anyone
	}
	return "n:" + n
}

// queryIDKeys returns the keys a free-form identifier from a query may match:
// as a document number, and as an e-mail or website where it looks like one.
func queryIDKeys(v string) []string {
	var out []string
	if k := idKey(warden.IDOther, v); k != "" {
		out = append(out, k)
	}
	if strings.Contains(v, "@") {
		out = append(out, idKey(warden.IDEmail, v))
	} else if strings.Contains(v, ".") {
		out = append(out, idKey(warden.IDWebsite, v))
	}
	return out
}
