package intel

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/stix"
	"warden/store"

	sstix "warden/sources/stix"
)

// Input is an object a person records, or an edit of one: its STIX type,
// its marking and its STIX properties.
type Input struct {
	// Type is one of NativeTypes; on Update, empty or the object's own.
	Type string
	// TLP marks the object: required to create; on Update, empty keeps
	// the marking it has.
	TLP warden.TLP
	// Fields are STIX properties (name, description, aliases, pattern,
	// valid_from, relationship_type, source_ref, target_ref, confidence,
	// object_refs, x_warden_status, ...). On Update they are merged over
	// the current version; a null value removes a property.
	Fields map[string]any
	// Observable, for an indicator given no pattern, is what it observes:
	// Warden writes the pattern.
	Observable *warden.Observable
}

// NativeTypes are the types people record through the API and pages.
var NativeTypes = []string{"incident", "threat-actor", "intrusion-set", "indicator", "infrastructure", "malware", "report", "relationship", "identity", "note", "opinion"}

// reserved are the properties Warden writes itself.
var reserved = []string{"type", "id", "spec_version", "created", "modified", "created_by_ref", "object_marking_refs", "revoked"}

// Incident states (x_warden_status).
var incidentStates = []string{"open", "contained", "closed"}

// Limits of what a person writes.
const (
	maxFields    = 100
	maxFieldJSON = 256 << 10 // bytes of an object's JSON
	maxReason    = 1000
	maxName      = 1000 // characters of a name or alias
)

// legacyAuthority is the identity every Warden signed what it wrote with
// before each installation drew its own (a UUIDv5 of a constant, the
// same everywhere): reserved, so that no import stores an object under
// it. Objects written then keep it.
var legacyAuthority = sstix.ID("identity", "warden-authority")

// identityName names the installation's identity when it is made; an
// edit of the identity object (Update) renames it.
const identityName = "Warden authority"

// identity returns the STIX id of this installation's identity, the
// created_by_ref of every object Warden writes, making it when first
// needed: an identity object (class organization, TLP CLEAR, so that
// every reader and partner may see who wrote what) with a random id,
// stored and audited once per installation.
func (s *Service) identity(ctx context.Context) (string, error) {
	id, err := s.DB.IntelIdentity(ctx)
	if err != nil || id != "" {
		return id, err
	}
	now := s.now()
	at := stix.Timestamp(now)
	raw, err := json.Marshal(map[string]any{"type": "identity", "spec_version": "2.1", "id": stix.NewID("identity"), "created": at, "modified": at,
		"name": identityName, "identity_class": "organization", "object_marking_refs": []string{stix.TLPMarkingID(warden.TLPClear)}})
	if err != nil {
		return "", warden.Errorf(warden.EINTERNAL, "identity: %w", err)
	}
	objs, problems, err := stix.Parse(bytes.NewReader(raw))
	if err != nil || len(problems) > 0 || len(objs) != 1 {
		return "", warden.Errorf(warden.EINTERNAL, "identity: not a STIX object: %v %s", err, problemText(problems))
	}
	r := readOne(objs[0], warden.TLPClear, "warden")
	if len(r.problems) > 0 {
		return "", warden.Errorf(warden.EINTERNAL, "identity: %s", problemText(r.problems))
	}
	ev := warden.NewAuditEvent(ctx, "intel.identity", r.version.Object.ID, "", map[string]any{"name": identityName})
	return s.DB.CreateIntelIdentity(ctx, r.version, now, ev)
}

// notIdentity is EINVALID with msg if id is the installation's identity.
func (s *Service) notIdentity(ctx context.Context, id, msg string) error {
	by, err := s.DB.IntelIdentity(ctx)
	if err != nil {
		return err
	}
	if id == by {
		return warden.Errorf(warden.EINVALID, "%s", msg)
	}
	return nil
}

// Create records a new object (intel.write), written as a STIX 2.1
// object (id type--UUIDv4, created and modified now, created by the
// installation's identity, marked with its TLP) that validates against the schema of
// its type, audited. Every object it references (source_ref, target_ref,
// object_refs, ...) must be one the caller sees. EINVALID names the
// property that is wrong (pattern, for an indicator's pattern Warden
// cannot parse).
func (s *Service) Create(ctx context.Context, in Input) (warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelObject{}, err
	}
	if !slices.Contains(NativeTypes, in.Type) {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "type: %q is not one of %s", in.Type, strings.Join(NativeTypes, ", "))
	}
	if in.TLP == "" {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "tlp: required")
	}
	if in.TLP.Rank() < 0 {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "tlp: %q is not one of clear, green, amber, amber+strict, red", in.TLP)
	}
	now := s.now()
	at := stix.Timestamp(now)
	m := map[string]any{}
	if err := merge(m, in.Fields); err != nil {
		return warden.IntelObject{}, err
	}
	if err := checkWritten(in.Type, m, in.Fields); err != nil {
		return warden.IntelObject{}, err
	}
	if err := indicatorDefaults(m, in, at); err != nil {
		return warden.IntelObject{}, err
	}
	by, err := s.identity(ctx)
	if err != nil {
		return warden.IntelObject{}, err
	}
	m["type"], m["spec_version"], m["id"] = in.Type, "2.1", stix.NewID(in.Type)
	m["created"], m["modified"], m["created_by_ref"] = at, at, by
	m["object_marking_refs"] = []string{stix.TLPMarkingID(in.TLP)}
	v, err := s.native(ctx, p, m, in.TLP, nil)
	if err != nil {
		return warden.IntelObject{}, err
	}
	ev := warden.NewAuditEvent(ctx, "intel.create", v.Object.ID, "", map[string]any{"type": in.Type, "tlp": v.Object.TLP, "name": v.Object.Name})
	return s.store(ctx, v, now, ev)
}

// Update records a new version of an object the caller sees
// (intel.write): its current version with in.Fields merged over it and,
// if in.TLP is set, that marking instead of its own, modified now,
// audited. ECONFLICT if another version became current meanwhile.
func (s *Service) Update(ctx context.Context, id string, in Input) (warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelObject{}, err
	}
	cur, err := s.objectWhole(ctx, p, id)
	if err != nil {
		return warden.IntelObject{}, err
	}
	if in.Type != "" && in.Type != cur.Type {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "type: %s is a %s, not a %s", id, cur.Type, in.Type)
	}
	if cur.Revoked {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "id: %s is revoked: a revoked object has no further versions", id)
	}
	tlp := cur.TLP
	if in.TLP != "" {
		if in.TLP.Rank() < 0 {
			return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "tlp: %q is not one of clear, green, amber, amber+strict, red", in.TLP)
		}
		tlp = in.TLP
	}
	if cur.Opaque {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "type: %s is a %s, which Warden keeps as received and does not edit", id, cur.Type)
	}
	now := s.now()
	m, err := s.next(cur, now, tlp)
	if err != nil {
		return warden.IntelObject{}, err
	}
	before := maps.Clone(m)
	if err := merge(m, in.Fields); err != nil {
		return warden.IntelObject{}, err
	}
	if err := checkWritten(cur.Type, m, in.Fields); err != nil {
		return warden.IntelObject{}, err
	}
	if in.Observable != nil {
		if err := indicatorDefaults(m, in, stix.Timestamp(now)); err != nil {
			return warden.IntelObject{}, err
		}
	}
	v, err := s.native(ctx, p, m, tlp, &cur)
	if err != nil {
		return warden.IntelObject{}, err
	}
	if v.Object.TLP != cur.TLP {
		if err := s.notIdentity(ctx, id, "tlp: the installation's identity stays CLEAR, so that every reader and partner sees who wrote what"); err != nil {
			return warden.IntelObject{}, err
		}
	}
	v.Expect = &cur.Modified
	v.Object.Source = cur.Source
	ev := warden.NewAuditEvent(ctx, "intel.update", id, "", map[string]any{"fields": changedFields(before, m), "tlp_from": cur.TLP, "tlp": v.Object.TLP})
	return s.store(ctx, v, now, ev)
}

// Revoke records a new version of an object the caller sees with revoked
// true (intel.write), audited with the reason: a revoked indicator no
// longer screens, and a revoked object's references and relationships
// leave the graph. EINVALID if it is revoked already.
func (s *Service) Revoke(ctx context.Context, id, reason string) (warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelObject{}, err
	}
	if warden.Blank(reason) {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "reason: required: a revocation is for good, and says why")
	}
	if err := warden.CheckText(warden.TextNote, "reason", reason, maxReason); err != nil {
		return warden.IntelObject{}, err
	}
	cur, err := s.objectWhole(ctx, p, id)
	if err != nil {
		return warden.IntelObject{}, err
	}
	if cur.Revoked {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "id: %s is revoked already", id)
	}
	if err := s.notIdentity(ctx, id, "id: the installation's identity signs what Warden writes and is not revoked"); err != nil {
		return warden.IntelObject{}, err
	}
	if cur.Opaque {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "type: %s is a %s, which Warden keeps as received and does not edit", id, cur.Type)
	}
	now := s.now()
	m, err := s.next(cur, now, cur.TLP)
	if err != nil {
		return warden.IntelObject{}, err
	}
	m["revoked"] = true
	v, err := s.native(ctx, p, m, cur.TLP, &cur)
	if err != nil {
		return warden.IntelObject{}, err
	}
	v.Expect = &cur.Modified
	v.Object.Source = cur.Source
	ev := warden.NewAuditEvent(ctx, "intel.revoke", id, reason, nil)
	return s.store(ctx, v, now, ev)
}

// Relate records a relationship (intel.write): source -relType-> target,
// with a confidence (0 to 100; negative: not given) and a description,
// both ends objects the caller sees, audited.
func (s *Service) Relate(ctx context.Context, source, relType, target string, confidence int, description string, tlp warden.TLP) (warden.IntelObject, error) {
	if confidence > 100 {
		return warden.IntelObject{}, warden.Errorf(warden.EINVALID, "confidence: %d is not between 0 and 100", confidence)
	}
	f := map[string]any{"source_ref": source, "relationship_type": relType, "target_ref": target}
	if confidence >= 0 {
		f["confidence"] = confidence
	}
	if description != "" {
		f["description"] = description
	}
	return s.Create(ctx, Input{Type: "relationship", TLP: tlp, Fields: f})
}

// next is the JSON of the version after cur: its properties, modified
// now (or a millisecond after cur's, so that it sorts after), marked
// tlp in place of any TLP marking it had.
func (s *Service) next(cur warden.IntelObject, now time.Time, tlp warden.TLP) (map[string]any, error) {
	m := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(cur.Object))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, warden.Errorf(warden.EINTERNAL, "object %s: stored JSON unreadable: %w", cur.ID, err)
	}
	mod := now.Truncate(time.Millisecond)
	if !mod.After(cur.Modified) {
		mod = cur.Modified.Truncate(time.Millisecond).Add(time.Millisecond)
	}
	m["modified"] = stix.Timestamp(mod)
	if _, ok := m["created"]; !ok {
		m["created"] = stix.Timestamp(cur.Created)
	}
	refs := []string{}
	if old, ok := m["object_marking_refs"].([]any); ok {
		for _, r := range old {
			if id, ok := r.(string); ok && !stix.IsTLPMarking(id) {
				refs = append(refs, id)
			}
		}
	}
	m["object_marking_refs"] = append(refs, stix.TLPMarkingID(tlp))
	return m, nil
}

// merge sets fields over m: a null value removes a property. EINVALID
// for a property Warden writes itself, too many, or too large.
func merge(m, fields map[string]any) error {
	if len(fields) > maxFields {
		return warden.Errorf(warden.EINVALID, "fields: more than %d", maxFields)
	}
	for k, v := range fields {
		if slices.Contains(reserved, k) {
			return warden.Errorf(warden.EINVALID, "%s: written by Warden, not settable", k)
		}
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return nil
}

// changedFields returns the names of the properties whose values differ
// between two versions' JSON, but for modified, which always does, and
// the markings, which the audit tells as TLPs.
func changedFields(before, after map[string]any) []string {
	var out []string
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	for k, v := range after {
		a, _ := json.Marshal(before[k])
		b, _ := json.Marshal(v)
		if _, had := before[k]; !had || !bytes.Equal(a, b) {
			out = append(out, k)
		}
	}
	out = slices.DeleteFunc(out, func(k string) bool { return k == "modified" || k == "object_marking_refs" })
	slices.Sort(out)
	return out
}

// indicatorDefaults fills an indicator's pattern from its Observable,
// and its pattern type and validity start when not given.
func indicatorDefaults(m map[string]any, in Input, at string) error {
	typ := in.Type
	if typ == "" {
		typ, _ = m["type"].(string)
	}
	if in.Observable != nil {
		if typ != "indicator" {
			return warden.Errorf(warden.EINVALID, "observable: only an indicator observes a value")
		}
		if in.Fields["pattern"] == nil {
			o, err := stix.Normalise(in.Observable.Kind, in.Observable.Value)
			if err != nil {
				return warden.Errorf(warden.EINVALID, "observable: %w", err)
			}
			if o.Chain == "" {
				o.Chain = in.Observable.Chain
			}
			m["pattern"] = stix.Pattern(o)
			m["pattern_type"] = "stix"
		}
	}
	if typ != "indicator" {
		return nil
	}
	if _, ok := m["pattern_type"]; !ok {
		m["pattern_type"] = "stix"
	}
	if _, ok := m["valid_from"]; !ok {
		m["valid_from"] = at
	}
	return nil
}

// native checks an object a person wrote: its incident status, the
// schema of its type, its pattern, and that what it references (beyond
// what prev, the version it edits, referenced) exists and is seen by p.
// It returns the version to store.
func (s *Service) native(ctx context.Context, p warden.Principal, m map[string]any, tlp warden.TLP, prev *warden.IntelObject) (store.IntelVersion, error) {
	if err := checkCustom(m); err != nil {
		return store.IntelVersion{}, err
	}
	tlp, err := markTLP(m, tlp)
	if err != nil {
		return store.IntelVersion{}, err
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return store.IntelVersion{}, warden.Errorf(warden.EINVALID, "fields: %w", err)
	}
	if len(raw) > maxFieldJSON {
		return store.IntelVersion{}, warden.Errorf(warden.EINVALID, "fields: the object is larger than %d KiB", maxFieldJSON>>10)
	}
	objs, problems, err := stix.Parse(bytes.NewReader(raw))
	if err != nil {
		return store.IntelVersion{}, err
	}
	if len(problems) > 0 || len(objs) != 1 {
		return store.IntelVersion{}, warden.Errorf(warden.EINVALID, "fields: not a STIX object: %s", problemText(problems))
	}
	r := readOne(objs[0], tlp, "warden")
	if len(r.problems) > 0 {
		pr := r.problems[0]
		field := strings.TrimPrefix(pr.Path, "/")
		if field == "" {
			field = "fields"
		}
		return store.IntelVersion{}, warden.Errorf(warden.EINVALID, "%s: %s", field, pr.Message)
	}
	known := map[string]bool{}
	if prev != nil {
		if objs, _, err := stix.Parse(bytes.NewReader(prev.Object)); err == nil && len(objs) == 1 {
			for _, e := range stix.Edges(objs[0]) {
				known[e.Source], known[e.Target] = true, true
			}
		}
	}
	if err := s.checkRefs(ctx, p, r.version, known); err != nil {
		return store.IntelVersion{}, err
	}
	// That Warden wrote it is no edge of the graph: the installation's
	// identity would neighbour every object people record.
	by, err := s.DB.IntelIdentity(ctx)
	if err != nil {
		return store.IntelVersion{}, err
	}
	r.version.Edges = slices.DeleteFunc(r.version.Edges, func(e warden.IntelEdge) bool {
		return e.Type == "created_by_ref" && (e.Target == by || e.Target == legacyAuthority)
	})
	r.version.Object.TLP = tlp
	if err := s.checkEndsTLP(ctx, r.version.Object); err != nil {
		return store.IntelVersion{}, err
	}
	return r.version, nil
}

// writtenText are the properties of prose and names people write, with
// the kind of text each is: checked for bidirectional controls and other
// characters that would make a name or title show other than it reads
// (warden.CheckText). What an import brings is kept as received.
var writtenText = []struct {
	field string
	kind  warden.TextKind
	max   int
}{
	{"name", warden.TextName, maxName},
	{"aliases", warden.TextName, maxName},
	{"description", warden.TextNote, maxFieldJSON},
	{"x_warden_victims", warden.TextName, maxName},
	{"x_warden_impact", warden.TextNote, maxFieldJSON},
}

// relTypeForm is the form of a relationship type: STIX's vocabulary and
// custom types alike are lower-case words joined by hyphens.
var relTypeForm = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkWritten checks the fields a person gives an object of type typ
// (m is the object with them merged): their text and, for a
// relationship, its type's form and that it relates two objects. What
// an edit leaves as it was, as an import brought it, is not checked.
func checkWritten(typ string, m, fields map[string]any) error {
	for _, t := range writtenText {
		v, ok := fields[t.field]
		if !ok || v == nil {
			continue
		}
		var strs []string
		switch x := v.(type) {
		case string:
			strs = []string{x}
		case []string:
			strs = x
		case []any:
			for _, e := range x {
				if str, ok := e.(string); ok {
					strs = append(strs, str)
				}
			}
		}
		for _, str := range strs {
			if err := warden.CheckText(t.kind, t.field, str, t.max); err != nil {
				return err
			}
			if t.kind == warden.TextName && warden.Blank(str) {
				return warden.Errorf(warden.EINVALID, "%s: %q holds nothing visible", t.field, str)
			}
		}
	}
	if typ != "relationship" {
		return nil
	}
	if rt, ok := fields["relationship_type"].(string); ok && !relTypeForm.MatchString(rt) {
		return warden.Errorf(warden.EINVALID, "relationship_type: %q is not lower-case words joined by hyphens, such as attributed-to", rt)
	}
	_, newSrc := fields["source_ref"]
	_, newDst := fields["target_ref"]
	if src, _ := m["source_ref"].(string); (newSrc || newDst) && src != "" && src == m["target_ref"] {
		return warden.Errorf(warden.EINVALID, "target_ref: %s is the source_ref; a relationship relates two objects", src)
	}
	return nil
}

// markTLP returns the TLP of an object a person writes: the most
// restrictive of tlp, the one given, and every TLP marking among its
// markings (object_marking_refs and granular_markings), as an import
// reads it (stix.ObjectTLP): a RED marking on a description makes the
// whole object RED, since Warden marks objects, not properties. m's
// object_marking_refs come out carrying that TLP, and no other.
func markTLP(m map[string]any, tlp warden.TLP) (warden.TLP, error) {
	var own []string
	switch v := m["object_marking_refs"].(type) {
	case []string:
		own = append(own, v...)
	case []any:
		for _, r := range v {
			if id, ok := r.(string); ok {
				own = append(own, id)
			}
		}
	}
	refs := slices.Clone(own)
	if g, ok := m["granular_markings"]; ok {
		b, err := json.Marshal(g)
		if err != nil {
			return "", warden.Errorf(warden.EINVALID, "granular_markings: %w", err)
		}
		var gs []struct {
			Ref string `json:"marking_ref"`
		}
		if err := json.Unmarshal(b, &gs); err != nil {
			return "", warden.Errorf(warden.EINVALID, "granular_markings: a list of markings, each with a marking_ref and selectors")
		}
		for _, x := range gs {
			refs = append(refs, x.Ref)
		}
	}
	if t, ok := stix.TLPOf(refs); ok && t.Rank() > tlp.Rank() {
		tlp = t
	}
	out := []string{}
	for _, id := range own {
		if !stix.IsTLPMarking(id) {
			out = append(out, id)
		}
	}
	m["object_marking_refs"] = append(out, stix.TLPMarkingID(tlp))
	return tlp, nil
}

// checkCustom checks the custom properties Warden defines, which no
// schema does: an incident's status and when it was first and last seen,
// and the countries an actor operates from, written as ISO codes.
func checkCustom(m map[string]any) error {
	if st, ok := m["x_warden_status"]; ok {
		if v, _ := st.(string); !slices.Contains(incidentStates, v) {
			return warden.Errorf(warden.EINVALID, "x_warden_status: %v is not one of open, contained, closed", st)
		}
	}
	var seen [2]time.Time
	for i, k := range []string{"x_warden_first_seen", "x_warden_last_seen"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		str, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			return warden.Errorf(warden.EINVALID, "%s: %v is not a timestamp such as 2026-03-01T09:00:00Z", k, v)
		}
		seen[i] = t
	}
	if !seen[0].IsZero() && !seen[1].IsZero() && seen[1].Before(seen[0]) {
		return warden.Errorf(warden.EINVALID, "x_warden_last_seen: before x_warden_first_seen")
	}
	if v, ok := m["x_warden_countries"]; ok {
		list, _ := v.([]any)
		if strs, isStrs := v.([]string); isStrs {
			for _, x := range strs {
				list = append(list, x)
			}
		}
		if len(list) == 0 {
			return warden.Errorf(warden.EINVALID, "x_warden_countries: a list of countries, such as [\"KP\"]")
		}
		codes := make([]string, len(list))
		for i, x := range list {
			name, _ := x.(string)
			code, ok := warden.CountryCode(name)
			if !ok {
				return warden.Errorf(warden.EINVALID, "x_warden_countries: %v is not a country", x)
			}
			codes[i] = code
		}
		m["x_warden_countries"] = slices.Compact(codes)
	}
	return nil
}

// problemText says what the first problem is.
func problemText(ps []warden.ObjectProblem) string {
	if len(ps) == 0 {
		return "unreadable"
	}
	return ps[0].Path + " " + ps[0].Message
}

// checkRefs checks that every object v references (its edges' other
// ends, but not its creator, which is the authority or the object's
// source, nor the known ones its earlier version referenced) exists and
// is seen by p; EINVALID naming the property otherwise.
func (s *Service) checkRefs(ctx context.Context, p warden.Principal, v store.IntelVersion, known map[string]bool) error {
	var ids []string
	prop := map[string]string{}
	for _, e := range v.Edges {
		if e.Type == "created_by_ref" {
			continue
		}
		for _, id := range []string{e.Source, e.Target} {
			if id != v.Object.ID && !known[id] && prop[id] == "" {
				ids = append(ids, id)
				prop[id] = e.Type
				if e.Rel != "" {
					prop[id] = "source_ref or target_ref"
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := s.currentVisible(ctx, p, ids, func(id string) error {
		return warden.Errorf(warden.EINVALID, "%s: no object %s", prop[id], id)
	})
	return err
}

// checkEndsTLP checks that a relationship or sighting is marked at least
// as restrictively as every stored object at its ends: its JSON names
// them, and whoever reads it learns they exist and how they relate.
// EINVALID naming tlp otherwise.
func (s *Service) checkEndsTLP(ctx context.Context, o warden.IntelObject) error {
	ends := exportEnds(o)
	if len(ends) == 0 {
		return nil
	}
	cur, err := s.DB.IntelCurrent(ctx, ends)
	if err != nil {
		return err
	}
	for _, id := range ends {
		if e, ok := cur[id]; ok && e.TLP.Rank() > o.TLP.Rank() {
			return warden.Errorf(warden.EINVALID, "tlp: %s is %s, %s; a %s is marked at least as restrictively as each object it relates",
				id, strings.ToUpper(string(e.TLP)), "more restrictive than "+strings.ToUpper(string(o.TLP)), o.Type)
		}
	}
	return nil
}

// store stores one version a person wrote, with its audit event, and
// returns it as stored.
func (s *Service) store(ctx context.Context, v store.IntelVersion, now time.Time, ev *warden.AuditEvent) (warden.IntelObject, error) {
	vs := []store.IntelVersion{v}
	if err := s.DB.StoreIntel(ctx, vs, nil, "", now, ev); err != nil {
		return warden.IntelObject{}, err
	}
	s.changed()
	return vs[0].Object, nil
}

// Links.

// linkKinds are the Warden records an object may be linked to, with the
// permission that reads each: a link is shown only to those who may read
// what it points at.
var linkKinds = map[string]warden.Action{
	warden.LinkEntity:      warden.ActListsRead,
	warden.LinkDesignation: warden.ActDesignationsRead,
	warden.LinkRequest:     warden.ActRequestsRead,
	warden.LinkPayment:     warden.ActCasesRead,
	warden.LinkCustomer:    warden.ActCustomersRead,
	warden.LinkCase:        warden.ActCasesRead,
}

// linkReadable reports whether p may see links of kind: links point at
// the authority's records, which counterparts do not see.
func linkReadable(p warden.Principal, kind string) bool {
	a, ok := linkKinds[kind]
	return ok && p.Role != warden.RoleCounterpart && warden.Allowed(p.Role, a)
}

// Link links an object the caller sees to a Warden record (intel.write),
// audited: a threat actor to the listed party it is attributed to, an
// incident to the designation or request it is behind. EINVALID for an
// unknown kind or a ref of the wrong form, ENOTFOUND if either end does
// not exist, ECONFLICT if the link exists. It returns the link as stored,
// with who made it and when.
func (s *Service) Link(ctx context.Context, l warden.IntelLink) (warden.IntelLink, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelLink{}, err
	}
	if err := s.checkLink(ctx, p, l); err != nil {
		return warden.IntelLink{}, err
	}
	if err := warden.CheckText(warden.TextNote, "note", l.Note, maxReason); err != nil {
		return warden.IntelLink{}, err
	}
	ok, err := s.DB.IntelLinkTarget(ctx, l.Kind, l.Ref)
	if err != nil {
		return warden.IntelLink{}, err
	}
	if !ok {
		return warden.IntelLink{}, warden.Errorf(warden.ENOTFOUND, "no %s %s", l.Kind, l.Ref)
	}
	l.CreatedBy, l.CreatedAt = p.Name, s.now()
	ev := warden.NewAuditEvent(ctx, "intel.link", l.Object, "", map[string]any{"kind": l.Kind, "ref": l.Ref})
	if err := s.DB.AddIntelLink(ctx, l, ev); err != nil {
		return warden.IntelLink{}, err
	}
	s.changed()
	return l, nil
}

// Unlink removes a link (intel.write), audited; ENOTFOUND if there is
// none.
func (s *Service) Unlink(ctx context.Context, l warden.IntelLink) error {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return err
	}
	if err := s.checkLink(ctx, p, l); err != nil {
		return err
	}
	ev := warden.NewAuditEvent(ctx, "intel.unlink", l.Object, "", map[string]any{"kind": l.Kind, "ref": l.Ref})
	if err := s.DB.RemoveIntelLink(ctx, l, ev); err != nil {
		return err
	}
	s.changed()
	return nil
}

// checkLink checks a link's kind and ref, and that p sees its object.
func (s *Service) checkLink(ctx context.Context, p warden.Principal, l warden.IntelLink) error {
	if _, ok := linkKinds[l.Kind]; !ok {
		return warden.Errorf(warden.EINVALID, "kind: %q is not one of entity, designation, request, payment, customer, case", l.Kind)
	}
	if l.Ref == "" {
		return warden.Errorf(warden.EINVALID, "ref: required")
	}
	if err := warden.CheckText(warden.TextID, "ref", l.Ref, maxTitle); err != nil {
		return err
	}
	_, err := s.object(ctx, p, l.Object)
	return err
}

// LinksTo returns the current versions of the objects linked to a Warden
// record that the caller sees (intel.read): the intelligence behind a
// party, a request, a designation. A counterpart, and a role that may not
// read that kind of record, get none.
func (s *Service) LinksTo(ctx context.Context, kind, ref string) ([]warden.IntelObject, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return nil, err
	}
	if _, ok := linkKinds[kind]; !ok {
		return nil, warden.Errorf(warden.EINVALID, "kind: %q is not one of entity, designation, request, payment, customer, case", kind)
	}
	if !linkReadable(p, kind) {
		return []warden.IntelObject{}, nil
	}
	ls, err := s.DB.IntelLinksTo(ctx, kind, ref)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.Object
	}
	cur, err := s.DB.IntelCurrent(ctx, ids)
	if err != nil {
		return nil, err
	}
	objs := make([]warden.IntelObject, 0, len(ids))
	for _, id := range ids {
		if o, ok := cur[id]; ok {
			objs = append(objs, o)
		}
	}
	if objs, err = s.visible(ctx, p, objs); err != nil {
		return nil, err
	}
	return s.whole(ctx, p, objs)
}
