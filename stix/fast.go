package stix

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// The JSON schema validator costs about 30 µs an indicator, a third of
// the budget of an import of 100,000 indicators in 10 s. The types such
// imports carry by the thousand, indicators and relationships, are first
// checked by hand against the very rules of their schemas (core.json,
// properties.json, indicator.json, relationship.json): fastValid says
// "certainly valid" only for an object all of whose properties it checks
// itself; anything else (an external reference, a kill chain phase, an
// extension, a property it has doubts about) goes to the schema, which
// also writes the problems of an invalid object. TestFastPath and
// FuzzFastPath hold it to the schema's verdict.

// The schemas' regular expressions that are not written out by hand
// below, compiled as the validator compiles them (Go's regexp).
var (
	reRelType   = regexp.MustCompile(`^[a-z0-9\-]+$`)
	reNotSRORef = regexp.MustCompile(`^(relationship|sighting|bundle|marking-definition|language-content)--.+$`)
)

// check is a hand check of one property's value.
type check func(v any) bool

// coreChecks are core.json's properties that fastValid checks; its other
// properties (external_references, granular_markings, extensions) and the
// ones it forbids (severity, action, username, phone_numbers) are left to
// the schema.
var coreChecks = map[string]check{
	"spec_version":        func(v any) bool { return v == "2.0" || v == "2.1" },
	"created_by_ref":      isIdentifier,
	"labels":              isStrings,
	"created":             isMillis,
	"modified":            isMillis,
	"revoked":             isBool,
	"confidence":          func(v any) bool { return isIntIn(v, 0, 100) },
	"lang":                isString,
	"object_marking_refs": func(v any) bool { return isArrayOf(v, isIdentifier) },
}

// fastTypes are the types checked by hand: their own properties (the
// core's for the others) and the properties they require besides the
// core's.
var fastTypes = map[string]struct {
	checks   map[string]check
	required []string
}{
	"indicator": {map[string]check{
		"indicator_types": isStrings,
		"name":            isString,
		"description":     isString,
		"pattern":         isString,
		"pattern_type":    isString,
		"pattern_version": isString,
		"valid_from":      isTimestamp2,
		"valid_until":     isTimestamp2,
	}, []string{"pattern", "pattern_type", "valid_from"}},
	"relationship": {map[string]check{
		"relationship_type": func(v any) bool { s, ok := v.(string); return ok && reRelType.MatchString(s) },
		"description":       isString,
		"source_ref":        isRelEnd,
		"target_ref":        isRelEnd,
		"start_time":        isTimestamp2,
		"stop_time":         isTimestamp2,
	}, []string{"relationship_type", "source_ref", "target_ref"}},
}

// schemaOwned are property names that the schemas define for some type
// and fastValid does not check: an object carrying one goes to the schema.
var schemaOwned = map[string]bool{
	"external_references": true, "granular_markings": true, "extensions": true, "kill_chain_phases": true,
	"severity": true, "action": true, "username": true, "phone_numbers": true,
}

// fastValid reports whether raw, an object of type typ, is certainly valid
// against typ's schema; false when it cannot tell.
func fastValid(typ string, raw []byte) bool {
	ft, ok := fastTypes[typ]
	if !ok {
		return false
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil || m == nil {
		return false
	}
	for _, r := range [...]string{"type", "spec_version", "id", "created", "modified"} {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	for _, r := range ft.required {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	for k, v := range m {
		// properties.json: every property's name and value.
		if !customName(k) || strings.HasSuffix(k, "_bin") || strings.HasSuffix(k, "_hex") || !isCustomValue(v) {
			return false
		}
		switch {
		case k == "type":
			if v != typ {
				return false
			}
		case k == "id":
			if s, ok := v.(string); !ok || !isIdentifier(s) || !strings.HasPrefix(s, typ+"--") {
				return false
			}
		case ft.checks[k] != nil:
			if !ft.checks[k](v) {
				return false
			}
		case coreChecks[k] != nil:
			if !coreChecks[k](v) {
				return false
			}
		case schemaOwned[k]:
			return false
		}
	}
	return true
}

// isCustomValue is properties.json's rule for any property: a non-empty
// array, a string, a number, a boolean or an object (not null).
func isCustomValue(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) > 0
	case string, json.Number, bool, map[string]any:
		return true
	}
	return false
}

func isString(v any) bool { _, ok := v.(string); return ok }
func isBool(v any) bool   { _, ok := v.(bool); return ok }

func isIdentifier(v any) bool {
	s, ok := v.(string)
	return ok && identifier(s)
}

func isTimestamp2(v any) bool {
	s, ok := v.(string)
	return ok && timestamp(s) >= 0
}

// isMillis is core.json's created and modified: a timestamp with at least
// three digits of fraction.
func isMillis(v any) bool {
	s, ok := v.(string)
	return ok && timestamp(s) >= 3
}

func isRelEnd(v any) bool {
	s, ok := v.(string)
	return ok && identifier(s) && !reNotSRORef.MatchString(s)
}

// customName is properties.json's
// ^([a-z][a-z0-9_]{2,249})|id$: a lower-case letter and two more of
// a-z, 0-9 and _ to start with (nothing bounds the rest), or "id" to end
// with.
func customName(k string) bool {
	return len(k) >= 3 && lower(k[0]) && nameByte(k[1]) && nameByte(k[2]) || strings.HasSuffix(k, "id")
}

func lower(c byte) bool    { return 'a' <= c && c <= 'z' }
func digit(c byte) bool    { return '0' <= c && c <= '9' }
func nameByte(c byte) bool { return lower(c) || digit(c) || c == '_' }

// identifier is identifier.json's
// ^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$:
// a type of three characters at least, two dashes, and a UUID of version
// 1 to 5 and the RFC 4122 variant.
func identifier(s string) bool {
	n := len(s) - 38
	if n < 3 || s[n] != '-' || s[n+1] != '-' || !lower(s[0]) || !(lower(s[n-1]) || digit(s[n-1])) {
		return false
	}
	for i := 1; i < n-1; i++ {
		if c := s[i]; !lower(c) && !digit(c) && c != '-' {
			return false
		}
	}
	u := s[n+2:]
	for i := 0; i < 36; i++ {
		c := u[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !isHex(c):
			return false
		}
	}
	return '1' <= u[14] && u[14] <= '5' && strings.IndexByte("89abAB", u[19]) >= 0
}

// timestamp is timestamp.json's
// ^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$:
// it returns the number of digits of the fraction, -1 when s is not a
// timestamp. (The pattern checks the form, not the calendar: February 31
// passes, as it does the schema.)
func timestamp(s string) int {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return -1
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if !digit(s[i]) {
			return -1
		}
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if mo, d, h, mi, sec := two(5), two(8), two(11), two(14), two(17); mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return -1
	}
	frac := s[19 : len(s)-1]
	if frac == "" {
		return 0
	}
	if frac[0] != '.' || len(frac) == 1 {
		return -1
	}
	for i := 1; i < len(frac); i++ {
		if !digit(frac[i]) {
			return -1
		}
	}
	return len(frac) - 1
}

func isArrayOf(v any, each check) bool {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return false
	}
	for _, x := range a {
		if !each(x) {
			return false
		}
	}
	return true
}

func isStrings(v any) bool { return isArrayOf(v, isString) }

// isIntIn reports whether v is a whole number written without fraction or
// exponent, within lo and hi (others go to the schema).
func isIntIn(v any, lo, hi int64) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	s := string(n)
	if strings.ContainsAny(s, ".eE") {
		return false
	}
	i, err := n.Int64()
	return err == nil && i >= lo && i <= hi
}
