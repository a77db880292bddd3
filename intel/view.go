package intel

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"warden"
)

// View is what a page, or GET /v1/intel/objects/{id}/view, shows of one
// object: the object, its place in the graph, the Warden records it is
// linked to and, by its type, what it observes, the incidents related to
// it and what it touches. Everything in it is what the reader sees.
type View struct {
	Object warden.IntelObject `json:"object"`
	// Edges are the visible edges into and out of it: an edge is left out
	// when an object at one of its ends, or the relationship it was read
	// from, is not one the reader sees (or is not stored).
	Edges []warden.IntelEdge `json:"edges"`
	// Neighbours are the objects at the other ends, current versions.
	Neighbours []warden.IntelObject `json:"neighbours"`
	// Links are the Warden records it points at: those the reader's role
	// reads (none for a counterpart).
	Links []warden.IntelLink `json:"links"`
	// Observables are what an indicator observes, when Warden reads its
	// pattern. Unsupported says why it, or a part of it, is not used in
	// screening, if so: a pattern Warden does not read, an IP range too
	// broad to screen, or a counterpart's submission (notRecorded).
	Observables []warden.Observable `json:"observables,omitempty"`
	Unsupported string              `json:"unsupported,omitempty"`
	// RelatedIncidents are, for an incident, the incidents that share an
	// indicator with it, or have one that observes the same value.
	RelatedIncidents []Related `json:"related_incidents"`
	// Touches is, for an indicator, every incident and actor it
	// indicates (kind "object", Object the object it goes through, Ref
	// the incident or actor), directly or through the incidents it
	// indicates and the indicators observing the same value, and every
	// Warden record those are linked to.
	Touches []warden.IntelLink `json:"touches,omitempty"`
	// Collections are those it is shared in: shown to the authority's
	// people only.
	Collections []string `json:"collections,omitempty"`
}

// Related is an incident related to another, and the indicators that
// relate them.
type Related struct {
	Incident warden.IntelObject `json:"incident"`
	Via      []string           `json:"via"`
}

// LinkObject is the kind of a Touches entry that is an object of
// intelligence (an incident, a threat actor) rather than a Warden record.
const LinkObject = "object"

// notRecorded is why an indicator a counterpart submitted does not
// screen: a counterpart could otherwise hold every payment it likes.
const notRecorded = "submitted by a counterpart: not used in screening until the authority records it"

// maxKin bounds the indicators observing the same value that an
// indicator's Touches follows.
const maxKin = 50

// actorTypes are what Touches names besides incidents.
var actorTypes = []string{"threat-actor", "intrusion-set", "campaign"}

// View returns what a page shows of an object the caller sees
// (intel.read); ENOTFOUND otherwise.
func (s *Service) View(ctx context.Context, id string) (View, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return View{}, err
	}
	o, err := s.objectWhole(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	v := View{Object: o}
	if v.Edges, v.Neighbours, err = s.graph(ctx, p, id); err != nil {
		return View{}, err
	}
	if v.Links, err = s.links(ctx, p, []string{id}); err != nil {
		return View{}, err
	}
	switch o.Type {
	case "indicator":
		obs, err := s.DB.IntelObservables(ctx, id)
		if err != nil {
			return View{}, err
		}
		var why []string
		u, err := s.DB.IntelUnsupported(ctx, id)
		if err != nil {
			return View{}, err
		}
		if u != nil {
			why = append(why, u.Reason)
		}
		for _, ob := range obs {
			v.Observables = append(v.Observables, ob.Observable)
			if w := notScreened(ob.Observable); w != "" {
				why = append(why, w)
			}
		}
		org, err := s.DB.IntelSubmitter(ctx, id)
		if err != nil {
			return View{}, err
		}
		if org != "" {
			why = append(why, notRecorded)
		}
		v.Unsupported = strings.Join(why, "; ")
		if v.Touches, err = s.touches(ctx, p, id, v.Neighbours); err != nil {
			return View{}, err
		}
	case "incident":
		if v.RelatedIncidents, err = s.related(ctx, p, id); err != nil {
			return View{}, err
		}
	}
	if p.Role != warden.RoleCounterpart {
		if v.Collections, err = s.DB.IntelObjectCollections(ctx, id); err != nil {
			return View{}, err
		}
	}
	return v, nil
}

// graph returns the edges of id that p sees and the objects at their
// other ends, by type and name.
func (s *Service) graph(ctx context.Context, p warden.Principal, id string) ([]warden.IntelEdge, []warden.IntelObject, error) {
	all, err := s.DB.IntelEdges(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, e := range all {
		for _, x := range []string{e.Source, e.Target, e.Rel} {
			if x != "" && x != id {
				ids = append(ids, x)
			}
		}
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	seen, err := s.currentSeen(ctx, p, ids)
	if err != nil {
		return nil, nil, err
	}
	edges := []warden.IntelEdge{}
	ends := map[string]bool{}
	for _, e := range all {
		ok := true
		for _, x := range []string{e.Source, e.Target, e.Rel} {
			if x != "" && x != id {
				_, vis := seen[x]
				ok = ok && vis
			}
		}
		if !ok {
			continue
		}
		edges = append(edges, e)
		for _, x := range []string{e.Source, e.Target} {
			if x != id {
				ends[x] = true
			}
		}
	}
	ns := []warden.IntelObject{}
	for x := range ends {
		ns = append(ns, seen[x])
	}
	slices.SortFunc(ns, func(a, b warden.IntelObject) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return edges, ns, nil
}

// currentSeen returns the current versions of ids that exist and p sees
// whole.
func (s *Service) currentSeen(ctx context.Context, p warden.Principal, ids []string) (map[string]warden.IntelObject, error) {
	cur, err := s.DB.IntelCurrent(ctx, ids)
	if err != nil {
		return nil, err
	}
	objs := make([]warden.IntelObject, 0, len(cur))
	for _, id := range ids {
		if o, ok := cur[id]; ok {
			objs = append(objs, o)
		}
	}
	vis, err := s.visible(ctx, p, objs)
	if err != nil {
		return nil, err
	}
	if vis, err = s.whole(ctx, p, vis); err != nil {
		return nil, err
	}
	out := make(map[string]warden.IntelObject, len(vis))
	for _, o := range vis {
		out[o.ID] = o
	}
	return out, nil
}

// links returns the links of ids that p may see.
func (s *Service) links(ctx context.Context, p warden.Principal, ids []string) ([]warden.IntelLink, error) {
	out := []warden.IntelLink{}
	if p.Role == warden.RoleCounterpart {
		return out, nil
	}
	ls, err := s.DB.IntelLinks(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if linkReadable(p, l.Kind) {
			out = append(out, l)
		}
	}
	return out, nil
}

// related returns the incidents related to incident id that p sees,
// through indicators p sees, by name.
func (s *Service) related(ctx context.Context, p warden.Principal, id string) ([]Related, error) {
	rels, err := s.DB.IntelRelated(ctx, id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rels {
		ids = append(ids, r.Incident, r.Mine, r.Theirs)
	}
	seen, err := s.currentSeen(ctx, p, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	by := map[string]*Related{}
	var order []string
	for _, r := range rels {
		inc, ok := seen[r.Incident]
		_, mine := seen[r.Mine]
		_, theirs := seen[r.Theirs]
		if !ok || !mine || !theirs {
			continue
		}
		x := by[r.Incident]
		if x == nil {
			x = &Related{Incident: inc}
			by[r.Incident] = x
			order = append(order, r.Incident)
		}
		x.Via = append(x.Via, r.Mine, r.Theirs)
	}
	out := []Related{}
	for _, id := range order {
		x := by[id]
		x.Via = slices.Compact(slices.Sorted(slices.Values(x.Via)))
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b Related) int {
		return cmp.Or(cmp.Compare(a.Incident.Name, b.Incident.Name), cmp.Compare(a.Incident.ID, b.Incident.ID))
	})
	return out, nil
}

// touches returns what indicator id touches (see View.Touches), given
// its visible neighbours.
func (s *Service) touches(ctx context.Context, p warden.Principal, id string, neighbours []warden.IntelObject) ([]warden.IntelLink, error) {
	out := []warden.IntelLink{}
	have := map[[2]string]bool{}
	through := []string{id}
	add := func(via string, o warden.IntelObject) {
		k := [2]string{via, o.ID}
		if have[k] {
			return
		}
		have[k] = true
		out = append(out, warden.IntelLink{Object: via, Kind: LinkObject, Ref: o.ID, Note: o.Name})
		through = append(through, o.ID)
	}
	// Its incidents and actors, and those of the indicators that observe
	// the same values.
	kin, err := s.DB.IntelKin(ctx, id, maxKin)
	if err != nil {
		return nil, err
	}
	kinSeen, err := s.currentSeen(ctx, p, kin)
	if err != nil {
		return nil, err
	}
	type hop struct {
		via string
		ns  []warden.IntelObject
	}
	hops := []hop{{id, neighbours}}
	for _, k := range kin {
		if _, ok := kinSeen[k]; !ok {
			continue
		}
		_, ns, err := s.graph(ctx, p, k)
		if err != nil {
			return nil, err
		}
		hops = append(hops, hop{k, ns})
	}
	var incidents []warden.IntelObject
	for _, h := range hops {
		for _, n := range h.ns {
			switch {
			case n.Type == "incident":
				add(h.via, n)
				incidents = append(incidents, n)
			case slices.Contains(actorTypes, n.Type):
				add(h.via, n)
			}
		}
	}
	// The actors of its incidents.
	for _, inc := range incidents {
		_, ns, err := s.graph(ctx, p, inc.ID)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if slices.Contains(actorTypes, n.Type) {
				add(inc.ID, n)
			}
		}
	}
	ls, err := s.links(ctx, p, slices.Compact(slices.Sorted(slices.Values(through))))
	if err != nil {
		return nil, err
	}
	return append(out, ls...), nil
}
