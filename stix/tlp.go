package stix

import (
	"bytes"
	"encoding/json"
	"strings"

	"warden"
)

// TLP20Extension is the extension definition of TLP 2.0 marking
// definitions (FIRST's TLP 2.0, as OASIS's common objects define it).
const TLP20Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp20 are the ids of the TLP 2.0 marking definitions, which Warden
// writes.
var tlp20 = map[warden.TLP]string{
	warden.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	warden.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	warden.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	warden.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	warden.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// tlpOfID reads both the TLP 2.0 ids and STIX 2.1's TLP 1.0 ones (WHITE is
// CLEAR), which older feeds and the examples still use.
var tlpOfID = map[string]warden.TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": warden.TLPClear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": warden.TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": warden.TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": warden.TLPRed,
}

func init() {
	for t, id := range tlp20 {
		tlpOfID[id] = t
	}
}

// tlpOfRef is the TLP of a marking id, in any letter case: a UUID's hex
// digits may be written in upper case, and a RED marking so written must
// not pass for no marking.
func tlpOfRef(id string) (warden.TLP, bool) {
	t, ok := tlpOfID[id]
	if !ok {
		t, ok = tlpOfID[strings.ToLower(id)]
	}
	return t, ok
}

// TLPOf returns the most restrictive TLP 1.0 or 2.0 marking among an
// object's marking refs, and false when none is a TLP marking.
func TLPOf(markingRefs []string) (warden.TLP, bool) {
	var best warden.TLP
	found := false
	for _, id := range markingRefs {
		if t, ok := tlpOfRef(id); ok && (!found || t.Rank() > best.Rank()) {
			best, found = t, true
		}
	}
	return best, found
}

// ObjectTLP returns the most restrictive TLP marking of an object: among
// its object_marking_refs and the marking_refs of its granular_markings
// (a RED marking on its name makes the whole object RED, since Warden
// marks objects, not properties); false when it carries none.
func ObjectTLP(o Object) (warden.TLP, bool) {
	refs := o.MarkingRefs
	if bytes.Contains(o.Raw, []byte(`"granular_markings"`)) {
		var g struct {
			Granular []struct {
				Ref string `json:"marking_ref"`
			} `json:"granular_markings"`
		}
		if json.Unmarshal(o.Raw, &g) == nil {
			refs = append([]string(nil), refs...)
			for _, m := range g.Granular {
				refs = append(refs, m.Ref)
			}
		}
	}
	return TLPOf(refs)
}

// IsTLPMarking reports whether id is a TLP 1.0 or 2.0 marking definition,
// in any letter case: an object every reader may see, and an id only
// Warden defines.
func IsTLPMarking(id string) bool {
	_, ok := tlpOfRef(id)
	return ok
}

// TLPMarkingID returns the id of t's TLP 2.0 marking definition, "" for
// an unknown t.
func TLPMarkingID(t warden.TLP) string { return tlp20[t] }

// TLPMarking returns t's TLP 2.0 marking-definition object, as the TLP 2.0
// extension publishes it, for the bundles that use it; nil for an unknown
// t.
func TLPMarking(t warden.TLP) json.RawMessage {
	id, ok := tlp20[t]
	if !ok {
		return nil
	}
	return json.RawMessage(`{"type":"marking-definition","spec_version":"2.1","id":"` + id +
		`","created":"2022-10-01T00:00:00.000Z","name":"` + t.Label() +
		`","extensions":{"` + TLP20Extension + `":{"extension_type":"property-extension","tlp_2_0":"` + string(t) + `"}}}`)
}

// tlp10Names are the TLP 1.0 markings' names in their definitions.
var tlp10Names = map[warden.TLP]string{warden.TLPClear: "white", warden.TLPGreen: "green", warden.TLPAmber: "amber", warden.TLPRed: "red"}

// MarkingDefinition returns the marking-definition object of a TLP 1.0
// or 2.0 marking id, as STIX 2.1 and the TLP 2.0 extension define them,
// for a bundle whose objects refer to it; false for any other id.
func MarkingDefinition(id string) (json.RawMessage, bool) {
	id = strings.ToLower(id)
	t, ok := tlpOfID[id]
	switch {
	case !ok:
		return nil, false
	case tlp20[t] == id:
		return TLPMarking(t), true
	}
	name := tlp10Names[t]
	return json.RawMessage(`{"type":"marking-definition","spec_version":"2.1","id":"` + id +
		`","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:` + strings.ToUpper(name) +
		`","definition":{"tlp":"` + name + `"}}`), true
}

// WithTLP returns raw with t's TLP 2.0 marking id appended to its
// object_marking_refs when it carries no TLP marking, and whether it
// changed it; the other properties stay as they were, in their order. raw
// must be a JSON object (a stored object); the result is compact.
func WithTLP(raw json.RawMessage, t warden.TLP) (json.RawMessage, bool) {
	id, ok := tlp20[t]
	if !ok {
		return raw, false
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil || buf.Len() < 2 || buf.Bytes()[0] != '{' {
		return raw, false
	}
	c := buf.Bytes()
	start, end, refs, found := propertySpan(c, "object_marking_refs")
	if found {
		if _, has := TLPOf(refs); has {
			return c, false
		}
		v, _ := json.Marshal(append(refs, id))
		out := make([]byte, 0, len(c)+len(v))
		out = append(out, c[:start]...)
		out = append(out, v...)
		return append(out, c[end:]...), true
	}
	out := make([]byte, 0, len(c)+len(id)+30)
	out = append(out, c[:len(c)-1]...)
	if len(c) > 2 {
		out = append(out, ',')
	}
	out = append(out, `"object_marking_refs":["`...)
	out = append(out, id...)
	return append(out, `"]}`...), true
}

// propertySpan finds the top-level property name of the compact object c:
// the byte span of its value and, when it is an array of strings, the
// strings.
func propertySpan(c []byte, name string) (start, end int, strs []string, found bool) {
	d := json.NewDecoder(bytes.NewReader(c))
	if _, err := d.Token(); err != nil {
		return 0, 0, nil, false
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return 0, 0, nil, false
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return 0, 0, nil, false
		}
		if k, _ := tok.(string); k == name {
			end = int(d.InputOffset())
			start = end - len(v)
			json.Unmarshal(v, &strs)
			return start, end, strs, true
		}
	}
	return 0, 0, nil, false
}
