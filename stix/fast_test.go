package stix

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The schemas' own expressions, which the hand-written checks replace.
var (
	reIdentifier = regexp.MustCompile(`^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
	reTimestamp  = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$`)
	reMillis     = regexp.MustCompile(`T\d{2}:\d{2}:\d{2}\.\d{3,}Z$`)
	reCustom     = regexp.MustCompile(`^([a-z][a-z0-9_]{2,249})|id$`)
)

// sameAsRegexps checks the hand-written checks against the schemas'
// expressions on s.
func sameAsRegexps(t *testing.T, s string) {
	t.Helper()
	if got, want := identifier(s), reIdentifier.MatchString(s); got != want {
		t.Errorf("identifier(%q) = %v, the schema says %v", s, got, want)
	}
	if got, want := timestamp(s) >= 0, reTimestamp.MatchString(s); got != want {
		t.Errorf("timestamp(%q) = %v, the schema says %v", s, got, want)
	}
	if got, want := isMillis(s), reTimestamp.MatchString(s) && reMillis.MatchString(s); got != want {
		t.Errorf("isMillis(%q) = %v, the schema says %v", s, got, want)
	}
	if got, want := customName(s), reCustom.MatchString(s); got != want {
		t.Errorf("customName(%q) = %v, the schema says %v", s, got, want)
	}
}

// TestFastChecks holds the hand-written checks of identifiers,
// timestamps and property names to the schemas' regular expressions.
func TestFastChecks(t *testing.T) {
	for _, s := range []string{
		"", "id", "xid", "Aid", "ab", "abc", "a_b", "a-b", "aB1", "x_warden_status", "X_warden", "é_x", "a1_", "1ab",
		"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f",
		"indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f", "indicator--8E2E2D2B-17D4-4CBF-B38F-98EE46B3CD3F",
		"in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x-y--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x--y--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"ab---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "-ab--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "Ind--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3", "indicator--8e2e2d2b+17d4-4cbf-938f-98ee46b3cd3f",
		"2016-04-06T20:03:48Z", "2016-04-06T20:03:48.000Z", "2016-04-06T20:03:48.1Z", "2016-04-06T20:03:48.12345Z",
		"2016-13-06T20:03:48Z", "2016-00-06T20:03:48Z", "2016-04-00T20:03:48Z", "2016-04-32T20:03:48Z", "2016-02-31T20:03:48.000Z",
		"2016-04-06T24:03:48Z", "2016-04-06T23:60:48Z", "2016-04-06T23:59:60Z", "2016-04-06T23:59:61Z", "2016-04-06T20:03:48.Z",
		"2016-04-06T20:03:48", "2016-04-06 20:03:48Z", "2016-04-06T20:03:48+00:00", "16-04-06T20:03:48Z", "2016-4-06T20:03:48Z",
		"2016-04-06T20:03:48.000ZZ", "2016-04-06t20:03:48Z", "2016-04-06T20:03:48.00aZ", "２016-04-06T20:03:48Z",
	} {
		sameAsRegexps(t, s)
	}
}

// FuzzFastChecks holds the hand-written checks to the schemas'
// expressions on any string.
func FuzzFastChecks(f *testing.F) {
	for _, s := range []string{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "2016-04-06T20:03:48.000Z", "x_warden", "abid"} {
		f.Add(s)
	}
	f.Fuzz(sameAsRegexps)
}

// fastAgrees checks that the hand check never calls valid what the
// schema refuses.
func fastAgrees(t *testing.T, raw string) (fast, schema bool) {
	t.Helper()
	var h struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	json.Unmarshal([]byte(raw), &h)
	fast = fastValid(h.Type, []byte(raw))
	schema = len(validateSchema(Object{ID: h.ID, Type: h.Type, Raw: json.RawMessage(raw)})) == 0
	if fast && !schema {
		t.Errorf("the hand check says valid, the schema does not: %s: %v", raw, validateSchema(Object{ID: h.ID, Type: h.Type, Raw: json.RawMessage(raw)}))
	}
	return fast, schema
}

// TestFastPath shows the hand check of indicators and relationships
// agrees with the schema: it passes the examples' objects it checks (the
// others go to the schema), and refuses every object the schema refuses
// in a table of broken ones.
func TestFastPath(t *testing.T) {
	fastN, n := 0, 0
	for _, file := range exampleFiles(t) {
		for _, o := range exampleObjects(t, file) {
			if _, ok := fastTypes[o.Type]; !ok {
				continue
			}
			n++
			if fast, _ := fastAgrees(t, string(o.Raw)); fast {
				fastN++
			}
		}
	}
	if fastN < n/2 {
		t.Errorf("the hand check passed %d of %d examples", fastN, n)
	}
	for _, tc := range []struct {
		name, base string
		change     func(m map[string]any)
	}{
		{"no type", indicator, func(m map[string]any) { delete(m, "type") }},
		{"no id", indicator, func(m map[string]any) { delete(m, "id") }},
		{"no spec_version", indicator, func(m map[string]any) { delete(m, "spec_version") }},
		{"no created", indicator, func(m map[string]any) { delete(m, "created") }},
		{"no modified", indicator, func(m map[string]any) { delete(m, "modified") }},
		{"no pattern", indicator, func(m map[string]any) { delete(m, "pattern") }},
		{"no pattern_type", indicator, func(m map[string]any) { delete(m, "pattern_type") }},
		{"no valid_from", indicator, func(m map[string]any) { delete(m, "valid_from") }},
		{"spec_version 2.2", indicator, func(m map[string]any) { m["spec_version"] = "2.2" }},
		{"spec_version a number", indicator, func(m map[string]any) { m["spec_version"] = 2.1 }},
		{"id of another type", indicator, func(m map[string]any) { m["id"] = "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" }},
		{"id of UUID version 0", indicator, func(m map[string]any) { m["id"] = "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f" }},
		{"created in seconds", indicator, func(m map[string]any) { m["created"] = "2016-04-06T20:03:48Z" }},
		{"modified a number", indicator, func(m map[string]any) { m["modified"] = 5 }},
		{"valid_from month 13", indicator, func(m map[string]any) { m["valid_from"] = "2016-13-01T00:00:00Z" }},
		{"valid_until with a zone", indicator, func(m map[string]any) { m["valid_until"] = "2016-12-01T00:00:00+01:00" }},
		{"labels empty", indicator, func(m map[string]any) { m["labels"] = []any{} }},
		{"labels of numbers", indicator, func(m map[string]any) { m["labels"] = []any{1} }},
		{"indicator_types a string", indicator, func(m map[string]any) { m["indicator_types"] = "malicious-activity" }},
		{"name a number", indicator, func(m map[string]any) { m["name"] = 1 }},
		{"name null", indicator, func(m map[string]any) { m["name"] = nil }},
		{"pattern_version a number", indicator, func(m map[string]any) { m["pattern_version"] = 2.1 }},
		{"revoked a string", indicator, func(m map[string]any) { m["revoked"] = "true" }},
		{"confidence -1", indicator, func(m map[string]any) { m["confidence"] = -1 }},
		{"confidence 100.5", indicator, func(m map[string]any) { m["confidence"] = 100.5 }},
		{"lang a list", indicator, func(m map[string]any) { m["lang"] = []any{"en"} }},
		{"created_by_ref not an id", indicator, func(m map[string]any) { m["created_by_ref"] = "warden" }},
		{"marking refs empty", indicator, func(m map[string]any) { m["object_marking_refs"] = []any{} }},
		{"marking ref not an id", indicator, func(m map[string]any) { m["object_marking_refs"] = []any{"TLP:RED"} }},
		{"external_references empty", indicator, func(m map[string]any) { m["external_references"] = []any{} }},
		{"kill chain phase without its name", indicator, func(m map[string]any) { m["kill_chain_phases"] = []any{map[string]any{"phase_name": "x"}} }},
		{"severity", indicator, func(m map[string]any) { m["severity"] = "high" }},
		{"a capital property", indicator, func(m map[string]any) { m["Xsource"] = "x" }},
		{"a short property", indicator, func(m map[string]any) { m["xy"] = "x" }},
		{"a custom null", indicator, func(m map[string]any) { m["x_source"] = nil }},
		{"a custom empty list", indicator, func(m map[string]any) { m["x_sources"] = []any{} }},
		{"a bad _hex", indicator, func(m map[string]any) { m["x_key_hex"] = "abc" }},
		{"a bad _bin", indicator, func(m map[string]any) { m["x_key_bin"] = "!!" }},
		{"an empty extension", indicator, func(m map[string]any) { m["extensions"] = map[string]any{} }},
		{"no relationship_type", relationship, func(m map[string]any) { delete(m, "relationship_type") }},
		{"relationship_type in capitals", relationship, func(m map[string]any) { m["relationship_type"] = "Uses" }},
		{"no source_ref", relationship, func(m map[string]any) { delete(m, "source_ref") }},
		{"target_ref a relationship", relationship, func(m map[string]any) {
			m["target_ref"] = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"
		}},
		{"source_ref not an id", relationship, func(m map[string]any) { m["source_ref"] = "indicator-1" }},
		{"start_time without Z", relationship, func(m map[string]any) { m["start_time"] = "2016-01-01T00:00:00" }},
		{"description a number", relationship, func(m map[string]any) { m["description"] = 1 }},
	} {
		raw := edit(t, tc.base, tc.change)
		if fast, schema := fastAgrees(t, raw); fast || schema {
			t.Errorf("%s: hand check %v, schema %v, both should refuse", tc.name, fast, schema)
		}
	}
	for _, tc := range []struct {
		name, base string
		change     func(m map[string]any)
	}{
		{"as is", indicator, func(m map[string]any) {}},
		{"custom properties", indicator, func(m map[string]any) {
			m["x_warden_status"] = "open"
			m["x_opencti_score"] = 50
			m["x_list"] = []any{"a"}
			m["x_obj"] = map[string]any{}
		}},
		{"every checked property", indicator, func(m map[string]any) {
			m["labels"] = []any{"a"}
			m["revoked"] = true
			m["confidence"] = 0
			m["lang"] = "en"
			m["created_by_ref"] = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
			m["valid_until"] = "2030-01-01T00:00:00.5Z"
			m["pattern_version"] = "2.1"
			m["description"] = "d"
		}},
		{"a relationship", relationship, func(m map[string]any) { m["start_time"] = "2016-01-01T00:00:00Z" }},
	} {
		raw := edit(t, tc.base, tc.change)
		if fast, schema := fastAgrees(t, raw); !fast || !schema {
			t.Errorf("%s: hand check %v, schema %v, both should pass", tc.name, fast, schema)
		}
	}
}

// FuzzFastPath holds the hand check to the schema on any object: it may
// leave an object to the schema, never pass one the schema refuses.
func FuzzFastPath(f *testing.F) {
	f.Add(indicator)
	f.Add(relationship)
	f.Add(strings.Replace(indicator, `"name":"C2"`, `"name":null`, 1))
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return
		}
		fastAgrees(t, raw)
	})
}
