package match

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
)

// TestSnapshotFields fails when a type the snapshot writes gains (or loses)
// a field: the encoder (encoder.token, name, party, Index.encode) and the
// decoder must then handle it, and this list be updated with them.
func TestSnapshotFields(t *testing.T) {
	for _, c := range []struct {
		v       any
		covered []string
	}{
		// listed: set on query words only (weighQuery), never on a
		// listed name's, so not written; altKeys: made of the alts when
		// they are read (setAlts).
		{token{}, []string{"text", "skel", "cons", "orig", "alts", "altKeys", "rarity", "letters", "kind", "exact", "abjad", "src", "listed"}},
		{alt{}, []string{"text", "skel", "sim"}},
		{name{}, []string{"raw", "folded", "kind", "readings", "spans"}},
		{span{}, []string{"tok", "first", "n"}},
		{slot{}, []string{"rarity", "kind", "first", "partnerLen", "partner"}},
		{party{}, []string{"id", "schema", "list", "gender", "birth", "countries"}},
		{warden.DateRange{}, []string{"From", "To", "Approximate"}},
		// entities and stored: the parties, as JSON; lazy: the names, each
		// on its own; vocab and seen: nil once built; sets: a pool;
		// lookups and resembled: memos of queries, empty at first; occ:
		// the forms of each token (occurrences), in lazyOcc in a loaded
		// index; lazyIDs: ids in a loaded index, decoded on first use;
		// byID and byIDOnce: made from the parties on first use;
		// quals, schemas, keyDir and their Onces: made from the parties
		// and delKeys once the index is built or loaded (prime).
		{Index{}, []string{"entities", "stored", "lazy", "parties", "names", "owner", "first", "vocab", "words", "texts", "posts", "postAt",
			"ats", "postForm", "slots", "slotAt", "delKeys", "delIDs", "quals", "schemas", "qualsOnce", "keyDir", "keyDirOnce", "df", "abjad", "seen", "forms", "formAt", "sets", "ids", "lazyIDs", "logN", "alted", "acronyms",
			"lookups", "resembled", "cuts", "occ", "lazyOcc", "byID", "byIDOnce"}},
	} {
		typ := reflect.TypeOf(c.v)
		var have []string
		for i := range typ.NumField() {
			have = append(have, typ.Field(i).Name)
		}
		if !slices.Equal(have, c.covered) {
			t.Errorf("%s has fields %v, the snapshot covers %v: teach snapshot.go the new ones", typ.Name(), have, c.covered)
		}
	}
}

// snapshotOf writes ix under key and returns the bytes.
func snapshotOf(t testing.TB, ix *Index, key string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := ix.WriteSnapshot(&b, []byte(key)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var (
	ofacSnapOnce sync.Once
	ofacSnap     []byte
)

// ofacSnapshot is the OFAC index's snapshot under key "k".
func ofacSnapshot(t testing.TB) []byte {
	ix := ofac(t)
	ofacSnapOnce.Do(func() { ofacSnap = snapshotOf(t, ix, "k") })
	return ofacSnap
}

// snapshotQueries are the dev queries, a few hundred listed names and
// variants of them (a letter dropped, words swapped, upper-cased).
func snapshotQueries(t *testing.T, ix *Index) []Query {
	var qs []Query
	for _, r := range screeningDev(t) {
		qs = append(qs, r.query())
	}
	for i := 0; i < len(ix.entities); i += 53 {
		e := ix.entities[i]
		n := e.Names[i%len(e.Names)].Full
		ws := strings.Fields(n)
		qs = append(qs, Query{Names: []string{n}}, Query{Names: []string{strings.ToUpper(n)}, Schema: e.Schema})
		if len(ws) > 1 {
			ws[0], ws[len(ws)-1] = ws[len(ws)-1], ws[0]
			qs = append(qs, Query{Names: []string{strings.Join(ws, " ")}})
		}
		if len(n) > 6 {
			qs = append(qs, Query{Names: []string{n[:3] + n[4:]}})
		}
	}
	return qs
}

// TestSnapshotRoundTrip requires the index loaded from a snapshot to be the
// index written, field by field, and to answer every query as it does:
// the same hits, scores, explanations and parties.
func TestSnapshotRoundTrip(t *testing.T) {
	ix := ofac(t)
	got, err := ReadSnapshot(ofacSnapshot(t), []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != ix.Len() || got.Names() != ix.Names() {
		t.Fatalf("loaded %d parties, %d names; built %d, %d", got.Len(), got.Names(), ix.Len(), ix.Names())
	}
	names := make([]name, got.Names())
	for i := range names {
		names[i] = *got.name(int32(i))
		// A one-word span is its reading's token, as spans makes it.
		for ri, ss := range names[i].spans {
			for _, s := range ss {
				if s.n == 1 && s.tok != &names[i].readings[ri][s.first] {
					t.Fatalf("name %d: span of word %d is a copy of its reading's token", i, s.first)
				}
			}
		}
	}
	for _, f := range []struct {
		name       string
		want, have any
	}{
		{"parties", ix.parties, got.parties}, {"names", ix.names, names}, {"owner", ix.owner, got.owner},
		{"first", ix.first, got.first}, {"words", ix.words, got.words}, {"texts", ix.texts, got.texts},
		{"posts", ix.posts, got.posts}, {"ats", ix.ats, got.ats}, {"postAt", ix.postAt, got.postAt},
		{"postForm", ix.postForm, got.postForm}, {"slots", ix.slots, got.slots},
		{"slotAt", ix.slotAt, got.slotAt}, {"delKeys", ix.delKeys, got.delKeys}, {"delIDs", ix.delIDs, got.delIDs},
		{"df", ix.df, got.df}, {"abjad", ix.abjad, got.abjad}, {"forms", ix.forms, got.forms},
		{"formAt", ix.formAt, got.formAt}, {"ids", ix.ids, got.lazyIDs.get()}, {"logN", ix.logN, got.logN},
		{"alted", ix.alted, got.alted}, {"acronyms", len(ix.acronyms), len(got.acronyms)},
	} {
		if !equalish(reflect.ValueOf(f.want), reflect.ValueOf(f.have)) {
			t.Errorf("%s differs after a round trip", f.name)
		}
	}
	// The forms each token occurs in, as meets compares a query word with
	// them: read from the snapshot, those the names hold.
	for id := range ix.texts {
		if want, have := ix.occ[id], got.occurrences(int32(id)); len(want) == 0 || !equalish(reflect.ValueOf(want), reflect.ValueOf(have)) {
			t.Fatalf("token %q occurs in %d forms, the snapshot holds %d or others", ix.texts[id], len(want), len(have))
		}
	}
	for i := 0; i < ix.Len(); i += 101 {
		if e := got.entity(int32(i)); !reflect.DeepEqual(e, ix.entities[i]) {
			t.Errorf("party %d: loaded %+v, built %+v", i, e, ix.entities[i])
		}
		if e, ok := got.Party(ix.entities[i].ID); !ok || e.ID != ix.entities[i].ID {
			t.Errorf("party %s by its ID: %v %v", ix.entities[i].ID, e, ok)
		}
	}
	if e, ok := got.Party("ofac:no-such-party"); ok {
		t.Errorf("an ID the index lacks: %v", e)
	}
	// Searched as loaded: names and parties decoded as the search needs
	// them.
	lazy, err := ReadSnapshot(ofacSnapshot(t), []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Limit: 20}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	qs := snapshotQueries(t, ix)
	if len(qs) < 500 {
		t.Fatalf("only %d queries", len(qs))
	}
	hits := 0
	for _, q := range qs {
		q.AsOf = now
		want, err1 := ix.Search(q, opt)
		have, err2 := lazy.Search(q, opt)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%v: built says %v, loaded %v", q.Names, err1, err2)
		}
		hits += len(want)
		if !reflect.DeepEqual(want, have) {
			t.Errorf("%v: built %v, loaded %v", q.Names, brief(want), brief(have))
		}
	}
	if hits == 0 {
		t.Fatal("no query found anything")
	}
}

// equalish is reflect.DeepEqual, except that a nil and an empty slice or
// map are equal (the decoder makes empty ones where the builder left nil).
// Pointers are equal when what they point to is (a span's token).
func equalish(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equalish(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			v := b.MapIndex(k)
			if !v.IsValid() || !equalish(a.MapIndex(k), v) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !equalish(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalish(a.Elem(), b.Elem())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	panic("equalish: unhandled kind " + a.Kind().String())
}

func brief(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Entity.ID)
	}
	return out
}

// TestSnapshotRejected requires every damaged or foreign snapshot to be
// refused with ErrSnapshot.
func TestSnapshotRejected(t *testing.T) {
	good := ofacSnapshot(t)
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	sumEnd := len(snapshotMagic) + 4 + 32 + 4 + 1 + 8 + 4 // key "k"
	hdr := int(align8(uint64(sumEnd)))
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"empty", nil, "k"},
		{"magic", mod(func(b []byte) []byte { b[0] ^= 1; return b }), "k"},
		{"version", mod(func(b []byte) []byte { b[len(snapshotMagic)]++; return b }), "k"},
		{"fingerprint", mod(func(b []byte) []byte { b[len(snapshotMagic)+4] ^= 0x80; return b }), "k"},
		{"key", good, "other lists"},
		{"key prefix", good, ""},
		{"truncated header", good[:hdr-10], "k"},
		{"truncated payload", good[:len(good)-1], "k"},
		{"longer", append(bytes.Clone(good), 0), "k"},
		{"flipped payload byte", mod(func(b []byte) []byte { b[hdr+len(b[hdr:])/2] ^= 4; return b }), "k"},
		{"flipped checksum", mod(func(b []byte) []byte { b[sumEnd-1] ^= 1; return b }), "k"},
		{"length", mod(func(b []byte) []byte { b[sumEnd-12]++; return b }), "k"},
		{"padding", mod(func(b []byte) []byte { b[sumEnd] = 1; return b }), "k"},
	} {
		ix, err := ReadSnapshot(c.data, []byte(c.key))
		if ix != nil || !errors.Is(err, ErrSnapshot) {
			t.Errorf("%s: got %v, %v; want ErrSnapshot", c.name, ix != nil, err)
		}
	}
	if _, err := ReadSnapshot(good, []byte("k")); err != nil {
		t.Fatalf("the good snapshot: %v", err)
	}
}

// TestDecodeOpenReading requires a payload in which a name's last reading
// is not closed (its last slot a word, not endReading) to be refused:
// nameBound, walking that reading to its end, would run past the name.
// Only a bug in the encoder could write one whose checksum holds.
func TestDecodeOpenReading(t *testing.T) {
	small := NewIndex([]*warden.Entity{
		{ID: "t:1", List: "t", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Ivan Petrov", Kind: warden.NamePrimary}}},
		{ID: "t:2", List: "t", Schema: warden.SchemaCompany, Names: []warden.Name{{Full: "Four Seasons Trading Co Ltd", Kind: warden.NamePrimary}}},
	})
	payload, err := small.encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decode(bytes.Clone(payload)); err != nil {
		t.Fatalf("the payload: %v", err)
	}
	section := func(b []byte, i int) []byte {
		at, n := binary.LittleEndian.Uint64(b[16*i:]), binary.LittleEndian.Uint64(b[16*i+8:])
		return b[at : at+n]
	}
	for nm := range small.Names() {
		b := bytes.Clone(payload)
		last := int(binary.LittleEndian.Uint32(section(b, secSlotAt)[4*(nm+1):])) - 1
		section(b, secSlots)[last*slotBytes+4] = byte(kindWord)
		if _, err := decode(b); err == nil {
			t.Errorf("name %d's last reading left open: decoded", nm)
		}
	}
}

// TestOpenSnapshot requires a snapshot file, memory-mapped, and a
// snapshot read into memory not 8-byte aligned (its arrays then copied) to
// load as the index written, and a missing file to say so.
func TestOpenSnapshot(t *testing.T) {
	ix := ofac(t)
	data := ofacSnapshot(t)
	path := t.TempDir() + "/ix.snap"
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mapped, err := OpenSnapshot(path, []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	odd := make([]byte, len(data)+1)
	copy(odd[1:], data)
	unaligned, err := ReadSnapshot(odd[1:], []byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*Index{mapped, unaligned} {
		if !slices.Equal(got.delKeys, ix.delKeys) || !slices.Equal(got.delIDs, ix.delIDs) || !slices.Equal(got.df, ix.df) ||
			!slices.Equal(got.words, ix.words) || !slices.Equal(got.alted, ix.alted) || !slices.Equal(got.posts, ix.posts) || !slices.Equal(got.postAt, ix.postAt) {
			t.Error("a loaded index's arrays differ from the built one's")
		}
		q := Query{Names: []string{ix.entities[7].Names[0].Full}}
		want, _ := ix.Search(q, Options{})
		have, _ := got.Search(q, Options{})
		if len(want) == 0 || !reflect.DeepEqual(brief(want), brief(have)) {
			t.Errorf("%v: built %v, loaded %v", q.Names, brief(want), brief(have))
		}
	}
	if _, err := OpenSnapshot(path+".none", []byte("k")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing snapshot: %v, want ErrNotExist", err)
	}
}

// TestWordTable requires every listed text to be found under its id, and
// words no listed name has not to be found, as text or as bytes.
func TestWordTable(t *testing.T) {
	ix := ofac(t)
	for id, w := range ix.texts {
		if got, ok := ix.word(w); !ok || got != int32(id) {
			t.Fatalf("%q: id %d, %v; want %d", w, got, ok, id)
		}
		if got, ok := wordID(ix, []byte(w)); !ok || got != int32(id) {
			t.Fatalf("%q as bytes: id %d, %v; want %d", w, got, ok, id)
		}
	}
	for _, w := range []string{"", "zzqqxx", "notalistedwordatall", "ivanx"} {
		if id, ok := ix.word(w); ok {
			t.Errorf("%q found as %d (%q)", w, id, ix.texts[id])
		}
	}
	if dfOf(ix, "bank") == 0 || dfOf(ix, "zzqqxx") != 0 {
		t.Error("word counts by text are wrong")
	}
}

// TestFingerprintCache requires the fingerprint cached in a snapshot
// directory to be this engine's, and a cache another executable wrote to
// be computed again and replaced.
func TestFingerprintCache(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/" + fingerprintCache
	if err := os.WriteFile(path, bytes.Repeat([]byte{7}, 64), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := cachedFingerprint(dir); got != Fingerprint() {
		t.Fatalf("another executable's cache: %x, want %x", got[:8], Fingerprint())
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) != 64 || [32]byte(b[32:]) != Fingerprint() {
		t.Fatalf("cache not rewritten: %x, %v", b, err)
	}
	if got := cachedFingerprint(dir); got != Fingerprint() {
		t.Fatalf("read from the cache: %x", got[:8])
	}
}

// TestFingerprintStable requires the fingerprint to be a function of the
// engine alone, and to change with what the engine makes of a name.
func TestFingerprintStable(t *testing.T) {
	a, b := computeFingerprint(), computeFingerprint()
	if a != b || a != Fingerprint() {
		t.Fatal("the fingerprint differs between two computations")
	}
	saved := DefaultWeights
	defer func() { DefaultWeights = saved }()
	DefaultWeights.Legal += 0.01
	if computeFingerprint() == a {
		t.Error("changing a default weight leaves the fingerprint unchanged")
	}
	DefaultWeights = saved
	// A table entry no probe name meets.
	titles["zzfingerprinttitle"] = true
	changed := computeFingerprint()
	delete(titles, "zzfingerprinttitle")
	if changed == a {
		t.Error("a word added to a table leaves the fingerprint unchanged")
	}
	last := len(genericPlaces) - 1
	place := genericPlaces[last]
	genericPlaces[last] += "x"
	changed = computeFingerprint()
	genericPlaces[last] = place
	if changed == a {
		t.Error("a generated table's entry changed leaves the fingerprint unchanged")
	}
	// The Pinyin and Hangul tables, which only a few probe characters meet.
	for _, v := range []*uint32{&hanAt[len(hanAt)/2], &hangulSpeltRunesAt[len(hangulSpeltRunesAt)/2]} {
		*v++
		changed = computeFingerprint()
		*v--
		if changed == a {
			t.Error("a changed offset of a generated script table leaves the fingerprint unchanged")
		}
	}
	probe := fingerprintProbe
	defer func() { fingerprintProbe = probe }()
	fingerprintProbe = append(slices.Clone(probe[:len(probe)-1]), struct {
		name   string
		schema warden.Schema
	}{"Another Name", warden.SchemaPerson})
	if computeFingerprint() == a {
		t.Error("a changed probe leaves the fingerprint unchanged")
	}
}

// FuzzReadSnapshot requires arbitrary bytes, as a snapshot or as a payload
// past its checksum, never to panic while read, a snapshot read to be
// searchable and a payload decoded to give its parties. (Only a payload
// whose checksum holds is ever searched: the checksum, not the decoder's
// range checks, vouches for its structure.)
func FuzzReadSnapshot(f *testing.F) {
	small := NewIndex([]*warden.Entity{
		{ID: "t:1", List: "t", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Ivan Petrov", Kind: warden.NamePrimary}, {Full: "Иван Петров", Kind: warden.NameAKA}},
			BirthDates: []warden.DateRange{{From: "1960"}}, Nationalities: []string{"ru"}, Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "123456"}}},
		{ID: "t:2", List: "t", Schema: warden.SchemaCompany, Names: []warden.Name{{Full: "Four Seasons Trading Co Ltd", Kind: warden.NamePrimary}}},
	})
	var b bytes.Buffer
	if err := small.WriteSnapshot(&b, []byte("k")); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	payload, err := small.encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(payload)
	f.Fuzz(func(t *testing.T, data []byte) {
		if ix, err := ReadSnapshot(data, []byte("k")); err == nil {
			ix.Search(Query{Names: []string{"Ivan Petrov"}}, Options{})
		}
		if ix, err := decode(data); err == nil {
			for i := range ix.Len() {
				ix.entity(int32(i))
			}
			for i := range ix.Names() {
				ix.name(int32(i))
			}
			ix.idsOf("p:123456")
		}
	})
}

// BenchmarkFingerprint measures computing the engine fingerprint, which
// every process opening a snapshot pays once.
func BenchmarkFingerprint(b *testing.B) {
	for b.Loop() {
		computeFingerprint()
	}
}

// BenchmarkSnapshotLoadOFAC measures loading the OFAC index from its
// snapshot (the bytes already in memory).
func BenchmarkSnapshotLoadOFAC(b *testing.B) {
	data := ofacSnapshot(b)
	Fingerprint()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadSnapshot(data, []byte("k")); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFingerprintAcrossProcesses requires other processes of this engine
// to compute the same fingerprint: tables built from maps come in another
// order in each, and a fingerprint that followed would refuse every
// snapshot another process wrote.
func TestFingerprintAcrossProcesses(t *testing.T) {
	if os.Getenv("WARDEN_FINGERPRINT_CHILD") != "" {
		fmt.Printf("fingerprint %x\n", Fingerprint())
		return
	}
	want := fmt.Sprintf("fingerprint %x\n", Fingerprint())
	for range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFingerprintAcrossProcesses$")
		cmd.Env = append(os.Environ(), "WARDEN_FINGERPRINT_CHILD=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), want) {
			t.Fatalf("another process computes %q, this one %q", out, want)
		}
	}
}

// BenchmarkTablesDigest measures hashing the engine's tables, part of
// computing the fingerprint.
func BenchmarkTablesDigest(b *testing.B) {
	for b.Loop() {
		tablesDigest()
	}
}

// BenchmarkOpenSnapshotOFAC measures loading the OFAC index from its
// snapshot file, memory-mapped, as a process does (the file in the page
// cache, the fingerprint computed).
func BenchmarkOpenSnapshotOFAC(b *testing.B) {
	path := b.TempDir() + "/ix.snap"
	if err := os.WriteFile(path, ofacSnapshot(b), 0o644); err != nil {
		b.Fatal(err)
	}
	Fingerprint()
	b.ResetTimer()
	for b.Loop() {
		if _, err := OpenSnapshot(path, []byte("k")); err != nil {
			b.Fatal(err)
		}
	}
}
