package enforcement

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"warden"
	"warden/internal/textio"
	"warden/match"
	"warden/screening"
)

// Policy says what hits do, list by list and program by program. The
// shipped default (policy/default.json) is documented line by line in
// docs/policy.md; an installation changes it by a four-eyes proposal.
//
// Whatever a program's action, a payment or customer is blocked or
// rejected without an analyst only on a hit that cannot be a namesake: an
// exact wallet or identifier, or a name at least Match corroborated by a
// second attribute (see corroborate). Every other hit on a blocking or
// rejecting program is held for an analyst.
type Policy struct {
	// Match: a name scoring at least this, corroborated, stops a payment
	// by itself. Default: the screening threshold.
	Match float64 `json:"match"`
	// Review: a hit scoring at least this is acted on (held, flagged);
	// below it a hit is ignored. Default 0.7 × Match.
	Review float64 `json:"review"`
	// Default is the action for parties on lists Lists does not name.
	Default warden.HitAction `json:"default"`
	// Programs maps programs of lists Lists does not name to an action.
	Programs map[string]warden.HitAction `json:"programs,omitempty"`
	// Lists maps a list, by its name in Warden (ofac, un, uk, csl...), to
	// what its programs do.
	Lists map[string]ListPolicy `json:"lists,omitempty"`
	// FalsePositiveDays is how long a cleared false positive is remembered.
	FalsePositiveDays int `json:"false_positive_days"`
	// CaseDeadlineDays is how many business days an analyst has to decide
	// a case.
	CaseDeadlineDays int `json:"case_deadline_days"`
	// Holidays are the public holidays (YYYY-MM-DD) that do not count as
	// business days for the reports' and cases' deadlines.
	Holidays []string `json:"holidays,omitempty"`
}

// ListPolicy is what one list's programs do.
type ListPolicy struct {
	// Note says, for the people who read and approve the policy, what the
	// list is and why it is treated so.
	Note string `json:"note,omitempty"`
	// Default is the action for the list's programs Programs does not
	// name, and for its parties listed under no program.
	Default warden.HitAction `json:"default"`
	// Programs maps a program, regime or component list (the CSL's
	// "Entity List (EL) - Bureau of Industry and Security", which Warden
	// keeps as the party's topic) to an action.
	Programs map[string]warden.HitAction `json:"programs,omitempty"`
}

//go:embed policy/default.json
var defaultPolicy []byte

// DefaultPolicy returns the shipped default policy (policy/default.json),
// a new copy each time so that changing it changes no other.
func DefaultPolicy() Policy {
	p, err := ParsePolicy(defaultPolicy, "default policy")
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return p
}

// ParsePolicy reads a policy from JSON; fields left out keep the default's
// values, except lists: a policy that names lists names all it treats
// apart. A field given twice, an unknown field, trailing data or a policy
// that fails Check is EINVALID naming name.
func ParsePolicy(b []byte, name string) (Policy, error) {
	p := Policy{Match: match.DefaultThreshold, Review: 0.7 * match.DefaultThreshold, Default: warden.HitHold, FalsePositiveDays: 180, CaseDeadlineDays: 5}
	if err := textio.UniqueKeys(b); err != nil {
		return p, warden.Errorf(warden.EINVALID, "%s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, warden.Errorf(warden.EINVALID, "%s: %v", name, err)
	}
	if dec.More() {
		return p, warden.Errorf(warden.EINVALID, "%s: data after the policy", name)
	}
	if err := p.Check(); err != nil {
		return p, warden.Errorf(warden.EINVALID, "%s: %w", name, err)
	}
	return p, nil
}

// MaxPolicy is the largest policy, in bytes, a person may propose.
const MaxPolicy = 1 << 20

// actions are the actions a policy may give, weakest first.
var actions = []warden.HitAction{warden.HitFlag, warden.HitHold, warden.HitReject, warden.HitBlock}

func checkAction(what string, a warden.HitAction) error {
	if !slices.Contains(actions, a) {
		return warden.Errorf(warden.EINVALID, "%s: action must be block, reject, hold or flag, not %q", what, a)
	}
	return nil
}

// Check rejects a policy that could not be applied.
func (p *Policy) Check() error {
	if !(p.Match > 0 && p.Match <= 1 && p.Review > 0 && p.Review <= p.Match) { // NaN fails too
		return warden.Errorf(warden.EINVALID, "need 0 < review <= match <= 1 (got review %v, match %v)", p.Review, p.Match)
	}
	if err := checkAction("default", p.Default); err != nil {
		return err
	}
	for _, prog := range slices.Sorted(maps.Keys(p.Programs)) {
		if err := checkAction("program "+prog, p.Programs[prog]); err != nil {
			return err
		}
	}
	for _, l := range slices.Sorted(maps.Keys(p.Lists)) {
		lp := p.Lists[l]
		if !warden.ValidListName(l) {
			return warden.Errorf(warden.EINVALID, "%q is not a list name", l)
		}
		if err := checkAction("list "+l+": default", lp.Default); err != nil {
			return err
		}
		for _, prog := range slices.Sorted(maps.Keys(lp.Programs)) {
			if err := checkAction("list "+l+": program "+prog, lp.Programs[prog]); err != nil {
				return err
			}
		}
		if err := warden.CheckText(warden.TextNote, "list "+l+": note", lp.Note, 1000); err != nil {
			return err
		}
	}
	if p.FalsePositiveDays < 0 || p.CaseDeadlineDays < 0 {
		return warden.Errorf(warden.EINVALID, "false_positive_days and case_deadline_days cannot be negative")
	}
	for _, h := range p.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return warden.Errorf(warden.EINVALID, "holiday %q is not a date YYYY-MM-DD", h)
		}
	}
	return nil
}

// stronger reports whether action a stops more than b.
func stronger(a, b warden.HitAction) bool {
	return slices.Index(actions, a) > slices.Index(actions, b)
}

// listOf is the list a party is on: its List, else its id's prefix.
func listOf(e *warden.Entity) string {
	if e.List != "" {
		return e.List
	}
	l, _, _ := strings.Cut(e.ID, ":")
	return l
}

// Action is what the policy does with a hit on listed party e, and the
// program (or component list) that decides it: each of its programs
// gives its action (its list's default when the policy does not name
// it), each of its topics that the policy names for its list gives its
// own (the CSL's component lists), and the strongest wins. A party
// listed under nothing the policy names takes its list's default.
func (p *Policy) Action(e *warden.Entity) (warden.HitAction, string) {
	def, progs := p.Default, p.Programs
	if lp, ok := p.Lists[listOf(e)]; ok {
		def, progs = lp.Default, lp.Programs
	}
	best, why := warden.HitAction(""), ""
	take := func(a warden.HitAction, label string) {
		if best == "" || stronger(a, best) {
			best, why = a, label
		}
	}
	for _, prog := range e.Programs {
		a, ok := progs[prog]
		if !ok {
			a = def
		}
		take(a, prog)
	}
	for _, t := range e.Topics {
		if a, ok := progs[t]; ok {
			take(a, t)
		}
	}
	if best == "" {
		return def, ""
	}
	return best, why
}

// corroborate compares what a party gives besides its name with listed
// party e: its birth date (agreeing to the precision both give), its
// country (among the party's nationalities, citizenships, countries and
// addresses' countries) and its account (equal to one of the party's
// identifiers). It returns what agrees and what disagrees, in words; an
// attribute the party or the listing lacks says nothing.
func corroborate(p warden.TxParty, e *warden.Entity) (agree, conflict []string) {
	if p.BirthDate != "" && len(e.BirthDates) > 0 {
		if birthAgrees(p.BirthDate, e.BirthDates) {
			agree = append(agree, "birth date "+p.BirthDate)
		} else {
			conflict = append(conflict, "birth date "+p.BirthDate)
		}
	}
	if c, ok := warden.CountryCode(p.Country); ok {
		listed := slices.Concat(e.Nationalities, e.Citizenships, e.Countries)
		for _, a := range e.Addresses {
			if a.Country != "" {
				listed = append(listed, a.Country)
			}
		}
		switch {
		case slices.Contains(listed, c):
			agree = append(agree, "country "+c)
		case len(listed) > 0:
			conflict = append(conflict, "country "+c)
		}
	}
	if a := addressAgrees(p.Address, e.Addresses); a != "" {
		agree = append(agree, "address ("+a+")")
	}
	if acct := accountKey(p.Account); acct != "" {
		for _, id := range e.Identifiers {
			if accountKey(id.Value) == acct {
				agree = append(agree, "account "+p.Account)
				break
			}
		}
	}
	return agree, conflict
}

// addressAgrees returns the part of a listed address that the party's
// one-line address names, or "": a listed city (as whole words) or postal
// code (of at least 4 characters) found in it. An address that names
// neither says nothing — people move, and lists keep old addresses — so it
// never disagrees.
func addressAgrees(given string, listed []warden.Address) string {
	if strings.TrimSpace(given) == "" {
		return ""
	}
	words := " " + strings.Join(addressWords(given), " ") + " "
	for _, a := range listed {
		if pc := addressWords(a.PostalCode); len(pc) > 0 && len(strings.Join(pc, "")) >= 4 && strings.Contains(words, " "+strings.Join(pc, " ")+" ") {
			return "postal code " + a.PostalCode
		}
		if c := addressWords(a.City); len(c) > 0 && len(strings.Join(c, "")) >= 3 && strings.Contains(words, " "+strings.Join(c, " ")+" ") {
			return "city " + a.City
		}
	}
	return ""
}

// addressWords splits an address into lower-case words of letters and
// digits, accents and punctuation aside.
func addressWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFD.String(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// accountKey reads an account or listed identifier for comparison: upper
// case, without spaces, dashes or dots.
func accountKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// birthAgrees reports whether date d (YYYY, YYYY-MM or YYYY-MM-DD) falls
// in one of the listed dates or ranges, compared to the precision both
// give.
func birthAgrees(d string, listed []warden.DateRange) bool {
	for _, r := range listed {
		from, to := r.From, r.To
		if to == "" {
			to = from
		}
		if len(from) < 4 || len(to) < 4 {
			continue
		}
		lo, hi := d[:min(len(d), len(from))], d[:min(len(d), len(to))]
		if lo >= from[:len(lo)] && hi <= to[:len(hi)] {
			return true
		}
	}
	return false
}

// ruling is what the policy makes of one screening hit on a party.
type ruling struct {
	action warden.HitAction // block, reject, flag, or review (held)
	stops  bool             // it stops the payment by itself (Confirmed)
	basis  string           // why, in words, for the decision and the case
	prog   string           // the program that decided the action
}

// judge applies the policy to hit h on party: its list and programs give
// the action; a block or reject is taken only on an exact wallet or
// identifier, or a name scoring at least Match that a second attribute
// corroborates and none contradicts; other hits on those programs, hits
// on holding programs and hits on parties a list carries only as context
// are held; hits on flagging programs are flagged.
//
// linked are the party's other listings (h.Listings) as stored, which may
// corroborate the name too.
func (p *Policy) judge(party warden.TxParty, h match.Hit, linked []*warden.Entity) ruling {
	act, prog := p.Action(h.Entity)
	list := listOf(h.Entity)
	// Every list that names the party applies (screening groups a party's
	// listings on several lists into one hit): the strongest decides.
	for _, l := range h.Listings {
		if a, pr := p.Action(&warden.Entity{ID: l.EntityID, List: l.List, Programs: l.Programs}); stronger(a, act) {
			act, prog, list = a, pr, l.List
		}
	}
	on := "listed under " + cmp.Or(prog, "no program") + " on " + list
	switch {
	case act == warden.HitFlag:
		return ruling{action: warden.HitFlag, basis: "flagged: " + on + ", which the policy flags", prog: prog}
	case !screening.Sanctioned(h):
		return ruling{action: warden.HitReview, basis: "held: the list carries this party as context, not as a target", prog: prog}
	case act == warden.HitHold:
		return ruling{action: warden.HitReview, basis: "held: " + on + ", which the policy holds for review", prog: prog}
	}
	if h.Explanation.Identifier != "" {
		return ruling{action: act, stops: true, basis: fmt.Sprintf("%s: exact wallet or identifier %s, %s", act, h.Explanation.Identifier, on), prog: prog}
	}
	if h.Score < p.Match {
		return ruling{action: warden.HitReview, basis: fmt.Sprintf("held: name scored %.3f, below %.3f", h.Score, p.Match), prog: prog}
	}
	// Any listing of the party may corroborate the name (the CSL's copy of
	// an SDN entry often lacks the birth date OFAC gives), each alone.
	var conflict []string
	for _, e := range append([]*warden.Entity{h.Entity}, linked...) {
		agree, against := corroborate(party, e)
		if len(agree) > 0 && len(against) == 0 {
			return ruling{action: act, stops: true, basis: fmt.Sprintf("%s: the name matches and %s agrees with %s, %s", act, strings.Join(agree, ", "), e.ID, on), prog: prog}
		}
		if conflict == nil {
			conflict = against
		}
	}
	if len(conflict) > 0 {
		return ruling{action: warden.HitReview, basis: "held: the name matches but " + strings.Join(conflict, ", ") + " disagrees with the listing", prog: prog}
	}
	return ruling{action: warden.HitReview, basis: "held: the name matches, but nothing else (birth date, country, address, account) corroborates it", prog: prog}
}
