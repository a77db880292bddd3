package screening

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/match"
)

// Record gathers the evidence of one screening (a single search or a
// batch) as its answers come, and stores it with Save: who, when, the
// query, the list versions searched and a summary of the answers. Adding
// an answer costs a few small copies; the record is one insert, whatever
// the batch's size.
type Record struct {
	svc   *Service
	sc    warden.Screening
	start map[string]int // the index's versions when the screening began
	top   []topHit
}

// topHit is a hit kept for the record, explained in words only when the
// record is saved (most are dropped before).
type topHit struct {
	warden.ScreeningHit
	expl match.Explanation
}

// NewRecord begins the record of a screening that came in by channel
// (warden.ChannelUI...) for the principal in ctx, run with opt.
func (s *Service) NewRecord(ctx context.Context, channel string, opt match.Options) *Record {
	p, ok := warden.PrincipalFrom(ctx)
	if !ok {
		p = warden.Operator
	}
	if opt.Threshold == 0 {
		opt.Threshold = match.DefaultThreshold
	}
	return &Record{svc: s, start: s.Versions(), sc: warden.Screening{Time: time.Now().UTC(), Actor: p.Name, ActorKind: p.Kind, Role: p.Role,
		Channel: channel, Threshold: opt.Threshold, Limit: opt.Limit, Items: []warden.ScreeningItem{}, Top: []warden.ScreeningHit{}}}
}

// Grow makes room for n more answers: a batch that knows its size adds
// them without copying the record's items as they grow.
func (r *Record) Grow(n int) { r.sc.Items = slices.Grow(r.sc.Items, n) }

// Add records one query's answer; pos is its place in a batch ("" for a
// single search).
func (r *Record) Add(pos string, resp Response) {
	q := resp.Query
	it := warden.ScreeningItem{Pos: pos, Hits: len(resp.Hits), Query: warden.ScreeningQuery{Names: q.Names, Schema: string(q.Schema),
		BirthDates: q.BirthDates, Countries: q.Countries, Gender: q.Gender, Wallets: q.Wallets, IDs: q.IDs, Lists: q.Lists}}
	item := len(r.sc.Items)
	for i, h := range resp.Hits {
		if i == 0 || h.Score > it.BestScore {
			it.BestScore, it.BestID, it.BestName = h.Score, h.EntityID, h.Name
		}
		it.Match = it.Match || h.Match
		if h.Match {
			r.sc.Matches++
		}
		r.sc.BestScore = max(r.sc.BestScore, h.Score)
		r.top = append(r.top, topHit{ScreeningHit: warden.ScreeningHit{Item: item, EntityID: h.EntityID, Name: h.Name, Schema: h.Schema,
			Programs: h.Programs, Score: h.Score, Match: h.Match}, expl: h.Explanation})
	}
	r.sc.Hits += len(resp.Hits)
	r.sc.Items = append(r.sc.Items, it)
	if len(r.top) > 4*warden.MaxScreeningTop {
		r.trim()
	}
}

// trim keeps the best hits, in order: best first, then in input order.
func (r *Record) trim() {
	slices.SortStableFunc(r.top, func(a, b topHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Item, b.Item))
	})
	if len(r.top) > warden.MaxScreeningTop {
		r.top = r.top[:warden.MaxScreeningTop]
	}
}

// Save stores the record and an audit event of it (action "screen") and
// returns it with its id. The lists are those of the index when the
// screening began and, if a new index replaced it meanwhile, those of the
// new one too, with their dates.
func (r *Record) Save(ctx context.Context) (*warden.Screening, error) {
	r.trim()
	for _, h := range r.top {
		h.Explanation = Explain(h.expl)
		r.sc.Top = append(r.sc.Top, h.ScreeningHit)
	}
	r.sc.Queries = len(r.sc.Items)
	lists, err := r.svc.screenedLists(ctx, r.start, r.svc.Versions())
	if err != nil {
		return nil, err
	}
	r.sc.Lists = lists
	ev := warden.NewAuditEvent(ctx, "screening.record", "", "", map[string]any{"channel": r.sc.Channel, "queries": r.sc.Queries, "hits": r.sc.Hits, "matches": r.sc.Matches})
	if err := r.svc.db.RecordScreening(ctx, &r.sc, ev); err != nil {
		return nil, err
	}
	return &r.sc, nil
}

// screenedLists returns the list versions in a and b (the same version
// once) with their dates, by list and version: a current version's as
// the lists say now (its date may come from a later check or an earlier
// version), another's from its own import.
func (s *Service) screenedLists(ctx context.Context, a, b map[string]int) ([]warden.ScreenedList, error) {
	type key struct {
		list    string
		version int
	}
	want := map[key]bool{}
	for _, m := range []map[string]int{a, b} {
		for l, v := range m {
			want[key{l, v}] = true
		}
	}
	lists, err := s.db.Lists(ctx)
	if err != nil {
		return nil, fmt.Errorf("screening record: %w", err)
	}
	current := map[key]warden.List{}
	for _, l := range lists {
		current[key{l.Name, l.CurrentVersion}] = l
	}
	out := make([]warden.ScreenedList, 0, len(want))
	for k := range want {
		sl := warden.ScreenedList{List: k.list, Version: k.version}
		if l, ok := current[k]; ok {
			sl.Date, sl.Imported, sl.Checked = l.ListDate, l.LastChanged, l.LastChecked
			if l.ListDateVersion != k.version {
				sl.DateVersion = l.ListDateVersion
			}
			out = append(out, sl)
			continue
		}
		vs, err := s.db.Versions(ctx, k.list)
		if err != nil {
			return nil, fmt.Errorf("screening record: %w", err)
		}
		for _, v := range vs {
			if v.Version == k.version {
				sl.Date, sl.Imported = v.Published, v.ImportedAt
			}
		}
		out = append(out, sl)
	}
	slices.SortFunc(out, func(x, y warden.ScreenedList) int {
		return cmp.Or(cmp.Compare(x.List, y.List), cmp.Compare(x.Version, y.Version))
	})
	return out, nil
}

// Explain says in words why a hit scored as it did: the identifier that
// matched exactly, or which names met, word by word, and what each
// feature added or took away.
func Explain(e match.Explanation) string {
	var b strings.Builder
	if e.Identifier != "" {
		fmt.Fprintf(&b, "exact identifier or wallet %s", e.Identifier)
	}
	if e.QueryName != "" || e.ListedName != "" {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "name %q against listed %q", e.QueryName, e.ListedName)
		if e.Reading != "" {
			fmt.Fprintf(&b, " (read as %q)", e.Reading)
		}
		fmt.Fprintf(&b, ": %.2f", e.NameScore)
		if len(e.Tokens) > 0 {
			words := make([]string, len(e.Tokens))
			for i, t := range e.Tokens {
				words[i] = fmt.Sprintf("%s~%s %.2f", t.Query, t.Listed, t.Sim)
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(words, ", "))
		}
	}
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, "; not on the list: %s", strings.Join(e.Missing, " "))
	}
	if len(e.Extra) > 0 {
		fmt.Fprintf(&b, "; listed words not asked: %s", strings.Join(e.Extra, " "))
	}
	for _, f := range e.Features {
		fmt.Fprintf(&b, "; %s %+.2f", strings.ReplaceAll(f.Name, "_", " "), f.Contribution)
		if f.Detail != "" {
			fmt.Fprintf(&b, " (%s)", f.Detail)
		}
	}
	return b.String()
}

// seesAll reports whether p may read everyone's screenings: whoever may
// read the audit log (admin, auditor). Others read their own.
func seesAll(p warden.Principal) bool { return warden.Allowed(p.Role, warden.ActAuditRead) }

// Screenings returns the records of screenings f selects, newest first,
// for the principal in ctx, who needs the screenings.read permission: its
// own only, unless it may read the audit log (then f.Actor filters).
func (s *Service) Screenings(ctx context.Context, f warden.ScreeningFilter) ([]warden.Screening, error) {
	p, err := warden.Authorize(ctx, warden.ActScreeningsRead)
	if err != nil {
		return nil, err
	}
	if !seesAll(p) {
		f.Actor = p.Name
	}
	return s.db.Screenings(ctx, f)
}

// Screening returns one screening's record for the principal in ctx, who
// needs the screenings.read permission; ENOTFOUND if there is none or it
// is another's and the principal may not read the audit log (so that
// others' searches do not leak).
func (s *Service) Screening(ctx context.Context, id int64) (warden.Screening, error) {
	p, err := warden.Authorize(ctx, warden.ActScreeningsRead)
	if err != nil {
		return warden.Screening{}, err
	}
	sc, err := s.db.Screening(ctx, id)
	if err != nil {
		return sc, err
	}
	if !seesAll(p) && sc.Actor != p.Name {
		return warden.Screening{}, warden.Errorf(warden.ENOTFOUND, "screening %d not found", id)
	}
	return sc, nil
}
