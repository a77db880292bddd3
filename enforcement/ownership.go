package enforcement

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"warden"
)

// The 50% rule: a company owned 50% or more, in aggregate, directly or
// indirectly, by blocked parties is blocked too. Ownership comes from the
// stakes people record (POST /v1/ownership) and from the lists' owned_by
// links that state a percentage (OpenSanctions' Ownership); a stake's owner
// is a listed party or another company, whose own blocking counts in full.
// A person's record of a stake overrides the list's for the same pair.
//
// Shares are warden.Percent, hundredths of a percent, and are added as
// integers: 0.8% + 32.3% + 16.9% is exactly 50% and blocks. A company
// blocked by the rule counts with its whole share in the companies it owns
// (as a listed party does), so a chain needs no product of shares.

// companyKey normalises a company name for the register: lower case,
// letters and digits only, single spaces.
func companyKey(name string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		default:
			space = true
		}
	}
	return b.String()
}

// ownership is the register as a graph, rebuilt when it may have changed.
type ownership struct {
	mu      sync.Mutex
	built   time.Time
	owners  map[string][]warden.Stake // owned key -> stakes in it
	display map[string]string         // owned key -> name as recorded
	// The lists' stakes, and the index versions they were read from.
	listVersions string
	listStakes   []warden.Stake
}

// listStakes reads the stakes the lists state, again only when the index
// has changed.
func (s *Service) listStakes() []warden.Stake {
	o := &s.own
	if s.Screening == nil {
		return nil
	}
	key := fmt.Sprint(s.Screening.Versions())
	if key == o.listVersions {
		return o.listStakes
	}
	var out []warden.Stake
	versions := s.Screening.Each(func(e *warden.Entity) {
		for _, l := range e.Links {
			pct := warden.PercentOf(l.Percent)
			if l.Type != "owned_by" || l.SourceID == "" || pct == 0 {
				continue
			}
			if k := companyKey(e.Caption()); k != "" {
				out = append(out, warden.Stake{Owner: "entity:" + e.List + ":" + l.SourceID, Owned: k, OwnedName: e.Caption(), Percent: min(pct, warden.Whole), RecordedBy: "list " + e.List})
			}
		}
	})
	o.listVersions, o.listStakes = fmt.Sprint(versions), out
	return out
}

// ownershipTTL bounds how stale another node's view of the register is.
const ownershipTTL = 2 * time.Second

func (s *Service) graph(ctx context.Context) (map[string][]warden.Stake, map[string]string, error) {
	o := &s.own
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.owners != nil && time.Since(o.built) < ownershipTTL {
		return o.owners, o.display, nil
	}
	stakes, err := s.DB.Stakes(ctx)
	if err != nil {
		return nil, nil, err
	}
	o.owners, o.display, o.built = map[string][]warden.Stake{}, map[string]string{}, time.Now()
	recorded := map[[2]string]bool{}
	for _, st := range stakes {
		o.owners[st.Owned] = append(o.owners[st.Owned], st)
		o.display[st.Owned] = st.OwnedName
		recorded[[2]string{st.Owner, st.Owned}] = true
	}
	for _, st := range s.listStakes() {
		if !recorded[[2]string{st.Owner, st.Owned}] {
			o.owners[st.Owned] = append(o.owners[st.Owned], st)
			if o.display[st.Owned] == "" {
				o.display[st.Owned] = st.OwnedName
			}
		}
	}
	return o.owners, o.display, nil
}

// ownedBlocked is why a company is blocked by ownership: the listed party
// at the root of the largest blocked chain and a sentence explaining it;
// "" if it is not.
func (s *Service) ownedBlocked(ctx context.Context, pol *Policy, name string) (entity *warden.Entity, prog, why string, err error) {
	owners, display, err := s.graph(ctx)
	if err != nil || len(owners) == 0 {
		return nil, "", "", err
	}
	key := companyKey(name)
	if _, ok := owners[key]; !ok {
		return nil, "", "", nil
	}
	memo := map[string]*verdict{}
	v, err := s.verdict(ctx, pol, key, owners, display, memo, map[string]bool{})
	if err != nil || v == nil || v.percent < half {
		return nil, "", "", err
	}
	return v.root, v.prog, v.why, nil
}

// half is the share of blocked owners that blocks a company.
const half = warden.Whole / 2

type verdict struct {
	percent warden.Percent // aggregate held by blocked owners
	root    *warden.Entity // the listed party behind the largest blocked stake
	prog    string         // the program under which root blocks
	why     string
}

func (s *Service) verdict(ctx context.Context, pol *Policy, key string, owners map[string][]warden.Stake, display map[string]string, memo map[string]*verdict, path map[string]bool) (*verdict, error) {
	if v, ok := memo[key]; ok {
		return v, nil
	}
	if path[key] {
		return nil, nil // a cycle: counts nothing
	}
	path[key] = true
	defer delete(path, key)
	v := &verdict{}
	type part struct {
		pct  warden.Percent
		text string
		root *warden.Entity
		prog string
	}
	var parts []part
	for _, st := range owners[key] {
		switch {
		case strings.HasPrefix(st.Owner, "entity:"):
			e, err := s.DB.Entity(ctx, strings.TrimPrefix(st.Owner, "entity:"), 0)
			if warden.ErrorCode(err) == warden.ENOTFOUND {
				continue // delisted: blocks nothing
			}
			if err != nil {
				return nil, err
			}
			source := ""
			if strings.HasPrefix(st.RecordedBy, "list ") {
				source = " (per " + st.RecordedBy + ")"
			}
			if !sanctioned(e) {
				// On a list but not sanctioned (a related company): its own
				// owners decide.
				sub := companyKey(e.Caption())
				w, err := s.verdict(ctx, pol, sub, owners, display, memo, path)
				if err != nil {
					return nil, err
				}
				if w != nil && w.percent >= half {
					parts = append(parts, part{st.Percent, fmt.Sprintf("%s%% by %s%s, itself owned %s", st.Percent, e.Caption(), source, w.why), w.root, w.prog})
				}
				continue
			}
			if a, prog := pol.Action(e); a == warden.HitBlock {
				parts = append(parts, part{st.Percent, fmt.Sprintf("%s%% by %s (%s), listed under %s%s", st.Percent, e.Caption(), e.ID, prog, source), e, prog})
			}
		case strings.HasPrefix(st.Owner, "company:"):
			sub := strings.TrimPrefix(st.Owner, "company:")
			w, err := s.verdict(ctx, pol, sub, owners, display, memo, path)
			if err != nil {
				return nil, err
			}
			if w != nil && w.percent >= half {
				name := display[sub]
				if name == "" {
					name = sub
				}
				parts = append(parts, part{st.Percent, fmt.Sprintf("%s%% by %s, itself owned %s", st.Percent, name, w.why), w.root, w.prog})
			}
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].pct > parts[j].pct })
	var texts []string
	for _, p := range parts {
		v.percent += p.pct
		texts = append(texts, p.text)
		if v.root == nil {
			v.root, v.prog = p.root, p.prog
		}
	}
	v.why = strings.Join(texts, " and ")
	memo[key] = v
	return v, nil
}

// RecordStake records that owner — a listed party ("ofac:123") or a company
// name — holds percent (0 to 100%; 0 removes the stake) of company owned.
// Owner and owned are checked as names (warden.CheckText); a malformed one
// is EINVALID naming it.
func (s *Service) RecordStake(ctx context.Context, owner, owned string, percent warden.Percent) (warden.Stake, error) {
	p, err := warden.Authorize(ctx, warden.ActOwnershipManage)
	if err != nil {
		return warden.Stake{}, err
	}
	if percent < 0 || percent > warden.Whole {
		return warden.Stake{}, warden.Errorf(warden.EINVALID, "percent must be a number between 0 and 100")
	}
	owned, owner = strings.TrimSpace(owned), strings.TrimSpace(owner)
	if err := warden.CheckText(warden.TextName, "owned", owned, 500); err != nil {
		return warden.Stake{}, err
	}
	if err := warden.CheckText(warden.TextName, "owner", owner, 500); err != nil {
		return warden.Stake{}, err
	}
	if companyKey(owned) == "" {
		return warden.Stake{}, warden.Errorf(warden.EINVALID, "owned must name a company")
	}
	ownerKey := ""
	if _, err := s.DB.Entity(ctx, owner, 0); err == nil {
		ownerKey = "entity:" + owner
	} else if k := companyKey(owner); k != "" && !strings.Contains(owner, ":") {
		ownerKey = "company:" + k
	} else {
		return warden.Stake{}, warden.Errorf(warden.EINVALID, "owner must be a listed party id (list:source_id) or a company name")
	}
	if ownerKey == "company:"+companyKey(owned) {
		return warden.Stake{}, warden.Errorf(warden.EINVALID, "a company cannot own itself")
	}
	st := warden.Stake{Owner: ownerKey, Owned: companyKey(owned), OwnedName: owned, Percent: percent, RecordedBy: p.Name, RecordedAt: s.now().UTC()}
	ev := warden.NewAuditEvent(ctx, "ownership.record", "company:"+st.Owned, "", map[string]any{"owner": ownerKey, "percent": percent})
	if err := s.DB.SetStake(ctx, st, ev); err != nil {
		return st, err
	}
	s.own.mu.Lock()
	s.own.owners = nil // rebuild on next use
	s.own.mu.Unlock()
	return st, nil
}

// Stakes lists the recorded ownership.
func (s *Service) Stakes(ctx context.Context) ([]warden.Stake, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return nil, err
	}
	return s.DB.Stakes(ctx)
}

// OwnedBlocked says whether the company named is blocked under the 50%
// rule, and why: the listed party behind the largest blocked chain and the
// chain in words.
func (s *Service) OwnedBlocked(ctx context.Context, company string) (*warden.Entity, string, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return nil, "", err
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return nil, "", err
	}
	e, _, why, err := s.ownedBlocked(ctx, pol, company)
	return e, why, err
}
