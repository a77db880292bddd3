package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"warden"
)

// TestMarshalScreening requires a screening's data, its items encoded on
// every core, to be the bytes json.Marshal writes: the record's digest is
// of them, and a reader decodes them as it always has.
func TestMarshalScreening(t *testing.T) {
	items := func(n int) []warden.ScreeningItem {
		out := make([]warden.ScreeningItem, n)
		for i := range out {
			it := &out[i]
			it.Pos = fmt.Sprintf("line %d", i+2)
			it.Query.Names = []string{fmt.Sprintf("Name <%d> & \u2028 \"Ivan\" Иванов 金正恩", i)}
			if i%3 == 0 {
				it.Query.BirthDates, it.Query.Countries, it.Query.Schema = []string{"1970-01-02"}, []string{"RU"}, "Person"
			}
			if i%7 == 0 {
				it.Hits, it.BestScore, it.Match, it.BestID, it.BestName = i%5, math.Round(float64(i%1000))/1000, i%2 == 0, "ofac:1", "IVANOV, Ivan"
			}
			if i%11 == 0 {
				it.Query.Wallets, it.Query.IDs, it.Query.Lists = []string{"bc1q"}, []string{"P123"}, []string{"ofac"}
			}
		}
		return out
	}
	lists := []warden.ScreenedList{{List: "ofac", Version: 3}, {List: "un", Version: 1}}
	top := []warden.ScreeningHit{{Item: 3, EntityID: "ofac:1", Name: "IVANOV", Score: 0.93, Match: true, Explanation: `name "a" <b>`}}
	for _, tt := range []struct {
		name string
		d    screeningData
	}{
		{"empty", screeningData{Items: []warden.ScreeningItem{}, Top: []warden.ScreeningHit{}}},
		{"nil everything", screeningData{}},
		{"one", screeningData{Threshold: 0.85, Limit: 10, Lists: lists, Items: items(1), Top: top}},
		{"one chunk", screeningData{Threshold: 0.85, Items: items(itemsChunk), Top: top}},
		{"two chunks", screeningData{Threshold: 0.7, Lists: lists, Items: items(2 * itemsChunk)}},
		{"many, a part chunk", screeningData{Threshold: 1e-7, Limit: 3, Lists: lists, Items: items(5*itemsChunk + 17), Top: top}},
		{"many, no lists or top", screeningData{Threshold: 1, Items: items(3*itemsChunk + 1)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := marshalScreening(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("differs from json.Marshal at byte %d of %d: %.60q, want %.60q", i, len(want), got[i:], want[i:])
			}
		})
	}
	if _, err := marshalScreening(screeningData{Threshold: math.NaN(), Items: items(2 * itemsChunk)}); err == nil {
		t.Error("a NaN threshold was encoded")
	}
}

// TestPackScreening requires a record compressed in chunks on every core
// to read back as the same bytes, whatever its size against the chunk.
func TestPackScreening(t *testing.T) {
	for _, n := range []int{1, packFrom, packChunk - 1, packChunk, packChunk + 1, 3*packChunk + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := make([]byte, n)
			for i := range data {
				data[i] = "{\"names\":[\"Ivan Иванов\"]},"[i%31] // compressible, like a record
			}
			packed := packScreening(data)
			if n > 4096 && len(packed) > n/4 {
				t.Errorf("%d bytes packed into %d", n, len(packed))
			}
			got, err := storedRecord{packed: packed}.json()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("%d bytes read back as %d different ones", n, len(got))
			}
		})
	}
	if _, err := (storedRecord{packed: []byte("not gzip")}).json(); err == nil {
		t.Error("a packed column that is not gzip was read")
	}
}

// TestRecordSummary requires the list's summary of a record, read up to
// its first item, to be what decoding the whole record gives, in the
// order the records are written and in any other, from text or packed.
func TestRecordSummary(t *testing.T) {
	lists := []warden.ScreenedList{{List: "ofac", Version: 3, Date: "2024-07-09"}, {List: "un", Version: 1}}
	items := make([]warden.ScreeningItem, 3*itemsChunk)
	for i := range items {
		items[i] = warden.ScreeningItem{Pos: fmt.Sprintf("line %d", i+2), Query: warden.ScreeningQuery{Names: []string{fmt.Sprintf("Ivan %d", i)}}}
	}
	record := func(d screeningData) string {
		b, err := marshalScreening(d)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tt := range []struct {
		name, json string
	}{
		{"batch", record(screeningData{Threshold: 0.85, Limit: 10, Lists: lists, Items: items})},
		{"one", record(screeningData{Threshold: 0.7, Lists: lists, Items: items[:1]})},
		{"no items", record(screeningData{Threshold: 0.7, Lists: lists, Items: []warden.ScreeningItem{}})},
		{"nil everything", record(screeningData{})},
		{"items first", `{"items":[{"pos":"a","query":{"names":["X"]}},{"pos":"b"}],"top":[],"lists":[{"list":"uk","version":2}],"threshold":0.5}`},
		{"unknown fields", `{"extra":{"a":[1,2]},"threshold":0.9,"lists":null,"items":[{"pos":"z"}],"more":true}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want struct {
				Threshold float64                `json:"threshold"`
				Lists     []warden.ScreenedList  `json:"lists"`
				Items     []warden.ScreeningItem `json:"items"`
			}
			if err := json.Unmarshal([]byte(tt.json), &want); err != nil {
				t.Fatal(err)
			}
			for _, rec := range []storedRecord{{data: tt.json}, {packed: packScreening([]byte(tt.json))}} {
				r, err := rec.reader()
				if err != nil {
					t.Fatal(err)
				}
				threshold, gotLists, first, err := recordSummary(r)
				if err != nil {
					t.Fatalf("packed %v: %v", rec.packed != nil, err)
				}
				if threshold != want.Threshold || fmt.Sprint(gotLists) != fmt.Sprint(want.Lists) || (gotLists == nil) != (want.Lists == nil) {
					t.Errorf("packed %v: threshold %v lists %+v, want %v %+v", rec.packed != nil, threshold, gotLists, want.Threshold, want.Lists)
				}
				if (first == nil) != (len(want.Items) == 0) || (first != nil && fmt.Sprint(*first) != fmt.Sprint(want.Items[0])) {
					t.Errorf("packed %v: first item %+v, want the first of %d", rec.packed != nil, first, len(want.Items))
				}
			}
		})
	}
	for _, bad := range []string{``, `[]`, `{"threshold":`, `{"items":{}}`, `{"items":[{"pos":1}]}`, `{"lists":[`, `{"items":[{"pos":"a"},{"pos":],"threshold":1}`, `{"items":[{"pos":"a"}}`} {
		if _, _, _, err := recordSummary(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
