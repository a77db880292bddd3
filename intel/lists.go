package intel

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"warden"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
)

// listIndicator is the STIX indicator Warden writes for a value a listed
// party carries.
type listIndicator struct {
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	ID                string   `json:"id"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	CreatedByRef      string   `json:"created_by_ref"`
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	IndicatorTypes    []string `json:"indicator_types"`
	Pattern           string   `json:"pattern"`
	PatternType       string   `json:"pattern_type"`
	ValidFrom         string   `json:"valid_from"`
	Revoked           bool     `json:"revoked,omitempty"`
	Labels            []string `json:"labels"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
	// ListKey is the list, party, kind and value the indicator observes
	// ("list:ofac:26137:email:a@b.example"): what finds it again when
	// its id is no longer the key's first (listKeyID).
	ListKey string `json:"x_warden_list_key,omitempty"`
}

// wanted is an indicator a list's current version calls for.
type wanted struct {
	key, entity, name, program string
	obs                        warden.Observable
}

// listKeyID is the id of the indicator of a list key: derived from the
// key alone the first time it is listed, from the key and the list
// version that brought it back after a revocation (STIX revocation is
// permanent: a revoked id is never current again).
func listKeyID(key string, version int) string {
	if version == 0 {
		return sstix.ID("indicator", key)
	}
	return sstix.ID("indicator", fmt.Sprintf("%s@%d", key, version))
}

// cyber reports whether a party is listed under a cyber program (OFAC's
// CYBER, CYBER2, CYBER3...).
func cyber(programs []string) (string, bool) {
	for _, p := range programs {
		if strings.HasPrefix(strings.ToUpper(p), "CYBER") {
			return p, true
		}
	}
	return "", false
}

// chains maps the currency tickers lists write to the chains indicators
// name.
var chains = map[string]string{"XBT": "BTC"}

// website reads a listed website as a domain: without scheme, path, port
// and a leading www.
func website(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if i := strings.IndexAny(v, "/?#"); i >= 0 {
		v = v[:i]
	}
	if i := strings.LastIndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimPrefix(v, "www.")
}

// observe reads what a listed identifier observes, if it is an e-mail
// address, a website or a digital currency address Warden can read.
func observe(id warden.Identifier) (warden.Observable, bool) {
	var kind warden.IndicatorKind
	v := id.Value
	switch id.Type {
	case warden.IDEmail:
		kind = warden.KindEmail
	case warden.IDWebsite:
		kind, v = warden.KindDomain, website(v)
	case warden.IDCrypto:
		kind = warden.KindWallet
	default:
		return warden.Observable{}, false
	}
	o, err := stix.Normalise(kind, v)
	if err != nil {
		return o, false
	}
	if kind == warden.KindWallet && o.Chain == "" && id.Currency != "" {
		o.Chain = cmp.Or(chains[strings.ToUpper(id.Currency)], strings.ToUpper(id.Currency))
	}
	return o, true
}

// SyncListIndicators makes indicators of the e-mail addresses, websites
// (as domains) and digital currency addresses of every party of every
// list listed under a cyber program, so that a payment carrying one is
// held with the party named even where screening by name and wallet does
// not stop it. The indicators are TLP:CLEAR (the lists are public), from
// source "list:NAME", with ids derived from the list, party, kind and
// value (the same every run and on every node), named "<party> (<list>)"
// and linked to their party; those whose party or value left the list are
// revoked, for good: if it returns, a new indicator (its id derived also
// from the list version that brought it back) observes it. A list is read
// again only when its current version moved, so that the periodic job is
// cheap; it returns how many indicator versions it stored.
func (s *Service) SyncListIndicators(ctx context.Context) (int, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelManage)
	if err != nil {
		return 0, err
	}
	lists, err := s.DB.Lists(ctx)
	if err != nil {
		return 0, err
	}
	done, err := s.DB.ListIndicatorVersions(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range lists {
		if l.CurrentVersion == 0 || done[l.Name] == l.CurrentVersion {
			continue
		}
		k, err := s.syncList(ctx, p, l)
		n += k
		if err != nil {
			return n, fmt.Errorf("list %s: %w", l.Name, err)
		}
	}
	if n > 0 && s.Index != nil {
		s.Index.Invalidate()
	}
	return n, nil
}

// syncList brings the indicators of one list to its current version.
func (s *Service) syncList(ctx context.Context, p warden.Principal, l warden.List) (int, error) {
	want := map[string]wanted{}
	err := s.DB.Entities(ctx, l.Name, l.CurrentVersion, func(e *warden.Entity) error {
		prog, ok := cyber(e.Programs)
		if !ok {
			return nil
		}
		for _, id := range e.Identifiers {
			o, ok := observe(id)
			if !ok {
				continue
			}
			key := fmt.Sprintf("list:%s:%s:%s:%s", l.Name, e.SourceID, o.Kind, o.Value)
			want[key] = wanted{key: key, entity: warden.EntityID(l.Name, e.SourceID), name: fmt.Sprintf("%s (%s)", e.Caption(), l.Name), program: prog, obs: o}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	have, err := s.DB.ListIndicatorState(ctx, l.Name)
	if err != nil {
		return 0, err
	}
	// The indicators of each key: the one of its first id (which older
	// indicators carry without x_warden_list_key) and those minted when
	// it came back.
	byKey := map[string][]warden.IntelObject{}
	for _, h := range have {
		var li listIndicator
		if err := json.Unmarshal(h.Object, &li); err != nil {
			return 0, fmt.Errorf("indicator %s: %w", h.ID, err)
		}
		if li.ListKey != "" && li.ID != listKeyID(li.ListKey, 0) {
			byKey[li.ListKey] = append(byKey[li.ListKey], h)
		}
	}
	now := s.now().Truncate(time.Millisecond) // STIX timestamps keep milliseconds
	identity, err := s.identity(ctx)
	if err != nil {
		return 0, err
	}
	var vs []store.IntelVersion
	var links []warden.IntelLink
	current := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		w := want[key]
		hs := byKey[key]
		if h, ok := have[listKeyID(key, 0)]; ok {
			hs = append(hs, h)
		}
		id := listKeyID(key, 0)
		if len(hs) > 0 {
			id = listKeyID(key, l.CurrentVersion)
		}
		if i := slices.IndexFunc(hs, func(h warden.IntelObject) bool { return !h.Revoked }); i >= 0 {
			id = hs[i].ID
		}
		current[id] = true
		links = append(links, warden.IntelLink{Object: id, Kind: warden.LinkEntity, Ref: w.entity, Note: "listed under " + w.program, CreatedBy: p.Name, CreatedAt: now})
		if _, ok := have[id]; ok {
			continue // in force, or (a list version synced twice) revoked for good
		}
		li := listIndicator{Type: "indicator", SpecVersion: "2.1", ID: id, Created: stix.Timestamp(now), Modified: stix.Timestamp(now), CreatedByRef: identity,
			Name: w.name, Description: fmt.Sprintf("%s of %s, listed on %s under %s.", kindWord[w.obs.Kind], w.entity, l.Name, w.program),
			IndicatorTypes: []string{"attribution"}, Pattern: stix.Pattern(w.obs), PatternType: "stix", ValidFrom: stix.Timestamp(now),
			Labels: []string{"list:" + l.Name, w.program}, ObjectMarkingRefs: []string{stix.TLPMarkingID(warden.TLPClear)}, ListKey: key}
		v, err := listVersion(li, l.Name, now, now, &w.obs)
		if err != nil {
			return 0, err
		}
		vs = append(vs, v)
	}
	for _, id := range slices.Sorted(maps.Keys(have)) {
		h := have[id]
		if current[id] || h.Revoked {
			continue
		}
		var li listIndicator
		if err := json.Unmarshal(h.Object, &li); err != nil {
			return 0, fmt.Errorf("indicator %s: %w", id, err)
		}
		modified := later(h.Modified, now)
		li.Modified, li.Revoked = stix.Timestamp(modified), true
		v, err := listVersion(li, l.Name, h.Created, modified, nil)
		if err != nil {
			return 0, err
		}
		vs = append(vs, v)
	}
	ev := warden.NewAuditEvent(ctx, "intel.lists", "list:"+l.Name, "", map[string]any{"version": l.CurrentVersion, "indicators": len(want), "stored": len(vs)})
	if err := s.DB.WriteListIndicators(ctx, l.Name, l.CurrentVersion, vs, links, now, ev); err != nil {
		return 0, err
	}
	return len(vs), nil
}

var kindWord = map[warden.IndicatorKind]string{warden.KindEmail: "E-mail address", warden.KindDomain: "Website", warden.KindWallet: "Digital currency address"}

// listVersion is the version to store of a list indicator; obs nil for a
// revoked one. That Warden wrote it (created_by_ref) is no edge of the
// graph, as for what people record.
func listVersion(li listIndicator, list string, created, modified time.Time, obs *warden.Observable) (store.IntelVersion, error) {
	raw, err := json.Marshal(li)
	if err != nil {
		return store.IntelVersion{}, err
	}
	v := store.IntelVersion{Spec: "2.1",
		Object: warden.IntelObject{ID: li.ID, Type: "indicator", Name: li.Name, TLP: warden.TLPClear, Created: created, Modified: modified, Source: "list:" + list, Revoked: li.Revoked, Object: raw}}
	if obs != nil {
		v.Observables = []store.IntelObservable{{Observable: *obs, ValidFrom: created}}
	}
	return v, nil
}

// later is now, or just after t if now is not after it: a new version
// must be modified after the one it follows.
func later(t, now time.Time) time.Time {
	if now.After(t) {
		return now
	}
	return t.Add(time.Millisecond)
}
