package intel

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"warden"
)

// Match returns the active indicators (current, not revoked, valid now)
// that a payment's or a customer's party carries a value of: its IP
// address (in an address or a range), its domain (or a parent domain),
// its e-mail address (or its domain, as a domain), its wallet. Screening
// calls it for every party, so it costs no query and, when nothing
// matches, no allocation. A RED indicator's hit says only its id and
// TLP:RED, and no RED incident or actor is named: the people who read
// cases may not be cleared for it. nil Index: no indicator screening.
func (s *Service) Match(ctx context.Context, p warden.TxParty) ([]warden.IndicatorHit, error) {
	if s.Index == nil {
		return nil, nil
	}
	return s.Index.Match(ctx, p, s.now())
}

// maxValue is the longest value looked up: a domain name is at most 253
// characters, an e-mail address 254, a wallet far less.
const maxValue = 256

// Match is Service.Match at time now.
func (x *Index) Match(ctx context.Context, p warden.TxParty, now time.Time) ([]warden.IndicatorHit, error) {
	if p.IP == "" && p.Domain == "" && p.Email == "" && p.Wallet == "" {
		return nil, nil
	}
	snap, err := x.current(ctx, now)
	if err != nil {
		return nil, err
	}
	m := matcher{now: now.UnixNano()}
	if v := strings.TrimSpace(p.IP); v != "" {
		if a, err := netip.ParseAddr(v); err == nil {
			a = a.Unmap()
			r := &snap.v6
			if a.Is4() {
				r = &snap.v4
			}
			r.lookup(addrNum(a), func(e *entry) { m.hit(e, p.IP, "ip") })
		}
	}
	var buf [maxValue]byte
	if b, ok := lower(&buf, strings.TrimSuffix(strings.TrimSpace(p.Domain), ".")); ok && len(b) > 0 {
		m.domain(snap, b, p.Domain, "domain")
	}
	if b, ok := lower(&buf, strings.TrimSpace(p.Email)); ok && len(b) > 0 {
		for i := range snap.emails[string(b)] {
			m.hit(&snap.emails[string(b)][i], p.Email, "email")
		}
		if at := bytes.LastIndexByte(b, '@'); at >= 0 && at+1 < len(b) {
			m.domain(snap, b[at+1:], p.Email, "email")
		}
	}
	if w := strings.TrimSpace(p.Wallet); w != "" {
		if b, ok := lower(&buf, w); ok {
			es := snap.wallets[string(b)]
			for i := range es {
				if es[i].obs.Value == w || es[i].fold {
					m.hit(&es[i], p.Wallet, "wallet")
				}
			}
		}
	}
	return m.hits, nil
}

// lower copies s into buf in ASCII lower case; false if it does not fit.
func lower(buf *[maxValue]byte, s string) ([]byte, bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	b := buf[:len(s)]
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b, true
}

// matcher collects the hits of one party.
type matcher struct {
	now  int64
	hits []warden.IndicatorHit
}

// domain looks up the domain name b (lower case) and each of its parents.
func (m *matcher) domain(snap *snapshot, b []byte, value, field string) {
	for {
		es := snap.domains[string(b)]
		for i := range es {
			m.hit(&es[i], value, field)
		}
		dot := bytes.IndexByte(b, '.')
		if dot < 0 {
			return
		}
		b = b[dot+1:]
	}
}

// hit adds e's indicator, if active now and not already hit on field.
func (m *matcher) hit(e *entry, value, field string) {
	if !e.active(m.now) {
		return
	}
	for i := range m.hits {
		if m.hits[i].Indicator == e.ind.id && m.hits[i].Field == field {
			return
		}
	}
	h := warden.IndicatorHit{Indicator: e.ind.id, TLP: e.ind.tlp, Value: value, Field: field}
	if e.ind.tlp.Rank() < 0 || e.ind.tlp == warden.TLPRed {
		h.TLP, h.Name, h.Observed = warden.TLPRed, warden.TLPRed.Label(), warden.Observable{Kind: e.obs.Kind}
	} else {
		h.Name, h.Observed = e.ind.name, e.obs
		h.Incidents, h.Actors, h.Parties = slices.Clone(e.ind.incidents), slices.Clone(e.ind.actors), slices.Clone(e.ind.parties)
	}
	m.hits = append(m.hits, h)
}

// Generation is the store's generation of the intelligence screening reads:
// every write of an indicator, an object it indicates or a party's link
// moves it, so that enforcement screens the customer register again after
// one (enforcement.Service.RescreenIfNew).
func (s *Service) Generation(ctx context.Context) (int64, error) {
	return s.DB.IntelGeneration(ctx)
}
