package match

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"warden"
)

// NormalizeWallet returns the form in which two writings of the same digital
// currency address are equal: read as shown (plainID), stripped of how
// people write an address around it (walletCore: a payment URI's scheme,
// query and chain, a currency ticker, quotes, brackets and trailing
// punctuation), spaces and dashes dropped; then EVM hex addresses (40 hex
// digits, with or without 0x) as 0x and lower case, bech32 and CashAddr
// addresses (bc1..., ltc1..., tb1..., qpf2..., one case by definition) in
// lower case, and
// base58-shaped ones (base58Lookalikes) in the case written with l and I,
// which base58 leaves out for looking like 1, read as 1.
func NormalizeWallet(addr string) string {
	a := dropGaps(walletCore(plainID(addr, false)))
	l := strings.ToLower(a)
	switch {
	case isEVM(strings.TrimPrefix(l, "0x")):
		return "0x" + strings.TrimPrefix(l, "0x")
	case isBech32(l), isCashAddr(l):
		return l
	}
	return base58Lookalikes(a)
}

// walletPrefixes are what people write before an address: the schemes of
// payment URIs (BIP 21 bitcoin:, EIP-681 ethereum:, tron:...) and the
// currency tickers of the lists (OFAC writes "XBT 12Qt..."), lower case.
var walletPrefixes = map[string]bool{
	"bitcoin": true, "bitcoincash": true, "ethereum": true, "litecoin": true, "tron": true, "monero": true,
	"zcash": true, "dash": true, "dogecoin": true, "ripple": true, "solana": true, "tether": true,
	"xbt": true, "btc": true, "eth": true, "usdt": true, "ltc": true, "bch": true, "trx": true, "zec": true,
	"xmr": true, "xrp": true, "xvg": true, "etc": true, "btg": true, "bsv": true, "bsc": true, "arb": true,
	"usdc": true, "doge": true, "sol": true,
}

// walletCore strips what surrounds an address as people write it, so that
// the address itself is looked up: wrapping quotes, brackets and trailing
// punctuation ("(12Qt...)", "12Qt...;"), a leading scheme or ticker
// (walletPrefixes) with its colon, spaces or dash, EIP-681's "pay-", and a
// URI's query, chain id or function ("?amount=1", "@1", "/transfer"), none
// of which an address holds. Anything else is left as written.
func walletCore(a string) string {
	a = strings.TrimFunc(a, notAlnum)
	if i := strings.IndexFunc(a, func(r rune) bool { return r == ':' || unicode.IsSpace(r) }); i > 0 && walletPrefixes[strings.ToLower(a[:i])] {
		a = strings.TrimLeftFunc(a[i:], notAlnum)
	}
	if len(a) > 4 && strings.EqualFold(a[:4], "pay-") {
		a = a[4:]
	}
	if i := strings.IndexAny(a, "?@/"); i > 0 {
		a = a[:i]
	}
	return strings.TrimFunc(a, notAlnum)
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// dropGaps drops spaces and dashes, which no address or document number
// holds but people write to group characters.
func dropGaps(a string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, a)
}

// base58Lookalikes reads l and I as 1 in a value shaped like a base58
// address (Bitcoin, Tron, Litecoin, Monero...): at least 25 ASCII letters
// and digits, without 0 or O. Base58 leaves out 0, O, I and l because they
// look alike; an l or I in such a value can only be a 1 written to look
// right (l2QtD5... for 12QtD5...). 0 and O are left alone: O could stand
// for 0 or o, and a value holding either is not base58.
func base58Lookalikes(a string) string {
	if len(a) < 25 || !strings.ContainsAny(a, "lI") {
		return a
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c == '0' || c == 'O' || !(c >= '1' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return a
		}
	}
	return strings.NewReplacer("l", "1", "I", "1").Replace(a)
}

// walletShaped reports whether a normalised value has the shape of an
// address: EVM, bech32, or 25 to 120 ASCII letters and digits with both.
// A word of a name of that shape is looked up as a wallet too.
func walletShaped(n string) bool {
	if strings.HasPrefix(n, "0x") && isEVM(n[2:]) || isBech32(n) {
		return true
	}
	if len(n) < 25 || len(n) > 120 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}

// nameWalletKeys returns the wallet keys of a query name that is, or
// holds as a word, something shaped like an address (walletShaped): an
// address sent as a party's name is screened as the address it is.
func nameWalletKeys(name string) []string {
	if len(name) < 25 {
		return nil
	}
	var out []string
	add := func(v string) {
		if n := NormalizeWallet(v); walletShaped(n) && !slices.Contains(out, "w:"+n) {
			out = append(out, "w:"+n)
		}
	}
	add(name)
	for _, w := range strings.Fields(name) {
		if len(w) >= 25 {
			add(w)
		}
	}
	return out
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
// differing underneath still meets its listing: NFKD (full-width forms)
// with combining marks dropped (bc1q̇v7k... is bc1qv7k...), invisible
// characters dropped (ignorable), Cyrillic and Greek look-alikes, small
// capitals and the letters of Lisu and Cherokee (latinLookalike) read as
// the Latin letter in the case written, any
// decimal digit (Arabic-Indic, Devanagari...) read as its ASCII digit, and,
// if gaps is set, spaces and dashes dropped, which no wallet or document
// number holds but people write to group digits. Letters keep their case,
// as base58 addresses depend on it.
func plainID(v string, gaps bool) string {
	v = norm.NFKD.String(v)
	var b strings.Builder
	b.Grow(len(v))
	for _, r := range v {
		switch {
		case r < 0x80 && r != ' ' && r != '-' && !unicode.IsSpace(r):
			b.WriteByte(byte(r))
		case ignorable(r), unicode.Is(unicode.Mn, r):
		case gaps && (unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)):
		case toLatin[r] != 0:
			b.WriteRune(toLatin[r])
		case letterLike[r] != 0:
			b.WriteRune(letterLike[r])
		case latinLookalike(r) != 0:
			b.WriteRune(latinLookalike(r))
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

// isCashAddr reports whether l is a Bitcoin Cash address in CashAddr form
// without its "bitcoincash:" prefix (which walletCore strips): q or p and
// 41 characters of the bech32 alphabet, one case like bech32.
func isCashAddr(l string) bool {
	if len(l) != 42 || l[0] != 'q' && l[0] != 'p' {
		return false
	}
	for i := 1; i < len(l); i++ {
		if !strings.ContainsRune("qpzry9x8gf2tvdw0s3jn54khce6mua7l", rune(l[i])) {
			return false
		}
	}
	return true
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
// looks like one; and, for numbers written with ordinary decoration
// ("No. 4509135586", "Passport 4509135586 (Russia)", "RU4509135586",
// "45O9135586"), as each number it holds (numberForms).
func queryIDKeys(v string) []string {
	var out []string
	add := func(k string) {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	add(idKey(warden.IDOther, v))
	add(idKey(warden.IDCrypto, v))
	if strings.Contains(v, "@") {
		add(idKey(warden.IDEmail, v))
	} else if strings.Contains(v, ".") {
		add(idKey(warden.IDWebsite, v))
	}
	for _, n := range numberForms(v) {
		add(idKey(warden.IDOther, n))
	}
	return out
}

// numberForms returns the document numbers a free-form identifier may
// hold, as people decorate them: each run of adjacent words holding a
// digit, words of letters alone ("No.", "Passport", "Russia") and
// brackets, commas, semicolons and colons ending a run; each run also
// without a leading two-letter country code (RU4509135586) and, where
// mostly digits, with O read as 0 and I and l as 1 (45O9135586). Only
// queries are read so: a listed number stays as listed.
func numberForms(v string) []string {
	var out []string
	for _, seg := range strings.FieldsFunc(plainID(v, false), func(r rune) bool { return strings.ContainsRune(",;:()[]{}<>\"'|", r) }) {
		var run []string
		flush := func() {
			if len(run) == 0 {
				return
			}
			n := NormalizeID(warden.IDOther, strings.Join(run, ""))
			run = run[:0]
			out = append(out, n)
			if len(n) > 7 && n[0] >= 'A' && n[0] <= 'Z' && n[1] >= 'A' && n[1] <= 'Z' && mostlyDigits(n[2:]) {
				if _, ok := warden.CountryCode(n[:2]); ok {
					out = append(out, n[2:])
				}
			}
			if mostlyDigits(n) && strings.ContainsAny(n, "OIL") {
				out = append(out, strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(n))
			}
		}
		for _, w := range strings.Fields(seg) {
			if strings.IndexFunc(w, unicode.IsDigit) < 0 {
				flush()
				continue
			}
			run = append(run, w)
		}
		flush()
	}
	return out
}

// mostlyDigits reports whether more than half of n's bytes are digits.
func mostlyDigits(n string) bool {
	d := 0
	for i := 0; i < len(n); i++ {
		if n[i] >= '0' && n[i] <= '9' {
			d++
		}
	}
	return 2*d > len(n)
}
