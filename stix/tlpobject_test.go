package stix

import (
	"encoding/json"
	"strings"
	"testing"

	"warden"
)

// TestTLPOfCase checks that TLP marking ids are read in any letter case.
func TestTLPOfCase(t *testing.T) {
	for _, id := range []string{tlp20[warden.TLPRed], strings.ToUpper(tlp20[warden.TLPRed]), "marking-definition--E828B379-4E03-4974-9AC4-E53A884C97C1", "marking-definition--5E57C739-391a-4eb3-b6be-7d15ca92d5ed"} {
		if got, ok := TLPOf([]string{TLPMarkingID(warden.TLPGreen), id}); !ok || got != warden.TLPRed {
			t.Errorf("TLPOf(%s) = %s, %v", id, got, ok)
		}
		if !IsTLPMarking(id) {
			t.Errorf("IsTLPMarking(%s) is false", id)
		}
	}
}

// TestObjectTLP checks that an object's TLP is the most restrictive of its
// object_marking_refs and the TLP markings of its granular_markings.
func TestObjectTLP(t *testing.T) {
	red, green, amber := tlp20[warden.TLPRed], tlp20[warden.TLPGreen], tlp20[warden.TLPAmber]
	for _, c := range []struct {
		raw  string
		want warden.TLP
		ok   bool
	}{
		{`{"object_marking_refs":["` + green + `"],"granular_markings":[{"marking_ref":"` + red + `","selectors":["name"]}]}`, warden.TLPRed, true},
		{`{"granular_markings":[{"marking_ref":"` + strings.ToUpper(amber) + `","selectors":["name"]},{"lang":"en","selectors":["description"]}]}`, warden.TLPAmber, true},
		{`{"object_marking_refs":["` + green + `"]}`, warden.TLPGreen, true},
		{`{"granular_markings":[{"marking_ref":"marking-definition--00000000-0000-4000-8000-000000000000","selectors":["name"]}]}`, "", false},
		{`{}`, "", false},
	} {
		var o struct {
			Refs []string `json:"object_marking_refs"`
		}
		json.Unmarshal([]byte(c.raw), &o)
		got, ok := ObjectTLP(Object{MarkingRefs: o.Refs, Raw: json.RawMessage(c.raw)})
		if got != c.want || ok != c.ok {
			t.Errorf("ObjectTLP(%s) = %s, %v; want %s, %v", c.raw, got, ok, c.want, c.ok)
		}
	}
}
