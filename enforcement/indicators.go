package enforcement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"warden"
)

// Indicators matches the values a party carries (its IP address, domain,
// e-mail address, wallet) against the active indicators of intelligence:
// *intel.Service. Screening holds a payment or a customer that carries
// one for an analyst.
type Indicators interface {
	Match(ctx context.Context, p warden.TxParty) ([]warden.IndicatorHit, error)
}

// IndicatorPrefix begins the entity id of a hit on an indicator
// ("indicator:" and its STIX id), in hits, cases and remembered false
// positives.
const IndicatorPrefix = "indicator:"

// checkChannel checks what a payment's channel says of a party (its IP
// address, domain and e-mail address), as identifiers, naming the field
// after prefix.
func checkChannel(prefix string, p *warden.TxParty) error {
	for _, f := range []struct{ name, v string }{{"ip", p.IP}, {"domain", p.Domain}, {"email", p.Email}} {
		if err := warden.CheckText(warden.TextID, prefix+f.name, f.v, MaxText); err != nil {
			return err
		}
	}
	return nil
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
			EntityHash: eh})
	}
	return hits, cases, nil
}
