package match

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"warden"
)

// NormalizeWallet returns the form in which two writings of the same digital
// currency address are equal: read as shown (plainID), EVM hex addresses (40
// hex digits, with or without 0x) as 0x and lower case, bech32 addresses
// (bc1..., ltc1..., tb1...) in lower case, everything else (base58 and
// other case-sensitive encodings) in the case written.
func NormalizeWallet(addr string) string {
	a := plainID(addr, true)
	l := strings.ToLower(a)
	switch {
	case isEVM(strings.TrimPrefix(l, "0x")):
		return "0x" + strings.TrimPrefix(l, "0x")
	case isBech32(l):
		return l
	}
	return a
}

// isEVM reports whether h is the 40 hex digits of an EVM address.
func isEVM(h string) bool {
	if len(h) != 40 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// plainID reads an identifier as a person sees it, as fold reads names, so
// that a listed wallet or number written to look the same on screen while
// differing underneath still meets its listing: NFKC (full-width forms),
// invisible characters dropped (ignorable), Cyrillic and Greek look-alikes
// and small capitals read as the Latin letter in the case written, any
// decimal digit (Arabic-Indic, Devanagari...) read as its ASCII digit, and,
// if gaps is set, spaces and dashes dropped, which no wallet or document
// number holds but people write to group digits. Letters keep their case,
// as base58 addresses depend on it.
func plainID(v string, gaps bool) string {
	v = norm.NFKC.String(v)
	var b strings.Builder
	b.Grow(len(v))
	for _, r := range v {
		switch {
		case r < 0x80 && r != ' ' && r != '-' && !unicode.IsSpace(r):
			b.WriteByte(byte(r))
		case ignorable(r):
		case gaps && (unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)):
		case toLatin[r] != 0:
			b.WriteRune(toLatin[r])
		case letterLike[r] != 0:
			b.WriteRune(letterLike[r])
		case unicode.IsDigit(r):
			b.WriteByte(byte('0' + digitValue(r)))
		default:
			b.WriteRune(r)
		}
	}
	if !gaps {
		return strings.TrimSpace(b.String())
	}
	return b.String()
}

// digitValue is the value of decimal digit r. Unicode encodes the decimal
// digits of a script as a run of ten from zero (UTS #18, Nd), some runs
// adjacent: the value is the distance from the start of r's run, modulo 10.
func digitValue(r rune) int {
	zero := r
	for unicode.IsDigit(zero - 1) {
		zero--
	}
	return int(r-zero) % 10
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
// e-mail or website are equal, each read as shown (plainID): upper case
// without spaces, dashes, dots or slashes for numbers; lower case for
// e-mail; lower case host without scheme and "www." for websites.
func NormalizeID(t warden.IDType, v string) string {
	switch t {
	case warden.IDCrypto:
	case warden.IDEmail, warden.IDWebsite:
		v = plainID(v, false)
	default:
		v = plainID(v, true)
	}
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
// as a document number, as a wallet, and as an e-mail or website where it
// looks like one.
func queryIDKeys(v string) []string {
	var out []string
	if k := idKey(warden.IDOther, v); k != "" {
		out = append(out, k)
	}
	if k := idKey(warden.IDCrypto, v); k != "" {
		out = append(out, k)
	}
	if strings.Contains(v, "@") {
		out = append(out, idKey(warden.IDEmail, v))
	} else if strings.Contains(v, ".") {
		out = append(out, idKey(warden.IDWebsite, v))
	}
	return out
}
