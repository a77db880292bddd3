package stix

import (
	"net/netip"
	"net/url"
	"strings"

	"warden"
	"warden/match"
)

// maxValue bounds an observed value (the longest URLs feeds carry fit).
const maxValue = 2048

// Normalise reads a value a person, a feed or a payment gives for kind, in
// the one form in which two writings of it are equal: IP addresses
// canonical (an IPv4-mapped IPv6 address as IPv4), CIDR ranges masked (a
// /32 or /128 as the address), domains lower case without a trailing dot,
// URLs with scheme and host lower case, e-mail addresses lower case,
// hashes as lower-case hex of their length, wallets as match reads them
// (case kept where the encoding is case-sensitive) with the chain their
// format tells. A value that is not of its kind is EINVALID naming the
// kind.
func Normalise(kind warden.IndicatorKind, v string) (warden.Observable, error) {
	v = strings.TrimSpace(v)
	o := warden.Observable{Kind: kind}
	if v == "" {
		return o, warden.Errorf(warden.EINVALID, "%s: empty", kind)
	}
	if len(v) > maxValue {
		return o, warden.Errorf(warden.EINVALID, "%s: longer than %d bytes", kind, maxValue)
	}
	var ok bool
	switch kind {
	case warden.KindIPv4, warden.KindIPv6:
		o.Value, ok = normIP(v, kind == warden.KindIPv6)
	case warden.KindDomain:
		o.Value, ok = normDomain(v)
	case warden.KindURL:
		o.Value, ok = normURL(v)
	case warden.KindEmail:
		o.Value, ok = normEmail(v)
	case warden.KindMD5, warden.KindSHA1, warden.KindSHA256, warden.KindSHA512:
		o.Value, ok = normHash(v, hashLen[kind])
	case warden.KindWallet:
		o.Value, o.Chain, ok = normWallet(v)
	default:
		return o, warden.Errorf(warden.EINVALID, "kind: %q is not one of ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, wallet", kind)
	}
	if !ok {
		return warden.Observable{Kind: kind}, warden.Errorf(warden.EINVALID, "%s: %q is not %s", kind, v, kindText[kind])
	}
	return o, nil
}

var hashLen = map[warden.IndicatorKind]int{warden.KindMD5: 32, warden.KindSHA1: 40, warden.KindSHA256: 64, warden.KindSHA512: 128}

var kindText = map[warden.IndicatorKind]string{
	warden.KindIPv4:   "an IPv4 address or CIDR range",
	warden.KindIPv6:   "an IPv6 address or CIDR range",
	warden.KindDomain: "a domain name",
	warden.KindURL:    "a URL with a scheme and a host",
	warden.KindEmail:  "an e-mail address",
	warden.KindMD5:    "an MD5 hash (32 hexadecimal digits)",
	warden.KindSHA1:   "a SHA-1 hash (40 hexadecimal digits)",
	warden.KindSHA256: "a SHA-256 hash (64 hexadecimal digits)",
	warden.KindSHA512: "a SHA-512 hash (128 hexadecimal digits)",
	warden.KindWallet: "a digital currency address",
}

// Guess picks the kind of a bare value: an IP address or range, an e-mail
// address, a URL, a hash by its length, a wallet whose format tells its
// chain, a domain; false when it is none of them.
func Guess(v string) (warden.IndicatorKind, bool) {
	v = strings.TrimSpace(v)
	for _, k := range []warden.IndicatorKind{warden.KindIPv4, warden.KindIPv6} {
		if _, ok := normIP(v, k == warden.KindIPv6); ok {
			return k, true
		}
	}
	if strings.Contains(v, "://") {
		_, ok := normURL(v)
		return warden.KindURL, ok
	}
	if strings.Contains(v, "@") {
		_, ok := normEmail(v)
		return warden.KindEmail, ok
	}
	for k, n := range hashLen {
		if _, ok := normHash(v, n); ok {
			return k, true
		}
	}
	if _, chain, ok := normWallet(v); ok && chain != "" {
		return warden.KindWallet, true
	}
	if _, ok := normDomain(v); ok {
		return warden.KindDomain, true
	}
	return "", false
}

func normIP(v string, six bool) (string, bool) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", false
		}
		a := p.Addr()
		if a.Is4In6() && !six {
			if p.Bits() < 96 {
				return "", false
			}
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			a = p.Addr()
		}
		if a.Is4() == six {
			return "", false
		}
		p = p.Masked()
		if p.IsSingleIP() {
			return p.Addr().String(), true
		}
		return p.String(), true
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return "", false
	}
	if !six {
		a = a.Unmap()
	}
	if a.Is4() == six {
		return "", false
	}
	return a.String(), true
}

// normDomain lower-cases a host name and drops a trailing dot: at least
// two labels of letters, digits, hyphens and underscores (which DNS
// carries in service names), none starting or ending with a hyphen, of 63
// characters at most, 253 in all, the last not all digits.
func normDomain(v string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(v), ".")
	if len(d) > 253 || !strings.Contains(d, ".") {
		return "", false
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", false
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", false
	}
	return d, true
}

// normURL lower-cases a URL's scheme and host, the parts that are not
// case-sensitive, and keeps the rest as written: the path and query are
// what a feed matched.
func normURL(v string) (string, bool) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" || strings.ContainsAny(v, " \t\r\n") {
		return "", false
	}
	i := strings.Index(v, "://")
	if i < 0 {
		return "", false
	}
	rest := v[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[:at+1] + asciiLower(auth[at+1:])
	} else {
		auth = asciiLower(auth)
	}
	return asciiLower(v[:i]) + "://" + auth + rest[end:], true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// normEmail lower-cases an address of a local part and a domain.
func normEmail(v string) (string, bool) {
	at := strings.LastIndexByte(v, '@')
	if at < 1 {
		return "", false
	}
	local := strings.ToLower(v[:at])
	if len(local) > 64 || strings.ContainsAny(local, " \t\r\n<>()[],;:\"@") {
		return "", false
	}
	d, ok := normDomain(v[at+1:])
	if !ok {
		return "", false
	}
	return local + "@" + d, true
}

func normHash(v string, n int) (string, bool) {
	if len(v) != n {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if !isHex(v[i]) {
			return "", false
		}
	}
	return strings.ToLower(v), true
}

// normWallet reads an address as match does (a payment URI's scheme or a
// ticker before it dropped, EVM and bech32 addresses in lower case) and
// tells its chain by its format: 0x and 40 hex digits (ETH: any EVM chain
// writes them so), bech32 bc1/tb1 or base58 1/3 (BTC), ltc1 or base58 L/M
// (LTC), base58 T of 34 (TRX), base58 4/8 of 95 or 106 (XMR), CashAddr
// (BCH); "" for other formats. An address of a bech32 prefix must carry a
// valid checksum; any address is 20 to 128 letters and digits.
func normWallet(v string) (string, string, bool) {
	w := match.NormalizeWallet(v)
	if len(w) < 20 || len(w) > 128 {
		return "", "", false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return "", "", false
		}
	}
	switch {
	case strings.HasPrefix(w, "0x"):
		if len(w) != 42 {
			return "", "", false
		}
		return w, "ETH", true
	case strings.HasPrefix(w, "bc1"), strings.HasPrefix(w, "tb1"):
		return w, "BTC", warden.IsBech32(w)
	case strings.HasPrefix(w, "ltc1"):
		return w, "LTC", warden.IsBech32(w)
	case len(w) == 42 && (w[0] == 'q' || w[0] == 'p') && w == strings.ToLower(w):
		return w, "BCH", true
	case !base58(w):
		return w, "", true
	case (w[0] == '1' || w[0] == '3') && len(w) >= 26 && len(w) <= 35:
		return w, "BTC", true
	case (w[0] == 'L' || w[0] == 'M') && len(w) >= 26 && len(w) <= 34:
		return w, "LTC", true
	case w[0] == 'T' && len(w) == 34:
		return w, "TRX", true
	case (w[0] == '4' || w[0] == '8') && (len(w) == 95 || len(w) == 106):
		return w, "XMR", true
	}
	return w, "", true
}

// base58 reports whether s holds only base58's characters (no 0, O, I, l).
func base58(s string) bool {
	return !strings.ContainsAny(s, "0OIl")
}
