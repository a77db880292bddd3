package enforcement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"warden"
	"warden/stix"
)

// Indicators matches the values a party carries (its IP address, domain,
// e-mail address, wallet) against the active indicators of intelligence:
// *intel.Service. Screening holds a payment or a customer that carries
// one for an analyst.
type Indicators interface {
	Match(ctx context.Context, p warden.TxParty) ([]warden.IndicatorHit, error)
}

// generationer is Indicators that can say when they changed (the
// intelligence service): a number that every change to what they match
// moves, so that the register is screened again after it.
type generationer interface {
	Generation(ctx context.Context) (int64, error)
}

// IndicatorPrefix begins the entity id of a hit on an indicator
// ("indicator:" and its STIX id), in hits, cases and remembered false
// positives.
const IndicatorPrefix = "indicator:"

// checkChannel checks what a payment's channel says of a party (its IP
// address, domain and e-mail address), naming the field after prefix, and
// rewrites each as the value it plainly is, so that an indicator on it
// matches: a URL or host:port as its host, an address with a port as the
// address, an e-mail address with a display name or as a mailto: URI as
// the address, without a trailing dot, in lower case, a Unicode domain in
// its ASCII (punycode) form. A value that is no IP address, domain or
// e-mail address is EINVALID: screened as it came, it would match nothing.
func checkChannel(prefix string, p *warden.TxParty) error {
	for _, f := range []struct {
		name string
		v    *string
		norm func(string) (string, bool)
		what string
	}{
		{"ip", &p.IP, channelIP, "an IP address"},
		{"domain", &p.Domain, channelDomain, "a domain name"},
		{"email", &p.Email, channelEmail, "an e-mail address"},
	} {
		if err := warden.CheckText(warden.TextID, prefix+f.name, *f.v, MaxText); err != nil {
			return err
		}
		if *f.v = strings.TrimSpace(*f.v); *f.v == "" {
			continue
		}
		v, ok := f.norm(*f.v)
		if !ok {
			return warden.Errorf(warden.EINVALID, "%s%s: %q is not %s", prefix, f.name, *f.v, f.what)
		}
		*f.v = v
	}
	return nil
}

// channelIP reads an IP address, with a port or not (198.51.100.7:443,
// [2001:db8::1]:443); an IPv4 address mapped into IPv6 as IPv4. A range or
// an address with a zone is no party's address.
func channelIP(v string) (string, bool) {
	if host, port, err := net.SplitHostPort(v); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return "", false
		}
		v = host
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return "", false
	}
	return a.Unmap().String(), true
}

// channelDomain reads a domain name, or the host of a URL (with or
// without its scheme) or of host:port, as stix.Normalise does; a Unicode
// name in its ASCII form.
func channelDomain(v string) (string, bool) {
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return "", false
		}
		v = u.Hostname()
	} else if i := strings.IndexAny(v, "/?#"); i >= 0 {
		v = v[:i]
	}
	if host, port, err := net.SplitHostPort(v); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return "", false
		}
		v = host
	}
	return asciiDomain(v, warden.KindDomain)
}

// channelEmail reads an e-mail address, alone, with a display name
// ("Name <addr>") or as a mailto: URI.
func channelEmail(v string) (string, bool) {
	if i := strings.LastIndexByte(v, '<'); i >= 0 && strings.HasSuffix(v, ">") {
		v = v[i+1 : len(v)-1]
	}
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v, _, _ = strings.Cut(v[7:], "?")
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
	}
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return "", false
	}
	d, ok := asciiDomain(v[at+1:], warden.KindDomain)
	if !ok {
		return "", false
	}
	return asciiDomain(v[:at]+"@"+d, warden.KindEmail)
}

// asciiDomain normalises v (a domain name, or an e-mail address whose
// domain is ASCII) with stix.Normalise, a Unicode domain name first
// converted to its ASCII form as DNS looks it up.
func asciiDomain(v string, kind warden.IndicatorKind) (string, bool) {
	if kind == warden.KindDomain && !isASCII(v) {
		a, err := idna.Lookup.ToASCII(strings.TrimSuffix(v, "."))
		if err != nil {
			return "", false
		}
		v = a
	}
	o, err := stix.Normalise(kind, v)
	if err != nil {
		return "", false
	}
	return o.Value, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// indicatorHits screens party i against the active indicators: each hit
// holds the payment for review with a case, unless the analysts cleared
// it before for this counterparty and value. A listed party's wallet still
// blocks by screening; an indicator adds a hold, never a block.
func (s *Service) indicatorHits(ctx context.Context, i int, party warden.TxParty, ref string, now time.Time) ([]warden.TxHit, []warden.PendingCase, error) {
	if s.Indicators == nil {
		return nil, nil, nil
	}
	ihs, err := s.Indicators.Match(ctx, party)
	if err != nil {
		return nil, nil, fmt.Errorf("parties[%d]: indicators: %w", i, err)
	}
	var hits []warden.TxHit
	var cases []warden.PendingCase
	for _, h := range ihs {
		id := IndicatorPrefix + h.Indicator
		// The same counterparty carrying the same value is the same
		// question: a party known by an address alone is keyed by it.
		key := counterparty(party) + "|" + h.Field + "=" + h.Value
		sum := sha256.Sum256([]byte(h.Indicator + "\x00" + string(h.Observed.Kind) + "\x00" + h.Observed.Value))
		eh := hex.EncodeToString(sum[:])
		fp, err := s.DB.IsFalsePositive(ctx, key, id, eh, now)
		if err != nil {
			return nil, nil, err
		}
		if fp {
			continue
		}
		hits = append(hits, warden.TxHit{Party: i, Role: party.Role, EntityID: id, Name: h.Name, Score: 1, Action: warden.HitReview,
			Explanation: map[string]warden.IndicatorHit{"indicator": h}})
		name := partyName(party)
		if name == "" {
			name = h.Value
		}
		cases = append(cases, warden.PendingCase{Case: warden.Case{Party: i, Counterparty: key, Name: name, Holder: holder(party, ref), EntityID: id, Score: 1, CreatedAt: now},
			EntityHash: eh, Screened: party})
	}
	return hits, cases, nil
}
