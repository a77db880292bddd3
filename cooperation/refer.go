package cooperation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"warden"
	"warden/designation"
)

// ReferInput is a referral for sanctions: the ground, why, and the
// program and legal basis of the designation proposals it opens.
type ReferInput struct {
	Ground     warden.ReferralGround `json:"ground"`
	Reason     string                `json:"reason"`
	Program    string                `json:"program,omitempty"` // default: the first of designation.DefaultPrograms
	LegalBasis warden.LegalBasis     `json:"legal_basis"`
}

var stepRefer = step{warden.ActRequestsRefer, requester, "refers its requests", nil}

// Refer refers an outgoing request for sanctions (sanctions officers):
// on the ground that it is overdue (open or lapsed, more than the
// threshold's days past its answer deadline) or that an answer was rated
// below the threshold. It opens a designation proposal for each party
// the request concerns, with the request, its thread and its timeline
// attached to each as JSON evidence, then stores the referral with their
// ids and a request.referred event. Without a designation service it
// stores the referral alone.
//
// EFORBIDDEN for an incoming request (home is not its requesting side,
// which refers); EINVALID naming ground when the ground does not hold or
// the request was referred on it already (once per ground),
// parties when the request names none, reason or
// legal_basis.order/criterion when missing; nothing is stored then. An
// error from the designation service after the first proposal was opened
// leaves the proposals opened so far (proposals a second officer
// rejects) and no referral.
func (s *Service) Refer(ctx context.Context, id int64, in ReferInput) (warden.Referral, error) {
	p, r, now, err := s.begin(ctx, id, stepRefer)
	if err != nil {
		return warden.Referral{}, err
	}
	if err := s.ground(ctx, &r, in.Ground, now); err != nil {
		return warden.Referral{}, err
	}
	fs, err := s.DB.RequestReferrals(ctx, id)
	if err != nil {
		return warden.Referral{}, err
	}
	for _, f := range fs {
		if f.Ground == in.Ground {
			return warden.Referral{}, warden.Errorf(warden.EINVALID, "ground: request %d was referred as %s already (referral %d); its proposals are open", id, in.Ground, f.ID)
		}
	}
	if len(r.Parties) == 0 {
		return warden.Referral{}, warden.Errorf(warden.EINVALID, "parties: request %d names no party to propose for designation", id)
	}
	if err := required(warden.TextNote, "reason", in.Reason, maxText); err != nil {
		return warden.Referral{}, err
	}
	if in.Program == "" {
		in.Program = designation.DefaultPrograms[0]
	}
	if err := warden.CheckText(warden.TextID, "program", in.Program, 100); err != nil {
		return warden.Referral{}, err
	}
	if err := required(warden.TextNote, "legal_basis.order", in.LegalBasis.Order, 2000); err != nil {
		return warden.Referral{}, err
	}
	if err := required(warden.TextNote, "legal_basis.criterion", in.LegalBasis.Criterion, 2000); err != nil {
		return warden.Referral{}, err
	}
	f := warden.Referral{Request: id, Ground: in.Ground, Reason: in.Reason, Designations: []int64{}, By: p.Name, At: now}
	if s.Designations != nil {
		evidence, err := s.evidence(ctx, r)
		if err != nil {
			return warden.Referral{}, err
		}
		reasons := fmt.Sprintf("%s\n\nReferred for sanctions from request %s (%s, ground: %s).", in.Reason, r.Reference, object(id), in.Ground)
		for _, pt := range r.Parties {
			d, err := s.Designations.Create(ctx, designation.Input{Party: entity(pt), Source: pt.EntityID, Program: in.Program, LegalBasis: in.LegalBasis,
				Reasons: reasons, Links: []string{object(id)}}, true)
			if err != nil {
				return warden.Referral{}, fmt.Errorf("refer request %d: propose %s: %w", id, pt.Name, err)
			}
			for _, e := range evidence {
				if _, err := s.Designations.AddEvidence(ctx, d.ID, e.name, e.data); err != nil {
					return warden.Referral{}, fmt.Errorf("refer request %d: evidence %s: %w", id, e.name, err)
				}
			}
			f.Designations = append(f.Designations, d.ID)
		}
	}
	ev := audit(ctx, "request.refer", &r, in.Reason, map[string]any{"ground": in.Ground, "designations": f.Designations, "program": in.Program})
	if err := s.DB.AddReferral(ctx, &f, r.Status, ev, event(warden.EventRequestReferred, &r, now, "", nil)); err != nil {
		return warden.Referral{}, err
	}
	return f, nil
}

// ground checks that g holds for r at now; EINVALID naming ground if not.
func (s *Service) ground(ctx context.Context, r *warden.Request, g warden.ReferralGround, now time.Time) error {
	t, err := s.thresholds(ctx)
	if err != nil {
		return err
	}
	switch g {
	case warden.ReferralOverdue:
		if !awaiting(r) && r.Status != warden.RequestLapsed || r.AnswerDue == nil {
			return warden.Errorf(warden.EINVALID, "ground: request %d is %s; only a request awaiting its answer or lapsed can be referred as overdue", r.ID, r.Status)
		}
		if limit := r.AnswerDue.AddDate(0, 0, t.OverdueDays); !now.After(limit) {
			return warden.Errorf(warden.EINVALID, "ground: request %d is not overdue by more than %d days (its answer was due %s)", r.ID, t.OverdueDays, r.AnswerDue.Format(time.RFC3339))
		}
	case warden.ReferralQuality:
		vs, err := s.DB.RequestReviews(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Rubric.Mean() < t.MinQuality {
				return nil
			}
		}
		return warden.Errorf(warden.EINVALID, "ground: no answer of request %d is rated below %g", r.ID, t.MinQuality)
	default:
		return warden.Errorf(warden.EINVALID, "ground %q must be overdue or low_quality", g)
	}
	return nil
}

// file is one evidence file a referral attaches.
type file struct {
	name string
	data []byte
}

// evidence is what a referral attaches to each proposal: the request,
// its thread and its timeline, as JSON.
func (s *Service) evidence(ctx context.Context, r warden.Request) ([]file, error) {
	ms, err := s.DB.RequestMessages(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	tl, err := s.DB.RequestEvents(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var out []file
	for _, f := range []struct {
		name string
		v    any
	}{{"request.json", r}, {"thread.json", ms}, {"timeline.json", tl}} {
		b, err := json.MarshalIndent(f.v, "", "  ")
		if err != nil {
			return nil, err
		}
		out = append(out, file{f.name, b})
	}
	return out, nil
}

// entity is the party a designation proposal names for request party pt:
// its name, schema, country, birth date and wallets (whose currency is
// read from the address where its shape tells it; others go to the
// remarks).
func entity(pt warden.RequestParty) warden.Entity {
	e := warden.Entity{Schema: pt.Schema, Names: []warden.Name{{Full: pt.Name, Kind: warden.NamePrimary}}, Remarks: pt.Notes}
	if pt.Country != "" {
		e.Countries = []string{pt.Country}
	}
	if pt.BirthDate != "" && pt.Schema == warden.SchemaPerson {
		e.BirthDates = []warden.DateRange{{From: pt.BirthDate}}
	}
	var unknown []string
	for _, w := range pt.Wallets {
		if c := currency(w); c != "" {
			e.Identifiers = append(e.Identifiers, warden.Identifier{Type: warden.IDCrypto, Value: w, Currency: c})
		} else {
			unknown = append(unknown, w)
		}
	}
	if len(unknown) > 0 {
		e.Remarks = strings.TrimSpace(e.Remarks + "\nWallets named in the request: " + strings.Join(unknown, ", "))
	}
	return e
}

// currency is the ticker of a wallet address whose shape tells it: 0x
// addresses are Ethereum's, bc1 and base58 1/3 addresses Bitcoin's, ltc1
// Litecoin's; "" for others.
func currency(w string) string {
	l := strings.ToLower(w)
	switch {
	case strings.HasPrefix(l, "0x"):
		return "ETH"
	case strings.HasPrefix(l, "bc1"), len(w) >= 26 && len(w) <= 35 && (w[0] == '1' || w[0] == '3'):
		return "XBT"
	case strings.HasPrefix(l, "ltc1"):
		return "LTC"
	}
	return ""
}

// Referrals returns request id's referrals, oldest first. Counterparts
// do not see them: a referral is the authority's own business.
func (s *Service) Referrals(ctx context.Context, id int64) ([]warden.Referral, error) {
	p, _, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	if p.Role == warden.RoleCounterpart {
		return []warden.Referral{}, nil
	}
	return s.DB.RequestReferrals(ctx, id)
}
