// Package stix reads and writes STIX 2.1, the language in which threat
// intelligence is exchanged (MISP, OpenCTI, TAXII servers): bundles and
// TAXII envelopes parsed into objects, objects validated against the
// official JSON schemas (embedded from schemas/, OASIS's
// cti-stix2-json-schemas under their LICENSE), TLP 1.0 and 2.0 markings,
// the references between objects, the indicator patterns Warden screens
// with, and the helpers Warden's own objects are written with.
//
// The package knows nothing of the store or of who reads: the intel
// service decides what is kept and who sees it.
package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"warden"
)

// Media types of STIX content and of TAXII 2.1 messages, as servers and
// clients announce them.
const (
	MediaSTIX  = "application/stix+json;version=2.1"
	MediaTAXII = "application/taxii+json;version=2.1"
)

// MaxBundle is the size of the largest bundle read (bytes): a larger one
// is refused whole, before anything of it is stored.
const MaxBundle = 64 << 20

// maxProblems bounds the problems reported for one object and for a
// bundle's unusable objects: enough to fix a file by, not a flood.
const maxProblems = 20

// Object is one STIX object as read: the properties Warden selects and
// orders on, and the object's JSON itself, so that it is stored and
// exported as it came.
type Object struct {
	ID, Type, SpecVersion string
	Created, Modified     time.Time // Modified = Created when absent
	ModifiedText          string    // the object's own modified (or created) string, "" if none
	Name                  string    // name; an indicator's name or pattern; an SCO's value; "" otherwise
	Revoked               bool
	MarkingRefs           []string        // object_marking_refs
	Raw                   json.RawMessage // compact JSON
}

// header is what Parse reads of an object.
type header struct {
	Type        string   `json:"type"`
	ID          string   `json:"id"`
	SpecVersion string   `json:"spec_version"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	Name        string   `json:"name"`
	Pattern     string   `json:"pattern"`
	Value       string   `json:"value"`
	Revoked     bool     `json:"revoked"`
	MarkingRefs []string `json:"object_marking_refs"`
}

// Parse reads a bundle ({"type":"bundle","objects":[...]}), a TAXII
// envelope ({"objects":[...]}), or a single object, of at most MaxBundle
// bytes. Malformed JSON is EINVALID with the byte offset. Objects that are
// not JSON objects, lack type or id, or have an id not of the form
// type--UUID, are problems (Object "objects[i]"), not an error, so that an
// import can report them all; the other objects are returned.
func Parse(r io.Reader) (objs []Object, problems []warden.ObjectProblem, err error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBundle+1))
	if err != nil {
		return nil, nil, warden.Errorf(warden.EINVALID, "bundle: cannot be read: %w", err)
	}
	if len(b) > MaxBundle {
		return nil, nil, warden.Errorf(warden.EINVALID, "bundle: larger than 64 MiB")
	}
	raws, err := topLevel(b)
	if err != nil {
		return nil, nil, err
	}
	objs = make([]Object, 0, len(raws))
	unusable := 0
	for i, raw := range raws {
		o, msg := parseObject(raw)
		if msg != "" {
			if unusable++; unusable <= maxProblems {
				problems = append(problems, warden.ObjectProblem{Object: "objects[" + strconv.Itoa(i) + "]", Message: msg})
			}
			continue
		}
		objs = append(objs, o)
	}
	if unusable > maxProblems {
		problems = append(problems, warden.ObjectProblem{Object: "bundle", Message: strconv.Itoa(unusable-maxProblems) + " more objects that cannot be used"})
	}
	return objs, problems, nil
}

// topLevel returns the objects of a bundle or envelope, or the one
// object b is. A bundle has type bundle, an envelope no type (more, next
// and objects at most); anything else is one object, which may have an
// objects property of its own (observed-data's, deprecated). The objects
// are read in one pass over b, each one copied once.
func topLevel(b []byte) ([]json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	tok, err := d.Token()
	if err != nil {
		return nil, badJSON(b, err)
	}
	if tok != json.Delim('{') {
		return nil, warden.Errorf(warden.EINVALID, "bundle: not a JSON object")
	}
	var (
		raws              []json.RawMessage
		typ               json.RawMessage
		keys              int
		listed, more, odd bool
	)
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, badJSON(b, err)
		}
		keys++
		switch key, _ := tok.(string); key {
		case "objects":
			raws, listed, odd = nil, true, false
			tok, err := d.Token()
			if err != nil {
				return nil, badJSON(b, err)
			}
			switch tok {
			case json.Delim('['):
				for d.More() {
					var raw json.RawMessage
					if err := d.Decode(&raw); err != nil {
						return nil, badJSON(b, err)
					}
					raws = append(raws, raw)
				}
				if _, err := d.Token(); err != nil {
					return nil, badJSON(b, err)
				}
			case nil: // null: no objects
			default:
				odd = true // not a list: an object's own objects, or an error
				if err := skipRest(d, tok); err != nil {
					return nil, badJSON(b, err)
				}
			}
		case "type":
			if err := d.Decode(&typ); err != nil {
				return nil, badJSON(b, err)
			}
		default:
			more = more || key == "more" || key == "next"
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				return nil, badJSON(b, err)
			}
		}
	}
	if _, err := d.Token(); err != nil {
		return nil, badJSON(b, err)
	}
	if _, err := d.Token(); err != io.EOF {
		if err == nil {
			return nil, warden.Errorf(warden.EINVALID, "bundle: malformed JSON at byte %d: data after the end", d.InputOffset())
		}
		return nil, badJSON(b, err)
	}
	switch {
	case typ != nil && !bytes.Equal(typ, []byte(`"bundle"`)):
		return []json.RawMessage{b}, nil
	case odd:
		return nil, warden.Errorf(warden.EINVALID, "objects: not an array of objects")
	case listed:
		return raws, nil
	case typ != nil, more, keys == 0:
		return nil, nil // an empty bundle or envelope
	}
	return []json.RawMessage{b}, nil
}

// badJSON is the error of b, which a decoder failed to read with err:
// the offset of a syntax error counted from the start of b, which the
// decoder's errors do not all do.
func badJSON(b []byte, err error) error {
	var v json.RawMessage
	if uerr := json.Unmarshal(b, &v); uerr != nil {
		return jsonError("bundle", uerr)
	}
	return jsonError("bundle", err)
}

// skipRest skips the value that tok, just read, opens.
func skipRest(d *json.Decoder, tok json.Token) error {
	if _, ok := tok.(json.Delim); !ok {
		return nil // a scalar: read whole
	}
	for depth := 1; depth > 0; {
		t, err := d.Token()
		if err != nil {
			return err
		}
		if dl, ok := t.(json.Delim); ok {
			if dl == '{' || dl == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// jsonError turns a decoding error into EINVALID naming what and, for a
// syntax error, the byte offset.
func jsonError(what string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return warden.Errorf(warden.EINVALID, "%s: malformed JSON at byte %d: %s", what, se.Offset, se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return warden.Errorf(warden.EINVALID, "%s: not a JSON object", what)
	}
	return warden.Errorf(warden.EINVALID, "%s: malformed JSON: %s", what, err.Error())
}

// parseObject reads one object of a bundle; msg says why it cannot be
// used.
func parseObject(raw json.RawMessage) (Object, string) {
	var buf bytes.Buffer
	buf.Grow(len(raw))
	if err := json.Compact(&buf, raw); err != nil {
		return Object{}, "malformed JSON"
	}
	c := buf.Bytes()
	if len(c) == 0 || c[0] != '{' {
		return Object{}, "not a JSON object"
	}
	var h header
	if err := json.Unmarshal(c, &h); err != nil {
		// A property of an unexpected type is left to Validate, which
		// names it; only a failure to read the object at all counts here.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return Object{}, "malformed JSON"
		}
	}
	switch {
	case h.Type == "":
		return Object{}, "type: missing or not a string"
	case h.ID == "":
		return Object{}, "id: missing or not a string"
	case !ValidID(h.ID, h.Type):
		return Object{}, "id: " + strconv.Quote(h.ID) + " is not " + h.Type + "--UUID"
	}
	o := Object{ID: h.ID, Type: h.Type, SpecVersion: h.SpecVersion, Revoked: h.Revoked, MarkingRefs: h.MarkingRefs, Raw: c}
	o.Created, _ = time.Parse(time.RFC3339Nano, h.Created)
	o.ModifiedText = h.Modified
	if h.Modified == "" {
		o.ModifiedText = h.Created
	}
	o.Modified, _ = time.Parse(time.RFC3339Nano, o.ModifiedText)
	o.Name = h.Name
	if o.Name == "" {
		if h.Type == "indicator" {
			o.Name = h.Pattern
		} else {
			o.Name = h.Value
		}
	}
	return o, ""
}

// ValidID reports whether id is typ--UUID (typ "" accepts any type): the
// UUID in its 36-character hexadecimal form. The schemas check the UUID's
// version; this is what every object, even one Warden does not model,
// must have to be kept.
func ValidID(id, typ string) bool {
	if typ == "" {
		i := strings.LastIndex(id, "--")
		if i < 1 {
			return false
		}
		typ = id[:i]
	}
	if len(id) != len(typ)+2+36 || id[:len(typ)] != typ || id[len(typ):len(typ)+2] != "--" {
		return false
	}
	u := id[len(typ)+2:]
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// NewID returns a new id of an object of type typ: typ--UUIDv4.
func NewID(typ string) string { return typ + "--" + uuid.NewString() }

// Timestamp writes t as Warden writes STIX times: UTC with milliseconds,
// which the schemas require of created and modified.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Bundle wraps objects (compact JSON) in a bundle with a new id. A bundle
// of no object has no objects property, as the schema wants at least one
// when it is present.
func Bundle(objects []json.RawMessage) []byte {
	n := 64
	for _, o := range objects {
		n += len(o) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"type":"bundle","id":"`...)
	b = append(b, NewID("bundle")...)
	b = append(b, '"')
	if len(objects) > 0 {
		b = append(b, `,"objects":[`...)
		for i, o := range objects {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, o...)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// Equivalent reports whether two objects carry the same properties and
// values, key order and whitespace aside, numbers compared as numbers (1
// and 1.0 are equal), the top-level properties named in ignore skipped:
// the measure of an object exported back as it was imported.
func Equivalent(a, b json.RawMessage, ignore ...string) bool {
	va, err := decodeAny(a)
	if err != nil {
		return false
	}
	vb, err := decodeAny(b)
	if err != nil {
		return false
	}
	ma, okA := va.(map[string]any)
	mb, okB := vb.(map[string]any)
	if okA && okB {
		for _, k := range ignore {
			delete(ma, k)
			delete(mb, k)
		}
	}
	return equal(va, vb)
}

func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		fx, _, errx := big.ParseFloat(string(x), 10, 256, big.ToNearestEven)
		fy, _, erry := big.ParseFloat(string(y), 10, 256, big.ToNearestEven)
		return errx == nil && erry == nil && fx.Cmp(fy) == 0
	default:
		return a == b // string, bool, nil
	}
}
