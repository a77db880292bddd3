package enforcement

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	"warden"
	"warden/jobs"
	"warden/match"
	"warden/store"
)

// Ongoing monitoring: when a list changes, the register of customers is
// screened again, once across all nodes, as a run keyed by what it
// screens against (the list versions, the intelligence's and the
// policy's generations). The first node to see a new key claims the run
// (store.ClaimRescreen); the others see it claimed. The claimer plans it:
//
//   - a delta run when the run before it was done under the same
//     intelligence and policy and every list it had is still there: the
//     parties added or changed since (their new names, aliases, wallets
//     and identifiers) make a small index, every cleared customer is
//     screened against it, and only a customer that resembles one of them
//     gets the full decision against the whole index; the open cases of
//     parties removed are flagged;
//   - a full run otherwise (a new list, a change of intelligence or
//     policy, no run before): every cleared customer gets the full
//     decision; the open cases of parties removed since the run before,
//     if there was one, are flagged all the same.
//
// and splits the cleared customers into parts of Rescreening.PartSize, by
// id. With a job queue (Rescreening.Queue), each part is a job that any
// node may take and that River rescues when its node dies; without one,
// the claimer works the parts itself, renewing its claim, which another
// node takes over once it lapses. Each customer's change is recorded once
// (store.RescreenCustomer changes only a customer still cleared), and the
// part that finishes the run records its full counts.

// Defaults of Rescreening.
const (
	DefaultRescreenPart  = 10_000
	DefaultRescreenLease = 2 * time.Minute
)

// rescreenPage is how many customers a part reads, screens and records
// its progress for at a time.
const rescreenPage = 500

func (r *Rescreening) pageSize() int { return cmp.Or(r.page, rescreenPage) }

// Rescreening configures a service's re-screenings of the register and
// keeps what they share on this node.
type Rescreening struct {
	// PartSize is how many cleared customers a part (a job) covers
	// (DefaultRescreenPart if zero).
	PartSize int
	// Lease is how long a claim on a run not yet queued lasts unless its
	// node renews it (DefaultRescreenLease if zero): a node that died is
	// taken over after it.
	Lease time.Duration
	// Queue, if set, takes a run's parts as jobs (RescreenArgs) that
	// every node works (Workers registers the worker); without it, the
	// node that claims a run works it.
	Queue *jobs.Queue
	// Node names this node in its claims (made up when empty).
	Node string

	mu    sync.Mutex
	delta *deltaIndex // the index of the last delta run worked here
	// page is how many customers a part screens between records of its
	// progress (rescreenPage if zero); afterPage, if set, is called
	// after a page is screened, before its progress is recorded: tests
	// set them (export_test.go).
	page      int
	afterPage func(run string, part int)
}

func (r *Rescreening) partSize() int { return cmp.Or(r.PartSize, DefaultRescreenPart) }

func (r *Rescreening) lease() time.Duration { return cmp.Or(r.Lease, DefaultRescreenLease) }

func (r *Rescreening) node() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Node == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		r.Node = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	return r.Node
}

// RescreenIfNew re-screens the register unless that was done, or is being
// done, against the current list versions, intelligence and policy (by
// this node or another). A run it claims it plans (delta or full, in
// parts); with a job queue it queues the parts and returns (Queued), else
// it works them and returns the run's full counts. Skipped: another node
// has the run, or it is done.
func (s *Service) RescreenIfNew(ctx context.Context) (RescreenResult, error) {
	p, err := warden.Authorize(ctx, warden.ActCustomersAdd)
	if err != nil {
		return RescreenResult{}, err
	}
	// The intelligence's and the policy's generations are read before the
	// register is: a change while it is screened makes for another run.
	basis, err := s.rescreenBasis(ctx)
	if err != nil {
		return RescreenResult{}, err
	}
	cur := s.Screening.Versions()
	res := RescreenResult{Versions: cur, Decisions: map[string]int{}}
	rs := &s.Rescreening
	r := warden.Rescreen{Versions: versionsKey(cur) + basis, Lists: cur, Basis: basis, Actor: p.Name, Started: time.Now().UTC()}
	now := time.Now()
	// A run queued, done or held by a live node is skipped without a
	// write: every node asks every --refresh.
	if had, err := s.DB.Rescreened(ctx, r.Versions); err == nil && (had.State == warden.RescreenQueued || had.State == warden.RescreenDone || had.LeaseUntil.After(now)) {
		res.Skipped = true
		return res, nil
	} else if err != nil && warden.ErrorCode(err) != warden.ENOTFOUND {
		return res, err
	}
	claimed, err := s.DB.ClaimRescreen(ctx, &r, rs.node(), now, now.Add(rs.lease()))
	if err != nil || !claimed {
		res.Skipped = err == nil
		return res, err
	}
	// The claim is renewed while this node plans and works the run.
	hctx, stop := context.WithCancel(ctx)
	lost := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() { s.holdClaim(hctx, r.Versions, lost) })
	defer func() { stop(); hb.Wait() }()
	if r.State == warden.RescreenClaimed {
		if err := s.planRescreen(ctx, &r); err != nil {
			return res, err
		}
	}
	parts, err := s.DB.RescreenParts(ctx, r.Versions)
	if err != nil {
		return res, err
	}
	res.Mode, res.Parties, res.Delisted, res.Parts = r.Mode, r.Parties, r.Delisted, len(parts)
	if rs.Queue != nil {
		var js []river.InsertManyParams
		for _, pt := range parts {
			if !pt.Done {
				js = append(js, river.InsertManyParams{Args: RescreenArgs{Run: r.Versions, Part: pt.Part}})
			}
		}
		if err := rs.Queue.InsertMany(ctx, js); err != nil {
			return res, err
		}
		res.Queued = true
		return res, s.DB.QueueRescreen(ctx, r.Versions, rs.node())
	}
	for _, pt := range parts {
		select {
		case <-lost:
			return res, warden.Errorf(warden.ECONFLICT, "re-screening %s: this node's claim lapsed and another node took it over", r.Versions)
		default:
		}
		if !pt.Done {
			if err := s.RescreenPart(hctx, r.Versions, pt.Part); err != nil {
				return res, err
			}
		}
	}
	done, err := s.DB.Rescreened(ctx, r.Versions)
	if err != nil {
		return res, err
	}
	res.Customers, res.Changed, res.Decided = done.Customers, done.Changed, done.Decided
	res.Decisions, err = s.DB.RescreenDecisions(ctx, r.Versions)
	return res, err
}

// holdClaim renews this node's claim on run every third of the lease
// until ctx ends, closing lost if the claim was lost (it lapsed and
// another node took the run over) or the run was queued or finished.
func (s *Service) holdClaim(ctx context.Context, run string, lost chan<- struct{}) {
	rs := &s.Rescreening
	t := time.NewTicker(rs.lease() / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := s.DB.RenewRescreen(ctx, run, rs.node(), time.Now().Add(rs.lease()))
		if err == nil && !held {
			close(lost)
			return
		}
	}
}

// rescreenBasis is what a run's key adds to the list versions: the
// intelligence's generation (intelKey) and, once the store holds the
// policy, " policy:N", N its version in force.
func (s *Service) rescreenBasis(ctx context.Context) (string, error) {
	intel, err := s.intelKey(ctx)
	if err != nil {
		return "", err
	}
	s.stored.mu.Lock()
	on := s.stored.on
	s.stored.mu.Unlock()
	if !on {
		return intel, nil
	}
	v, err := s.DB.PolicyVersionInForce(ctx)
	if err != nil || v == 0 {
		return intel, err
	}
	return fmt.Sprintf("%s policy:%d", intel, v), nil
}

// planRescreen plans run r, which this node has claimed: delta or full
// (see the top of this file), its delisted parties' open cases flagged,
// and its parts.
func (s *Service) planRescreen(ctx context.Context, r *warden.Rescreen) error {
	r.Mode = warden.RescreenFull
	base, err := s.DB.LastRescreen(ctx)
	switch {
	case err == nil && base.Basis == r.Basis && deltaFrom(base.Lists, r.Lists):
		r.Mode, r.Base = warden.RescreenDelta, base.Versions
		d, err := s.buildDelta(ctx, r.Versions, base.Lists, r.Lists)
		if err != nil {
			return err
		}
		r.Parties = len(d.parties)
		if r.Delisted, err = s.flagDelisted(ctx, d.removed); err != nil {
			return err
		}
	case err == nil:
		// A full run (a new list, or the intelligence or the policy
		// changed meanwhile) flags the delistings since the last run all
		// the same: no later run would.
		removed, err := s.delisted(ctx, base.Lists, r.Lists)
		if err != nil {
			return err
		}
		if r.Delisted, err = s.flagDelisted(ctx, removed); err != nil {
			return err
		}
	case warden.ErrorCode(err) != warden.ENOTFOUND:
		return err
	}
	var parts []store.RescreenPart
	size, n, after := s.Rescreening.partSize(), 0, ""
	err = s.DB.ClearedIDs(ctx, func(id string) error {
		n++
		r.Total++
		if n == size {
			parts = append(parts, store.RescreenPart{Part: len(parts), After: after, Last: id, Planned: n})
			after, n = id, 0
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The last part has no upper bound: customers onboarded meanwhile
	// fall in it.
	if n == 0 && len(parts) > 0 {
		parts[len(parts)-1].Last = ""
	} else {
		parts = append(parts, store.RescreenPart{Part: len(parts), After: after, Planned: n})
	}
	return s.DB.PlanRescreen(ctx, *r, s.Rescreening.node(), parts)
}

// deltaFrom reports whether a run against lists can be a delta from a run
// against base: every list it screens was in base, at that version or an
// earlier one. A new list is screened in full.
func deltaFrom(base, lists map[string]int) bool {
	if base == nil {
		return false
	}
	for l, v := range lists {
		if b, ok := base[l]; !ok || b > v {
			return false
		}
	}
	return true
}

// deltaIndex is what a delta run screens customers against: the parties
// added or changed, each holding only what is new of it when only names
// or identifiers changed.
type deltaIndex struct {
	run     string
	parties []*warden.Entity
	removed []warden.Change
	ix      *match.Index
}

// buildDelta reads the changes between the lists of base and lists.
func (s *Service) buildDelta(ctx context.Context, run string, base, lists map[string]int) (*deltaIndex, error) {
	d := &deltaIndex{run: run}
	for _, l := range changedLists(base, lists) {
		from, to := base[l], lists[l]
		var modified []*warden.Entity
		err := s.DB.Changes(ctx, l, from, to, func(c warden.Change) error {
			switch c.Op {
			case "added":
				d.parties = append(d.parties, c.Entity)
			case "modified":
				modified = append(modified, c.Entity)
			case "removed":
				d.removed = append(d.removed, removal(l, to, c.Entity))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, e := range modified {
			old, err := s.DB.Entity(ctx, e.ID, from)
			if err != nil && warden.ErrorCode(err) != warden.ENOTFOUND {
				return nil, err
			}
			if n := whatIsNew(old, e); n != nil {
				d.parties = append(d.parties, n)
			}
		}
	}
	d.ix = match.NewIndex(d.parties)
	return d, nil
}

// delisted reads the parties removed from the lists between the versions
// of base and those of lists; a list new since base removed nobody.
func (s *Service) delisted(ctx context.Context, base, lists map[string]int) ([]warden.Change, error) {
	var removed []warden.Change
	for _, l := range changedLists(base, lists) {
		from, to := base[l], lists[l]
		err := s.DB.Changes(ctx, l, from, to, func(c warden.Change) error {
			if c.Op == "removed" {
				removed = append(removed, removal(l, to, c.Entity))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return removed, nil
}

// changedLists names, in order, the lists of lists at a later version than
// in base; a list new since base has no changes from it.
func changedLists(base, lists map[string]int) []string {
	var out []string
	for _, l := range slices.Sorted(maps.Keys(lists)) {
		if from := base[l]; from > 0 && from < lists[l] {
			out = append(out, l)
		}
	}
	return out
}

// removal is the change flagDelisted notes of party e, removed from list l
// by its version to.
func removal(l string, to int, e *warden.Entity) warden.Change {
	return warden.Change{Op: fmt.Sprintf("removed from %s version %d", l, to), Entity: e}
}

// whatIsNew is what of listed party e, as it was (old, nil if unknown)
// and is now, a customer must be screened against again: e itself if
// anything that decides or scores a hit changed (schema, programs, birth
// dates, countries, gender, links...), else e with only its new names and
// identifiers, or nil if it has none (an address or a remark changed).
func whatIsNew(old, e *warden.Entity) *warden.Entity {
	if old == nil {
		return e
	}
	rest := func(x *warden.Entity) warden.Entity {
		c := *x
		c.Version, c.Names, c.Identifiers, c.Addresses, c.Remarks, c.BirthPlaces, c.Titles, c.Positions, c.ListedOn = 0, nil, nil, nil, "", nil, nil, nil, ""
		return c
	}
	if a, b := rest(old), rest(e); !reflect.DeepEqual(a, b) {
		return e
	}
	n := rest(e)
	n.ID, n.Version = e.ID, e.Version
	for _, nm := range e.Names {
		if !slices.Contains(old.Names, nm) {
			n.Names = append(n.Names, nm)
		}
	}
	for _, id := range e.Identifiers {
		if !slices.Contains(old.Identifiers, id) {
			n.Identifiers = append(n.Identifiers, id)
		}
	}
	if len(n.Names) == 0 && len(n.Identifiers) == 0 {
		return nil
	}
	return &n
}

// flagDelisted notes on every undecided case of a party removed from its
// list that it was removed (and in which version), as the system, and
// returns how many cases it concerns.
func (s *Service) flagDelisted(ctx context.Context, removed []warden.Change) (int, error) {
	sys := warden.WithPrincipal(ctx, warden.Operator)
	n := 0
	for _, rm := range removed {
		cases, err := s.DB.UndecidedCasesOf(ctx, rm.Entity.ID)
		if err != nil {
			return n, err
		}
		for _, c := range cases {
			text := fmt.Sprintf("%s (%s) was %s: decide whether the hit still stands", rm.Entity.ID, rm.Entity.Caption(), rm.Op)
			note := warden.CaseNote{Case: c.ID, Text: text, AddedBy: warden.Operator.Name, AddedAt: s.now().UTC()}
			ev := warden.NewAuditEvent(sys, "case.delisted", caseObject(c.ID), "", map[string]any{"entity": rm.Entity.ID, "change": rm.Op})
			if _, err := s.DB.FlagDelisted(ctx, &note, ev); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// deltaOf returns the delta index of run r, built once per run on this
// node.
func (s *Service) deltaOf(ctx context.Context, r warden.Rescreen) (*deltaIndex, error) {
	rs := &s.Rescreening
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.delta != nil && rs.delta.run == r.Versions {
		return rs.delta, nil
	}
	base, err := s.DB.Rescreened(ctx, r.Base)
	if err != nil {
		return nil, err
	}
	d, err := s.buildDelta(ctx, r.Versions, base.Lists, r.Lists)
	if err != nil {
		return nil, err
	}
	rs.delta = d
	return d, nil
}

// deltaMargin is how far below the review score a customer's score
// against the changed parties alone may be and still get the full
// decision: words weigh by their rarity among the parties of an index,
// and a small index weighs them otherwise than the whole lists do.
const deltaMargin = 0.15

// resembles reports whether customer c resembles a party of d closely
// enough (see deltaMargin) to need the full decision, or is a company of
// the ownership register (owned, by its key), which a new listing of an
// owner may block.
func resembles(d *deltaIndex, pol *Policy, owned map[string][]warden.Stake, c warden.Customer) bool {
	if _, ok := owned[companyKey(c.Name)]; ok && c.Name != "" {
		return true
	}
	q := partyQuery(customerParty(c))
	if len(q.Names) == 0 && len(q.IDs) == 0 && len(q.Wallets) == 0 || d.ix.Len() == 0 {
		return false
	}
	floor := max(pol.Review-deltaMargin, 0.3)
	hits, err := d.ix.Search(q, match.Options{Threshold: pol.Match, MinScore: floor, Limit: 1})
	// A query the index refuses gets the full decision, which says why.
	return err != nil || len(hits) > 0
}

// RescreenPart screens part n of run again: the cleared customers of its
// id range, each against the run's delta or in full, page by page,
// recording how far it got after each page. With a deadline in ctx (a
// job's), it stops when less than twice its last page's time is left and
// returns errRescreenPause, to be resumed where it stopped. The part that
// finishes the run records the run's full counts.
func (s *Service) RescreenPart(ctx context.Context, run string, n int) error {
	p, err := warden.Authorize(ctx, warden.ActCustomersAdd)
	if err != nil {
		return err
	}
	r, err := s.DB.Rescreened(ctx, run)
	if err != nil || r.State == warden.RescreenDone {
		return err
	}
	part, err := s.DB.RescreenPartOf(ctx, run, n)
	if err != nil || part.Done {
		return err
	}
	var d *deltaIndex
	if r.Mode == warden.RescreenDelta {
		if d, err = s.deltaOf(ctx, r); err != nil {
			return err
		}
	}
	pol, err := s.policy(ctx)
	if err != nil {
		return err
	}
	owned, _, err := s.graph(ctx)
	if err != nil {
		return err
	}
	// Customers beyond the cursor that an attempt before this one changed
	// are cleared no more: they count as screened and decided here.
	cursor, customers, decided := part.Cursor, part.Customers, part.Decided
	k, err := s.DB.RescreenChanged(ctx, run, cursor, part.Last)
	if err != nil {
		return err
	}
	customers, decided = customers+k, decided+k
	deadline, timed := ctx.Deadline()
	var took time.Duration // the last page's time
	for {
		start := time.Now()
		cs, err := s.DB.ClearedCustomers(ctx, cursor, part.Last, s.Rescreening.pageSize())
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			break
		}
		if timed && time.Until(deadline) < 2*took {
			if err := s.DB.SaveRescreenPart(ctx, run, n, cursor, customers-k, decided-k); err != nil {
				return err
			}
			return errRescreenPause
		}
		var g errgroup.Group
		g.SetLimit(workers())
		var mu sync.Mutex
		for _, c := range cs {
			g.Go(func() error {
				if d != nil && !resembles(d, pol, owned, c) {
					return nil
				}
				mu.Lock()
				decided++
				mu.Unlock()
				if _, _, err := s.rescreenOne(ctx, p, run, c); err != nil {
					return fmt.Errorf("customer %s: %w", c.ID, err)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		customers += len(cs)
		cursor = cs[len(cs)-1].ID
		took = time.Since(start)
		k = 0 // the changes before are in customers now
		if f := s.Rescreening.afterPage; f != nil {
			f(run, n)
		}
		if len(cs) < s.Rescreening.pageSize() {
			break
		}
		if err := s.DB.SaveRescreenPart(ctx, run, n, cursor, customers, decided); err != nil {
			return err
		}
	}
	ev := warden.NewAuditEvent(ctx, "customers.rescreen", "lists:"+run, "", nil)
	_, err = s.DB.FinishRescreenPart(ctx, run, n, customers, decided, s.now().UTC(), ev)
	return err
}

// errRescreenPause is a part stopped before its deadline, to be resumed.
var errRescreenPause = warden.Errorf(warden.EINTERNAL, "re-screening part paused before its deadline")

// RescreenProgress is the latest run's progress, for readiness and
// metrics: its parts done of all, customers screened of those to screen,
// and its counts so far (full once done). ENOTFOUND before any run.
func (s *Service) RescreenProgress(ctx context.Context) (warden.Rescreen, error) {
	return s.DB.LatestRescreen(ctx)
}
