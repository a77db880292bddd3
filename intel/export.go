package intel

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	sstix "warden/sources/stix"
	"warden/stix"
)

// Selection is what an export puts in its bundle. The parts add up: a
// bundle may hold objects by id, a collection's shares, parties and
// requests at once. For narrows all of it to what one counterpart may
// see.
type Selection struct {
	// IDs are objects to export with their closure: every relationship
	// or sighting touching them and the object at its other end, every
	// object that names them in a reference (a report, a note), and
	// everything referenced through *_ref(s), transitively.
	IDs []string
	// Collection exports everything shared in this collection after
	// Since, each object's current version. With no collection, no ids,
	// parties or requests, For and Since export everything shared with
	// that organisation, in any collection, after Since.
	Collection string
	Since      time.Time
	// For is an organisation: the export holds what a counterpart of it
	// would see (no RED, AMBER only if shared with it), whoever asks.
	For string
	// NoRed leaves out every RED object, and every relationship or
	// sighting to one, whoever asks: for a bundle that leaves Warden (a
	// push to a partner), which RED never does.
	NoRed bool
	// Entities are listed or designated parties (LIST:SOURCE_ID), as
	// identity objects.
	Entities []string
	// Requests are cooperation requests, each a grouping of the objects
	// linked to it, with an opinion and a note for each review of its
	// answers.
	Requests []int64
}

// Limits of an export: the objects a selection may reach (ids and their
// closure), and the parties and requests it may name.
const (
	maxExportObjects  = 10000
	maxExportEntities = 1000
	maxExportRequests = 1000
)

// Export writes the selection as a STIX 2.1 bundle: each stored object's
// current version as it was received or written, with its TLP marking
// appended when it carried none, and the marking definitions used. Only
// what the caller (and, with For, that counterpart) may see goes in, and
// with NoRed nothing RED; a relationship or sighting one of whose ends is
// left out is left out too.
// The bundle is validated against the STIX schemas before it is returned:
// Warden never hands out an invalid one. It returns the bundle and the
// number of objects in it.
func (s *Service) Export(ctx context.Context, sel Selection) ([]byte, int, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return nil, 0, err
	}
	if err := sel.check(); err != nil {
		return nil, 0, err
	}
	if len(sel.Entities) > 0 {
		if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
			return nil, 0, err
		}
	}
	if len(sel.Requests) > 0 {
		if _, err := warden.Authorize(ctx, warden.ActRequestsRead); err != nil {
			return nil, 0, err
		}
	}
	x := &exporter{s: s, ctx: ctx, readers: []warden.Principal{p}, noRed: sel.NoRed,
		found: map[string]warden.IntelObject{}, hidden: map[string]bool{}, missing: map[string]bool{}, red: map[string]bool{}, in: map[string]bool{}}
	if sel.For != "" {
		if p.Role == warden.RoleCounterpart && sel.For != p.Org {
			return nil, 0, warden.Errorf(warden.EINVALID, "for: a counterpart exports as its own organisation only")
		}
		if _, err := s.DB.Org(ctx, sel.For); err != nil {
			if warden.ErrorCode(err) == warden.ENOTFOUND {
				return nil, 0, warden.Errorf(warden.EINVALID, "for: no organisation %q", sel.For)
			}
			return nil, 0, err
		}
		x.readers = append(x.readers, warden.Principal{Name: sel.For, Role: warden.RoleCounterpart, Org: sel.For})
	}

	// Requests first: the objects linked to them are seeds of the closure.
	var groups []exportGroup
	seeds := slices.Clone(sel.IDs)
	requests := slices.Clone(sel.Requests)
	slices.Sort(requests)
	for _, id := range slices.Compact(requests) {
		g, err := x.request(id)
		if err != nil {
			return nil, 0, err
		}
		groups = append(groups, g)
		seeds = append(seeds, g.linked...)
	}
	if err := x.closure(seeds, len(sel.IDs)); err != nil {
		return nil, 0, err
	}
	if len(groups) > 0 {
		// The groupings are written by this installation's identity:
		// it goes in with them.
		if x.identity, err = s.identity(ctx); err != nil {
			return nil, 0, err
		}
		if err := x.admit([]string{x.identity}, false); err != nil {
			return nil, 0, err
		}
	}
	if sel.shares() {
		if err := x.shares(p, sel.Collection, sel.For, sel.Since); err != nil {
			return nil, 0, err
		}
	}
	objects, err := x.write()
	if err != nil {
		return nil, 0, err
	}
	if len(sel.Entities) > 0 {
		ids, err := x.entities(sel.Entities)
		if err != nil {
			return nil, 0, err
		}
		objects = append(objects, ids...)
	}
	for _, g := range groups {
		objs, err := x.group(g)
		if err != nil {
			return nil, 0, err
		}
		objects = append(objects, objs...)
	}
	b := stix.Bundle(objects)
	if ps := stix.ValidateBundle(b); len(ps) > 0 {
		return nil, 0, warden.Errorf(warden.EINTERNAL, "export: object %s is not valid STIX at %q: %s", ps[0].Object, ps[0].Path, ps[0].Message)
	}
	return b, len(objects), nil
}

// check refuses a selection that names nothing, or too much, or ids that
// are not STIX ids.
func (sel Selection) check() error {
	if len(sel.IDs) == 0 && len(sel.Entities) == 0 && len(sel.Requests) == 0 && sel.Collection == "" && sel.For == "" {
		return warden.Errorf(warden.EINVALID, "selection: name ids, a collection, an organisation (for), parties or requests")
	}
	if !sel.Since.IsZero() && !sel.shares() {
		return warden.Errorf(warden.EINVALID, "since: applies to a collection, or to an organisation (for) alone")
	}
	if len(sel.IDs) > maxExportObjects {
		return warden.Errorf(warden.EINVALID, "ids: %d, at most %d", len(sel.IDs), maxExportObjects)
	}
	for _, id := range sel.IDs {
		if !stix.ValidID(id, "") {
			return warden.Errorf(warden.EINVALID, "ids: %.100q is not a STIX id (type--UUID)", id)
		}
	}
	if len(sel.Entities) > maxExportEntities {
		return warden.Errorf(warden.EINVALID, "entities: %d, at most %d", len(sel.Entities), maxExportEntities)
	}
	if len(sel.Requests) > maxExportRequests {
		return warden.Errorf(warden.EINVALID, "requests: %d, at most %d", len(sel.Requests), maxExportRequests)
	}
	return nil
}

// shares reports whether the selection exports shares: a collection's,
// or, when For is all it names, everything shared with that organisation.
func (sel Selection) shares() bool {
	return sel.Collection != "" || (sel.For != "" && len(sel.IDs) == 0 && len(sel.Entities) == 0 && len(sel.Requests) == 0)
}

// exporter gathers the objects of one export.
type exporter struct {
	s        *Service
	ctx      context.Context
	readers  []warden.Principal // the caller and, with For, that counterpart: each must see what goes out
	noRed    bool               // Selection.NoRed
	red      map[string]bool    // visible, but left out as RED (NoRed)
	identity string             // the installation's identity, which writes the requests' groupings

	found   map[string]warden.IntelObject // loaded and visible to every reader
	hidden  map[string]bool               // stored, but not visible to a reader
	missing map[string]bool               // not stored
	in      map[string]bool               // in the bundle
	out     []warden.IntelObject
}

// load reads the ids not read yet and sorts them into found, hidden and
// missing.
func (x *exporter) load(ids []string) error {
	var todo []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := x.found[id]; !ok && !x.hidden[id] && !x.missing[id] && !seen[id] {
			seen[id] = true
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	objs, err := x.s.DB.IntelCurrent(x.ctx, todo)
	if err != nil {
		return err
	}
	visible := make([]warden.IntelObject, 0, len(objs))
	for _, id := range todo {
		if o, ok := objs[id]; ok {
			visible = append(visible, o)
		} else {
			x.missing[id] = true
		}
	}
	for i, r := range x.readers {
		if visible, err = x.s.visible(x.ctx, r, visible); err != nil {
			return err
		}
		if i == 0 && x.noRed { // RED the caller sees is told as RED, not as missing
			visible = slices.DeleteFunc(visible, func(o warden.IntelObject) bool {
				if o.TLP != warden.TLPRed {
					return false
				}
				x.red[o.ID] = true
				return true
			})
		}
	}
	for _, o := range visible {
		x.found[o.ID] = o
	}
	for id, o := range objs {
		if _, ok := x.found[id]; !ok {
			x.hidden[o.ID] = true
		}
	}
	return nil
}

// closure puts in the seeds, what refers to them, and what all of these
// reference, transitively. The first strict seeds must be there: one that
// is not stored or not visible is ENOTFOUND; the others (the objects
// linked to a request) are left out quietly when the reader may not see
// them.
func (x *exporter) closure(seeds []string, strict int) error {
	if len(seeds) == 0 {
		return nil
	}
	if err := x.load(seeds); err != nil {
		return err
	}
	var visible []string
	for i, id := range seeds {
		if _, ok := x.found[id]; ok {
			visible = append(visible, id)
		} else if i < strict && x.red[id] {
			return warden.Errorf(warden.EINVALID, "ids: %s is TLP:RED: it never leaves Warden", id)
		} else if i < strict {
			return warden.Errorf(warden.ENOTFOUND, "no object %s", id)
		}
	}
	referrers, err := x.s.DB.ExportReferrers(x.ctx, visible)
	if err != nil {
		return err
	}
	return x.admit(append(visible, referrers...), true)
}

// shares puts in what is shared in collection (or, with collection "",
// with org in any collection) after since. A counterpart reads only the
// collections of its organisation.
func (x *exporter) shares(p warden.Principal, collection, org string, since time.Time) error {
	if collection != "" {
		c, err := x.s.DB.IntelCollection(x.ctx, collection)
		if err != nil {
			return err
		}
		if p.Role == warden.RoleCounterpart && (!c.CanRead || !slices.Contains(c.Orgs, p.Org)) {
			return warden.Errorf(warden.ENOTFOUND, "no collection %q", collection)
		}
	}
	ids, err := x.s.DB.ExportShares(x.ctx, collection, org, since)
	if err != nil {
		return err
	}
	if err := x.load(ids); err != nil {
		return err
	}
	return x.admit(ids, false)
}

// admit puts in the ids that are visible: a relationship or a sighting
// only when none of its ends is left out. With follow, what the admitted
// objects reference comes in too, transitively; without, only the
// identities that created them (created_by_ref), so that no bundle names
// a creator it does not hold, if it is stored and visible.
func (x *exporter) admit(ids []string, follow bool) error {
	for len(ids) > 0 {
		if err := x.load(ids); err != nil {
			return err
		}
		var cands []warden.IntelObject
		var ends []string
		for _, id := range ids {
			if o, ok := x.found[id]; ok && !x.in[id] {
				cands = append(cands, o)
				ends = append(ends, exportEnds(o)...)
			}
		}
		if err := x.load(ends); err != nil {
			return err
		}
		var next []string
		for _, o := range cands {
			if x.in[o.ID] || slices.ContainsFunc(exportEnds(o), func(id string) bool { return x.hidden[id] }) {
				continue
			}
			x.in[o.ID] = true
			x.out = append(x.out, o)
			if follow {
				next = append(next, exportRefs(o.Object)...)
			} else if by := createdBy(o.Object); by != "" {
				next = append(next, by) // who wrote it, named by it, comes with it
			}
		}
		if len(x.out) > maxExportObjects {
			return warden.Errorf(warden.EINVALID, "selection: reaches more than %d objects; export fewer (fewer ids, a later since)", maxExportObjects)
		}
		ids = next
	}
	return nil
}

// createdBy returns an object's created_by_ref, "" if none.
func createdBy(raw json.RawMessage) string {
	var v struct {
		By string `json:"created_by_ref"`
	}
	json.Unmarshal(raw, &v)
	return v.By
}

// exportEnds returns the ends of a relationship (source and target) or a
// sighting (what was sighted, where, and the observed data), nothing for
// other objects.
func exportEnds(o warden.IntelObject) []string {
	if o.Type != "relationship" && o.Type != "sighting" {
		return nil
	}
	var v struct {
		Source   string   `json:"source_ref"`
		Target   string   `json:"target_ref"`
		Of       string   `json:"sighting_of_ref"`
		Where    []string `json:"where_sighted_refs"`
		Observed []string `json:"observed_data_refs"`
	}
	if json.Unmarshal(o.Object, &v) != nil {
		return nil
	}
	var ends []string
	for _, id := range append([]string{v.Source, v.Target, v.Of}, append(v.Where, v.Observed...)...) {
		if id != "" {
			ends = append(ends, id)
		}
	}
	return ends
}

// exportRefs returns the ids an object references through its *_ref and
// *_refs properties, at any depth (an email-message's body parts), but not
// its markings, which the bundle carries apart.
func exportRefs(raw json.RawMessage) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				switch {
				case k == "object_marking_refs" || k == "granular_markings":
				case strings.HasSuffix(k, "_ref"):
					if id, ok := e.(string); ok && stix.ValidID(id, "") {
						refs = append(refs, id)
					}
				case strings.HasSuffix(k, "_refs"):
					if ids, ok := e.([]any); ok {
						for _, id := range ids {
							if id, ok := id.(string); ok && stix.ValidID(id, "") {
								refs = append(refs, id)
							}
						}
					}
				default:
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	slices.Sort(refs)
	return slices.Compact(refs)
}

// exportMarkings returns the ids of the marking definitions an object
// uses: its object_marking_refs and its granular markings'.
func exportMarkings(raw json.RawMessage) []string {
	var v struct {
		Refs     []string `json:"object_marking_refs"`
		Granular []struct {
			Ref string `json:"marking_ref"`
		} `json:"granular_markings"`
	}
	json.Unmarshal(raw, &v)
	for _, g := range v.Granular {
		if g.Ref != "" {
			v.Refs = append(v.Refs, g.Ref)
		}
	}
	return v.Refs
}

// write returns the stored objects put in, in the order they were stored,
// after the marking definitions they use (as stored, or, for the TLP 1.0
// and 2.0 ones, as defined): each as stored, with its TLP
// marking appended when it carried none (but for marking definitions,
// which are CLEAR).
func (x *exporter) write() ([]json.RawMessage, error) {
	slices.SortFunc(x.out, func(a, b warden.IntelObject) int { return cmp.Compare(a.Seq, b.Seq) })
	var objects, markings []json.RawMessage
	var used []string
	for _, o := range x.out {
		raw := o.Object
		if o.Type != "marking-definition" {
			var changed bool
			if raw, changed = stix.WithTLP(raw, o.TLP); changed {
				used = append(used, stix.TLPMarkingID(o.TLP))
			}
		}
		used = append(used, exportMarkings(raw)...)
		objects = append(objects, raw)
	}
	if err := x.load(used); err != nil {
		return nil, err
	}
	for _, id := range used {
		if x.in[id] {
			continue
		}
		if o, ok := x.found[id]; ok && o.Type == "marking-definition" {
			markings = append(markings, o.Object)
			x.in[id] = true
		} else if def, ok := stix.MarkingDefinition(id); ok {
			markings = append(markings, def)
			x.in[id] = true
		}
	}
	return append(markings, objects...), nil
}

// entities returns the parties as identity objects, written by the
// list's STIX writer (with the relationships of their links to one
// another), TLP CLEAR: lists are public. Each is dated by the list
// version its listing dates from, so that it keeps its dates between
// exports while its listing does not change.
func (x *exporter) entities(ids []string) ([]json.RawMessage, error) {
	var es []*warden.Entity
	var t time.Time
	for _, id := range ids {
		e, err := x.s.DB.Entity(x.ctx, id, 0)
		if err != nil {
			if warden.ErrorCode(err) == warden.EINVALID {
				return nil, warden.Errorf(warden.EINVALID, "entities: %s", warden.ErrorMessage(err))
			}
			return nil, err
		}
		list, sid, _ := strings.Cut(id, ":")
		e.List, e.SourceID, e.ID = list, sid, warden.EntityID(list, sid)
		at, err := x.s.DB.ListVersionTime(x.ctx, list, e.Version)
		if err != nil {
			return nil, err
		}
		t = exportLater(t, at)
		es = append(es, e)
	}
	var buf bytes.Buffer
	w := sstix.NewWriter(&buf, "export", t)
	for _, e := range es {
		if err := w.Write(e); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		return nil, fmt.Errorf("export parties: %w", err)
	}
	var out []json.RawMessage
	seen := map[string]bool{}
	for _, o := range b.Objects {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(o, &id); seen[id.ID] || x.in[id.ID] {
			continue // a party named twice, or stored as an identity already
		}
		seen[id.ID] = true
		o, _ = stix.WithTLP(o, warden.TLPClear)
		out = append(out, o)
	}
	if len(out) > 0 && !x.in[stix.TLPMarkingID(warden.TLPClear)] {
		out = append([]json.RawMessage{stix.TLPMarking(warden.TLPClear)}, out...)
		x.in[stix.TLPMarkingID(warden.TLPClear)] = true
	}
	return out, nil
}

// exportGroup is a request to export, with its reviews and the objects
// linked to it.
type exportGroup struct {
	r       warden.Request
	reviews []warden.Review
	linked  []string
}

// request reads request id for the export: ENOTFOUND unless every reader
// may see it (a counterpart: a request of its organisation's, sent).
func (x *exporter) request(id int64) (exportGroup, error) {
	r, err := x.s.DB.Request(x.ctx, id)
	if err != nil {
		return exportGroup{}, err
	}
	for _, p := range x.readers {
		if p.Role == warden.RoleCounterpart && (r.Counterpart != p.Org || r.Direction == warden.Outgoing && r.SentAt == nil) {
			return exportGroup{}, warden.Errorf(warden.ENOTFOUND, "no request %d", id)
		}
	}
	g := exportGroup{r: r}
	if g.reviews, err = x.s.DB.RequestReviews(x.ctx, id); err != nil {
		return g, err
	}
	links, err := x.s.DB.IntelLinksTo(x.ctx, warden.LinkRequest, strconv.FormatInt(id, 10))
	for _, l := range links {
		g.linked = append(g.linked, l.Object)
	}
	return g, err
}

// exportCore is what the objects Warden writes of a request share: the
// common properties, the objects they are about and their markings.
type exportCore struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	CreatedBy   string   `json:"created_by_ref,omitempty"`
	ObjectRefs  []string `json:"object_refs"`
	Markings    []string `json:"object_marking_refs"`
}

// core is the common part of an object of type typ named key (its id
// derives from it), written by by about refs.
func core(typ, key string, created, modified time.Time, by string, refs, markings []string) exportCore {
	return exportCore{Type: typ, SpecVersion: "2.1", ID: sstix.ID(typ, key), Created: stix.Timestamp(created), Modified: stix.Timestamp(modified),
		CreatedBy: by, ObjectRefs: refs, Markings: markings}
}

// exportGrouping is a cooperation request as STIX writes it.
type exportGrouping struct {
	exportCore
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Context     string `json:"context"`
	Kind        string `json:"x_warden_request_type"`
	Direction   string `json:"x_warden_direction"`
	Counterpart string `json:"x_warden_counterpart"`
	Status      string `json:"x_warden_status"`
	Offence     string `json:"x_warden_offence,omitempty"`
}

// exportOpinion is a review's mean rating as a STIX opinion.
type exportOpinion struct {
	exportCore
	Explanation string `json:"explanation,omitempty"`
	Opinion     string `json:"opinion"`
}

// exportNote is a review's rubric and use as a STIX note.
type exportNote struct {
	exportCore
	Abstract string        `json:"abstract"`
	Content  string        `json:"content"`
	Rubric   warden.Rubric `json:"x_warden_rubric"`
	Use      warden.Use    `json:"x_warden_use"`
	Response string        `json:"x_warden_response,omitempty"`
}

// opinions maps a rounded mean rating, 1 to 5, to STIX's opinion scale.
var opinions = [...]string{1: "strongly-disagree", 2: "disagree", 3: "neutral", 4: "agree", 5: "strongly-agree"}

// group writes a request as a grouping of the objects linked to it that
// are in the bundle (the installation's identity when there are none,
// since a grouping names at least one object), TLP AMBER, and each review of
// its answers as an opinion (the mean rating) and a note (the rubric per
// criterion and the use). The ids derive from the request's and the
// reviews' ids, so that a second export gives the same ones.
func (x *exporter) group(g exportGroup) ([]json.RawMessage, error) {
	amber := []string{stix.TLPMarkingID(warden.TLPAmber)}
	var out []json.RawMessage
	if !x.in[amber[0]] {
		x.in[amber[0]] = true
		out = append(out, stix.TLPMarking(warden.TLPAmber))
	}
	r := g.r
	by := ""
	if r.Direction == warden.Outgoing {
		by = x.identity // the authority asked, and rates the answers
	}
	var refs []string
	for _, id := range g.linked {
		if x.in[id] {
			refs = append(refs, id)
		}
	}
	if len(refs) == 0 {
		refs = []string{x.identity}
	}
	group := core("grouping", "request:"+strconv.FormatInt(r.ID, 10), r.CreatedAt, exportLater(r.UpdatedAt, r.CreatedAt), x.identity, refs, amber)
	objs := []any{exportGrouping{exportCore: group, Name: r.Reference, Description: r.Facts, Context: "suspicious-activity",
		Kind: string(r.Type), Direction: string(r.Direction), Counterpart: r.Counterpart, Status: string(r.Status), Offence: r.Offence}}
	for _, v := range g.reviews {
		key := "review:" + strconv.FormatInt(v.ID, 10)
		mean := v.Rubric.Mean()
		opinion := core("opinion", key, v.At, v.At, by, []string{group.ID}, amber)
		objs = append(objs, exportOpinion{exportCore: opinion, Explanation: v.Comments, Opinion: opinions[min(5, max(1, int(math.Round(mean))))]})
		modified := v.At
		if v.RespondedAt != nil {
			modified = exportLater(modified, *v.RespondedAt)
		}
		objs = append(objs, exportNote{exportCore: core("note", key, v.At, modified, by, []string{group.ID, opinion.ID}, amber),
			Abstract: "Review of the answer to " + r.Reference,
			Content: fmt.Sprintf("Completeness: %d/5\nAccuracy: %d/5\nActionability: %d/5\nUpdates: %d/5\nMean: %.2f\nUse: %s",
				v.Rubric.Completeness, v.Rubric.Accuracy, v.Rubric.Actionability, v.Rubric.Updates, mean, v.Use),
			Rubric: v.Rubric, Use: v.Use, Response: v.Response})
	}
	for _, o := range objs {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("export request %d: %w", r.ID, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// exportLater returns the later of two times.
func exportLater(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
