package stix

import (
	"encoding/json"
	"strings"
	"testing"

	"warden"
)

const (
	tlp1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	tlp1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	tlp1Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
	tlp1Red   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
	statement = "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"
)

// TestTLPMarking checks each TLP 2.0 marking definition against the
// schema, its id and what TLPOf reads of it.
func TestTLPMarking(t *testing.T) {
	ids := map[string]bool{}
	for _, tlp := range warden.TLPs {
		m := TLPMarking(tlp)
		o := object(t, string(m))
		if ps := Validate(o); len(ps) > 0 {
			t.Errorf("%s: %v", tlp, ps)
		}
		if o.ID != TLPMarkingID(tlp) || ids[o.ID] || !IsTLPMarking(o.ID) {
			t.Errorf("%s: id %s", tlp, o.ID)
		}
		ids[o.ID] = true
		if got, ok := TLPOf([]string{o.ID}); !ok || got != tlp {
			t.Errorf("TLPOf(%s) = %s, %v, want %s", o.ID, got, ok, tlp)
		}
		if !strings.Contains(string(m), `"name":"`+tlp.Label()+`"`) {
			t.Errorf("%s: %s", tlp, m)
		}
	}
	if TLPMarking("purple") != nil || TLPMarkingID("purple") != "" {
		t.Error("an unknown TLP has a marking")
	}
}

// TestMarkingDefinition returns the definition of each TLP 1.0 and 2.0
// marking, valid, and none of other markings.
func TestMarkingDefinition(t *testing.T) {
	for id, want := range map[string]warden.TLP{
		tlp1White: warden.TLPClear, tlp1Green: warden.TLPGreen, tlp1Amber: warden.TLPAmber, tlp1Red: warden.TLPRed,
		TLPMarkingID(warden.TLPAmberStrict): warden.TLPAmberStrict, TLPMarkingID(warden.TLPClear): warden.TLPClear,
	} {
		raw, ok := MarkingDefinition(id)
		if !ok {
			t.Errorf("%s: no definition", id)
			continue
		}
		o := object(t, string(raw))
		if ps := Validate(o); len(ps) > 0 || o.ID != id {
			t.Errorf("%s: %s %v", id, o.ID, ps)
		}
		if got, _ := TLPOf([]string{o.ID}); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	// The schema knows TLP 1.0's definitions exactly: a wrong name fails.
	raw, _ := MarkingDefinition(tlp1Red)
	if ps := Validate(object(t, strings.Replace(string(raw), "TLP:RED", "TLP:ROUGE", 1))); len(ps) == 0 {
		t.Error("a TLP 1.0 definition with a wrong name is valid")
	}
	if _, ok := MarkingDefinition(statement); ok {
		t.Error("a statement marking has a TLP definition")
	}
}

// TestTLPOf picks the most restrictive of TLP 1.0 and 2.0 markings mixed
// with others.
func TestTLPOf(t *testing.T) {
	for _, tc := range []struct {
		refs []string
		want warden.TLP
		ok   bool
	}{
		{nil, "", false},
		{[]string{statement}, "", false},
		{[]string{tlp1White}, warden.TLPClear, true},
		{[]string{tlp1Green, statement}, warden.TLPGreen, true},
		{[]string{tlp1White, TLPMarkingID(warden.TLPAmber)}, warden.TLPAmber, true},
		{[]string{TLPMarkingID(warden.TLPAmberStrict), tlp1Amber}, warden.TLPAmberStrict, true},
		{[]string{tlp1Amber, TLPMarkingID(warden.TLPGreen)}, warden.TLPAmber, true},
		{[]string{TLPMarkingID(warden.TLPClear), tlp1Red, TLPMarkingID(warden.TLPAmberStrict)}, warden.TLPRed, true},
		{[]string{TLPMarkingID(warden.TLPRed), TLPMarkingID(warden.TLPClear)}, warden.TLPRed, true},
	} {
		got, ok := TLPOf(tc.refs)
		if got != tc.want || ok != tc.ok {
			t.Errorf("TLPOf(%v) = %s, %v, want %s, %v", tc.refs, got, ok, tc.want, tc.ok)
		}
	}
}

// TestWithTLP adds a TLP marking to objects that have none, keeping the
// rest as it was, and leaves marked objects alone.
func TestWithTLP(t *testing.T) {
	amber := TLPMarkingID(warden.TLPAmber)
	for _, tc := range []struct {
		name, in, want string
		changed        bool
	}{
		{"no markings", `{"type":"x-a","id":"x-a--1"}`, `{"type":"x-a","id":"x-a--1","object_marking_refs":["` + amber + `"]}`, true},
		{"whitespace", "{ \"type\" : \"x-a\" ,\n \"id\":\"x-a--1\" }", `{"type":"x-a","id":"x-a--1","object_marking_refs":["` + amber + `"]}`, true},
		{"a statement only", `{"object_marking_refs":["` + statement + `"],"z":1}`, `{"object_marking_refs":["` + statement + `","` + amber + `"],"z":1}`, true},
		{"TLP 1.0 already", `{"a":1,"object_marking_refs":["` + tlp1Red + `"]}`, `{"a":1,"object_marking_refs":["` + tlp1Red + `"]}`, false},
		{"TLP 2.0 already", `{"object_marking_refs":["` + TLPMarkingID(warden.TLPClear) + `"]}`, `{"object_marking_refs":["` + TLPMarkingID(warden.TLPClear) + `"]}`, false},
		{"a nested object_marking_refs", `{"x_n":{"object_marking_refs":["` + tlp1Red + `"]}}`, `{"x_n":{"object_marking_refs":["` + tlp1Red + `"]},"object_marking_refs":["` + amber + `"]}`, true},
		{"empty object", `{}`, `{"object_marking_refs":["` + amber + `"]}`, true},
	} {
		got, changed := WithTLP(json.RawMessage(tc.in), warden.TLPAmber)
		if string(got) != tc.want || changed != tc.changed {
			t.Errorf("%s: %s, %v\nwant %s, %v", tc.name, got, changed, tc.want, tc.changed)
		}
	}
	// An unmarked example indicator, marked, is still valid and the same
	// but for its marking.
	unmarked := edit(t, indicator, func(m map[string]any) { delete(m, "object_marking_refs") })
	marked, changed := WithTLP(json.RawMessage(unmarked), warden.TLPRed)
	o := object(t, string(marked))
	if tlp, ok := TLPOf(o.MarkingRefs); !changed || !ok || tlp != warden.TLPRed || len(Validate(o)) > 0 {
		t.Errorf("%s: %v %v", marked, tlp, Validate(o))
	}
	if !Equivalent(marked, json.RawMessage(unmarked), "object_marking_refs") {
		t.Error("marking changed other properties")
	}
	if got, changed := WithTLP(json.RawMessage(`[1]`), warden.TLPRed); changed || string(got) != `[1]` {
		t.Errorf("not an object: %s", got)
	}
}
