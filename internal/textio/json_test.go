package textio

import (
	"context"
	"strings"
	"testing"

	"warden"
)

// TestUniqueKeys: a key given twice in one object is refused with its
// path, whatever its spelling (escapes, case); the same key in sibling
// objects, or a key equal to a value, is not a duplicate; malformed JSON
// is left to the decoder.
func TestUniqueKeys(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{`{"name":"a","name":"b"}`, "name appears twice"},
		{`{"name":"a","n\u0061me":"b"}`, "name appears twice"},
		{`{"name":"a","Name":"b"}`, "Name appears twice"},
		{`{"ſ":1,"S":2}`, "S appears twice"}, // encoding/json folds the long s to s
		{`{"queries":[{"name":"a"},{"name":"b","threshold":0.5,"threshold":1}]}`, "queries[1].threshold appears twice"},
		{`{"a":{"b":[1,{"c":{"d":1,"d":2}}]}}`, "a.b[1].c.d appears twice"},
		{`{"queries":{"q":{},"q":{}}}`, "queries.q appears twice"},
		{`[{"a":1},{"a":1,"a":2}]`, "[1].a appears twice"},
		{`{"queries":[{"name":"a"},{"name":"b"}]}`, ""},
		{`{"name":"name","x":["name","name"],"y":{"name":1}}`, ""},
		{`{"a":{"b":1},"b":2}`, ""},
		{`{"name":"a`, ""}, // malformed: the decoder says so
		{`{"name":"a","name"`, "name appears twice"},
		{``, ""},
	} {
		err := UniqueKeys([]byte(tc.in))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.err != "" && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v; want %q", tc.in, err, tc.err)
		}
	}
}

// TestRowsFieldCount: a CSV row with more fields than the header (or
// fewer) fails naming its line, as screen --input reads its queries.
func TestRowsFieldCount(t *testing.T) {
	for _, in := range []string{"name,country\nJane Doe,US\nMaksim Yakubets,RU,extra\n", "name,country\nJane Doe,US\nMaksim Yakubets\n"} {
		f := &File{Name: "q.csv", Reader: strings.NewReader(in)}
		rows := 0
		err := Rows(context.Background(), f, []string{"name"}, func(Row) error { rows++; return nil })
		if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "q.csv:3") || rows != 1 {
			t.Errorf("%q: %d rows, %v; want EINVALID at q.csv:3", in, rows, err)
		}
	}
}
