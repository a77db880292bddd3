package stix

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"warden"
)

// Edges returns the edges of the intelligence graph that o states:
//   - a relationship: source_ref -relationship_type-> target_ref, with its
//     confidence and Rel its id;
//   - a sighting: each where_sighted_refs identity -"sighted"-> sighting_of_ref
//     (the sighting itself when it names no one), and each
//     observed_data_refs -"observed"-> sighting_of_ref, Rel its id;
//   - any object: each embedded reference, a *_ref or *_refs property at any
//     depth (email bodies, extensions), as o -property-> target, except the
//     markings (object_marking_refs, granular markings), which are not
//     part of the graph, and the properties a relationship or sighting
//     already drew.
//
// Edges are unique and sorted; a confidence not given is -1.
func Edges(o Object) []warden.IntelEdge {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(o.Raw))
	d.UseNumber()
	if d.Decode(&m) != nil {
		return nil
	}
	conf := -1
	if n, ok := m["confidence"].(json.Number); ok {
		if v, err := n.Int64(); err == nil && v >= 0 && v <= 100 {
			conf = int(v)
		}
	}
	seen := map[warden.IntelEdge]bool{}
	var es []warden.IntelEdge
	add := func(src, typ, dst, rel string, c int) {
		if src == "" || dst == "" || typ == "" || !ValidID(dst, "") || !ValidID(src, "") {
			return
		}
		e := warden.IntelEdge{Source: src, Type: typ, Target: dst, Rel: rel, Confidence: c}
		if !seen[e] {
			seen[e] = true
			es = append(es, e)
		}
	}
	skip := map[string]bool{"object_marking_refs": true, "granular_markings": true}
	switch o.Type {
	case "relationship":
		src, _ := m["source_ref"].(string)
		dst, _ := m["target_ref"].(string)
		typ, _ := m["relationship_type"].(string)
		add(src, typ, dst, o.ID, conf)
		skip["source_ref"], skip["target_ref"] = true, true
	case "sighting":
		of, _ := m["sighting_of_ref"].(string)
		where := strs(m["where_sighted_refs"])
		for _, w := range where {
			add(w, "sighted", of, o.ID, conf)
		}
		if len(where) == 0 {
			add(o.ID, "sighted", of, o.ID, conf)
		}
		for _, od := range strs(m["observed_data_refs"]) {
			add(od, "observed", of, o.ID, conf)
		}
		skip["sighting_of_ref"], skip["where_sighted_refs"], skip["observed_data_refs"] = true, true, true
	}
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, w := range x {
				if top && skip[k] || k == "granular_markings" {
					continue
				}
				switch {
				case strings.HasSuffix(k, "_ref"):
					if s, ok := w.(string); ok {
						add(o.ID, k, s, "", -1)
					}
				case strings.HasSuffix(k, "_refs"):
					for _, s := range strs(w) {
						add(o.ID, k, s, "", -1)
					}
				default:
					walk(w, false)
				}
			}
		case []any:
			for _, w := range x {
				walk(w, false)
			}
		}
	}
	walk(m, true)
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Target < b.Target
	})
	return es
}

// strs reads a JSON array of strings, skipping anything else.
func strs(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, x := range a {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
