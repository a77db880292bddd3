// Package enforcement stops payments to listed parties: it screens every
// party of a payment, decides by policy (block, reject, hold or clear),
// keeps the append-only blocked-property ledger, runs the review queue of
// held payments, remembers cleared false positives, and releases blocked
// property only under a licence with a second person's approval.
package enforcement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/auth"
	"warden/match"
	"warden/screening"
	"warden/store"
)

// Service applies the policy. Its methods authorise the principal in their
// context and audit what they change.
type Service struct {
	DB        *store.DB
	Screening *screening.Service
	Approvals *auth.Approvals
	// Policy is the policy in force, until UseStoredPolicy hands that
	// to the store (see policy_store.go).
	Policy Policy
	Now    func() time.Time
	// Indicators, if set, holds parties that carry a value an active
	// indicator observes (see indicators.go).
	Indicators Indicators
	// Casework sets the review queue: the deadline, the second-review
	// score, attachments (cases.go).
	Casework CaseOptions
	// Rescreening splits and runs re-screenings of the customer
	// register (rescreen.go).
	Rescreening Rescreening
	own         ownership
	stored      storedPolicy
}

// ActionRelease is the four-eyes action of releasing blocked property.
const ActionRelease = "ledger.release"

// New returns a Service with the default policy, registering releases
// with approvals (a sanctions officer approves).
func New(db *store.DB, sc *screening.Service, ap *auth.Approvals) *Service {
	s := &Service{DB: db, Screening: sc, Approvals: ap, Policy: DefaultPolicy(), Casework: DefaultCaseOptions}
	ap.Handle(ActionRelease, warden.RoleSanctionsOfficer, s.applyRelease)
	ap.Handle(ActionPolicy, warden.RoleSanctionsOfficer, s.applyPolicy)
	return s
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Party roles.
var partyRoles = map[string]bool{"originator": true, "beneficiary": true, "intermediary": true, "ordering_institution": true, "beneficiary_institution": true}

// MaxReason is the longest reason, in characters, for a decision or a
// release.
const MaxReason = 2000

// MaxParties is the most parties one payment may name.
const MaxParties = 20

// check rejects payments that cannot be screened.
func check(t *warden.Transaction) error {
	if t.Reference == "" {
		return warden.Errorf(warden.EINVALID, "reference must be 1 to 100 printable characters")
	}
	if err := warden.CheckText(warden.TextID, "reference", t.Reference, 100); err != nil {
		return err
	}
	if strings.HasPrefix(t.Reference, warden.CustomerReference("")) {
		return warden.Errorf(warden.EINVALID, "references beginning %q are kept for customers' onboarding", warden.CustomerReference(""))
	}
	if err := warden.CheckMoney(t.Amount); err != nil {
		return err
	}
	if len(t.Parties) == 0 || len(t.Parties) > MaxParties {
		return warden.Errorf(warden.EINVALID, "a payment names 1 to %d parties", MaxParties)
	}
	for i := range t.Parties {
		p := &t.Parties[i]
		if !partyRoles[p.Role] {
			return warden.Errorf(warden.EINVALID, "parties[%d]: role must be originator, beneficiary, intermediary, ordering_institution or beneficiary_institution", i)
		}
		if err := checkParty(fmt.Sprintf("parties[%d].", i), p); err != nil {
			return err
		}
		if err := checkChannel(fmt.Sprintf("parties[%d].", i), p); err != nil {
			return err
		}
		if strings.TrimSpace(p.Name) == "" && p.Wallet == "" && len(p.Identifiers) == 0 && p.IP == "" && p.Domain == "" && p.Email == "" {
			return warden.Errorf(warden.EINVALID, "parties[%d]: nothing to screen (give a name, wallet, identifier, ip, domain or email)", i)
		}
	}
	return nil
}

// partyQuery is the screening query for a party.
func partyQuery(p warden.TxParty) match.Query {
	q := match.Query{IDs: p.Identifiers, Schema: p.Schema}
	if n := strings.TrimSpace(p.Name); n != "" {
		q.Names = []string{n}
	}
	if p.Country != "" {
		q.Countries = []string{p.Country}
	}
	if p.BirthDate != "" {
		q.BirthDates = []string{p.BirthDate}
	}
	if p.Wallet != "" {
		q.Wallets = []string{p.Wallet}
	}
	return q
}

// counterparty keys a party for remembering false positives: the same
// name, country, account and wallet is the same counterparty.
func counterparty(p warden.TxParty) string {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(p.Name) + "|" + strings.ToUpper(p.Country) + "|" + norm(p.Account) + "|" + p.Wallet
}

// entityHash identifies a listing's content: a changed listing is a new
// hash, which makes remembered false positives lapse.
func entityHash(e *warden.Entity) string {
	c := *e
	c.Version = 0
	b, _ := json.Marshal(&c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func bodyHash(t *warden.Transaction) string {
	b, _ := json.Marshal(t)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Screen decides a payment: every party is screened; a confirmed hit on a
// blocking program blocks it (and the amount goes to the ledger), on a
// rejecting program rejects it; a possible hit, unless cleared before for
// the same counterparty and listing, holds it with a case per hit. The
// same reference again returns the first decision and changes nothing.
// An amount above warden.MaxMinor, or a blocking that would take what is
// blocked for the holder and party beyond warden.MaxBalance, is EINVALID
// and nothing is stored.
func (s *Service) Screen(ctx context.Context, t warden.Transaction) (warden.TxDecision, bool, error) {
	p, err := warden.Authorize(ctx, warden.ActTxScreen)
	if err != nil {
		return warden.TxDecision{}, false, err
	}
	if err := check(&t); err != nil {
		return warden.TxDecision{}, false, err
	}
	d, cases, entries, err := s.decide(ctx, p, t.Reference, t.Amount, t.Parties)
	if err != nil {
		return d, false, err
	}
	ev := warden.NewAuditEvent(ctx, "transaction.screen", "transaction:"+t.Reference, "", map[string]any{"decision": d.Decision, "hits": len(d.Hits), "amount": t.Amount})
	existed, err := s.DB.RecordTransaction(ctx, &d, bodyHash(&t), cases, entries, ev)
	return d, existed, err
}

// decide screens parties and applies the policy: the decision, the cases
// to open if it is held, and the ledger entry if it blocks an amount.
func (s *Service) decide(ctx context.Context, p warden.Principal, ref string, amount warden.Money, parties []warden.TxParty) (warden.TxDecision, []warden.PendingCase, []warden.LedgerEntry, error) {
	now := s.now().UTC()
	d := warden.TxDecision{Reference: ref, Amount: amount, DecidedAt: now, Hits: []warden.TxHit{}}
	var cases []warden.PendingCase
	pol, err := s.policy(ctx)
	if err != nil {
		return d, nil, nil, err
	}
	opt := match.Options{Threshold: pol.Match, MinScore: pol.Review}
	blockProg := ""
	for i, party := range parties {
		var hits []match.Hit
		if q := partyQuery(party); len(q.Names) > 0 || len(q.IDs) > 0 || len(q.Wallets) > 0 { // else an IP, domain or e-mail alone
			var err error
			if hits, err = s.Screening.Screen(ctx, q, opt); err != nil {
				return d, nil, nil, fmt.Errorf("parties[%d]: %w", i, err)
			}
		}
		if party.Name != "" {
			e, prog, why, err := s.ownedBlocked(ctx, pol, party.Name)
			if err != nil {
				return d, nil, nil, err
			}
			if e != nil {
				d.Hits = append(d.Hits, warden.TxHit{Party: i, Role: party.Role, EntityID: e.ID, Name: party.Name, Programs: slices.Clone(e.Programs),
					Score: 1, Confirmed: true, Action: warden.HitBlock, Basis: "block: owned " + why, Explanation: map[string]string{"ownership": "owned " + why}})
				if blockProg == "" {
					blockProg = prog
				}
			}
		}
		for _, h := range hits {
			linked, err := s.linked(ctx, pol, h)
			if err != nil {
				return d, nil, nil, err
			}
			v := pol.judge(party, h, linked)
			th := warden.TxHit{Party: i, Role: party.Role, EntityID: h.Entity.ID, Name: h.Entity.Caption(), Programs: screening.Programs(h),
				Score: h.Score, Confirmed: v.stops, Action: v.action, Basis: v.basis, Explanation: h.Explanation}
			if v.action == warden.HitReview {
				key, eh := counterparty(party), entityHash(h.Entity)
				fp, err := s.DB.IsFalsePositive(ctx, key, h.Entity.ID, eh, now)
				if err != nil {
					return d, nil, nil, err
				}
				if fp {
					continue // cleared before for this counterparty and listing
				}
				cases = append(cases, warden.PendingCase{Case: warden.Case{Party: i, Counterparty: key, Name: partyName(party), Holder: holder(party, ref), EntityID: h.Entity.ID, Score: h.Score, CreatedAt: now,
					ListedName: h.Entity.Caption()}, EntityHash: eh, Programs: th.Programs, Screened: party})
			}
			if v.action == warden.HitBlock && blockProg == "" && firstBlock(d.Hits) == nil {
				blockProg = v.prog
			}
			d.Hits = append(d.Hits, th)
		}
		ihs, ics, err := s.indicatorHits(ctx, i, party, ref, now)
		if err != nil {
			return d, nil, nil, err
		}
		d.Hits, cases = append(d.Hits, ihs...), append(cases, ics...)
	}
	d.Decision = warden.DecisionCleared
	for _, h := range d.Hits {
		switch {
		case h.Action == warden.HitBlock:
			d.Decision = warden.DecisionBlocked
		case h.Action == warden.HitReject && d.Decision != warden.DecisionBlocked:
			d.Decision = warden.DecisionRejected
		case h.Action == warden.HitReview && d.Decision == warden.DecisionCleared:
			d.Decision = warden.DecisionHeld
		}
	}
	if d.Decision != warden.DecisionHeld {
		cases = nil // a stopped payment needs no review to stop it
	}
	d.Status = d.Decision
	var entries []warden.LedgerEntry
	if d.Decision == warden.DecisionBlocked && amount.Minor > 0 {
		blockHit := firstBlock(d.Hits)
		blockParty := parties[blockHit.Party]
		entries = append(entries, warden.LedgerEntry{Kind: warden.LedgerBlock, Holder: holder(blockParty, ref), EntityID: blockHit.EntityID, Program: blockProg,
			Amount: amount, Reference: ref, Hit: fmt.Sprintf("%s %s scored %.3f against %s", blockHit.Role, partyName(blockParty), blockHit.Score, blockHit.EntityID),
			Time: now, Actor: p.Name})
	}
	return d, cases, entries, nil
}

// sanctioned reports whether a listed party is a target of its list. Lists
// also carry related parties as context (a company a target owns): a hit
// on one is held for an analyst, never blocked by itself.
func sanctioned(e *warden.Entity) bool { return !e.Related }

func firstBlock(hs []warden.TxHit) *warden.TxHit {
	for i := range hs {
		if hs[i].Action == warden.HitBlock {
			return &hs[i]
		}
	}
	return nil
}

func partyName(p warden.TxParty) string {
	if p.Name != "" {
		return p.Name
	}
	if p.Wallet != "" {
		return p.Wallet
	}
	return strings.Join(p.Identifiers, ",")
}

// holder is where blocked funds are held: the listed party's account, or
// a suspense account for the payment when none was given.
func holder(p warden.TxParty, ref string) string {
	if p.Account != "" {
		return holderKey(p.Account)
	}
	if p.Wallet != "" {
		return holderKey(p.Wallet)
	}
	return "suspense:" + ref
}

// holderKey is the ledger's key for an account or wallet, so that one
// account written several ways is one holder with one balance: surrounding
// spaces are trimmed; an EVM address (0x and 40 hexadecimal digits), whose
// case is only a checksum, is folded to lower case; so is a bech32 or
// bech32m address (bc1..., tb1..., ltc1...; its checksum valid), which is
// all upper or all lower case by definition, the upper case being for QR
// codes; an IBAN (its mod-97 check digits valid), which is
// case-insensitive and printed in groups of four, is folded to upper case
// without spaces. Any other account, a base58 wallet above all, is kept
// verbatim: its case is part of it.
func holderKey(account string) string {
	a := strings.Trim(account, " ")
	if len(a) == 42 && (a[:2] == "0x" || a[:2] == "0X") && hexDigits(a[2:]) {
		return strings.ToLower(a)
	}
	if lower := strings.ToLower(a); warden.IsBech32(lower) {
		return lower
	}
	if iban := strings.ToUpper(strings.ReplaceAll(a, " ", "")); isIBAN(iban) {
		return iban
	}
	return a
}

func hexDigits(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F')
	})
}

// isIBAN reports whether s (upper case, no spaces) is an IBAN: a country
// code, two check digits and 11 to 30 letters and digits, whose ISO 7064
// mod 97-10 remainder is 1.
func isIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	rem := 0
	for _, c := range []byte(s[4:] + s[:4]) {
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case isUpper(c):
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// Transaction returns a payment's decision and its status now.
func (s *Service) Transaction(ctx context.Context, ref string) (warden.TxDecision, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesRead); err != nil {
		return warden.TxDecision{}, err
	}
	return s.DB.Transaction(ctx, ref)
}

// Cases lists the review queue (status open) or decided cases.
func (s *Service) Cases(ctx context.Context, status warden.CaseStatus, limit int) ([]warden.Case, error) {
	if _, err := warden.Authorize(ctx, warden.ActCasesRead); err != nil {
		return nil, err
	}
	switch status {
	case "", warden.CaseOpen, warden.CasePendingReview, warden.CaseConfirmed, warden.CaseCleared:
	default:
		return nil, warden.Errorf(warden.EINVALID, "status must be open, pending_review, confirmed or cleared")
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.DB.Cases(ctx, status, limit)
}

// DecideCase confirms a held payment's hit — blocking the payment if the
// policy in force blocks the listed party as it stands now (its list,
// programs and component lists), else rejecting it (always for an
// indicator's hit) — or clears it as a false positive with a reason, which
// is remembered for that counterparty and listed party. Clearing a hit
// above the second-review score only makes the case pending review (see
// ApproveClear); a case assigned to another person is theirs (ECONFLICT). The payment's
// status is moved in the transaction that records the decision, by what
// all its cases say then (see store.DB.DecideCase): its amount is blocked
// once however many of its cases are confirmed, and it is cleared only
// when none is left open. Of two analysts deciding one case at once, one
// wins and the other gets ECONFLICT.
func (s *Service) DecideCase(ctx context.Context, id int64, confirm bool, reason string) (warden.Case, error) {
	p, err := warden.Authorize(ctx, warden.ActCasesDecide)
	if err != nil {
		return warden.Case{}, err
	}
	reason = strings.TrimSpace(reason)
	if !confirm && reason == "" {
		return warden.Case{}, warden.Errorf(warden.EINVALID, "clearing a hit as a false positive needs a reason")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, MaxReason); err != nil {
		return warden.Case{}, err
	}
	pc, err := s.DB.Case(ctx, id)
	if err != nil {
		return warden.Case{}, err
	}
	c := pc.Case
	from := c.Status
	switch {
	case !from.Undecided():
		return c, warden.Errorf(warden.ECONFLICT, "case %d was already %s by %s", id, c.Status, c.DecidedBy)
	case from == warden.CasePendingReview && !confirm:
		return c, warden.Errorf(warden.ECONFLICT, "case %d was cleared by %s and waits for a second review (approve or send back)", id, c.ClearedBy)
	}
	if err := checkHolder(p, c); err != nil {
		return c, err
	}
	if !confirm && s.needsSecondReview(c) {
		return s.clearForReview(ctx, p, c, reason)
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return c, err
	}
	now := s.now().UTC()
	c.Reason, c.DecidedBy, c.DecidedAt = reason, p.Name, &now
	var block *warden.LedgerEntry
	var fp *warden.FalsePositive
	verb := "case.clear"
	if confirm {
		verb = "case.confirm"
		c.Status, c.Outcome = warden.CaseConfirmed, warden.DecisionRejected
		// An indicator is no listing: its confirmed hit turns the payment
		// back and freezes nothing.
		listing, err := s.listing(ctx, c.EntityID, pc.Programs)
		if err != nil {
			return c, err
		}
		if action, prog := pol.Action(listing); action == warden.HitBlock && !strings.HasPrefix(c.EntityID, IndicatorPrefix) {
			c.Outcome = warden.DecisionBlocked
			// The amount is the payment's first answer's: it never changes.
			tx, err := s.DB.Transaction(ctx, c.Reference)
			if err != nil {
				return c, err
			}
			if tx.Amount.Minor > 0 { // a customer brings no amount
				block = &warden.LedgerEntry{Kind: warden.LedgerBlock, Holder: c.Holder, EntityID: c.EntityID, Program: prog, Amount: tx.Amount,
					Reference: c.Reference, Hit: fmt.Sprintf("case %d confirmed: score %.3f against %s", c.ID, c.Score, c.EntityID), Time: now, Actor: p.Name}
			}
		}
	} else {
		c.Status = warden.CaseCleared
		fp = &warden.FalsePositive{Counterparty: c.Counterparty, EntityID: c.EntityID, EntityHash: pc.EntityHash, Expires: now.AddDate(0, 0, pol.FalsePositiveDays)}
	}
	ev := warden.NewAuditEvent(ctx, verb, fmt.Sprintf("case:%d", c.ID), reason, map[string]any{"reference": c.Reference, "entity": c.EntityID, "outcome": c.Outcome})
	if err := s.DB.DecideCase(ctx, c, from, block, fp, ev); err != nil {
		return c, err
	}
	return c, nil
}

// Ledger returns ledger entries and the balances they add up to, both
// filtered by f's party, holder (read as holderKey reads it) and currency;
// f's reference selects that payment's entries and the balances of the
// holders, parties and currencies they concern; After and Limit page the
// entries only.
func (s *Service) Ledger(ctx context.Context, f warden.LedgerFilter) ([]warden.LedgerEntry, []warden.Balance, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return nil, nil, err
	}
	if f.Holder != "" {
		f.Holder = holderKey(f.Holder)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	es, err := s.DB.Ledger(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	bs, err := s.DB.Balances(ctx, f)
	return es, bs, err
}

// CreateLicence records a licence.
func (s *Service) CreateLicence(ctx context.Context, l warden.Licence) (warden.Licence, error) {
	if _, err := warden.Authorize(ctx, warden.ActLicencesManage); err != nil {
		return l, err
	}
	l.Number, l.Issuer = strings.TrimSpace(l.Number), strings.TrimSpace(l.Issuer)
	if l.Number == "" || l.Issuer == "" {
		return l, warden.Errorf(warden.EINVALID, "a licence needs a number (up to 100 characters) and an issuer")
	}
	if err := warden.CheckText(warden.TextID, "number", l.Number, 100); err != nil {
		return l, err
	}
	if err := warden.CheckText(warden.TextName, "issuer", l.Issuer, 200); err != nil {
		return l, err
	}
	for f, vs := range map[string][]string{"programs": l.Programs, "entities": l.Entities} {
		for i, v := range vs {
			if err := warden.CheckText(warden.TextID, fmt.Sprintf("%s[%d]", f, i), v, MaxText); err != nil {
				return l, err
			}
		}
	}
	switch {
	case l.Kind == "general" && len(l.Programs) == 0:
		return l, warden.Errorf(warden.EINVALID, "a general licence names the programs it covers")
	case l.Kind == "specific" && len(l.Entities) == 0:
		return l, warden.Errorf(warden.EINVALID, "a specific licence names the parties it covers")
	case l.Kind != "general" && l.Kind != "specific":
		return l, warden.Errorf(warden.EINVALID, "a licence is general or specific")
	}
	l.Created = s.now().UTC()
	return l, s.DB.CreateLicence(ctx, l, warden.NewAuditEvent(ctx, "licence.create", "licence:"+l.Number, "", l))
}

// Licence returns one licence.
func (s *Service) Licence(ctx context.Context, number string) (warden.Licence, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return warden.Licence{}, err
	}
	return s.DB.Licence(ctx, number)
}

// Licences lists every licence, newest first.
func (s *Service) Licences(ctx context.Context) ([]warden.Licence, error) {
	if _, err := warden.Authorize(ctx, warden.ActLedgerRead); err != nil {
		return nil, err
	}
	return s.DB.Licences(ctx)
}

// Release is a request to release blocked property under a licence.
type Release struct {
	Holder   string       `json:"holder"`
	EntityID string       `json:"entity_id"`
	Amount   warden.Money `json:"amount"`
	Licence  string       `json:"licence"`
	Reason   string       `json:"reason"`
}

// covers reports whether licence l, valid at now, covers releasing
// property blocked from entity under program.
func covers(l warden.Licence, entity string, programs []string, now time.Time) error {
	if l.Expires != nil && !now.Before(*l.Expires) {
		return warden.Errorf(warden.EINVALID, "licence %s expired on %s", l.Number, l.Expires.Format("2006-01-02"))
	}
	switch l.Kind {
	case "specific":
		for _, e := range l.Entities {
			if e == entity {
				return nil
			}
		}
	case "general":
		for _, p := range l.Programs {
			for _, q := range programs {
				if p == q {
					return nil
				}
			}
		}
	}
	return warden.Errorf(warden.EINVALID, "licence %s does not cover %s", l.Number, entity)
}

// ProposeRelease asks to release blocked property; a sanctions officer
// other than the proposer approves it. The licence and the balance are
// checked now, against the whole ledger, and again, in the releasing
// transaction, on approval.
func (s *Service) ProposeRelease(ctx context.Context, r Release) (warden.Approval, error) {
	if _, err := warden.Authorize(ctx, warden.ActReleasesPropose); err != nil {
		return warden.Approval{}, err
	}
	if err := warden.CheckMoney(r.Amount); err != nil {
		return warden.Approval{}, err
	}
	if strings.TrimSpace(r.Reason) == "" {
		return warden.Approval{}, warden.Errorf(warden.EINVALID, "a release needs a reason")
	}
	r.Holder = holderKey(r.Holder)
	for _, f := range []struct {
		kind    warden.TextKind
		name, v string
		max     int
	}{{warden.TextID, "holder", r.Holder, MaxText}, {warden.TextID, "entity_id", r.EntityID, MaxText}, {warden.TextID, "licence", r.Licence, 100}, {warden.TextNote, "reason", r.Reason, MaxReason}} {
		if err := warden.CheckText(f.kind, f.name, f.v, f.max); err != nil {
			return warden.Approval{}, err
		}
	}
	b, err := s.DB.ReleaseBasis(ctx, r.Licence, r.Holder, r.EntityID, r.Amount.Currency)
	if err != nil {
		return warden.Approval{}, noLicence(err)
	}
	if err := s.checkRelease(r, b); err != nil {
		return warden.Approval{}, err
	}
	return s.Approvals.Propose(ctx, ActionRelease, "ledger:"+r.EntityID, r, r.Reason)
}

// noLicence makes a missing licence the caller's mistake (EINVALID).
func noLicence(err error) error {
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return warden.Errorf(warden.EINVALID, "%s", warden.ErrorMessage(err))
	}
	return err
}

// checkRelease checks that the licence covers the release and that it
// does not exceed the balance, as b has them.
func (s *Service) checkRelease(r Release, b warden.ReleaseBasis) error {
	if err := covers(b.Licence, r.EntityID, b.Programs, s.now()); err != nil {
		return err
	}
	if r.Amount.Minor > b.Balance.Minor {
		return warden.Errorf(warden.EINVALID, "release of %s exceeds the %s blocked for %s at %s", r.Amount, b.Balance, r.EntityID, r.Holder)
	}
	return nil
}

// applyRelease writes an approved release, checked again in the approval's
// transaction (which ctx carries).
func (s *Service) applyRelease(ctx context.Context, a warden.Approval) error {
	var r Release
	if err := json.Unmarshal(a.Payload, &r); err != nil {
		return err
	}
	p, _ := warden.PrincipalFrom(ctx)
	e := warden.LedgerEntry{Kind: warden.LedgerRelease, Holder: r.Holder, EntityID: r.EntityID, Amount: warden.Money{Currency: r.Amount.Currency, Minor: -r.Amount.Minor},
		Reference: fmt.Sprintf("approval:%d", a.ID), Licence: r.Licence, Time: s.now().UTC(), Actor: a.ProposedBy + "+" + p.Name}
	return noLicence(s.DB.Release(ctx, &e, func(b warden.ReleaseBasis) error { return s.checkRelease(r, b) }))
}
