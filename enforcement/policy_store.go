package enforcement

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"warden/match"

	"warden"
)

// ActionPolicy is the four-eyes action of changing the policy in force.
const ActionPolicy = "policy.change"

// storedPolicy keeps the policy in force in step with the store once
// UseStoredPolicy or FollowStoredPolicy has been called, or a change
// approved: it is read again when its version moved, checked at most once
// a second, so a change approved on one node is in force on all within a
// second. While the store holds no policy, Service.Policy is in force.
type storedPolicy struct {
	mu      sync.Mutex
	on      bool
	version int
	checked time.Time
	p       *Policy
}

// policyCheck is how often the stored policy's version is checked.
const policyCheck = time.Second

// policy returns the policy in force.
func (s *Service) policy(ctx context.Context) (*Policy, error) {
	st := &s.stored
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.on {
		return &s.Policy, nil
	}
	now := time.Now() // the wall clock: s.Now may stand still in tests
	if st.p != nil && now.Sub(st.checked) < policyCheck {
		return st.p, nil
	}
	v, err := s.DB.PolicyVersionInForce(ctx)
	if err != nil {
		return nil, err
	}
	if v == 0 {
		return &s.Policy, nil
	}
	if v != st.version || st.p == nil {
		pv, err := s.DB.CurrentPolicy(ctx)
		if err != nil {
			return nil, err
		}
		p, err := ParsePolicy(pv.Policy, fmt.Sprintf("stored policy version %d", pv.Version))
		if err != nil {
			return nil, err
		}
		st.p, st.version = &p, pv.Version
	}
	st.checked = now
	return st.p, nil
}

// UseStoredPolicy makes the store's policy the one in force: if none is
// stored yet, initial is installed as version 1 (source says where it came
// from: "default" or "file NAME"; audited as policy.install). It returns
// the version in force and whether it differs from initial — a file given
// to a server whose policy was since changed by approval does not
// replace it: a change is a four-eyes proposal.
func (s *Service) UseStoredPolicy(ctx context.Context, initial Policy, source string) (warden.PolicyVersion, bool, error) {
	if err := initial.Check(); err != nil {
		return warden.PolicyVersion{}, false, err
	}
	body, err := json.Marshal(initial)
	if err != nil {
		return warden.PolicyVersion{}, false, err
	}
	p, _ := warden.PrincipalFrom(ctx)
	pv := warden.PolicyVersion{Version: 1, Policy: body, Source: source, ProposedBy: p.Name, At: s.now().UTC()}
	ev := warden.NewAuditEvent(ctx, "policy.install", "policy:1", "", map[string]any{"source": source})
	if _, err := s.DB.InstallPolicy(ctx, pv, ev); err != nil {
		return warden.PolicyVersion{}, false, err
	}
	s.FollowStoredPolicy()
	cur, err := s.DB.CurrentPolicy(ctx)
	if err != nil {
		return cur, false, err
	}
	in, err := ParsePolicy(cur.Policy, "stored policy")
	if err != nil {
		return cur, false, err
	}
	now, _ := json.Marshal(in)
	return cur, !bytes.Equal(now, body), nil
}

// FollowStoredPolicy makes the policy stored, when there is one, the
// policy in force, without installing one: the command line, which does
// not own the installation's policy, follows it.
func (s *Service) FollowStoredPolicy() {
	s.stored.mu.Lock()
	s.stored.on, s.stored.p = true, nil
	s.stored.mu.Unlock()
}

// CurrentPolicy returns the policy in force with its version, source and
// who proposed and approved it. When it is not a stored one (the command
// line given --policy, or nothing stored yet), it is version 0, source
// "configuration".
func (s *Service) CurrentPolicy(ctx context.Context) (warden.PolicyVersion, error) {
	if _, err := warden.Authorize(ctx, warden.ActPolicyRead); err != nil {
		return warden.PolicyVersion{}, err
	}
	p, err := s.policy(ctx)
	if err != nil {
		return warden.PolicyVersion{}, err
	}
	if p == &s.Policy {
		body, err := json.Marshal(s.Policy)
		return warden.PolicyVersion{Policy: body, Source: "configuration", At: s.now().UTC()}, err
	}
	return s.DB.CurrentPolicy(ctx)
}

// PolicyHistory returns every version of the policy, newest first.
func (s *Service) PolicyHistory(ctx context.Context) ([]warden.PolicyVersion, error) {
	if _, err := warden.Authorize(ctx, warden.ActPolicyRead); err != nil {
		return nil, err
	}
	return s.DB.Policies(ctx)
}

// CheckPolicy reads a policy as a proposal of it would be read, and
// returns it with every default filled in: EINVALID naming what is wrong.
func CheckPolicy(body []byte) (Policy, error) {
	if len(body) > MaxPolicy {
		return Policy{}, warden.Errorf(warden.ETOOLARGE, "a policy is at most %d bytes", MaxPolicy)
	}
	return ParsePolicy(body, "policy")
}

// ProposePolicy proposes body (a policy, JSON) to replace the policy in
// force, with a reason; a sanctions officer other than the proposer
// approves it (POST /v1/approvals/{id}/approve), and it is in force from
// then. A policy that fails CheckPolicy, or changes nothing, is EINVALID.
func (s *Service) ProposePolicy(ctx context.Context, body []byte, reason string) (warden.Approval, error) {
	if _, err := warden.Authorize(ctx, warden.ActPolicyPropose); err != nil {
		return warden.Approval{}, err
	}
	p, err := CheckPolicy(body)
	if err != nil {
		return warden.Approval{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return warden.Approval{}, warden.Errorf(warden.EINVALID, "a policy change needs a reason")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, MaxReason); err != nil {
		return warden.Approval{}, err
	}
	cur, err := s.policy(ctx)
	if err != nil {
		return warden.Approval{}, err
	}
	a, _ := json.Marshal(p)
	b, _ := json.Marshal(cur)
	if bytes.Equal(a, b) {
		return warden.Approval{}, warden.Errorf(warden.EINVALID, "the proposed policy is the policy in force")
	}
	return s.Approvals.Propose(ctx, ActionPolicy, "policy", p, reason)
}

// applyPolicy puts an approved policy in force, in the approval's
// transaction (which ctx carries), checked again.
func (s *Service) applyPolicy(ctx context.Context, a warden.Approval) error {
	p, err := ParsePolicy(a.Payload, fmt.Sprintf("approval %d", a.ID))
	if err != nil {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	by, _ := warden.PrincipalFrom(ctx)
	pv := warden.PolicyVersion{Policy: body, Source: fmt.Sprintf("approval:%d", a.ID), Reason: a.Reason, ProposedBy: a.ProposedBy, ApprovedBy: by.Name, At: s.now().UTC()}
	if err := s.DB.AddPolicy(ctx, &pv); err != nil {
		return err
	}
	s.stored.mu.Lock()
	s.stored.on, s.stored.checked = true, time.Time{} // in force from the next decision
	s.stored.mu.Unlock()
	return nil
}

// listing is the listed party a case was opened on, as it stands now, for
// the policy to decide what confirming it does; a party since delisted
// is judged by the programs the case recorded.
func (s *Service) listing(ctx context.Context, id string, programs []string) (*warden.Entity, error) {
	if !strings.HasPrefix(id, IndicatorPrefix) {
		e, err := s.DB.Entity(ctx, id, 0)
		if err == nil {
			return e, nil
		}
		if warden.ErrorCode(err) != warden.ENOTFOUND && warden.ErrorCode(err) != warden.EINVALID {
			return nil, err
		}
	}
	return &warden.Entity{ID: id, Programs: programs}, nil
}

// linked returns the other listings of a hit's party as stored, when they
// may corroborate a name match (see Policy.judge): only for a name hit at
// least pol.Match, since nothing else asks.
func (s *Service) linked(ctx context.Context, pol *Policy, h match.Hit) ([]*warden.Entity, error) {
	if len(h.Listings) == 0 || h.Explanation.Identifier != "" || h.Score < pol.Match {
		return nil, nil
	}
	var out []*warden.Entity
	for _, l := range h.Listings {
		e, err := s.DB.Entity(ctx, l.EntityID, 0)
		if warden.ErrorCode(err) == warden.ENOTFOUND {
			continue // delisted since the index was built
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
