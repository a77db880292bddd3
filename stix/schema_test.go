package stix

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

// exampleFiles returns the official STIX 2.1 example bundles of the shared
// reference data: the small idioms and the APT1 and Poison Ivy reports.
func exampleFiles(t testing.TB) []string {
	t.Helper()
	dir := sourcetest.Data(t, "reference/stix2/examples")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 8 {
		t.Fatalf("examples: %d files, %v", len(files), err)
	}
	return files
}

// exampleObjects parses one example file, which must parse whole.
func exampleObjects(t testing.TB, file string) []Object {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, problems, err := Parse(f)
	if err != nil || len(problems) > 0 || len(objs) == 0 {
		t.Fatalf("%s: %d objects, problems %v, %v", filepath.Base(file), len(objs), problems, err)
	}
	return objs
}

// indicator is a valid indicator the hand-made invalid objects break.
const indicator = `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",` +
	`"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"C2",` +
	`"indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",` +
	`"valid_from":"2016-01-01T00:00:00Z","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}`

const relationship = `{"type":"relationship","spec_version":"2.1","id":"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",` +
	`"created":"2016-04-06T20:06:37.000Z","modified":"2016-04-06T20:06:37.000Z","relationship_type":"indicates",` +
	`"source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","target_ref":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","confidence":80}`

// object parses one object, which must parse.
func object(t testing.TB, raw string) Object {
	t.Helper()
	objs, problems, err := Parse(strings.NewReader(raw))
	if err != nil || len(problems) > 0 || len(objs) != 1 {
		t.Fatalf("%d objects, problems %v, %v", len(objs), problems, err)
	}
	return objs[0]
}

// edit returns raw with change applied to its properties.
func edit(t testing.TB, raw string, change func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestValidateExamples validates every object of every official example
// against its type's schema: they are all valid STIX 2.1.
func TestValidateExamples(t *testing.T) {
	types := map[string]int{}
	for _, file := range exampleFiles(t) {
		for _, o := range exampleObjects(t, file) {
			types[o.Type]++
			if ps := Validate(o); len(ps) > 0 {
				t.Errorf("%s: %s: %v", filepath.Base(file), o.ID, ps)
			}
			if !Known(o.Type) {
				t.Errorf("%s: type %s not known", filepath.Base(file), o.Type)
			}
		}
	}
	if types["indicator"] < 40 || types["relationship"] < 100 || types["threat-actor"] == 0 || types["report"] == 0 {
		t.Errorf("types read: %v", types)
	}
}

// TestValidateInvalid breaks a valid indicator and relationship one
// property at a time: each break is one problem naming the object and the
// path of what is wrong.
func TestValidateInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, base string
		change     func(m map[string]any)
		path, msg  string
	}{
		{"indicator without pattern_type", indicator, func(m map[string]any) { delete(m, "pattern_type") }, "/pattern_type", "missing"},
		{"indicator without pattern", indicator, func(m map[string]any) { delete(m, "pattern") }, "/pattern", "missing"},
		{"indicator without valid_from", indicator, func(m map[string]any) { delete(m, "valid_from") }, "/valid_from", "missing"},
		{"indicator without created", indicator, func(m map[string]any) { delete(m, "created") }, "/created", "missing"},
		{"indicator without spec_version", indicator, func(m map[string]any) { delete(m, "spec_version") }, "/spec_version", "missing"},
		{"modified without milliseconds", indicator, func(m map[string]any) { m["modified"] = "2016-04-06T20:03:48Z" }, "/modified", "millisecond"},
		{"valid_from not a date", indicator, func(m map[string]any) { m["valid_from"] = "2016-13-01T00:00:00Z" }, "/valid_from", "not a timestamp"},
		{"created with a zone", indicator, func(m map[string]any) { m["created"] = "2016-04-06T20:03:48.000+02:00" }, "/created", "not a timestamp"},
		{"pattern a number", indicator, func(m map[string]any) { m["pattern"] = 5 }, "/pattern", "string"},
		{"empty labels", indicator, func(m map[string]any) { m["labels"] = []any{} }, "/labels", "minItems"},
		{"marking ref not an id", indicator, func(m map[string]any) { m["object_marking_refs"] = []any{"tlp:green"} }, "/object_marking_refs/0", "identifier"},
		{"confidence 101", indicator, func(m map[string]any) { m["confidence"] = 101 }, "/confidence", "maximum"},
		{"spec version 2.2", indicator, func(m map[string]any) { m["spec_version"] = "2.2" }, "/spec_version", "2.1"},
		{"a capital custom property", indicator, func(m map[string]any) { m["X_source"] = "feed" }, "/X_source", "not allowed"},
		{"a reserved property", indicator, func(m map[string]any) { m["severity"] = "high" }, "", "STIX reserves"},
		{"id of a malware", indicator, func(m map[string]any) { m["id"] = "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" }, "/id", "not an id of type indicator"},
		{"relationship without relationship_type", relationship, func(m map[string]any) { delete(m, "relationship_type") }, "/relationship_type", "missing"},
		{"relationship without target_ref", relationship, func(m map[string]any) { delete(m, "target_ref") }, "/target_ref", "missing"},
		{"relationship to a bad id", relationship, func(m map[string]any) { m["target_ref"] = "malware--1" }, "/target_ref", "identifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := object(t, tc.base)
			if ps := Validate(good); len(ps) > 0 {
				t.Fatalf("the unbroken object: %v", ps)
			}
			bad := edit(t, tc.base, tc.change)
			var m map[string]any
			json.Unmarshal([]byte(bad), &m)
			id, _ := m["id"].(string)
			typ, _ := m["type"].(string)
			ps := Validate(Object{ID: id, Type: typ, Raw: json.RawMessage(bad)})
			if len(ps) == 0 {
				t.Fatal("valid")
			}
			found := false
			for _, p := range ps {
				if p.Object != id {
					t.Errorf("problem of %q, want %q", p.Object, id)
				}
				if p.Path == tc.path && strings.Contains(p.Message, tc.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem at %q saying %q: %v", tc.path, tc.msg, ps)
			}
		})
	}
}

// TestValidateOpaque checks an object of a type Warden does not model
// against the common properties only: a custom object with them is valid,
// one without is not.
func TestValidateOpaque(t *testing.T) {
	custom := `{"type":"x-acme-case","spec_version":"2.1","id":"x-acme-case--9a8d2c64-8b2d-4c4e-8b7e-1f3a5b2c6d7e",` +
		`"created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","x_acme_anything":{"deep":[1,2]}}`
	sco := `{"type":"x-acme-thing","id":"x-acme-thing--9a8d2c64-8b2d-4c4e-8b7e-1f3a5b2c6d7e","value":"v"}`
	if Known("x-acme-case") || !Known("indicator") || !Known("marking-definition") || !Known("incident") || !Known("ipv4-addr") {
		t.Error("Known")
	}
	for _, raw := range []string{custom, sco} {
		if ps := Validate(object(t, raw)); len(ps) > 0 {
			t.Errorf("%s: %v", raw, ps)
		}
	}
	noModified := edit(t, custom, func(m map[string]any) { delete(m, "modified") })
	ps := Validate(object(t, noModified))
	if len(ps) != 1 || ps[0].Path != "/modified" {
		t.Errorf("custom object without modified: %v", ps)
	}
	badID := Object{ID: "x-acme-case--1", Type: "x-acme-case", Raw: json.RawMessage(edit(t, custom, func(m map[string]any) { m["id"] = "x-acme-case--1" }))}
	if ps := Validate(badID); len(ps) == 0 || ps[0].Path != "/id" {
		t.Errorf("custom object with a bad id: %v", ps)
	}
}

// TestValidateBundle checks a bundle Warden writes, and finds what is
// wrong in broken ones.
func TestValidateBundle(t *testing.T) {
	good := Bundle([]json.RawMessage{json.RawMessage(indicator), json.RawMessage(relationship), TLPMarking(warden.TLPAmber)})
	if ps := ValidateBundle(good); len(ps) > 0 {
		t.Errorf("bundle: %v", ps)
	}
	if ps := ValidateBundle(Bundle(nil)); len(ps) > 0 {
		t.Errorf("empty bundle: %v", ps)
	}
	for name, tc := range map[string]struct{ b, path string }{
		"bad object":    {string(Bundle([]json.RawMessage{json.RawMessage(edit(t, indicator, func(m map[string]any) { delete(m, "pattern") }))})), "/pattern"},
		"not a bundle":  {`{"type":"bundel","id":"bundle--9a8d2c64-8b2d-4c4e-8b7e-1f3a5b2c6d7e"}`, "/type"},
		"bad id":        {`{"type":"bundle","id":"bundle-1"}`, "/id"},
		"empty objects": {`{"type":"bundle","id":"bundle--9a8d2c64-8b2d-4c4e-8b7e-1f3a5b2c6d7e","objects":[]}`, "/objects"},
		"malformed":     {`{"type":"bundle",`, ""},
	} {
		ps := ValidateBundle([]byte(tc.b))
		if len(ps) == 0 || ps[0].Path != tc.path {
			t.Errorf("%s: %v", name, ps)
		}
	}
}

// BenchmarkValidate validates one indicator: an import of 100,000 of
// them must take well under 10 s in all.
func BenchmarkValidate(b *testing.B) {
	o := object(b, indicator)
	Validate(o)
	b.ReportAllocs()
	for b.Loop() {
		if ps := Validate(o); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// BenchmarkValidateSchema validates the same indicator by the schema
// alone, what Validate costs an object the hand check leaves to it.
func BenchmarkValidateSchema(b *testing.B) {
	o := object(b, indicator)
	b.ReportAllocs()
	for b.Loop() {
		if ps := validateSchema(o); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// TestValidateConcurrent validates the examples and a broken object from
// several goroutines at once, as imports do: the same problems as one by
// one.
func TestValidateConcurrent(t *testing.T) {
	var objs []Object
	for _, file := range exampleFiles(t) {
		objs = append(objs, exampleObjects(t, file)...)
	}
	broken := object(t, edit(t, relationship, func(m map[string]any) { delete(m, "relationship_type"); m["labels"] = []any{} }))
	objs = append(objs, broken)
	want := make([]int, len(objs))
	for i, o := range objs {
		want[i] = len(Validate(o))
	}
	if want[len(want)-1] != 2 {
		t.Fatalf("broken relationship: %v", Validate(broken))
	}
	errs := make(chan string, 4*len(objs))
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for i := range objs {
				o := objs[(i+g*37)%len(objs)]
				if got := len(Validate(o)); got != want[(i+g*37)%len(objs)] {
					errs <- o.ID
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	close(errs)
	for id := range errs {
		t.Errorf("%s: other problems when validated concurrently", id)
	}
}
