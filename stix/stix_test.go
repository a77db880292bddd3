package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
)

// TestParse reads a bundle, a TAXII envelope and a single object, and
// reports the objects it cannot use without refusing the others.
func TestParse(t *testing.T) {
	two := `[` + indicator + `,` + relationship + `]`
	for _, tc := range []struct {
		name     string
		in       string
		ids      []string
		problems []warden.ObjectProblem
	}{
		{"bundle", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":` + two + `}`,
			[]string{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"}, nil},
		{"envelope", `{"more":false,"objects":` + two + `}`,
			[]string{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"}, nil},
		{"one object", "\n  " + relationship + "\n", []string{"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"}, nil},
		{"empty bundle", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}`, nil, nil},
		{"empty envelope", `{"objects":null}`, nil, nil},
		{"envelope with nothing more", `{"more":false}`, nil, nil},
		{"nothing", `{}`, nil, nil},
		{"observed data with objects", `{"type":"observed-data","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","objects":{"0":{"type":"file"}}}`,
			[]string{"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"}, nil},
		{"an object without type", `{"id":"x-a--b67d30ff-02ac-498a-92f9-32f845f448cf"}`, nil, []warden.ObjectProblem{{Object: "objects[0]", Message: "type: missing or not a string"}}},
		{"many unusable objects", `{"objects":[` + strings.Repeat(`{"type":5},`, 22) + indicator + `]}`, []string{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
			append(typeMissing(20), warden.ObjectProblem{Object: "bundle", Message: "2 more objects that cannot be used"})},
		{"unusable objects", `{"objects":[` + indicator + `,"text",{"id":"x--1"},{"type":"x-a"},{"type":"x-a","id":"x-b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},` +
			`{"type":"x-a","id":"x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3"},{"type":"x-a","id":"x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","name":7}]}`,
			[]string{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
			[]warden.ObjectProblem{
				{Object: "objects[1]", Message: "not a JSON object"},
				{Object: "objects[2]", Message: "type: missing or not a string"},
				{Object: "objects[3]", Message: "id: missing or not a string"},
				{Object: "objects[4]", Message: `id: "x-b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" is not x-a--UUID`},
				{Object: "objects[5]", Message: `id: "x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3" is not x-a--UUID`},
			}},
	} {
		objs, problems, err := Parse(strings.NewReader(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var ids []string
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
		if strings.Join(ids, " ") != strings.Join(tc.ids, " ") || len(problems) != len(tc.problems) {
			t.Errorf("%s: %v %v", tc.name, ids, problems)
			continue
		}
		for i := range problems {
			if problems[i] != tc.problems[i] {
				t.Errorf("%s: problem %v, want %v", tc.name, problems[i], tc.problems[i])
			}
		}
	}
}

// typeMissing is the problems of the first n objects of a bundle, none
// with a type.
func typeMissing(n int) []warden.ObjectProblem {
	ps := make([]warden.ObjectProblem, n)
	for i := range ps {
		ps[i] = warden.ObjectProblem{Object: "objects[" + strconv.Itoa(i) + "]", Message: "type: missing or not a string"}
	}
	return ps
}

// TestParseObject reads what Warden selects on from an object: times,
// name, revocation, markings, and compact JSON.
func TestParseObject(t *testing.T) {
	o := object(t, "{ \"type\": \"indicator\",\n \"id\": \"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\", \"spec_version\": \"2.1\","+
		` "created": "2016-04-06T20:03:48.000Z", "modified": "2017-01-02T03:04:05.678Z", "pattern": "[ipv4-addr:value = '1.2.3.4']",`+
		` "revoked": true, "object_marking_refs": ["`+tlp1Green+`"] }`)
	want := Object{ID: "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Type: "indicator", SpecVersion: "2.1",
		Created: time.Date(2016, 4, 6, 20, 3, 48, 0, time.UTC), Modified: time.Date(2017, 1, 2, 3, 4, 5, 678e6, time.UTC),
		ModifiedText: "2017-01-02T03:04:05.678Z", Name: "[ipv4-addr:value = '1.2.3.4']", Revoked: true, MarkingRefs: []string{tlp1Green}}
	if o.ID != want.ID || o.Type != want.Type || o.SpecVersion != want.SpecVersion || !o.Created.Equal(want.Created) ||
		!o.Modified.Equal(want.Modified) || o.ModifiedText != want.ModifiedText || o.Name != want.Name || o.Revoked != want.Revoked ||
		len(o.MarkingRefs) != 1 || o.MarkingRefs[0] != tlp1Green {
		t.Errorf("got %+v\nwant %+v", o, want)
	}
	if bytes.ContainsAny(o.Raw, "\n") || bytes.Contains(o.Raw, []byte(`": "`)) {
		t.Errorf("not compact: %s", o.Raw)
	}
	for _, tc := range []struct{ raw, name, modified string }{
		{`{"type":"marking-definition","id":"` + tlp1Red + `","created":"2017-01-20T00:00:00.000Z"}`, "", "2017-01-20T00:00:00.000Z"},
		{`{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}`, "198.51.100.3", ""},
		{`{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","name":"C2","pattern":"[x:y = 1]","modified":"bad"}`, "C2", "bad"},
	} {
		o := object(t, tc.raw)
		if o.Name != tc.name || o.ModifiedText != tc.modified {
			t.Errorf("%s: name %q, modified %q", tc.raw, o.Name, o.ModifiedText)
		}
		if tc.modified == "" && !o.Modified.IsZero() || tc.modified != "" && tc.modified != "bad" && !o.Modified.Equal(o.Created) {
			t.Errorf("%s: modified %v created %v", tc.raw, o.Modified, o.Created)
		}
	}
}

// TestParseBad refuses input that is not JSON, not an object, or too
// large, with an EINVALID error saying where.
func TestParseBad(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    io.Reader
		msg  string
	}{
		{"malformed", strings.NewReader(`{"type":"bundle","objects":[{"type":"x"]}`), "malformed JSON at byte 40"},
		{"truncated", strings.NewReader(`{"type":"bundle","objects":[`), "malformed JSON"},
		{"trailing", strings.NewReader(`{"type":"bundle"} {}`), "malformed JSON at byte 19"},
		{"array", strings.NewReader(`[` + indicator + `]`), "not a JSON object"},
		{"empty", strings.NewReader(``), "malformed JSON"},
		{"objects not an array", strings.NewReader(`{"objects":{}}`), "objects: not an array"},
		{"too large", io.MultiReader(strings.NewReader(`{"type":"bundle","x_pad":"`), bytes.NewReader(make([]byte, MaxBundle))), "larger than 64 MiB"},
	} {
		objs, problems, err := Parse(tc.r)
		var we *warden.Error
		if !errors.As(err, &we) || we.Code != warden.EINVALID || !strings.Contains(we.Message, tc.msg) || len(objs)+len(problems) > 0 {
			t.Errorf("%s: %v %v %v, want EINVALID saying %q", tc.name, objs, problems, err, tc.msg)
		}
	}
}

// TestExamplesRoundTrip reads every example, writes its objects in a
// bundle again and reads that: the same objects, equivalent to what the
// file holds, valid.
func TestExamplesRoundTrip(t *testing.T) {
	for _, file := range exampleFiles(t) {
		objs := exampleObjects(t, file)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var orig struct{ Objects []json.RawMessage }
		if err := json.Unmarshal(b, &orig); err == nil && orig.Objects == nil {
			orig.Objects = []json.RawMessage{b} // a single object
		}
		if len(orig.Objects) != len(objs) {
			t.Fatalf("%s: %d objects in the file, %d read", file, len(orig.Objects), len(objs))
		}
		raws := make([]json.RawMessage, len(objs))
		for i, o := range objs {
			raws[i] = o.Raw
			if !Equivalent(o.Raw, orig.Objects[i]) {
				t.Errorf("%s: %s not as in the file", file, o.ID)
			}
		}
		out := Bundle(raws)
		if ps := ValidateBundle(out); len(ps) > 0 {
			t.Errorf("%s: %v", file, ps)
		}
		again, problems, err := Parse(bytes.NewReader(out))
		if err != nil || len(problems) > 0 || len(again) != len(objs) {
			t.Fatalf("%s: %d objects again, %v %v", file, len(again), problems, err)
		}
		for i := range again {
			if !bytes.Equal(again[i].Raw, objs[i].Raw) {
				t.Errorf("%s: %s changed", file, objs[i].ID)
			}
		}
	}
}

// TestWriting checks the helpers Warden's own objects are written with.
func TestWriting(t *testing.T) {
	a, b := NewID("incident"), NewID("incident")
	if a == b || !ValidID(a, "incident") || !identifier(a) {
		t.Errorf("NewID: %s %s", a, b)
	}
	tm := time.Date(2026, 11, 30, 1, 2, 3, 456789000, time.FixedZone("X", 3600))
	if got := Timestamp(tm); got != "2026-11-30T00:02:03.456Z" || timestamp(got) != 3 {
		t.Errorf("Timestamp: %s", got)
	}
	if got := Timestamp(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); got != "2026-01-01T00:00:00.000Z" {
		t.Errorf("Timestamp: %s", got)
	}
	var env struct {
		Type, ID string
		Objects  []json.RawMessage
	}
	if err := json.Unmarshal(Bundle([]json.RawMessage{json.RawMessage(indicator)}), &env); err != nil ||
		env.Type != "bundle" || !ValidID(env.ID, "bundle") || len(env.Objects) != 1 || string(env.Objects[0]) != indicator {
		t.Errorf("Bundle: %+v %v", env, err)
	}
}

// TestEquivalent compares objects as STIX means them: key order,
// whitespace and the writing of numbers aside.
func TestEquivalent(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		ignore []string
		want   bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b" : [1, 2], "a" : 1 }`, nil, true},
		{`{"a":1}`, `{"a":1.0}`, nil, true},
		{`{"a":100}`, `{"a":1e2}`, nil, true},
		{`{"a":{"x":"y","z":null}}`, `{"a":{"z":null,"x":"y"}}`, nil, true},
		{`{"a":1}`, `{"a":2}`, nil, false},
		{`{"a":1}`, `{"a":"1"}`, nil, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, nil, false},
		{`{"a":1}`, `{"a":1,"b":null}`, nil, false},
		{`{"a":true}`, `{"a":false}`, nil, false},
		{`{"a":"x"}`, `{"a":"X"}`, nil, false},
		{`{"a":1,"m":["x"]}`, `{"a":1}`, []string{"m"}, true},
		{`{"a":1,"m":["x"]}`, `{"a":2}`, []string{"m"}, false},
		{`{"a":1}`, `{"a":1`, nil, false},
		{`{"a":1}`, `{"a":1} {}`, nil, false},
	} {
		if got := Equivalent(json.RawMessage(tc.a), json.RawMessage(tc.b), tc.ignore...); got != tc.want {
			t.Errorf("Equivalent(%s, %s, %v) = %v", tc.a, tc.b, tc.ignore, got)
		}
	}
}

// BenchmarkImportIndicators is the stix side of an import of indicators:
// a bundle of 10,000 read, each indicator validated, its pattern read and
// its edges drawn. The import of 100,000 must take 10 s in all.
func BenchmarkImportIndicators(b *testing.B) {
	const n = 10000
	raws := make([]json.RawMessage, n)
	for i := range raws {
		raws[i] = json.RawMessage(`{"type":"indicator","spec_version":"2.1","id":"` + NewID("indicator") +
			`","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"C2 ` + strconv.Itoa(i) +
			`","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '10.` + strconv.Itoa(i/65536) + `.` +
			strconv.Itoa(i/256%256) + `.` + strconv.Itoa(i%256) + `']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",` +
			`"created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","object_marking_refs":["` + tlp1Green + `"]}`)
	}
	bundle := Bundle(raws)
	b.SetBytes(int64(len(bundle)))
	b.ResetTimer()
	for b.Loop() {
		objs, problems, err := Parse(bytes.NewReader(bundle))
		if err != nil || len(problems) > 0 || len(objs) != n {
			b.Fatal(err, problems)
		}
		for _, o := range objs {
			if ps := Validate(o); len(ps) > 0 {
				b.Fatal(ps)
			}
			var ind struct{ Pattern string }
			if err := json.Unmarshal(o.Raw, &ind); err != nil {
				b.Fatal(err)
			}
			if _, err := ParsePattern(ind.Pattern); err != nil {
				b.Fatal(err)
			}
			if len(Edges(o)) != 1 {
				b.Fatal("edges")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/indicator")
}

// FuzzParse reads any input without panicking: what it returns are
// objects of a valid id, as compact JSON objects.
func FuzzParse(f *testing.F) {
	f.Add(indicator)
	f.Add(`{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[` + indicator + `,` + relationship + `]}`)
	f.Add(`{"more":true,"objects":[{"type":"x-a","id":"x-a--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},1,null]}`)
	f.Fuzz(func(t *testing.T, in string) {
		objs, _, err := Parse(strings.NewReader(in))
		if err != nil && len(objs) > 0 {
			t.Fatal("objects and an error")
		}
		for _, o := range objs {
			var buf bytes.Buffer
			if !ValidID(o.ID, o.Type) || json.Compact(&buf, o.Raw) != nil || !bytes.Equal(buf.Bytes(), o.Raw) || o.Raw[0] != '{' {
				t.Fatalf("%q: object %s %s", in, o.ID, o.Raw)
			}
			Validate(o)
			Edges(o)
		}
	})
}
