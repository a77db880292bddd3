package stix

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"warden"
	"warden/internal/jsonschema"
	"warden/internal/jsonschema/kind"
)

// schemaFiles are OASIS's STIX 2.1 JSON schemas (cti-stix2-json-schemas,
// branch stix2.1), unchanged, with their LICENSE.
//
//go:embed schemas
var schemaFiles embed.FS

// schemaSet is every schema compiled once: one per object type that has
// its own schema, and the two cores an object of another type is checked
// against.
type schemaSet struct {
	types    map[string]*jsonschema.Schema
	core     *jsonschema.Schema // SDOs and SROs: created, modified
	scoCore  *jsonschema.Schema // cyber observables
	problems error
}

var (
	schemasOnce sync.Once
	compiled    schemaSet
	printer     = message.NewPrinter(language.English)
)

// schemaTypes maps each modelled type to its schema file; the SDOs, SROs
// and SCOs are named by their files, the meta objects are listed.
func schemaTypes() map[string]string {
	m := map[string]string{
		"marking-definition":   "schemas/common/marking-definition.json",
		"language-content":     "schemas/common/language-content.json",
		"extension-definition": "schemas/common/extension-definition.json",
	}
	for _, dir := range []string{"sdos", "sros", "observables"} {
		es, _ := schemaFiles.ReadDir("schemas/" + dir)
		for _, e := range es {
			if strings.HasSuffix(e.Name(), ".json") {
				m[strings.TrimSuffix(e.Name(), ".json")] = "schemas/" + dir + "/" + e.Name()
			}
		}
	}
	return m
}

// loadSchemas compiles every schema, each file registered under the URL
// of its own $id so that the relative references between them resolve
// without the network. Formats (hostname, e-mail, uri) are asserted, as
// the schemas mean them to be.
func loadSchemas() schemaSet {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	ids := map[string]string{} // file → $id
	err := fs.WalkDir(schemaFiles, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := schemaFiles.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		ids[p] = id
		return c.AddResource(id, doc)
	})
	if err != nil {
		return schemaSet{problems: err}
	}
	set := schemaSet{types: map[string]*jsonschema.Schema{}}
	for typ, file := range schemaTypes() {
		s, err := c.Compile(ids[file])
		if err != nil {
			return schemaSet{problems: err}
		}
		set.types[typ] = s
	}
	if set.core, err = c.Compile(ids["schemas/common/core.json"]); err != nil {
		return schemaSet{problems: err}
	}
	if set.scoCore, err = c.Compile(ids["schemas/common/cyber-observable-core.json"]); err != nil {
		return schemaSet{problems: err}
	}
	return set
}

func schemas() *schemaSet {
	schemasOnce.Do(func() { compiled = loadSchemas() })
	if compiled.problems != nil {
		// The schemas are embedded: they compile, or the build is broken.
		panic("stix: embedded schemas: " + compiled.problems.Error())
	}
	return &compiled
}

// Known reports whether Warden models objects of type typ: the official
// schemas define it. An object of another type (x-... custom objects,
// types of later versions) is kept opaque, as received.
func Known(typ string) bool {
	_, ok := schemas().types[typ]
	return ok
}

// Validate checks one object against the official schema of its type, or,
// for a type Warden does not model, against the common properties every
// object has (the SDO core when it has created, else the observables'
// core). Indicators and relationships are checked by hand first (see
// fastValid), the schema deciding when the hand check cannot. Each problem names the object's id and the JSON pointer, inside
// the object, of one error; at most 20 are reported. It is safe for
// concurrent use.
func Validate(o Object) []warden.ObjectProblem {
	if fastValid(o.Type, o.Raw) {
		return nil
	}
	return validateSchema(o)
}

// validateSchema is Validate by the schema alone.
func validateSchema(o Object) []warden.ObjectProblem {
	set := schemas()
	s, ok := set.types[o.Type]
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(o.Raw))
	if err != nil {
		return []warden.ObjectProblem{{Object: o.ID, Message: "malformed JSON"}}
	}
	if !ok {
		s = set.scoCore
		if m, isObj := doc.(map[string]any); isObj && m["created"] != nil {
			s = set.core
		}
	}
	var ps []warden.ObjectProblem
	if !ok && !ValidID(o.ID, o.Type) {
		ps = append(ps, warden.ObjectProblem{Object: o.ID, Path: "/id", Message: "not " + o.Type + "--UUID"})
	}
	if err := s.Validate(doc); err != nil {
		ve, isVE := err.(*jsonschema.ValidationError)
		if !isVE {
			return append(ps, warden.ObjectProblem{Object: o.ID, Message: err.Error()})
		}
		seen := map[warden.ObjectProblem]bool{}
		leaves(ve, func(p warden.ObjectProblem) {
			p.Object = o.ID
			if !seen[p] && len(ps) < maxProblems {
				seen[p] = true
				ps = append(ps, p)
			}
		})
	}
	return ps
}

// leaves reports the errors at the leaves of a validation error's tree:
// each one a property missing, of the wrong type or value, not allowed.
//
// Of alternatives (anyOf, oneOf) that all fail, those failing only for
// being of another type are left out when one of them fails for another
// reason (a list of the right type but empty is "minItems", not also
// "want string"), and merged into one when they all do.
func leaves(e *jsonschema.ValidationError, report func(warden.ObjectProblem)) {
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var other []*jsonschema.ValidationError
		var want []string
		got := ""
		for _, c := range causes {
			if t := typeOnly(c); t != nil {
				got, want = t.Got, append(want, t.Want...)
			} else {
				other = append(other, c)
			}
		}
		if len(other) == 0 && len(want) > 0 {
			report(warden.ObjectProblem{Path: pointer(e.InstanceLocation), Message: "got " + got + ", want " + strings.Join(want, " or ")})
			return
		}
		causes = other
	}
	if len(causes) > 0 {
		for _, c := range causes {
			leaves(c, report)
		}
		return
	}
	loc := pointer(e.InstanceLocation)
	if r, ok := e.ErrorKind.(*kind.Required); ok {
		for _, m := range r.Missing {
			report(warden.ObjectProblem{Path: loc + "/" + escapePointer(m), Message: "missing"})
		}
		return
	}
	if a, ok := e.ErrorKind.(*kind.AdditionalProperties); ok {
		for _, m := range a.Properties {
			report(warden.ObjectProblem{Path: loc + "/" + escapePointer(m), Message: "property not allowed (custom properties: lower case a-z, 0-9 and _, 3 to 250 characters)"})
		}
		return
	}
	report(warden.ObjectProblem{Path: loc, Message: leafMessage(e, loc)})
}

// leafMessage says what is wrong in words a person fixes a file by,
// rather than the schema's regular expressions.
func leafMessage(e *jsonschema.ValidationError, loc string) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Pattern:
		switch {
		case strings.Contains(k.Want, `\.\d{3,}Z`):
			return strconv.Quote(k.Got) + " is not a timestamp to the millisecond (2006-01-02T15:04:05.000Z)"
		case strings.Contains(e.SchemaURL, "timestamp.json"):
			return strconv.Quote(k.Got) + " is not a timestamp (2006-01-02T15:04:05Z, UTC)"
		case strings.Contains(e.SchemaURL, "identifier.json"):
			return strconv.Quote(k.Got) + " is not an identifier (type--UUID)"
		case strings.HasPrefix(k.Want, "^") && strings.HasSuffix(k.Want, "--"):
			return strconv.Quote(k.Got) + " is not an id of type " + strings.TrimSuffix(k.Want[1:], "--")
		}
	case *kind.Not:
		if loc == "" {
			return "holds a property STIX reserves (severity, action, username or phone_numbers)"
		}
	}
	return e.ErrorKind.LocalizedString(printer)
}

// typeOnly returns the type error that is all of e, nil if e is another
// error.
func typeOnly(e *jsonschema.ValidationError) *kind.Type {
	for len(e.Causes) == 1 {
		e = e.Causes[0]
	}
	t, _ := e.ErrorKind.(*kind.Type)
	if len(e.Causes) > 0 {
		return nil
	}
	return t
}

// pointer writes a JSON pointer (RFC 6901) of path tokens.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

func escapePointer(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}

// ValidateBundle checks a whole bundle Warden wrote: the envelope (type
// bundle, an id bundle--UUID, objects) and each object by Validate. Tests
// and exports use it; imports validate object by object.
func ValidateBundle(b []byte) []warden.ObjectProblem {
	var env struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return []warden.ObjectProblem{{Object: "bundle", Message: jsonError("bundle", err).Error()}}
	}
	var ps []warden.ObjectProblem
	if env.Type != "bundle" {
		ps = append(ps, warden.ObjectProblem{Object: "bundle", Path: "/type", Message: `not "bundle"`})
	}
	if !ValidID(env.ID, "bundle") {
		ps = append(ps, warden.ObjectProblem{Object: "bundle", Path: "/id", Message: "not bundle--UUID"})
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) == nil && probe["objects"] != nil && len(env.Objects) == 0 {
		ps = append(ps, warden.ObjectProblem{Object: "bundle", Path: "/objects", Message: "empty: leave it out"})
	}
	objs, problems, err := Parse(bytes.NewReader(b))
	if err != nil {
		return append(ps, warden.ObjectProblem{Object: "bundle", Message: err.Error()})
	}
	ps = append(ps, problems...)
	for _, o := range objs {
		ps = append(ps, Validate(o)...)
	}
	return ps
}
